"""Reminder emails: due at the person's own time, sent once, over real SMTP (aiosmtpd),
with nothing about their health in them, and stopped with one click."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import socket
import threading
from collections.abc import Iterator
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from journal.models import Episode, Profile, Reminder, ReminderKind, ReminderSend, SendState
from journal.reminders import emails, preferences, schedule, sender
from tests.test_identity import HEALTH_WORDS

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _local(zone: ZoneInfo, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def _confirm(user, zone: ZoneInfo = LONDON) -> None:
    Profile.objects.filter(user=user).update(confirmed_email=user.email, time_zone=zone.key)
    user.refresh_from_db()


def _check_in_at(user, at: dt.time, now: dt.datetime, zone: ZoneInfo = LONDON) -> Reminder:
    _confirm(user, zone)
    preferences.save(user, {ReminderKind.CHECK_IN: {"enabled": True, "at": at}}, now)
    return Reminder.objects.get(owner=user, kind=ReminderKind.CHECK_IN)


# When: the DST days ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # London springs forward at 01:00 GMT: 01:30 does not happen, 02:00 BST does.
        (LONDON, dt.date(2026, 3, 29), dt.time(1, 30), _utc(2026, 3, 29, 1, 0)),
        # ... and falls back at 02:00 BST: 01:30 happens twice; the first is taken.
        (LONDON, dt.date(2026, 10, 25), dt.time(1, 30), _utc(2026, 10, 25, 0, 30)),
        (LONDON, dt.date(2026, 7, 1), dt.time(20, 0), _utc(2026, 7, 1, 19, 0)),
        (NEW_YORK, dt.date(2026, 3, 8), dt.time(2, 15), _utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, dt.date(2026, 11, 1), dt.time(1, 30), _utc(2026, 11, 1, 5, 30)),
    ],
)
def test_a_local_time_on_the_dst_days(zone, day, at, expected):
    assert schedule.occurrence(day, at, zone) == expected


def test_a_daily_time_steps_over_the_clock_change():
    before = _local(LONDON, 2026, 3, 28, 21, 0)
    first = schedule.next_daily(dt.time(20, 0), LONDON, before)
    second = schedule.next_daily(dt.time(20, 0), LONDON, first)
    assert first.astimezone(LONDON) == _local(LONDON, 2026, 3, 29, 20, 0)
    assert second - first == dt.timedelta(days=1)
    assert second.astimezone(LONDON).hour == 20


def test_a_weekly_time_is_on_its_weekday():
    wednesday = _local(LONDON, 2026, 12, 2, 9, 0)
    due = schedule.next_weekly(6, dt.time(18, 0), LONDON, wednesday)
    assert due.astimezone(LONDON) == _local(LONDON, 2026, 12, 6, 18, 0)
    assert schedule.next_weekly(2, dt.time(8, 0), LONDON, wednesday).astimezone(LONDON) == _local(
        LONDON, 2026, 12, 9, 8, 0
    )


# Sent once, at the person's time, over SMTP -----------------------------------------


def test_a_check_in_reminder_goes_at_the_local_time_once_with_its_headers(user, smtp_server):
    now = _local(LONDON, 2026, 12, 3, 12, 0)
    _check_in_at(user, dt.time(20, 0), now)
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 19, 59)).sent == 0
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 20, 0)).sent == 1
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 20, 1)).sent == 0
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 23, 0)).sent == 0
    [message] = smtp_server.parsed
    assert message["To"] == user.email
    assert message["Subject"] == "Your CrampJournal check-in for today"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://localhost:8000/reminders/stop/[^>]+/>", message["List-Unsubscribe"].strip()
    )
    assert message["Message-ID"] and message["Date"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "http://localhost:8000/checkins/today/" in text and "checkins/today/" in html
    assert "you turned on the daily check-in reminder" in text
    # The next evening it is due again.
    assert sender.run_pass(_local(LONDON, 2026, 12, 4, 20, 0)).sent == 1


def test_no_reminder_when_the_check_in_is_done(user, make_checkin, smtp_server):
    _check_in_at(user, dt.time(20, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    make_checkin(user, date=dt.date(2026, 12, 3))
    result = sender.run_pass(_local(LONDON, 2026, 12, 3, 20, 0))
    assert (result.sent, result.skipped) == (0, 1)
    assert smtp_server.parsed == []


@pytest.mark.parametrize(
    ("zone", "day", "at", "silent_until", "sent_at", "again"),
    [
        # Spring forward: 01:30 London does not exist; it goes at 02:00 BST.
        (
            LONDON,
            dt.date(2026, 3, 29),
            dt.time(1, 30),
            _utc(2026, 3, 29, 0, 59),
            _utc(2026, 3, 29, 1, 0),
            _utc(2026, 3, 29, 1, 30),
        ),
        # Fall back: 01:30 London happens twice; one email, at the first.
        (
            LONDON,
            dt.date(2026, 10, 25),
            dt.time(1, 30),
            _utc(2026, 10, 25, 0, 29),
            _utc(2026, 10, 25, 0, 30),
            _utc(2026, 10, 25, 1, 30),
        ),
        (
            NEW_YORK,
            dt.date(2026, 3, 8),
            dt.time(2, 30),
            _utc(2026, 3, 8, 6, 59),
            _utc(2026, 3, 8, 7, 0),
            _utc(2026, 3, 8, 7, 30),
        ),
        (
            NEW_YORK,
            dt.date(2026, 11, 1),
            dt.time(1, 30),
            _utc(2026, 11, 1, 5, 29),
            _utc(2026, 11, 1, 5, 30),
            _utc(2026, 11, 1, 6, 30),
        ),
    ],
)
def test_on_the_dst_days_it_goes_once(
    user, smtp_server, zone, day, at, silent_until, sent_at, again
):
    _check_in_at(user, at, _utc(2026, 1, 1) if day.month < 6 else _utc(2026, 9, 1), zone)
    reminder = Reminder.objects.get(owner=user)
    # Jump to the day before (as if it had been sent each day since).
    reminder.next_due_at = schedule.next_daily(at, zone, silent_until - dt.timedelta(hours=12))
    reminder.save()
    assert sender.run_pass(silent_until).sent == 0
    assert sender.run_pass(sent_at).sent == 1
    assert sender.run_pass(again).sent == 0
    assert len(smtp_server.parsed) == 1
    assert ReminderSend.objects.get().key == day.isoformat()


def test_a_sender_that_was_down_sends_todays_check_in_and_skips_yesterdays(user, smtp_server):
    _check_in_at(user, dt.time(20, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    # Down from 19:30 to 23:30: still today, so it goes.
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 23, 30)).sent == 1
    # Down all of the next evening until the morning after: yesterday's is not sent.
    assert sender.run_pass(_local(LONDON, 2026, 12, 5, 8, 0)).sent == 0
    due = Reminder.objects.get(owner=user).next_due_at
    assert due.astimezone(LONDON) == _local(LONDON, 2026, 12, 5, 20, 0)
    assert len(smtp_server.parsed) == 1


def test_an_unconfirmed_address_gets_nothing_and_a_changed_one_is_unconfirmed(
    user, alice_client, smtp_server
):
    _check_in_at(user, dt.time(20, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    Profile.objects.filter(user=user).update(confirmed_email="")
    assert sender.run_pass(_local(LONDON, 2026, 12, 3, 20, 0)).queued == 0
    assert smtp_server.parsed == []


def test_a_timer_reminder_goes_once_per_episode_after_thirty_minutes(
    user, make_episode, smtp_server
):
    now = _utc(2026, 12, 3, 3, 0)
    _confirm(user)
    preferences.save(user, {ReminderKind.TIMER: {"enabled": True}}, now)
    running = make_episode(
        user, started_at=now - dt.timedelta(minutes=31), ongoing=True, duration_seconds=None
    )
    make_episode(  # too soon
        user, started_at=now - dt.timedelta(minutes=29), ongoing=True, duration_seconds=None
    )
    make_episode(user, started_at=now - dt.timedelta(minutes=45))  # stopped
    assert sender.run_pass(now).sent == 1
    assert sender.run_pass(now + dt.timedelta(minutes=5)).sent == 1  # the second, now 34 min
    assert sender.run_pass(now + dt.timedelta(minutes=10)).sent == 0
    assert {s.key for s in ReminderSend.objects.all()} == {
        str(running.pk),
        str(Episode.objects.exclude(pk=running.pk).get(ongoing=True).pk),
    }
    message = smtp_server.parsed[0]
    assert message["Subject"] == "A CrampJournal timer is still running"
    text = message.get_body(("plain",)).get_content()
    assert "30 minutes or more ago" in text
    assert f"http://localhost:8000/episodes/{running.pk}/timer/" in text


def test_a_weekly_note_goes_on_its_day(user, smtp_server):
    _confirm(user)
    chosen = {"enabled": True, "at": dt.time(18, 0), "weekday": 6}
    preferences.save(user, {ReminderKind.WEEKLY: chosen}, _local(LONDON, 2026, 12, 2, 9, 0))
    assert sender.run_pass(_local(LONDON, 2026, 12, 5, 18, 0)).sent == 0  # Saturday
    assert sender.run_pass(_local(LONDON, 2026, 12, 6, 18, 0)).sent == 1  # Sunday
    [message] = smtp_server.parsed
    assert "http://localhost:8000/patterns/" in message.get_body(("plain",)).get_content()


def test_no_reminder_holds_anything_of_the_journal(
    user, make_full_episode, make_checkin, smtp_server
):
    now = _local(LONDON, 2026, 12, 3, 20, 0)
    _confirm(user)
    preferences.save(
        user,
        {
            ReminderKind.CHECK_IN: {"enabled": True, "at": dt.time(20, 0)},
            ReminderKind.TIMER: {"enabled": True},
            ReminderKind.WEEKLY: {"enabled": True, "at": dt.time(20, 0), "weekday": 3},
        },
        now - dt.timedelta(hours=1),
    )
    make_full_episode(user, now - dt.timedelta(hours=2), exercise_type="Swimming")
    make_full_episode(
        user,
        now - dt.timedelta(minutes=40),
        ongoing=True,
        duration_seconds=None,
        exercise_type="Swimming",
    )
    assert sender.run_pass(now).sent == 3
    for raw in smtp_server.raw:
        # The words a reader sees; the links' paths (/episodes/7/timer/) are no news.
        words = re.sub(r"https?://\S+", "", raw.lower())
        for secret in ["magnesium", "hamstring", "numb", "calves", "woke at", "7/10", "swimming"]:
            assert secret not in words, secret
        for word in HEALTH_WORDS:
            assert word not in words, word


# Stopping with one click ---------------------------------------------------------------


def _token(user) -> tuple[Reminder, str]:
    reminder = _check_in_at(user, dt.time(20, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    return reminder, emails.unsubscribe_token(reminder)


def test_one_click_unsubscribe_works_without_cookies(user):
    reminder, token = _token(user)
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no CSRF token
    response = client.post(
        reverse("reminder_unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "reminder is off" in response.content.decode()
    reminder.refresh_from_db()
    assert not reminder.enabled and reminder.next_due_at is None


def test_opening_the_unsubscribe_link_changes_nothing(user):
    reminder, token = _token(user)
    response = Client().get(reverse("reminder_unsubscribe", args=[token]))
    assert response.status_code == HTTPStatus.OK
    assert "Stop these reminders</button>" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.enabled


def test_a_forged_or_damaged_token_does_nothing(user, other_user):
    reminder, token = _token(user)
    bob = _check_in_at(other_user, dt.time(7, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    signed_elsewhere = signing.dumps(
        [reminder.pk, user.pk, reminder.kind],
        key="not-this-site's-key",
        salt=emails._UNSUBSCRIBE_SALT,
    )
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "not-a-token",
        signed_elsewhere,
        # Alice's reminder named in Bob's token: the signature no longer matches.
        emails.unsubscribe_token(bob).split(":", 1)[0] + ":" + token.split(":", 1)[1],
    ]
    for value in forged:
        response = Client().post(reverse("reminder_unsubscribe", args=[value]))
        assert response.status_code == HTTPStatus.NOT_FOUND
    reminder.refresh_from_db()
    assert reminder.enabled
    # Bob's own token stops Bob's reminder only.
    Client().post(reverse("reminder_unsubscribe", args=[emails.unsubscribe_token(bob)]))
    reminder.refresh_from_db()
    bob.refresh_from_db()
    assert reminder.enabled and not bob.enabled


def test_the_links_in_emails_leave_no_token_in_the_logs(user, caplog, settings):
    settings.EMAIL_ENABLED = True
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.force_login(user)
    client.post(reverse("resend_confirmation"))
    link = _link(mail.outbox[-1])
    _, token = _token(user)
    Client().post(reverse("reminder_unsubscribe", args=[token + "x"]))  # damaged: 404
    Client().get(link + "x/")  # mistyped: 404
    Client(enforce_csrf_checks=True).post(link)  # no CSRF cookie: refused and logged
    confirm_token = link.rstrip("/").rsplit("/", 1)[1]
    assert "Not Found: /reminders/stop/<token>/" in caplog.text
    assert "Not Found: /accounts/confirm-email/<token>/x/" in caplog.text
    assert "Forbidden (CSRF cookie not set.): /accounts/confirm-email/<token>/" in caplog.text
    assert token[:20] not in caplog.text
    assert confirm_token[:20] not in caplog.text


# A mail server that fails ----------------------------------------------------------------


@contextlib.contextmanager
def _bad_server(behaviour: str) -> Iterator[int]:
    """A TCP server on loopback that drops each connection at once, or never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            if behaviour == "drop":
                conn.close()
            else:
                held.append(conn)  # silent: the client waits for a greeting

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_a_refusing_server_neither_stops_the_pass_nor_loses_the_reminder(
    user, other_user, smtp_server
):
    now = _local(LONDON, 2026, 12, 3, 20, 0)
    _check_in_at(user, dt.time(20, 0), now - dt.timedelta(hours=1))
    _check_in_at(other_user, dt.time(20, 0), now - dt.timedelta(hours=1))
    smtp_server.reply = "554 5.7.1 Refused"
    result = sender.run_pass(now)
    assert (result.sent, result.failed) == (0, 2)
    # Tried again after a minute, once the server takes mail again.
    smtp_server.reply = "250 OK"
    assert sender.run_pass(now + dt.timedelta(seconds=30)).sent == 0
    assert sender.run_pass(now + dt.timedelta(minutes=1)).sent == 2
    assert sorted(m["To"] for m in smtp_server.parsed) == sorted([user.email, other_user.email])
    assert Reminder.objects.filter(failures=0).count() == 2


