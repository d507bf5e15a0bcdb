"""Steps several browser tests take the same way."""


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
