"""axe-core in chromium on every page of the app: no WCAG 2.0/2.1/2.2 A or AA violation
of "serious" or "critical" impact, for four people: the seed_demo account (a year of
data: charts, flags, lists and pagination all filled), a brand-new empty account, a
stranger opening a share link without cookies, and someone signed out. Forms are also
checked showing their validation errors, pages in their other states (a cramp being
timed, two-factor on, a revoked link ...), and a phone-sized window (360x740) with the
navbar menu open. Closed ``<details>`` are opened first, so that what they hold (each
chart's table, the journal's filter) is checked too.

How axe gets in: the pinned copy (tests/browser/vendor/axe-core-<version>/, fetched by
`make vendor`; a test tool, so nothing under static/ serves it) is handed to
``page.evaluate(source)``. Playwright sends that over the DevTools protocol, and what the
protocol evaluates is not subject to the page's Content-Security-Policy, while everything
the page itself loads or inlines stays under the app's strict policy (script-src 'self',
nothing inline, no eval). ``page.add_script_tag(content=...)`` would not do: it inserts an
inline ``<script>``, which the policy refuses. ``test_axe_runs_under_the_apps_policy``
checks both halves on one page.

How it stays fast (about a minute for the file): each test id is one page for one person
(``demo-patterns``, ``new-share``, ``signed-out-login-phone`` ...), so a report names the
page and lists every serious violation on it with its elements. Opening a browser and
signing in costs seconds, a page and an axe run under one, so the first test of each
person walks all of that person's pages in one window and keeps each page's result (axe's
violations, any problem the conftest guards saw on that page, or the error if the page
could not be reached); each test then asserts on its own page's result. The walk goes on
past a failing page, so no failure hides another. (A console error on any page also fails
the test that did the walk, through the conftest's own check.) Pages that add data (a share link, a
logged episode, a running timer, two-factor) come last, so the new account is still empty
for everything before them.
"""

from __future__ import annotations

import base64
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP

from journal.models import CheckIn, Episode
from journal.patterns.flags import episode_concerns
from journal.reports.episodes_csv import HEADER
from tests.browser.helpers import (
    PASSWORD,
    draw_charts,
    open_menu,
    sign_in,
    sign_up,
    submit_and_wait,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE_VERSION = "4.14.1"
AXE_SOURCE = (
    Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
).read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],  // only these are needed: the others are summed up, faster
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"
CHART_ALTERNATIVES = """() => [...document.querySelectorAll('canvas')].map((canvas) => ({
  id: canvas.id, role: canvas.getAttribute('role'), label: canvas.getAttribute('aria-label'),
  rows: canvas.closest('.card-body').querySelectorAll('table tbody tr').length}))"""


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now; every violation, whatever its impact."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            lines.append("       " + node["summary"].replace("\n", "\n       "))
    return "\n".join(lines)


def _totp(secret: str) -> str:
    secret = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time()
    return f"{totp.token():06d}"


@dataclass
class Visit:
    """One person's window on the app while their pages are walked."""

    page: object
    url: str
    new_page: Callable
    username: str | None
    demo: bool
    stranger_url: str = ""  # the last share link made
    _stranger: object = None

    def stranger(self, viewport: dict):
        """Someone else's browser: a context of its own, without the person's cookies."""
        if self._stranger is None:
            self._stranger = self.new_page(**viewport)
        self._stranger.set_viewport_size(viewport)
        return self._stranger

    def go(self, path: str) -> None:
        self.page.goto(self.url + path)
        assert self.page.url == self.url + path, f"{path} went to {self.page.url}"

    def submit(self) -> None:
        """Send the page's form and wait for the page it leads to (not the navbar's
        "Log out")."""
        submit_and_wait(self.page)

    def episodes(self):
        return Episode.objects.filter(owner__username=self.username)

    def share_link(self) -> str:
        self.go("/share/")
        self.page.fill("#id_name", "W. K.")
        submit_and_wait(self.page, "button:has-text('Make a link')")
        self.stranger_url = self.page.inner_text("[data-link-url]").strip()
        return self.stranger_url


@dataclass
class Step:
    name: str
    visit: Callable[[Visit], object]  # returns the page to check
    viewport: dict = field(default_factory=lambda: DESKTOP)
    # A console error this page is meant to cause (a 410 for a dead link), not a problem.
    expected_problem: str | None = None


