"""Benchmark of the reminder sender: 10,000 people whose check-in reminder is due in the
same minute, one pass, over SMTP to a local aiosmtpd sink.

Run by hand, not by the test suite:

    .venv/bin/python bench/reminders.py [--people 10000] [--senders 1]

It builds a scratch SQLite database (or uses DATABASE_URL, which must name an EMPTY
scratch database, as for bench/patterns.py), makes the people in bulk, then times
journal.reminders.sender.run_pass() and prints: the pass's time and emails per second,
the queries per reminder (a few per batch of 500, so a small constant, not one per
person), and the peak memory Python allocated during the pass (tracemalloc, with
--memory) and the process's peak RSS. With --senders 2 or more, that many threads run
a pass at once (each with its own database connection) and the script checks that each
person got exactly one email.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import platform
import resource
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import patterns as base  # bench/patterns.py: the scratch database

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=1, help="passes at once (threads)")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="trace Python's allocations for the peak (slows the pass: time it without)",
    )
    return parser.parse_args()


def main() -> int:
    return base.with_django(run, parse_args())


def make_people(count: int, due: dt.datetime) -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from journal.models import Profile, Reminder, ReminderKind

    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"p{i}", email=f"p{i}@example.com", password=unusable) for i in range(count)
    )
    Profile.objects.bulk_create(
        Profile(user=u, time_zone="Europe/London", confirmed_email=u.email) for u in users
    )
    Reminder.objects.bulk_create(
        Reminder(
            owner=u,
            kind=ReminderKind.CHECK_IN,
            enabled=True,
            at=dt.time(20, 0),
            next_due_at=due,
        )
        for u in users
    )


class Sink:
    """An SMTP server that counts what it is given, by recipient."""

    def __init__(self) -> None:
        self.to: collections.Counter[str] = collections.Counter()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.to.update(envelope.rcpt_tos)
        return "250 OK"


def run(args: argparse.Namespace) -> int:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection, connections
    from django.utils import timezone

    from journal.reminders import sender
    from loadtest.servers import free_port

    base.prepare_database()
    now = timezone.now()
    started = time.perf_counter()
    make_people(args.people, now - dt.timedelta(seconds=20))
    made = time.perf_counter() - started

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        controller.port,
        False,
    )
    version = ".".join(str(part) for part in connection.get_database_version())
    print("CrampJournal reminder sender benchmark")
    print(f"  python    {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"  database  {connection.vendor} {version}")
    print(f"  people    {args.people:,} check-in reminders due in the same minute")
    print(f"            ({made:.1f} s to make)")
    print(f"  senders   {args.senders} pass(es) at once")

    results: list[sender.Pass] = []
    queries: list[int] = []

    def one_pass() -> None:
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(count):
            results.append(sender.run_pass(now))
        queries.append(counted[0])
        connections.close_all()

    if args.memory:
        tracemalloc.start()
    started = time.perf_counter()
    if args.senders == 1:
        one_pass()
    else:
        threads = [threading.Thread(target=one_pass) for _ in range(args.senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - started
    if args.memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    controller.stop()

    sent = sum(r.sent for r in results)
    emails = sum(sink.to.values())
    print(f"  pass      {seconds:.1f} s, {sent:,} sent ({sent / seconds:,.0f} emails a second)")
    print(f"  queries   {sum(queries):,} in all, {sum(queries) / max(sent, 1):.2f} per reminder")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.memory:
        print(f"  memory    peak {peak / 2**20:.1f} MiB allocated by Python during the pass")
    print(f"  memory    process peak RSS {rss:.0f} MiB")
    once = len(sink.to) == args.people and set(sink.to.values()) == {1}
    print(f"  each person exactly one email: {'yes' if once else 'NO'} ({emails:,} emails)")
    return 0 if once else 1


if __name__ == "__main__":
    sys.exit(main())
