"""Real app servers for the tests and the load run: a scratch database, then gunicorn
instances started the way `make serve` starts them (DEBUG off, collected static files),
each on its own port.

With postgres=True the database is a new PostgreSQL database on the machine's server
(dropped afterwards) and, with a redis_url, the instances share Redis as cache and
session store; otherwise they share one SQLite file and the database cache.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432")


@dataclass
class Stack:
    database_url: str
    env: dict[str, str]
    urls: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def episode_uids(self) -> list[uuid.UUID]:
        """Every episode's uid in the database, one entry per row."""
        rows = query(self.database_url, "SELECT uid FROM journal_episode")
        return [uuid.UUID(str(value)) for (value,) in rows]

    def log_text(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.logs)


def query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchall()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def scratch_database(postgres: bool, workdir: Path) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    import psycopg

    name = f"cj_scratch_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {url} exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/healthz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy in {seconds} s")


@contextlib.contextmanager
def running_stack(
    instances: int = 1,
    postgres: bool = False,
    redis_url: str | None = None,
    workers: int = 2,
    threads: int = 4,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Migrate a scratch database, collect static files once, start the instances."""
    with (
        tempfile.TemporaryDirectory(prefix="cj-stack-") as tmp,
        scratch_database(postgres, Path(tmp)) as database_url,
    ):
        workdir = Path(tmp)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
        } | {
            "DJANGO_SETTINGS_MODULE": "crampjournal.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no TLS in front of these servers.
            "DJANGO_HTTPS": "false",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
        env |= extra_env or {}
        _manage(env, "migrate", "--noinput")
        _manage(env, "createcachetable")
        _manage(env, "collectstatic", "--noinput")
        stack = Stack(database_url=database_url, env=env)
        processes = []
        try:
            for index in range(instances):
                port = free_port()
                log = workdir / f"gunicorn-{index}.log"
                handle = log.open("w")
                process = subprocess.Popen(
                    [GUNICORN, "--config", "crampjournal/gunicorn.conf.py"],
                    cwd=ROOT,
                    env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
                processes.append((process, handle))
                stack.urls.append(f"http://127.0.0.1:{port}")
                stack.logs.append(log)
            for url, (process, _) in zip(stack.urls, processes, strict=True):
                wait_until_healthy(url, process)
            yield stack
        finally:
            for process, _ in processes:
                process.terminate()
            for process, handle in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                handle.close()