def _path(path: str, charts: bool = False, demo_shows: str | None = None):
    """Open a path, draw its charts, and check the demo really fills it."""

    def visit(v: Visit):
        v.go(path)
        if charts:
            drawn = draw_charts(v.page)
            assert drawn or not v.demo, f"{path}: the demo account has no chart drawn"
        if demo_shows and v.demo:
            assert v.page.locator(demo_shows).count(), f"the demo shows no {demo_shows}"
        return v.page

    return visit


def _patterns(path: str, demo_shows: str = "canvas"):
    """The patterns page once its charts have drawn; each chart is an image with a name,
    and offers its numbers as a table."""
    show = _path(path, charts=True, demo_shows=demo_shows)

    def visit(v: Visit):
        show(v)
        for chart in v.page.evaluate(CHART_ALTERNATIVES):
            assert chart["role"] == "img" and chart["label"], chart
            assert chart["rows"] > 0, chart
        return v.page

    return visit


def _menu_open(path: str, charts: bool = False):
    """A page (phone-sized) with the navbar menu opened."""
    show = _path(path, charts)

    def visit(v: Visit):
        show(v)
        open_menu(v.page)  # opened, and done sliding
        return v.page

    return visit


def _with_errors(path: str, fields: dict[str, str]):
    """A form sent back with bad values: each message must belong to its field."""

    def visit(v: Visit):
        v.go(path)
        for selector, value in fields.items():
            v.page.fill(selector, value)
        v.submit()
        v.page.wait_for_selector(".invalid-feedback, .alert-danger")
        return v.page

    return visit


def _damaged_form(v: Visit):
    """A hidden field that came back altered: the form says so above the fields."""
    v.go("/episodes/new/")
    v.page.eval_on_selector("input[name=client_id]", "(input) => { input.value = 'damaged'; }")
    v.submit()
    v.page.wait_for_selector("[data-hidden-field-error]")
    return v.page


def _flag_discussed(v: Visit):
    """A flag marked as discussed: it moves to its own list, and into the history."""
    v.go("/clinician/")
    if v.demo:
        with v.page.expect_navigation():
            v.page.click("[data-flag] button:has-text('I have discussed this') >> nth=0")
        v.page.wait_for_selector("[data-discussed]")
    return v.page


def _journal_filter_errors(v: Visit):
    v.go("/episodes/")
    v.page.click("summary:has-text('Filter')")
    v.page.fill("#id_intensity_min", "7")
    v.page.fill("#id_intensity_max", "3")
    submit_and_wait(v.page, "button:has-text('Apply')")
    v.page.wait_for_selector(".invalid-feedback")
    return v.page


def _import_errors(v: Visit):
    v.go("/import/")
    bad_row = ",".join("not a value" for _ in HEADER)
    csv = ",".join(HEADER) + "\r\n" + bad_row + "\r\n"
    v.page.set_input_files(
        "input[type=file]",
        {"name": "episodes.csv", "mimeType": "text/csv", "buffer": csv.encode()},
    )
    v.submit()
    v.page.wait_for_selector("[data-import-error]")
    return v.page


def _shared_report(viewport: dict):
    """The report a share link opens, for a stranger."""

    def visit(v: Visit):
        stranger = v.stranger(viewport)
        stranger.goto(v.share_link())
        assert stranger.locator("nav.navbar").count() == 0
        return stranger

    return visit


def _shared_revoked(v: Visit):
    """The last link revoked, then opened by the stranger: the page for a dead link."""
    v.go("/share/")
    revoke = v.page.locator("[data-share-link] button:has-text('Revoke')")
    while revoke.count():
        with v.page.expect_navigation():
            revoke.first.click()
    stranger = v.stranger(DESKTOP)
    assert stranger.goto(v.stranger_url).status == 410
    return stranger


def _checkin_done(v: Visit):
    """Today's check-in saved, and opened again: it says so and offers to delete it."""
    v.go("/checkins/today/")
    v.submit()
    v.go("/checkins/today/")
    assert CheckIn.objects.filter(owner__username=v.username).exists()
    v.page.wait_for_selector("button:has-text('Delete this day')")
    return v.page


