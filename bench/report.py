"""Benchmark of the clinician report's PDF and of the CSV import, at a normal size and
at the worst the bounds allow (issue 13, finding 5).

Run by hand, not by the test suite:

    .venv/bin/python bench/report.py [--runs 5] [--only year|bounds|import]
        [--render-seconds S] [--png docs/report-page-1.png]

It builds a scratch SQLite database (or uses DATABASE_URL, which must name an EMPTY
scratch database, as for bench/patterns.py) and measures, through the test client:

- year: a year with 400 episodes and 300 check-ins, range "Last 12 months": the median
  PDF download (queries, template, the render in its own process), and the CPU time the
  renderer itself used (on a busy machine the wall-clock time includes waiting for a
  core; the CPU time does not). Target: under 1.5 s.
- bounds: the renderer's start-up (three one-line reports: the first starts the renderer
  server, the others are forked from it), and the worst inputs the limits
  allow: the episode list's ceiling (clinician.MAX_EPISODES episodes in 30 days), first
  without notes, then 100 and then all of them with a note of MAX_NOTE_LENGTH characters.
  Each prints its time, its outcome (the PDF, or 413 when the render limit stopped it),
  the renderer's peak RSS (as journal.reports.pdf logs it: the largest so far, so the
  scenarios run from small to large; none is logged for a render the limits stopped)
  and the server process's own peak (VmHWM).
  --render-seconds raises settings.PDF_RENDER_SECONDS to see how long an unstopped
  render would take.
- import: a file at the import's ceilings (episodes_import.MAX_ROWS rows, notes filling
  it towards MAX_BYTES): its time, the server process's peak memory, and the longest
  wait of another person's episode saved meanwhile from a second thread (on SQLite the
  import's transaction holds the one write lock).

With --png it also seeds the seed_demo account and writes the first page of its default
(90-day) report as a PNG, for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import random
import statistics
import sys
import threading
import time
import zoneinfo
from pathlib import Path

import patterns as base  # bench/patterns.py: the scratch database and fake accounts

TARGET_SECONDS = 1.5
NOTE_WORDS = "Woke with the left calf locked, stretched it against the wall, walked it off. "


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed PDFs (default 5, at most 9)")
    parser.add_argument("--only", choices=["year", "bounds", "import"], help="one part only")
    parser.add_argument("--render-seconds", type=float, help="override settings.PDF_RENDER_SECONDS")
    parser.add_argument("--png", type=Path, help="write page 1 of the demo report here")
    args = parser.parse_args()
    if not 1 <= args.runs <= 9:
        parser.error("--runs must be 1 to 9 (the PDF is rate-limited to 10 a minute)")
    return args


def main() -> int:
    return base.with_django(run, parse_args())


def post_pdf(user, data: dict):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.post("/report/pdf/", data)


def pdf_of(user, data: dict) -> bytes:
    response = post_pdf(user, data)
    if response.status_code != 200:
        raise RuntimeError(f"POST /report/pdf/ answered {response.status_code}")
    return response.content


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    global PEAKS
    PEAKS = RendererPeaks()

    base.allow_test_client_host()
    base.prepare_database()
    if args.render_seconds:
        settings.PDF_RENDER_SECONDS = args.render_seconds
    print("CrampJournal report PDF and import benchmark")
    print(
        f"  limits    render {settings.PDF_RENDER_SECONDS} s, {settings.PDF_RENDER_MEMORY_MB} MB;"
        f" {settings.PDF_RENDERS_AT_ONCE} at once"
    )
    met = True
    if args.only in (None, "year"):
        met = measure_year(args.runs)
    if args.only in (None, "bounds"):
        measure_bounds()
    if args.only in (None, "import"):
        measure_import()
    if args.png:
        write_demo_page(args.png)
    return 0 if met else 1


def measure_year(runs: int) -> bool:
    import pypdf

    year = base.AccountSpec("year", 400, 300, span_days=365)
    user = base.create_account(year, random.Random(1))
    data = {"range": "12m", "name": "Bench"}
    pdf_of(user, data)  # warm-up: templates, the database's caches
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        content = pdf_of(user, data)
        seconds.append(time.perf_counter() - start)
    cpu = PEAKS.cpu[-runs:] if PEAKS else []
    pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
    median = statistics.median(seconds)
    print(f"  year      400 episodes, 300 check-ins over {year.span_days} days")
    print(f"  pdf       range 12m, {pages} pages, {len(content):,} bytes")
    print(
        f"  seconds   median {median:.2f}, min {min(seconds):.2f}, max {max(seconds):.2f}"
        f" over {runs} runs (after one warm-up)"
    )
    if cpu:
        print(
            f"  renderer  CPU median {statistics.median(cpu):.2f} s,"
            f" min {min(cpu):.2f}, max {max(cpu):.2f}"
        )
    met = median < TARGET_SECONDS
    print(f"  target    under {TARGET_SECONDS} s: {'met' if met else 'missed'}")
    return met


# Memory -----------------------------------------------------------------------------------


class RendererPeaks(logging.Handler):
    """The renderers' peak RSS and CPU time, as journal.reports.pdf logs them after each
    PDF (they are forked from the renderer server, so getrusage(RUSAGE_CHILDREN) cannot
    see them)."""

    def __init__(self) -> None:
        super().__init__()
        self.peaks: list[float] = []
        self.cpu: list[float] = []
        logger = logging.getLogger("journal.reports.pdf")
        logger.addHandler(self)
        logger.setLevel(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("PDF rendered; renderer peak RSS"):
            self.peaks.append(float(record.args[0]))
            self.cpu.append(float(record.args[1]))


PEAKS: RendererPeaks | None = None


def children_peak_mb() -> float:
    """The largest peak RSS of any renderer so far."""
    return max(PEAKS.peaks, default=0.0) if PEAKS else 0.0


def reset_own_peak() -> None:
    """Start this process's VmHWM again from its present RSS (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as file:
        file.write("5")