@pytest.mark.parametrize("behaviour", ["drop", "silent"])
def test_a_server_that_drops_or_times_out_does_not_stop_the_pass(
    user, other_user, settings, behaviour
):
    now = _local(LONDON, 2026, 12, 3, 20, 0)
    _check_in_at(user, dt.time(20, 0), now - dt.timedelta(hours=1))
    _check_in_at(other_user, dt.time(20, 0), now - dt.timedelta(hours=1))
    with _bad_server(behaviour) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        settings.EMAIL_TIMEOUT = 1
        result = sender.run_pass(now)
    assert (result.sent, result.failed) == (0, 2)
    assert ReminderSend.objects.filter(state=SendState.PENDING, attempts=1).count() == 2


def test_five_failures_in_a_row_pause_the_reminder_and_the_page_says_why(
    user, alice_client, smtp_server
):
    now = _local(LONDON, 2026, 12, 3, 20, 0)
    _check_in_at(user, dt.time(20, 0), now - dt.timedelta(hours=1))
    smtp_server.reply = "554 5.7.1 Refused"
    for minutes in (0, 1, 3, 7, 15):
        assert sender.run_pass(now + dt.timedelta(minutes=minutes)).failed == 1
    reminder = Reminder.objects.get(owner=user)
    assert reminder.paused_at is not None and reminder.failures == 5
    assert sender.run_pass(now + dt.timedelta(minutes=40)).failed == 0  # paused: not tried
    page = alice_client.get(reverse("reminders")).content.decode()
    assert "did not take 5 reminders in a row" in page
    # Saving the page turns it on again.
    alice_client.post(reverse("reminders"), {"check_in_on": "on", "check_in_at": "20:00"})
    reminder.refresh_from_db()
    assert reminder.paused_at is None and reminder.failures == 0


