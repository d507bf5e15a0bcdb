"""Server backups: one consistent file of the whole database, taken while the app
serves, and a restore that checks the file before it touches anything.

SQLite: the online backup API (sqlite3.Connection.backup) copies a snapshot page by
page while others keep writing; the copy is checked (PRAGMA integrity_check) before it
is kept. PostgreSQL: pg_dump --format=custom, from a snapshot whose row counts are
the ones printed; pg_restore brings it back in one transaction, so a file that fails
halfway changes nothing. The cache table's rows are left out (a cache); everything
else, sessions included, comes back. The commands are manage.py backup and restore.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
# Rows that a freshly migrated database holds already: not "data" to a restore.
MADE_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """What went wrong, in words for whoever runs the command; nothing was changed."""


@dataclass(frozen=True)
class Report:
    path: Path
    size: int
    rows: dict[str, int]

    def row_lines(self) -> list[str]:
        """The rows of each table, a line each, as the commands print them."""
        return [f"  {table}: {n:,} row{'' if n == 1 else 's'}" for table, n in self.rows.items()]


def cache_table() -> str | None:
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if cache["BACKEND"].endswith("DatabaseCache") else None


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    rows = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - introspected names
        rows[table] = cursor.fetchone()[0]
    return rows


def live_counts() -> dict[str, int]:
    """Rows per table of the app's database now."""
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor))


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)
    }  # noqa: S608


# Backup -------------------------------------------------------------------------------


