"""Statistics of one person's journal, computed in the database.

One function per number or chart. The Patterns page calls these, and so will the PDF report
and the flags, so no two pages can disagree about a number. Local days, weeks and hours
are taken in the person's own time zone, on SQLite and PostgreSQL alike. Every number
lives here, once, which is why the module runs past 400 lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from functools import cached_property
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Func,
    Max,
    Model,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from journal import formatting
from journal.models import (
    Activity,
    BodyRegion,
    CheckIn,
    Episode,
    EpisodeRelief,
    EpisodeTrigger,
    ExerciseIntensity,
    ReliefMeasure,
    Side,
    Trigger,
)
from journal.patterns import compare
from journal.patterns.thresholds import threshold

# A cramp that begins between 22:00 and 06:00 local time, or while asleep, is a night
# cramp; Episode.night_of says which night it belongs to.
NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)
# The same hours in words, for every sentence and chart that names them.
NIGHT_SPAN = formatting.hour_span(NIGHT_HOURS)

# Where the duration chart's bars split, in seconds. The top bar is always "over" the
# long-cramp threshold of the flags, so the chart, the flag and the report agree.
DURATION_EDGES = (30, 60, 120, 300, 600)


def long_seconds() -> int:
    """The long-cramp threshold in force (flags.long_lasting and the report read it)."""
    return int(threshold("LONG_SECONDS"))


def _bar_label(low: int, high: int, top: int) -> str:
    if low <= 1:
        return f"under {formatting.duration(high)}"
    if high <= 60:
        return f"{low}–{top} s"
    if low % 60 == 0 and high % 60 == 0:
        return f"{low // 60}–{high // 60} min"
    return f"{formatting.duration(low)} to {formatting.duration(high)}"


def duration_bins() -> list[tuple[str, int, int | None]]:
    """The duration chart's bars: (label, first second, last second or None), shortest
    first; the last bounded bar ends at the long-cramp threshold, the top one is over it."""
    long = long_seconds()
    edges = [edge for edge in DURATION_EDGES if edge < long] + [long]
    bins: list[tuple[str, int, int | None]] = []
    low = 1
    for high in edges:
        top = high if high == long else high - 1
        bins.append((_bar_label(low, high, top), low, top))
        low = top + 1
    bins.append((f"over {formatting.duration(long)}", long + 1, None))
    return bins


def duration_labels() -> list[str]:
    return [label for label, _, _ in duration_bins()] + [formatting.NOT_RECORDED]


# The statistics' settings (minimum days, the fluid and sleep cut-offs, the confidence
# level) and their reasons live with the comparisons: journal.patterns.compare.SETTINGS.
setting = compare.setting


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


def _details_in(model: type[Model], user: AbstractBaseUser, period: Period) -> QuerySet:
    """Triggers, symptoms or reliefs of the person's episodes in the period.

    A join rather than ``episode__in=episodes_in(...)``: SQLite reads it a third faster.
    """
    return model.objects.filter(
        episode__owner=user,
        episode__local_date__gte=period.start,
        episode__local_date__lte=period.end,
    )


def first_day(user: AbstractBaseUser) -> dt.date | None:
    """The first local day with an episode or a check-in, in one query.

    The "all" range starts there, and a period that starts on or before it has nothing
    before it to compare with. Check-ins count: cramp-free days are records too.
    """
    first_episode = Episode.objects.for_user(user).order_by("local_date").values("local_date")
    first_checkin = CheckIn.objects.for_user(user).order_by("date").values("date")
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(episode=Subquery(first_episode[:1]), checkin=Subquery(first_checkin[:1]))
        .get()
    )
    days = [day for day in row.values() if day is not None]
    return min(days) if days else None


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
    long_episodes: int = 0  # lasting over the long-cramp threshold
    broke_sleep: int = 0
    durations: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)

    @property
    def night_share(self) -> float | None:
        return self.night_episodes / self.episodes if self.episodes else None


NIGHT = Q(activity=Activity.ASLEEP) | Q(local_hour__in=NIGHT_HOURS)
# The Summary fields read straight from the grouped query.
SUMMARY_FIELDS = frozenset(f.name for f in fields(Summary)) - {"durations", "activities"}


ACTIVITY_VALUES = [*Activity.values, ""]


def _summary_aggregates() -> dict:
    aggregates = {
        "episodes": Count("pk"),
        "avg_intensity": Avg("intensity"),
        "worst_intensity": Max("intensity"),
        "longest_duration": Max("duration_seconds"),
        "timed": Count("duration_seconds"),
        "long_episodes": Count("pk", filter=Q(duration_seconds__gt=long_seconds())),
        "night_episodes": Count("pk", filter=NIGHT),
        "cramp_nights": Count("night_of", distinct=True, filter=NIGHT),
        "broke_sleep": Count("pk", filter=Q(broke_sleep=True)),
    }
    # Column aliases must be plain identifiers, so the buckets are numbered.
    bins = duration_bins()
    for index, (_, low, high) in enumerate(bins):
        span = Q(duration_seconds__gte=low)
        if high is not None:
            span &= Q(duration_seconds__lte=high)
        aggregates[f"duration_{index}"] = Count("pk", filter=span)
    unknown = Q(duration_seconds__isnull=True, ongoing=False)
    aggregates[f"duration_{len(bins)}"] = Count("pk", filter=unknown)
    for index, value in enumerate(ACTIVITY_VALUES):
        aggregates[f"activity_{index}"] = Count("pk", filter=Q(activity=value))
    return aggregates


def summaries(user: AbstractBaseUser, period: Period) -> tuple[Summary, Summary]:
    """The headline numbers for a period and for the period before it.

    One query grouped by period (grouping, rather than filtering every aggregate by
    period, reads each row once), then one or two to read each median.
    """
    previous = period.previous()
    episodes = episodes_in(user, Period(previous.start, period.end, period.zone))
    in_current = Q(local_date__gte=period.start)
    rows = {
        row.pop("current"): row
        for row in episodes.annotate(
            current=Case(When(in_current, then=Value(True)), default=Value(False))
        )
        .values("current")
        .annotate(**_summary_aggregates())
        .order_by()
    }
    result = []
    for current, span in ((True, period), (False, previous)):
        row = rows.get(current, {})
        summary = Summary(
            **{key: value for key, value in row.items() if key in SUMMARY_FIELDS},
            durations={
                label: row.get(f"duration_{i}", 0) for i, label in enumerate(duration_labels())
            },
            activities={
                value: row.get(f"activity_{i}", 0) for i, value in enumerate(ACTIVITY_VALUES)
            },
        )
        summary.per_week = summary.episodes / span.weeks
        in_span = in_current if current else ~in_current
        summary.median_duration = _median_duration(episodes.filter(in_span), summary.timed)
        result.append(summary)
    return result[0], result[1]


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
    """Episodes and summed intensity per local day, in one grouped query."""
    rows = (
        episodes_in(user, period)
        .values("local_date")
        .annotate(n=Count("pk"), total=Sum("intensity"))
        .values_list("local_date", "n", "total")
    )
    return {day: (n, total) for day, n, total in rows}


@dataclass(frozen=True)
class Day:
    """One local day of the calendar: its worst cramp (None: no cramp), whether a cramp
    broke that night's sleep, and whether the person checked in."""

    date: dt.date
    worst: int | None
    broke_sleep: bool
    checked_in: bool