# The Reminders page and the address ------------------------------------------------------


def test_the_reminders_page_saves_each_reminder_in_the_persons_zone(user, alice_client):
    Profile.objects.filter(user=user).update(time_zone="America/New_York")
    with time_machine.travel(_utc(2026, 12, 3, 12, 0), tick=False):
        response = alice_client.post(
            reverse("reminders"),
            {"check_in_on": "on", "check_in_at": "21:30", "weekly_day": "6", "weekly_at": "18:00"},
        )
    assert response.url == reverse("reminders")
    check_in = Reminder.objects.get(owner=user, kind=ReminderKind.CHECK_IN)
    assert check_in.enabled and check_in.next_due_at == _utc(2026, 12, 4, 2, 30)
    weekly = Reminder.objects.get(owner=user, kind=ReminderKind.WEEKLY)
    assert not weekly.enabled and weekly.next_due_at is None


def test_a_wrong_time_is_shown_next_to_its_field_and_kept(user, alice_client):
    response = alice_client.post(
        reverse("reminders"), {"check_in_on": "on", "check_in_at": "25:99", "weekly_on": "on"}
    )
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.errors["check_in_at"] == ["Enter a time such as 20:00."]
    assert form.errors["weekly_at"] == ["Choose a time for this reminder."]
    assert 'value="25:99"' in response.content.decode()
    assert not Reminder.objects.exists()


