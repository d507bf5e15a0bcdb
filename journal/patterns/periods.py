"""The ranges a person can look at (the Patterns page, the report, a share link) and the
period of local days each one names."""

from __future__ import annotations

import datetime as dt

from journal.patterns.stats import Period

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