def calendar_days(user: AbstractBaseUser, period: Period) -> list[Day]:
    """Every day of the period, first to last, from two grouped queries."""
    rows = (
        episodes_in(user, period)
        .values("local_date")
        .annotate(worst=Max("intensity"), broke=Count("pk", filter=Q(broke_sleep=True)))
        .values_list("local_date", "worst", "broke")
    )
    cramps = {day: (worst, broke) for day, worst, broke in rows}
    checked = set(
        CheckIn.objects.for_user(user)
        .filter(date__gte=period.start, date__lte=period.end)
        .values_list("date", flat=True)
    )
    days = []
    for offset in range(period.days):
        day = period.start + dt.timedelta(days=offset)
        worst, broke = cramps.get(day, (None, 0))
        days.append(Day(day, worst, bool(broke), day in checked))
    return days


# The episodes-over-time chart's bucket, from the range's length: days up to about two
# months, weeks up to about eighteen months, months beyond, so ten years draw about 120
# points, not 520.
DAY_BUCKETS_UP_TO_DAYS = 62
WEEK_BUCKETS_UP_TO_DAYS = 549


def bucket_for(period: Period) -> str:
    if period.days <= DAY_BUCKETS_UP_TO_DAYS:
        return "day"
    return "week" if period.days <= WEEK_BUCKETS_UP_TO_DAYS else "month"


def _bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())  # Monday
    return day.replace(day=1) if bucket == "month" else day


def _next_bucket(start: dt.date, bucket: str) -> dt.date:
    if bucket == "month":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start + dt.timedelta(days=7 if bucket == "week" else 1)


