"""How long `manage.py backup`, `restore --check` and `restore` take, and how big the file is, for a
journal of a given size: by default 100 people with a year each (400 episodes and 300
check-ins apiece, as bench/report.py's year).

Run by hand, not by the test suite:

    .venv/bin/python bench/backup.py [--people 100]

On a scratch SQLite file by default; DATABASE_URL pointing at an EMPTY scratch
PostgreSQL database measures pg_dump and pg_restore instead (as for bench/patterns.py,
which also builds the accounts). The restore goes into the same database emptied by
`flush` (a freshly migrated one, as on a new machine). On SQLite it also times
Litestream's first copy of the journal into a replica directory (the snapshot `make
serve` takes when LITESTREAM_REPLICA is set) and `litestream restore` from it.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
from pathlib import Path

import patterns as base  # bench/patterns.py: the scratch database and fake accounts


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100)
    return parser.parse_args()


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from journal.models import Episode
    from journal.site import backups

    base.prepare_database()
    rng = random.Random(1)
    start = time.perf_counter()
    for n in range(args.people):
        base.create_account(base.AccountSpec(f"person{n}", 400, 300, span_days=365), rng)
    episodes = Episode.objects.count()
    print(f"CrampJournal backup and restore benchmark ({connection.vendor})")
    print(
        f"  journal   {args.people} people, {episodes:,} episodes "
        f"(built in {time.perf_counter() - start:.0f} s)"
    )
    with tempfile.TemporaryDirectory(prefix="cj-backup-bench-") as tmp:
        path = Path(tmp) / f"bench.{'sqlite3' if connection.vendor == 'sqlite' else 'pgdump'}"
        start = time.perf_counter()
        report = backups.backup(path)
        backed = time.perf_counter() - start
        print(f"  backup    {backed:.2f} s; file {report.size / 1024 / 1024:.1f} MiB")
        start = time.perf_counter()
        checked = backups.check(path)
        print(f"  check     {time.perf_counter() - start:.2f} s (restore --check: all read)")
        assert checked.rows["journal_episode"] == episodes, "the check miscounted episodes"
        call_command("flush", "--noinput", verbosity=0)
        start = time.perf_counter()
        restored = backups.restore(path)
        print(f"  restore   {time.perf_counter() - start:.2f} s (checks, restore, migrate)")
        assert restored.rows["journal_episode"] == episodes, "the restore lost episodes"
        print(f"  rows      {restored.rows['journal_episode']:,} episodes back")
        if connection.vendor == "sqlite":
            litestream(Path(connection.settings_dict["NAME"]), Path(tmp))
    return 0


def litestream(database: Path, tmp: Path) -> None:
    from crampjournal import serve

    replica = tmp / "replica"
    start = time.perf_counter()
    subprocess.run(
        [str(serve.LITESTREAM), "replicate", "-once", "-force-snapshot", str(database),
         serve.replica_url(replica)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    copied = time.perf_counter() - start
    size = sum(path.stat().st_size for path in replica.rglob("*") if path.is_file())
    print(f"  litestream first copy {copied:.2f} s; replica {size / 1024 / 1024:.1f} MiB")
    start = time.perf_counter()
    subprocess.run(
        [str(serve.LITESTREAM), "restore", "-o", str(tmp / "from-replica.sqlite3"),
         serve.replica_url(replica)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    print(f"  litestream restore    {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    raise SystemExit(base.with_django(run, parse_args()))
