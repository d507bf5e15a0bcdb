"""The admin takes no password of its own: it opens, through the app's sign-in, only to
active staff whose sign-in passed the two-factor code step; it can move and be switched
off."""

import importlib
from contextlib import contextmanager
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

import crampjournal.urls
from journal.accounts import two_factor
from journal.models import AuditEvent, AuditKind, Profile
from tests.conftest import PASSWORD
from tests.test_models_and_settings import _load_settings
from tests.test_two_factor import _code

ADMIN_LIST = "/admin/journal/episode/"
NEEDS_TWO_FACTOR = "The admin needs two-factor sign-in"


def make_staff(username: str = "root", *, two_factor_on: bool = True, staff: bool = True):
    """A superuser (or, with staff=False, an ordinary person) and their authenticator app."""
    make = User.objects.create_superuser if staff else User.objects.create_user
    person = make(username, f"{username}@example.com", PASSWORD)
    Profile.objects.create(user=person)
    device = None
    if two_factor_on:
        device = TOTPDevice.objects.create(user=person, name=two_factor.APP_NAME, confirmed=True)
    return person, device


def sign_in_with_code(person: User, device: TOTPDevice, next_url: str = "") -> Client:
    """Sign in through the app, as a person would: the password, then the app's code."""
    client = Client()
    login = reverse("login") + (f"?next={next_url}" if next_url else "")
    data = {"username": person.username, "password": PASSWORD, "next": next_url}
    assert client.post(login, data).url == reverse("login_code")
    response = client.post(reverse("login_code"), {"code": _code(device)})
    assert response.status_code == HTTPStatus.FOUND, response.content
    return client


def verified_admin_client() -> Client:
    """A superuser with two-factor on, signed in with password and code."""
    return sign_in_with_code(*make_staff())


def _signed_in(client: Client) -> bool:
    return client.get(reverse("episode_list")).status_code == HTTPStatus.OK


# The attack: the admin's own login form -----------------------------------------------------


@pytest.mark.parametrize("two_factor_on", [True, False])
def test_the_admins_login_address_takes_no_password(db, make_episode, two_factor_on):
    person, _ = make_staff(two_factor_on=two_factor_on)
    make_episode(person)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
    )
    # Sent to the app's sign-in, signed in nowhere.
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("login") + "?next=/admin/"
    assert "_auth_user_id" not in client.session
    assert not _signed_in(client)
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN).exists()


