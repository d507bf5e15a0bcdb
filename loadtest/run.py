"""The load test: gunicorn on loopback, locust headless for a fixed time, then the figures
and a check that every episode the server acknowledged is in the database, once.

    .venv/bin/python -m loadtest.run [--postgres] [--instances N] [--users 50]
        [--spawn-rate 10] [--seconds 60] [--workers W --threads T] [--keep DIR]

Without --postgres: one SQLite file (and the database cache and sessions). With
--postgres: a scratch PostgreSQL database (dropped afterwards) and Redis for the cache
and sessions, REDIS_URL if set, else redis://127.0.0.1:6379/14 flushed first. Every
instance is started as `make serve` starts it (crampjournal/gunicorn.conf.py), with
--workers and --threads as WEB_CONCURRENCY and GUNICORN_THREADS.

Before the timed run every simulated person gets an account (signed up over HTTP) with
some history: episodes over the last half year (one CSV import each) and check-ins for
most of the last month, so the patterns page and the report have something to compute.

What it prints:
- where the machine's CPU went during the run (gunicorn, locust, the database servers,
  anything else: figures taken while other work runs on the machine say so here);
- locust's figures for the whole run;
- the same figures, computed exactly from each request's record, for the requests sent
  once every simulated person had signed in. Each one signs in as it starts, and at
  --spawn-rate 10 fifty password checks (about 0.2 s of CPU each) land in five seconds:
  a burst a real day never has, as a session lasts up to 12 hours;
- the issue's p95 targets against both, the failed requests by kind, requests the load
  client sent twice as a browser would, trouble in the gunicorn logs;
- acknowledged episodes against the database.

The figures are printed, not asserted. The exit status is 1 when a request failed, or an
acknowledged episode is missing from the database or in it twice.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import io
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from loadtest import journeys
from loadtest.servers import ROOT, Stack, running_stack

LOCUST = str(Path(sys.executable).with_name("locust"))
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
# History per account: episodes over HISTORY_DAYS (the patterns page shows the last 90
# days by default) and check-ins on about two days in three of the last CHECKIN_DAYS.
HISTORY_EPISODES, HISTORY_DAYS, CHECKIN_DAYS = 60, 180, 30
# The targets, printed beside the figures.
TARGETS_MS = {"Patterns": 300, "quick log: save": 150}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis")
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances")
    parser.add_argument("--users", type=int, default=50, help="simulated people")
    parser.add_argument("--spawn-rate", type=float, default=10, help="people started a second")
    parser.add_argument("--seconds", type=int, default=60, help="length of the timed run")
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn workers per instance (default: the CPUs shared out between the "
        "instances, at least 1)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--keep", type=Path, help="copy locust's CSV files and log and the gunicorn logs here"
    )
    args = parser.parse_args(argv)
    if args.workers is None:
        # One worker per core in all. With this app's load more workers or threads
        # measured no better on 2 cores (the server is about 20 % busy at 50 users).
        args.workers = max(1, (os.cpu_count() or 1) // args.instances)
    return args


# Accounts and their history, over HTTP ------------------------------------------------


def expect_redirect(response: requests.Response, to: str, what: str) -> None:
    location = response.headers.get("Location", "")
    if response.status_code != 302 or not location.startswith(to):
        raise RuntimeError(f"{what}: {response.status_code} {location!r} (wanted 302 to {to})")


def history_csv(header: list[str], rng: random.Random, today: dt.date) -> str:
    """HISTORY_EPISODES episodes at night-ish hours over the last HISTORY_DAYS days."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    for _ in range(HISTORY_EPISODES):
        day = today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
        started = dt.datetime.combine(day, dt.time(rng.choice([1, 2, 3, 6, 14, 22]), 15))
        writer.writerow(
            {
                "id": str(uuid.uuid4()),
                "started_at": started.isoformat() + "+00:00",
                "duration_seconds": str(rng.randint(20, 600)),
                "still_going": "false",
                "body_region": rng.choice(journeys.REGIONS),
                "side": rng.choice(["left", "right", "both"]),
                "intensity": str(rng.randint(2, 9)),
                "activity": rng.choice(["asleep", "resting", "exercising"]),
                "broke_sleep": rng.choice(["true", "false"]),
                "fluid_ml": str(rng.choice([800, 1500, 2200])),
                "triggers": rng.choice(["", "dehydration", "heat;fatigue"]),
                "relief": rng.choice(["", "stretch=2", "massage=1"]),
            }
        )
    return out.getvalue()


