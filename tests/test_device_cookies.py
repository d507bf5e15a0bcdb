"""Password guessing spread over many addresses (journal.accounts.devices): failures from browsers
new to an account count against the account as a whole and pause all such browsers,
while the owner's known browsers (a signed device cookie) still sign in."""

import datetime as dt
from http import HTTPStatus

import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from journal.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD
from tests.test_models_and_settings import PRODUCTION, _run

PAUSED = "Sign-in paused"
WRONG = "correct username and password"
LIMIT = settings.SIGNIN_FAILURE_LIMIT
WINDOW = settings.SIGNIN_FAILURE_WINDOW
# Fewer than django-axes' lock on username + address, so that lock never answers here.
GUESSES_PER_ADDRESS = settings.AXES_FAILURE_LIMIT - 1


def _address(n: int) -> str:
    return f"198.51.{n // 250}.{n % 250 + 1}"


def _sign_in(client: Client, username: str, password: str, address: int = 0):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=_address(address),
    )


def _owners_browser(username: str = "alice", address: int = 900) -> Client:
    """A browser the owner has signed in on before (and then signed out of)."""
    browser = Client()
    assert _sign_in(browser, username, PASSWORD, address).status_code == HTTPStatus.FOUND
    assert settings.DEVICE_COOKIE_NAME in browser.cookies
    browser.post(reverse("logout"))
    return browser


def _guess_from_many_addresses(username: str, guesses: int, first_address: int = 0) -> list:
    """An attacker's wrong guesses, each address staying under axes' limit; the answers."""
    answers = []
    for n in range(guesses):
        address = first_address + n // GUESSES_PER_ADDRESS
        answers.append(_sign_in(Client(), username, f"guess-{n}", address))
    return answers


def test_guesses_from_many_addresses_pause_new_browsers_for_that_account(user):
    # The penetration test: 30 addresses x 5 guesses at one account.
    answers = _guess_from_many_addresses("alice", 150)
    checked = [a for a in answers if a.status_code == HTTPStatus.OK and WRONG in a.content.decode()]
    assert len(checked) == LIMIT - 1  # the last one counted answers "paused"
    paused = [a for a in answers if a.status_code == HTTPStatus.TOO_MANY_REQUESTS]
    assert len(paused) == 150 - (LIMIT - 1)
    assert all(PAUSED in a.content.decode() for a in paused)
    # Now even the right password from yet another address is refused, and signs no one in.
    fresh = Client()
    right = _sign_in(fresh, "alice", PASSWORD, address=5000)
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "has not been used on before" in right.content.decode()
    assert "_auth_user_id" not in fresh.session
    assert settings.DEVICE_COOKIE_NAME not in fresh.cookies


def test_a_paused_guesser_learns_nothing_from_the_right_password(user):
    _guess_from_many_addresses("alice", LIMIT)
    right = _sign_in(Client(), "alice", PASSWORD, address=5000)
    wrong = _sign_in(Client(), "alice", "another-guess", address=5001)
    assert right.status_code == wrong.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right.content == wrong.content
    assert not AuditEvent.objects.filter(user_id=user.pk, kind=AuditKind.LOGIN).exists()


def test_the_owners_known_browser_still_signs_in_during_the_pause(user):
    phone = _owners_browser()
    _guess_from_many_addresses("alice", 3 * LIMIT)
    assert _sign_in(Client(), "alice", PASSWORD, address=5000).status_code == 429
    # The owner's phone, from an address never seen, signs in.
    response = _sign_in(phone, "alice", PASSWORD, address=6000)
    assert response.status_code == HTTPStatus.FOUND
    assert phone.get(reverse("episode_list")).status_code == HTTPStatus.OK


def test_the_pause_is_recorded_against_the_account(user):
    _guess_from_many_addresses("alice", LIMIT + 1)
    events = AuditEvent.objects.filter(user_id=user.pk, kind=AuditKind.LOCKED_OUT)
    assert events.count() == 2  # the failure that started it, and the refusal after it
    assert {e.detail for e in events} == {"new devices"}


def test_an_unknown_username_is_paused_just_the_same(user):
    known = _guess_from_many_addresses("alice", LIMIT + 1)[-1]
    unknown = _guess_from_many_addresses("nobody-by-this-name", LIMIT + 1)[-1]
    assert known.status_code == unknown.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert known.content == unknown.content


