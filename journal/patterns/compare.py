"""Two rates of counts over days, compared with their uncertainty.

Every comparison the app makes is one: cramps a day on days with a check-in factor
against days without it, cramps in the 30 days after a medicine started against the 30
before, and the headline counts of a period against the period before. For each: the
two rates, their ratio, a confidence interval for the ratio, and the p-value of the
exact conditional test for two Poisson rates. Given the total count n = a + b, under
equal rates the count a on the first side is binomial with n trials and that side's
share of the days; scipy.stats.binomtest gives the p-value and the exact
(Clopper-Pearson) interval for that proportion, which converts into an interval for
the rate ratio. No statistics are written by hand here.

A family of comparisons shown together (the six day factors) is adjusted with the
Benjamini-Hochberg procedure (scipy.stats.false_discovery_control) before any is called
beyond chance; see docs/features.md, "How sure".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

from django.conf import settings
from scipy import stats as scipy_stats

# The statistics' settings, each with why it is what it is. Override any of them with
# settings.CRAMPJOURNAL_STATS = {"NAME": value}.
SETTINGS: dict[str, tuple[float | int | str, str]] = {
    "CONFIDENCE": (
        0.95,
        "95 %: the usual level in clinical research, so an interval reads as a clinician "
        "expects and a difference is called beyond chance at the usual 5 %.",
    ),
    "ADJUSTMENT": (
        "bh",
        "Benjamini-Hochberg over the six day factors shown together: when none of them "
        "matters, the chance that any is called beyond chance stays at 5 %, and among "
        "those called, at most 5 % are expected to be chance; Holm's method would hold "
        "every single one to that and miss more real effects in a month of check-ins.",
    ),
    "INSIGHT_MIN_DAYS": (
        5,
        "Below 5 checked-in days on either side a comparison says nothing but "
        '"not enough data yet"; above it the test decides what the days can show.',
    ),
    "INSIGHT_MIN_TRIES": (
        5,
        "Fewer tries than 5 of a relief measure: no claim about how well it works.",
    ),
    "LOW_FLUID_ML": (
        1500,
        "The guidance asks for steady hydration through the day without a number; "
        "CrampJournal's design counts a day under 1.5 l as a low-fluid day.",
    ),
    "SHORT_SLEEP_HOURS": (
        6,
        "The guidance names poor sleep among what feeds muscle responses without a number; "
        "CrampJournal's design counts a night under 6 hours as a short one.",
    ),
}


def setting(name: str) -> float | int | str:
    return getattr(settings, "CRAMPJOURNAL_STATS", {}).get(name, SETTINGS[name][0])


@dataclass(frozen=True)
class Comparison:
    """``count`` events over ``days`` against ``other_count`` over ``other_days``."""

    count: int
    days: int
    other_count: int
    other_days: int
    p_value: float = 1.0
    enough: bool = False  # at least the minimum of days on each side
    beyond_chance: bool = False

    @property
    def rate(self) -> float | None:
        return self.count / self.days if self.days else None

    @property
    def other_rate(self) -> float | None:
        return self.other_count / self.other_days if self.other_days else None

    @property
    def tested(self) -> bool:
        return self.enough and self.count + self.other_count > 0

    @property
    def ratio(self) -> float | None:
        """The rate ratio; None untested, inf when the other side had none.

        One division of whole numbers, so the float is the nearest to the exact ratio:
        19 cramps in 10 days against 4 in 10 is 4.75, which formatting.ratio rounds up
        to "4.8"; by way of the share (19/23) it came out 4.749999999999999, "4.7".
        """
        if not self.tested:
            return None
        if self.other_count == 0:
            return math.inf
        return (self.count * self.other_days) / (self.other_count * self.days)

    @cached_property
    def _interval(self) -> tuple[float | None, float | None]:
        """The exact (Clopper-Pearson) interval for the first side's share of the
        events, as a rate ratio. It is what binomtest(...).proportion_ci(method="exact")
        gives (tests/test_compare.py checks they agree), read from the beta
        distribution's quantiles in one step instead of proportion_ci's root search,
        which cost the Patterns page 3 ms a comparison."""
        if not self.tested:
            return None, None
        k, n = self.count, self.count + self.other_count
        tail = (1 - setting("CONFIDENCE")) / 2
        low = 0.0 if k == 0 else float(scipy_stats.beta.ppf(tail, k, n - k + 1))
        high = 1.0 if k == n else float(scipy_stats.beta.ppf(1 - tail, k + 1, n - k))
        return _odds_to_ratio(low, self), _odds_to_ratio(high, self)

    @property
    def low(self) -> float | None:
        return self._interval[0]

    @property
    def high(self) -> float | None:
        """The interval's upper end; inf when it has none."""
        return self._interval[1]

    @property
    def higher(self) -> bool:
        """Beyond chance, and more on the first side."""
        return self.beyond_chance and (self.ratio or 0) > 1

    @property
    def lower(self) -> bool:
        return self.beyond_chance and self.ratio is not None and self.ratio < 1


def _odds_to_ratio(p: float, c: Comparison) -> float:
    """A share of the events on the first side, as a rate ratio."""
    if p >= 1:
        return math.inf
    return p / (1 - p) * c.other_days / c.days


def compare(
    count: int, days: int, other_count: int, other_days: int, minimum_days: int | None = None
) -> Comparison:
    """One comparison, unadjusted: beyond chance when its p-value is under 1 - CONFIDENCE."""
    minimum = setting("INSIGHT_MIN_DAYS") if minimum_days is None else minimum_days
    enough = days >= max(minimum, 1) and other_days >= max(minimum, 1)
    c = Comparison(count, days, other_count, other_days, enough=enough)
    if not c.tested:
        return c
    share = days / (days + other_days)
    p_value = float(scipy_stats.binomtest(count, count + other_count, share).pvalue)
    return replace(c, p_value=p_value, beyond_chance=p_value < 1 - setting("CONFIDENCE"))


def adjust(family: dict[str, Comparison]) -> dict[str, Comparison]:
    """The same comparisons with "beyond chance" decided after the adjustment for
    showing them together (settings ADJUSTMENT: "bh", or "none" for none)."""
    tested = {name: c for name, c in family.items() if c.tested}
    if not tested or setting("ADJUSTMENT") == "none":
        return family
    names = list(tested)
    adjusted = scipy_stats.false_discovery_control([tested[n].p_value for n in names])
    alpha = 1 - setting("CONFIDENCE")
    decided = {name: float(p) < alpha for name, p in zip(names, adjusted, strict=True)}
    return {name: replace(c, beyond_chance=decided.get(name, False)) for name, c in family.items()}
