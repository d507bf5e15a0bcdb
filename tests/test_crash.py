"""A power cut while people log: the gunicorn master and its workers killed with SIGKILL
mid-write. After a restart every acknowledged episode is there, none twice, and the
database passes its own integrity check (SQLite in WAL mode with synchronous=FULL, as
configured: PRAGMA integrity_check; PostgreSQL, in the suite's PostgreSQL run: amcheck
on every table and index)."""

import contextlib
import random
import sqlite3
import threading
import uuid
from collections import Counter

import requests

from loadtest import journeys
from loadtest.servers import integrity_problems, query, running_stack, scratch_database
from tests.test_servers import POSTGRES, _person, _stack_redis

WRITERS = 8


def test_every_acknowledged_episode_survives_a_kill(tmp_path):
    with scratch_database(POSTGRES, tmp_path) as url:
        acknowledged: list[uuid.UUID] = []
        lock = threading.Lock()
        with running_stack(workers=2, database_url=url, redis_url=_stack_redis()) as stack:
            base = stack.urls[0]
            people = [_person(base, f"sleeper{n}") for n in range(4)]
            enough = threading.Event()

            def write(n: int) -> None:
                session = requests.Session()
                session.cookies.update(people[n % len(people)].cookies)
                rng = random.Random(n)
                # Until the servers die: then the connection fails, which is expected.
                with contextlib.suppress(requests.RequestException):
                    while True:
                        response, client_id = journeys.quick_log(session, base, rng)
                        if journeys.acknowledged(response):
                            with lock:
                                acknowledged.append(client_id)
                                if len(acknowledged) >= 60:
                                    enough.set()

            threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
            for thread in threads:
                thread.start()
            assert enough.wait(60), "the writers did not get going"
            stack.kill()
            for thread in threads:
                thread.join(30)
        assert integrity_problems(url) == []
        # Restarted on the same database: everything acknowledged is there, once.
        with running_stack(workers=2, database_url=url, redis_url=_stack_redis()) as again:
            rows = Counter(
                uuid.UUID(str(uid)) for (uid,) in query(url, "SELECT uid FROM journal_episode")
            )
            assert all(rows[client_id] == 1 for client_id in acknowledged)
            assert max(rows.values()) == 1
            session = requests.Session()
            assert journeys.log_in(session, again.urls[0], "sleeper0").status_code == 302
            assert session.get(f"{again.urls[0]}/episodes/", timeout=30).status_code == 200
        assert integrity_problems(url) == []


def test_the_integrity_check_finds_a_damaged_database(tmp_path):
    """The check the crash test relies on does fail: a SQLite file with a page of its
    table overwritten is reported."""
    path = tmp_path / "damaged.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
        db.execute("CREATE INDEX t_note ON t (note)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(n, f"note {n}") for n in range(5000)])
    url = f"sqlite:///{path}"
    assert integrity_problems(url) == []
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[4 * 4096 : 5 * 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    assert integrity_problems(url) != []