def _episode_detail(v: Visit):
    """The demo's most filled-in episode worth raising with a clinician; for the new
    account, one just logged (with its "what helps now" card and its note of concern)."""
    if not v.demo:
        v.go("/episodes/quick/")
        v.page.get_by_role("button", name="Left calf", exact=True).click()
        v.page.fill("input[name=intensity]", "9")
        submit_and_wait(v.page, "button:has-text('Save')")
        v.page.wait_for_url(re.compile(r"/episodes/\d+/$"))
        v.page.wait_for_selector("[data-relief]")
        v.page.wait_for_selector("[data-concern]")
        return v.page
    episodes = v.episodes().prefetch_related("triggers", "symptoms", "reliefs")
    richest = max(
        episodes,
        key=lambda e: (
            bool(episode_concerns(e.intensity, [s.symptom for s in e.symptoms.all()])),
            bool(e.notes),
            len(e.triggers.all()) + len(e.symptoms.all()) + len(e.reliefs.all()),
            e.started_at,
        ),
    )
    v.go(f"/episodes/{richest.pk}/")
    v.page.wait_for_selector("[data-concern]")
    return v.page


def _latest_episode(suffix: str):
    def visit(v: Visit):
        v.go(f"/episodes/{v.episodes().latest('pk').pk}/{suffix}")
        return v.page

    return visit


def _timer_running(v: Visit):
    v.go("/episodes/timer/")
    if not v.demo:  # a first log has no place preset
        v.page.get_by_role("button", name="Left calf", exact=True).click()
    v.submit()
    v.page.wait_for_url(re.compile(r"/episodes/\d+/timer/$"))
    v.page.wait_for_function("() => document.getElementById('elapsed').textContent !== ''")
    return v.page


def _two_factor_turned_on(v: Visit):
    v.go("/profile/two-factor/")
    v.page.fill("#id_code", _totp(v.page.inner_text("code.user-select-all")))
    submit_and_wait(v.page, "button:has-text('Turn on')")
    v.page.wait_for_selector(".backup-codes code")
    return v.page


def _login_code(wrong: bool):
    """Signed out, then the password accepted: the page asking for the app's code."""

    def visit(v: Visit):
        if not wrong:
            submit_and_wait(v.page, "nav button:has-text('Log out')")
            v.page.wait_for_url(v.url + "/")
            v.go("/accounts/login/")
            v.page.fill("#id_username", v.username)
            v.page.fill("#id_password", PASSWORD)
            v.submit()
            v.page.wait_for_url(v.url + "/accounts/login/code/")
        else:
            v.page.fill("#id_code", "000000")
            v.submit()
            v.page.wait_for_selector(".invalid-feedback, .alert-danger")
        return v.page

    return visit


def _locked_out(v: Visit):
    """Failed sign-ins until django-axes pauses them."""
    v.go("/accounts/login/")
    for _ in range(10):
        v.page.fill("#id_username", "someone")
        v.page.fill("#id_password", "not-the-password")
        v.submit()
        if "Sign-in paused" in v.page.inner_text("h1"):
            return v.page
    raise AssertionError("sign-in was never paused")


def _password_reset_sent(v: Visit):
    v.go("/accounts/password_reset/")
    v.page.fill("#id_email", "someone@example.com")
    v.submit()
    v.page.wait_for_url(v.url + "/accounts/password_reset/done/")
    return v.page


