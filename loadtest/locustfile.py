"""Locust journeys for CrampJournal: people on their phones logging cramps and looking
at their patterns. Started by `python -m loadtest.run`, which makes the accounts and
reads the results; it can also be run by hand against running servers:

    LOADTEST_URLS=http://127.0.0.1:8000,http://127.0.0.1:8001 \
    LOADTEST_ACCOUNTS=accounts.txt LOADTEST_OUT=out \
    locust -f loadtest/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000

Environment:
    LOADTEST_URLS      comma-separated base URLs of the app instances; every request goes
                       to one of them at random, so a session made on one instance is used
                       on the others (the instances must share sessions).
    LOADTEST_ACCOUNTS  a file with one username per line (password journeys.PASSWORD);
                       each simulated person signs in as their own account.
    LOADTEST_OUT       a directory for what the runner reads afterwards, one file of each
                       kind per locust process: acked-<pid>.txt, the client id of every
                       episode the server acknowledged; requests-<pid>.csv, every request
                       (start time, response time in ms, 1 if it succeeded, name), so the
                       runner can leave out the first seconds when everyone signs in;
                       final_stats.csv, final_failures.csv, final_exceptions.csv, locust's
                       figures when it quits (see write_final_stats).

A request counts as a failure when it is not what the person expects: a form page that is
not a 200 with a CSRF token, a save that does not redirect to the saved episode (a form
shown again with a 200 is a failure), a page that sends them to the sign-in page.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import requests
from locust import HttpUser, between, events, task
from locust.clients import HttpSession, LocustHttpAdapter, ResponseContextManager
from locust.env import Environment
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV
from urllib3.exceptions import ProtocolError

from loadtest import journeys

URLS = [url.rstrip("/") for url in os.environ.get("LOADTEST_URLS", "").split(",") if url]
ACCOUNTS_FILE = os.environ.get("LOADTEST_ACCOUNTS", "")
OUT_DIR = Path(os.environ.get("LOADTEST_OUT", "."))
LOGIN_PATH = "/accounts/login/"
# Every page of a signed-in person has the log-out button (templates/base.html); the
# home page without it is the visitors' landing page, a 200 all the same.
SIGNED_IN_MARK = 'action="/accounts/logout/"'

Check = Callable[[ResponseContextManager], str | None]


def read_accounts() -> list[str]:
    if not ACCOUNTS_FILE:
        return []
    return [line.strip() for line in Path(ACCOUNTS_FILE).read_text().splitlines() if line.strip()]


_files: dict[tuple[str, int], TextIO] = {}


def out_file(kind: str) -> TextIO:
    """This process's file of one kind ("acked.txt": OUT_DIR/acked-<pid>.txt),
    line-buffered: each line is written before the next request is sent."""
    key = (kind, os.getpid())
    if key not in _files:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        stem, suffix = kind.split(".")
        _files[key] = (OUT_DIR / f"{stem}-{os.getpid()}.{suffix}").open("a", buffering=1)
    return _files[key]


@events.request.add_listener
def log_request(
    name: str,
    response_time: float,
    exception: BaseException | None,
    start_time: float,
    **_: Any,
) -> None:
    ok = 0 if exception else 1
    out_file("requests.csv").write(f"{start_time:.3f},{response_time:.1f},{ok},{name}\n")


_environment: list[Environment] = []


@events.init.add_listener
def remember_environment(environment: Environment, **_: Any) -> None:
    _environment.append(environment)


@events.quit.add_listener
def write_final_stats(**_: Any) -> None:
    """Locust's own --csv files are rewritten once a second while it runs and not when it
    stops, so they miss the last second or two. This writes the final figures, in the
    same format, to OUT_DIR/final_stats.csv, final_failures.csv, final_exceptions.csv."""
    if not _environment:
        return
    tables = StatsCSV(_environment[0], PERCENTILES_TO_REPORT)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for kind, write in (
        ("stats", tables.requests_csv),
        ("failures", tables.failures_csv),
        ("exceptions", tables.exceptions_csv),
    ):
        with (OUT_DIR / f"final_{kind}.csv").open("w", newline="") as handle:
            write(csv.writer(handle))


def closed_unanswered(error: requests.ConnectionError) -> bool:
    """The server closed the connection without a byte of answer."""
    reason = error.args[0] if error.args else None
    inner = reason.args[-1] if isinstance(reason, ProtocolError) and reason.args else None
    return isinstance(inner, ConnectionResetError | BrokenPipeError)


class BrowserAdapter(LocustHttpAdapter):
    """Sends a request once more when it went out on a kept-alive connection that the
    server closed before answering, as browsers do. gunicorn closes a connection after 2 s
    idle (its keepalive); a request leaving at that very moment finds it closed. A request
    that fails on a new connection is never sent again. Each resend is written to
    resent-<pid>.txt, and the runner prints how many there were."""

    def __init__(self) -> None:
        super().__init__(pool_manager=None)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        pool = self.get_connection_with_tls_context(
            request, kwargs.get("verify", True), kwargs.get("proxies"), kwargs.get("cert")
        )
        opened = pool.num_connections  # this person's own pool: only their requests
        try:
            return super().send(request, **kwargs)
        except requests.ConnectionError as error:
            if pool.num_connections != opened or not closed_unanswered(error):
                raise
            line = f"{time.time():.3f} {request.method} {request.path_url} {error!r}\n"
            out_file("resent.txt").write(line)
            return super().send(request, **kwargs)


def signed_out(response: ResponseContextManager) -> bool:
    """The request ended on the sign-in page (followed) or was sent there (not followed)."""
    location = response.headers.get("Location", "")
    return (LOGIN_PATH in response.url and bool(response.history)) or LOGIN_PATH in location


def page_problem(response: ResponseContextManager, signed_in: bool = True) -> str | None:
    """What is wrong with a page a person asked for, or None."""
    if response.status_code == 0:
        return f"no response: {response.error!r}"
    if signed_out(response):
        return "sent to the sign-in page"
    if response.status_code != 200:
        return f"status {response.status_code}"
    if response.history:
        return f"redirected to {response.url}"
    if signed_in and SIGNED_IN_MARK not in response.text:
        return "a page for visitors: not signed in"
    return None


def form_problem(response: ResponseContextManager) -> str | None:
    problem = page_problem(response)
    if problem is None and journeys.CSRF.search(response.text) is None:
        return "no form (no CSRF token) on the page"
    return problem


def login_form_problem(response: ResponseContextManager) -> str | None:
    problem = page_problem(response, signed_in=False)
    if problem is None and journeys.CSRF.search(response.text) is None:
        return "no form (no CSRF token) on the page"
    return problem


def save_problem(response: ResponseContextManager) -> str | None:
    """An episode save is right only when the server acknowledges it."""
    if journeys.acknowledged(response):
        return None
    if response.status_code == 0:
        return f"no response: {response.error!r}"
    if signed_out(response):
        return "sent to the sign-in page"
    if response.status_code == 200:
        return "form shown again (200): not saved"
    return f"status {response.status_code} to {response.headers.get('Location', '')!r}"


def login_problem(response: ResponseContextManager) -> str | None:
    """A right password (no two-factor on these accounts) leads home."""
    if response.status_code == 302 and response.headers.get("Location") == "/":
        return None
    if response.status_code == 200:
        return "sign-in form shown again (200)"
    return f"status {response.status_code} to {response.headers.get('Location', '')!r}"


class Journey:
    """Locust's client as one journey sees it: passed as the `session` of the helpers in
    loadtest.journeys with base "" (so the paths arrive bare), it sends each request to a
    randomly chosen instance, names it "<journey>: form" (GET) or "<journey>: save" (POST)
    and judges it as the person would."""

    def __init__(
        self, client: HttpSession, name: str, saved: Check, form: Check = form_problem
    ) -> None:
        self.client, self.name, self.saved, self.form = client, name, saved, form

    def _send(self, method: str, path: str, step: str, check: Check, **kwargs: Any):
        kwargs.pop("name", None)
        with self.client.request(
            method,
            random.choice(URLS) + path,
            name=f"{self.name}: {step}",
            catch_response=True,
            **kwargs,
        ) as response:
            problem = check(response)
            if problem:
                response.failure(problem)
            else:
                response.success()
        return response

    def get(self, path: str, **kwargs: Any):
        return self._send("GET", path, "form", self.form, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self._send("POST", path, "save", self.saved, **kwargs)


class Person(HttpUser):
    # A person on a phone between two screens: read the page, move a thumb, tap. The
    # quick log is built to need two taps, so about 2 s is the floor; reading the
    # patterns page or the report takes longer, a handful of seconds. 2 to 6 s per step
    # (4 s on average) is the pace of someone actively using the app; the form page and
    # its save follow each other at once (the helpers in journeys.py send both), which
    # only makes the load a little burstier. Every simulated person is much busier than
    # a real one (who logs a few cramps a day), so 50 of them stand for far more people.
    wait_time = between(2, 6)
    # Needed by locust; every request names one of URLS itself.
    host = URLS[0] if URLS else None

    # One process hands out the accounts in turn, so each person has their own.
    accounts = read_accounts()
    next_account = itertools.count()

    def on_start(self) -> None:
        if not URLS:
            raise RuntimeError("LOADTEST_URLS is not set")
        index = next(self.next_account)
        if index >= len(self.accounts):
            raise RuntimeError(f"more users than accounts ({len(self.accounts)})")
        self.username = self.accounts[index]
        self.rng = random.Random(index)
        self.client.mount("http://", BrowserAdapter())
        self.log_in()

    def log_in(self) -> None:
        with_csrf_page(
            lambda: journeys.log_in(
                Journey(self.client, "log in", login_problem, login_form_problem),
                "",
                self.username,
            )
        )

    def _record(self, response: requests.Response, client_id: uuid.UUID) -> None:
        """Keep the client id of every episode the server said it saved."""
        if journeys.acknowledged(response):
            out_file("acked.txt").write(f"{client_id}\n")

    def _log(self, name: str, log) -> None:
        """One episode saved through ``log`` (journeys.quick_log or .full_log)."""
        journey = Journey(self.client, name, save_problem)
        result = with_csrf_page(lambda: log(journey, "", self.rng))
        if result:
            self._record(*result)

    @task(10)
    def quick_log(self) -> None:
        self._log("quick log", journeys.quick_log)

    @task(2)
    def full_log(self) -> None:
        self._log("full log", journeys.full_log)

    @task(4)
    def home(self) -> None:
        self.page("/", "home")

    @task(3)
    def patterns(self) -> None:
        self.page("/patterns/", "Patterns")

    @task(1)
    def report(self) -> None:
        self.page("/report/", "report")

    def page(self, path: str, name: str) -> None:
        with self.client.get(
            random.choice(URLS) + path, name=name, catch_response=True
        ) as response:
            problem = page_problem(response)
            if problem:
                response.failure(problem)
            else:
                response.success()


def with_csrf_page(journey: Callable[[], Any]) -> Any:
    """Run a journey; None when its form page had no form. That page was already counted
    as a failed request, so the journey just stops there (as the person would)."""
    try:
        return journey()
    except ValueError:  # journeys.csrf_token found no token
        return None
