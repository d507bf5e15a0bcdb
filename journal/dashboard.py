"""The dashboard's content: headline numbers, chart series and insights for one period.

A plain module over journal.stats, so tests can call it without a request. The same
dict feeds the charts (through json_script) and their text tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from journal import flags, guidance, insights, stats
from journal.models import Activity, Side
from journal.stats import CheckedInDays, Period, Summary
from journal.units import from_ml

RANGES = {
    "30d": ("Last 30 days", 30),
    "90d": ("Last 90 days", 90),
    "12m": ("Last 12 months", 365),
    "all": ("All time", None),
    "custom": ("Custom dates", None),
}
DEFAULT_RANGE = "90d"


def period_for(
    first: dt.date | None,
    zone,
    choice: str,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """The period a range choice names, in the person's zone; ``first`` is stats.first_day."""
    if choice == "custom" and start and end:
        return Period(start, end, zone)
    if choice == "all":
        return Period(min(first or today, today), today, zone)
    days = RANGES.get(choice, RANGES[DEFAULT_RANGE])[1] or RANGES[DEFAULT_RANGE][1]
    return Period(today - dt.timedelta(days=days - 1), today, zone)


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    previous: str
    direction: str  # "up", "down", "same" or "" when there is nothing to compare


def _fmt_number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _direction(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    return "up" if now > before else "down" if now < before else "same"


def headlines(current: Summary, previous: Summary, records_before: bool) -> list[Headline]:
    """The headline numbers, each against the period before.

    With no records from before the period, its zeros would be no measurement at all,
    so the comparison says "no records" and shows no direction.
    """
    rows = [
        ("Episodes", current.episodes, previous.episodes, str),
        ("Episodes per week", current.per_week, previous.per_week, _fmt_number),
        ("Cramp nights", current.cramp_nights, previous.cramp_nights, str),
        ("Average intensity", current.avg_intensity, previous.avg_intensity, _fmt_number),
        ("Worst intensity", current.worst_intensity, previous.worst_intensity, _fmt_number_int),
        ("Median duration", current.median_duration, previous.median_duration, _fmt_duration),
        ("Longest", current.longest_duration, previous.longest_duration, _fmt_duration),
    ]
    if not records_before:
        return [Headline(label, fmt(now), "no records", "") for label, now, _, fmt in rows]
    return [
        Headline(label, fmt(now), fmt(before), _direction(now, before))
        for label, now, before, fmt in rows
    ]


def _fmt_number_int(value: int | None) -> str:
    return "—" if value is None else f"{value}/10"


def charts(
    period: Period,
    summary: Summary,
    weekly: list[dict],
    regions: list[dict],
    hours: list[int],
    triggers: list[dict],
    reliefs: list[dict],
    days: CheckedInDays,
    unit: str,
) -> dict:
    """Every chart's series, ready for json_script; ``empty`` marks a chart with no data."""
    activity_labels = dict(Activity.choices) | {"": "Not recorded"}
    return {
        "weekly": {
            "empty": summary.episodes == 0,
            "labels": [row["week"].isoformat() for row in weekly],
            "episodes": [row["episodes"] for row in weekly],
            "intensity": [
                None if row["intensity"] is None else round(row["intensity"], 1) for row in weekly
            ],
            "days": [row["days"] for row in weekly],
        },
        "duration": {
            "empty": summary.episodes == 0,
            "labels": list(summary.durations),
            "counts": list(summary.durations.values()),
        },
        "regions": {
            "empty": not regions,
            "labels": [row["label"] for row in regions],
            "sides": [
                {"side": side.label, "counts": [row["sides"][side.value] for row in regions]}
                for side in Side
            ],
        },
        "hours": {
            "empty": summary.episodes == 0,
            "labels": [f"{hour:02d}" for hour in range(24)],
            "counts": hours,
            "night_share": summary.night_share,
        },
        "activity": {
            "empty": summary.episodes == 0,
            "labels": [activity_labels[key] for key in summary.activities],
            "counts": list(summary.activities.values()),
        },
        "triggers": {
            "empty": not triggers,
            "labels": [row["label"] for row in triggers],
            "counts": [row["n"] for row in triggers],
        },
        "relief": {
            "empty": not reliefs,
            "labels": [row["label"] for row in reliefs],
            "average": [round(row["average"], 2) for row in reliefs],
            "tried": [row["tried"] for row in reliefs],
        },
        "days": _days_chart(days, unit),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _days_chart(days: CheckedInDays, unit: str) -> dict:
    """Average fluid, exercise and sleep on cramp days and cramp-free days.

    Each average carries the number of days it rests on, since a day can be checked in
    without every measure.
    """

    def shown(measure: str, mean: stats.Mean) -> float | None:
        if mean.value is None:
            return None
        if measure == "fluid_ml":
            return float(from_ml(round(mean.value), unit))
        return round(mean.value, 1)

    def series(group: stats.DayGroup) -> list[float | None]:
        return [shown(m, group.measures[m]) for m in stats.DAY_MEASURES]

    return {
        "empty": not (days.cramp.days and days.free.days),
        "labels": [
            "Fluid (fl oz)" if unit == "floz" else "Fluid (ml)",
            "Exercise (minutes)",
            "Sleep (hours)",
        ],
        "cramp": series(days.cramp),
        "free": series(days.free),
        "cramp_n": [days.cramp.measures[m].days for m in stats.DAY_MEASURES],
        "free_n": [days.free.measures[m].days for m in stats.DAY_MEASURES],
        "cramp_days": days.cramp.days,
        "free_days": days.free.days,
    }


def build(
    user: AbstractBaseUser, period: Period, unit: str, first: dt.date | None, today: dt.date
) -> dict:
    """Everything the dashboard shows for a period: a fixed number of queries.

    ``first`` is the person's first recorded day (stats.first_day). The flags are about
    now, whatever the range: they read their own window ending ``today``. The prevention
    tips follow the chosen range's statistics and the medicines being taken today.
    """
    current, previous = stats.summaries(user, period)
    triggers = stats.triggers(user, period)
    reliefs = stats.reliefs(user, period)
    days = stats.checked_in_days(user, period)
    where_and_when = stats.where_and_when(user, period)
    chart_data = charts(
        period,
        current,
        stats.weekly(user, period),
        where_and_when.regions,
        where_and_when.hours,
        triggers,
        reliefs,
        days,
        unit,
    )
    flag_journal = flags.load(user, flags.current_period(today, period.zone), first)
    reviewed = flags.apply_reviews(flags.evaluate(flag_journal), flags.reviews(user))
    medicines = [str(m) for m in flag_journal.medications if m.is_active_on(today)]
    evidence = insights.evidence(current, triggers, days, medicines, unit)
    return {
        "flags": reviewed.active,
        "tips": guidance.prevention_tips(evidence),
        "period": period,
        "previous": period.previous(),
        "summary": current,
        "headlines": headlines(current, previous, first is not None and first < period.start),
        "charts": chart_data,
        "tables": tables(chart_data),
        "insights": insights.pattern_insights(current, triggers, reliefs)
        + insights.day_insights(days, unit),
        "checked_in_days": days.total,
    }


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _with_days(value: float | None, days: int) -> str:
    return "—" if value is None else f"{_cell(value)} ({days} day{'s' if days != 1 else ''})"


def tables(charts: dict) -> dict[str, dict]:
    """Each chart as a table: the text alternative for screen readers and for no-JS."""
    weekly, regions, relief, days = (
        charts["weekly"],
        charts["regions"],
        charts["relief"],
        charts["days"],
    )

    def two_columns(key: str, label: str, value_label: str = "Episodes") -> dict:
        data = charts[key]
        return {
            "columns": [label, value_label],
            "rows": [
                [lab, _cell(n)] for lab, n in zip(data["labels"], data["counts"], strict=True)
            ],
        }

    return {
        "weekly": {
            "columns": ["Week of", "Episodes", "Average intensity"],
            "rows": [
                [week if days == 7 else f"{week} ({days} of 7 days)", _cell(n), _cell(i)]
                for week, n, i, days in zip(
                    weekly["labels"],
                    weekly["episodes"],
                    weekly["intensity"],
                    weekly["days"],
                    strict=True,
                )
            ],
        },
        "duration": two_columns("duration", "Duration"),
        "regions": {
            "columns": ["Region", *[side["side"] for side in regions["sides"]]],
            "rows": [
                [label, *[_cell(side["counts"][i]) for side in regions["sides"]]]
                for i, label in enumerate(regions["labels"])
            ],
        },
        "hours": two_columns("hours", "Hour began"),
        "activity": two_columns("activity", "Doing"),
        "triggers": two_columns("triggers", "Trigger", "Times marked"),
        "relief": {
            "columns": ["Measure", "Average help (0 none – 2 a lot)", "Times tried"],
            "rows": [
                [lab, _cell(avg), _cell(n)]
                for lab, avg, n in zip(
                    relief["labels"], relief["average"], relief["tried"], strict=True
                )
            ],
        },
        "days": {
            "columns": [
                "",
                f"Cramp days ({days['cramp_days']})",
                f"Cramp-free days ({days['free_days']})",
            ],
            "rows": [
                [label, _with_days(c, cn), _with_days(f, fn)]
                for label, c, cn, f, fn in zip(
                    days["labels"],
                    days["cramp"],
                    days["cramp_n"],
                    days["free"],
                    days["free_n"],
                    strict=True,
                )
            ],
        },
    }
