"""manage.py restore FILE [--force]: a backup into the app's database, after checking
it; a database that holds data is refused unless --force (journal.site.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal.site import backups


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup into an empty database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args, file: Path, force: bool = False, **options) -> None:
        try:
            report = backups.restore(file, force=force)
        except backups.BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        self.stdout.write(f"restored {report.path} ({report.size:,} bytes)")
        for table, n in report.rows.items():
            self.stdout.write(f"  {table}: {n:,} rows")
