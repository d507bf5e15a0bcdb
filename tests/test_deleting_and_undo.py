"""Nothing a person owns is gone by one mis-tap (issue 30): every delete asks first,
then Undo puts back exactly what was there for UNDO_SECONDS; another person's record
is a 404 for both; after the window Undo refuses in words and the copy is erased."""

import datetime as dt
import time
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from journal.models import (
    CheckIn,
    Episode,
    Medication,
    ShareLink,
    UndoableDeletion,
)
from journal.patterns import stats
from journal.records import undo

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


def later(seconds: float):
    return time_machine.travel(time.time() + seconds, tick=False)


def _episode_as_it_is(episode: Episode) -> dict:
    """Every field of an episode and every row hanging off it."""
    episode = Episode.objects.get(pk=episode.pk)
    fields = {f.name: getattr(episode, f.name) for f in Episode._meta.concrete_fields}
    return fields | {
        "triggers": sorted(t.trigger for t in episode.triggers.all()),
        "symptoms": sorted(s.symptom for s in episode.symptoms.all()),
        "reliefs": sorted((r.measure, r.effect) for r in episode.reliefs.all()),
        "medications_taken": sorted(m.pk for m in episode.medications_taken.all()),
    }


def _undo_form_action(page: str) -> str:
    start = page.index('action="/undo/') + len('action="')
    return page[start : page.index('"', start)]


def test_a_one_tap_delete_only_asks(alice_client, user, make_episode, make_checkin):
    episode, checkin = make_episode(user), make_checkin(user)
    # The check-in form's button right under Save: a POST without the answer.
    asked = alice_client.post(reverse("checkin_delete", args=[checkin.date]))
    assert asked.status_code == HTTPStatus.OK
    page = asked.content.decode()
    assert "Delete this check-in?" in page and "Keep it" in page
    assert f"undo it for {undo.UNDO_SECONDS} seconds" in page
    assert alice_client.get(reverse("episode_delete", args=[episode.pk])).status_code == 200
    assert Episode.objects.count() == CheckIn.objects.count() == 1


def test_undo_puts_an_episode_back_with_every_detail(
    alice_client, user, make_full_episode, make_medication
):
    episode = make_full_episode(user, timezone.now() - dt.timedelta(hours=3))
    episode.medications_taken.add(make_medication(user, name="Quinine"))
    before = _episode_as_it_is(episode)
    assert before["triggers"] and before["symptoms"] and before["reliefs"]
    assert len(before["medications_taken"]) == 2

    response = alice_client.post(
        reverse("episode_delete", args=[episode.pk]), CONFIRMED, follow=True
    )
    page = response.content.decode()
    assert "Episode deleted." in page and "Undo" in page
    assert not Episode.objects.filter(pk=episode.pk).exists()
    # Gone from what Patterns counts at once, not merely hidden.
    assert stats.first_day(user) is None

    restored = alice_client.post(_undo_form_action(page), follow=True)
    assert restored.redirect_chain[-1][0] == reverse("episode_detail", args=[episode.pk])
    assert "Episode restored" in restored.content.decode()
    assert _episode_as_it_is(episode) == before
    assert not UndoableDeletion.objects.exists()  # the copy is erased at the Undo
    # And the offer is gone: a second tap has nothing to undo.
    assert "/undo/" not in alice_client.get(reverse("episode_list")).content.decode()


def test_undo_puts_a_check_in_back(alice_client, user, make_checkin):
    checkin = make_checkin(user, notes="Long walk", stretched=True, exercise_minutes=40)
    before = CheckIn.objects.filter(pk=checkin.pk).values().get()
    page = alice_client.post(
        reverse("checkin_delete", args=[checkin.date]), CONFIRMED, follow=True
    ).content.decode()
    assert not CheckIn.objects.exists()
    alice_client.post(_undo_form_action(page))
    assert CheckIn.objects.filter(pk=checkin.pk).values().get() == before


def test_undo_puts_a_medicine_back_on_the_list_and_on_its_episodes(
    alice_client, user, make_episode, make_medication
):
    medication = make_medication(user, name="Furosemide", kind="diuretic")
    episodes = [make_episode(user), make_episode(user)]
    for episode in episodes:
        episode.medications_taken.add(medication)
    page = alice_client.post(
        reverse("medication_delete", args=[medication.pk]), CONFIRMED, follow=True
    ).content.decode()
    assert "Removed Furosemide from your list." in page
    assert not episodes[0].medications_taken.exists()
    alice_client.post(_undo_form_action(page))
    assert Medication.objects.get(pk=medication.pk).name == "Furosemide"
    for episode in episodes:
        assert list(episode.medications_taken.all()) == [medication]


