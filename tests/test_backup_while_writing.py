"""A backup taken while people log, through two gunicorn workers as `make serve` runs
them: restored into a fresh database, it holds every episode acknowledged before the
backup began, none twice, and the restored copy serves its owner's journal. On SQLite,
and on PostgreSQL (with Redis) in the suite's PostgreSQL run."""

import random
import subprocess
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

import requests

from loadtest import journeys
from loadtest.servers import PYTHON, ROOT, query, running_stack, scratch_database
from tests.test_servers import POSTGRES, _person, _stack_redis

WRITERS = 8


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_backup_taken_while_people_log_restores_every_acknowledged_episode(tmp_path):
    backup = tmp_path / ("backup.pgdump" if POSTGRES else "backup.sqlite3")
    with running_stack(workers=2, postgres=POSTGRES, redis_url=_stack_redis()) as stack:
        base = stack.urls[0]
        people = [_person(base, f"logger{n}") for n in range(4)]
        # (client id, when acknowledged, the writer's person, the episode's page)
        acks: list[tuple[uuid.UUID, float, int, str]] = []
        failures: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        def write(n: int) -> None:
            session = requests.Session()
            session.cookies.update(people[n % len(people)].cookies)
            rng = random.Random(n)
            while not stop.is_set():
                response, client_id = journeys.quick_log(session, base, rng)
                with lock:
                    if journeys.acknowledged(response):
                        page = urlsplit(response.headers["Location"]).path
                        acks.append((client_id, time.monotonic(), n % len(people), page))
                    else:
                        failures.append(str(response.status_code))

        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        began = time.monotonic()
        said = _manage(stack.env, "backup", "--output", str(backup))
        time.sleep(1)  # and the writing goes on after it
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    before = {client_id for client_id, at, _, _ in acks if at < began}
    assert len(before) > 20, "the writers barely wrote before the backup"
    assert "journal_episode" in said

    with scratch_database(POSTGRES, tmp_path) as restored_url:
        if not POSTGRES:
            restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"  # no file yet
        env = stack.env | {"DATABASE_URL": restored_url}
        _manage(env, "restore", str(backup))
        rows = Counter(
            uuid.UUID(str(uid)) for (uid,) in query(restored_url, "SELECT uid FROM journal_episode")
        )
        assert all(rows[client_id] == 1 for client_id in before)
        assert max(rows.values()) == 1
        # The restored copy serves its owner's journal, and only to its owner.
        mine = next(page for cid, _, who, page in acks if cid in before and who == 0)
        theirs = next(page for cid, _, who, page in acks if cid in before and who == 1)
        with running_stack(database_url=restored_url, redis_url=_stack_redis()) as copy:
            session = requests.Session()
            assert journeys.log_in(session, copy.urls[0], "logger0").status_code == 302
            assert session.get(copy.urls[0] + mine, timeout=30).status_code == 200
            assert session.get(copy.urls[0] + theirs, timeout=30).status_code == 404
