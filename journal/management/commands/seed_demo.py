"""``seed_demo``: fill one account with reproducible, realistic journal data.

Every random value comes from one ``random.Random(seed)``, drawn in a fixed order, so the
same seed and ``--until`` always give the same rows (only database ids differ). The
draws stay in one file because their order is the seed's contract; hence its length.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils import timezone

from journal.accounts import identity
from journal.models import (
    Activity,
    BodyRegion,
    CheckIn,
    Episode,
    ExerciseIntensity,
    FluidUnit,
    Medication,
    MedicationKind,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
    local_fields,
)
from journal.records.services import EpisodePlan, bulk_create_episode_details, get_profile
from journal.timezones import validate_time_zone

MAX_DAYS = 3650
ONE_DAY = dt.timedelta(days=1)
# Uids hash in the username so that two demo accounts seeded alike still get
# distinct ids, as two real people's would be.
UID_NAMESPACE = uuid.UUID("6f1d4a52-8c3e-4b7a-9d2f-1e5c0b8a7f34")

NIGHT, EXERCISE, DAYTIME = "night", "exercise", "daytime"
Weighted = tuple[tuple[Any, float], ...]

REGIONS: dict[str, Weighted] = {
    NIGHT: ((BodyRegion.CALF, 6), (BodyRegion.FOOT, 3), (BodyRegion.HAMSTRING, 1)),
    EXERCISE: (
        (BodyRegion.HAMSTRING, 4),
        (BodyRegion.QUADRICEPS, 3),
        (BodyRegion.CALF, 3),
        (BodyRegion.FOOT, 1),
    ),
    DAYTIME: (
        (BodyRegion.HAND, 3),
        (BodyRegion.FOOT, 2),
        (BodyRegion.CALF, 2),
        (BodyRegion.FOREARM, 1),
        (BodyRegion.NECK, 1),
        (BodyRegion.LOWER_BACK, 1),
        (BodyRegion.UPPER_BACK, 1),
        (BodyRegion.ABDOMEN, 1),
        (BodyRegion.SHOULDER, 0.5),
        (BodyRegion.UPPER_ARM, 0.5),
        (BodyRegion.CHEST_WALL, 0.5),
        (BodyRegion.OTHER, 0.5),
    ),
}
# Regions on the body's midline, where "left" or "right" usually does not apply.
MIDLINE = {
    BodyRegion.NECK,
    BodyRegion.UPPER_BACK,
    BodyRegion.LOWER_BACK,
    BodyRegion.ABDOMEN,
    BodyRegion.CHEST_WALL,
    BodyRegion.OTHER,
}
SIDES: Weighted = ((Side.LEFT, 9), (Side.RIGHT, 9), (Side.BOTH, 2))
# Blank activity: the person skipped the question.
DAYTIME_ACTIVITIES: Weighted = (
    (Activity.RESTING, 3),
    (Activity.SITTING, 4),
    (Activity.STANDING, 3),
    (Activity.OTHER, 1),
    ("", 1),
)
INTENSITIES: Weighted = ((2, 5), (3, 9), (4, 12), (5, 13), (6, 11), (7, 8), (8, 4), (9, 2))
EXERCISE_INTENSITIES: Weighted = (
    (ExerciseIntensity.LIGHT, 3),
    (ExerciseIntensity.MODERATE, 5),
    (ExerciseIntensity.VIGOROUS, 3),
)
EXERCISE_TYPES = ("Running", "Cycling", "Swimming", "Football", "Gym", "Hiking", "Tennis")
OTHER_MEDICATIONS = (
    ("Salbutamol inhaler", "100 mcg as needed", MedicationKind.BETA_AGONIST),
    ("Amlodipine", "5 mg once a day", MedicationKind.CALCIUM_CHANNEL_BLOCKER),
)
CHECKIN_NOTES = (
    "Long day at work.",
    "Travelled today.",
    "Felt tired all day.",
    "Lots of coffee.",
    "On my feet most of the day.",
    "Busy, forgot to drink much.",
    "Good day overall.",
)
EPISODE_NOTES = {
    NIGHT: ("Woke me up, toes curled.", "Had to stand on the cold floor.", "Both calves."),
    EXERCISE: ("Had to stop the session.", "Near the end of the run.", "Limped for a bit."),
    DAYTIME: ("At my desk.", "Came on while driving.", "Out of nowhere."),
}


class Exercise(NamedTuple):
    """The day's exercise; ``minutes == 0`` is a rest day."""

    type: str
    minutes: int
    intensity: str
    start: int  # minutes after local midnight
    warmed_up: bool | None


