"""Real-browser fixtures: chromium driven by Playwright against live_server. The chromium
is Playwright's own when `.venv/bin/playwright install chromium` has put it in place, else
Debian's /usr/bin/chromium (what .ci/run installs); without either, the tests that need a
browser are skipped, saying how to get one.

Every page is held to these guards, each of which fails the test: a request to any host
but the app's own (blocked as well), a console error or uncaught page error, a
Content-Security-Policy violation (reported by the page's own `securitypolicyviolation`
event, so a policy in report-only mode or a violation chromium does not log is caught),
and anything left in localStorage when the test ends.
"""

import functools
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.guards import leftover_storage
from tests.browser.helpers import NO_CHROMIUM, find_chromium, playwright_chromium_path, sign_up

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
# are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def chromium() -> str | None:
    """The chromium these tests drive, or None (asked once: Playwright starts its driver)."""
    return find_chromium(playwright_chromium_path())


def pytest_collection_modifyitems(items):
    needing = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    if needing and chromium() is None:
        skip = pytest.mark.skip(reason=NO_CHROMIUM)
        for item in needing:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Third-party requests, console errors and CSP violations seen while a test ran."""


# Runs in every document before its own scripts (injected over the DevTools protocol, so
# the page's policy does not apply to it) and hands each violation to the test. Once the
# test's list holds it, window.cspViolationsReported counts it: a test that causes a
# violation waits for that count (page.wait_for_function), not for some time.
REPORT_CSP_VIOLATIONS = """window.cspViolationsReported = 0;
document.addEventListener("securitypolicyviolation", async (event) => {
  await window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
  window.cspViolationsReported += 1;
});"""


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(browser, live_server, problems):
    """Make pages at a given viewport, guarded against third parties and console errors."""
    own_host = urlsplit(live_server.url).netloc
    contexts = []

    def make(width: int = 360, height: int = 740, javascript: bool = True, touch: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            has_touch=touch,
            timezone_id="Europe/Paris",
        )
        contexts.append(context)

        def guard(route):
            if urlsplit(route.request.url).netloc == own_host:
                route.continue_()
            else:
                problems.append(f"third-party request: {route.request.url}")
                route.abort()

        context.route("**/*", guard)
        context.expose_function(
            "reportCspViolation", lambda text: problems.append(f"CSP violation: {text}")
        )
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        return page

    yield make
    for context in contexts:
        problems.extend(leftover_storage(context))
        context.close()
    assert list(problems) == []


@pytest.fixture
def signed_up(new_page, live_server) -> Iterator:
    """A page signed in as a brand-new account made through the sign-up form."""
    page = new_page()
    sign_up(page, live_server.url, "walker")
    yield page
