"""Benchmark of signing in and of "Confirm it's you": the server's time for each step.

Run by hand, not by the test suite:

    .venv/bin/python bench/sign_in.py [--runs 20]

A scratch SQLite database (or DATABASE_URL naming an EMPTY scratch database, as for
bench/patterns.py), the production password hasher (Django's PBKDF2 at its default
iterations, not the test suite's fast one), and django.test.Client: each figure is a
request's time through routing, middleware, the view and the template, without the
network. Passkey steps use tests/authenticator.py (a P-256 key, real signatures), so
they include py_webauthn's checks but not the person touching their phone.

The steps:
- sign-in page: GET /accounts/login/
- password sign-in: POST the form (the password hash dominates)
- password + code: the code step's POST, after a password step
- passkey sign-in: the options POST, then the answer's POST
- kept session, 20 days on: GET /episodes/quick/ (what the 3 a.m. shortcut costs)
- confirm with the password; confirm with a passkey (options, then answer)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import patterns as base  # bench/patterns.py: the scratch database  # noqa: E402

PASSWORD = "a-long-bench-password-42"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per step (default 20)")
    args = parser.parse_args()
    if not 1 <= args.runs <= 200:
        parser.error("--runs must be 1 to 200")
    return args


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{statistics.median(ordered) * 1000:8.1f} {p90 * 1000:8.1f}"


def timed(step: Callable[[], float], runs: int) -> list[float]:
    """Each run returns the seconds it measured itself (some steps have set-up to skip);
    the first run only warms the caches."""
    return [step() for _ in range(runs + 1)][1:]


def run(args: argparse.Namespace) -> int:
    import time_machine
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from journal.accounts import two_factor
    from journal.models import Profile
    from tests.authenticator import Authenticator

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    hashers = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=hashers, ALLOWED_HOSTS=["testserver"]):
        for name in ("plain", "coded"):
            user = User.objects.create_user(name, f"{name}@example.com", PASSWORD)
            Profile.objects.create(user=user)
        coded = User.objects.get(username="coded")
        device = two_factor.unconfirmed_app(coded)
        device.confirmed = True
        device.save()
        codes: list[str] = []

        def clock(request: Callable[[], object]) -> float:
            started = time.perf_counter()
            request()
            return time.perf_counter() - started

        login = reverse("login")

        def page() -> float:
            return clock(lambda: Client().get(login))

        def password() -> float:
            client = Client()
            return clock(lambda: client.post(login, {"username": "plain", "password": PASSWORD}))

        def with_code() -> float:
            client = Client()
            client.post(login, {"username": "coded", "password": PASSWORD})
            if not codes:  # each backup code works once: ten new ones when they run out
                codes.extend(two_factor.new_backup_codes(coded))
            code = codes.pop()
            return clock(lambda: client.post(reverse("login_code"), {"code": code}))

        phone = Authenticator()
        adder = Client()
        adder.post(login, {"username": "plain", "password": PASSWORD})
        options = adder.post(reverse("passkey_add_options")).json()
        adder.post(reverse("passkeys"), {"name": "bench", "credential": phone.register(options)})

        def passkey() -> float:
            client = Client()
            started = time.perf_counter()
            got = client.post(reverse("passkey_sign_in_options")).json()
            client.post(reverse("passkey_sign_in"), {"credential": phone.sign_in(got)})
            return time.perf_counter() - started

        kept = Client()
        kept.post(login, {"username": "plain", "password": PASSWORD, "keep": "on"})

        def shortcut() -> float:
            with time_machine.travel(time.time() + 20 * 24 * 3600):
                return clock(lambda: kept.get(reverse("quick_log")))

        def confirm_password() -> float:
            client = Client()
            client.post(login, {"username": "plain", "password": PASSWORD})
            return clock(lambda: client.post(reverse("confirm"), {"password": PASSWORD}))

        def confirm_passkey() -> float:
            client = Client()
            client.post(login, {"username": "plain", "password": PASSWORD})
            started = time.perf_counter()
            got = client.post(reverse("confirm_passkey_options")).json()
            client.post(reverse("confirm_passkey"), {"credential": phone.sign_in(got)})
            return time.perf_counter() - started

        steps = [
            ("sign-in page", page),
            ("password sign-in", password),
            ("password + code (code step)", with_code),
            ("passkey sign-in (options + answer)", passkey),
            ("kept session, 20 days on: quick log", shortcut),
            ("confirm with the password", confirm_password),
            ("confirm with a passkey (options + answer)", confirm_passkey),
        ]
        print("CrampJournal sign-in benchmark")
        print(f"  database  {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]}")
        print(f"  hasher    PBKDF2 ({hashers[0].rsplit('.', 1)[1]}), runs {args.runs} per step")
        print(f"  {'step':45} {'median':>8} {'p90':>8}  ms")
        for name, step in steps:
            print(f"  {name:45} {_ms(timed(step, args.runs))}")
        print("  taps for the 3 a.m. cramp, kept signed in: 2 (the shortcut, then Save)")
    return 0


def main() -> int:
    return base.with_django(run, parse_args())


if __name__ == "__main__":
    sys.exit(main())
