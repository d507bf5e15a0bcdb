"""Statistics of one person's journal, computed in the database.

One function per number or chart. The dashboard calls these, and so will the PDF report
and the flags, so no two pages can disagree about a number. Local days, weeks and hours
are taken in the person's own time zone, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, Count, Max, Min, Q, QuerySet, Sum

from journal.models import (
    Activity,
    BodyRegion,
    CheckIn,
    Episode,
    EpisodeRelief,
    EpisodeTrigger,
    ReliefMeasure,
    Side,
    Trigger,
)

# A cramp that begins between 22:00 and 06:00 local time, or while asleep, is a night
# cramp; Episode.night_of says which night it belongs to.
NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)

DURATION_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("under 30 s", 1, 29),
    ("30–59 s", 30, 59),
    ("1–2 min", 60, 119),
    ("2–5 min", 120, 299),
    ("5–10 min", 300, 600),
    ("over 10 min", 601, None),
)

DEFAULTS = {
    # Fewer days than this on either side of a comparison: "not enough data yet".
    "INSIGHT_MIN_DAYS": 5,
    # Fewer tries than this of a relief measure: no claim about how well it works.
    "INSIGHT_MIN_TRIES": 5,
    "LOW_FLUID_ML": 1500,
    "SHORT_SLEEP_HOURS": 6,
}


def setting(name: str) -> int:
    """A statistics threshold, overridable through settings.CRAMPJOURNAL_STATS."""
    return getattr(settings, "CRAMPJOURNAL_STATS", {}).get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Period:
    """A run of whole local days, first and last included, in one time zone."""

    start: dt.date
    end: dt.date
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end, self.zone)


def episodes_in(user: AbstractBaseUser, period: Period) -> QuerySet[Episode]:
    """The person's episodes whose local day falls in the period."""
    return Episode.objects.for_user(user).filter(
        local_date__gte=period.start, local_date__lte=period.end
    )


def first_day(user: AbstractBaseUser) -> dt.date | None:
    """The local date of the person's first episode, for the "all" range."""
    return Episode.objects.for_user(user).aggregate(first=Min("local_date"))["first"]


# Headline numbers ---------------------------------------------------------------------


@dataclass
class Summary:
    episodes: int = 0
    per_week: float = 0.0
    cramp_nights: int = 0
    night_episodes: int = 0
    avg_intensity: float | None = None
    worst_intensity: int | None = None
    median_duration: float | None = None
    longest_duration: int | None = None
    timed: int = 0
    over_10_min: int = 0
    broke_sleep: int = 0
    durations: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)

    @property
    def night_share(self) -> float | None:
        return self.night_episodes / self.episodes if self.episodes else None


NIGHT = Q(activity=Activity.ASLEEP) | Q(local_hour__in=NIGHT_HOURS)


def _summary_aggregates(prefix: str, in_period: Q) -> dict:
    return {
        f"{prefix}episodes": Count("pk", filter=in_period),
        f"{prefix}avg_intensity": Avg("intensity", filter=in_period),
        f"{prefix}worst_intensity": Max("intensity", filter=in_period),
        f"{prefix}longest_duration": Max("duration_seconds", filter=in_period),
        f"{prefix}timed": Count("duration_seconds", filter=in_period),
        f"{prefix}over_10_min": Count("pk", filter=in_period & Q(duration_seconds__gt=600)),
        f"{prefix}night_episodes": Count("pk", filter=in_period & NIGHT),
        f"{prefix}cramp_nights": Count("night_of", distinct=True, filter=in_period & NIGHT),
        f"{prefix}broke_sleep": Count("pk", filter=in_period & Q(broke_sleep=True)),
    }


# Column aliases must be plain identifiers, so the buckets are numbered.
DURATION_LABELS = [label for label, _, _ in DURATION_BINS] + ["not recorded"]
ACTIVITY_VALUES = [*Activity.values, ""]


