"""The seed_demo command: a reproducible, realistic, constraint-respecting demo account."""

import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from journal.models import (
    CheckIn,
    Episode,
    EpisodeRelief,
    EpisodeSymptom,
    EpisodeTrigger,
    Medication,
    MedicationKind,
    Profile,
)
from tests.conftest import can_sign_in

PASSWORD = "demo-pass-123"
UNTIL = dt.date(2025, 6, 30)
LONDON = zoneinfo.ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def run_seed(username: str = "demo", *args: str, days: int = 60, seed: int = 1) -> str:
    """Run the command with a fixed --until (unless given in args) and return its output."""
    out = io.StringIO()
    until = [] if "--until" in args else ["--until", UNTIL.isoformat()]
    call_command(
        "seed_demo",
        "--username",
        username,
        "--password",
        PASSWORD,
        "--days",
        str(days),
        "--seed",
        str(seed),
        *until,
        *args,
        stdout=out,
    )
    return out.getvalue()


def _fields(row: models.Model) -> tuple:
    """Every stored field except the database ids, which differ between runs."""
    skip = {"id", "owner_id"}
    return tuple(
        (f.attname, getattr(row, f.attname))
        for f in type(row)._meta.concrete_fields
        if f.attname not in skip
    )


def snapshot(username: str = "demo") -> tuple[list, list, list]:
    """A canonical picture of one person's data: episodes with details, check-ins, meds."""
    user = User.objects.get(username=username)
    episodes = (
        Episode.objects.for_user(user)
        .order_by("started_at", "uid")
        .prefetch_related("triggers", "symptoms", "reliefs", "medications_taken")
    )
    return (
        [
            _fields(e)
            + (
                tuple(sorted(t.trigger for t in e.triggers.all())),
                tuple(sorted(s.symptom for s in e.symptoms.all())),
                tuple(sorted((r.measure, r.effect) for r in e.reliefs.all())),
                tuple(sorted(m.name for m in e.medications_taken.all())),
            )
            for e in episodes
        ],
        [_fields(c) for c in CheckIn.objects.for_user(user).order_by("date")],
        [_fields(m) for m in Medication.objects.for_user(user).order_by("name", "started_on")],
    )


def _local_date(episode: Episode) -> dt.date:
    return episode.started_at.astimezone(LONDON).date()


def test_creates_a_user_who_can_log_in_with_the_password():
    output = run_seed()

    user = User.objects.get(username="demo")
    assert user.email == "demo@example.com"
    assert can_sign_in("demo", PASSWORD)
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.fluid_unit) == ("Europe/London", "ml")
    counts = (
        Episode.objects.for_user(user).count(),
        CheckIn.objects.for_user(user).count(),
        Medication.objects.for_user(user).count(),
    )
    assert output.strip() == (
        f"Seeded demo: {counts[0]} episodes, {counts[1]} check-ins, "
        f"{counts[2]} medications over 60 days."
    )


def test_existing_user_gets_the_new_password(user):
    call_command(
        "seed_demo",
        "--username",
        user.username,
        "--password",
        "brand-new-pass-456",
        "--days",
        "5",
        "--until",
        UNTIL.isoformat(),
        stdout=io.StringIO(),
    )

    assert can_sign_in(user.username, "brand-new-pass-456")
    assert not can_sign_in(user.username, "a-long-test-password-42")
    assert Profile.objects.get(user=user).time_zone == "Europe/London"


def test_same_seed_and_until_give_identical_data():
    run_seed()
    first = snapshot()
    run_seed()

    assert snapshot() == first
    assert first[0], "expected some episodes"


def test_different_seed_gives_different_data():
    run_seed()
    first = snapshot()
    run_seed(seed=2)

    assert snapshot() != first


def test_refill_does_not_duplicate_or_touch_other_people(other_user, make_episode):
    theirs = make_episode(other_user, notes="mine, not the demo's")
    # Same seed for a second account: the uids must still be unique across accounts.
    run_seed("other-demo")
    other_before = snapshot("other-demo")

    run_seed()
    counts = _counts()
    run_seed()

    assert _counts() == counts
    assert Episode.objects.get(pk=theirs.pk).notes == "mine, not the demo's"
    assert Episode.objects.for_user(other_user).count() == 1
    assert snapshot("other-demo") == other_before


def _counts() -> tuple[int, ...]:
    tables = (Episode, CheckIn, Medication, EpisodeTrigger, EpisodeSymptom, EpisodeRelief)
    return tuple(model.objects.count() for model in tables)


def test_medications_cover_a_statin_and_a_diuretic_course():
    run_seed()
    user = User.objects.get(username="demo")
    medications = list(Medication.objects.for_user(user))
    statin = next(m for m in medications if m.kind == MedicationKind.STATIN)
    diuretic = next(m for m in medications if m.kind == MedicationKind.DIURETIC)
    first = UNTIL - dt.timedelta(days=59)

    assert 3 <= len(medications) <= 4
    assert statin.stopped_on is None
    assert first <= diuretic.started_on <= diuretic.stopped_on < UNTIL
    days = [_local_date(e) for e in Episode.objects.for_user(user)]
    assert any(statin.is_active_on(d) for d in days)
    assert any(diuretic.is_active_on(d) for d in days)


