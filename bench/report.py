"""Benchmark of the clinician report's PDF: a year with 400 episodes, and a sample page.

Run by hand, not by the test suite:

    .venv/bin/python bench/report.py [--runs 5] [--png docs/report-page-1.png]

It builds a scratch SQLite database (or uses DATABASE_URL, which must name an EMPTY
scratch database, as for bench/dashboard.py), fills one account with 400 episodes and
300 check-ins over the last year, and times the PDF download (POST /report/pdf/, range
"Last 12 months") through the test client: the query work, the template and WeasyPrint.
Target (from the issue): under 3 s. With --png it also seeds the seed_demo account and
writes the first page of its default (90-day) report as a PNG, for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

import dashboard as base  # bench/dashboard.py: the scratch database and fake accounts

TARGET_SECONDS = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed PDFs (default 5, at most 9)")
    parser.add_argument("--png", type=Path, help="write page 1 of the demo report here")
    args = parser.parse_args()
    if not 1 <= args.runs <= 9:
        parser.error("--runs must be 1 to 9 (the PDF is rate-limited to 10 a minute)")
    return args


def main() -> int:
    return base.with_django(run, parse_args())


def pdf_of(user, data: dict) -> bytes:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.post("/report/pdf/", data)
    if response.status_code != 200:
        raise RuntimeError(f"POST /report/pdf/ answered {response.status_code}")
    return response.content


def run(args: argparse.Namespace) -> int:
    import pypdf

    base.allow_test_client_host()
    base.prepare_database()
    # One year of data rather than the dashboard benchmark's five.
    base.SPAN_DAYS = 365
    user = base.create_account(base.AccountSpec("year", 400, 300), random.Random(1))
    data = {"range": "12m", "name": "Bench"}
    pdf_of(user, data)  # warm-up: WeasyPrint's first import, fonts, templates
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        content = pdf_of(user, data)
        seconds.append(time.perf_counter() - start)
    pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
    median = statistics.median(seconds)
    print("CrampJournal report PDF benchmark")
    print(f"  account   400 episodes, 300 check-ins over {base.SPAN_DAYS} days")
    print(f"  pdf       range 12m, {pages} pages, {len(content):,} bytes")
    print(
        f"  seconds   median {median:.2f}, min {min(seconds):.2f}, max {max(seconds):.2f}"
        f" over {args.runs} runs (after one warm-up)"
    )
    met = median < TARGET_SECONDS
    print(f"  target    under {TARGET_SECONDS:.0f} s: {'met' if met else 'missed'}")
    if args.png:
        write_demo_page(args.png)
    return 0 if met else 1


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
