"""What a person does, as HTTP requests: shared by the locust file, the load script and
the server tests. ``session`` is a requests.Session or locust's HttpSession (both send
cookies back and follow redirects only when asked)."""

from __future__ import annotations

import random
import re
import uuid

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "load-test-passphrase-2026"
REGIONS = ["calf", "foot", "hamstring", "quadriceps", "hand"]


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def post_form(session, base: str, path: str, data: dict, **kwargs):
    """GET the form (for its CSRF token, as a browser would), then POST it."""
    page = session.get(f"{base}{path}", **kwargs)
    token = csrf_token(page.text)
    return session.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": token, **data},
        allow_redirects=False,
        **kwargs,
    )


def sign_up(session, base: str, username: str, password: str = PASSWORD):
    data = {
        "username": username,
        "email": f"{username}@example.com",
        "password1": password,
        "password2": password,
        "time_zone": "Europe/London",
    }
    return post_form(session, base, "/accounts/signup/", data)


def log_in(session, base: str, username: str, password: str = PASSWORD, **kwargs):
    data = {"username": username, "password": password}
    return post_form(session, base, "/accounts/login/", data, **kwargs)


def acknowledged(response) -> bool:
    """The server said the episode is saved: a redirect to its page or its timer."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and re.search(r"/episodes/\d+/", location) is not None


def quick_log(session, base: str, rng: random.Random, client_id: uuid.UUID | None = None, **kw):
    """Log a cramp from the quick screen; returns (response, the client id sent)."""
    client_id = client_id or uuid.uuid4()
    data = {
        "client_id": str(client_id),
        "started_ago": "0",
        "how_long": rng.choice(["", "30", "60", "120"]),
        "body_region": rng.choice(REGIONS),
        "side": rng.choice(["left", "right"]),
        "intensity": str(rng.randint(2, 9)),
    }
    return post_form(session, base, "/episodes/quick/", data, **kw), client_id


def full_log(session, base: str, rng: random.Random, **kw):
    """The full form with details; returns (response, the client id sent)."""
    client_id = uuid.uuid4()
    page = session.get(f"{base}/episodes/new/", **kw)
    started = re.search(r'name="started_at" value="([^"]+)"', page.text)
    data = {
        "csrfmiddlewaretoken": csrf_token(page.text),
        "client_id": str(client_id),
        "started_at": started.group(1) if started else "",
        "duration_minutes": str(rng.randint(0, 5)),
        "duration_seconds_part": str(rng.randint(1, 59)),
        "body_region": rng.choice(REGIONS),
        "side": rng.choice(["left", "right", "both"]),
        "intensity": str(rng.randint(1, 10)),
        "activity": rng.choice(["asleep", "resting", "exercising"]),
        "fluid_ml": str(rng.choice([500, 1200, 2000])),
        "triggers": rng.sample(["dehydration", "heat", "fatigue"], k=rng.randint(0, 2)),
        "relief_stretch": str(rng.randint(0, 2)),
        "notes": "Woke up with it.",
    }
    response = session.post(f"{base}/episodes/new/", data=data, allow_redirects=False, **kw)
    return response, client_id
