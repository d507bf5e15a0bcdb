"""The guards every browser test stands behind really catch what they are for."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.guards import leftover_storage

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_csp_violation_is_reported(signed_up, live_server, problems):
    page = signed_up
    # Both reports of the refusal are waited for, each arriving in its own time: chromium's
    # console error, and the page's event once conftest has listed it.
    with page.expect_console_message(lambda m: m.type == "error" and "inline" in m.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.inline = 1"; document.body.append(s); }"""
        )
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_function("() => window.cspViolationsReported > 0")
    assert page.evaluate("() => window.inline") is None  # the policy blocked it
    assert any(p.startswith("CSP violation: script-src-elem blocked inline") for p in problems), (
        problems
    )
    problems.clear()


def test_a_third_party_request_is_blocked_and_reported(signed_up, problems):
    """A navigation, which the page's own policy does not stop: the route guard must."""
    page = signed_up
    with pytest.raises(PlaywrightError):
        page.goto("https://tracker.example/pixel.gif")
    assert problems == ["third-party request: https://tracker.example/pixel.gif"]
    problems.clear()


def test_a_console_error_is_reported(signed_up, problems):
    with signed_up.expect_console_message():  # delivered after the guard's own listener
        signed_up.evaluate("() => console.error('something broke')")
    assert "console error: something broke" in problems
    problems.clear()


def test_local_storage_left_behind_is_reported(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert leftover_storage(page.context) == []
    page.evaluate("() => localStorage.setItem('note', 'cramp at night')")
    assert leftover_storage(page.context) == [f"localStorage used: {live_server.url} ['note']"]
    page.evaluate("() => localStorage.clear()")
