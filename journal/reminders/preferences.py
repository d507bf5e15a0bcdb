"""What a person chose on the Reminders page, kept as one Reminder row per kind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from journal.models import CheckIn, Reminder, ReminderKind
from journal.reminders import schedule
from journal.reminders.sender import next_due

# What the page offers before a person has chosen: all off (no email unasked for), at
# an evening hour for the check-in and a Sunday evening for the week.
DEFAULT_CHECK_IN_AT = dt.time(20, 0)
DEFAULT_WEEKLY_DAY = 6
DEFAULT_WEEKLY_AT = dt.time(18, 0)


def reminders_of(user: AbstractBaseUser) -> dict[str, Reminder]:
    """The person's reminder of each kind, unsaved defaults where there is none yet."""
    saved = {r.kind: r for r in Reminder.objects.filter(owner=user)}
    defaults = {
        ReminderKind.CHECK_IN: {"at": DEFAULT_CHECK_IN_AT},
        ReminderKind.TIMER: {},
        ReminderKind.WEEKLY: {"at": DEFAULT_WEEKLY_AT, "weekday": DEFAULT_WEEKLY_DAY},
    }
    return {
        kind: saved.get(kind) or Reminder(owner=user, kind=kind, **values)
        for kind, values in defaults.items()
    }


def save(user: AbstractBaseUser, chosen: dict[str, dict], now: dt.datetime | None = None) -> None:
    """Save each kind's choice (``enabled``, ``at``, ``weekday``). Saving clears a pause
    and the failures that caused it: the person has seen why and chosen again."""
    now = now or timezone.now()
    with transaction.atomic():
        for kind, values in chosen.items():
            reminder, _ = Reminder.objects.select_for_update().get_or_create(owner=user, kind=kind)
            for name, value in values.items():
                setattr(reminder, name, value)
            reminder.failures = 0
            reminder.paused_at = None
            reminder.paused_reason = ""
            reminder.next_due_at = next_due(reminder, now)
            reminder.save()


def upcoming(
    user: AbstractBaseUser, reminders: dict[str, Reminder], zone: ZoneInfo, now: dt.datetime
) -> dict[str, str]:
    """When each reminder that is on and on a clock next goes, in words (schedule.in_words)
    from ``now`` in the person's zone: a time already past today is tomorrow's. Worked out
    from the schedule rather than read from next_due_at, which the sender moves on only
    at its next pass."""
    found = {}
    for kind, reminder in reminders.items():
        if not reminder.enabled or reminder.paused_at is not None:
            continue
        due = schedule.next_due(kind, reminder.at, reminder.weekday, zone, now)
        if due is None:
            continue
        if kind == ReminderKind.CHECK_IN and _checked_in(user, due.astimezone(zone).date()):
            # No reminder for a day already checked in (the sender skips it).
            due = schedule.next_daily(reminder.at, zone, due)
        found[kind] = schedule.in_words(due, zone, now)
    return found


def _checked_in(user: AbstractBaseUser, day: dt.date) -> bool:
    return CheckIn.objects.filter(owner=user, date=day).exists()


def turn_off(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(enabled=False, next_due_at=None)


def reschedule(user: AbstractBaseUser, now: dt.datetime | None = None) -> None:
    """New due times after the person's time zone changed."""
    now = now or timezone.now()
    for reminder in Reminder.objects.filter(owner=user).select_related("owner__profile"):
        Reminder.objects.filter(pk=reminder.pk).update(next_due_at=next_due(reminder, now))