def test_guessing_under_other_cases_of_the_name_counts_against_the_same_account(user):
    _guess_from_many_addresses("Alice", LIMIT // 2)
    _guess_from_many_addresses("ALICE", LIMIT - LIMIT // 2, first_address=100)
    paused = _sign_in(Client(), "alice", PASSWORD, address=5000)
    assert paused.status_code == HTTPStatus.TOO_MANY_REQUESTS


def _pause(username: str = "alice") -> None:
    _guess_from_many_addresses(username, LIMIT)
    assert _sign_in(Client(), username, PASSWORD, 5000).status_code == 429


def _with_cookie(value: str) -> Client:
    browser = Client()
    browser.cookies[settings.DEVICE_COOKIE_NAME] = value
    return browser


def test_a_forged_tampered_or_other_persons_device_cookie_is_a_new_browser(user, other_user):
    real = _owners_browser().cookies[settings.DEVICE_COOKIE_NAME].value
    mallorys = _owners_browser("mallory").cookies[settings.DEVICE_COOKIE_NAME].value
    _pause()
    payload, signature = real.rsplit(":", 1)
    forgeries = {
        "garbage": "not-a-device-cookie",
        "tampered": f"{payload}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "another person's": mallorys,
        # Signed with the site's key, but for another purpose (no device salt).
        "other salt": signing.dumps({"user": user.pk, "nonce": "x"}),
    }
    for name, value in forgeries.items():
        response = _sign_in(_with_cookie(value), "alice", PASSWORD, address=7000)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS, name
    # The real cookie, copied as it is, still signs in (what a known browser holds).
    assert _sign_in(_with_cookie(real), "alice", PASSWORD, 7001).status_code == 302


def test_a_known_browsers_own_failures_pause_that_browser_only(user):
    phone, laptop = _owners_browser(address=900), _owners_browser(address=901)
    answers = [_sign_in(phone, "alice", f"typo-{n}", address=1000 + n) for n in range(LIMIT)]
    assert [a.status_code for a in answers] == [200] * (LIMIT - 1) + [429]
    assert "from this browser" in answers[-1].content.decode()
    assert _sign_in(phone, "alice", PASSWORD, 2000).status_code == 429
    assert AuditEvent.objects.filter(kind=AuditKind.LOCKED_OUT, detail="this device").exists()
    # Her laptop and a browser new to her account are untouched.
    assert _sign_in(laptop, "alice", PASSWORD, 2001).status_code == HTTPStatus.FOUND
    assert _sign_in(Client(), "alice", PASSWORD, 2002).status_code == HTTPStatus.FOUND


def test_each_sign_in_gives_a_new_device_cookie_that_is_httponly_lax_and_lasts_a_year(user):
    browser = Client()
    first = _sign_in(browser, "alice", PASSWORD).cookies[settings.DEVICE_COOKIE_NAME]
    assert first["httponly"] and first["samesite"] == "Lax" and first["path"] == "/"
    assert first["max-age"] == 365 * 24 * 3600
    browser.post(reverse("logout"))
    second = _sign_in(browser, "alice", PASSWORD).cookies[settings.DEVICE_COOKIE_NAME]
    assert second.value != first.value
    # A failed sign-in gives none.
    assert settings.DEVICE_COOKIE_NAME not in _sign_in(Client(), "alice", "wrong").cookies


def test_over_https_the_device_cookie_is_secure_and_host_only(user):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEVICE_COOKIE_NAME, s.DEVICE_COOKIE_AGE.days)"
    )
    result = _run("-c", code, DJANGO_SETTINGS_MODULE="crampjournal.settings", **PRODUCTION)
    assert result.stdout.split() == ["__Host-device", "365"], result.stderr
    with override_settings(DEVICE_COOKIE_NAME="__Host-device", SESSION_COOKIE_SECURE=True):
        cookie = _sign_in(Client(), "alice", PASSWORD).cookies["__Host-device"]
    assert cookie["secure"] and not cookie["domain"] and cookie["path"] == "/"


def test_the_pause_ends_after_its_window(user, settings):
    settings.REDIS_URL = ""  # counters in the database, which follow the moved clock
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _pause()
        clock.move_to(start + WINDOW - dt.timedelta(minutes=1))
        assert _sign_in(Client(), "alice", PASSWORD, 5001).status_code == 429
        clock.move_to(start + WINDOW + dt.timedelta(seconds=1))
        assert _sign_in(Client(), "alice", PASSWORD, 5002).status_code == HTTPStatus.FOUND
        # And the guesser starts again from nothing, not from the old count.
        assert _sign_in(Client(), "alice", "guess", 5003).status_code == HTTPStatus.OK


def test_a_known_browsers_pause_ends_after_its_window(user, settings):
    settings.REDIS_URL = ""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        phone = _owners_browser()
        for n in range(LIMIT):
            _sign_in(phone, "alice", f"typo-{n}", address=1000 + n)
        assert _sign_in(phone, "alice", PASSWORD, 2000).status_code == 429
        clock.move_to(start + WINDOW + dt.timedelta(seconds=1))
        assert _sign_in(phone, "alice", PASSWORD, 2001).status_code == HTTPStatus.FOUND


def test_signing_up_makes_this_browser_a_known_device(db):
    """Sign-up is a completed sign-in: the new owner's browser gets past a pause on new
    browsers for the account from its first day."""
    browser = Client()
    data = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "UTC",
    }
    assert browser.post(reverse("signup"), data).status_code == HTTPStatus.FOUND
    assert settings.DEVICE_COOKIE_NAME in browser.cookies
    browser.post(reverse("logout"))
    _guess_from_many_addresses("newcomer", LIMIT)
    assert PAUSED in _sign_in(Client(), "newcomer", PASSWORD, 700).content.decode()
    assert _sign_in(browser, "newcomer", PASSWORD, 701).status_code == HTTPStatus.FOUND
