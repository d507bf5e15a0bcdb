"""Plain-language insights from the statistics: what goes with the cramps, never why.

Every insight states its numbers and its sample. Below the minimum sample it says that
there is not enough data yet instead of giving a number; a day comparison says how large
a difference is, and how sure, only when the journal shows it beyond chance
(journal.patterns.compare), and otherwise that it could be chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from journal import formatting
from journal.models import Activity, Trigger
from journal.patterns import stats
from journal.patterns.compare import Comparison
from journal.patterns.guidance import Evidence
from journal.patterns.stats import CheckedInDays, Summary


@dataclass(frozen=True)
class Insight:
    topic: str
    text: str
    enough: bool
    # For the day comparisons: the numbers behind the sentence (the chart and its table).
    comparison: Comparison | None = None


def _rate(value: float | None) -> str:
    return "no" if value is None else formatting.ratio(value)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def day_words(unit: str) -> dict[str, tuple[str, str, str]]:
    """Each day comparison's topic, its condition and the other days, in words (the
    conditions themselves are stats.day_splits())."""
    fluid = formatting.fluid(stats.setting("LOW_FLUID_ML"), unit)
    sleep = stats.setting("SHORT_SLEEP_HOURS")
    return {
        "fluid": ("Fluid", f"with under {fluid} of fluid", f"with {fluid} or more"),
        "sleep": ("Sleep", f"after under {sleep} hours of sleep", f"after {sleep} hours or more"),
        "vigorous": ("Hard exercise", "with vigorous exercise", "without it"),
        "no_warm_up": (
            "Warm-up",
            "when you exercised without warming up",
            "when you warmed up first",
        ),
        "stretched": ("Stretching", "when you stretched", "when you did not"),
        "electrolytes": ("Electrolytes", "with an electrolyte drink", "without one"),
    }


def _times(ratio: float) -> str:
    return formatting.ratio(ratio)


# The words for a comparison's numbers where there is no number: one home, read by the
# Patterns table, its chart's tooltip and the report.
NOT_COMPARED = "not compared yet"  # not tested: too few days on a side, or no cramps
NO_UPPER_END = "no upper end"  # a computed interval with no cramps on the other days
NONE_ON_OTHER_DAYS = "none on the other days"  # the ratio itself, then


def times_cell(c: Comparison) -> str:
    """The rate ratio for a table cell or a tooltip, from the exact value: "3.8"."""
    if c.ratio is None:
        return NOT_COMPARED
    if math.isinf(c.ratio):
        return NONE_ON_OTHER_DAYS
    return _times(c.ratio)


def interval_cell(c: Comparison) -> str:
    """The interval for a table cell or a tooltip: "1.5 and 3.8", "2.2 and no upper end";
    a dash untested, where the ratio's cell beside it already says "not compared yet"."""
    if c.low is None or c.high is None:
        return "—"
    high = NO_UPPER_END if math.isinf(c.high) else _times(c.high)
    return f"{_times(c.low)} and {high}"


def rate_cell(value: float | None) -> str:
    """Cramps a day on one side for a table cell; "—" where that side has no days."""
    return "—" if value is None else formatting.ratio(value)


def interval(c: Comparison) -> str:
    """ "likely between 1.5 and 3.9 times", at the confidence level in force."""
    if c.high is None or c.low is None:
        return ""
    if math.isinf(c.high):
        return f"likely at least {_times(c.low)} times"
    return f"likely between {_times(c.low)} and {_times(c.high)} times"


def beyond_chance(c: Comparison, condition: str) -> str:
    """The sentence for a difference the journal shows beyond chance; never a cause."""
    sample = f"{_days(c.days)} and {_days(c.other_days)}"
    if c.ratio == 0:
        return (
            f"No cramps on days {condition}, against {_rate(c.other_rate)} a day on the "
            f"others (likely at most {_times(c.high)} times as many; {sample})."
        )
    if math.isinf(c.ratio):
        return (
            f"Cramps only on days {condition}: {_rate(c.rate)} a day against none on the "
            f"others ({interval(c)}; {sample})."
        )
    return (
        f"About {_times(c.ratio)} times as many cramps a day on days {condition} "
        f"({interval(c)}; {sample})."
    )


def could_be_chance(c: Comparison, condition: str, other: str) -> str:
    return (
        f"{_rate(c.rate)} against {_rate(c.other_rate)} cramps a day on days {condition} and "
        f"{other}; with {c.days} and {c.other_days} days this could be chance."
    )


def verdict(c: Comparison) -> str:
    """A comparison in a few words, for a table: "about 0.3 times as many (likely
    between 0.12 and 0.75 times)", "could be chance" or, untested, nothing."""
    if not c.tested:
        return ""
    if not c.beyond_chance:
        return "could be chance"
    if math.isinf(c.ratio):
        return f"more ({interval(c)})"
    return f"about {_times(c.ratio)} times as many ({interval(c)})"


def _comparison(topic: str, c: Comparison, condition: str, other: str) -> Insight:
    if not c.enough:
        minimum = stats.setting("INSIGHT_MIN_DAYS")
        return Insight(
            topic,
            f"{topic}: not enough data yet. A comparison needs at least {minimum} checked-in "
            f"days on each side ({condition}: {c.days}; {other}: {c.other_days}).",
            enough=False,
            comparison=c,
        )
    if c.beyond_chance:
        return Insight(topic, beyond_chance(c, condition), enough=True, comparison=c)
    return Insight(topic, could_be_chance(c, condition, other), enough=True, comparison=c)


def day_insights(days: CheckedInDays, unit: str) -> list[Insight]:
    """Cramps per day against fluid, sleep, exercise, warm-up, stretching and electrolytes."""
    return [
        _comparison(topic, days.comparisons[name], condition, other)
        for name, (topic, condition, other) in day_words(unit).items()
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
                f"{share:.0%} of your cramps began at night ({stats.NIGHT_SPAN}) or while asleep "
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

    # A day comparison gives a tip its reason only when it is beyond chance (after the
    # adjustment for the six shown together) and points the tip's way.
    words = day_words(unit)
    fluid, warm_up, sleep = (days.comparisons[k] for k in ("fluid", "no_warm_up", "sleep"))
    low_fluid = trigger_text("dehydration")
    if fluid.higher:
        low_fluid = beyond_chance(fluid, words["fluid"][1])
    exercise = summary.activities.get(Activity.EXERCISING, 0) + summary.activities.get(
        Activity.AFTER_EXERCISE, 0
    )
    no_warm_up = ""
    if warm_up.higher:
        no_warm_up = beyond_chance(warm_up, words["no_warm_up"][1])
    elif often(exercise) and not warm_up.enough:
        # Without enough warm-up records to say otherwise, cramps around exercise are
        # reason enough to lead with the warm-up.
        no_warm_up = f"{exercise} of your {summary.episodes} cramps came during or after exercise."
    sitting_n = summary.activities.get(Activity.SITTING, 0)
    sitting = trigger_text("sitting")
    if often(sitting_n):
        sitting = f"{sitting_n} of your {summary.episodes} cramps began while sitting."
    stress_or_sleep = trigger_text("stress", "poor_sleep")
    if sleep.higher:
        stress_or_sleep = beyond_chance(sleep, words["sleep"][1])
    return Evidence(
        medicines=tuple(medicines),
        low_fluid=low_fluid,
        exercise_without_warm_up=no_warm_up,
        sitting=sitting,
        sweating=trigger_text("heavy_sweating", "heat"),
        stress_or_sleep=stress_or_sleep,
    )
