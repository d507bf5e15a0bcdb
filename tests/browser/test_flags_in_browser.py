"""A flag from logging to "discussed", in chromium, as a person meets it."""

import re

import pytest

from journal.models import FlagReview

pytestmark = pytest.mark.django_db(transaction=True)


def test_numbness_raises_a_calm_flag_that_can_be_marked_discussed(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/new/")
    page.select_option("#id_body_region", "hamstring")
    page.check("input[name=symptoms][value=numbness]")
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    note = page.locator("[data-concern]")
    assert "You logged numbness or tingling with this cramp." in note.inner_text()
    assert "worth discussing with a clinician" in note.inner_text()
    # Relief for the region logged: both hamstring stretches.
    relief = page.locator("[data-relief]").inner_text()
    assert "Sitting or lying down" in relief and "Standing up" in relief

    page.goto(f"{live_server.url}/patterns/")
    flag = page.locator('[data-flags] [data-flag="warning_symptoms"]')
    assert "See a clinician soon" in flag.inner_text()
    assert "urgent care" in page.locator("[data-flags] [data-urgent-note]").inner_text()
    page.click("text=Why, and what to do")
    page.wait_for_url(re.compile(r"/clinician/$"))
    page.click('[data-flag="warning_symptoms"] button:has-text("I have discussed this")')
    page.wait_for_url(re.compile(r"/clinician/$"))
    assert page.locator('[data-discussed="warning_symptoms"]').is_visible()
    assert page.locator('[data-history="warning_symptoms"]').is_visible()
    assert FlagReview.objects.count() == 1

    page.goto(f"{live_server.url}/patterns/")
    assert page.locator("[data-flags]").count() == 0
