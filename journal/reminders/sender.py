"""One pass of the reminder sender: find what is due, claim it, send it once.

Any number of senders may run at once, on one machine or several. Each reminder email
is a ReminderSend row, unique per (reminder, key): the row is written (INSERT ... ON
CONFLICT DO NOTHING) by whichever sender first sees the reminder due, and a sender sends
it only after moving it from pending to sending with a conditional UPDATE, which one
sender alone can win for each row (PostgreSQL locks the row; SQLite the whole
database). The SMTP call comes after that claim, so a reminder is sent at most once.

The queries of a pass are a handful per batch of BATCH, whatever the number of
people: the claim and the outcome are one statement each for the whole batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.mail import get_connection
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from journal.models import (
    CheckIn,
    Episode,
    Reminder,
    ReminderKind,
    ReminderSend,
    SendState,
)
from journal.records import undo
from journal.reminders import emails, schedule

logger = logging.getLogger("crampjournal.reminders")

BATCH = 500
# What a failed send is told: the exception's kind only, never an address.
SEND_ERRORS = (smtplib.SMTPException, OSError)


@dataclass
class Pass:
    """What one pass did, for the command's log line and the tests."""

    queued: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    paused: list[int] = field(default_factory=list)


def _zone(reminder: Reminder) -> ZoneInfo:
    return ZoneInfo(reminder.owner.profile.time_zone)


def next_due(reminder: Reminder, after: dt.datetime) -> dt.datetime | None:
    """When a reminder is next due after ``after``; None when off or not on a clock."""
    if not reminder.enabled:
        return None
    return schedule.next_due(reminder.kind, reminder.at, reminder.weekday, _zone(reminder), after)


def _can_send() -> Q:
    """Reminders that may go out: on, not paused, to a confirmed address."""
    return Q(
        enabled=True,
        paused_at__isnull=True,
        owner__is_active=True,
        owner__profile__confirmed_email=F("owner__email"),
    ) & ~Q(owner__email="")


def queue_scheduled(now: dt.datetime) -> tuple[int, int]:
    """Pending sends for up to BATCH check-in and weekly reminders now due, and their
    next due times; (reminders seen, sends queued). One due while the sender was down
    is queued only while it is still that local day (the check-in before midnight);
    earlier ones are skipped."""
    due = list(
        Reminder.objects.filter(_can_send(), next_due_at__lte=now)
        .select_related("owner__profile")
        .order_by("next_due_at", "pk")[:BATCH]
    )
    sends = []
    for reminder in due:
        zone = _zone(reminder)
        day = reminder.next_due_at.astimezone(zone).date()
        if day == now.astimezone(zone).date():
            sends.append(ReminderSend(reminder=reminder, key=day.isoformat(), next_try_at=now))
        reminder.next_due_at = next_due(reminder, now)
    # Two senders may queue the same reminder: the unique (reminder, key) keeps one row.
    ReminderSend.objects.bulk_create(sends, ignore_conflicts=True)
    Reminder.objects.bulk_update(due, ["next_due_at"])
    return len(due), len(sends)


def queue_timers(now: dt.datetime) -> int:
    """Pending sends for up to BATCH timers left running TIMER_AFTER_MINUTES, once per
    episode; the number queued."""
    timer = Reminder.objects.filter(
        _can_send(), kind=ReminderKind.TIMER, owner=OuterRef("owner")
    ).values("pk")[:1]
    running = (
        Episode.objects.filter(
            ongoing=True,
            started_at__lte=now - dt.timedelta(minutes=schedule.TIMER_AFTER_MINUTES),
            started_at__gte=now - dt.timedelta(hours=schedule.TIMER_USEFUL_HOURS),
        )
        .annotate(reminder_id=timer)
        .filter(reminder_id__isnull=False)
        .exclude(
            Exists(
                ReminderSend.objects.filter(
                    reminder_id=OuterRef("reminder_id"),
                    key=Cast(OuterRef("pk"), output_field=CharField()),
                )
            )
        )
        .order_by("pk")
        .values_list("reminder_id", "pk")[:BATCH]
    )
    # The key is the episode's id, as text: the same on both databases.
    sends = [
        ReminderSend(reminder_id=reminder_id, key=str(pk), next_try_at=now)
        for reminder_id, pk in running
    ]
    ReminderSend.objects.bulk_create(sends, ignore_conflicts=True)
    return len(sends)


def _still_useful(sends: list[ReminderSend], now: dt.datetime) -> set[int]:
    """The sends still worth sending: a check-in not yet done on its own local day, a
    weekly note on its day, a timer still running."""
    checkins = [s for s in sends if s.reminder.kind == ReminderKind.CHECK_IN]
    done = set(
        CheckIn.objects.filter(
            owner_id__in={s.reminder.owner_id for s in checkins},
            date__in={dt.date.fromisoformat(s.key) for s in checkins},
        ).values_list("owner_id", "date")
    )
    timers = [s for s in sends if s.reminder.kind == ReminderKind.TIMER]
    running = {
        str(pk)
        for pk in Episode.objects.filter(
            pk__in=[int(s.key) for s in timers], ongoing=True
        ).values_list("pk", flat=True)
    }
    useful = set()
    for send in sends:
        kind = send.reminder.kind
        if kind == ReminderKind.TIMER:
            ok = send.key in running
        else:
            today = now.astimezone(_zone(send.reminder)).date()
            day = dt.date.fromisoformat(send.key)
            ok = day == today and (
                kind != ReminderKind.CHECK_IN or (send.reminder.owner_id, day) not in done
            )
        if ok:
            useful.add(send.pk)
    return useful


