"""The reminder emails: a subject, a line, a link, why the person got it and how to stop.

Nothing about the person's health goes in: no symptom, region, intensity, medicine,
note or count. The templates get only what is built here, so they cannot reach it.
"""

from __future__ import annotations

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from journal.mail import automatic_headers
from journal.models import Reminder, ReminderKind
from journal.reminders.schedule import TIMER_AFTER_MINUTES
from journal.reminders.site import absolute

_UNSUBSCRIBE_SALT = "journal.reminders.unsubscribe"


def _link(reminder: Reminder, key: str) -> str:
    """Where the reminder's link goes: today's check-in, the running timer's own page
    (to set how long it lasted), or Patterns."""
    if reminder.kind == ReminderKind.TIMER:
        return reverse("episode_timer", args=[int(key)])
    if reminder.kind == ReminderKind.CHECK_IN:
        return reverse("checkin_today")
    return reverse("patterns")


def unsubscribe_token(reminder: Reminder) -> str:
    """A signed token for turning this one reminder off without signing in."""
    return signing.dumps([reminder.pk, reminder.owner_id, reminder.kind], salt=_UNSUBSCRIBE_SALT)


def reminder_for_token(token: str) -> Reminder | None:
    """The reminder a token turns off; None for a forged, damaged or stale token."""
    try:
        pk, owner_id, kind = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return Reminder.objects.filter(pk=pk, owner_id=owner_id, kind=kind).first()


def message(reminder: Reminder, key: str, to: str, connection=None) -> EmailMultiAlternatives:
    """The email for one send of ``reminder`` (``key``: its day, or its episode's id)."""
    unsubscribe = absolute(reverse("reminder_unsubscribe", args=[unsubscribe_token(reminder)]))
    context = {
        "kind": reminder.kind,
        "link": absolute(_link(reminder, key)),
        "settings_link": absolute(reverse("reminders")),
        "unsubscribe": unsubscribe,
        "timer_minutes": TIMER_AFTER_MINUTES,
    }
    subject = render_to_string("emails/reminder_subject.txt", context).strip()
    email = EmailMultiAlternatives(
        subject,
        render_to_string("emails/reminder.txt", context),
        None,
        [to],
        connection=connection,
        headers=automatic_headers(unsubscribe),
    )
    email.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return email