def test_staff_with_two_factor_sign_in_through_the_app_and_the_admin_opens(
    db, other_user, make_episode
):
    person, device = make_staff()
    make_episode(other_user)
    client = Client()
    # The admin sends to the app's sign-in, which comes back to the page asked for.
    sent = client.get(ADMIN_LIST, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("login") + f"?next={ADMIN_LIST}"
    password = client.post(
        sent.redirect_chain[-1][0],
        {"username": "root", "password": PASSWORD, "next": ADMIN_LIST},
    )
    assert password.url == reverse("login_code")
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND  # the password alone: no
    code = client.post(reverse("login_code"), {"code": _code(device)})
    assert code.url == ADMIN_LIST
    listing = client.get(ADMIN_LIST)
    assert listing.status_code == HTTPStatus.OK
    assert "mallory" in listing.content.decode()  # everyone's episodes: why it is guarded
    index = client.get("/admin/")
    assert index.status_code == HTTPStatus.OK and "Episodes" in index.content.decode()
    # The admin's login address, once in, goes to the index.
    assert client.get("/admin/login/").url == "/admin/"
    assert AuditEvent.objects.filter(user_id=person.pk, kind=AuditKind.LOGIN).count() == 1


def test_staff_without_two_factor_are_told_to_turn_it_on_not_sent_round_in_a_loop(db):
    make_staff(two_factor_on=False)
    client = Client()
    assert client.post(reverse("login"), {"username": "root", "password": PASSWORD}).url == "/"
    for address in ["/admin/", ADMIN_LIST]:
        response = client.get(address, follow=True)
        assert len(response.redirect_chain) == 1  # to the admin's login address, once
        assert response.status_code == HTTPStatus.FORBIDDEN
        page = response.content.decode()
        assert NEEDS_TWO_FACTOR in page and "Two-factor sign-in is off" in page
        assert f'href="{reverse("two_factor")}"' in page
    assert _signed_in(client)  # still signed in to the app, as before


def test_turning_two_factor_on_opens_the_admin_at_the_next_sign_in_with_a_code(db):
    person, _ = make_staff(two_factor_on=False)
    client = Client()
    client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    client.post(reverse("two_factor"), {"code": _code(device)})
    # On now, but this sign-in took no code.
    refused = client.get("/admin/", follow=True)
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "this sign-in did not ask for one" in refused.content.decode()
    again = reverse("login") + "?next=/admin/"
    assert f'href="{again}">Sign in again with your code' in refused.content.decode()
    assert client.post(
        again, {"username": "root", "password": PASSWORD, "next": "/admin/"}
    ).url == reverse("login_code")
    assert client.post(reverse("login_code"), {"code": _code(device, steps_ahead=1)}).url == (
        "/admin/"
    )
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_session_without_the_code_step_does_not_open_the_admin(db, client_for):
    person, _ = make_staff()  # two-factor on, but signed in some other way
    response = client_for(person).get("/admin/", follow=True)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert NEEDS_TWO_FACTOR in response.content.decode()


def test_turning_two_factor_off_shuts_the_admin(db):
    person, device = make_staff()
    client = sign_in_with_code(person, device)
    assert client.get("/admin/").status_code == HTTPStatus.OK
    two_factor.turn_off(person)
    assert client.get("/admin/", follow=True).status_code == HTTPStatus.FORBIDDEN
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND


def test_people_who_are_not_staff_get_no_admin_even_with_a_code(db, make_episode):
    person, device = make_staff("carol", staff=False)
    make_episode(person)
    client = sign_in_with_code(person, device)
    assert _signed_in(client)
    refused = client.get("/admin/", follow=True)
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "This account cannot use the admin." in refused.content.decode()
    assert client.get(ADMIN_LIST).status_code == HTTPStatus.FOUND


def test_the_admins_password_change_is_the_apps(db):
    client = verified_admin_client()
    assert client.get("/admin/password_change/").url == reverse("password_change")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "ALICE@example.com", "Another account has this email address."),
        ("username", "Alice", "Another account has this username (in any case)."),
    ],
)
def test_the_admin_refuses_a_taken_address_or_name_with_a_message(db, field, value, message):
    client = verified_admin_client()
    User.objects.create_user("alice", "alice@example.com", PASSWORD)
    bob = User.objects.create_user("bob", "bob@example.com", PASSWORD)
    page = client.get(f"/admin/auth/user/{bob.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ("username", "email", "first_name", "last_name")}
    data.update(
        {field: value, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00"}
    )
    refused = client.post(f"/admin/auth/user/{bob.pk}/change/", data)
    assert refused.status_code == HTTPStatus.OK
    assert message in refused.content.decode()
    bob.refresh_from_db()
    assert (bob.username, bob.email) == ("bob", "bob@example.com")


def test_the_refusal_page_keeps_the_apps_headers(db, client_for):
    person, _ = make_staff(two_factor_on=False)
    response = client_for(person).get("/admin/login/")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


# Where the admin lives, and switching it off --------------------------------------------------


def _rebuild_urls() -> None:
    importlib.reload(crampjournal.urls)
    clear_url_caches()


@contextmanager
def urls_built_with(**admin_settings):
    """The site's addresses as they are built at start with these settings (urls.py reads
    them once, when it is imported)."""
    try:
        with override_settings(**admin_settings):
            _rebuild_urls()
            yield
    finally:
        _rebuild_urls()


def test_with_the_admin_switched_off_its_addresses_answer_404(db):
    client = verified_admin_client()
    with urls_built_with(ADMIN_ENABLED=False):
        for address in ["/admin/", "/admin/login/", ADMIN_LIST]:
            assert client.get(address).status_code == HTTPStatus.NOT_FOUND, address
            assert Client().get(address).status_code == HTTPStatus.NOT_FOUND, address
        assert _signed_in(client)  # the app itself is unchanged
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_the_admin_can_move_and_the_default_address_then_answers_404(db):
    client = verified_admin_client()
    with urls_built_with(ADMIN_URL="staff-7d2f/"):
        assert client.get("/admin/").status_code == HTTPStatus.NOT_FOUND
        assert Client().get("/admin/login/").status_code == HTTPStatus.NOT_FOUND
        assert client.get("/staff-7d2f/").status_code == HTTPStatus.OK
        assert client.get("/staff-7d2f/journal/episode/").status_code == HTTPStatus.OK
        # Signed out, the moved admin still goes through the app's sign-in.
        response = Client().get("/staff-7d2f/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("login") + "?next=/staff-7d2f/"


@pytest.mark.parametrize("address", ["/admin/", "admin", "", "../admin/", "a//", "ad min/"])
def test_a_bad_admin_address_is_refused_at_start(address):
    result = _load_settings(DJANGO_DEBUG="true", DJANGO_ADMIN_URL=address)
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must be a relative path" in result.stderr


def test_a_good_admin_address_and_a_switched_off_admin_start(db):
    assert _load_settings(DJANGO_DEBUG="true", DJANGO_ADMIN_URL="ops/admin-2/").returncode == 0
    assert _load_settings(DJANGO_DEBUG="true", DJANGO_ADMIN="false").returncode == 0