def make_account(base: str, username: str, seed: int) -> None:
    """Sign up, import the episode history, check in on most recent days."""
    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    with requests.Session() as session:
        expect_redirect(journeys.sign_up(session, base, username), "/", "sign-up")
        header = next(csv.reader(io.StringIO(session.get(f"{base}/import/template.csv").text)))
        token = journeys.csrf_token(session.get(f"{base}/import/").text)
        response = session.post(
            f"{base}/import/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("history.csv", history_csv(header, rng, today), "text/csv")},
            allow_redirects=False,
        )
        expect_redirect(response, "/episodes/", "import")
        # One CSRF token serves every POST of this session.
        token = journeys.csrf_token(session.get(f"{base}/checkins/today/").text)
        for back in range(CHECKIN_DAYS):
            if rng.random() > 2 / 3:
                continue
            day = today - dt.timedelta(days=back)
            data = {
                "csrfmiddlewaretoken": token,
                "date": day.isoformat(),
                "fluid_ml": str(rng.choice([900, 1500, 2100])),
                "exercise_minutes": str(rng.choice([0, 20, 45])),
                "sleep_hours": str(rng.choice([5.5, 7, 8])),
                "stretched": "on" if rng.random() < 0.5 else "",
            }
            response = session.post(f"{base}/checkins/{day}/", data=data, allow_redirects=False)
            expect_redirect(response, "/checkins/", f"check-in {day}")
        # The pages the load test opens, once: they show the history, and every worker
        # has loaded its code and templates before the timed run, as on a server that has
        # been up a while.
        for path in ("/", "/episodes/quick/", "/episodes/new/", "/patterns/", "/report/"):
            response = session.get(f"{base}{path}", allow_redirects=False)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} for {username}")


def make_accounts(stack: Stack, count: int) -> list[str]:
    """`count` accounts with history, made in parallel, spread over the instances."""
    prefix = f"load{uuid.uuid4().hex[:6]}"
    usernames = [f"{prefix}_{index:03d}" for index in range(count)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [
            pool.submit(make_account, stack.urls[index % len(stack.urls)], name, index)
            for index, name in enumerate(usernames)
        ]
        for future in futures:
            future.result()
    return usernames


# Locust and its figures -------------------------------------------------------------


@dataclass
class Row:
    """One line of a table; percentiles as text ("N/A" when locust has none)."""

    name: str
    requests: int
    failures: int
    rps: float
    p50: str
    p95: str
    p99: str
    max: str


def run_locust(args: argparse.Namespace, stack: Stack, workdir: Path) -> Path:
    """Run locust headless for the fixed time; returns the directory of its results.
    Locust's own --csv files are kept for their history (with --keep), the figures are
    read from the final_*.csv files the locustfile writes when locust quits."""
    prefix = workdir / "stats"
    out_dir = workdir / "out"
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "LOADTEST_URLS": ",".join(stack.urls),
        "LOADTEST_ACCOUNTS": str(workdir / "accounts.txt"),
        "LOADTEST_OUT": str(out_dir),
    }
    command = [
        LOCUST,
        "-f",
        "loadtest/locustfile.py",
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.seconds}s",
        "--host",
        stack.urls[0],
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log = workdir / "locust.log"
    with log.open("w") as handle:
        result = subprocess.run(
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False
        )
    # Locust exits with 1 when a request failed; the figures say which.
    if result.returncode not in (0, 1) or not (out_dir / "final_stats.csv").exists():
        print(log.read_text(), file=sys.stderr)
        raise RuntimeError(f"locust exited with {result.returncode}")
    return out_dir


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def locust_rows(out_dir: Path) -> list[Row]:
    """Locust's own figures for the whole run (its percentiles are rounded: to 10 ms
    above 100 ms, to 100 ms above 1 s)."""
    return [
        Row(
            name=line["Name"],
            requests=int(line["Request Count"]),
            failures=int(line["Failure Count"]),
            rps=float(line["Requests/s"]),
            p50=line["50%"],
            p95=line["95%"],
            p99=line["99%"],
            max=f"{float(line['Max Response Time']):.0f}",
        )
        for line in read_csv(out_dir / "final_stats.csv")
    ]


