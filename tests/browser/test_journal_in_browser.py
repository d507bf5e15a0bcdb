"""The journal in a real chromium, beyond the journeys in test_journeys.py."""

import re

import pytest

from journal.models import Episode

pytestmark = pytest.mark.django_db(transaction=True)


def test_intensity_slider_shows_its_value(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/quick/")
    page.get_by_role("button", name="Left calf", exact=True).click()
    page.fill("input[name=intensity]", "8")
    assert page.inner_text("output.intensity-value") == "8/10"
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    assert Episode.objects.get().intensity == 8


def test_a_deleted_episode_comes_back_with_undo_on_a_phone(new_page, live_server, tmp_path):
    """Issue 30 at 390 px: Delete asks first; after it, Undo puts back the same episode
    with its details."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from journal.records.services import save_episode_details
    from tests.browser.helpers import sign_up

    page = new_page(width=390, height=844, touch=True)
    sign_up(page, live_server.url, "undoer")
    episode = Episode.objects.create(
        owner=User.objects.get(username="undoer"),
        started_at=timezone.now(),
        duration_seconds=60,
        body_region="calf",
        side="left",
        intensity=6,
        notes="Woke me at 3",
    )
    save_episode_details(episode, triggers=["heat"], symptoms=[], reliefs={"stretch": 2})
    page.goto(f"{live_server.url}/episodes/{episode.pk}/")
    page.click("main a:has-text('Delete')")
    page.wait_for_url(re.compile(r"/delete/$"))
    assert page.is_visible("text=Delete this episode?")
    page.click("main button:has-text('Delete')")
    page.wait_for_url(f"{live_server.url}/episodes/")
    assert not Episode.objects.exists()
    undo = page.locator("[data-undo] button:has-text('Undo')")
    assert undo.is_visible()
    box = undo.bounding_box()
    assert box["height"] >= 44 - 6 and box["x"] + box["width"] <= 390  # on screen, tappable
    page.screenshot(path=str(tmp_path / "undo-390.png"))
    undo.click()
    page.wait_for_url(f"{live_server.url}/episodes/{episode.pk}/")
    assert page.is_visible("text=Episode restored")
    restored = Episode.objects.get(pk=episode.pk)
    assert restored.notes == "Woke me at 3"
    assert [t.trigger for t in restored.triggers.all()] == ["heat"]


def test_a_long_note_is_counted_and_kept_whole(signed_up, live_server):
    """Issue 30: a 10,000-character note was cut to 5,000 by the box itself. The counter
    says what is left, then how far over; Save refuses beside the field, text kept."""
    from journal.models import MAX_NOTE_LENGTH

    page = signed_up
    page.goto(f"{live_server.url}/checkins/today/")
    counter = page.locator("#id_notes_counter")
    assert counter.inner_text() == f"{MAX_NOTE_LENGTH:,} of {MAX_NOTE_LENGTH:,} characters left."
    page.locator("#id_notes").press_sequentially("Calf")
    assert (
        counter.inner_text() == f"{MAX_NOTE_LENGTH - 4:,} of {MAX_NOTE_LENGTH:,} characters left."
    )
    note = ("Woke with a calf cramp. " * 500)[:9_999] + "."
    page.fill("#id_notes", note)
    assert len(page.input_value("#id_notes")) == 10_000
    assert counter.inner_text().startswith(f"{10_000 - MAX_NOTE_LENGTH:,} characters over")
    page.click("main button:has-text('Save')")
    page.wait_for_selector("#error_1_id_notes")
    assert "at most" in page.inner_text("#error_1_id_notes")
    assert page.input_value("#id_notes") == note
    assert counter.inner_text().startswith(f"{10_000 - MAX_NOTE_LENGTH:,} characters over")
