"""Several senders at once send each reminder exactly once: real processes (as two
machines would run `send_reminders`), on a scratch database of this run's kind (a SQLite
file, or PostgreSQL on the PostgreSQL run), to one real SMTP server. And the links'
address: a production sender without DJANGO_SITE_URL refuses to start, and the one
`make reminders` starts links to where `make run` serves."""

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
SITE = "https://cramps.example.org"

# People whose check-in reminder is due now, made in the scratch database.
SEED = """
import datetime as dt
from django.contrib.auth.models import User
from django.utils import timezone
from journal.models import Profile, Reminder, ReminderKind
now = timezone.now()
for i in range({people}):
    user = User.objects.create_user(f"p{{i}}", f"p{{i}}@example.com", None)
    Profile.objects.create(user=user, time_zone="Europe/London", confirmed_email=user.email)
    Reminder.objects.create(
        owner=user, kind=ReminderKind.CHECK_IN, enabled=True, at=dt.time(20, 0),
        next_due_at=now - dt.timedelta(seconds=30),
    )
"""


def _clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any of the app's settings, and ``settings``."""
    return (
        {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST", "EMAIL_"))
            and key not in {"HOST", "PORT"}
        }
        | {"DJANGO_SETTINGS_MODULE": "crampjournal.settings"}
        | settings
    )


def _production(database_url: str, smtp_port: int, **settings: str) -> dict[str, str]:
    return _clean_env(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        **settings,
    )


def _manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = _manage(env, *args)
    output, _ = done.communicate(timeout=180)
    return subprocess.CompletedProcess(done.args, done.returncode, output)


def _migrate_and_seed(env: dict[str, str], people: int) -> None:
    for args in (("migrate", "--noinput"), ("shell", "-c", SEED.format(people=people))):
        done = _run(env, *args)
        assert done.returncode == 0, done.stdout


def test_senders_running_at_once_send_each_reminder_once():
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    with (
        tempfile.TemporaryDirectory(prefix="cj-senders-") as tmp,
        scratch_database(postgres, Path(tmp)) as database_url,
        smtp_server() as (mailbox, port),
    ):
        env = _production(database_url, port, DJANGO_SITE_URL=SITE)
        _migrate_and_seed(env, PEOPLE)
        senders = [_manage(env, "send_reminders", "--once") for _ in range(SENDERS)]
        outputs = [sender.communicate(timeout=180)[0] for sender in senders]
        assert all(sender.returncode == 0 for sender in senders), outputs

        recipients = collections.Counter(message["To"] for message in mailbox.parsed)
        assert len(recipients) == PEOPLE, outputs
        assert set(recipients.values()) == {1}, recipients.most_common(3)
        sent = query(database_url, "SELECT COUNT(*) FROM journal_remindersend WHERE state = 'sent'")
        assert sent == [(PEOPLE,)]
        assert f"{SITE}/checkins/today/" in mailbox.messages[0]


def test_without_the_site_address_the_production_sender_refuses_to_start(tmp_path):
    # (`make serve` warns of it at its start: tests/test_litestream.py reads its log.)
    with smtp_server() as (mailbox, port):
        env = _production(f"sqlite:///{tmp_path / 'db.sqlite3'}", port)
        _migrate_and_seed(env, 1)
        for args in (("--once",), ()):
            done = _run(env, "send_reminders", *args)
            assert done.returncode == 1, done.stdout
            assert "CommandError: DJANGO_SITE_URL is not set" in done.stdout
        assert mailbox.parsed == []


def _make_dry_run(target: str, *variables: str) -> str:
    """The command `make TARGET` runs its app command with (make -n prints, runs nothing)."""
    done = subprocess.run(
        ["make", "-s", "-n", target, *variables], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if "manage.py" in line][-1]


def test_in_development_the_links_follow_the_port_make_run_serves_on(tmp_path):
    served = _make_dry_run("run", "PORT=8123")
    assert served.endswith("manage.py runserver 127.0.0.1:8123")
    sender = _make_dry_run("reminders", "PORT=8123")
    assert sender.endswith("manage.py send_reminders")
    # The sender `make reminders PORT=8123` starts, once, with its emails printed (DEBUG
    # on, no mail server): their links lead to where `make run PORT=8123` serves.
    env = _clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _migrate_and_seed(env | {"DJANGO_DEBUG": "true"}, 1)
    done = subprocess.run(
        ["bash", "-c", f"{sender} --once"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "sent 1" in done.stdout
    assert "http://127.0.0.1:8123/checkins/today/" in done.stdout
    assert "localhost:8000" not in done.stdout
