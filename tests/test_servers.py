"""The app as it is deployed: gunicorn processes started like `make serve`, spoken to
over HTTP. On the PostgreSQL run of the suite (DATABASE_URL set) they use a scratch
PostgreSQL database and, with REDIS_URL, Redis; otherwise one SQLite file."""

import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests

from loadtest import journeys
from loadtest.servers import running_stack

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _stack_redis() -> str | None:
    """Redis for the servers: the suite's Redis, another database number (13), empty."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    parts = urlsplit(url)
    url = urlunsplit(parts._replace(path="/13"))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="module")
def two_servers():
    with running_stack(instances=2, postgres=POSTGRES, redis_url=_stack_redis()) as stack:
        yield stack


def _person(base: str, username: str) -> requests.Session:
    session = requests.Session()
    assert journeys.sign_up(session, base, username).status_code == 302
    return session


def test_concurrent_logging_keeps_every_acknowledged_episode_once(two_servers):
    """Many threads save cramps at once, each submit sent twice (a retry after a lost
    answer), some of them racing each other: every acknowledged episode is there,
    none twice, and nothing fails."""
    stack = two_servers
    people = [_person(stack.urls[0], f"writer{n}") for n in range(4)]
    before = len(stack.episode_uids())
    errors: list[str] = []
    acknowledged: list[uuid.UUID] = []
    lock = threading.Lock()

    def write(job: int) -> None:
        session = requests.Session()
        session.cookies.update(people[job % len(people)].cookies)
        rng = random.Random(job)
        client_id = uuid.uuid4()
        for attempt in range(2):  # the same form sent again, maybe to the other server
            base = stack.urls[(job + attempt) % 2]
            response, _ = journeys.quick_log(session, base, rng, client_id=client_id)
            with lock:
                if journeys.acknowledged(response):
                    acknowledged.append(client_id)
                else:
                    errors.append(f"job {job}: {response.status_code}")

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(write, range(120)))

    assert errors == []
    rows = Counter(stack.episode_uids())
    assert len(rows) - before == 120
    assert all(rows[client_id] == 1 for client_id in acknowledged)
    assert max(rows.values()) == 1


def test_a_retried_submit_shows_the_episode_saved_the_first_time(two_servers):
    session = _person(two_servers.urls[0], "retrier")
    client_id = uuid.uuid4()
    first, _ = journeys.quick_log(session, two_servers.urls[0], random.Random(1), client_id)
    again, _ = journeys.quick_log(session, two_servers.urls[1], random.Random(1), client_id)
    assert first.headers["Location"] == again.headers["Location"]
    page = session.get(two_servers.urls[1] + again.headers["Location"])
    assert "already saved" in page.text


def test_a_session_made_on_one_server_works_on_the_other(two_servers):
    a, b = two_servers.urls
    session = _person(a, "traveller")
    response = session.get(f"{b}/profile/", allow_redirects=False)
    assert response.status_code == 200
    assert "Signed in as traveller" in response.text
    logout = session.post(
        f"{b}/accounts/logout/",
        data={"csrfmiddlewaretoken": journeys.csrf_token(response.text)},
        allow_redirects=False,
    )
    assert logout.status_code == 302
    assert session.get(f"{a}/patterns/", allow_redirects=False).status_code == 302


def test_signing_a_device_out_on_one_server_ends_it_on_the_other(two_servers):
    """Profile → Devices on server B signs out the phone that is using server A: its
    very next request there is signed out (the session is gone from the database and,
    with Redis, from the shared cache)."""
    a, b = two_servers.urls
    laptop = _person(b, "two-devices")
    phone = requests.Session()
    phone.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/126.0 Mobile"
    assert journeys.log_in(phone, a, "two-devices").status_code == 302
    assert phone.get(f"{a}/episodes/quick/", allow_redirects=False).status_code == 200
    devices = laptop.get(f"{b}/profile/devices/", allow_redirects=False)
    assert devices.status_code == 200
    assert "Android 14, Pixel 7" in devices.text
    action = re.search(r'action="(/profile/devices/[0-9a-f]+/sign-out/)"', devices.text).group(1)
    out = laptop.post(
        b + action,
        data={"csrfmiddlewaretoken": journeys.csrf_token(devices.text)},
        allow_redirects=False,
    )
    assert out.status_code == 302
    response = phone.get(f"{a}/episodes/quick/", allow_redirects=False)
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]
    assert laptop.get(f"{a}/episodes/quick/", allow_redirects=False).status_code == 200


def test_a_lockout_on_one_server_holds_on_the_other(two_servers):
    a, b = two_servers.urls
    _person(a, "lockme")
    for _ in range(5):
        journeys.log_in(requests.Session(), a, "lockme", password="wrong-guess")
    locked = journeys.log_in(requests.Session(), b, "lockme")
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.text


def test_a_share_link_made_on_one_server_opens_on_the_other(two_servers):
    a, b = two_servers.urls
    session = _person(a, "sharer")
    journeys.quick_log(session, a, random.Random(3))
    response = journeys.post_form(
        session, a, "/share/", {"range": "90d", "days": "7", "name": "J. Doe"}
    )
    assert response.status_code == 200, response.text[:500]
    link = re.search(r"data-link-url>(http://[^<]+/s/[^<]+/)<", response.text).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    opened = requests.get(b + urlsplit(link).path)
    assert opened.status_code == 200
    assert "J. Doe" in opened.text
    # The servers' own access logs never hold the token. gunicorn writes the line after
    # the response has gone, so give it a moment on a busy machine.
    line = '"GET /s/<token>/ HTTP/1.1" 200'
    deadline = time.monotonic() + 10
    while line not in (log := two_servers.log_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert token not in log
    assert line in log


def test_health_check_and_hashed_static_files(two_servers):
    base = two_servers.urls[0]
    assert requests.get(f"{base}/healthz").text == "ok\n"
    page = requests.get(f"{base}/accounts/login/").text
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    response = requests.get(base + css, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