def _next_line(client: Client) -> str:
    """What the Reminders page says under the check-in reminder's time."""
    page = client.get(reverse("reminders")).content.decode()
    found = re.search(r"The next reminder comes [^<.]+\.", page)
    return found.group(0) if found else ""


def _set_check_in(client: Client, at: str, now: dt.datetime) -> str:
    """Turn the check-in reminder on at ``at`` at ``now``; what the page then says."""
    with time_machine.travel(now, tick=False):
        response = client.post(reverse("reminders"), {"check_in_on": "on", "check_in_at": at})
        assert response.url == reverse("reminders")
        return _next_line(client)


@pytest.mark.parametrize(
    ("zone", "now", "at", "said"),
    [
        # 10:00 in London: 07:15 has gone today, so the first one is tomorrow's.
        (LONDON, _local(LONDON, 2026, 12, 3, 10, 0), "07:15", "tomorrow at 07:15"),
        (LONDON, _local(LONDON, 2026, 12, 3, 10, 0), "20:00", "today at 20:00"),
        # 23:30 UTC is 08:30 the next morning in Tokyo: 08:00 there has gone, 09:00 not.
        (ZoneInfo("Asia/Tokyo"), _utc(2026, 12, 3, 23, 30), "08:00", "tomorrow at 08:00"),
        (ZoneInfo("Asia/Tokyo"), _utc(2026, 12, 3, 23, 30), "09:00", "today at 09:00"),
        # 20:30 in New York is 01:30 UTC on the next day: 21:00 is still today there.
        (NEW_YORK, _utc(2026, 12, 4, 1, 30), "21:00", "today at 21:00"),
        # The spring-forward day in London: at 00:30 GMT, 01:30 does not happen today and
        # the reminder goes at the first minute that does.
        (LONDON, _local(LONDON, 2026, 3, 29, 0, 30), "01:30", "today at 02:00"),
        # The fall-back day: 01:30 comes twice; at 01:45 BST the first has gone, and a
        # reminder goes once a day, so the next is tomorrow's.
        (LONDON, _utc(2026, 10, 25, 0, 45), "01:30", "tomorrow at 01:30"),
    ],
)
def test_the_page_says_when_the_first_reminder_comes(user, alice_client, zone, now, at, said):
    _confirm(user, zone)
    assert _set_check_in(alice_client, at, now) == f"The next reminder comes {said}."


