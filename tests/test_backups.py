"""manage.py backup and restore: a consistent copy with its rows per table, brought
back into an empty database; a damaged, truncated or empty file, or a database that
holds data, refused with a message and nothing changed. On SQLite and on PostgreSQL
(whichever DATABASE_URL names)."""

import contextlib
import io
import re
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from journal.models import Episode, Medication
from journal.site import backups

pytestmark = pytest.mark.django_db(transaction=True)

SUFFIX = "sqlite3" if connection.vendor == "sqlite" else "pgdump"


def _backup(tmp_path: Path) -> tuple[Path, str]:
    out = io.StringIO()
    path = tmp_path / f"backup.{SUFFIX}"
    call_command("backup", "--output", str(path), stdout=out)
    return path, out.getvalue()


def _journal(user, make_episode, make_medication) -> None:
    for intensity in (3, 6, 9):
        make_episode(user, intensity=intensity, notes=f"note {intensity}")
    make_medication(user)


def _wipe() -> None:
    """The database as a fresh install finds it: migrated, without the journal."""
    call_command("flush", "--noinput", verbosity=0)


def test_a_backup_says_what_it_holds(tmp_path, user, make_episode, make_medication):
    _journal(user, make_episode, make_medication)
    path, said = _backup(tmp_path)
    assert path.is_file() and path.stat().st_size > 0
    assert f"wrote {path}" in said
    counts = backups.live_counts()
    assert "  journal_episode: 3 rows" in said
    assert "  auth_user: 1 row\n" in said
    # Rows per table in the backup equal the database's (the cache's rows left out).
    printed = {
        table: int(n.replace(",", ""))
        for table, n in re.findall(r"^  (\w+): ([\d,]+) rows?$", said, re.MULTILINE)
    }
    cache = backups.cache_table()
    assert {t: n for t, n in printed.items() if t != cache} == {
        t: n for t, n in counts.items() if t != cache
    }
    assert not list(tmp_path.glob("*.partial"))


def test_what_was_deleted_is_not_in_the_backup(tmp_path, user, make_episode, make_medication):
    _journal(user, make_episode, make_medication)
    if connection.vendor == "sqlite":
        # As SQLite is built in most places (Debian's build zeroes what it deletes):
        # a deleted row's bytes stay in the file until the space is used again.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            (built,) = cursor.fetchone()
            cursor.execute("PRAGMA secure_delete = OFF")
            make_episode(user, notes="Deleted-note-" * 40).delete()
            cursor.execute(f"PRAGMA secure_delete = {int(built)}")
    else:
        make_episode(user, notes="Deleted-note-" * 40).delete()
    path, _ = _backup(tmp_path)
    assert b"Deleted-note-" not in path.read_bytes()
    assert Episode.objects.count() == 3


def test_restored_into_an_empty_database_everything_comes_back(
    tmp_path, user, make_episode, make_medication
):
    _journal(user, make_episode, make_medication)
    episodes = sorted(Episode.objects.values_list("uid", "intensity", "notes"))
    path, _ = _backup(tmp_path)
    _wipe()
    assert not Episode.objects.exists()
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    assert sorted(Episode.objects.values_list("uid", "intensity", "notes")) == episodes
    assert Medication.objects.get().name == "Atorvastatin"
    assert f"restored {path}" in out.getvalue()
    assert "  journal_episode: 3 rows" in out.getvalue()


def test_a_database_that_holds_data_is_refused_without_force(
    tmp_path, user, make_episode, make_medication
):
    _journal(user, make_episode, make_medication)
    path, _ = _backup(tmp_path)
    make_episode(user, intensity=1)  # written after the backup
    with pytest.raises(CommandError, match="holds data already.*--force.*Nothing was changed"):
        call_command("restore", str(path))
    assert Episode.objects.count() == 4
    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert Episode.objects.count() == 3


def test_check_reads_a_backup_whole_and_restores_nothing(
    tmp_path, user, make_episode, make_medication
):
    _journal(user, make_episode, make_medication)
    path, said = _backup(tmp_path)
    make_episode(user, intensity=1)  # written after the backup: the database holds data
    out = io.StringIO()
    call_command("restore", "--check", str(path), stdout=out)
    checked = out.getvalue()
    assert f"{path} ({path.stat().st_size:,} bytes) is sound" in checked
    assert "nothing was restored" in checked
    # It reads the rows from the file: the backup's, not the database's now.
    assert "  journal_episode: 3 rows" in checked
    assert "  journal_medication: 1 row" in checked
    lines = [line for line in checked.splitlines() if line.startswith("  ")]
    assert len(lines) > 10
    assert all(line in said for line in lines)
    assert Episode.objects.count() == 4


def _rows_offset(path: Path) -> int:
    """Where the episodes' rows lie in a backup file. SQLite: the page of the episode
    table (a page unused by any table, say a free one, may be damaged harmlessly).
    PostgreSQL: near the end, among the compressed data blocks that follow the table of
    contents, which `pg_restore --list` alone reads."""
    if connection.vendor != "sqlite":
        return path.stat().st_size * 9 // 10
    with contextlib.closing(sqlite3.connect(path)) as db:
        (page,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'journal_episode'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    return (page - 1) * size


def _damaged(path: Path, kind: str) -> Path:
    data = path.read_bytes()
    bad = path.with_name(f"{kind}.{SUFFIX}")
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    else:  # damaged: a block of the middle overwritten (or of the rows), the header kept
        at = len(data) // 2 if kind == "damaged" else _rows_offset(path)
        bad.write_bytes(data[:at] + b"\xff" * 4096 + data[at + 4096 :])
    return bad


@pytest.mark.parametrize("kind", ["empty", "truncated", "damaged", "damaged-rows"])
def test_a_bad_file_is_refused_and_the_database_is_untouched(
    tmp_path, user, make_episode, make_medication, kind
):
    _journal(user, make_episode, make_medication)
    path, _ = _backup(tmp_path)
    _wipe()
    before = backups.live_counts()
    bad = _damaged(path, kind)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", "--check", str(bad))
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(bad))
    assert backups.live_counts() == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    other = tmp_path / f"notes.{SUFFIX}"
    other.write_text("not a backup at all")
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", "--check", str(tmp_path))


def test_a_backup_that_cannot_be_written_says_so(tmp_path):
    (tmp_path / "a-file").write_text("in the way")
    with pytest.raises(CommandError, match="Cannot write .*a-file/backup"):
        call_command("backup", "--output", str(tmp_path / "a-file" / f"backup.{SUFFIX}"))


def test_without_output_a_dated_file_and_only_the_newest_kept(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "kept"
    settings.BACKUP_KEEP = 2
    old = [settings.BACKUP_DIR / f"crampjournal-2026010{i}-000000.{SUFFIX}" for i in (1, 2, 3)]
    settings.BACKUP_DIR.mkdir()
    for path in old:
        path.write_bytes(b"old")
    out = io.StringIO()
    call_command("backup", stdout=out)
    kept = sorted(p.name for p in settings.BACKUP_DIR.iterdir())
    # The newest old one and the one just written (named for now, so sorted last).
    assert kept[0] == old[2].name and len(kept) == 2
    assert f"wrote {settings.BACKUP_DIR / kept[1]}" in out.getvalue()
    assert f"removed {old[0]}" in out.getvalue() and f"removed {old[1]}" in out.getvalue()