SIGNED_IN = [
    Step("home", _path("/", demo_shows=".list-group-item")),
    Step("quick-log", _path("/episodes/quick/")),
    Step("episode-new", _path("/episodes/new/")),
    Step(
        "episode-errors",
        _with_errors(
            "/episodes/new/",
            {"#id_duration_minutes": "0", "#id_fluid_ml": "-5", "#id_exercise_minutes": "99999"},
        ),
    ),
    Step("episode-damaged-form", _damaged_form),
    Step("timer-start", _path("/episodes/timer/")),
    Step("journal", _path("/episodes/", demo_shows="nav[aria-label=Pages]")),
    Step("journal-filter-errors", _journal_filter_errors),
    Step("checkin-today", _path("/checkins/today/")),
    Step(
        "checkin-errors",
        _with_errors("/checkins/today/", {"#id_fluid_ml": "-1", "#id_sleep_hours": "30"}),
    ),
    Step("checkins", _path("/checkins/", demo_shows="nav[aria-label=Pages]")),
    Step("medications", _path("/medications/", demo_shows=".list-group-item")),
    Step("medication-new", _path("/medications/new/")),
    Step(
        "medication-errors",
        _with_errors(
            "/medications/new/", {"#id_started_on": "2025-05-02", "#id_stopped_on": "2025-05-01"}
        ),
    ),
    Step("profile", _path("/profile/")),
    Step("patterns", _patterns("/patterns/")),
    Step("patterns-all", _patterns("/patterns/?range=all", demo_shows="[data-flags]")),
    Step("clinician", _path("/clinician/", demo_shows="[data-flag]")),
    Step("explained", _path("/explained/")),
    Step("export", _path("/export/")),
    Step("import", _path("/import/")),
    Step("import-errors", _import_errors),
    Step("report", _path("/report/")),
    Step("two-factor", _path("/profile/two-factor/")),
    Step("activity", _path("/profile/activity/")),
    Step("password-change", _path("/accounts/password_change/")),
    Step("delete-account", _path("/profile/delete/")),
    Step("devices", _path("/profile/devices/")),
    Step("passkeys", _path("/profile/passkeys/")),
    Step("confirm", _path("/accounts/confirm/")),
    Step("confirm-errors", _with_errors("/accounts/confirm/", {"#id_password": "wrong"})),
    Step("phone-home-menu", _menu_open("/"), PHONE),
    Step("phone-quick-log-menu", _menu_open("/episodes/quick/"), PHONE),
    Step("phone-patterns-menu", _menu_open("/patterns/", charts=True), PHONE),
    Step("phone-report-menu", _menu_open("/report/"), PHONE),
    # From here on pages add data, so the new account is empty for all the pages above.
    Step("share", lambda v: v.share_link() and v.page),
    Step("shared-report", _shared_report(DESKTOP)),
    Step("phone-shared-report", _shared_report(PHONE)),
    Step("shared-revoked", _shared_revoked, expected_problem=r"status of 410 \(Gone\)"),
    Step("checkin-done", _checkin_done),
    Step("clinician-discussed", _flag_discussed),
    Step("episode-detail", _episode_detail),
    Step("episode-edit", _latest_episode("edit/")),
    Step("episode-delete", _latest_episode("delete/")),
    Step("timer-running", _timer_running),
    Step("episode-ongoing", _latest_episode("")),
    Step("home-timer-running", _path("/")),
    Step("two-factor-backup-codes", _two_factor_turned_on),
    Step("two-factor-on", _path("/profile/two-factor/")),
    Step("login-code", _login_code(wrong=False)),
    Step("login-code-errors", _login_code(wrong=True)),
]
SIGNED_OUT = [
    Step("landing", _path("/")),
    Step("login", _path("/accounts/login/")),
    Step(
        "login-errors",
        _with_errors("/accounts/login/", {"#id_username": "x", "#id_password": "wrong"}),
    ),
    Step("signup", _path("/accounts/signup/")),
    Step(
        "signup-errors",
        _with_errors(
            "/accounts/signup/", {"#id_username": "w", "#id_email": "no", "#id_password1": "short"}
        ),
    ),
    Step("password-reset", _path("/accounts/password_reset/")),
    Step("password-reset-errors", _with_errors("/accounts/password_reset/", {"#id_email": "x"})),
    Step("password-reset-sent", _password_reset_sent),
    Step("landing-phone", _path("/"), PHONE),
    Step("login-phone", _path("/accounts/login/"), PHONE),
    Step("signup-phone", _path("/accounts/signup/"), PHONE),
    Step("locked-out", _locked_out, expected_problem=r"status of 429 \(Too Many Requests\)"),
]
# "-dark": the same walk with the browser set to dark, which the pages follow (the
# profile's colour mode is "system" by default): both modes must meet AA contrast.
WALKS = {
    "demo": SIGNED_IN,
    "new": SIGNED_IN,
    "signed-out": SIGNED_OUT,
    "demo-dark": SIGNED_IN,
    "signed-out-dark": SIGNED_OUT,
}


