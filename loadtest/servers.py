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
import pwd
import re
import secrets
import shutil
import signal
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

from crampjournal import serve

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432")
# The process groups of the servers started here (each in a session of its own), for
# the suite's check that none is left running (tests/leftovers.py).
STARTED_GROUPS: set[int] = set()


@dataclass
class Stack:
    database_url: str
    env: dict[str, str]
    urls: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    # Each instance's first process: its gunicorn master (the workers are its
    # children), or Litestream with the master as its child; each leads a process
    # group of its own (start), which every process of the instance is in.
    masters: list[subprocess.Popen] = field(default_factory=list)

    def kill(self) -> None:
        """SIGKILL every process of the stack at once (Litestream, when it runs, the
        gunicorn masters and their workers), as a power cut would stop them."""
        for master in self.masters:
            _kill_group(master.pid)
        for master in self.masters:
            master.wait()

    def episode_uids(self) -> list[uuid.UUID]:
        """Every episode's uid in the database, one entry per row."""
        rows = query(self.database_url, "SELECT uid FROM journal_episode")
        return [uuid.UUID(str(value)) for (value,) in rows]

    def log_text(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.logs)


def start(command: list[str], **popen) -> subprocess.Popen:
    """Start a server as the leader of a new session and process group, so that it and
    whatever it starts can be stopped together (stop, Stack.kill). Walking its children
    instead misses some: Litestream, a Go program, starts gunicorn from another thread
    than its first, and /proc lists a child under the thread that made it."""
    process = subprocess.Popen(command, start_new_session=True, **popen)
    STARTED_GROUPS.add(process.pid)
    return process


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchall()