@dataclass
class Sample:
    start: float  # epoch seconds
    ms: float
    ok: bool
    name: str


def read_samples(out_dir: Path) -> list[Sample]:
    samples = []
    for path in sorted(out_dir.glob("requests-*.csv")):
        for line in path.read_text().splitlines():
            start, ms, ok, name = line.split(",", 3)
            samples.append(Sample(float(start), float(ms), ok == "1", name))
    return samples


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def sample_rows(samples: list[Sample], seconds: float) -> list[Row]:
    """Per request name and aggregated, like locust's table, computed exactly."""
    groups: dict[str, list[Sample]] = collections.defaultdict(list)
    for sample in samples:
        groups[sample.name].append(sample)
    rows = []
    for name, group in [*sorted(groups.items()), ("Aggregated", samples)]:
        ms = sorted(sample.ms for sample in group)
        rows.append(
            Row(
                name=name,
                requests=len(group),
                failures=sum(not sample.ok for sample in group),
                rps=len(group) / seconds,
                p50=f"{percentile(ms, 50):.0f}",
                p95=f"{percentile(ms, 95):.0f}",
                p99=f"{percentile(ms, 99):.0f}",
                max=f"{ms[-1]:.0f}",
            )
        )
    return rows


def steady_state(samples: list[Sample]) -> tuple[list[Sample], float, float]:
    """The requests sent once every simulated person had signed in: (those requests,
    seconds from the first request to that moment, seconds from it to the last)."""
    first = min(sample.start for sample in samples)
    last = max(sample.start + sample.ms / 1000 for sample in samples)
    signed_in = max(
        (s.start + s.ms / 1000 for s in samples if s.name == "log in: save"), default=first
    )
    steady = [sample for sample in samples if sample.start >= signed_in]
    return steady, signed_in - first, last - signed_in


def print_table(rows: list[Row]) -> None:
    width = max(len(row.name) for row in rows)
    print(
        f"{'request':<{width}}  {'requests':>8}  {'failures':>8}  {'req/s':>6}  "
        f"{'p50 ms':>6}  {'p95 ms':>6}  {'p99 ms':>6}  {'max ms':>6}"
    )
    for row in rows:
        if row.name == "Aggregated":
            print("-" * (width + 62))
        print(
            f"{row.name:<{width}}  {row.requests:>8}  {row.failures:>8}  {row.rps:>6.1f}  "
            f"{row.p50:>6}  {row.p95:>6}  {row.p99:>6}  {row.max:>6}"
        )


def print_targets(rows: list[Row], label: str) -> None:
    by_name = {row.name: row for row in rows}
    for name, target in TARGETS_MS.items():
        row = by_name.get(name)
        if row is None or row.p95 == "N/A":
            print(f"target ({label}) {name}: no requests")
            continue
        verdict = "met" if float(row.p95) < target else "MISSED"
        print(f"target ({label}) {name}: p95 {row.p95} ms, under {target} ms: {verdict}")


def failure_lines(out_dir: Path) -> tuple[int, list[str]]:
    """(task errors, lines describing each kind of failed request and task error)."""
    lines = [
        f"  {line['Occurrences']:>5} x {line['Method']} {line['Name']}: {line['Error']}"
        for line in read_csv(out_dir / "final_failures.csv")
    ]
    exceptions = read_csv(out_dir / "final_exceptions.csv")
    for line in exceptions:
        lines.append(f"  {line['Count']:>5} x task error: {line['Message']}")
    return sum(int(line["Count"]) for line in exceptions), lines


# Acknowledged episodes against the database -------------------------------------------


