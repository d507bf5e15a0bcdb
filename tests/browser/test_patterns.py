"""The patterns page in chromium: charts draw, empty states show, a phone fits it.
The ``new_page`` fixture already fails a test on any console error, uncaught page error
or request to another host.
"""

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command

from tests.browser.helpers import PASSWORD, draw_charts, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = [
    "over_time",
    "duration",
    "regions",
    "hours",
    "activity",
    "triggers",
    "relief",
    "comparisons",
    "days",
]

# How many data points each chart holds, whatever its value (zeros count, nulls do not).
CHART_POINTS = """() => Object.fromEntries(Object.entries(window.crampCharts).map(
  ([key, chart]) => [key, chart.data.datasets.reduce(
    (n, set) => n + set.data.filter((v) => v !== null && v !== undefined).length, 0)]))"""
# The sum of every chart's values.
CHART_TOTALS = """() => Object.fromEntries(Object.entries(window.crampCharts).map(
  ([key, chart]) => [key, chart.data.datasets.reduce(
    (sum, set) => sum + set.data.reduce((a, b) => a + (Number(b) || 0), 0), 0)]))"""

# Resolves once the page's IntersectionObserver has reported where each chart first is:
# one made now reports its own first entries in the same rendering step as the page's or
# a later one (both watch the canvases), and the task after it comes once every observer
# of that step has been called.
OBSERVERS_HAVE_REPORTED = """() => new Promise((resolve) => {
  const observer = new IntersectionObserver(() => {
    observer.disconnect();
    setTimeout(resolve);
  });
  document.querySelectorAll("canvas").forEach((canvas) => observer.observe(canvas));
})"""

# What a strict production policy would allow: nothing inline, nothing evaluated.
STRICT_CSP = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


def _demo_page(new_page, live_server, days: int = 120, width: int = 360, height: int = 740):
    """A page logged in as the seed_demo account."""
    call_command("seed_demo", "--username", "demo", "--password", PASSWORD, "--days", str(days))
    page = new_page(width=width, height=height)
    sign_in(page, live_server.url, "demo")
    return page


def test_a_new_account_sees_what_to_log_instead_of_blank_charts(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/patterns/")
    page.wait_for_load_state("load")
    empty = page.eval_on_selector_all("[data-empty]", "els => els.map(e => e.dataset.empty)")
    # Every chart, and the body map beside them.
    assert sorted(empty) == sorted([*KEYS, "body-map"])
    assert all(page.locator(f'[data-empty="{key}"]').is_visible() for key in [*KEYS, "body-map"])
    assert page.locator("canvas").count() == 0
    assert page.evaluate("Object.keys(window.crampCharts || {}).length") == 0


def test_a_part_week_says_so_in_its_tooltip(signed_up, live_server):
    """(Journey 1 in test_journeys.py checks the chart over time holds a new episode.)"""
    page = signed_up
    page.goto(f"{live_server.url}/episodes/quick/")
    page.get_by_role("button", name="Left calf", exact=True).click()
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))

    # A range of weeks (over two months) from a Wednesday: its first week holds 5 of 7
    # days, and the tooltip says so.
    today = dt.datetime.now(dt.UTC).date()
    wednesday = today - dt.timedelta(days=(today.weekday() - 2) % 7 + 70)
    page.goto(
        f"{live_server.url}/patterns/?range=custom&start={wednesday}&end={today + dt.timedelta(1)}"
    )
    draw_charts(page)
    footers = page.evaluate(
        "(() => { const f = window.crampCharts.over_time.options.plugins.tooltip.callbacks.footer;"
        " return [f([{dataIndex: 0}]), f([{dataIndex: 1}])]; })()"
    )
    assert footers == ["Only 5 days of this week are in the range", ""]


