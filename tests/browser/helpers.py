"""Steps several browser tests take the same way, and the chromium they take them in.

Every step waits for a state (a page loaded, an element shown, a menu done opening),
never for an amount of time, and never clicks something that may still be moving.
"""

import os

PASSWORD = "a-long-test-password-42"

# What .ci/run installs (`apt-get install chromium`) where Playwright cannot download.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
NO_CHROMIUM = (
    "NO CHROMIUM: run `.venv/bin/playwright install chromium` (needs the internet) "
    "or `apt-get install chromium` (Debian's, at /usr/bin/chromium)"
)


def _runnable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def find_chromium(playwright_path: str | None, debian_path: str = DEBIAN_CHROMIUM) -> str | None:
    """The chromium to drive: Playwright's own when it is installed (``playwright_path``,
    where `playwright install chromium` puts it), else Debian's; None when neither is."""
    for path in (playwright_path, debian_path):
        if _runnable(path):
            return path
    return None


def playwright_chromium_path() -> str | None:
    """Where Playwright keeps its own chromium, installed or not (it says so itself)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def sign_up(page, base_url: str, username: str) -> None:
    """A new account through the sign-up form; it ends signed in, on the home page."""
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def submit_and_wait(page, selector: str = "main button[type=submit]") -> None:
    """Click a button that sends its form, and wait until the page it leads to has
    loaded, even when that page has the same URL (a form sent back with its errors)."""
    with page.expect_navigation():
        page.click(selector)


def draw_charts(page) -> int:
    """The Patterns page draws each chart when it nears the screen: scroll to each as a
    person would and wait until Chart.js has drawn it. Returns how many charts there are."""
    canvases = page.locator("canvas")
    count = canvases.count()
    for index in range(count):
        canvas = canvases.nth(index)
        canvas.scroll_into_view_if_needed()
        key = canvas.get_attribute("id").removeprefix("chart-")
        page.wait_for_function(
            "(key) => window.crampCharts && window.Chart.getChart(document.getElementById("
            "`chart-${key}`)) === window.crampCharts[key]",
            arg=key,
        )
    # At once: Bootstrap makes the page's scrolling smooth, which would leave it moving.
    page.evaluate("() => window.scrollTo({top: 0, left: 0, behavior: 'instant'})")
    return count


def open_menu(page) -> None:
    """Open the navbar menu from its toggler (a phone-width page keeps it there) and wait
    until it is done sliding open: while Bootstrap animates it, #nav has "collapsing"
    instead of "collapse show", and a click could land on a button still moving."""
    # The toggler does nothing until Bootstrap's script (deferred) has run.
    page.wait_for_load_state("load")
    page.click(".navbar-toggler")
    page.locator("#nav.collapse.show:not(.collapsing)").wait_for(state="visible")


def log_out(page) -> None:
    """From the menu, and wait until the signed-out page is there: the next step must
    not race the logout."""
    page.wait_for_load_state("load")
    if page.locator(".navbar-toggler").is_visible():
        open_menu(page)
    submit_and_wait(page, "nav button:has-text('Log out')")
    page.locator("nav a:has-text('Log in')").wait_for(state="visible")
