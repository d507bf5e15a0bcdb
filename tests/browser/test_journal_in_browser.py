"""The journal as a person uses it on a phone, in a real chromium."""

import re

import pytest
from django.contrib.auth.models import User

from journal.models import Episode, Profile

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_guesses_the_zone_and_quick_log_takes_two_taps(signed_up, live_server):
    page = signed_up
    assert Profile.objects.get(user__username="walker").time_zone == "Europe/Paris"
    page.click(".big-action")  # tap 1
    page.click("button:has-text('Save')")  # tap 2
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    episode = Episode.objects.get(owner__username="walker")
    assert (episode.body_region, episode.intensity) == ("calf", 5)
    assert "Cramp logged" in page.inner_text("main")


def test_intensity_slider_shows_its_value(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/quick/")
    page.fill("input[name=intensity]", "8")
    assert page.inner_text("output.intensity-value") == "8/10"
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    assert Episode.objects.get().intensity == 8


@pytest.mark.parametrize("javascript", [True, False])
def test_timer_start_and_stop(new_page, live_server, javascript):
    User.objects.create_user("timer", "t@example.com", "a-long-test-password-42")
    page = new_page(javascript=javascript)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "timer")
    page.fill("#id_password", "a-long-test-password-42")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/episodes/timer/")
    page.click("button:has-text('Start the timer')")
    page.wait_for_url(re.compile(r"/episodes/\d+/timer/$"))
    if javascript:
        page.wait_for_function("() => document.getElementById('elapsed').textContent >= '00:02'")
    else:
        page.wait_for_timeout(2000)
    page.click("button:has-text('It stopped')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    episode = Episode.objects.get()
    assert not episode.ongoing
    assert 2 <= episode.duration_seconds <= 6


PAGES = [
    "/",
    "/episodes/quick/",
    "/episodes/new/",
    "/episodes/timer/",
    "/episodes/",
    "/checkins/today/",
    "/checkins/",
    "/medications/",
    "/medications/new/",
    "/profile/",
    "/patterns/",
    "/clinician/",
    "/explained/",
    "/export/",
    "/import/",
    "/profile/delete/",
    "/report/",
    "/share/",
    "/profile/two-factor/",
    "/profile/activity/",
    "/accounts/password_change/",
]


def test_every_page_fits_a_360px_phone(signed_up, live_server):
    page = signed_up
    for path in PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways ({width}px)"
        assert page.locator("main button[type=submit], main a.btn").first.is_visible(), path
