"""Which chromium the browser tests drive: Playwright's own when it is installed, else
Debian's, else none, and then the skip says both ways to get one. No browser is needed."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.helpers import NO_CHROMIUM, find_chromium


def _executable(path: Path) -> str:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def playwrights(tmp_path) -> Path:
    return tmp_path / "ms-playwright" / "chromium-1" / "chrome-linux64" / "chrome"


@pytest.fixture
def debians(tmp_path) -> Path:
    return tmp_path / "usr" / "bin" / "chromium"


def test_playwrights_own_is_taken_first_when_it_is_installed(playwrights, debians):
    playwrights.parent.mkdir(parents=True)
    debians.parent.mkdir(parents=True)
    own, debian = _executable(playwrights), _executable(debians)
    assert find_chromium(own, debian_path=debian) == own


def test_playwrights_own_alone_is_enough(playwrights, debians):
    playwrights.parent.mkdir(parents=True)
    own = _executable(playwrights)
    assert find_chromium(own, debian_path=str(debians)) == own


def test_debians_when_playwright_has_not_downloaded_its_own(playwrights, debians):
    debians.parent.mkdir(parents=True)
    debian = _executable(debians)
    assert find_chromium(str(playwrights), debian_path=debian) == debian
    assert find_chromium(None, debian_path=debian) == debian


def test_a_file_that_cannot_run_or_a_folder_is_not_a_browser(playwrights, debians):
    playwrights.parent.mkdir(parents=True)
    debians.parent.mkdir(parents=True)
    playwrights.write_text("half a download")  # not executable
    debian = _executable(debians)
    assert find_chromium(str(playwrights), debian_path=debian) == debian
    assert find_chromium(str(playwrights.parent), debian_path=str(debians.parent)) is None


def test_none_when_neither_is_installed(playwrights, debians):
    assert find_chromium(str(playwrights), debian_path=str(debians)) is None
    assert find_chromium(None, debian_path=str(debians)) is None


def test_the_skip_says_both_ways_to_get_one():
    assert ".venv/bin/playwright install chromium" in NO_CHROMIUM
    assert "apt-get install chromium" in NO_CHROMIUM


def test_playwright_says_where_its_own_chromium_goes():
    """Asked in a process of its own: Playwright's sync API refuses to start inside the
    event loop the browser fixtures run in this one."""
    asked = subprocess.run(
        [sys.executable, "-c", ASK],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    path = Path(asked.stdout.strip())
    assert path.is_absolute()
    # e.g. ~/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome
    assert any(part.startswith("chromium-") for part in path.parts)
    assert path.name in {"chrome", "headless_shell"}


ASK = (
    "from tests.browser.helpers import playwright_chromium_path; print(playwright_chromium_path())"
)