class YearMonth(Func):
    """A date's "YYYY-MM" in the database's own function, so months are grouped there
    (Django's TruncMonth is a Python function per row on SQLite). SQLite keeps a date as
    "YYYY-MM-DD" text, whose first seven characters are the month: cheaper than parsing
    it with strftime. PostgreSQL formats its date with to_char."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')")


def per_month(user: AbstractBaseUser, period: Period) -> dict[dt.date, tuple[int, int]]:
    """Episodes and summed intensity per local month (keyed by its first day): at most
    twelve rows a year, whatever the number of episodes."""
    rows = (
        episodes_in(user, period)
        .annotate(month=YearMonth("local_date"))
        .values("month")
        .annotate(n=Count("pk"), total=Sum("intensity"))
        .values_list("month", "n", "total")
    )
    return {dt.date.fromisoformat(f"{month}-01"): (n, total) for month, n, total in rows}


def over_time(user: AbstractBaseUser, period: Period, bucket: str | None = None) -> list[dict]:
    """Episodes and average intensity per local day, week (Monday first) or month, by
    the range's length unless ``bucket`` is given; empty buckets included.

    The database groups by local month, or by local day for shorter ranges, whose days
    are folded into weeks here: TruncWeek is a Python function per row on SQLite, three
    times slower at 5,000 rows. Each bucket says how many of its days lie in the period
    (``days``, of ``length``): the first and last may be cut by it, and look low.
    """
    bucket = bucket or bucket_for(period)
    sums: dict[dt.date, list[int]] = {}
    rows = per_month(user, period) if bucket == "month" else per_day(user, period)
    for day, (n, total) in rows.items():
        into = sums.setdefault(_bucket_start(day, bucket), [0, 0])
        into[0] += n
        into[1] += total
    series = []
    start = _bucket_start(period.start, bucket)
    while start <= period.end:
        after = _next_bucket(start, bucket)
        n, total = sums.get(start, (0, 0))
        days = (min(after - dt.timedelta(days=1), period.end) - max(start, period.start)).days + 1
        series.append(
            {
                "start": start,
                "episodes": n,
                "intensity": total / n if n else None,
                "days": days,
                "length": (after - start).days,
            }
        )
        start = after
    return series


@dataclass(frozen=True)
class WhereAndWhen:
    # Per body region (in the order of the region list): label, counts per side, total.
    regions: list[dict]
    # Episodes that began in each local hour of the day, 0 to 23.
    hours: list[int]


def where_and_when(user: AbstractBaseUser, period: Period) -> WhereAndWhen:
    """Episodes per body region and side, and per local hour, from one grouped query.

    Grouping by all three at once gives at most 14 x 4 x 24 rows, whatever the number
    of episodes, and saves the page a query.
    """
    rows = (
        episodes_in(user, period)
        .values("body_region", "side", "local_hour")
        .annotate(n=Count("pk"))
        .values_list("body_region", "side", "local_hour", "n")
    )
    sides: dict[str, dict[str, int]] = {}
    hours = [0] * 24
    for region, side, hour, n in rows:
        by_side = sides.setdefault(region, {})
        by_side[side] = by_side.get(side, 0) + n
        hours[hour] += n
    regions = [
        {
            "region": region.value,
            "label": region.label,
            "sides": {side.value: sides[region.value].get(side.value, 0) for side in Side},
            "total": sum(sides[region.value].values()),
        }
        for region in BodyRegion
        if region.value in sides
    ]
    return WhereAndWhen(regions, hours)


def triggers(user: AbstractBaseUser, period: Period) -> list[dict]:
    """Suspected triggers by how often each was marked, most frequent first."""
    rows = (
        _details_in(EpisodeTrigger, user, period)
        .values("trigger")
        .annotate(n=Count("pk"))
        .order_by("-n", "trigger")
    )
    labels = dict(Trigger.choices)
    return [{"trigger": r["trigger"], "label": labels[r["trigger"]], "n": r["n"]} for r in rows]


def reliefs(user: AbstractBaseUser, period: Period) -> list[dict]:
    """Each relief measure tried: how often, and how well it helped (0 none, 2 a lot)."""
    rows = (
        _details_in(EpisodeRelief, user, period)
        .values("measure")
        .annotate(
            tried=Count("pk"), average=Avg("effect"), helped=Count("pk", filter=Q(effect__gte=1))
        )
        .order_by("-tried", "-average")
    )
    labels = dict(ReliefMeasure.choices)
    return [row | {"label": labels[row["measure"]]} for row in rows]


# Cramp days against cramp-free days ----------------------------------------------------
#
# Only checked-in days count: a day without a check-in is unknown, not cramp-free. Each
# check-in is matched with the cramps of its local day in the database, so the page never
# loads the days themselves.

# The check-in measures averaged on cramp days and on cramp-free days.
DAY_MEASURES = ("fluid_ml", "exercise_minutes", "sleep_hours")
# Every check-in field that a measure or a day split reads.
CHECKIN_FIELDS = (
    *DAY_MEASURES,
    "electrolytes",
    "exercise_intensity",
    "warmed_up",
    "stretched",
)


@dataclass(frozen=True)
class Mean:
    """An average and how many days it rests on."""

    value: float | None
    days: int


@dataclass(frozen=True)
class DayGroup:
    days: int
    measures: dict[str, Mean]


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

    def compared(self) -> compare.Comparison:
        """The two rates with their uncertainty, before any adjustment."""
        return compare.compare(
            self.with_cramps, self.with_days, self.without_cramps, self.without_days
        )


@dataclass(frozen=True)
class CheckedInDays:
    """What the checked-in days of a period show, read in one query."""

    total: int
    cramp: DayGroup
    free: DayGroup
    splits: dict[str, Split]

    @cached_property
    def comparisons(self) -> dict[str, compare.Comparison]:
        """Every split compared, and adjusted for being shown together: a handful of
        numbers each, from the counts above."""
        return compare.adjust({name: split.compared() for name, split in self.splits.items()})


def day_splits() -> dict[str, tuple[Q, Q]]:
    """The insights' day comparisons: (condition, the days where it can be judged)."""
    exercised = Q(exercise_minutes__gt=0)
    return {
        "fluid": (Q(fluid_ml__lt=setting("LOW_FLUID_ML")), Q(fluid_ml__isnull=False)),
        "sleep": (
            Q(sleep_hours__lt=setting("SHORT_SLEEP_HOURS")),
            Q(sleep_hours__isnull=False),
        ),
        "vigorous": (
            exercised & Q(exercise_intensity=ExerciseIntensity.VIGOROUS),
            Q(exercise_minutes__isnull=False),
        ),
        # Warming up only means something on a day with exercise.
        "no_warm_up": (Q(warmed_up=False), exercised & Q(warmed_up__isnull=False)),
        "stretched": (Q(stretched=True), Q()),
        "electrolytes": (Q(electrolytes=True), Q(electrolytes__isnull=False)),
    }