def check_acknowledged(stack: Stack, ack_dir: Path) -> tuple[int, int, int, int]:
    """(acknowledged, of them in the database, missing, duplicated)."""
    acked = [
        uuid.UUID(line)
        for path in sorted(ack_dir.glob("acked-*.txt"))
        for line in path.read_text().split()
    ]
    in_db = collections.Counter(stack.episode_uids())
    present = sum(1 for uid in acked if in_db[uid] >= 1)
    duplicated = sum(1 for uid in acked if in_db[uid] > 1)
    return len(acked), present, len(acked) - present, duplicated


# What the gunicorn logs show when something went wrong: a 5xx in the access log
# ('"GET / HTTP/1.1" 500 ...'), a traceback, a worker killed for taking too long.
SERVER_TROUBLE = ('" 5', "Traceback", "WORKER TIMEOUT", "SIGKILL", "Error handling request")


def server_errors(stack: Stack) -> int:
    """Lines of the gunicorn logs that speak of a 5xx answer, a traceback or a worker
    that had to be killed."""
    lines = stack.log_text().splitlines()
    return sum(1 for line in lines if any(mark in line for mark in SERVER_TROUBLE))


def access_lines(stack: Stack) -> list[int]:
    """How many requests each instance has logged so far (its access log, one per line)."""
    return [
        sum(1 for line in path.read_text(errors="replace").splitlines() if ' HTTP/1.1" ' in line)
        for path in stack.logs
    ]


def resent(out_dir: Path) -> int:
    """Requests the load client sent twice, as a browser would (locustfile.BrowserAdapter)."""
    return sum(len(path.read_text().splitlines()) for path in out_dir.glob("resent-*.txt"))


# CPU accounting (Linux /proc), to tell whether the run had the machine to itself ------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# Processes of the database servers (all of their databases, not only the scratch one).
DATABASE_PROCESSES = {"postgres", "redis-server"}


@dataclass
class Process:
    name: str
    parent: int
    cpu: float  # seconds, user + system


def read_processes() -> dict[int, Process]:
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 1 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        processes[int(entry.name)] = Process(name, int(fields[1]), cpu)
    return processes


def descendants(processes: dict[int, Process], root: int) -> list[int]:
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, process in processes.items():
        children[process.parent].append(pid)
    found, todo = [], list(children[root])
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children[pid])
    return found


@dataclass
class CpuSnapshot:
    """The machine's CPU seconds so far (busy, idle, and steal: time the hypervisor gave
    to someone else), locust's once it has ended, and every live process's."""

    busy: float
    idle: float
    steal: float
    locust: float
    processes: dict[int, Process]

    @classmethod
    def now(cls) -> CpuSnapshot:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = ticks
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, once waited for
        return cls(
            busy=(user + nice + system + irq + softirq + steal) / CLOCK_TICKS,
            idle=(idle + iowait) / CLOCK_TICKS,
            steal=steal / CLOCK_TICKS,
            locust=children.ru_utime + children.ru_stime,
            processes=read_processes(),
        )


