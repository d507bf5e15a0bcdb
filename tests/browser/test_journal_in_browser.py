"""The journal in a real chromium, beyond the journeys in test_journeys.py."""

import re

import pytest

from journal.models import Episode

pytestmark = pytest.mark.django_db(transaction=True)


def test_intensity_slider_shows_its_value(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/quick/")
    page.fill("input[name=intensity]", "8")
    assert page.inner_text("output.intensity-value") == "8/10"
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    assert Episode.objects.get().intensity == 8
