"""Steps several browser tests take the same way."""

PASSWORD = "a-long-test-password-42"


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
    page.evaluate("() => window.scrollTo(0, 0)")
    return count


def log_out(page) -> None:
    """From the menu (a phone-width page keeps it behind the toggler), and wait until the
    signed-out page is there: the next step must not race the logout."""
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
    page.click("nav button:has-text('Log out')")
    page.wait_for_selector("nav a:has-text('Log in')")