def _claim(sends: list[ReminderSend], now: dt.datetime) -> list[ReminderSend]:
    """Take these sends for this sender: one UPDATE moves those still pending to
    "sending" under this pass's own mark, and only the rows bearing the mark are ours
    (a row another sender moved first is not pending any more, so ours cannot take it)."""
    mark = uuid.uuid4().hex
    by_pk = {send.pk: send for send in sends}
    ReminderSend.objects.filter(pk__in=list(by_pk), state=SendState.PENDING).update(
        state=SendState.SENDING, claimed_at=now, claimed_by=mark
    )
    ours = ReminderSend.objects.filter(pk__in=list(by_pk), claimed_by=mark)
    return [by_pk[pk] for pk in sorted(ours.values_list("pk", flat=True))]


def _failed(send: ReminderSend, now: dt.datetime, error: Exception, result: Pass) -> None:
    reminder = send.reminder
    attempts = send.attempts + 1
    failures = reminder.failures + 1
    reason = type(error).__name__
    reminder.failures = failures
    if failures >= schedule.MAX_FAILURES:
        # Paused until the person saves the reminder again; the page says why.
        Reminder.objects.filter(pk=reminder.pk).update(
            failures=failures,
            paused_at=now,
            paused_reason=(
                f"The mail server did not take {failures} reminders in a row "
                f"(last: {reason}), so this reminder is paused."
            )[:200],
        )
        ReminderSend.objects.filter(pk=send.pk).update(state=SendState.FAILED, attempts=attempts)
        result.paused.append(reminder.pk)
    else:
        Reminder.objects.filter(pk=reminder.pk).update(failures=failures)
        ReminderSend.objects.filter(pk=send.pk).update(
            state=SendState.PENDING,
            attempts=attempts,
            next_try_at=schedule.retry_at(now, attempts),
        )
    result.failed += 1
    logger.warning("Reminder %s not sent (%s); attempt %d", send.pk, reason, attempts)


def send_pending(now: dt.datetime, result: Pass, connection) -> int:
    """Send up to BATCH pending sends that are due and still useful; the number seen."""
    pending = list(
        ReminderSend.objects.filter(
            state=SendState.PENDING,
            next_try_at__lte=now,
            reminder__in=Reminder.objects.filter(_can_send()),
        )
        .select_related("reminder__owner__profile")
        .order_by("next_try_at", "pk")[:BATCH]
    )
    useful = _still_useful(pending, now)
    stale = [send.pk for send in pending if send.pk not in useful]
    ReminderSend.objects.filter(pk__in=stale, state=SendState.PENDING).update(
        state=SendState.SKIPPED
    )
    result.skipped += len(stale)
    sent = []
    for send in _claim([send for send in pending if send.pk in useful], now):
        if _send_one(send, connection, now, result):
            sent.append(send)
    # The outcome of the batch in two statements. Should this process die before them,
    # its sends stay "sending" and are given up, not sent twice (tidy).
    ReminderSend.objects.filter(pk__in=[send.pk for send in sent]).update(
        state=SendState.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    Reminder.objects.filter(pk__in={s.reminder_id for s in sent}, failures__gt=0).update(failures=0)
    result.sent += len(sent)
    return len(pending)


def _send_one(send: ReminderSend, connection, now: dt.datetime, result: Pass) -> bool:
    reminder = send.reminder
    try:
        emails.message(reminder, send.key, reminder.owner.email, connection).send()
    except SEND_ERRORS as error:
        _close(connection)
        _failed(send, now, error, result)
        return False
    return True


def _close(connection) -> None:
    # A connection that already broke cannot be closed politely.
    with contextlib.suppress(*SEND_ERRORS):
        connection.close()


def tidy(now: dt.datetime) -> None:
    """Give up sends claimed by a sender that stopped before saying how it went (the
    mail may have gone, so they are not sent again), and forget old sends: a row is
    needed only while its day or its timer could come round again."""
    cutoff = now - dt.timedelta(minutes=schedule.CLAIM_EXPIRY_MINUTES)
    ReminderSend.objects.filter(state=SendState.SENDING, claimed_at__lt=cutoff).update(
        state=SendState.FAILED
    )
    ReminderSend.objects.filter(
        created_at__lt=now - dt.timedelta(days=schedule.KEEP_SENDS_DAYS)
    ).delete()
    # Deleted journal rows kept for Undo: erased here too once their window is over, so
    # none stays long on a server where nobody deletes anything for a while.
    undo.purge(now)


def run_pass(now: dt.datetime | None = None) -> Pass:
    """Queue what is due, then send what is pending; a failed send never stops it."""
    now = now or timezone.now()
    result = Pass()
    tidy(now)
    # In batches, so memory stays flat however many are due; each loop ends because
    # what it handled is no longer due (next_due_at moved on, a send row exists, a send
    # is no longer pending or waits for its retry).
    while True:
        seen, queued = queue_scheduled(now)
        result.queued += queued
        if seen < BATCH:
            break
    while (queued := queue_timers(now)) > 0:
        result.queued += queued
    # One SMTP connection for the pass; opened again after a failure broke it.
    connection = get_connection()
    try:
        while send_pending(now, result, connection) >= BATCH:
            pass
    finally:
        _close(connection)
    return result
