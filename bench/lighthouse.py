"""Google Lighthouse on the signed-in pages, served as in production: the scores and what
costs points.

Run by hand, from the project root (a measurement, not a test):

    .venv/bin/python -m bench.lighthouse [--runs 3] [--only-page home|quick|patterns]
        [--only-preset mobile|desktop] [--only-mode light|dark] [--keep DIR]

On first use it installs Lighthouse (the exact version in LIGHTHOUSE_VERSION) from the
npm registry into ~/.cache/crampjournal/lighthouse-<version> (outside git;
$XDG_CACHE_HOME is honoured), then runs its CLI with node against Debian's chromium
(CHROME_PATH, default /usr/bin/chromium), headless, with nothing but loopback to talk to.
A run takes about 15 s; the whole default set (3 pages x 2 presets x 2 modes x 3 runs)
about 10 minutes on a 2-core machine.

The app runs as `make serve` runs it (loadtest.servers.running_stack: gunicorn, DEBUG
off, WhiteNoise's compressed, hashed static files, a scratch SQLite file), with a demo
account seeded by `manage.py seed_demo` (a year of data). The script signs in once over
HTTP and hands the session cookie to Lighthouse, so every page measured is the signed-in
one: home (/), quick log (/episodes/quick/) and Patterns (/patterns/, its default
range), each with the mobile preset (Lighthouse's default: a mid-range phone on slow 4G,
simulated) and the desktop one, in light and in dark mode, --runs times each. Lighthouse
has no way to ask for a dark phone, so the dark runs set the demo account's own colour
choice (Profile.colour_mode) to dark: the server then writes data-bs-theme="dark" into
every page, as it does for anyone who chose it.

What it prints:
- one line per Lighthouse run as it ends (scores, metrics, Lighthouse's CPU benchmark);
- a table of medians per page and preset: the performance, accessibility and
  best-practices scores (0 to 1; SEO is not measured) and the FCP, LCP, TBT and CLS
  metrics, with the targets (performance >= 0.95, accessibility 1.0, best practices
  1.0) and where they are missed;
- the machine's CPU benchmark over the runs and Lighthouse's warnings: mobile scores
  depend on the machine (a busy one scores lower), so compare figures from one run;
- main-thread time by script per page and preset (what Total Blocking Time is made of);
- every audit that scored below 1 in any run: its id, title, category and weight (weight
  0: it costs no points by itself but points at metrics that do), where and how often,
  Lighthouse's display value, and the elements or files it names.

A run that Lighthouse itself fails (now and then it loses the trace of a page load,
NO_NAVSTART) is run again, twice at most, and said so. The exit status is 0 whatever the
scores; it is 2 only when Lighthouse (or the set-up around it: npm, the server, signing
in) fails. --keep DIR writes each run's JSON report there (the session cookie in it is
blanked; it was a scratch session anyway).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from loadtest import journeys
from loadtest.servers import _manage, running_stack

LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs node >= 22.19; this machine has node 20
CACHE_DIR = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "crampjournal"
    / f"lighthouse-{LIGHTHOUSE_VERSION}"
)
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new",
    # Root in a container: Chrome's sandbox needs user namespaces it does not get here.
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    # No calls home (field trials, component updates, sync, default apps) on a machine
    # without internet: they would only fail, slowly, in the middle of a measurement.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    # Even with the flags above Chrome looks up accounts.google.com, clients2.google.com
    # and update.googleapis.com. Every host name now fails at once, without DNS; the app
    # is reached by its IP address, which no rule touches. (Quoted: Lighthouse splits
    # --chrome-flags at the spaces outside quotes.)
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"',
)

PAGES = {"home": "/", "quick": "/episodes/quick/", "patterns": "/patterns/"}
PRESETS = ("mobile", "desktop")
MODES = ("light", "dark")
CATEGORIES = ("performance", "accessibility", "best-practices")
# Lighthouse's audit ids of the metrics printed, with the unit shown.
METRICS = {
    "FCP": ("first-contentful-paint", "ms"),
    "LCP": ("largest-contentful-paint", "ms"),
    "TBT": ("total-blocking-time", "ms"),
    "CLS": ("cumulative-layout-shift", ""),
}
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0}
DEMO_USERNAME = "demo"
# A run Lighthouse itself fails is run again, up to this many times.
RETRIES = 2
# A run takes 12-25 s here; one that hangs is ended (and run again) after this.
RUN_TIMEOUT_S = 180
# Items (elements, files, messages) shown per audit below 1; the JSON has them all.
MAX_ITEMS = 8


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page and preset (3)")
    parser.add_argument("--only-page", choices=sorted(PAGES), help="measure this page only")
    parser.add_argument("--only-preset", choices=PRESETS, help="measure this preset only")
    parser.add_argument("--only-mode", choices=MODES, help="measure this colour mode only")
    parser.add_argument("--keep", type=Path, help="write every run's JSON report here")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


class LighthouseFailed(RuntimeError):
    """Lighthouse (or what it needs) did not produce a usable report."""


class SignedOut(LighthouseFailed):
    """Lighthouse was shown the login page: running it again would change nothing."""


# Lighthouse itself ------------------------------------------------------------------


def lighthouse_cli() -> Path:
    """The pinned Lighthouse's CLI, installed from the npm registry on first use."""
    cli = CACHE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    manifest = CACHE_DIR / "node_modules" / "lighthouse" / "package.json"
    if cli.exists() and json.loads(manifest.read_text())["version"] == LIGHTHOUSE_VERSION:
        return cli
    npm = shutil.which("npm")
    if npm is None:
        raise LighthouseFailed("npm is not on PATH: install node 18.16+ and npm")
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {CACHE_DIR} ...", flush=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # --ignore-scripts: no dependency needs one, and none gets to run code at install.
    result = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(CACHE_DIR),
            "--save-exact",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not cli.exists():
        raise LighthouseFailed(f"npm install failed:\n{result.stdout}{result.stderr}")
    return cli


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise LighthouseFailed("node is not on PATH: install node 18.16+")
    return found


