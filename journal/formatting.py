"""One way to write each kind of value, for every page, the report, the PDF, the CSV
documentation and the flags.

A duration reads the same on an episode's page, on Patterns, in the flags and in the
report; an intensity is always "7/10"; a fluid amount is in the person's unit; dates
and times use the formats below (the template filters in journal_tags apply the same
ones, so Python text and templates agree).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone

from journal.models import INTENSITY_MAX
from journal.units import from_ml

NOT_RECORDED = "not recorded"

# Django date format strings (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
DATE = "j M Y"  # 3 Mar 2026
LONG_DATE = "j F Y"  # 3 March 2026
DAY_MONTH = "j F"  # 3 March, where the year goes without saying
DATETIME = "D j M Y, H:i"  # Tue 3 Mar 2026, 03:12


def duration(seconds: float | dt.timedelta | None) -> str:
    """Seconds as "45 s", "2 min 13 s", "10 min" or "1 h 05 min"."""
    if seconds is None:
        return NOT_RECORDED
    if isinstance(seconds, dt.timedelta):
        seconds = seconds.total_seconds()
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def intensity(value: float | None, digits: int = 0) -> str:
    """An intensity on the 0-10 scale: "7/10", or "6.5/10" for an average."""
    if value is None:
        return NOT_RECORDED
    return f"{value:.{digits}f}/{INTENSITY_MAX}"


def fluid(ml: int | None, unit: str) -> str:
    """Millilitres in the person's unit: "800 ml", "1.5 l" or "27.1 fl oz"."""
    if ml is None:
        return NOT_RECORDED
    if unit == "floz":
        return f"{from_ml(ml, unit)} fl oz"
    if ml >= 1000:
        litres = (Decimal(ml) / 1000).quantize(Decimal("0.01")).normalize()
        return f"{litres:f} l"
    return f"{ml} ml"


def local_date(day: dt.date | dt.datetime, fmt: str = DATE) -> str:
    """A day, e.g. "3 Mar 2026"; an aware datetime is first taken to the active zone."""
    if isinstance(day, dt.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return dateformat.format(day, fmt)


def local_datetime(moment: dt.datetime) -> str:
    """A moment in the active zone (the person's), e.g. "Tue 3 Mar 2026, 03:12"."""
    return dateformat.format(timezone.localtime(moment), DATETIME)


def hour_span(hours: tuple[int, ...]) -> str:
    """A run of clock hours as a span: (22, 23, 0, ..., 5) is "22:00–06:00"."""
    return f"{hours[0]:02d}:00–{(hours[-1] + 1) % 24:02d}:00"


def ratio(value: float) -> str:
    """A ratio ("times as many") or a rate ("cramps a day"), rounded once from the exact
    value: one decimal from 1 up ("3.8" for 3.848), at most two significant figures
    under 1 ("0.45", "0.067", "0.1"), so a small rate never reads "0.0".

    Every sentence, table, tooltip and report line passes the unrounded value here; a
    value rounded before (3.848 to 3.85) would round again to "3.9" and contradict the
    sentence beside it. Halves round up, as people round by hand and a clinician checks:
    2.25 is "2.3" and 0.125 is "0.13", where Python's round() and format() round half
    to even on the binary value ("2.2", "0.12"). The decimal rounded is the float's
    shortest repr (what a calculator shows), not its binary expansion: 1.95, stored as
    1.9499..., is the half it is written as and reads "2.0" (format() says "1.9");
    0.95 keeps its two figures, "0.95", and 0.995 reads "1.0".
    """
    if not math.isfinite(value):
        raise ValueError(f"{value} has no number to show; the caller says it in words")
    exact = Decimal(repr(value))
    if exact == 0:
        return "0"
    if abs(exact) < 1:
        # Two significant figures: the step is one below the first figure's place.
        shown = exact.quantize(Decimal(1).scaleb(exact.adjusted() - 1), ROUND_HALF_UP)
        if abs(shown) < 1:
            return f"{shown.normalize():f}"  # "0.1", not "0.10", as format(.2g) wrote it
        # 0.995 rounds up to 1.0: from there on it is the one-decimal form.
    return f"{exact.quantize(Decimal('0.1'), ROUND_HALF_UP):f}"
