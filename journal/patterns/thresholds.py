"""The flag thresholds: each number with why it is what it is, in one place.

The rules in journal.patterns.flags, the "Threshold:" sentences beside them, the duration chart's
top bin and the report's long-cramp row all read their numbers from here, so an override
in settings changes the rule and every sentence that explains it together.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from journal import formatting

# Thresholds, with why each is what it is. Override any of them with
# settings.CRAMPJOURNAL_FLAGS = {"NAME": value}.
THRESHOLDS: dict[str, tuple[int | float, str]] = {
    "LOOKBACK_DAYS": (
        90,
        "Current flags read the last 90 days, so one old episode does not keep a flag up for ever.",
    ),
    "SEVERE_INTENSITY": (
        8,
        "8 to 10 is the severe band of the usual 0-10 pain scale; the guidance speaks of "
        "severe intensity and of substantial pain without giving a number.",
    ),
    "LONG_SECONDS": (
        600,
        "NHS advice on leg cramps: a cramp that lasts longer than 10 minutes needs "
        "prompt medical advice.",
    ),
    "FREQUENT_SHORT_EPISODES": (
        3,
        "The guidance gives no number. CrampJournal's design sets 3 within 7 days from "
        "clinical practice (the entry rules of trials of night-cramp treatments).",
    ),
    "FREQUENT_SHORT_DAYS": (7, "One week."),
    "FREQUENT_LONG_EPISODES": (
        6,
        "6 within 30 days follows the NICE Clinical Knowledge Summary on leg cramps, as "
        "set in CrampJournal's design.",
    ),
    "FREQUENT_LONG_DAYS": (30, "About a month."),
    "PERSIST_EPISODES": (
        4,
        "The guidance gives no number. CrampJournal's design takes 4 or more cramps within "
        "14 days (about two a week) after prevention on 14 days, so that the measures have "
        "had a fair try.",
    ),
    "PERSIST_DAYS": (14, "The window for those cramps: two weeks."),
    "PREVENTION_DAYS": (
        14,
        "Prevention (stretching or a warm-up, from the daily check-ins) on at least 14 "
        "days, so the measures have had a fair try.",
    ),
    "PREVENTION_WINDOW_DAYS": (28, "The prevention days are counted over four weeks."),
    "SLEEP_NIGHTS": (
        2,
        "The guidance gives no number. CrampJournal's design takes sleep broken on 2 or "
        "more nights within 14 days: more than a single bad night.",
    ),
    "SLEEP_DAYS": (14, "The window for those nights: two weeks."),
    "RISING_DAYS": (28, "The last four weeks against the four before them."),
    "RISING_RATIO": (1.5, "half as many cramps again as in the four weeks before"),
    "RISING_MIN_EPISODES": (
        4,
        "At least 4 cramps in the last four weeks, so that 1 against 0 is not a rise.",
    ),
}


def _shown_as(name: str) -> Callable[[float], str]:
    """How a threshold's value reads in a sentence: "10 min", "8/10", "14 days"."""
    if name == "LONG_SECONDS":
        return formatting.duration
    if name == "SEVERE_INTENSITY":
        return formatting.intensity
    for suffix, unit in (("_DAYS", "days"), ("_EPISODES", "episodes"), ("_NIGHTS", "nights")):
        if name.endswith(suffix):
            return lambda value, unit=unit: f"{value:g} {unit}"
    if name.endswith("_RATIO"):
        return lambda value: f"{value:g} times"
    return lambda value: f"{value:g}"


def threshold(name: str) -> int | float:
    """A flag threshold: settings.CRAMPJOURNAL_FLAGS if set there, else THRESHOLDS."""
    return getattr(settings, "CRAMPJOURNAL_FLAGS", {}).get(name, THRESHOLDS[name][0])


def shown(name: str, value: int | float | None = None) -> str:
    """A threshold's value (the one in force unless given) as it reads in a sentence."""
    return _shown_as(name)(threshold(name) if value is None else value)


def reason(*names: str, also: tuple[str, ...] = ()) -> str:
    """Why a rule's thresholds are what they are: the reasons of ``names``, and first,
    any of ``names`` or ``also`` that this installation has moved from the default."""
    why = " ".join(THRESHOLDS[name][1] for name in names)
    moved = [
        f"{shown(name)} (CrampJournal's default: {shown(name, THRESHOLDS[name][0])})"
        for name in (*names, *also)
        if threshold(name) != THRESHOLDS[name][0]
    ]
    if not moved:
        return why
    return f"Set for this installation: {'; '.join(moved)}. Why the defaults: {why}"
