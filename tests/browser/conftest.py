"""Real-browser fixtures: Debian's chromium driven by Playwright against live_server.

Every page is held to these guards, each of which fails the test: a request to any host
but the app's own (blocked as well), a console error or uncaught page error, a
Content-Security-Policy violation (reported by the page's own `securitypolicyviolation`
event, so a policy in report-only mode or a violation chromium does not log is caught),
and anything left in localStorage when the test ends.
"""

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.guards import leftover_storage
from tests.browser.helpers import sign_up

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
# are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="CHROMIUM IS NOT INSTALLED (apt-get install chromium)")
        for item in items:
            if "tests/browser/" in item.nodeid:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Third-party requests, console errors and CSP violations seen while a test ran."""


# Runs in every document before its own scripts (injected over the DevTools protocol, so
# the page's policy does not apply to it) and hands each violation to the test.
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) =>
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`));"""


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(browser, live_server, problems):
    """Make pages at a given viewport, guarded against third parties and console errors."""
    own_host = urlsplit(live_server.url).netloc
    contexts = []

    def make(width: int = 360, height: int = 740, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
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