def _distribution_aggregates(in_period: Q) -> dict:
    aggregates = {}
    for index, (_, low, high) in enumerate(DURATION_BINS):
        span = Q(duration_seconds__gte=low)
        if high is not None:
            span &= Q(duration_seconds__lte=high)
        aggregates[f"duration_{index}"] = Count("pk", filter=in_period & span)
    unknown = Q(duration_seconds__isnull=True, ongoing=False)
    aggregates[f"duration_{len(DURATION_BINS)}"] = Count("pk", filter=in_period & unknown)
    for index, value in enumerate(ACTIVITY_VALUES):
        aggregates[f"activity_{index}"] = Count("pk", filter=in_period & Q(activity=value))
    return aggregates


def summaries(user: AbstractBaseUser, period: Period) -> tuple[Summary, Summary]:
    """The headline numbers for a period and for the period before it, in three queries."""
    previous = period.previous()
    episodes = episodes_in(user, Period(previous.start, period.end, period.zone))
    current_q, previous_q = Q(local_date__gte=period.start), Q(local_date__lt=period.start)
    row = episodes.aggregate(
        **_summary_aggregates("cur_", current_q),
        **_summary_aggregates("pre_", previous_q),
        **_distribution_aggregates(current_q),
    )
    result = []
    for prefix, span, in_period in (("cur_", period, current_q), ("pre_", previous, previous_q)):
        summary = Summary(**_strip_prefix(row, prefix))
        summary.per_week = summary.episodes / span.weeks
        summary.median_duration = _median_duration(episodes.filter(in_period), summary.timed)
        result.append(summary)
    current = result[0]
    current.durations = {label: row[f"duration_{i}"] for i, label in enumerate(DURATION_LABELS)}
    current.activities = {value: row[f"activity_{i}"] for i, value in enumerate(ACTIVITY_VALUES)}
    return current, result[1]


def _strip_prefix(row: dict, prefix: str) -> dict:
    return {key.removeprefix(prefix): value for key, value in row.items() if key.startswith(prefix)}


def _median_duration(episodes: QuerySet[Episode], timed: int) -> float | None:
    """The median of the recorded durations, read in the database with an offset."""
    if not timed:
        return None
    ordered = (
        episodes.filter(duration_seconds__isnull=False)
        .order_by("duration_seconds")
        .values_list("duration_seconds", flat=True)
    )
    middle = timed // 2
    if timed % 2:
        return float(ordered[middle])
    low, high = ordered[middle - 1 : middle + 1]
    return (low + high) / 2


# Charts --------------------------------------------------------------------------------


def per_day(user: AbstractBaseUser, period: Period) -> dict[dt.date, tuple[int, int]]:
    """Episodes and summed intensity per local day, in one grouped query.

    weekly() and checked_in_days() both start from it, so the page asks only once.
    """
    rows = (
        episodes_in(user, period)
        .values("local_date")
        .annotate(n=Count("pk"), total=Sum("intensity"))
        .values_list("local_date", "n", "total")
    )
    return {day: (n, total) for day, n, total in rows}


def weekly(period: Period, days: dict[dt.date, tuple[int, int]]) -> list[dict]:
    """Episodes and average intensity per local week (Monday first), empty weeks included."""
    weeks: dict[dt.date, list[int]] = {}
    for day, (n, total) in days.items():
        week = weeks.setdefault(day - dt.timedelta(days=day.weekday()), [0, 0])
        week[0] += n
        week[1] += total
    start = period.start - dt.timedelta(days=period.start.weekday())
    series = []
    for index in range((period.end - start).days // 7 + 1):
        week = start + dt.timedelta(weeks=index)
        n, total = weeks.get(week, (0, 0))
        series.append({"week": week, "episodes": n, "intensity": total / n if n else None})
    return series


def regions(user: AbstractBaseUser, period: Period) -> list[dict]:
    """Episodes per body region, split by side, in the order of the region list."""
    rows = episodes_in(user, period).values("body_region", "side").annotate(n=Count("pk"))
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["body_region"], {})[row["side"]] = row["n"]
    return [
        {
            "region": region.value,
            "label": region.label,
            "sides": {side.value: counts[region.value].get(side.value, 0) for side in Side},
            "total": sum(counts[region.value].values()),
        }
        for region in BodyRegion
        if region.value in counts
    ]


def hours(user: AbstractBaseUser, period: Period) -> list[int]:
    """Episodes that began in each local hour of the day, 0 to 23."""
    rows = episodes_in(user, period).values("local_hour").annotate(n=Count("pk"))
    counts = [0] * 24
    for row in rows:
        counts[row["local_hour"]] = row["n"]
    return counts