REST = Exercise("", 0, "", 0, None)


@dataclass(frozen=True)
class Day:
    """What the person did on one local date, whether or not they checked in."""

    date: dt.date
    fluid_ml: int
    electrolytes: bool | None
    exercise: Exercise
    sleep_hours: Decimal
    stretched: bool
    hot: bool
    diuretic: bool
    statin: bool
    new_medication: bool

    @property
    def low_fluid(self) -> bool:
        return self.fluid_ml < 1500

    @property
    def risky_exercise(self) -> bool:
        """Vigorous exercise without a warm-up: the classic exercise-cramp setup."""
        return self.exercise.intensity == ExerciseIntensity.VIGOROUS and not self.exercise.warmed_up

    @property
    def short_sleep(self) -> bool:
        return self.sleep_hours < 6


def random_duration(rng: random.Random) -> int | None:
    """Mostly under three minutes, a few over ten; None is "not sure how long"."""
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.80:
        return 5 * rng.randint(2, 36)
    if roll < 0.96:
        return 5 * rng.randint(37, 120)
    return 5 * rng.randint(121, 240)


class DemoGenerator:
    """Draws every value for one person from one RNG, always in the same order."""

    def __init__(
        self, rng: random.Random, owner: AbstractBaseUser, zone: dt.tzinfo, now: dt.datetime
    ) -> None:
        self.rng = rng
        self.owner = owner
        self.zone = zone
        # Only matters when --until is today: nothing may lie in the future (the forms
        # refuse that), but the draws stay the same so earlier days do not change.
        self.now = now
        self.statin: Medication
        self.diuretic: Medication
        self.as_needed: Medication

    # Medications

    def medications(self, first: dt.date, until: dt.date) -> list[Medication]:
        """A statin still taken, a diuretic course inside the range, and two others."""
        rng = self.rng
        span = (until - first).days
        statin_start = until - dt.timedelta(days=rng.randint(190, 210))
        self.statin = self._medication(
            "Atorvastatin", "20 mg once a day", MedicationKind.STATIN, statin_start, None
        )
        start = first + dt.timedelta(days=round(span * rng.uniform(0.3, 0.45)))
        course = dt.timedelta(days=min(120, round(span * rng.uniform(0.15, 0.25))))
        self.diuretic = self._medication(
            "Furosemide", "40 mg each morning", MedicationKind.DIURETIC, start, start + course
        )
        name, dose, kind = rng.choice(OTHER_MEDICATIONS)
        other_start = first - dt.timedelta(days=rng.randint(200, 900))
        other = self._medication(name, dose, kind, other_start, None)
        # No start date: an as-needed painkiller, what medications_taken names for a cramp.
        self.as_needed = self._medication(
            "Ibuprofen", "400 mg as needed", MedicationKind.OTHER, None, None
        )
        return [self.statin, self.diuretic, other, self.as_needed]

    def _medication(
        self, name: str, dose: str, kind: str, started: dt.date | None, stopped: dt.date | None
    ) -> Medication:
        return Medication(
            owner=self.owner,
            name=name,
            dose=dose,
            kind=kind,
            started_on=started,
            stopped_on=stopped,
        )

    # Days and check-ins

    def day(self, date: dt.date) -> Day:
        """The day's behaviour; check-ins and episodes are both drawn from it."""
        rng = self.rng
        exercise = self._exercise(date)
        hot = date.month in (6, 7, 8) and rng.random() < 0.35
        fluid = rng.gauss(1900, 500) + (350 if hot else 0) + 4 * exercise.minutes
        half_hours = round(rng.gauss(7.0, 1.0) * 2)
        started = [m.started_on for m in (self.statin, self.diuretic)]
        return Day(
            date=date,
            fluid_ml=int(min(3500, max(800, round(fluid / 50) * 50))),
            electrolytes=self._electrolytes(exercise, hot),
            exercise=exercise,
            sleep_hours=Decimal(min(18, max(9, half_hours))) / 2,
            stretched=rng.random() < (0.55 if exercise.minutes else 0.25),
            hot=hot,
            diuretic=self.diuretic.is_active_on(date),
            statin=self.statin.is_active_on(date),
            new_medication=any(s is not None and 0 <= (date - s).days < 21 for s in started),
        )

    def _exercise(self, date: dt.date) -> Exercise:
        rng = self.rng
        if rng.random() >= (0.6 if date.weekday() >= 5 else 0.4):
            return REST
        return Exercise(
            type=rng.choice(EXERCISE_TYPES),
            minutes=rng.randrange(20, 125, 5),
            intensity=self._pick(EXERCISE_INTENSITIES),
            start=rng.randint(7 * 60, 19 * 60),
            warmed_up=rng.random() < 0.6,
        )

    def _electrolytes(self, exercise: Exercise, hot: bool) -> bool | None:
        if self.rng.random() < 0.15:
            return None  # not answered
        likely = hot or exercise.intensity == ExerciseIntensity.VIGOROUS
        return self.rng.random() < (0.5 if likely else 0.1)

    def checkin(self, day: Day) -> CheckIn | None:
        """The day's check-in, or None on the ~15 % of days the person skipped it."""
        rng = self.rng
        if rng.random() >= 0.85:
            return None
        logged = min(self.now, self._aware(day.date, rng.randint(19 * 60, 23 * 60 + 30)))
        return CheckIn(
            owner=self.owner,
            date=day.date,
            fluid_ml=day.fluid_ml,
            electrolytes=day.electrolytes,
            exercise_minutes=day.exercise.minutes,
            exercise_intensity=day.exercise.intensity,
            sleep_hours=day.sleep_hours,
            stretched=day.stretched,
            warmed_up=day.exercise.warmed_up,
            notes=self._note(CHECKIN_NOTES, 0.12),
            created_at=logged,
            updated_at=logged,
        )

    # Episodes

    def episodes(self, day: Day) -> list[EpisodePlan]:
        """Zero to three episodes; risk factors raise the odds."""
        rate = self._rate(day)
        plans: list[EpisodePlan] = []
        while len(plans) < 3 and self.rng.random() < rate * 0.3 ** len(plans):
            plans.append(self._episode(day, self._scenario(day)))
        return [p for p in plans if p.episode.started_at <= self.now]

    def _rate(self, day: Day) -> float:
        """Chance of at least one episode: ~0.23 on a good day, far more on a bad one."""
        rate = 0.23
        factors = (
            (day.low_fluid, 1.9),
            (day.risky_exercise, 2.2),
            (day.short_sleep, 1.7),
            (day.diuretic, 1.8),
            (day.statin, 1.2),
            (day.hot, 1.2),
            (day.stretched, 0.8),
        )
        for present, factor in factors:
            if present:
                rate *= factor
        return min(rate, 0.9)

    def _scenario(self, day: Day) -> str:
        if day.exercise.minutes and self.rng.random() < (0.6 if day.risky_exercise else 0.3):
            return EXERCISE
        return NIGHT if self.rng.random() < 0.75 else DAYTIME

    def _episode(self, day: Day, scenario: str) -> EpisodePlan:
        rng = self.rng
        minute, activity, broke_sleep = self._when(day, scenario)
        region, side = self._where(scenario)
        duration = self._duration()
        intensity = self._intensity(duration, broke_sleep)
        started_at = self._aware(day.date, minute)
        medication = self.as_needed if intensity >= 6 and rng.random() < 0.1 else None
        episode = Episode(
            owner=self.owner,
            uid=self._uid(),
            started_at=started_at,
            **local_fields(started_at, self.zone),
            duration_seconds=duration,
            ongoing=False,
            body_region=region,
            side=side,
            intensity=intensity,
            activity=activity,
            broke_sleep=broke_sleep,
            notes=self._note(EPISODE_NOTES[scenario], 0.2),
            **self._context(day, scenario),
        )
        # Logged a little after it ended, which is what "recently logged" ordering expects.
        logged = started_at + dt.timedelta(seconds=duration or 60, minutes=rng.randint(1, 30))
        episode.created_at = episode.updated_at = min(self.now, logged)
        return EpisodePlan(
            episode=episode,
            triggers=self._triggers(day, scenario, episode),
            symptoms=self._symptoms(intensity),
            reliefs=self._reliefs(scenario, medication),
            medications=[medication] if medication else [],
        )

    def _when(self, day: Day, scenario: str) -> tuple[int, str, bool]:
        """Local minute of the day, activity and whether it broke sleep."""
        rng = self.rng
        if scenario == NIGHT:
            return rng.randint(0, 5 * 60 - 1), Activity.ASLEEP, rng.random() < 0.85
        if scenario == EXERCISE:
            ex = day.exercise
            if rng.random() < 0.5:
                return ex.start + rng.randint(5, ex.minutes), Activity.EXERCISING, False
            after = ex.start + ex.minutes + rng.randint(10, 180)
            return min(after, 24 * 60 - 1), Activity.AFTER_EXERCISE, False
        return rng.randint(8 * 60, 22 * 60), self._pick(DAYTIME_ACTIVITIES), False

    def _where(self, scenario: str) -> tuple[str, str]:
        region = self._pick(REGIONS[scenario])
        if region in MIDLINE and self.rng.random() < 0.7:
            return region, Side.NOT_APPLICABLE
        return region, self._pick(SIDES)

    def _duration(self) -> int | None:
        return random_duration(self.rng)

    def _intensity(self, duration: int | None, broke_sleep: bool) -> int:
        intensity = self._pick(INTENSITIES)
        if duration is not None and duration > 300:
            intensity += 1
        if broke_sleep and self.rng.random() < 0.3:
            intensity += 1
        return min(10, intensity)

    def _context(self, day: Day, scenario: str) -> dict[str, Any]:
        """Fluid and exercise answers ("in the last 24 h"), filled on a realistic share."""
        rng = self.rng
        ex = day.exercise
        fields: dict[str, Any] = {"fluid_ml": None, "electrolyte_drink": None}
        if rng.random() < 0.55:
            # People estimate the day's total, roughly to the nearest quarter litre.
            fields["fluid_ml"] = round(day.fluid_ml / 250) * 250
            fields["electrolyte_drink"] = day.electrolytes
        if ex.minutes and (scenario == EXERCISE or rng.random() < 0.35):
            sweaty = rng.random() < (0.7 if ex.intensity == ExerciseIntensity.VIGOROUS else 0.25)
            fields.update(
                exercise_type=ex.type,
                exercise_minutes=ex.minutes,
                exercise_intensity=ex.intensity,
                heavy_sweating=sweaty or day.hot,
            )
        return fields

    def _triggers(self, day: Day, scenario: str, episode: Episode) -> list[str]:
        """Suspected triggers follow the day's real risk factors, plus some noise."""
        on_exercise = 0.3 if scenario == EXERCISE else 0.05
        chances = (
            (Trigger.DEHYDRATION, 0.7 if day.low_fluid else 0.05),
            (Trigger.HEAVY_SWEATING, 0.8 if episode.heavy_sweating else 0.0),
            (Trigger.FATIGUE, 0.7 if day.risky_exercise else on_exercise),
            (Trigger.POOR_SLEEP, 0.6 if day.short_sleep else 0.03),
            (Trigger.HEAT, 0.6 if day.hot else 0.0),
            (Trigger.NEW_MEDICATION, 0.5 if day.new_medication else 0.0),
            (Trigger.SITTING, 0.5 if episode.activity == Activity.SITTING else 0.03),
            (Trigger.STRESS, 0.08),
            (Trigger.DIET, 0.05),
            (Trigger.PRIOR_INJURY, 0.15 if episode.body_region == BodyRegion.HAMSTRING else 0.02),
            (Trigger.OTHER, 0.02),
        )
        return [str(t) for t, p in chances if self.rng.random() < p]

    def _symptoms(self, intensity: int) -> list[str]:
        """Soreness is common after a strong cramp; the worrying symptoms are rare."""
        chances = (
            (Symptom.SORENESS, min(0.9, 0.2 + 0.07 * intensity)),
            (Symptom.WEAKNESS, 0.05),
            (Symptom.NUMBNESS, 0.03),
            (Symptom.SWELLING, 0.02),
            (Symptom.REDNESS, 0.01),
            (Symptom.SKIN_CHANGES, 0.005),
            (Symptom.UNCONTROLLED_PAIN, 0.15 if intensity >= 9 else 0.0),
        )
        return [str(s) for s, p in chances if self.rng.random() < p]

    def _reliefs(self, scenario: str, medication: Medication | None) -> dict[str, int]:
        """What was tried and how well it helped (weights for effect 0, 1, 2)."""
        tried = (
            (ReliefMeasure.STRETCH, 0.75, (1, 3, 6)),
            (ReliefMeasure.MASSAGE, 0.4, (1, 3, 5)),
            (ReliefMeasure.WALKING, 0.45 if scenario == NIGHT else 0.2, (2, 4, 3)),
            (ReliefMeasure.HEAT, 0.1, (2, 4, 3)),
            (ReliefMeasure.ICE, 0.05, (4, 3, 2)),
            (ReliefMeasure.ELECTROLYTE, 0.08, (5, 3, 1)),
            (ReliefMeasure.OTHER, 0.02, (3, 2, 1)),
        )
        reliefs = {str(m): self._effect(w) for m, p, w in tried if self.rng.random() < p}
        if medication is not None:
            reliefs[str(ReliefMeasure.MEDICATION)] = self._effect((3, 4, 2))
        return reliefs

    # Small helpers

    def _pick(self, weighted: Weighted) -> Any:
        values = [value for value, _ in weighted]
        return self.rng.choices(values, weights=[weight for _, weight in weighted])[0]

    def _effect(self, weights: tuple[int, int, int]) -> int:
        return self.rng.choices((0, 1, 2), weights=weights)[0]

    def _note(self, pool: tuple[str, ...], chance: float) -> str:
        return self.rng.choice(pool) if self.rng.random() < chance else ""

    def _uid(self) -> uuid.UUID:
        bits = self.rng.getrandbits(128)
        return uuid.uuid5(UID_NAMESPACE, f"{self.owner.get_username()}:{bits:032x}")

    def _aware(self, day: dt.date, minute: int) -> dt.datetime:
        """A local wall-clock time on ``day`` as an aware UTC datetime.

        A time skipped by a DST change (01:30 on a March Sunday in London) comes out as
        the instant an hour later: still on the same local date, which is what counts.
        """
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(dt.UTC)