def version_of(command: list[str]) -> str:
    try:
        # Debian's chromium wrapper prints shell noise on stderr; the version is on stdout.
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    return result.stdout.strip() or "unknown"


def run_lighthouse(cli: Path, url: str, preset: str, headers: Path, out: Path) -> dict[str, Any]:
    """One Lighthouse run of one page: its report (the LHR) as a dict."""
    command = [
        node(),
        str(cli),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--extra-headers={headers}",
        # Sentry: Lighthouse's own crash reports would go to the internet.
        "--no-enable-error-reporting",
        # The JSON stays small: one full-page screenshot per run is megabytes and no score.
        "--disable-full-page-screenshot",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    out.unlink(missing_ok=True)  # a failed attempt's report must not pass for this one's
    process = subprocess.Popen(
        command,
        env=os.environ | {"CHROME_PATH": CHROME_PATH},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    except BaseException:
        # Chrome runs detached from node: SIGINT lets chrome-launcher end it, where a
        # kill would leave it running. (Ctrl-C sends node the same.)
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        raise
    report = json.loads(out.read_text()) if out.exists() else {}
    if report.get("runtimeError"):
        # e.g. NO_NAVSTART, "Something went wrong with recording the trace": the report
        # is written, without the trace-based audits.
        error = report["runtimeError"]
        raise LighthouseFailed(f"{error['code']}: {error['message']}")
    if process.returncode != 0 or not report:
        raise LighthouseFailed(f"lighthouse exited with {process.returncode}:\n{stderr[-3000:]}")
    final = report.get("finalDisplayedUrl", "")
    if final != url:
        # The login page instead of the journal: the session cookie did not work.
        raise SignedOut(f"lighthouse asked for {url} and was shown {final}")
    return report


def run_with_retries(
    cli: Path, url: str, preset: str, headers: Path, out: Path, retried: list[str]
) -> dict[str, Any]:
    """run_lighthouse, run again up to RETRIES times when Lighthouse itself fails.

    Lighthouse sometimes loses the trace of a page load (NO_NAVSTART, NO_FCP) and says
    to run it again (here 3 runs in about 60, on a busy machine). Each retry is
    recorded in `retried` and printed.
    """
    for attempt in range(RETRIES + 1):
        try:
            return run_lighthouse(cli, url, preset, headers, out)
        except SignedOut:
            raise
        except (LighthouseFailed, subprocess.TimeoutExpired) as error:
            reason = str(error).splitlines()[0]
            if attempt == RETRIES:
                raise LighthouseFailed(
                    f"{url} ({preset}) failed {RETRIES + 1} times, last: {error}"
                ) from error
            retried.append(reason)
            print(f"  lighthouse failed ({reason}); running it again", flush=True)
    raise AssertionError("unreachable")


# The app ----------------------------------------------------------------------------


def sign_in(base: str, password: str) -> str:
    """Sign the demo account in once (axes counts failures); its session id."""
    with requests.Session() as session:
        response = journeys.log_in(session, base, DEMO_USERNAME, password)
        if response.status_code != 302:
            raise LighthouseFailed(f"signing in answered {response.status_code}, not 302")
        # DJANGO_HTTPS=false in the stack, so the cookie is "sessionid", not "__Host-...".
        session_id = session.cookies.get("sessionid")
    if not session_id:
        raise LighthouseFailed("signing in set no sessionid cookie")
    return session_id


def set_colour_mode(env: dict[str, str], mode: str) -> None:
    """The demo account's own colour choice, which every page it is served follows."""
    _manage(
        env,
        "shell",
        "-c",
        "from journal.models import Profile; "
        f"Profile.objects.filter(user__username={DEMO_USERNAME!r}).update(colour_mode={mode!r})",
    )


def check_colour_mode(base: str, session_id: str, mode: str) -> None:
    """The pages are served in the mode asked for, or the figures would be mislabelled."""
    page = requests.get(base + "/", cookies={"sessionid": session_id}, timeout=30).text
    if ('data-bs-theme="dark"' in page) != (mode == "dark"):
        raise LighthouseFailed(f"the demo account's pages are not served in {mode} mode")


# Figures ----------------------------------------------------------------------------


@dataclass
class Measurement:
    page: str
    preset: str
    mode: str
    reports: list[dict[str, Any]] = field(default_factory=list)

    def score(self, category: str) -> float | None:
        scores = [r["categories"][category]["score"] for r in self.reports]
        if any(score is None for score in scores):
            return None
        return statistics.median(scores)

    def metric(self, audit: str) -> float:
        return statistics.median(r["audits"][audit]["numericValue"] for r in self.reports)


def run_summary(report: dict[str, Any]) -> str:
    scores = ", ".join(
        f"{category} {format_score(report['categories'][category]['score'])}"
        for category in CATEGORIES
    )
    metrics = " ".join(
        f"{name} {format_metric(report['audits'][audit]['numericValue'], unit)}"
        for name, (audit, unit) in METRICS.items()
    )
    index = report["environment"]["benchmarkIndex"]
    return f"{scores}; {metrics}; CPU benchmark {index:.0f}"


def format_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.2f}"


def format_metric(value: float, unit: str) -> str:
    return f"{value:.0f} ms" if unit == "ms" else f"{value:.3f}"


def print_table(measurements: list[Measurement], runs: int) -> None:
    print(f"\nmedians of {runs} run(s) per row (scores 0-1; targets: {target_text()})")
    header = (
        f"{'page':<9} {'preset':<8} {'mode':<6} {'perf':>5} {'a11y':>5} {'b.p.':>5}  "
        f"{'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} {'CLS':>6}  missed"
    )
    print(header)
    print("-" * len(header))
    for m in measurements:
        scores = [m.score(category) for category in CATEGORIES]
        missed = [
            category
            for category, score in zip(CATEGORIES, scores, strict=True)
            if score is None or score < TARGETS[category]
        ]
        print(
            f"{m.page:<9} {m.preset:<8} {m.mode:<6} "
            + " ".join(f"{format_score(score):>5}" for score in scores)
            + f"  {m.metric('first-contentful-paint'):>7.0f}"
            f" {m.metric('largest-contentful-paint'):>7.0f}"
            f" {m.metric('total-blocking-time'):>7.0f}"
            f" {m.metric('cumulative-layout-shift'):>6.3f}  " + (", ".join(missed) or "-")
        )


def target_text() -> str:
    return ", ".join(
        f"{category} {'>=' if target < 1 else '='} {target:g}"
        for category, target in TARGETS.items()
    )


def print_targets(measurements: list[Measurement]) -> None:
    for category, target in TARGETS.items():
        missed = [
            f"{m.page} {m.preset} {m.mode} ({format_score(m.score(category))})"
            for m in measurements
            if (m.score(category) or 0) < target
        ]
        verdict = f"MISSED on {', '.join(missed)}" if missed else "met everywhere"
        print(f"target {category} {'>=' if target < 1 else '='} {target:g}: {verdict}")


def print_conditions(measurements: list[Measurement]) -> None:
    """How fast Lighthouse found this machine, and what it warned about.

    Mobile scores are simulated from a trace taken at 4x CPU slowdown, which assumes a
    machine of benchmarkIndex about 1000 or more; a busy or slow machine scores lower.
    """
    reports = [report for m in measurements for report in m.reports]
    index = [report["environment"]["benchmarkIndex"] for report in reports]
    print(
        f"\nLighthouse's CPU benchmark (benchmarkIndex) of this machine: median "
        f"{statistics.median(index):.0f}, {min(index):.0f}-{max(index):.0f} over the runs"
    )
    warnings = collections.Counter(
        " ".join(warning.split()) for report in reports for warning in report["runWarnings"]
    )
    for warning, count in warnings.items():
        print(f"lighthouse warned in {count}/{len(reports)} runs: {warning}")


def print_scripts(measurements: list[Measurement], base: str) -> None:
    """Main-thread time by script (Lighthouse's bootup-time), what Total Blocking Time
    is made of: the median over the runs, the costliest first."""
    print("\nmain-thread time by script, ms (median over the runs; CPU-throttled on mobile)")
    for m in measurements:
        totals: dict[str, list[float]] = collections.defaultdict(list)
        for report in m.reports:
            for item in report["audits"]["bootup-time"].get("details", {}).get("items", []):
                url = item["url"].replace(base, "") or "(the page)"
                totals[url].append(item["total"])
        # A script absent from a run's list took under its 50 ms threshold there.
        medians = {
            url: statistics.median(times + [0.0] * (len(m.reports) - len(times)))
            for url, times in totals.items()
        }
        top = sorted(medians.items(), key=lambda kv: -kv[1])[:4]
        shown = ", ".join(f"{url} {ms:.0f}" for url, ms in top if ms) or "nothing over 50 ms"
        print(f"  {m.page:<9} {m.preset:<8} {m.mode:<6} {shown}")


# What costs points ----------------------------------------------------------------------


@dataclass
class Finding:
    """One audit below 1: where, how often, what Lighthouse said and named."""

    title: str
    category: str
    weight: float
    runs: collections.Counter[str] = field(default_factory=collections.Counter)
    # Per page and preset, each run below 1: its score and Lighthouse's display value.
    scores: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    # What the details name (element, file, message): the savings estimated for it, if
    # any, by unit ("ms" or "KiB").
    items: dict[str, dict[str, list[float]]] = field(default_factory=dict)


def audit_weights(report: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """Each audit's category and weight (its share of the category score)."""
    weights = {}
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            weights[ref["id"]] = (category_id, ref["weight"])
    return weights


def collect_findings(measurements: list[Measurement], base: str) -> dict[str, Finding]:
    findings: dict[str, Finding] = {}
    for m in measurements:
        where = f"{m.page} {m.preset} {m.mode}"
        for report in m.reports:
            weights = audit_weights(report)
            for audit_id, audit in report["audits"].items():
                score = audit.get("score")
                if score is None or score >= 1:
                    continue
                category, weight = weights.get(audit_id, ("-", 0.0))
                finding = findings.setdefault(audit_id, Finding(audit["title"], category, weight))
                finding.runs[where] += 1
                shown = audit.get("displayValue", "")
                finding.scores.setdefault(where, []).append((score, shown))
                for label, saving in detail_items(audit.get("details"), base):
                    savings = finding.items.setdefault(label, {})
                    if saving is not None:
                        savings.setdefault(saving[1], []).append(saving[0])
    return findings


Saving = tuple[float, str]  # (amount, unit)


def detail_items(details: dict[str, Any] | None, base: str) -> list[tuple[str, Saving | None]]:
    """(label, estimated saving) for each element, file or message an audit names."""
    if not details:
        return []
    kind = details.get("type")
    if kind == "list":
        # Insight audits nest their tables in a list, some of them in list sections.
        return [line for sub in details.get("items", []) for line in detail_items(sub, base)]
    if kind == "list-section" and isinstance(details.get("value"), dict):
        return detail_items(details["value"], base)
    if kind == "checklist":
        # e.g. the document's latency: which of its checks failed.
        checks = details.get("items", {}).values()
        return [(check["label"], None) for check in checks if not check.get("value")]
    if kind == "network-tree":
        chain = longest_chain(details.get("chains", {})).replace(base, "")
        return [(chain, None)] if chain else []
    found = []
    for item in details.get("items", []):
        if isinstance(item, dict) and (label := item_label(item).replace(base, "")):
            saving: Saving | None = None
            if isinstance(item.get("wastedMs"), int | float):
                saving = (item["wastedMs"], "ms")
            elif isinstance(item.get("wastedBytes"), int | float):
                saving = (item["wastedBytes"] / 1024, "KiB")
            found.append((label, saving))
    return found


def longest_chain(chains: dict[str, Any]) -> str:
    """The critical request chain Lighthouse marks longest, as "url -> url"."""
    urls = []
    while chains:
        link = next((c for c in chains.values() if c.get("isLongest")), None)
        if link is None:
            break
        urls.append(link["url"])
        chains = link.get("children", {})
    return f"longest chain: {' -> '.join(urls)}" if urls else ""


def item_label(item: dict[str, Any]) -> str:
    """The telling words of one details item: an element and why, a URL, a message."""
    parts = []
    node = item.get("node")
    if isinstance(node, dict):
        parts.append(node.get("selector") or node.get("snippet") or node.get("nodeLabel", ""))
        if node.get("explanation"):
            # axe's reason, e.g. a contrast ratio with both colours. Its first line
            # ("Fix any of the following:") says nothing.
            parts.append(" ".join(node["explanation"].splitlines()[1:]).strip())
    for key in ("url", "source", "description", "label", "value"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("url") or value.get("value")
        if isinstance(value, str | int | float) and str(value) and str(value) not in parts:
            parts.append(str(value))
    return " | ".join(part for part in parts if part)[:300]


def print_findings(measurements: list[Measurement], runs: int, base: str) -> None:
    findings = collect_findings(measurements, base)
    costly = {k: f for k, f in findings.items() if f.weight > 0}
    free = {k: f for k, f in findings.items() if f.weight == 0}
    print(f"\naudits below 1 in any run: {len(findings)}")
    print(f"\n== {len(costly)} that cost points (weight > 0), heaviest first")
    for audit_id, finding in sorted(costly.items(), key=lambda kv: -kv[1].weight):
        print_finding(audit_id, finding, runs)
    if not costly:
        print("  none")
    print(
        f"\n== {len(free)} with weight 0: no points by themselves, but they say what "
        "slows the metrics above"
    )
    for audit_id, finding in sorted(free.items(), key=lambda kv: -sum(kv[1].runs.values())):
        print_finding(audit_id, finding, runs)


def print_finding(audit_id: str, finding: Finding, runs: int) -> None:
    print(f"\n{audit_id}: {finding.title}  [{finding.category}, weight {finding.weight:g}]")
    for where, count in finding.runs.items():
        scores = ", ".join(
            f"{score:.2f}" + (f" ({shown})" if shown else "")
            for score, shown in finding.scores[where]
        )
        print(f"  {where}: {count}/{runs} runs, score {scores}")
    for label, savings in list(finding.items.items())[:MAX_ITEMS]:
        spans = []
        for unit, values in savings.items():
            low, high = round(min(values)), round(max(values))
            spans.append(f"{low} {unit}" if low == high else f"{low}-{high} {unit}")
        print(f"    - {label}" + (f" (est. saving {', '.join(spans)})" if spans else ""))
    if len(finding.items) > MAX_ITEMS:
        print(f"    ... and {len(finding.items) - MAX_ITEMS} more (see the JSON with --keep)")


def keep_report(report: dict[str, Any], keep: Path, name: str) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    report["configSettings"]["extraHeaders"] = {"Cookie": "sessionid=<removed>"}
    (keep / name).write_text(json.dumps(report, indent=1))


# Main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        measurements, base = measure_all(args)
    except subprocess.CalledProcessError as error:  # manage.py, in running_stack or _manage
        stderr = error.stderr.decode(errors="replace") if error.stderr else ""
        print(f"\nFAILED: {error}\n{stderr}", file=sys.stderr)
        return 2
    except (LighthouseFailed, requests.RequestException) as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # The server and Chrome are stopped by now (running_stack, chrome-launcher).
        print("\ninterrupted", file=sys.stderr)
        return 130
    print_table(measurements, args.runs)
    print_targets(measurements)
    print_conditions(measurements)
    print_scripts(measurements, base)
    print_findings(measurements, args.runs, base)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\ntotal time: {time.monotonic() - started:.0f} s; load average now {load}")
    return 0


def measure_all(args: argparse.Namespace) -> tuple[list[Measurement], str]:
    """Every run of every page and preset chosen; also the server's base URL."""
    cli = lighthouse_cli()
    pages = [args.only_page] if args.only_page else list(PAGES)
    presets = [args.only_preset] if args.only_preset else list(PRESETS)
    modes = [args.only_mode] if args.only_mode else list(MODES)
    print(f"lighthouse {LIGHTHOUSE_VERSION} ({cli})")
    print(f"node       {version_of([node(), '--version'])}")
    print(f"chrome     {version_of([CHROME_PATH, '--version'])} ({CHROME_PATH})")
    # Other work on the machine slows the mobile runs most (4x CPU throttling on top).
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine    {platform.platform()}, {os.cpu_count()} CPUs, load average {load}")
    print(
        f"runs       {args.runs} per page, preset and mode: "
        f"{', '.join(pages)} x {', '.join(presets)} x {', '.join(modes)}"
    )

    password = secrets.token_urlsafe(16)
    with (
        tempfile.TemporaryDirectory(prefix="cj-lighthouse-") as tmp,
        running_stack() as stack,
    ):
        workdir = Path(tmp)
        base = stack.urls[0]
        phase = time.monotonic()
        # "--password=...": a random password may start with "-", which argparse would
        # take for an option.
        _manage(stack.env, "seed_demo", f"--username={DEMO_USERNAME}", f"--password={password}")
        print(f"server     {base}, demo account seeded in {time.monotonic() - phase:.1f} s")
        # In a file rather than on the command line, where `ps` would show the cookie.
        headers = workdir / "headers.json"
        headers.write_text(json.dumps({"Cookie": f"sessionid={sign_in(base, password)}"}))

        measurements, retried = [], []
        session_id = json.loads(headers.read_text())["Cookie"].split("=", 1)[1]
        for mode in modes:
            set_colour_mode(stack.env, mode)
            check_colour_mode(base, session_id, mode)
            for page in pages:
                for preset in presets:
                    measurement = Measurement(page, preset, mode)
                    for run in range(1, args.runs + 1):
                        phase = time.monotonic()
                        out = workdir / f"{page}-{preset}-{mode}-{run}.json"
                        report = run_with_retries(
                            cli, base + PAGES[page], preset, headers, out, retried
                        )
                        measurement.reports.append(report)
                        print(
                            f"{page:<9} {preset:<8} {mode:<6} run {run}/{args.runs} "
                            f"({time.monotonic() - phase:.0f} s): {run_summary(report)}",
                            flush=True,
                        )
                        if args.keep:
                            keep_report(report, args.keep, out.name)
                    measurements.append(measurement)
    if args.keep:
        print(f"JSON reports kept in {args.keep}")
    if retried:
        print(f"runs repeated after a Lighthouse error: {len(retried)} ({'; '.join(retried)})")
    return measurements, base


if __name__ == "__main__":
    sys.exit(main())
