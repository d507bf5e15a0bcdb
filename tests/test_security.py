"""Production security: headers on every page, the health check, login throttling,
rate limits, session lifetimes, and what the logs never hold."""

import datetime as dt
import logging
import time
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.accounts import sessions
from journal.accounts.views.security import RESET_EMAILS_PER_ADDRESS
from journal.models import UserSession
from journal.reports.views import exports
from tests.conftest import PASSWORD, can_sign_in, reset_password_by_email

NEW_PASSWORD = "another-long-passphrase-77"
CSP_DIRECTIVES = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _pages(user, make_episode, make_medication, make_checkin) -> list[str]:
    episode = make_episode(user, notes="private note")
    medication = make_medication(user)
    checkin = make_checkin(user)
    names = [
        "home", "profile", "delete_account", "patterns", "flags", "report", "share_list",
        "explained", "export", "import", "episode_list", "episode_create", "quick_log",
        "checkin_list", "checkin_today", "medication_list", "medication_create",
        "password_change", "two_factor", "activity", "export_episodes_csv", "export_all_data",
        "import_template",
    ]  # fmt: skip
    return [reverse(name) for name in names] + [
        reverse("episode_detail", args=[episode.pk]),
        reverse("episode_edit", args=[episode.pk]),
        reverse("medication_edit", args=[medication.pk]),
        reverse("checkin_day", args=[checkin.date]),
    ]


def test_every_page_is_uncached_and_locked_down(
    user, alice_client, make_episode, make_medication, make_checkin
):
    for url in _pages(user, make_episode, make_medication, make_checkin):
        response = alice_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert "no-store" in response["Cache-Control"], url
        policy = response["Content-Security-Policy"]
        for directive in CSP_DIRECTIVES:
            assert directive in policy, (url, directive)
        assert "unsafe" not in policy, url
        assert "camera=()" in response["Permissions-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] in {"same-origin", "no-referrer"}, url


def test_login_page_is_locked_down_for_anyone(db):
    response = Client().get(reverse("login"))
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_health_check_answers_ok_and_nothing_else(db):
    response = Client().get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies  # no session, no CSRF cookie
    assert Client().post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_logs_name_a_share_path_without_its_token(db, caplog):
    caplog.set_level(logging.DEBUG)
    token = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    assert Client().get(f"/s/{token}/").status_code == HTTPStatus.NOT_FOUND
    assert token not in caplog.text
    assert "/s/<token>/" in caplog.text


# Login throttling (django-axes) ---------------------------------------------------------


def _login(username: str, password: str, ip: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}
    )


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(user):
    wrong = _login("alice", "not-her-password")
    unknown = _login("nobody-by-this-name", "not-her-password")
    assert wrong.status_code == unknown.status_code == HTTPStatus.OK
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "correct username and password" in str(wrong.context["form"].non_field_errors())


def test_five_failures_lock_that_username_from_that_address_until_the_cool_off_ends(user):
    for _ in range(4):
        assert _login("alice", "wrong-guess").status_code == HTTPStatus.OK
    fifth = _login("alice", "wrong-guess")
    assert fifth.status_code == HTTPStatus.TOO_MANY_REQUESTS
    locked = _login("alice", PASSWORD)  # now even the right password
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Signing in is paused for 15 min" in locked.content.decode()
    # The lock is on username + address: alice elsewhere still signs in.
    assert _login("alice", PASSWORD, ip="203.0.113.9").status_code == HTTPStatus.FOUND
    # Fifteen minutes later the lock has ended by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _login("alice", PASSWORD).status_code == HTTPStatus.FOUND


def test_an_unknown_username_is_locked_out_just_the_same(db):
    for _ in range(5):
        _login("nobody-by-this-name", "guess")
    response = _login("nobody-by-this-name", "guess")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


# Rate limits through the shared cache -----------------------------------------------------


def test_password_reset_requests_are_rate_limited(user):
    client = Client()
    for _ in range(5):
        response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
        assert response.status_code == HTTPStatus.FOUND
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many password-reset requests" in response.content.decode()
    # Five requests from this client, but no more emails to one address than its own cap.
    assert len(mail.outbox) == RESET_EMAILS_PER_ADDRESS


def test_downloads_are_rate_limited(alice_client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    assert alice_client.get(reverse("export_episodes_csv")).status_code == HTTPStatus.OK
    assert alice_client.get(reverse("export_all_data")).status_code == HTTPStatus.OK
    refused = alice_client.get(reverse("export_episodes_csv"))
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many downloads" in refused.content.decode()


# Sessions ----------------------------------------------------------------------------------


def _age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_a_session_ends_after_thirty_idle_minutes(user):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    _age_session(client, **{sessions.SEEN_AT: 29 * 60})
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.OK
    _age_session(client, **{sessions.SEEN_AT: 31 * 60})
    response = client.get(reverse("episode_list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "without activity" in response.content.decode()


def test_a_session_ends_twelve_hours_after_signing_in_however_active(user):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    _age_session(client, **{sessions.SIGNED_IN_AT: 12 * 3600 + 60})
    response = client.get(reverse("episode_list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_logout_ends_the_session_on_the_server(user):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    key = client.session.session_key
    assert UserSession.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie is worth nothing now.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("episode_list")).status_code == HTTPStatus.FOUND


def _signed_in(username: str = "alice") -> Client:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def test_changing_the_password_signs_out_every_other_device(user):
    phone, laptop = _signed_in(), _signed_in()
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert laptop.get(reverse("episode_list")).status_code == HTTPStatus.OK
    assert phone.get(reverse("episode_list")).status_code == HTTPStatus.FOUND
    assert UserSession.objects.filter(user_id=user.pk).count() == 1


def test_a_password_reset_signs_out_every_device(user):
    phone = _signed_in()
    reset_password_by_email(Client(), "alice@example.com", NEW_PASSWORD)
    assert phone.get(reverse("episode_list")).status_code == HTTPStatus.FOUND
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert can_sign_in("alice", NEW_PASSWORD)


@pytest.mark.parametrize("name", ["login", "password_reset", "signup"])
def test_public_forms_still_need_csrf(db, name):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse(name), {}).status_code == HTTPStatus.FORBIDDEN