def print_cpu(before: CpuSnapshot, after: CpuSnapshot) -> None:
    """Where the machine's CPU went between two snapshots. A process that ended in
    between is only in "anything else"."""

    def used(pid: int) -> float:
        old = before.processes.get(pid)
        new = after.processes[pid]
        return new.cpu - (old.cpu if old and old.name == new.name else 0.0)

    busy, idle = after.busy - before.busy, after.idle - before.idle
    gunicorn = sum(used(pid) for pid in descendants(after.processes, os.getpid()))
    databases = sum(used(pid) for pid, p in after.processes.items() if p.name in DATABASE_PROCESSES)
    locust = after.locust - before.locust
    other = busy - gunicorn - locust - databases
    print(
        f"CPU in the timed run: {busy + idle:.0f} CPU-s available, busy {busy:.1f} "
        f"({100 * busy / (busy + idle):.0f} %): gunicorn {gunicorn:.1f}, locust {locust:.1f}, "
        f"PostgreSQL+Redis servers {databases:.1f}, anything else on the machine "
        f"{other:.1f}; steal {after.steal - before.steal:.1f}"
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    redis_url = None
    if args.postgres:
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            # Our own scratch Redis database: emptied so no old sessions or cache linger.
            import redis

            redis_url = DEFAULT_REDIS_URL
            redis.Redis.from_url(redis_url).flushdb()
    database = "PostgreSQL+Redis" if args.postgres else "SQLite"
    plural = "s" if args.instances > 1 else ""
    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}")
    print(
        f"mode: {database}, {args.instances} instance{plural}, gunicorn {args.workers} "
        f"worker(s) x {args.threads} threads per instance (gthread)"
    )
    print(
        f"load: {args.users} users, spawn rate {args.spawn_rate}/s, {args.seconds} s, "
        "think time 2-6 s (loadtest/locustfile.py)"
    )
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="cj-load-") as tmp,
        running_stack(
            args.instances, args.postgres, redis_url, args.workers, args.threads
        ) as stack,
    ):
        workdir = Path(tmp)
        print(f"stack up in {time.monotonic() - started:.1f} s: {', '.join(stack.urls)}")

        phase = time.monotonic()
        usernames = make_accounts(stack, args.users)
        (workdir / "accounts.txt").write_text("\n".join(usernames) + "\n")
        print(
            f"{len(usernames)} accounts with history ({HISTORY_EPISODES} episodes, check-ins) "
            f"in {time.monotonic() - phase:.1f} s"
        )

        phase, cpu_before, logged_before = time.monotonic(), CpuSnapshot.now(), access_lines(stack)
        out_dir = run_locust(args, stack, workdir)
        print(f"locust ran for {time.monotonic() - phase:.1f} s")
        print_cpu(cpu_before, CpuSnapshot.now())
        served = [n - m for n, m in zip(access_lines(stack), logged_before, strict=True)]
        print(f"requests served per instance (access logs): {', '.join(map(str, served))}")

        rows = locust_rows(out_dir)
        print("\nwhole run, everyone signing in at the start included (locust's figures):")
        print_table(rows)
        samples = read_samples(out_dir)
        if not samples:
            raise RuntimeError("locust sent no request: see its log with --keep")
        if rows[-1].requests != len(samples):
            print(f"NOTE: locust counted {rows[-1].requests} requests, the log has {len(samples)}")
        steady, warm_up, length = steady_state(samples)
        steady_rows = sample_rows(steady, length) if steady else []
        print(
            f"\nsteady state: requests sent after the last person had signed in "
            f"({warm_up:.1f} s into the run), the last {length:.1f} s:"
        )
        if steady_rows:
            print_table(steady_rows)
        else:
            print("(none: the run ended before that)")
        print()
        # Exact percentiles here (locust's table rounds 150.4 ms to 150).
        print_targets(sample_rows(samples, warm_up + length), "whole run")
        print_targets(steady_rows, "steady state")

        failures = sum(row.failures for row in rows if row.name != "Aggregated")
        task_errors, lines = failure_lines(out_dir)
        errors = failures + task_errors
        print(f"errors: {errors} ({failures} failed requests, {task_errors} task errors)")
        for line in lines:
            print(line)
        print(
            f"resent once, as a browser does, after the server closed a kept-alive "
            f"connection just as the request left: {resent(out_dir)}"
        )
        trouble = server_errors(stack)
        print(f"server log: {trouble} lines with a 5xx, a traceback or a killed worker")

        acked, present, missing, duplicated = check_acknowledged(stack, out_dir)
        print(
            f"acknowledged episodes: {acked}, in the database: {present}, "
            f"missing: {missing}, duplicated: {duplicated}"
        )
        saves = sum(
            1 for s in samples if s.ok and s.name.endswith(": save") and "log in" not in s.name
        )
        if saves != acked:
            print(f"NOTE: {saves} successful saves in the stats but {acked} client ids recorded")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            kept = [*workdir.glob("stats*"), *out_dir.iterdir(), workdir / "locust.log"]
            for path in [*kept, *stack.logs]:
                shutil.copy(path, args.keep)
            print(f"kept locust's CSV files and the logs in {args.keep}")
    print(f"total time: {time.monotonic() - started:.1f} s")
    return 1 if errors or trouble or missing or duplicated or not acked else 0


if __name__ == "__main__":
    sys.exit(main())