def test_a_day_already_checked_in_gets_no_reminder_and_the_page_says_tomorrow(
    user, alice_client, make_checkin
):
    _confirm(user, LONDON)
    make_checkin(user, date=dt.date(2026, 12, 3))
    now = _local(LONDON, 2026, 12, 3, 10, 0)
    assert _set_check_in(alice_client, "20:00", now) == "The next reminder comes tomorrow at 20:00."
    with time_machine.travel(now, tick=False):
        alice_client.post(
            reverse("reminders"), {"weekly_on": "on", "weekly_day": "6", "weekly_at": "18:00"}
        )
        page = alice_client.get(reverse("reminders")).content.decode()
    # Thursday 3 December: the weekly note comes on Sunday; the check-in is off now.
    assert "The next reminder comes on Sunday 6 December at 18:00." in page
    assert page.count("The next reminder comes") == 1


def test_no_next_reminder_is_promised_to_an_unconfirmed_address(user, alice_client):
    assert _set_check_in(alice_client, "20:00", _local(LONDON, 2026, 12, 3, 10, 0)) == ""


def test_a_new_time_zone_moves_the_reminders(user, alice_client):
    _check_in_at(user, dt.time(20, 0), _utc(2026, 12, 3, 12, 0))
    with time_machine.travel(_utc(2026, 12, 3, 12, 0), tick=False):
        alice_client.post(
            reverse("profile"),
            {"time_zone": "Asia/Tokyo", "fluid_unit": "ml", "colour_mode": "system"},
        )
    due = Reminder.objects.get(owner=user).next_due_at
    assert due == _utc(2026, 12, 3, 11, 0) + dt.timedelta(days=1)


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def test_confirming_the_address_takes_the_button_and_works_once(user, alice_client, settings):
    settings.EMAIL_ENABLED = True
    page = alice_client.get(reverse("reminders")).content.decode()
    assert 'data-address="unconfirmed"' in page
    assert alice_client.post(reverse("resend_confirmation")).url == reverse("reminders")
    link = _link(mail.outbox[-1])
    # Opening the link (a mail scanner would) confirms nothing.
    assert "Confirm my address</button>" in Client().get(link).content.decode()
    assert Profile.objects.get(user=user).confirmed_email == ""
    assert "your address is confirmed" in Client().post(link).content.decode()
    assert Profile.objects.get(user=user).confirmed_email == user.email
    assert 'data-address="confirmed"' in alice_client.get(reverse("reminders")).content.decode()
    # Used: the same link does nothing more.
    assert "used already" in Client().post(link).content.decode()