def own_peak_mb() -> float:
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# The worst PDFs ---------------------------------------------------------------------------


def crowded_account(name: str, episodes: int, notes: int, days: int = 30):
    """An account with ``episodes`` spread over the last ``days`` days, the first
    ``notes`` of them with a note as long as a note may be."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from journal.models import MAX_NOTE_LENGTH, Episode, Profile, local_fields

    zone = zoneinfo.ZoneInfo(base.TIME_ZONE)
    note = (NOTE_WORDS * (MAX_NOTE_LENGTH // len(NOTE_WORDS) + 1))[:MAX_NOTE_LENGTH]
    user = get_user_model().objects.create_user(f"bench-{name}")
    Profile.objects.create(user=user, time_zone=base.TIME_ZONE)
    now = timezone.now()
    step = dt.timedelta(days=days) / (episodes + 1)
    rows = []
    for i in range(episodes):
        started_at = now - step * (i + 1)
        rows.append(
            Episode(
                owner=user,
                started_at=started_at,
                duration_seconds=90,
                body_region="calf",
                side="left",
                intensity=6,
                activity="asleep",
                notes=note if i < notes else "",
                **local_fields(started_at, zone),
            )
        )
    Episode.objects.bulk_create(rows)
    return user


def timed_pdf(label: str, user, data: dict) -> None:
    import pypdf

    before = children_peak_mb()
    reset_own_peak()
    start = time.perf_counter()
    response = post_pdf(user, data)
    seconds = time.perf_counter() - start
    own = own_peak_mb()
    child = children_peak_mb()
    if response.status_code == 200:
        pages = len(pypdf.PdfReader(io.BytesIO(response.content)).pages)
        outcome = f"PDF, {pages} pages, {len(response.content):,} bytes"
    elif response.status_code == 413:
        outcome = "413 too large: the render limit stopped it"
    else:
        outcome = f"answered {response.status_code}"
    grew = f"{child:.0f} MB" if child > before else f"at most {child:.0f} MB"
    print(f"  {label}")
    print(f"            {seconds:.2f} s; {outcome}")
    print(f"            renderer peak RSS {grew}; server process peak {own:.0f} MB")


def measure_bounds() -> None:
    from django.conf import settings

    from journal.reports import clinician, pdf

    tiny = (
        '<!doctype html><html lang="en"><title>One line</title><body><p>One line.</p></body></html>'
    )
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        pdf.render_pdf(tiny)
        seconds.append(time.perf_counter() - start)
    print(
        f"  start-up  a one-line PDF, the first starting the renderer server:"
        f" {', '.join(f'{s:.2f}' for s in seconds)} s; peak RSS {children_peak_mb():.0f} MB"
    )
    ceiling = clinician.MAX_EPISODES
    cases = [
        (f"{ceiling} episodes in 30 days, notes left out", ceiling, 0, False),
        (
            f"{ceiling} episodes in 30 days, 100 of them with 5,000-character notes",
            ceiling,
            100,
            True,
        ),
        (
            f"{ceiling} episodes in 30 days, every one with a 5,000-character note",
            ceiling,
            ceiling,
            True,
        ),
    ]
    for index, (label, episodes, notes, include) in enumerate(cases):
        user = crowded_account(f"bounds-{index}", episodes, notes)
        data = {"range": "30d", "name": "Bench"} | ({"include_notes": "on"} if include else {})
        timed_pdf(label, user, data)
    print(f"            (render limit {settings.PDF_RENDER_SECONDS} s)")


# The import at its ceilings -----------------------------------------------------------------


def ceiling_file() -> tuple[bytes, int]:
    """MAX_ROWS rows in the export's format, notes filling the file towards MAX_BYTES."""
    import csv

    from journal.reports import episodes_csv, episodes_import

    rng = random.Random(2)
    zone = zoneinfo.ZoneInfo(base.TIME_ZONE)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(episodes_import.MAX_ROWS):
        started = (now - dt.timedelta(hours=3 * i + 1)).astimezone(zone)
        cells = dict.fromkeys(episodes_csv.HEADER, "") | {
            "started_at": started.isoformat(timespec="seconds"),
            "duration_seconds": str(rng.randint(20, 900)),
            "still_going": "false",
            "body_region": rng.choice(("calf", "foot", "hamstring")),
            "side": rng.choice(("left", "right")),
            "intensity": str(rng.randint(1, 10)),
            "activity": "asleep",
            "broke_sleep": "true",
            "triggers": "dehydration;heat",
            "symptoms": "numbness",
            "relief": "stretch=2;massage=1",
            "medications_taken": "Magnesium",
        }
        rows.append(cells)

    def write(note: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(episodes_csv.HEADER)
        for cells in rows:
            writer.writerow([note if name == "notes" else cells[name] for name in cells])
        return out.getvalue().encode()

    # Two passes: the rows without notes, then notes sharing out the bytes left.
    spare = episodes_import.MAX_BYTES - len(write(""))
    length = max(0, spare // len(rows) - 3)  # a note with commas is quoted: 2 more
    note = (NOTE_WORDS * (length // len(NOTE_WORDS) + 1))[:length].strip()
    data = write(note)
    assert len(data) <= episodes_import.MAX_BYTES, len(data)
    return data, len(rows)


class Writer(threading.Thread):
    """Another person saving an episode every 50 ms while the import runs: the longest
    any one save took is what they would notice."""

    def __init__(self, user) -> None:
        super().__init__(daemon=True)
        self.user = user
        self.stop = threading.Event()
        self.longest = 0.0
        self.saves = 0

    def run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from journal.models import Episode

        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                Episode.objects.create(
                    owner=self.user,
                    started_at=timezone.now(),
                    body_region="calf",
                    side="left",
                    intensity=3,
                )
                self.longest = max(self.longest, time.perf_counter() - start)
                self.saves += 1
                self.stop.wait(0.05)
        finally:
            connection.close()


def measure_import() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from journal.models import Profile
    from journal.reports import episodes_import

    data, rows = ceiling_file()
    people = []
    for name in ("importer", "neighbour"):
        person = get_user_model().objects.create_user(f"bench-{name}")
        Profile.objects.create(user=person, time_zone=base.TIME_ZONE)
        people.append(person)
    importer, neighbour = people
    zone = zoneinfo.ZoneInfo(base.TIME_ZONE)
    writer = Writer(neighbour)
    writer.start()
    time.sleep(0.2)
    reset_own_peak()
    before = own_peak_mb()
    start = time.perf_counter()
    result = episodes_import.import_episodes(importer, data, zone)
    seconds = time.perf_counter() - start
    peak = own_peak_mb()
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    if not result.ok:
        raise RuntimeError(
            f"the ceiling file was refused: {result.file_error or result.errors[:3]}"
        )
    print(f"  import    {rows:,} rows, {len(data):,} bytes ({connection.vendor})")
    print(f"            {seconds:.2f} s; {result.imported:,} imported")
    print(f"            server process peak {peak:.0f} MB ({peak - before:+.0f} MB during it)")
    print(
        f"            another person's save meanwhile: longest {writer.longest * 1000:.0f} ms"
        f" over {writer.saves} saves"
    )


def write_demo_page(path: Path) -> None:
    """Seed the demo account (a fixed year) and save page 1 of its report as a PNG."""
    import pypdfium2
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    until = dt.date.today()  # noqa: DTZ011 - the demo ends "today" wherever it runs
    call_command(
        "seed_demo",
        "--username=demo",
        "--password=demo-pass-123",
        f"--until={until}",
        stdout=io.StringIO(),
    )
    demo = get_user_model().objects.get(username="demo")
    content = pdf_of(demo, {"range": "90d", "name": "Demo"})
    page = pypdfium2.PdfDocument(content)[0]
    image = page.render(scale=1.6).to_pil()
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    print(f"  page 1 of the demo report written to {path}")


if __name__ == "__main__":
    sys.exit(main())
