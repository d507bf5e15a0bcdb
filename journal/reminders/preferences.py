"""What a person chose on the Reminders page, kept as one Reminder row per kind."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from journal.models import Reminder, ReminderKind
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


def turn_off(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(enabled=False, next_due_at=None)


def reschedule(user: AbstractBaseUser, now: dt.datetime | None = None) -> None:
    """New due times after the person's time zone changed."""
    now = now or timezone.now()
    for reminder in Reminder.objects.filter(owner=user).select_related("owner__profile"):
        Reminder.objects.filter(pk=reminder.pk).update(next_due_at=next_due(reminder, now))