def test_check_ins_on_most_days_one_per_date():
    run_seed()
    dates = list(CheckIn.objects.filter(owner__username="demo").values_list("date", flat=True))

    assert 0.7 * 60 <= len(dates) < 60
    assert len(set(dates)) == len(dates)
    assert min(dates) >= UNTIL - dt.timedelta(days=59)
    assert max(dates) <= UNTIL


def test_every_row_is_valid_and_plausible():
    run_seed()
    user = User.objects.get(username="demo")
    rows: list[models.Model] = [Profile.objects.get(user=user)]
    for model in (Episode, CheckIn, Medication):
        rows += model.objects.for_user(user)
    for model in (EpisodeTrigger, EpisodeSymptom, EpisodeRelief):
        rows += model.objects.filter(episode__owner=user)
    for row in rows:
        row.full_clean()  # choices, check constraints and validators, as the forms see them
    for episode in Episode.objects.for_user(user):
        _assert_plausible_episode(episode)
    for checkin in CheckIn.objects.for_user(user):
        _assert_plausible_checkin(checkin)


def _assert_plausible_episode(episode: Episode) -> None:
    assert not episode.ongoing
    assert 2 <= episode.intensity <= 10
    assert episode.duration_seconds is None or 10 <= episode.duration_seconds <= 1200
    assert timezone.is_aware(episode.started_at)
    assert UNTIL - dt.timedelta(days=59) <= _local_date(episode) <= UNTIL
    if episode.activity == "asleep":
        assert episode.started_at.astimezone(LONDON).hour < 5


def _assert_plausible_checkin(checkin: CheckIn) -> None:
    assert 800 <= checkin.fluid_ml <= 3500
    assert Decimal("4.5") <= checkin.sleep_hours <= Decimal("9.0")
    assert checkin.sleep_hours * 2 == int(checkin.sleep_hours * 2)
    if checkin.exercise_minutes == 0:
        assert (checkin.exercise_intensity, checkin.warmed_up) == ("", None)
    else:
        assert 20 <= checkin.exercise_minutes <= 120
        assert checkin.exercise_intensity and checkin.warmed_up is not None


def test_a_year_has_realistic_volume_and_patterns():
    run_seed(days=365)
    user = User.objects.get(username="demo")
    episodes = list(Episode.objects.for_user(user))
    checkins = {c.date: c for c in CheckIn.objects.for_user(user)}
    diuretic = Medication.objects.for_user(user).get(kind=MedicationKind.DIURETIC)

    assert 2 * 52 <= len(episodes) <= 3.5 * 52
    assert any(e.intensity >= 8 for e in episodes)
    assert any(e.duration_seconds is None for e in episodes)
    assert any(e.duration_seconds and e.duration_seconds > 600 for e in episodes)
    assert _rate(episodes, checkins, lambda c: c.fluid_ml < 1500) > _rate(
        episodes, checkins, lambda c: c.fluid_ml >= 1500
    )
    assert _rate(episodes, checkins, lambda c: diuretic.is_active_on(c.date)) > _rate(
        episodes, checkins, lambda c: not diuretic.is_active_on(c.date)
    )


def _rate(episodes: list[Episode], checkins: dict, condition) -> float:
    """Episodes per checked-in day, over the days where the condition holds."""
    days = {d for d, c in checkins.items() if condition(c)}
    return sum(_local_date(e) in days for e in episodes) / max(1, len(days))


def test_other_time_zone_keeps_night_cramps_at_local_night():
    run_seed("demo", "--time-zone", "America/New_York")
    zone = zoneinfo.ZoneInfo("America/New_York")

    assert Profile.objects.get(user__username="demo").time_zone == "America/New_York"
    night = Episode.objects.filter(owner__username="demo", activity="asleep")
    assert night and all(e.started_at.astimezone(zone).hour < 5 for e in night)


def test_default_until_is_today_and_nothing_lies_in_the_future():
    call_command(
        "seed_demo",
        "--username",
        "demo",
        "--password",
        PASSWORD,
        "--days",
        "10",
        stdout=io.StringIO(),
    )

    today = timezone.now().astimezone(LONDON).date()
    assert CheckIn.objects.filter(owner__username="demo", date__gt=today).count() == 0
    latest = CheckIn.objects.filter(owner__username="demo").order_by("-date").first()
    assert latest is None or latest.date >= today - dt.timedelta(days=9)
    assert not Episode.objects.filter(started_at__gt=timezone.now()).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "0"], "--days must be between 1 and 3650"),
        (["--days", "3651"], "--days must be between 1 and 3650"),
        (["--until", "2025-13-01"], "--until must be a date like"),
        (["--until", "yesterday"], "--until must be a date like"),
        (["--until", "2999-01-01"], "is in the future"),
        (["--time-zone", "Mars/Olympus"], "Unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_options_give_a_clear_error(args: list[str], message: str):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("seed_demo", "--username", "demo", "--password", PASSWORD, *args)

    assert not User.objects.filter(username="demo").exists()