def triggers(user: AbstractBaseUser, period: Period) -> list[dict]:
    """Suspected triggers by how often each was marked, most frequent first."""
    rows = (
        EpisodeTrigger.objects.filter(episode__in=episodes_in(user, period))
        .values("trigger")
        .annotate(n=Count("pk"))
        .order_by("-n", "trigger")
    )
    labels = dict(Trigger.choices)
    return [{"trigger": r["trigger"], "label": labels[r["trigger"]], "n": r["n"]} for r in rows]


def reliefs(user: AbstractBaseUser, period: Period) -> list[dict]:
    """Each relief measure tried: how often, and how well it helped (0 none, 2 a lot)."""
    rows = (
        EpisodeRelief.objects.filter(episode__in=episodes_in(user, period))
        .values("measure")
        .annotate(
            tried=Count("pk"), average=Avg("effect"), helped=Count("pk", filter=Q(effect__gte=1))
        )
        .order_by("-tried", "-average")
    )
    labels = dict(ReliefMeasure.choices)
    return [row | {"label": labels[row["measure"]]} for row in rows]


# Cramp days against cramp-free days ----------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One checked-in local day and how many cramps began on it."""

    date: dt.date
    cramps: int
    fluid_ml: int | None
    electrolytes: bool | None
    exercise_minutes: int | None
    exercise_intensity: str
    warmed_up: bool | None
    stretched: bool
    sleep_hours: float | None


def checked_in_days(
    user: AbstractBaseUser, period: Period, days: dict[dt.date, tuple[int, int]]
) -> list[Day]:
    """Every checked-in day of the period with its cramp count (from per_day()).

    Only checked-in days count: a day without a check-in is unknown, not cramp-free.
    """
    checkins = (
        CheckIn.objects.for_user(user)
        .filter(date__gte=period.start, date__lte=period.end)
        .order_by("date")
        .values(
            "date",
            "fluid_ml",
            "electrolytes",
            "exercise_minutes",
            "exercise_intensity",
            "warmed_up",
            "stretched",
            "sleep_hours",
        )
    )
    return [
        Day(
            cramps=days.get(row["date"], (0, 0))[0],
            **row
            | {"sleep_hours": None if row["sleep_hours"] is None else float(row["sleep_hours"])},
        )
        for row in checkins
    ]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def compare_days(days: list[Day]) -> dict:
    """Average fluid, exercise and sleep on cramp days against cramp-free days."""
    groups = {"cramp": [d for d in days if d.cramps], "free": [d for d in days if not d.cramps]}
    result: dict = {}
    for name, group in groups.items():
        result[name] = {
            "days": len(group),
            "fluid_ml": _mean([d.fluid_ml for d in group if d.fluid_ml is not None]),
            "exercise_minutes": _mean(
                [d.exercise_minutes for d in group if d.exercise_minutes is not None]
            ),
            "sleep_hours": _mean([d.sleep_hours for d in group if d.sleep_hours is not None]),
        }
    return result


@dataclass(frozen=True)
class Split:
    """Cramps per day on days with and without some condition."""

    with_days: int
    with_cramps: int
    without_days: int
    without_cramps: int

    @property
    def with_rate(self) -> float | None:
        return self.with_cramps / self.with_days if self.with_days else None

    @property
    def without_rate(self) -> float | None:
        return self.without_cramps / self.without_days if self.without_days else None

    def enough(self, minimum: int) -> bool:
        return self.with_days >= minimum and self.without_days >= minimum


def split_days(
    days: list[Day],
    condition: Callable[[Day], bool],
    applies: Callable[[Day], bool] = lambda day: True,
) -> Split:
    """Split the days where ``applies`` by ``condition`` and count cramps on each side."""
    # [days without, days with], [cramps without, cramps with]: one pass over the days.
    counts, cramps = [0, 0], [0, 0]
    for day in days:
        if applies(day):
            side = int(bool(condition(day)))
            counts[side] += 1
            cramps[side] += day.cramps
    return Split(counts[1], cramps[1], counts[0], cramps[0])
