"""The patterns page in chromium: charts draw, empty states show, a phone fits it."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

CHART_TOTALS = """() => Object.fromEntries(Object.entries(window.crampCharts).map(
  ([key, chart]) => [key, chart.data.datasets.reduce(
    (sum, set) => sum + set.data.reduce((a, b) => a + (Number(b) || 0), 0), 0)]))"""


def test_a_new_account_sees_what_to_log_instead_of_blank_charts(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/patterns/")
    assert page.locator("[data-empty]").count() == 8
    assert page.locator("canvas").count() == 0


def test_one_quick_log_shows_on_the_weekly_chart(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/quick/")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    page.goto(f"{live_server.url}/patterns/")
    assert page.inner_text('[data-headline="Episodes"]') == "1"
    page.wait_for_function("window.crampCharts && window.crampCharts.weekly")
    weekly = page.evaluate(
        "window.crampCharts.weekly.data.datasets.find(d => d.label == 'Episodes').data"
    )
    assert sum(weekly) == 1


def test_demo_data_draws_every_chart_and_fits_a_phone(new_page, live_server):
    call_command(
        "seed_demo",
        "--username",
        "demo",
        "--password",
        "a-long-test-password-42",
        "--days",
        "120",
    )
    page = new_page(width=360, height=740)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "a-long-test-password-42")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/patterns/?range=all")
    canvases = page.eval_on_selector_all("canvas", "els => els.map(e => e.id)")
    assert len(canvases) == 8
    page.wait_for_function("window.crampCharts && Object.keys(window.crampCharts).length == 8")
    totals = page.evaluate(CHART_TOTALS)
    assert all(total > 0 for total in totals.values()), totals
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