def _parse_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        # The profile's own validator, so the saved profile is one the forms accept.
        validate_time_zone(name)
    except ValidationError:
        raise CommandError(
            f"Unknown time zone {name!r}: use an IANA name such as Europe/London."
        ) from None
    return zoneinfo.ZoneInfo(name)


def _parse_until(value: str | None, zone: dt.tzinfo) -> dt.date:
    today = dt.datetime.now(zone).date()
    if value is None:
        return today
    try:
        until = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--until must be a date like 2025-01-31, not {value!r}.") from None
    if until > today:
        # The journal refuses future check-ins and episodes, so demo data must too.
        raise CommandError(f"--until {until} is in the future (today is {today}).")
    return until


def _check_credentials(username: str, password: str) -> None:
    if not username or not password:
        raise CommandError("--username and --password must not be empty.")
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    try:
        field.run_validators(username)
    except ValidationError as error:
        raise CommandError(f"Invalid username {username!r}: {' '.join(error.messages)}") from None


def _reset_user(username: str, password: str) -> AbstractBaseUser:
    """The account with a fresh password and none of its old journal rows."""
    user_model = get_user_model()
    user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
    if user is None:
        other = user_model.objects.filter(**{f"{user_model.USERNAME_FIELD}__iexact": username})
        if other.exists():
            existing = other.first().get_username()
            raise CommandError(
                f"An account named {existing!r} exists already, and names must differ in "
                f"more than case: use --username {existing} to refill it, or another name."
            )
        # An address is one account's (journal.accounts.identity): none rather than someone else's.
        email = f"{username}@example.com"
        email = "" if identity.address_owner(email) else email
        return user_model.objects.create_user(username, email, password)
    user.set_password(password)
    user.is_active = True  # the point of the password is to log in with it
    user.save()
    # Refill rather than append; only this person's rows (details cascade with them).
    Episode.objects.for_user(user).delete()
    CheckIn.objects.for_user(user).delete()
    Medication.objects.for_user(user).delete()
    return user


