"""The Patterns page's content: headline numbers, chart series and insights for one period.

A plain module over journal.patterns.stats, so tests can call it without a request. The same
dict feeds the charts (through json_script) and their text tables.
"""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.auth.models import AbstractBaseUser

from journal import body_map
from journal.models import Activity, Side
from journal.patterns import flags, guidance, insights, stats
from journal.patterns.headlines import headlines
from journal.patterns.stats import CheckedInDays, Period, Summary
from journal.units import from_ml


def charts(
    summary: Summary,
    bucket: str,
    over_time: list[dict],
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
        "over_time": {
            "empty": summary.episodes == 0,
            "bucket": bucket,
            "labels": [row["start"].isoformat() for row in over_time],
            "episodes": [row["episodes"] for row in over_time],
            "intensity": [
                None if row["intensity"] is None else round(row["intensity"], 1)
                for row in over_time
            ],
            "days": [row["days"] for row in over_time],
            "length": [row["length"] for row in over_time],
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
            "night_hours": list(stats.NIGHT_HOURS),
            "night_span": stats.NIGHT_SPAN,
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
        "comparisons": _comparisons_chart(days, unit),
    }


def _finite(value: float | None) -> float | None:
    """A position on the chart's axis; never shown as a number (the text fields are)."""
    return None if value is None or math.isinf(value) else round(value, 2)


def _comparisons_chart(days: CheckedInDays, unit: str) -> dict:
    """Cramps a day with each check-in factor against without it: the rate ratio and
    its interval, for the factors with enough days (journal.patterns.compare).

    The numbers place the chart's marks; what the table and the tooltip say is worded
    from the exact values by journal.patterns.insights, as the sentences are, so the
    three can never round differently.
    """
    words = insights.day_words(unit)
    compared = [days.comparisons[name] for name in words]
    return {
        "empty": not any(c.tested for c in compared),
        "labels": [topic for topic, _, _ in words.values()],
        "ratio": [_finite(c.ratio) for c in compared],
        "low": [_finite(c.low) for c in compared],
        # None where the interval has no upper end (no cramps on the other days).
        "high": [_finite(c.high) for c in compared],
        "times": [insights.times_cell(c) for c in compared],
        "between": [insights.interval_cell(c) for c in compared],
        "verdict": [insights.verdict(c) or "not enough data yet" for c in compared],
        "rates": [[insights.rate_cell(c.rate), insights.rate_cell(c.other_rate)] for c in compared],
        "sample": [[c.days, c.other_days] for c in compared],
    }


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
    """Everything the Patterns page shows for a period: a fixed number of queries.

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
        current,
        stats.bucket_for(period),
        stats.over_time(user, period),
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
        "flags_folded": flags.fold(reviewed.active),
        "tips": guidance.prevention_tips(evidence),
        "period": period,
        "previous": period.previous(),
        "summary": current,
        "headlines": headlines(current, previous, period, first),
        "charts": chart_data,
        "tables": tables(chart_data),
        "insights": insights.pattern_insights(current, triggers, reliefs)
        + insights.day_insights(days, unit),
        "checked_in_days": days.total,
        "body_map": {
            "regions": where_and_when.regions,
            "rows": body_map.table(where_and_when.regions),
            "title": body_map.TITLE,
        },
    }


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _with_days(value: float | None, days: int) -> str:
    return "—" if value is None else f"{_cell(value)} ({days} day{'s' if days != 1 else ''})"


BUCKET_HEADINGS = {"day": "Day", "week": "Week of", "month": "Month of"}


def tables(charts: dict) -> dict[str, dict]:
    """Each chart as a table: the text alternative for screen readers and for no-JS."""
    over_time, regions, relief, days = (
        charts["over_time"],
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

    comparisons = charts["comparisons"]
    return {
        "comparisons": {
            "columns": [
                "",
                "Cramps a day, with / without",
                "Days, with / without",
                "Times as many",
                "Likely between",
                "So far",
            ],
            "rows": [
                [label, f"{rates[0]} / {rates[1]}", f"{sample[0]} / {sample[1]}", *said]
                for label, rates, sample, *said in zip(
                    comparisons["labels"],
                    comparisons["rates"],
                    comparisons["sample"],
                    comparisons["times"],
                    comparisons["between"],
                    comparisons["verdict"],
                    strict=True,
                )
            ],
        },
        "over_time": {
            "columns": [BUCKET_HEADINGS[over_time["bucket"]], "Episodes", "Average intensity"],
            "rows": [
                [
                    start if days == length else f"{start} ({days} of {length} days)",
                    _cell(n),
                    _cell(i),
                ]
                for start, n, i, days, length in zip(
                    over_time["labels"],
                    over_time["episodes"],
                    over_time["intensity"],
                    over_time["days"],
                    over_time["length"],
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
