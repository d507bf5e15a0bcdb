"""manage.py restore FILE [--force]: a backup into the app's database, after checking
it; a database that holds data is refused unless --force. manage.py restore --check
FILE reads the backup whole and says what it holds, restoring nothing
(journal.site.backups)."""

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
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the file and print its rows per table; restore nothing",
        )

    def handle(self, *args, file: Path, force: bool = False, check: bool = False, **options):
        try:
            report = backups.check(file) if check else backups.restore(file, force=force)
        except backups.BackupError as error:
            said = str(error).rstrip()
            stop = "" if said.endswith(".") else "."
            raise CommandError(f"{said}{stop} Nothing was changed.") from None
        if check:
            self.stdout.write(
                f"{report.path} ({report.size:,} bytes) is sound and can be restored here; "
                "nothing was restored. It holds:"
            )
        else:
            self.stdout.write(f"restored {report.path} ({report.size:,} bytes)")
        self.stdout.write("\n".join(report.row_lines()))
