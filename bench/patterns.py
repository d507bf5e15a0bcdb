"""Benchmark of the Patterns page (/patterns/): 5,000 episodes against 50.

Run by hand, not by the test suite:

    .venv/bin/python bench/patterns.py [--requests 20] [--range all|12m|90d|30d] [--profile]

By default it builds a fresh SQLite file in a temporary directory and deletes it at the
end. To measure PostgreSQL instead, point DATABASE_URL at an EMPTY SCRATCH database; the
script creates the tables there with ``migrate``, fills it with two fake accounts and
leaves it behind, so drop it afterwards:

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE cj_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cj_bench .venv/bin/python bench/patterns.py
    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE cj_bench"

DATABASE_URL=sqlite:////tmp/x.sqlite3 (a file that does not exist yet) works too. The
script refuses any database that already has tables, so it cannot touch real data.

Targets (from the issue): a median under 60 ms at 5,000 episodes, and no more than twice
the time of a 50-episode account. The chosen range (default "all", so every one of the
5,000 episodes is counted) and the Patterns page's default 90-day range are both measured.
The exit status is 1 when a target is missed. A missed median target, or --profile, adds
the slowest SQL and the costliest functions of one request.

What a timed request includes: URL routing, session, user and profile lookups, the view
and the template, through django.test.Client with DEBUG off. It leaves out the network,
the WSGI server and opening the database connection (the test client keeps it open).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

# Run as a file (bench/patterns.py), so the project root is not on sys.path by itself.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

TIME_ZONE = "Europe/London"
SPAN_DAYS = 5 * 365 + 1  # about five years, ending today
WARM_UPS = 3
MEDIAN_TARGET_MS = 60.0
FLAGS_TARGET_MS = 50.0
RATIO_TARGET = 2.0


@dataclass(frozen=True)
class AccountSpec:
    name: str
    episodes: int
    checkins: int
    span_days: int = 0  # 0: SPAN_DAYS


# The small account keeps the big one's check-in to episode ratio (1,800 : 5,000), so the
# only thing that differs between the two is how much there is.
# "decades" is the big account spread over 30 years: its all-time page draws months, and
# must cost no more than the big one (issue 16: at most 2x the small, same queries).
ACCOUNTS = (
    AccountSpec("big", 5000, 1800),
    AccountSpec("small", 50, 18),
    AccountSpec("decades", 5000, 1800, span_days=30 * 365),
)


# Command line and environment, before Django is set up -------------------------------


def configure_environment() -> tempfile.TemporaryDirectory | None:
    """Test settings and a throwaway SQLite file unless DATABASE_URL names a database.

    The settings module reads DATABASE_URL when it is imported, so this has to happen
    before django.setup(). Returns the temporary directory to clean up, if one was made.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings_test")
    if os.environ.get("DATABASE_URL"):
        return None
    scratch = tempfile.TemporaryDirectory(prefix="cj-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    return scratch


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests (default 20)")
    parser.add_argument(
        "--range",
        default="all",
        choices=["30d", "90d", "12m", "all"],
        help='Patterns page range to measure (default "all"); 90d is always measured too',
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one big-account request (done anyway when the median target is missed)",
    )
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def main() -> int:
    return with_django(run, parse_args())


def with_django(run_: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Set up Django on the scratch database, run, then delete the scratch database."""
    scratch = configure_environment()
    try:
        import django

        django.setup()
        return run_(args)
    finally:
        if scratch is not None:
            # Close the connection first: the SQLite file is in the directory.
            from django.db import connections

            connections.close_all()
            scratch.cleanup()


# After django.setup(), hence the imports inside functions -----------------------------


def run(args: argparse.Namespace) -> int:
    from journal.patterns.periods import DEFAULT_RANGE

    allow_test_client_host()
    prepare_database()
    print_header(args)
    rng = random.Random(1)
    users = {spec.name: create_account(spec, rng) for spec in ACCOUNTS}
    collect_planner_statistics()

    # The Patterns page's own default range is what most visits see, so it is always measured.
    ranges = [args.range] + ([DEFAULT_RANGE] if args.range != DEFAULT_RANGE else [])
    all_met = True
    for choice in ranges:
        results = [measure(users[spec.name], spec.name, choice, args.requests) for spec in ACCOUNTS]
        print_results(choice, results)
        big, small, decades = results
        all_met &= print_targets(big, small)
        all_met &= print_decades(decades, small)
        if args.profile or big.median_ms >= MEDIAN_TARGET_MS:
            profile_request(users["big"], choice)
    all_met &= measure_flags(users, args.requests)
    return 0 if all_met else 1


def allow_test_client_host() -> None:
    """Let the test client's "testserver" host in, without setup_test_environment().

    settings_test already allows it unless DJANGO_ALLOWED_HOSTS was set by hand.
    setup_test_environment() would also do it, but it instruments every template render
    (a signal per template, which the test client answers by copying the context), and
    that would inflate exactly the template time this benchmark wants to show.
    """
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def prepare_database() -> None:
    """Create the tables and the cache table, refusing any database that is not empty."""
    from django.core.management import call_command
    from django.db import connection

    existing = connection.introspection.table_names()
    if existing:
        sys.exit(
            f"Refusing to run: {connection.settings_dict['NAME']} already has "
            f"{len(existing)} tables. Point DATABASE_URL at an empty scratch database."
        )
    call_command("migrate", verbosity=0, interactive=False)
    # The DB cache backend needs its table; createcachetable skips it for other caches.
    call_command("createcachetable", verbosity=0)


def collect_planner_statistics() -> None:
    """ANALYZE on PostgreSQL, as autovacuum soon would on a live database.

    Straight after a bulk load the planner has no row counts yet and may pick plans that
    no running server would. SQLite is left as it is: Django never runs ANALYZE there.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def print_header(args: argparse.Namespace) -> None:
    from django.db import connection

    version = ".".join(str(part) for part in connection.get_database_version())
    where = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        where = f"{where} on {connection.settings_dict['HOST'] or 'local socket'}"
    print("CrampJournal Patterns page benchmark")
    print(f"  python    {platform.python_version()} ({platform.python_implementation()})")
    print(f"  machine   {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"  database  {connection.vendor} {version} ({where})")
    print(f"  settings  {os.environ['DJANGO_SETTINGS_MODULE']}")
    print(f"  requests  {WARM_UPS} warm-ups, then {args.requests} timed, per account and range")


# Data -------------------------------------------------------------------------------


def create_account(spec: AccountSpec, rng: random.Random) -> Any:
    """A user with a London profile, its episodes (with details) and check-ins."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from journal.models import CheckIn, Episode, Profile
    from journal.records.services import bulk_create_episode_details

    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    now = timezone.now()
    today = now.astimezone(zone).date()
    with transaction.atomic():
        user = get_user_model().objects.create_user(f"bench-{spec.name}", password=None)
        Profile.objects.create(user=user, time_zone=TIME_ZONE)
        span = spec.span_days or SPAN_DAYS
        plans = [random_episode(user, rng, zone, today, now, span) for _ in range(spec.episodes)]
        # Returns primary keys on SQLite (3.35+) and PostgreSQL, so details can refer to them.
        Episode.objects.bulk_create(plan.episode for plan in plans)
        bulk_create_episode_details(plans)
        # One check-in per local date at most, none after today.
        offsets = rng.sample(range(span), spec.checkins)
        CheckIn.objects.bulk_create(
            random_checkin(user, rng, today - dt.timedelta(days=offset)) for offset in offsets
        )
    return user


# Night cramps in the legs dominate real journals; daytime ones spread over the body.
NIGHT_REGIONS = (("calf", 6), ("foot", 3), ("hamstring", 1))
EXERCISE_REGIONS = (("hamstring", 4), ("quadriceps", 3), ("calf", 3), ("foot", 1))
DAY_REGIONS = (
    ("hand", 3),
    ("foot", 2),
    ("calf", 2),
    ("forearm", 1),
    ("neck", 1),
    ("lower_back", 1),
    ("upper_back", 1),
    ("abdomen", 1),
    ("shoulder", 0.5),
    ("upper_arm", 0.5),
    ("chest_wall", 0.5),
    ("other", 0.5),
)
MIDLINE = {"neck", "upper_back", "lower_back", "abdomen", "chest_wall", "other"}
SIDES = (("left", 9), ("right", 9), ("both", 2))
DAY_ACTIVITIES = (("resting", 3), ("sitting", 4), ("standing", 3), ("other", 1), ("", 1))
# (intensity 1-10, weight): most cramps are moderate, a few are the worst ever.
INTENSITIES = tuple(zip(range(1, 11), (1, 5, 9, 12, 13, 11, 8, 4, 2, 1), strict=True))
EXERCISE_TYPES = ("Running", "Cycling", "Swimming", "Football", "Gym", "Hiking", "Tennis")
NOTES = ("Woke me up.", "Had to stop.", "Out of nowhere.", "Both calves.", "At my desk.")


def pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def random_episode(
    user: Any,
    rng: random.Random,
    zone: dt.tzinfo,
    today: dt.date,
    now: dt.datetime,
    span: int = SPAN_DAYS,
) -> Any:
    """One unsaved episode (an EpisodePlan) on a random day of the span, plausibly shaped."""
    from journal.management.commands.seed_demo import random_duration
    from journal.models import Episode, ReliefMeasure, Symptom, Trigger, local_fields
    from journal.records.services import EpisodePlan

    day = today - dt.timedelta(days=rng.randrange(span))
    scenario = pick(rng, (("night", 55), ("exercise", 20), ("day", 25)))
    fields: dict[str, Any] = {}
    if scenario == "night":
        minute = rng.choice((rng.randint(22 * 60, 24 * 60 - 1), rng.randint(0, 6 * 60 - 1)))
        activity = "asleep" if rng.random() < 0.85 else "resting"
        region = pick(rng, NIGHT_REGIONS)
    elif scenario == "exercise":
        minute = rng.randint(7 * 60, 20 * 60)
        activity = rng.choice(("exercising", "after_exercise"))
        region = pick(rng, EXERCISE_REGIONS)
        intensity = rng.choice(("light", "moderate", "vigorous"))
        fields = {
            "exercise_type": rng.choice(EXERCISE_TYPES),
            "exercise_minutes": rng.randrange(20, 125, 5),
            "exercise_intensity": intensity,
            "heavy_sweating": rng.random() < (0.7 if intensity == "vigorous" else 0.25),
        }
    else:
        minute = rng.randint(8 * 60, 21 * 60)
        activity = pick(rng, DAY_ACTIVITIES)
        region = pick(rng, DAY_REGIONS)
    side = "na" if region in MIDLINE and rng.random() < 0.7 else pick(rng, SIDES)
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=zone)
    started_at = local.astimezone(dt.UTC)
    if started_at > now:
        # Later today has not happened yet; the journal refuses future episodes.
        started_at -= dt.timedelta(days=1)
    if rng.random() < 0.55:
        fields["fluid_ml"] = min(4000, max(500, round(rng.gauss(1900, 500) / 250) * 250))
        fields["electrolyte_drink"] = rng.choice((True, False, None))
    episode = Episode(
        owner=user,
        uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        started_at=started_at,
        **local_fields(started_at, zone),
        duration_seconds=random_duration(rng),
        body_region=region,
        side=side,
        intensity=pick(rng, INTENSITIES),
        activity=activity,
        broke_sleep=activity == "asleep" and rng.random() < 0.85,
        notes=rng.choice(NOTES) if rng.random() < 0.2 else "",
        **fields,
    )
    return EpisodePlan(
        episode=episode,
        triggers=rng.sample(Trigger.values, pick(rng, ((0, 4), (1, 4), (2, 2), (3, 1)))),
        symptoms=rng.sample(Symptom.values, pick(rng, ((0, 6), (1, 3), (2, 1)))),
        reliefs={
            measure: rng.choice((0, 1, 1, 2, 2))
            for measure in rng.sample(ReliefMeasure.values, pick(rng, ((0, 2), (1, 4), (2, 3))))
        },
    )


def random_checkin(user: Any, rng: random.Random, date: dt.date) -> Any:
    from journal.models import CheckIn

    exercised = rng.random() < 0.45
    return CheckIn(
        owner=user,
        date=date,
        fluid_ml=rng.choice((None, *range(800, 3600, 100))),
        electrolytes=rng.choice((True, False, False, None)),
        exercise_minutes=rng.randrange(20, 125, 5) if exercised else 0,
        exercise_intensity=rng.choice(("light", "moderate", "vigorous")) if exercised else "",
        sleep_hours=rng.choice((None, *(Decimal(h) / 2 for h in range(8, 20)))),
        stretched=rng.random() < 0.4,
        warmed_up=(rng.random() < 0.6) if exercised else None,
    )


# Measurement ------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    account: str
    episodes: int
    checkins: int
    in_range: int
    queries: int
    request_ms: list[float]
    build_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.request_ms)

    @property
    def p90_ms(self) -> float:
        if len(self.request_ms) < 2:
            return self.request_ms[0]
        return statistics.quantiles(self.request_ms, n=10, method="inclusive")[-1]

    @property
    def min_ms(self) -> float:
        return min(self.request_ms)

    @property
    def build_median_ms(self) -> float:
        return statistics.median(self.build_ms)


def timed(function: Callable[[], Any], repeats: int) -> list[float]:
    """Milliseconds per call, after WARM_UPS untimed calls (caches, compiled templates)."""
    for _ in range(WARM_UPS):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def patterns_getter(user: Any, choice: str) -> Callable[[], Any]:
    """A function that GETs /patterns/ as ``user`` and fails loudly on anything but 200."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = f"{reverse('patterns')}?range={choice}"

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return get


def builder(user: Any, choice: str) -> Callable[[], dict]:
    """The view's work without HTTP, middleware or template: the period, then build()."""
    from journal.patterns import page, stats
    from journal.patterns.periods import period_for

    zone = zoneinfo.ZoneInfo(user.profile.time_zone)
    today = dt.datetime.now(zone).date()

    def build() -> dict:
        first = stats.first_day(user)
        period = period_for(first, zone, choice, today)
        return page.build(user, period, user.profile.fluid_unit, first, today)

    return build


def measure(user: Any, account: str, choice: str, requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal.models import CheckIn, Episode

    get = patterns_getter(user, choice)
    request_ms = timed(get, requests)
    # Counted on a separate, untimed request: capturing forces the debug cursor, which
    # would add its own cost to the timings.
    with CaptureQueriesContext(connection) as captured:
        get()
    build = builder(user, choice)
    build_ms = timed(build, requests)
    return Result(
        account=account,
        episodes=Episode.objects.for_user(user).count(),
        checkins=CheckIn.objects.for_user(user).count(),
        in_range=build()["summary"].episodes,
        queries=len(captured.captured_queries),
        request_ms=request_ms,
        build_ms=build_ms,
    )


def flags_computer(user: Any, period: Any, first: dt.date | None) -> Callable[[], tuple]:
    """What the Patterns page does for its flags: load, evaluate, apply the review marks."""
    from journal.patterns import flags

    def compute() -> tuple:
        journal = flags.load(user, period, first)
        reviewed = flags.apply_reviews(flags.evaluate(journal), flags.reviews(user))
        return journal, reviewed.active

    return compute


def measure_flags(users: dict[str, Any], requests: int) -> bool:
    """journal.patterns.flags for each account: the current flags (the window the Patterns page and
    the clinician page show) and the flags over every record (a report of all time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal.patterns import flags, stats
    from journal.patterns.stats import Period

    print("\nflags (journal.patterns.flags: load, evaluate and review marks)")
    print("  account  window             episodes read  flags  median ms   p90 ms  queries")
    met = True
    for name, user in users.items():
        zone = zoneinfo.ZoneInfo(user.profile.time_zone)
        today = dt.datetime.now(zone).date()
        first = stats.first_day(user)
        windows = {
            "current (90 days)": flags.current_period(today, zone),
            "all records": Period(first or today, today, zone),
        }
        for label, period in windows.items():
            compute = flags_computer(user, period, first)
            samples = timed(compute, requests)
            with CaptureQueriesContext(connection) as captured:
                journal, raised = compute()
            median = statistics.median(samples)
            p90 = statistics.quantiles(samples, n=10)[-1]
            print(
                f"  {name:>7}  {label:<17}  {len(journal.cramps):>13,}  {len(raised):>5}"
                f"  {median:>9.1f}  {p90:>7.1f}  {len(captured.captured_queries):>7}"
            )
            if name == "big":
                met &= median < FLAGS_TARGET_MS
    verdict = "met" if met else "missed"
    print(f"  every 5,000-episode median < {FLAGS_TARGET_MS:.0f} ms: target {verdict}")
    return met


# Report -----------------------------------------------------------------------------

# (heading, width, format spec) of each column of the results table.
COLUMNS = (
    ("account", 7, ""),
    ("episodes", 8, ","),
    ("check-ins", 9, ","),
    ("in range", 8, ","),
    ("median ms", 9, ".1f"),
    ("p90 ms", 7, ".1f"),
    ("min ms", 7, ".1f"),
    ("build() ms", 10, ".1f"),
    ("queries", 7, ""),
)


def print_results(choice: str, results: list[Result]) -> None:
    print(f"\nrange={choice}")
    print("  " + "  ".join(f"{name:>{width}}" for name, width, _ in COLUMNS))
    for r in results:
        values = (
            r.account,
            r.episodes,
            r.checkins,
            r.in_range,
            r.median_ms,
            r.p90_ms,
            r.min_ms,
            r.build_median_ms,
            r.queries,
        )
        cells = [f"{v:>{w}{spec}}" for (_, w, spec), v in zip(COLUMNS, values, strict=True)]
        print("  " + "  ".join(cells))
    print("  build() ms is journal.patterns.page.build alone (the queries and the Python around")
    print("  them); the rest of a request is template rendering, middleware and session.")


def print_targets(big: Result, small: Result) -> bool:
    ratio = big.median_ms / small.median_ms
    median_met = big.median_ms < MEDIAN_TARGET_MS
    ratio_met = ratio <= RATIO_TARGET
    print(f"  big/small median ratio: {ratio:.2f}x")
    print(
        f"  median < {MEDIAN_TARGET_MS:.0f} ms at {big.episodes:,} episodes: "
        f"{big.median_ms:.1f} ms, target {'met' if median_met else 'missed'}"
    )
    print(
        f"  big <= {RATIO_TARGET:.0f}x small ({small.episodes} episodes): "
        f"{ratio:.2f}x, target {'met' if ratio_met else 'missed'}"
    )
    return median_met and ratio_met


def print_decades(decades: Result, small: Result) -> bool:
    """Thirty years of the same 5,000 episodes: months, not 1,560 weeks."""
    ratio = decades.median_ms / small.median_ms
    met = ratio <= RATIO_TARGET and decades.queries == small.queries
    print(
        f"  decades (5,000 episodes over 30 years) <= {RATIO_TARGET:.0f}x small, same queries: "
        f"{ratio:.2f}x, {decades.queries} against {small.queries} queries, "
        f"target {'met' if met else 'missed'}"
    )
    return met


def profile_request(user: Any, choice: str, top: int = 8) -> None:
    """Where one request's time goes: its slowest SQL, then its costliest functions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get = patterns_getter(user, choice)
    get()  # warm
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    total = sum(float(q["time"]) for q in queries) * 1000
    print(f"\n  profile of one big-account request, range={choice}")
    print(f"  SQL: {len(queries)} queries, {total:.0f} ms in the database; slowest:")
    for query in queries[:top]:
        sql = " ".join(query["sql"].split())
        print(
            f"    {float(query['time']) * 1000:4.0f} ms  {sql[:200]}{'…' if len(sql) > 200 else ''}"
        )
    profiler = cProfile.Profile()
    profiler.runcall(get)
    rows = [(where, *numbers[:4]) for where, numbers in pstats.Stats(profiler).stats.items()]
    total_s = max(row[4] for row in rows)
    print(f"  cProfile: {total_s * 1000:.0f} ms under the profiler; most own time:")
    for where, _, calls, own, _ in sorted(rows, key=lambda row: row[3], reverse=True)[:top]:
        print(f"    {own * 1000:6.1f} ms  {calls:7,} calls  {describe(where)}")
    print("  project functions, by time including callees:")
    ours = [row for row in rows if str(PROJECT_ROOT / "journal") in row[0][0]]
    for where, _, calls, _, cumulative in sorted(ours, key=lambda row: row[4], reverse=True)[:top]:
        print(f"    {cumulative * 1000:6.1f} ms  {calls:7,} calls  {describe(where)}")


def describe(where: tuple[str, int, str]) -> str:
    """file:line(function), with the project or site-packages prefix cut off."""
    filename, line, function = where
    for prefix in (f"{PROJECT_ROOT}/", "site-packages/"):
        if prefix in filename:
            filename = filename.split(prefix, 1)[1]
    return f"{filename}:{line}({function})" if line else function


if __name__ == "__main__":
    sys.exit(main())
