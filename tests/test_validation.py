"""Every validation rule, bad and good: a clear message next to the field, input kept."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import CheckIn, Episode, Medication, Profile
from journal.records.forms import CheckInForm, EpisodeForm, MedicationForm

BASE = {"started_at": "2026-01-05T03:00", "body_region": "calf", "side": "left", "intensity": "5"}


def _episode_form(user, data: dict, unit: str = "ml") -> EpisodeForm:
    return EpisodeForm(BASE | data, instance=Episode(owner=user), unit=unit)


def _in_local_minutes(delta: dt.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    "data,field,message",
    [
        (
            {"duration_minutes": "0", "duration_seconds_part": "0"},
            "duration_minutes",
            "more than 0",
        ),
        (
            {"duration_minutes": "1440", "duration_seconds_part": "1"},
            "duration_minutes",
            "24 hours",
        ),
        ({"duration_minutes": "-3"}, "duration_minutes", "greater than or equal to 0"),
        ({"duration_seconds_part": "60"}, "duration_seconds_part", "less than or equal to 59"),
        ({"ongoing": "on", "duration_minutes": "2"}, "duration_minutes", "still going"),
        ({"intensity": "11"}, "intensity", "0 to 10"),
        ({"intensity": "-1"}, "intensity", "0 to 10"),
        ({"intensity": "loud"}, "intensity", "whole number"),
        ({"fluid_ml": "15001"}, "fluid_ml", "15 l"),
        ({"fluid_ml": "-1"}, "fluid_ml", "below 0"),
        ({"fluid_ml": "lots"}, "fluid_ml", "number"),
        ({"exercise_minutes": "1441"}, "exercise_minutes", "1440"),
        ({"exercise_minutes": "-5"}, "exercise_minutes", "below 0"),
        ({"started_at": "yesterday-ish"}, "started_at", "valid date/time"),
        ({"body_region": "tail"}, "body_region", "valid choice"),
        ({"side": "middle"}, "side", "valid choice"),
        ({"triggers": ["moon"]}, "triggers", "valid choice"),
        ({"relief_stretch": "7"}, "relief_stretch", "valid choice"),
    ],
)
def test_episode_form_rejects(user, data, field, message):
    form = _episode_form(user, data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field]), form.errors


def test_episode_start_more_than_five_minutes_ahead_is_rejected(user):
    form = _episode_form(user, {"started_at": _in_local_minutes(dt.timedelta(minutes=10))})
    assert form.errors["started_at"] == ["The start can't be more than 5 minutes in the future."]


@pytest.mark.parametrize(
    "data",
    [
        {"started_at": _in_local_minutes(dt.timedelta(minutes=3))},  # a clock a little fast
        {"duration_minutes": "0", "duration_seconds_part": "1"},
        {"duration_minutes": "1440", "duration_seconds_part": "0"},
        {"duration_minutes": "", "duration_seconds_part": ""},  # not recorded
        {"ongoing": "on"},
        {"intensity": "0"},
        {"intensity": "10"},
        {"fluid_ml": "0"},
        {"fluid_ml": "15000"},
        {"exercise_minutes": "0"},
        {"exercise_minutes": "1440"},
    ],
)
def test_episode_form_accepts_the_edges(user, data):
    form = _episode_form(user, data)
    assert form.is_valid(), form.errors


def test_fluid_limit_in_fluid_ounces(user):
    over = _episode_form(user, {"fluid_ml": "508"}, unit="floz")
    assert "507.2 fl oz" in over.errors["fluid_ml"][0]
    ok = _episode_form(user, {"fluid_ml": "67.6"}, unit="floz")
    assert ok.is_valid()
    assert ok.cleaned_data["fluid_ml"] == 1999  # 67.6 US fl oz in millilitres


def test_nonexistent_local_time_in_a_dst_gap_is_a_message_not_a_crash(user, alice_client):
    Profile.objects.filter(user=user).update(time_zone="Europe/London")
    # Clocks jump from 01:00 to 02:00 on 29 March 2026 in London.
    response = alice_client.post(
        reverse("episode_create"), BASE | {"started_at": "2026-03-29T01:30"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "started_at" in response.context["form"].errors
    assert not Episode.objects.exists()


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_dates_far_outside_a_lifetime_are_messages_not_crashes(user, alice_client, zone):
    Profile.objects.filter(user=user).update(time_zone=zone)
    for started_at in ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:00"]:
        response = alice_client.post(reverse("episode_create"), BASE | {"started_at": started_at})
        assert response.status_code == HTTPStatus.OK
        assert response.context["form"].errors["started_at"] == [
            "Enter a date between 1900 and 2100."
        ]
    response = alice_client.post(
        reverse("episode_list"), {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter_form"].errors["date_to"]
    assert alice_client.get(reverse("episode_list")).status_code == HTTPStatus.OK
    response = alice_client.post(reverse("checkin_today"), {"date": "0001-01-01"})
    assert response.context["form"].errors["date"] == ["Enter a date between 1900 and 2100."]
    response = alice_client.post(
        reverse("medication_create"), {"name": "X", "kind": "other", "started_on": "0001-01-01"}
    )
    assert response.context["form"].errors["started_on"]


def test_a_rejected_episode_keeps_everything_typed(alice_client):
    typed = BASE | {
        "intensity": "12",
        "notes": "left calf, woke me",
        "exercise_type": "Cycling",
        "fluid_ml": "900",
        "triggers": ["stress"],
    }
    response = alice_client.post(reverse("episode_create"), typed)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Intensity runs from 0 to 10." in html
    form = response.context["form"]
    assert form["notes"].value() == "left calf, woke me"
    assert form["exercise_type"].value() == "Cycling"
    assert form["fluid_ml"].value() == "900"
    assert form["triggers"].value() == ["stress"]
    assert 'value="Cycling"' in html and "left calf, woke me</textarea>" in html
    assert not Episode.objects.exists()


def test_medication_stop_before_start(user, alice_client):
    data = {"name": "Furosemide", "kind": "diuretic", "started_on": "2026-02-10"}
    bad = MedicationForm(data | {"stopped_on": "2026-02-09"}, instance=Medication(owner=user))
    assert bad.errors["stopped_on"] == ["The stop date can't be before the start date."]
    same_day = MedicationForm(data | {"stopped_on": "2026-02-10"}, instance=Medication(owner=user))
    assert same_day.is_valid()
    response = alice_client.post(reverse("medication_create"), data | {"stopped_on": "2026-01-01"})
    assert response.context["form"]["name"].value() == "Furosemide"
    assert not Medication.objects.exists()


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"fluid_ml": "20000"}, "fluid_ml", "15 l"),
        ({"exercise_minutes": "2000"}, "exercise_minutes", "1440"),
        ({"sleep_hours": "25"}, "sleep_hours", "24 hours"),
        ({"sleep_hours": "-1"}, "sleep_hours", "below 0"),
        ({"sleep_hours": "7.25"}, "sleep_hours", "one decimal"),
        ({"date": "2026-02-30"}, "date", "valid date"),
    ],
)
def test_checkin_form_rejects(user, data, field, message):
    form = CheckInForm({"date": "2026-01-05"} | data, instance=CheckIn(owner=user))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field]), form.errors


def test_checkin_for_a_future_day_is_rejected(user):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = CheckInForm({"date": tomorrow.isoformat()}, instance=CheckIn(owner=user))
    assert form.errors["date"] == ["A check-in can't be for a day that hasn't begun yet."]


text = st.text(max_size=40)
# Well-formed but possibly absurd times: year 1, year 9999, DST gaps.
local_times = st.datetimes().map(lambda value: value.isoformat(timespec="minutes"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    started_at=st.one_of(text, local_times),
    duration=text,
    intensity=text,
    fluid=text,
    minutes=text,
    region=text,
)
def test_hostile_episode_input_never_crashes_and_explains(
    alice_client, started_at, duration, intensity, fluid, minutes, region
):
    data = {
        "started_at": started_at,
        "duration_minutes": duration,
        "intensity": intensity,
        "fluid_ml": fluid,
        "exercise_minutes": minutes,
        "body_region": region,
        "side": "left",
    }
    response = alice_client.post(reverse("episode_create"), data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.OK:
        assert response.context["form"].errors
        assert "invalid-feedback" in response.content.decode()


TEN_THOUSAND = ("Calf woke me again. " * 500)[:9_999] + "."


@pytest.mark.parametrize("url", ["episode_create", "checkin_today"])
def test_a_ten_thousand_character_note_is_refused_beside_the_field_and_kept_whole(
    alice_client, url
):
    """Issue 30: the textarea's maxlength cut a longer paste to the limit without a word.
    Now the box has none (the counter carries the limit) and the server says so beside
    the field, with every character still in the box."""
    from journal.models import MAX_NOTE_LENGTH

    empty = alice_client.get(reverse(url)).content.decode()
    textarea = empty[empty.index('<textarea name="notes"') :]
    textarea = textarea[: textarea.index(">")]
    assert "maxlength" not in textarea
    assert f'data-note-limit="{MAX_NOTE_LENGTH}"' in textarea
    assert "js/note_counter.js" in empty

    data = BASE | {"date": timezone.localdate().isoformat(), "notes": TEN_THOUSAND}
    response = alice_client.post(reverse(url), data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert response.context["form"].errors["notes"] == [
        f"Notes can be at most {MAX_NOTE_LENGTH} characters (these have 10000). "
        "Shorten them and save again."
    ]
    assert 'id="error_1_id_notes"' in html  # crispy's message, right under the box
    assert f"{TEN_THOUSAND}</textarea>" in html
    assert not Episode.objects.exists() and not CheckIn.objects.exists()