def checked_in_days(user: AbstractBaseUser, period: Period) -> CheckedInDays:
    """Cramp days against cramp-free days, and every day split of the insights."""
    # A LEFT JOIN of each check-in to the episodes of its own local day, counted per
    # check-in; the comparisons below then aggregate over those counts.
    checkins = (
        CheckIn.objects.for_user(user)
        .filter(date__gte=period.start, date__lte=period.end)
        .annotate(
            same_day=FilteredRelation(
                "owner__episodes", condition=Q(owner__episodes__local_date=F("date"))
            )
        )
        .values("pk", *CHECKIN_FIELDS)
        .annotate(cramps=Count("same_day"))
    )
    groups = {"cramp": Q(cramps__gt=0), "free": Q(cramps=0)}
    aggregates = {"total": Count("pk")}
    for group, in_group in groups.items():
        aggregates[f"{group}__days"] = Count("pk", filter=in_group)
        for measure in DAY_MEASURES:
            aggregates[f"{group}__{measure}"] = Avg(measure, filter=in_group)
            aggregates[f"{group}__{measure}__days"] = Count(measure, filter=in_group)
    splits = day_splits()
    for name, (condition, applies) in splits.items():
        for side, when in (("with", applies & condition), ("without", applies & ~condition)):
            aggregates[f"{name}__{side}_days"] = Count("pk", filter=when)
            aggregates[f"{name}__{side}_cramps"] = Sum("cramps", filter=when)
    row = checkins.aggregate(**aggregates)

    def group(name: str) -> DayGroup:
        return DayGroup(
            days=row[f"{name}__days"],
            measures={
                measure: Mean(_float(row[f"{name}__{measure}"]), row[f"{name}__{measure}__days"])
                for measure in DAY_MEASURES
            },
        )

    return CheckedInDays(
        total=row["total"],
        cramp=group("cramp"),
        free=group("free"),
        splits={
            name: Split(
                **{
                    key: row[f"{name}__{key}"] or 0
                    for key in ("with_days", "with_cramps", "without_days", "without_cramps")
                }
            )
            for name in splits
        },
    )


def _float(value) -> float | None:
    # PostgreSQL averages come back as Decimal; the charts want plain numbers.
    return None if value is None else float(value)
