"""Shared fixtures: people, signed-in clients and small factories for journal rows."""

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn, Episode, Medication, MedicationKind, Profile
from journal.records.services import save_episode_details
from tests import leftovers
from tests.mail import Mailbox
from tests.mail import smtp_server as smtp_server_running

PASSWORD = "a-long-test-password-42"

# A phone as Profile → Devices names it: "Chrome Mobile on Android 14, Pixel 7".
PIXEL = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def pytest_report_header() -> str:
    chromium = shutil.which("chromium")
    if chromium:
        return f"browser tests: {chromium}"
    return (
        "*** browser tests: chromium NOT FOUND, they will be SKIPPED (apt-get install chromium) ***"
    )


def pytest_configure(config) -> None:
    leftovers.mark_this_run()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session) -> None:
    """Fail the run when a process it started is still running (tests/leftovers.py),
    after the session's fixtures are torn down; then end those processes."""
    from loadtest.servers import STARTED_GROUPS

    found = leftovers.left_behind(STARTED_GROUPS)
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("!", f"{len(found)} process(es) started by the suite still running")
        for process in found:
            reporter.write_line(str(process), red=True)
    leftovers.end(found)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _empty_redis_cache(settings) -> None:
    """Each test's database changes are rolled back, and with them the database cache;
    Redis keeps its keys, so rate-limit counts would carry over: start from empty."""
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()


def can_sign_in(username: str, password: str) -> bool:
    """Sign in through the login form, as a person would (and as django-axes counts)."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def reset_password_by_email(client: Client, email: str, new_password: str):
    """Ask for a reset, follow the emailed link, set the new password; the last response."""
    client.post(reverse("password_reset"), {"email": email})
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    return client.post(form_url, {"new_password1": new_password, "new_password2": new_password})


def _make_user(username: str, time_zone: str = "UTC") -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    Profile.objects.create(user=user, time_zone=time_zone)
    return user


@pytest.fixture
def user(db) -> User:
    return _make_user("alice")


@pytest.fixture
def other_user(db) -> User:
    return _make_user("mallory")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(person: User) -> Client:
        client = Client()
        client.force_login(person)
        return client

    return make


@pytest.fixture
def alice_client(user, client_for) -> Client:
    return client_for(user)


@pytest.fixture
def make_episode() -> Callable[..., Episode]:
    def make(owner: User, **fields) -> Episode:
        defaults = {
            "started_at": timezone.now() - dt.timedelta(hours=1),
            "duration_seconds": 90,
            "body_region": "calf",
            "side": "left",
            "intensity": 5,
        }
        return Episode.objects.create(owner=owner, **(defaults | fields))

    return make


@pytest.fixture
def make_medication() -> Callable[..., Medication]:
    def make(owner: User, **fields) -> Medication:
        defaults = {"name": "Atorvastatin", "dose": "20 mg", "kind": MedicationKind.STATIN}
        return Medication.objects.create(owner=owner, **(defaults | fields))

    return make


@pytest.fixture
def make_checkin() -> Callable[..., CheckIn]:
    def make(owner: User, **fields) -> CheckIn:
        defaults = {"date": timezone.localdate(), "fluid_ml": 2000, "sleep_hours": 7}
        return CheckIn.objects.create(owner=owner, **(defaults | fields))

    return make


@pytest.fixture
def make_full_episode(make_episode, make_medication) -> Callable[..., Episode]:
    """An episode with every field and every kind of answer filled in."""

    def make(owner: User, started_at: dt.datetime, **fields) -> Episode:
        medication = make_medication(owner, name="Magnesium")
        defaults = {
            "duration_seconds": 135,
            "body_region": "hamstring",
            "side": "right",
            "intensity": 7,
            "activity": "asleep",
            "broke_sleep": True,
            "fluid_ml": 1200,
            "electrolyte_drink": False,
            "exercise_type": "Running",
            "exercise_minutes": 45,
            "exercise_intensity": "vigorous",
            "heavy_sweating": True,
            "notes": "Woke at 2:30, both calves.",
        }
        episode = make_episode(owner, started_at=started_at, **(defaults | fields))
        episode.medications_taken.add(medication)
        save_episode_details(
            episode,
            triggers=["dehydration", "heat"],
            symptoms=["numbness"],
            reliefs={"stretch": 2, "heat": 0},
        )
        return episode

    return make


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    """aiosmtpd on loopback, and the app sending to it over SMTP."""
    with smtp_server_running() as (mailbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_ENABLED = True
        yield mailbox
