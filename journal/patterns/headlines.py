"""The headline numbers of a period against the period before, in words: the Patterns
page and the clinician report show the same rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal import formatting
from journal.patterns import compare
from journal.patterns.compare import Comparison
from journal.patterns.stats import Period, Summary


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    previous: str
    # "up" or "down" beyond chance, "same" when the difference could be chance, "" when
    # there is nothing to compare or no test for it.
    direction: str

    @property
    def change(self) -> str:
        """The direction in words, for the report's table."""
        return CHANGE_WORDS[self.direction]


CHANGE_WORDS = {
    "up": "higher, beyond chance",
    "down": "lower, beyond chance",
    "same": "about the same",
    "": "",
}


def _fmt_number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _fmt_duration(seconds: float | None) -> str:
    return "—" if seconds is None else formatting.duration(seconds)


def _covered(period: Period, first: dt.date | None) -> int:
    """The days of ``period`` from the journal's first record on."""
    if first is None or first > period.end:
        return 0
    return (period.end - max(period.start, first)).days + 1


def _direction(c: Comparison) -> str:
    """An arrow only for a difference beyond chance; otherwise "about the same"."""
    return "up" if c.higher else "down" if c.lower else "same"


def headlines(
    current: Summary, previous: Summary, period: Period, first: dt.date | None
) -> list[Headline]:
    """The headline numbers, each against the period before.

    With no records from before the period, its zeros would be no measurement at all,
    so the comparison says "no records" and shows no direction. Counts (episodes, per
    week, cramp nights) are compared as rates over the days each period covers
    (journal.patterns.compare); averages and extremes carry no arrow: a change in them
    needs a test on every episode's value, and an arrow without one would guess.
    """
    now_days, before_days = _covered(period, first), _covered(period.previous(), first)
    episodes = compare.compare(current.episodes, now_days, previous.episodes, before_days)
    nights = compare.compare(current.cramp_nights, now_days, previous.cramp_nights, before_days)
    rows = [
        ("Episodes", current.episodes, previous.episodes, str, episodes),
        ("Episodes per week", current.per_week, previous.per_week, _fmt_number, episodes),
        ("Cramp nights", current.cramp_nights, previous.cramp_nights, str, nights),
        ("Average intensity", current.avg_intensity, previous.avg_intensity, _fmt_number, None),
        (
            "Worst intensity",
            current.worst_intensity,
            previous.worst_intensity,
            _fmt_intensity,
            None,
        ),
        ("Median duration", current.median_duration, previous.median_duration, _fmt_duration, None),
        ("Longest", current.longest_duration, previous.longest_duration, _fmt_duration, None),
    ]
    if not before_days:
        return [Headline(label, fmt(now), "no records", "") for label, now, _, fmt, _ in rows]
    return [
        Headline(label, fmt(now), fmt(before), _direction(c) if c else "")
        for label, now, before, fmt, c in rows
    ]


def _fmt_intensity(value: int | None) -> str:
    return "—" if value is None else formatting.intensity(value)