def default_path(now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now(dt.UTC)
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    return Path(settings.BACKUP_DIR) / f"crampjournal-{now:%Y%m%d-%H%M%S}.{suffix}"


def prune(folder: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` backups this command made in ``folder``; the removed."""
    made = sorted(
        [*folder.glob("crampjournal-*.sqlite3"), *folder.glob("crampjournal-*.pgdump")],
        key=lambda p: p.name,  # the date and time in the name
    )
    gone = made[:-keep]  # keep >= 1 (settings)
    for path in gone:
        path.unlink()
    return gone


def backup(output: Path) -> Report:
    """One consistent copy of the database in ``output``, read back whole as a restore
    would read it (``check``) before it is kept: written beside its name first, then
    moved into place, so a failed backup leaves no half file under that name. The rows
    of each table are counted from the file."""
    partial = output.with_name(output.name + ".partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot write {output}: {error.strerror}.") from None
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(partial)
            written = check(partial)
            rows = written.rows
        else:
            snapshot = _backup_postgresql(partial)
            written = check(partial)
            # pg_dump dumped the snapshot the counts were read from, so the file holds
            # the same rows, but for the cache's, left out (its table is in the file).
            cache = cache_table()
            rows = dict(sorted((({cache: 0} if cache else {}) | written.rows).items()))
            if rows != snapshot:
                differ = sorted(t for t in snapshot if snapshot[t] != rows.get(t))
                raise BackupError(f"The file's rows differ from the database's in {differ}.")
        os.replace(partial, output)
    except (OSError, sqlite3.Error) as error:  # a full disk, a folder it may not write
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot write {output}: {error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Report(output, written.size, rows)


def _backup_sqlite(path: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # Page by page from one read snapshot; writers wait only for each step.
        connection.connection.backup(copy)
        if (table := cache_table()) and table in {
            r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }:
            copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - the settings' own name
            copy.commit()
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        # Rebuilt without free pages: what was deleted from the journal (an account
        # deleted, say) lingers in them, and must not live on in the backups.
        copy.execute("VACUUM")
    finally:
        copy.close()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})
    return args, env


def _backup_postgresql(path: Path) -> dict[str, int]:
    """pg_dump into ``path``; the rows of each table in the snapshot it dumped."""
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cursor:
        # The counts and the dump read one snapshot: pg_dump joins this transaction's.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows = _counts(cursor, connection.introspection.table_names(cursor))
        command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
        if table := cache_table():
            command.append(f"--exclude-table-data={table}")
            rows[table] = 0
        done = _run([*command, f"--file={path}", *args], env)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return rows


# Restore ------------------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_migrations(carried: set[tuple[str, str]]) -> None:
    if not carried:
        raise BackupError("The file holds no migration record: it is not a CrampJournal backup.")
    unknown = sorted(carried - _known_migrations())
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"The backup was made by a newer CrampJournal (its migrations {names} are "
            "unknown here): upgrade this copy first."
        )


def holds_data() -> bool:
    """Whether the app's database has rows a migrate alone would not have made."""
    counts = live_counts()
    ignored = MADE_BY_MIGRATE | {cache_table()}
    return any(n for table, n in counts.items() if table not in ignored)


def check(path: Path) -> Report:
    """Whether ``path`` is a backup this server can restore, read whole: the right kind
    of file, undamaged (SQLite: PRAGMA integrity_check; PostgreSQL: its table of
    contents, then every row of data read back) and made by migrations known here.
    The rows of each table it holds; raises BackupError otherwise. Changes nothing."""
    if not path.exists():
        raise BackupError(f"No such file: {path}")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    size = path.stat().st_size
    if size == 0:
        raise BackupError(f"{path} is empty: not a backup.")
    with path.open("rb") as file:
        head = file.read(16)
    if connection.vendor == "sqlite":
        if not head.startswith(SQLITE_HEADER):
            raise BackupError(f"{path} is not a SQLite backup (this server runs on SQLite).")
        rows, carried = _read_sqlite(path)
    else:
        if not head.startswith(PGDUMP_HEADER):
            raise BackupError(f"{path} is not a pg_dump backup (this server runs on PostgreSQL).")
        rows, carried = _read_postgresql(path)
    _check_migrations(carried)
    return Report(path, size, rows)


def restore(path: Path, force: bool = False) -> Report:
    """The backup in ``path`` into the app's database, after checking the file; then
    the migrations newer than the backup. Refuses a database with data unless forced."""
    checked = check(path)
    if holds_data() and not force:
        raise BackupError(
            "The database holds data already: restoring would replace it. Restore into an "
            "empty database, or give --force to replace it."
        )
    if connection.vendor == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)
    call_command("migrate", verbosity=0)
    return Report(path, checked.size, live_counts())


def _read_sqlite(path: Path) -> tuple[dict[str, int], set[tuple[str, str]]]:
    try:
        backup_db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged: {check}")
            rows = _sqlite_counts(backup_db)
            carried = set(backup_db.execute("SELECT app, name FROM django_migrations").fetchall())
        finally:
            backup_db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged or not a backup: {error}") from None
    return rows, carried


def _restore_sqlite(path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # The whole database replaced by the backup's pages, in one step for readers.
        source.backup(connection.connection)
    finally:
        source.close()


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """pg_dump or pg_restore, its messages kept (a damaged file's may not be UTF-8)."""
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, errors="replace")
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian's postgresql-client).") from None


def _pg_restore(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return _run(["pg_restore", *args], env)


def _read_postgresql(path: Path) -> tuple[dict[str, int], set[tuple[str, str]]]:
    listed = _pg_restore("--list", str(path))
    if listed.returncode != 0:
        raise BackupError(f"{path} is damaged or not a backup: {listed.stderr.strip()}")
    # Every table's rows as pg_restore writes them out (COPY text: one line a row, its
    # newlines escaped), streamed and counted: a damaged data block fails here.
    rows: dict[str, int] = {}
    carried: set[tuple[str, str]] = set()
    table = None
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(
            ["pg_restore", "--data-only", "--file=-", str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            errors="replace",
        ) as reading:
            for line in reading.stdout:
                if table is None:
                    if line.startswith("COPY "):
                        table = line.split()[1].rpartition(".")[2].strip('"')
                        rows[table] = 0
                elif line == "\\.\n":
                    table = None
                else:
                    rows[table] += 1
                    if table == "django_migrations":
                        _, app, name, *_ = line.split("\t")
                        carried.add((app, name))
        errors.seek(0)
        said = errors.read().decode(errors="replace").strip()
    if reading.returncode != 0 or table is not None:
        raise BackupError(f"{path} is damaged: {said or 'its data ends mid-table'}")
    return dict(sorted(rows.items())), carried


def _restore_postgresql(path: Path) -> None:
    args, env = _pg_env()
    connection.close()  # pg_restore drops and remakes the tables this connection reads
    # One transaction: a file that fails halfway (truncated) leaves the database as it was.
    done = _pg_restore(
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(path),
        env=env,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {done.stderr.strip()}")
