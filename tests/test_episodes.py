"""Logging, reading, editing and deleting episodes through the pages a person uses."""

import datetime as dt
import re
import zoneinfo
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Episode, Profile


def _form_data(form) -> dict:
    """What a browser would submit for an unbound form: its initial values."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_quick_log_saves_in_two_taps_after_the_first(alice_client, user, make_episode):
    make_episode(
        user, body_region="calf", side="left", started_at=timezone.now() - dt.timedelta(days=2)
    )
    page = alice_client.get(reverse("quick_log"))  # tap 1: "Log a cramp"
    assert page.status_code == HTTPStatus.OK
    before = timezone.now()
    response = alice_client.post(reverse("quick_log"), _form_data(page.context["form"]))  # tap 2
    episode = Episode.objects.filter(owner=user).latest("pk")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("episode_detail", args=[episode.pk])
    assert before - dt.timedelta(seconds=5) <= episode.started_at <= timezone.now()
    assert (episode.body_region, episode.side, episode.intensity) == ("calf", "left", 5)
    assert episode.duration_seconds is None and not episode.ongoing


@pytest.mark.parametrize("page", ["quick_log", "timer_start", "episode_create"])
def test_a_first_log_presets_no_place_and_save_says_what_is_missing(alice_client, user, page):
    """Two taps must not record a cramp in a place nobody chose: on a first log Where and
    Side start empty, and Save names what is missing beside it, keeping the rest."""
    form = alice_client.get(reverse(page)).context["form"]
    assert form["body_region"].value() in (None, "") and form["side"].value() in (None, "")
    html = alice_client.get(reverse(page)).content.decode()
    assert '<option value="" selected>Choose where</option>' in html
    assert "Chosen: <strong data-body-map-choice>nothing yet</strong>" in html
    data = _form_data(form) | {"intensity": "7"}
    response = alice_client.post(reverse(page), data)
    assert response.status_code == HTTPStatus.OK
    assert not Episode.objects.exists()
    errors = response.context["form"].errors
    assert errors["body_region"] == [
        "Choose where it cramps: tap the map, or pick a place in the list under Where."
    ]
    # Right under the box, tied to it for a screen reader; what was typed is kept.
    assert re.search(
        r'<select name="body_region"[^>]*aria-describedby="id_body_region_error".*?</select>\s*'
        r'<div id="id_body_region_error" class="invalid-feedback">\s*<span[^>]*><strong>'
        r"Choose where it cramps",
        response.content.decode(),
        flags=re.S,
    )
    # And above the map, on screen after the top Save.
    assert "data-body-map-missing>Choose where it cramps" in response.content.decode()
    assert response.context["form"]["intensity"].value() == "7"


def test_a_sided_place_needs_its_side_and_a_middle_one_does_not(alice_client, user):
    response = alice_client.post(
        reverse("quick_log"), {"body_region": "calf", "side": "", "intensity": 6, "started_ago": 0}
    )
    assert response.status_code == HTTPStatus.OK and not Episode.objects.exists()
    assert response.context["form"].errors["side"] == ["Choose a side: left, right or both."]
    assert "Chosen: <strong data-body-map-choice>Calf (choose a side)</strong>" in (
        response.content.decode()
    )
    alice_client.post(
        reverse("quick_log"), {"body_region": "neck", "side": "", "intensity": 6, "started_ago": 0}
    )
    assert Episode.objects.get(owner=user).side == "na"


def test_quick_log_preselects_the_last_region_and_side(alice_client, user, make_episode):
    make_episode(user, body_region="foot", side="right")
    form = alice_client.get(reverse("quick_log")).context["form"]
    assert form["body_region"].value() == "foot"
    assert form["side"].value() == "right"


def test_quick_log_with_a_time_ago_and_duration(alice_client, user):
    alice_client.post(
        reverse("quick_log"),
        {"body_region": "calf", "side": "left", "intensity": 7, "started_ago": 15, "how_long": 120},
    )
    episode = Episode.objects.get(owner=user)
    ago = timezone.now() - episode.started_at
    assert dt.timedelta(minutes=14) < ago < dt.timedelta(minutes=16)
    assert episode.duration_seconds == 120 and episode.intensity == 7


def test_quick_log_still_going_opens_the_timer(alice_client, user):
    response = alice_client.post(
        reverse("quick_log"),
        {
            "body_region": "calf",
            "side": "left",
            "intensity": 6,
            "started_ago": 0,
            "how_long": "ongoing",
        },
    )
    episode = Episode.objects.get(owner=user)
    assert episode.ongoing
    assert response.url == reverse("episode_timer", args=[episode.pk])


def test_quick_log_rejects_an_unknown_region_and_keeps_the_rest(alice_client, user):
    response = alice_client.post(
        reverse("quick_log"),
        {"body_region": "tail", "side": "left", "intensity": 8, "started_ago": 5},
    )
    assert response.status_code == HTTPStatus.OK
    assert "body_region" in response.context["form"].errors
    assert response.context["form"]["intensity"].value() == "8"
    assert not Episode.objects.exists()


def test_timer_start_then_stop_sets_the_duration(alice_client, user):
    response = alice_client.post(
        reverse("timer_start"), {"body_region": "hamstring", "side": "right", "intensity": 6}
    )
    episode = Episode.objects.get(owner=user)
    assert episode.ongoing and episode.duration_seconds is None
    assert response.url == reverse("episode_timer", args=[episode.pk])
    page = alice_client.get(response.url)
    assert b"It stopped" in page.content
    # Pretend the cramp began 95 seconds ago, then stop it.
    Episode.objects.filter(pk=episode.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=95)
    )
    response = alice_client.post(reverse("episode_stop", args=[episode.pk]), {"intensity": 8})
    episode.refresh_from_db()
    assert response.url == reverse("episode_detail", args=[episode.pk])
    assert not episode.ongoing
    assert 95 <= episode.duration_seconds <= 100
    assert episode.intensity == 8


def test_stopping_a_timer_started_over_a_day_ago_asks_for_the_duration(
    alice_client, user, make_episode
):
    episode = make_episode(
        user,
        ongoing=True,
        duration_seconds=None,
        started_at=timezone.now() - dt.timedelta(hours=30),
    )
    response = alice_client.post(reverse("episode_stop", args=[episode.pk]), {"intensity": 5})
    assert response.url == reverse("episode_edit", args=[episode.pk])
    episode.refresh_from_db()
    assert episode.ongoing


def test_stopping_twice_changes_nothing(alice_client, user, make_episode):
    episode = make_episode(user, duration_seconds=42)
    response = alice_client.post(reverse("episode_stop", args=[episode.pk]), {"intensity": 1})
    episode.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert episode.duration_seconds == 42 and episode.intensity == 5


FULL = {
    "started_at": "2026-03-10T02:30",
    "duration_minutes": "2",
    "duration_seconds_part": "15",
    "body_region": "calf",
    "side": "both",
    "intensity": "9",
    "activity": "asleep",
    "broke_sleep": "on",
    "fluid_ml": "1200",
    "electrolyte_drink": "false",
    "exercise_type": "Running",
    "exercise_minutes": "45",
    "exercise_intensity": "vigorous",
    "heavy_sweating": "true",
    "triggers": ["dehydration", "heavy_sweating"],
    "symptoms": ["numbness", "soreness"],
    "relief_stretch": "2",
    "relief_heat": "0",
    "notes": "Woke at 2:30, <b>both</b> calves.",
}


def test_full_form_saves_every_field(alice_client, user, make_medication):
    Profile.objects.filter(user=user).update(time_zone="Europe/Berlin")
    medication = make_medication(user)
    response = alice_client.post(
        reverse("episode_create"), FULL | {"medications_taken": [medication.pk]}
    )
    episode = Episode.objects.get(owner=user)
    assert response.url == reverse("episode_detail", args=[episode.pk])
    # 02:30 in Berlin (UTC+1 in March before DST) is 01:30 UTC.
    assert episode.started_at == dt.datetime(2026, 3, 10, 1, 30, tzinfo=dt.UTC)
    assert episode.duration_seconds == 135
    assert (episode.body_region, episode.side, episode.intensity) == ("calf", "both", 9)
    assert episode.activity == "asleep" and episode.broke_sleep
    assert episode.fluid_ml == 1200 and episode.electrolyte_drink is False
    assert (episode.exercise_type, episode.exercise_minutes) == ("Running", 45)
    assert episode.exercise_intensity == "vigorous" and episode.heavy_sweating is True
    assert sorted(t.trigger for t in episode.triggers.all()) == ["dehydration", "heavy_sweating"]
    assert sorted(s.symptom for s in episode.symptoms.all()) == ["numbness", "soreness"]
    assert {r.measure: r.effect for r in episode.reliefs.all()} == {"stretch": 2, "heat": 0}
    assert list(episode.medications_taken.all()) == [medication]
    detail = alice_client.get(response.url).content.decode()
    assert "02:30" in detail  # shown in the person's zone, not UTC
    assert "&lt;b&gt;both&lt;/b&gt;" in detail  # notes are escaped
    assert "Numbness or tingling" in detail and "Helped a lot" in detail


def test_edit_shows_what_was_saved_and_changes_it(alice_client, user):
    alice_client.post(reverse("episode_create"), FULL)
    episode = Episode.objects.get(owner=user)
    form = alice_client.get(reverse("episode_edit", args=[episode.pk])).context["form"]
    assert form["duration_minutes"].value() == 2 and form["duration_seconds_part"].value() == 15
    assert sorted(form["triggers"].value()) == ["dehydration", "heavy_sweating"]
    assert form["relief_stretch"].value() == 2
    assert str(form["fluid_ml"].value()) == "1200"
    changed = FULL | {"intensity": "3", "triggers": ["stress"], "relief_stretch": ""}
    alice_client.post(reverse("episode_edit", args=[episode.pk]), changed)
    episode.refresh_from_db()
    assert episode.intensity == 3
    assert [t.trigger for t in episode.triggers.all()] == ["stress"]
    assert {r.measure for r in episode.reliefs.all()} == {"heat"}
    assert Episode.objects.count() == 1


def test_delete_asks_first_then_deletes(alice_client, user, make_episode):
    episode = make_episode(user)
    page = alice_client.get(reverse("episode_delete", args=[episode.pk]))
    assert b"Delete this episode?" in page.content
    assert Episode.objects.filter(pk=episode.pk).exists()
    # A POST without the confirm page's answer (an old one-tap form) asks too.
    asked = alice_client.post(reverse("episode_delete", args=[episode.pk]))
    assert b"Delete this episode?" in asked.content
    assert Episode.objects.filter(pk=episode.pk).exists()
    response = alice_client.post(reverse("episode_delete", args=[episode.pk]), {"confirmed": "yes"})
    assert response.url == reverse("episode_list")
    assert not Episode.objects.filter(pk=episode.pk).exists()


def test_ongoing_cramp_is_shown_on_home_with_a_stop_link(alice_client, user, make_episode):
    episode = make_episode(user, ongoing=True, duration_seconds=None)
    page = alice_client.get(reverse("home")).content.decode()
    assert reverse("episode_timer", args=[episode.pk]) in page


def test_list_paginates_newest_first(alice_client, user, make_episode):
    now = timezone.now()
    for hours in range(25):
        make_episode(user, started_at=now - dt.timedelta(hours=hours))
    first = alice_client.get(reverse("episode_list")).context["page"]
    assert len(first.object_list) == 20 and first.paginator.num_pages == 2
    assert first.object_list[0].started_at > first.object_list[1].started_at
    second = alice_client.get(reverse("episode_list"), {"page": 2}).context["page"]
    assert len(second.object_list) == 5


def test_list_filters_by_local_date_region_and_intensity(alice_client, user, make_episode):
    Profile.objects.filter(user=user).update(time_zone="America/New_York")
    ny = zoneinfo.ZoneInfo("America/New_York")
    # 23:30 on 1 June in New York is already 2 June in UTC: it belongs to 1 June.
    late = make_episode(user, started_at=dt.datetime(2026, 6, 1, 23, 30, tzinfo=ny))
    make_episode(user, started_at=dt.datetime(2026, 6, 2, 8, 0, tzinfo=ny))
    make_episode(user, started_at=dt.datetime(2026, 6, 1, 9, 0, tzinfo=ny), body_region="neck")
    make_episode(user, started_at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=ny), intensity=9)
    response = alice_client.post(
        reverse("episode_list"),
        {
            "date_from": "2026-06-01",
            "date_to": "2026-06-01",
            "region": "calf",
            "intensity_min": "2",
            "intensity_max": "6",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "calf" not in response.url  # filters stay out of the URL
    page = alice_client.get(reverse("episode_list")).context["page"]
    assert list(page.object_list) == [late]
    alice_client.post(reverse("episode_list"), {"clear": "1"})
    assert alice_client.get(reverse("episode_list")).context["page"].paginator.count == 4


def test_a_bad_filter_explains_itself(alice_client):
    response = alice_client.post(
        reverse("episode_list"), {"date_from": "2026-06-05", "date_to": "2026-06-01"}
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["filter_form"].errors
    assert errors["date_to"] == ["The end date can't be before the start date."]
    assert "The end date can&#x27;t be before the start date." in response.content.decode()
    assert response.context["filter_form"]["date_from"].value() == "2026-06-05"


@pytest.mark.parametrize("page", ["abc", "999", "-1"])
def test_odd_page_numbers_do_not_break_the_list(alice_client, page):
    assert alice_client.get(reverse("episode_list"), {"page": page}).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "quick_log",
            {"body_region": "calf", "side": "left", "intensity": "5", "started_ago": "0"},
        ),
        ("episode_create", FULL),
        ("timer_start", {"body_region": "foot", "side": "right", "intensity": "6"}),
    ],
)
def test_a_form_sent_twice_saves_one_episode(alice_client, user, name, data):
    form = alice_client.get(reverse(name)).context["form"]
    client_id = form["client_id"].value()
    first = alice_client.post(reverse(name), data | {"client_id": client_id})
    again = alice_client.post(reverse(name), data | {"client_id": client_id}, follow=True)
    episode = Episode.objects.get(owner=user)
    assert str(episode.uid) == str(client_id)
    assert first.url == again.redirect_chain[0][0]
    assert "already saved" in again.content.decode()
    # A fresh form has a fresh id.
    assert alice_client.get(reverse(name)).context["form"]["client_id"].value() != client_id


def test_the_same_client_id_from_two_people_makes_two_episodes(
    alice_client, other_user, client_for
):
    client_id = "0c6f2b9e-3f4a-4a57-9d59-2d1f2b0c9a11"
    data = {"body_region": "calf", "side": "left", "intensity": "5", "started_ago": "0"}
    data["client_id"] = client_id
    alice_client.post(reverse("quick_log"), data)
    client_for(other_user).post(reverse("quick_log"), data)
    assert Episode.objects.filter(uid=client_id).count() == 2
