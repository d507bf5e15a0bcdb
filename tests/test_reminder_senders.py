"""Several senders at once send each reminder exactly once: real processes (as two
machines would run `send_reminders`), on a scratch database of this run's kind (a SQLite
file, or PostgreSQL on the PostgreSQL run), to one real SMTP server."""

from __future__ import annotations

import collections
import os
import secrets
import subprocess
import tempfile
from pathlib import Path

from loadtest.servers import PYTHON, ROOT, query, scratch_database
from tests.mail import smtp_server

PEOPLE = 60
SENDERS = 3

# People whose check-in reminder is due now, made in the scratch database.
SEED = f"""
import datetime as dt
from django.contrib.auth.models import User
from django.utils import timezone
from journal.models import Profile, Reminder, ReminderKind
now = timezone.now()
for i in range({PEOPLE}):
    user = User.objects.create_user(f"p{{i}}", f"p{{i}}@example.com", None)
    Profile.objects.create(user=user, time_zone="Europe/London", confirmed_email=user.email)
    Reminder.objects.create(
        owner=user, kind=ReminderKind.CHECK_IN, enabled=True, at=dt.time(20, 0),
        next_due_at=now - dt.timedelta(seconds=30),
    )
"""


def test_senders_running_at_once_send_each_reminder_once():
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    with (
        tempfile.TemporaryDirectory(prefix="cj-senders-") as tmp,
        scratch_database(postgres, Path(tmp)) as database_url,
        smtp_server() as (mailbox, port),
    ):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST", "EMAIL_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "crampjournal.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "false",
        }

        def manage(*args: str, **popen) -> subprocess.Popen:
            return subprocess.Popen(
                [PYTHON, "manage.py", *args],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                **popen,
            )

        for args in (("migrate", "--noinput"), ("shell", "-c", SEED)):
            done = manage(*args)
            output, _ = done.communicate(timeout=180)
            assert done.returncode == 0, output
        senders = [manage("send_reminders", "--once") for _ in range(SENDERS)]
        outputs = [sender.communicate(timeout=180)[0] for sender in senders]
        assert all(sender.returncode == 0 for sender in senders), outputs

        recipients = collections.Counter(message["To"] for message in mailbox.parsed)
        assert len(recipients) == PEOPLE, outputs
        assert set(recipients.values()) == {1}, recipients.most_common(3)
        sent = query(database_url, "SELECT COUNT(*) FROM journal_remindersend WHERE state = 'sent'")
        assert sent == [(PEOPLE,)]
