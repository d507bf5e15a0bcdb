"""manage.py backup [--output FILE]: one consistent file of the whole database, taken
while the app serves (journal.site.backups). Without --output, a dated file in
BACKUP_DIR, keeping the newest BACKUP_KEEP."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from journal.site import backups


class Command(BaseCommand):
    help = "Write one consistent backup of the database while the app serves."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="the file to write (default: BACKUP_DIR)")

    def handle(self, *args, output: Path | None = None, **options) -> None:
        dated = output is None
        path = backups.default_path() if dated else output
        try:
            report = backups.backup(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"wrote {report.path} ({report.size:,} bytes)")
        self.stdout.write("\n".join(report.row_lines()))
        if table := backups.cache_table():
            self.stdout.write(f"  (the rows of {table}, a cache, are left out)")
        if dated:
            for gone in backups.prune(path.parent, settings.BACKUP_KEEP):
                self.stdout.write(f"removed {gone} (keeping the newest {settings.BACKUP_KEEP})")