def test_the_confirmation_email_says_it_is_automatic(user, alice_client, smtp_server):
    # Over SMTP, as a mail server receives it: no out-of-office reply comes back to it.
    alice_client.post(reverse("resend_confirmation"))
    [message] = smtp_server.parsed
    assert message["To"] == user.email
    assert message["Auto-Submitted"] == "auto-generated"
    # A one-off message, not a list: nothing to unsubscribe from.
    assert message["List-Unsubscribe"] is None
    assert "/accounts/confirm-email/" in message.get_content()


def test_a_confirmation_link_expires_and_a_forged_one_is_refused(user, alice_client, settings):
    settings.EMAIL_ENABLED = True
    with time_machine.travel(_utc(2026, 12, 1, 12, 0), tick=False):
        alice_client.post(reverse("resend_confirmation"))
    link = _link(mail.outbox[-1])
    with time_machine.travel(_utc(2026, 12, 4, 13, 0), tick=False):
        assert "expired" in Client().post(link).content.decode()
    assert "not valid" in Client().post(link[:-3] + "x/").content.decode()
    assert Profile.objects.get(user=user).confirmed_email == ""


def test_resending_the_link_is_rate_limited(user, alice_client, settings):
    settings.EMAIL_ENABLED = True
    for _ in range(3):
        assert alice_client.post(reverse("resend_confirmation")).status_code == HTTPStatus.FOUND
    assert alice_client.post(reverse("resend_confirmation")).status_code == 429
    assert len(mail.outbox) == 3


def test_changing_the_address_asks_who_it_is_unconfirms_and_sends_a_link(
    user, alice_client, settings
):
    settings.EMAIL_ENABLED = True
    _confirm(user)
    response = alice_client.post(reverse("change_email"), {"email": "new@example.com"})
    assert response.url == reverse("reminders")
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert Profile.objects.get(user=user).confirmed_email != user.email
    [message] = mail.outbox
    assert message.to == ["new@example.com"]


def test_changing_to_another_accounts_address_looks_the_same_and_changes_nothing(
    user, other_user, alice_client, settings
):
    settings.EMAIL_ENABLED = True
    before = user.email
    response = alice_client.post(reverse("change_email"), {"email": other_user.email.upper()})
    assert response.url == reverse("reminders")
    user.refresh_from_db()
    assert user.email == before
    assert mail.outbox == []
    page = alice_client.get(reverse("reminders")).content.decode()
    assert "If that address can be used, a link to confirm it is on its way" in page


# The command --------------------------------------------------------------------------------


def test_send_reminders_once_sends_what_is_due(user, smtp_server, capsys):
    _check_in_at(user, dt.time(20, 0), _local(LONDON, 2026, 12, 3, 12, 0))
    with time_machine.travel(_local(LONDON, 2026, 12, 3, 20, 0, 5), tick=False):
        call_command("send_reminders", "--once")
    assert "sent 1" in capsys.readouterr().out
    assert len(smtp_server.parsed) == 1


def test_a_send_claimed_by_a_sender_that_died_is_given_up_not_sent_twice(user, smtp_server):
    now = _local(LONDON, 2026, 12, 3, 20, 0)
    reminder = _check_in_at(user, dt.time(20, 0), now - dt.timedelta(hours=1))
    ReminderSend.objects.create(
        reminder=reminder,
        key="2026-12-03",
        state=SendState.SENDING,
        claimed_at=now,
        next_try_at=now,
    )
    assert sender.run_pass(now + dt.timedelta(minutes=1)).sent == 0
    assert sender.run_pass(now + dt.timedelta(minutes=16)).sent == 0
    assert ReminderSend.objects.get().state == SendState.FAILED
    assert smtp_server.parsed == []
