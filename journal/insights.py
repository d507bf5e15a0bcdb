"""Plain-language insights from the statistics: what goes with the cramps, never why.

Every insight states its numbers and its sample. Below the minimum sample it says that
there is not enough data yet instead of giving a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from journal import stats
from journal.guidance import Evidence
from journal.models import Activity, Trigger
from journal.stats import CheckedInDays, Split, Summary
from journal.units import format_fluid


@dataclass(frozen=True)
class Insight:
    topic: str
    text: str
    enough: bool


def _rate(value: float | None) -> str:
    return "no" if value is None else f"{value:.1f}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _comparison(topic: str, split: Split, condition: str, other: str) -> Insight:
    minimum = stats.setting("INSIGHT_MIN_DAYS")
    if not split.enough(minimum):
        return Insight(
            topic,
            f"{topic}: not enough data yet. A comparison needs at least {minimum} checked-in "
            f"days on each side ({condition}: {split.with_days}; {other}: {split.without_days}).",
            enough=False,
        )
    return Insight(
        topic,
        f"On days {condition} you logged {_rate(split.with_rate)} cramps a day; on days "
        f"{other}, {_rate(split.without_rate)} ({_days(split.with_days)} and "
        f"{_days(split.without_days)}).",
        enough=True,
    )


def day_insights(days: CheckedInDays, unit: str) -> list[Insight]:
    """Cramps per day against fluid, sleep, exercise, warm-up, stretching and electrolytes."""
    fluid_text = format_fluid(stats.setting("LOW_FLUID_ML"), unit)
    short_sleep = stats.setting("SHORT_SLEEP_HOURS")
    # The conditions themselves are stats.day_splits(); these are their words.
    words = {
        "fluid": ("Fluid", f"with under {fluid_text} of fluid", f"with {fluid_text} or more"),
        "sleep": (
            "Sleep",
            f"after under {short_sleep} hours of sleep",
            f"after {short_sleep} hours or more",
        ),
        "vigorous": ("Hard exercise", "with vigorous exercise", "without it"),
        "no_warm_up": (
            "Warm-up",
            "when you exercised without warming up",
            "when you warmed up first",
        ),
        "stretched": ("Stretching", "when you stretched", "when you did not"),
        "electrolytes": ("Electrolytes", "with an electrolyte drink", "without one"),
    }
    return [
        _comparison(topic, days.splits[name], condition, other)
        for name, (topic, condition, other) in words.items()
    ]


def pattern_insights(summary: Summary, triggers: list[dict], reliefs: list[dict]) -> list[Insight]:
    """Night share, the most marked trigger and the relief that helped most."""
    insights = []
    minimum_days = stats.setting("INSIGHT_MIN_DAYS")
    if summary.episodes >= minimum_days:
        share = summary.night_share or 0
        insights.append(
            Insight(
                "Night",
                f"{share:.0%} of your cramps began at night (22:00–06:00) or while asleep "
                f"({summary.night_episodes} of {summary.episodes}).",
                enough=True,
            )
        )
    else:
        insights.append(
            Insight(
                "Night",
                f"Night or day: not enough data yet ({summary.episodes} of the "
                f"{minimum_days} episodes needed).",
                enough=False,
            )
        )
    if triggers and summary.episodes >= minimum_days:
        top = triggers[0]
        insights.append(
            Insight(
                "Triggers",
                f"The trigger you marked most often: {top['label'].lower()} "
                f"({top['n']} of {summary.episodes} episodes). A suspected trigger is your "
                "impression, not a proven cause.",
                enough=True,
            )
        )
    minimum_tries = stats.setting("INSIGHT_MIN_TRIES")
    tried_enough = [r for r in reliefs if r["tried"] >= minimum_tries]
    if tried_enough:
        best = max(tried_enough, key=lambda r: (r["average"], r["tried"]))
        insights.append(
            Insight(
                "Relief",
                f"What helped most: {best['label'].lower()}, which helped in {best['helped']} "
                f"of {best['tried']} tries.",
                enough=True,
            )
        )
    else:
        insights.append(
            Insight(
                "Relief",
                "What helps: not enough data yet. Record what you tried, and how well it "
                f"helped, on at least {minimum_tries} episodes.",
                enough=False,
            )
        )
    return insights


# A marked trigger or an activity counts as a pattern for the prevention tips from this
# many episodes, or this share of them.
TIP_MIN_EPISODES = 3
TIP_MIN_SHARE = 0.25


def _more_on(split: Split) -> bool:
    """More cramps a day on the days with the condition, with enough days on each side."""
    return split.enough(stats.setting("INSIGHT_MIN_DAYS")) and (split.with_rate or 0) > (
        split.without_rate or 0
    )


def evidence(
    summary: Summary,
    triggers: list[dict],
    days: CheckedInDays,
    medicines: list[str],
    unit: str,
) -> Evidence:
    """What the person's own records point to, for ordering the prevention tips."""
    marked = {row["trigger"]: row["n"] for row in triggers}

    def often(count: int) -> bool:
        return count >= TIP_MIN_EPISODES and count >= TIP_MIN_SHARE * summary.episodes

    def trigger_text(*keys: str) -> str:
        hits = [(key, marked[key]) for key in keys if often(marked.get(key, 0))]
        if not hits:
            return ""
        labels = dict(Trigger.choices)
        parts = [f"{labels[key].lower()} ({n} times)" for key, n in hits]
        return f"You marked {' and '.join(parts)} as suspected triggers."

    fluid, warm_up, sleep = (days.splits[k] for k in ("fluid", "no_warm_up", "sleep"))
    low_fluid = trigger_text("dehydration")
    if _more_on(fluid):
        low_fluid = (
            f"On days with under {format_fluid(stats.setting('LOW_FLUID_ML'), unit)} of "
            f"fluid you logged {_rate(fluid.with_rate)} cramps a day, against "
            f"{_rate(fluid.without_rate)} on other days."
        )
    exercise = summary.activities.get(Activity.EXERCISING, 0) + summary.activities.get(
        Activity.AFTER_EXERCISE, 0
    )
    no_warm_up = ""
    if _more_on(warm_up):
        no_warm_up = (
            f"On exercise days without a warm-up you logged {_rate(warm_up.with_rate)} "
            f"cramps a day, against {_rate(warm_up.without_rate)} after warming up."
        )
    elif often(exercise) and not warm_up.enough(stats.setting("INSIGHT_MIN_DAYS")):
        # Without enough warm-up records to say otherwise, cramps around exercise are
        # reason enough to lead with the warm-up.
        no_warm_up = f"{exercise} of your {summary.episodes} cramps came during or after exercise."
    sitting_n = summary.activities.get(Activity.SITTING, 0)
    sitting = trigger_text("sitting")
    if often(sitting_n):
        sitting = f"{sitting_n} of your {summary.episodes} cramps began while sitting."
    stress_or_sleep = trigger_text("stress", "poor_sleep")
    if _more_on(sleep):
        stress_or_sleep = (
            f"After short nights you logged {_rate(sleep.with_rate)} cramps a day, against "
            f"{_rate(sleep.without_rate)} after longer ones."
        )
    return Evidence(
        medicines=tuple(medicines),
        low_fluid=low_fluid,
        exercise_without_warm_up=no_warm_up,
        sitting=sitting,
        sweating=trigger_text("heavy_sweating", "heat"),
        stress_or_sleep=stress_or_sleep,
    )
