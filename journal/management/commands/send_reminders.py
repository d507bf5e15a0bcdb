"""Send the reminder emails: ``send_reminders`` runs until stopped, waking each minute,
beside the web servers; ``send_reminders --once`` does one pass (cron, a systemd timer).
Any number may run at once (journal.reminders.sender says how each email goes once)."""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from journal.reminders import sender, site

logger = logging.getLogger("crampjournal.reminders")


class Command(BaseCommand):
    help = "Send the reminder emails that are due (every minute, or once with --once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then stop")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="seconds between passes (default 60)"
        )

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        # Before any pass: an email whose links lead nowhere is worse than none.
        try:
            site.site_url()
        except site.SiteUrlMissing as error:
            raise CommandError(str(error)) from None
        if once:
            self._pass()
            return
        stopping = False

        def stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Sending reminders every {interval:g} s; Ctrl-C or SIGTERM stops.")
        while not stopping:
            started = time.monotonic()
            # A long-running process must not keep a connection the database dropped.
            close_old_connections()
            self._pass()
            # Sleep to the next wake-up in short steps, so a stop is heard at once.
            while not stopping and time.monotonic() - started < interval:
                time.sleep(min(0.5, interval))
        self.stdout.write("Stopped.")

    def _pass(self) -> None:
        try:
            result = sender.run_pass()
        except DatabaseError:
            # The database away for a moment: the next pass tries again.
            logger.exception("Reminder pass failed")
            return
        self.stdout.write(
            f"queued {result.queued}, sent {result.sent}, skipped {result.skipped}, "
            f"failed {result.failed}"
        )
