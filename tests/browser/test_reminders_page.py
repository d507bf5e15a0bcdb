"""Reminders in chromium, as a person meets them: confirm the address from the email,
turn the daily check-in reminder on at a local time, then stop it from the email's link
while signed out. The ``new_page`` fixture fails a test on any console error, CSP
violation or request to another host."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from journal.models import Reminder, ReminderKind
from journal.reminders import emails
from tests.browser.helpers import sign_up, submit_and_wait

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")  # the browser's zone (conftest), so the profile's too


def test_a_person_confirms_their_address_turns_a_reminder_on_and_stops_it(
    new_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    page = new_page()
    sign_up(page, live_server.url, "walker")
    page.goto(f"{live_server.url}/profile/reminders/")
    assert page.locator("[data-address=unconfirmed]").is_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    submit_and_wait(page)
    assert "your address is confirmed" in page.content()

    page.goto(f"{live_server.url}/profile/reminders/")
    assert page.locator("[data-address=confirmed]").is_visible()
    page.check("#id_check_in_on")
    page.fill("#id_check_in_at", "07:15")
    submit_and_wait(page)
    assert "Reminders saved." in page.content()
    assert page.input_value("#id_check_in_at") == "07:15"
    assert page.is_checked("#id_check_in_on")
    # Under the time, in the person's zone: tomorrow once 07:15 has gone today.
    now = dt.datetime.now(PARIS)
    day = "today" if now.time() < dt.time(7, 15) else "tomorrow"
    said = page.locator("#id_check_in_at").locator("xpath=..").inner_text()
    assert f"The next reminder comes {day} at 07:15." in said

    reminder = Reminder.objects.get(owner__username="walker", kind=ReminderKind.CHECK_IN)
    due = reminder.next_due_at.astimezone(PARIS)
    assert (due.hour, due.minute) == (7, 15)
    assert due - dt.datetime.now(PARIS) <= dt.timedelta(days=1)

    # The email's unsubscribe link, opened in a browser that is not signed in: a page
    # with a button; the button turns the reminder off.
    stranger = new_page()
    email = emails.message(
        reminder, dt.datetime.now(PARIS).date().isoformat(), "walker@example.com"
    )
    stranger.goto(email.extra_headers["List-Unsubscribe"].strip("<>"))
    reminder.refresh_from_db()
    assert reminder.enabled
    submit_and_wait(stranger)
    assert "reminder is off" in stranger.content()
    reminder.refresh_from_db()
    assert not reminder.enabled