def test_demo_data_draws_every_chart_and_fits_a_phone(new_page, live_server):
    page = _demo_page(new_page, live_server)
    page.goto(f"{live_server.url}/patterns/?range=all")
    canvases = page.eval_on_selector_all("canvas", "els => els.map(e => e.id)")
    assert sorted(canvases) == sorted(f"chart-{key}" for key in KEYS)
    assert draw_charts(page) == len(KEYS)
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas')].every("
        "c => window.crampCharts[c.id.slice(6)] && window.Chart.getChart(c)"
        " === window.crampCharts[c.id.slice(6)])"
    )
    assert drawn
    points = page.evaluate(CHART_POINTS)
    assert all(n > 0 for n in points.values()), points
    totals = page.evaluate(CHART_TOTALS)
    assert all(total > 0 for total in totals.values()), totals
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_charts_draw_under_the_apps_strict_content_security_policy(new_page, live_server):
    """The app's own header forbids inline script and style and eval: a violation would
    be a console error."""
    page = _demo_page(new_page, live_server, days=60, width=1280, height=900)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    response = page.goto(f"{live_server.url}/patterns/?range=all")
    policy = response.headers["content-security-policy"]
    for directive in STRICT_CSP:
        assert directive in policy
    assert "unsafe" not in policy
    assert draw_charts(page) > 0
    page.hover("#chart-over_time")  # tooltips draw too
    assert violations == []


def _zero_payload() -> dict:
    """Every chart present but with nothing in it: zeros, nulls and empty lists."""
    return {
        "over_time": {
            "empty": False,
            "bucket": "week",
            "labels": ["2026-01-05", "2026-01-12"],
            "episodes": [0, 0],
            "intensity": [None, None],
            "days": [7, 7],
            "length": [7, 7],
        },
        "duration": {"empty": False, "labels": ["under 30 s", "not recorded"], "counts": [0, 0]},
        "regions": {
            "empty": False,
            "labels": ["Calf"],
            "sides": [{"side": "Left", "counts": [0]}, {"side": "Right", "counts": [0]}],
        },
        "hours": {
            "empty": False,
            "labels": [f"{h:02d}" for h in range(24)],
            "counts": [0] * 24,
            "night_share": None,
        },
        "activity": {"empty": False, "labels": ["Asleep"], "counts": [0]},
        "triggers": {"empty": False, "labels": [], "counts": []},
        "relief": {"empty": False, "labels": ["Stretch"], "average": [0], "tried": [0]},
        "days": {
            "empty": False,
            "labels": ["Fluid (ml)", "Exercise (minutes)", "Sleep (hours)"],
            "cramp": [None, 0, None],
            "free": [None, 0, 7.5],
            "cramp_days": 0,
            "free_days": 0,
        },
        "comparisons": {
            "empty": False,
            "labels": ["Fluid", "Sleep"],
            "ratio": [None, 0],
            "low": [None, 0],
            "high": [None, None],
            "verdict": ["not enough data yet", "could be chance"],
        },
    }


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_zero_payload(), id="zeros-and-nulls"),
        pytest.param({key: {"empty": False} for key in KEYS}, id="no-series"),
    ],
)
def test_odd_payloads_do_not_break_the_page(new_page, live_server, payload):
    """The script draws whatever it is given without throwing (the fixture checks)."""
    page = _demo_page(new_page, live_server, days=60)

    def swap_data(route):
        response = route.fetch()
        body = re.sub(
            r'(<script id="chart-data" type="application/json">).*?(</script>)',
            lambda m: m.group(1) + json.dumps(payload) + m.group(2),
            response.text(),
            flags=re.S,
        )
        route.fulfill(response=response, body=body)

    page.route(re.compile(r"/patterns/"), swap_data)
    page.goto(f"{live_server.url}/patterns/?range=all")
    assert page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)") == (
        payload
    )
    assert draw_charts(page) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_charts_draw_as_they_near_the_screen_and_all_of_them_for_printing(new_page, live_server):
    """On a phone the charts sit below the flags and the numbers: none is drawn on load
    (the page answers sooner); scrolling draws each; printing draws the rest."""
    page = _demo_page(new_page, live_server)
    page.goto(f"{live_server.url}/patterns/?range=all")
    page.wait_for_load_state("load")
    page.evaluate(OBSERVERS_HAVE_REPORTED)  # the page's observer has had its say
    assert page.evaluate("() => Object.keys(window.crampCharts)") == []
    page.locator("#chart-over_time").scroll_into_view_if_needed()
    page.wait_for_function("() => window.crampCharts.over_time")
    drawn = page.evaluate("() => Object.keys(window.crampCharts)")
    assert "over_time" in drawn and len(drawn) < len(KEYS)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert sorted(page.evaluate("() => Object.keys(window.crampCharts)")) == sorted(KEYS)