@dataclass
class PageResult:
    url: str = ""
    violations: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None


def _open_as(who: str, new_page, live_server) -> Visit:
    page = new_page(**DESKTOP)
    who = who.removesuffix("-dark")
    if who == "demo":
        call_command("seed_demo", "--username", "demo", "--password", PASSWORD, "--days", "365")
        sign_in(page, live_server.url, "demo")
        return Visit(page, live_server.url, new_page, "demo", demo=True)
    if who == "new":
        sign_up(page, live_server.url, "walker")
        return Visit(page, live_server.url, new_page, "walker", demo=False)
    return Visit(page, live_server.url, new_page, None, demo=False)


def _walk(who: str, new_page, live_server, problems) -> dict[str, PageResult]:
    """Every page of one person's walk, in one window; each page's result kept apart."""
    v = _open_as(who, new_page, live_server)
    v.page.set_default_timeout(10_000)  # a page that fails to show fails fast
    # Bootstrap skips its animations for this setting: the phone menu opens at once rather
    # than after a slide. axe sees the same page either way.
    v.page.emulate_media(
        reduced_motion="reduce", color_scheme="dark" if who.endswith("-dark") else "light"
    )
    results = {}
    for step in WALKS[who]:
        result = results[step.name] = PageResult()
        seen = len(problems)
        try:
            v.page.set_viewport_size(step.viewport)
            shown = step.visit(v)
            shown.evaluate(OPEN_DETAILS)
            result.url = shown.url
            result.violations = axe_violations(shown)
        except Exception as error:  # walk on: the other pages still get checked
            result.error = "".join(traceback.format_exception_only(error)).strip()
        new = problems[seen:]
        if step.expected_problem:
            expected = [p for p in new if re.search(step.expected_problem, p)]
            if not expected and result.error is None:
                result.error = f"the page did not cause {step.expected_problem!r}"
            new = [p for p in new if p not in expected]
            problems[seen:] = new
        result.problems = list(new)
    return results


class Walks(dict):
    """Each person's page results, kept for the module (short in a failure report)."""

    def __repr__(self) -> str:
        return f"<walks done: {', '.join(self) or 'none'}>"


@pytest.fixture(scope="module")
def walks() -> Walks:
    return Walks()


@pytest.mark.parametrize(
    ("who", "name"),
    [pytest.param(who, s.name, id=f"{who}-{s.name}") for who, ss in WALKS.items() for s in ss],
)
def test_page_has_no_serious_axe_violations(who, name, walks, new_page, live_server, problems):
    if who not in walks:
        walks[who] = _walk(who, new_page, live_server, problems)
    result = walks[who][name]
    assert result.error is None, f"{name} ({who}) could not be checked: {result.error}"
    assert result.problems == [], f"{name} ({who}): {result.problems}"
    serious = [v for v in result.violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe on {name} ({who}) at {result.url}:\n{describe(serious)}"


def test_axe_runs_under_the_apps_policy(new_page, live_server, problems):
    """On one page: the app's policy refuses an inline script, and axe, sent over the
    DevTools protocol, loads and runs all the same."""
    page = new_page(**DESKTOP)
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    # The refusal is reported twice, each in its own time: chromium's console error, and
    # the page's securitypolicyviolation event (conftest counts it once it is listed).
    with (
        page.expect_console_message(lambda m: m.type == "error" and "inline" in m.text),
        pytest.raises(Exception, match="Content Security Policy"),
    ):
        page.add_script_tag(content="window.inlineRan = true")
    page.wait_for_function("() => window.cspViolationsReported > 0")
    assert page.evaluate("window.inlineRan") is None
    refused = list(problems)
    assert refused and all("inline" in p for p in refused), refused
    problems.clear()  # refused, as it should be; from here on nothing else may be

    assert page.evaluate("typeof window.axe") == "undefined"
    page.evaluate(AXE_SOURCE)
    assert page.evaluate("window.axe.version") == AXE_VERSION
    assert isinstance(axe_violations(page), list)
    # The browser may report that same refusal again after the clear (the reports come
    # back asynchronously); that one is expected. Anything else still fails the test.
    problems[:] = [p for p in problems if p not in refused]