def test_a_revoked_share_link_stops_at_once_and_undo_reopens_it(alice_client, user):
    link = ShareLink.objects.create(
        owner=user,
        token_hash="0" * 64,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 31),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    page = alice_client.post(reverse("share_revoke", args=[link.pk]), follow=True)
    link.refresh_from_db()
    assert not link.is_valid_at(timezone.now())  # the clinician's access ends now
    alice_client.post(_undo_form_action(page.content.decode()))
    link.refresh_from_db()
    assert link.revoked_at is None and link.is_valid_at(timezone.now())


def test_another_persons_record_is_404_to_delete_and_to_undo(
    alice_client, client_for, user, other_user, make_episode, make_checkin, make_medication
):
    mallory = client_for(other_user)
    episode, checkin, medication = (
        make_episode(user),
        make_checkin(user),
        make_medication(user),
    )
    for url in (
        reverse("episode_delete", args=[episode.pk]),
        reverse("checkin_delete", args=[checkin.date]),
        reverse("medication_delete", args=[medication.pk]),
    ):
        assert mallory.get(url).status_code == HTTPStatus.NOT_FOUND
        assert mallory.post(url, CONFIRMED).status_code == HTTPStatus.NOT_FOUND
    alice_client.post(reverse("episode_delete", args=[episode.pk]), CONFIRMED)
    copy = UndoableDeletion.objects.get()
    assert mallory.post(reverse("undo_delete", args=[copy.pk])).status_code == 404
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert alice_client.get(reverse("undo_delete", args=[copy.pk])).status_code == 405


def test_after_the_window_undo_refuses_in_words_and_the_copy_is_gone(
    alice_client, user, make_episode
):
    episode = make_episode(user, notes="A private note")
    page = alice_client.post(
        reverse("episode_delete", args=[episode.pk]), CONFIRMED, follow=True
    ).content.decode()
    with later(undo.UNDO_SECONDS + 1):
        response = alice_client.post(_undo_form_action(page), follow=True)
        assert escape(undo.TOO_LATE) in response.content.decode()
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert not UndoableDeletion.objects.exists()


def test_the_copy_does_not_outlive_its_window(alice_client, user, make_episode, make_checkin):
    """The person's next page after the window erases it; so does anyone's next delete."""
    alice_client.post(reverse("episode_delete", args=[make_episode(user).pk]), CONFIRMED)
    with later(undo.UNDO_SECONDS + 1):
        page = alice_client.get(reverse("home")).content.decode()
        assert "/undo/" not in page
        assert not UndoableDeletion.objects.exists()
    alice_client.post(reverse("episode_delete", args=[make_episode(user).pk]), CONFIRMED)
    with later(undo.UNDO_SECONDS + 1):
        undo.delete_checkin(make_checkin(user))
        assert UndoableDeletion.objects.count() == 1  # only the check-in's, just made


def test_a_check_in_saved_again_for_that_day_is_kept_over_the_deleted_one(
    alice_client, user, make_checkin
):
    checkin = make_checkin(user, fluid_ml=500)
    page = alice_client.post(
        reverse("checkin_delete", args=[checkin.date]), CONFIRMED, follow=True
    ).content.decode()
    make_checkin(user, date=checkin.date, fluid_ml=2500)
    response = alice_client.post(_undo_form_action(page), follow=True)
    assert escape(undo.CHECKIN_TAKEN) in response.content.decode()
    assert CheckIn.objects.get().fluid_ml == 2500


def test_the_reminder_senders_pass_erases_copies_past_their_window(user, make_episode):
    """A server where nobody deletes or opens a page still erases them, each minute."""
    from journal.reminders import sender

    undo.delete_episode(make_episode(user, notes="A private note"))
    sender.tidy(timezone.now())
    assert UndoableDeletion.objects.count() == 1  # still in its window
    sender.tidy(timezone.now() + dt.timedelta(seconds=undo.UNDO_SECONDS + 1))
    assert not UndoableDeletion.objects.exists()


def test_undo_is_offered_on_the_list_the_delete_led_to_and_not_on_other_forms(
    alice_client, user, make_medication
):
    """Elsewhere an Undo button would stand first among a form's own buttons."""
    medication = make_medication(user)
    alice_client.post(reverse("medication_delete", args=[medication.pk]), CONFIRMED)
    assert "/undo/" not in alice_client.get(reverse("checkin_today")).content.decode()
    assert "/undo/" in alice_client.get(reverse("medication_list")).content.decode()
