"""When a reminder is due: a local time of day in the person's zone, as a UTC instant.

Pure functions over dates and zones, so the DST days are tested without a database.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import dateformat

from journal.formatting import DAY_MONTH

# A check-in reminder after a sender was down is still worth sending until the person's
# local midnight; a weekly one on its own local day. A timer reminder goes once the
# timer has run TIMER_AFTER_MINUTES, and not for a timer started more than
# TIMER_USEFUL_HOURS ago (one left running for days is not news at 3 a.m.).
TIMER_AFTER_MINUTES = 30
TIMER_USEFUL_HOURS = 24
# Failed sends are tried again after 1, 2, 4, 8 minutes; the fifth failure in a row
# pauses the reminder until the person saves it again.
MAX_FAILURES = 5
FIRST_RETRY_MINUTES = 1
# A send claimed by a sender that then stopped (killed mid-send) is given up after
# this long rather than tried again: the mail may have gone, and "at most once" wins.
CLAIM_EXPIRY_MINUTES = 15
# Sent and skipped sends are kept this long (what was sent, for a question from the
# person), then deleted; a day's or a timer's send can no longer come round by then.
KEEP_SENDS_DAYS = 30

MINUTE = dt.timedelta(minutes=1)


def _exists(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether a local wall time happens at all (not in a spring-forward gap)."""
    there_and_back = wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == wall


def occurrence(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of local ``at`` on local ``day``.

    A time the clocks skip (01:30 on the spring-forward day in London) goes at the next
    minute that exists (02:00 BST); a time that happens twice (01:30 on the fall-back
    day) goes at the first, and once, since a reminder is sent once per local day.
    """
    wall = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
    while not _exists(wall, zone):
        wall += MINUTE
    return wall.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def next_daily(at: dt.time, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """The first occurrence of local ``at`` later than ``after``."""
    day = after.astimezone(zone).date() - dt.timedelta(days=1)
    while (due := occurrence(day, at, zone)) <= after:
        day += dt.timedelta(days=1)
    return due


def next_weekly(weekday: int, at: dt.time, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """The first occurrence of local ``at`` on ``weekday`` (0 Monday) later than ``after``."""
    day = after.astimezone(zone).date() - dt.timedelta(days=1)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while (due := occurrence(day, at, zone)) <= after:
        day += dt.timedelta(days=7)
    return due


def retry_at(now: dt.datetime, attempts: int) -> dt.datetime:
    """When to try again after ``attempts`` failures: 1, 2, 4, 8 minutes."""
    return now + FIRST_RETRY_MINUTES * MINUTE * 2 ** (attempts - 1)


def next_due(
    kind: str, at: dt.time | None, weekday: int | None, zone: ZoneInfo, after: dt.datetime
) -> dt.datetime | None:
    """When a reminder of ``kind`` is next due after ``after``: daily for the check-in,
    weekly for the weekly note; None for the timer (due per episode, not on a clock)."""
    if at is None:
        return None
    if kind == "check_in":
        return next_daily(at, zone, after)
    if kind == "weekly" and weekday is not None:
        return next_weekly(weekday, at, zone, after)
    return None


def in_words(due: dt.datetime, zone: ZoneInfo, now: dt.datetime) -> str:
    """When ``due`` is, as the person reads it at ``now`` in their zone: "today at 20:00",
    "tomorrow at 07:15", "on Sunday 13 December at 18:00". Today and tomorrow are the
    person's own days, not UTC's."""
    local = due.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    at = f"{local:%H:%M}"
    if days == 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    return f"on {dateformat.format(local.date(), 'l ' + DAY_MONTH)} at {at}"
