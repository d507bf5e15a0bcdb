"""The Patterns page draws each chart when it nears the screen; tests scroll to them."""


def draw_charts(page) -> int:
    """Scroll to each chart as a person would and wait until Chart.js has drawn it there.
    Returns how many charts the page has."""
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