def _bulk_create_keeping_stamps(model: type[models.Model], rows: list[Any]) -> None:
    """bulk_create, then restore the generated created_at/updated_at.

    auto_now_add stamps "now" on insert; bulk_update skips pre_save, so it keeps ours.
    """
    stamps = [(row.created_at, row.updated_at) for row in rows]
    model.objects.bulk_create(rows)
    for row, (created_at, updated_at) in zip(rows, stamps, strict=True):
        row.created_at, row.updated_at = created_at, updated_at
    model.objects.bulk_update(rows, ["created_at", "updated_at"])


def _save_episodes(plans: list[EpisodePlan]) -> None:
    _bulk_create_keeping_stamps(Episode, [p.episode for p in plans])
    bulk_create_episode_details(plans)


def seed(
    user: AbstractBaseUser, rng: random.Random, zone: dt.tzinfo, until: dt.date, days: int
) -> tuple[int, int, int]:
    """Write ``days`` days of data ending on ``until``; counts of episodes, check-ins, meds."""
    generator = DemoGenerator(rng, user, zone, timezone.now())
    first = until - dt.timedelta(days=days - 1)
    medications = generator.medications(first, until)
    Medication.objects.bulk_create(medications)
    checkins: list[CheckIn] = []
    plans: list[EpisodePlan] = []
    date = first
    while date <= until:
        day = generator.day(date)
        checkin = generator.checkin(day)
        if checkin is not None:
            checkins.append(checkin)
        plans.extend(generator.episodes(day))
        date += ONE_DAY
    _bulk_create_keeping_stamps(CheckIn, checkins)
    _save_episodes(plans)
    return len(plans), len(checkins), len(medications)


class Command(BaseCommand):
    help = "Create or refill a demo account with reproducible, realistic journal data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--days", type=int, default=365, help="1 to 3650 (default 365).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--until", help="Last day, YYYY-MM-DD (default: today there).")
        parser.add_argument("--time-zone", default="Europe/London", help="IANA zone name.")

    def handle(self, *args: Any, **options: Any) -> None:
        username, days = options["username"], options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}, not {days}.")
        _check_credentials(username, options["password"])
        zone = _parse_zone(options["time_zone"])
        until = _parse_until(options["until"], zone)
        with transaction.atomic():
            user = _reset_user(username, options["password"])
            profile = get_profile(user)
            profile.time_zone = zone.key
            profile.fluid_unit = FluidUnit.ML
            profile.save()
            counts = seed(user, random.Random(options["seed"]), zone, until, days)
        episodes, checkins, medications = counts
        self.stdout.write(
            f"Seeded {username}: {episodes} episodes, {checkins} check-ins, "
            f"{medications} medications over {days} days."
        )