def integrity_problems(database_url: str) -> list[str]:
    """What the database's own checker finds wrong; empty when it is sound. SQLite:
    PRAGMA integrity_check. PostgreSQL: amcheck's verify_heapam on every table and
    bt_index_check (with every row looked up in it) on every index."""
    if database_url.startswith("sqlite:///"):
        try:
            found = [row[0] for row in query(database_url, "PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:  # too damaged to be checked at all
            return [str(error)]
        return [] if found == ["ok"] else found
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        found = db.execute(
            "SELECT c.relname || ' block ' || v.blkno || ': ' || v.msg FROM pg_class c"
            " CROSS JOIN LATERAL verify_heapam(c.oid) v"
            " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        indexes = db.execute(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_am a ON a.oid = c.relam"
            " WHERE c.relkind = 'i' AND a.amname = 'btree'"
            " AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        problems = [row[0] for row in found]
        for oid, name in indexes:
            try:
                db.execute("SELECT bt_index_check(%s, true)", [oid])
            except psycopg.Error as error:  # amcheck raises on the first fault it finds
                problems.append(f"{name}: {error}")
        return problems


def clean_environ() -> dict[str, str]:
    """This process's environment without the app's settings (nor pytest's), for a
    server or command started from a test with settings of its own."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    return kept | {"DJANGO_SETTINGS_MODULE": "crampjournal.settings"}


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


# The collected static files depend on the code alone: one folder, collected by the first
# stack of a process (compressing them all takes half a minute on a busy machine), is
# shared by every later one and removed when the process ends.
_STATIC = tempfile.TemporaryDirectory(prefix="cj-static-")


def _static_root() -> Path:
    return Path(_STATIC.name) / "static"


def _collect_static_once(env: dict[str, str]) -> None:
    if not (_static_root() / "staticfiles.json").exists():
        _manage(env, "collectstatic", "--noinput")


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


def stop(process: subprocess.Popen, seconds: float) -> None:
    """Stop a server started with start: SIGTERM to its first process, which stops its
    own children (gunicorn its workers, Litestream gunicorn); SIGKILL if it is still
    there after ``seconds``. Then SIGKILL to whatever of its group outlived it."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.pid in STARTED_GROUPS:
        _kill_group(process.pid)


@contextlib.contextmanager
def running_stack(
    instances: int = 1,
    postgres: bool = False,
    redis_url: str | None = None,
    workers: int = 2,
    threads: int = 4,
    extra_env: dict[str, str] | None = None,
    database_url: str | None = None,
    litestream_replica: Path | None = None,
) -> Iterator[Stack]:
    """Migrate a scratch database (or ``database_url``, which the caller owns), collect
    static files (once a process), start the instances. With ``litestream_replica``
    (SQLite, one instance) gunicorn runs under Litestream copying the database there,
    as `make serve` runs it with LITESTREAM_REPLICA."""
    with (
        tempfile.TemporaryDirectory(prefix="cj-stack-") as tmp,
        (
            contextlib.nullcontext(database_url)
            if database_url
            else scratch_database(postgres, Path(tmp))
        ) as database_url,
    ):
        workdir = Path(tmp)
        env = clean_environ() | {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no TLS in front of these servers.
            "DJANGO_HTTPS": "false",
            "DJANGO_STATIC_ROOT": str(_static_root()),
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
        env |= extra_env or {}
        _manage(env, "migrate", "--noinput")
        _manage(env, "createcachetable")
        _collect_static_once(env)
        database = None
        if litestream_replica:
            env["LITESTREAM_REPLICA"] = str(litestream_replica)
            database = Path(database_url.removeprefix("sqlite:///"))
        command = serve.server_command(database, serve.litestream_replica(env))
        stack = Stack(database_url=database_url, env=env)
        processes = []
        try:
            for index in range(instances):
                port = free_port()
                log = workdir / f"gunicorn-{index}.log"
                handle = log.open("w")
                process = start(
                    command,
                    cwd=ROOT,
                    env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
                processes.append((process, handle))
                stack.masters.append(process)
                stack.urls.append(f"http://127.0.0.1:{port}")
                stack.logs.append(log)
            for url, (process, _) in zip(stack.urls, processes, strict=True):
                wait_until_healthy(url, process)
            yield stack
        finally:
            # Every server is asked to stop before any is waited for: they stop together.
            for process, _ in processes:
                process.terminate()
            for process, handle in processes:
                stop(process, seconds=30)
                handle.close()


def render_nginx_conf(values: dict[str, str]) -> str:
    """deploy/nginx.conf with its placeholders filled, as envsubst fills them in
    deploy/README.md (nginx's own variables have no braces and are left alone)."""
    text = NGINX_CONF.read_text()
    missing = set(re.findall(r"\$\{([A-Z_]+)\}", text)) - values.keys()
    if missing:
        raise ValueError(f"no value for {sorted(missing)} in {NGINX_CONF}")
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: values[match.group(1)], text)


@contextlib.contextmanager
def running_nginx(upstream_url: str, body_limit: int) -> Iterator[str]:
    """The shipped nginx config in front of ``upstream_url`` (a gunicorn of
    running_stack), on a free loopback port: a child process in the foreground with its
    pid file, error log and temporary files in a scratch folder. Yields its URL."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="cj-nginx-") as tmp:
        prefix = Path(tmp)
        port = free_port()
        site = prefix / "site.conf"
        site.write_text(f"listen 127.0.0.1:{port};\nserver_name 127.0.0.1 localhost;\n")
        (prefix / "temp").mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                {
                    # The workers run as this user: as root, root (the scratch folder
                    # is the test's own); otherwise nginx ignores the directive.
                    "NGINX_USER": pwd.getpwuid(os.getuid()).pw_name,
                    "NGINX_PID_FILE": str(prefix / "nginx.pid"),
                    "NGINX_ERROR_LOG": str(prefix / "error.log"),
                    "NGINX_TEMP_DIR": str(prefix / "temp"),
                    "NGINX_SITE": str(site),
                    "UPSTREAM": upstream_url.removeprefix("http://"),
                    "CLIENT_MAX_BODY_SIZE": str(body_limit),
                }
            )
        )
        log = (prefix / "nginx.out").open("w")
        process = start(
            [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_healthy(url, process, seconds=20)
            except RuntimeError as error:
                raise RuntimeError(f"{error}: {(prefix / 'nginx.out').read_text()}") from None
            yield url
        finally:
            stop(process, seconds=10)
            log.close()


@contextlib.contextmanager
def running_redis() -> Iterator[str]:
    """A Redis server of its own on a free loopback port, nothing kept on disk, so that
    a stack's keys meet no one else's (the suite's, another test run's)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cj-redis-") as tmp:
        process = start(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=1) as sock,
                ):
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {port} did not start")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop(process, seconds=10)
