"""Optional two-factor sign-in: setting it up, signing in with it, backup codes, turning
it off, and that a password reset does not get round it."""

import re
import time
from http import HTTPStatus

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.accounts import two_factor
from journal.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD, reset_password_by_email

NEW_PASSWORD = "another-long-passphrase-77"


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows (a later step for a second sign-in:
    a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _turn_on(client: Client, user) -> list[str]:
    page = client.get(reverse("two_factor"))
    assert "<svg" in page.content.decode()  # the QR code, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor"), {"code": _code(device)})
    return response.context["codes"]


def _password_step(username: str = "alice", password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.url == reverse("login_code")
    return client


def test_turning_it_on_takes_a_right_code_from_the_app(user, alice_client):
    page = alice_client.get(reverse("two_factor")).content.decode()
    assert "Off." in page
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret.replace(" ", "") == two_factor.secret_for_typing(device).replace(" ", "")
    wrong = alice_client.post(reverse("two_factor"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert not two_factor.is_on(user)
    time.sleep(1.1)  # django-otp slows down the next try after a wrong code
    codes = _turn_on(alice_client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.is_on(user)
    assert "Backup codes left: <strong>10</strong>" in (
        alice_client.get(reverse("two_factor")).content.decode()
    )


def test_with_it_on_the_password_alone_does_not_sign_in(user, alice_client):
    _turn_on(alice_client, user)
    client = _password_step()
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.FOUND
    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.FOUND
    device = TOTPDevice.objects.get(user=user)
    time.sleep(1.1)  # django-otp slows down the next try after a wrong code
    response = client.post(reverse("login_code"), {"code": _code(device, steps_ahead=1)})
    assert response.url == reverse("home")
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.OK
    kinds = list(AuditEvent.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    assert AuditKind.TWO_FACTOR_FAILED in kinds and AuditKind.TWO_FACTOR_ON in kinds


def test_the_code_step_keeps_the_page_asked_for(user, alice_client):
    _turn_on(alice_client, user)
    client = Client()
    client.post(
        reverse("login") + "?next=/patterns/",
        {"username": "alice", "password": PASSWORD, "next": "/patterns/"},
    )
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("login_code"), {"code": _code(device, steps_ahead=1)})
    assert response.url == "/patterns/"


def test_a_backup_code_signs_in_once(user, alice_client):
    codes = _turn_on(alice_client, user)
    client = _password_step()
    assert client.post(reverse("login_code"), {"code": codes[0]}).url == reverse("home")
    again = _password_step()
    refused = again.post(reverse("login_code"), {"code": codes[0]})
    assert refused.status_code == HTTPStatus.OK
    assert two_factor.backup_codes_left(user) == 9


def test_five_wrong_codes_send_the_person_back_to_the_password(user, alice_client):
    _turn_on(alice_client, user)
    client = _password_step()
    for _ in range(4):
        assert client.post(reverse("login_code"), {"code": "abcdefgh"}).status_code == 200
    response = client.post(reverse("login_code"), {"code": "abcdefgh"})
    assert response.url == reverse("login")
    assert client.get(reverse("login_code")).url == reverse("login")


def test_the_code_step_without_a_password_first_goes_to_the_login(db):
    response = Client().get(reverse("login_code"))
    assert response.url == reverse("login")


def test_a_password_reset_does_not_get_round_it(user, alice_client):
    _turn_on(alice_client, user)
    client = Client()
    done = reset_password_by_email(client, "alice@example.com", NEW_PASSWORD)
    assert done.url == reverse("password_reset_complete")
    # Not signed in by the reset, and the new password still leads to the code step.
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.FOUND
    _password_step(password=NEW_PASSWORD)
    assert two_factor.is_on(user)


def test_turning_it_off_takes_the_password_and_a_code(user, alice_client):
    _turn_on(alice_client, user)
    device = TOTPDevice.objects.get(user=user)
    wrong = alice_client.post(
        reverse("two_factor_off"), {"password": "nope", "code": _code(device, steps_ahead=1)}
    )
    assert "That is not your password." in wrong.content.decode()
    assert two_factor.is_on(user)
    response = alice_client.post(
        reverse("two_factor_off"), {"password": PASSWORD, "code": _code(device, steps_ahead=1)}
    )
    assert response.url == reverse("two_factor")
    assert not two_factor.is_on(user)
    assert Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    ).url == reverse("home")


def test_new_backup_codes_replace_the_old(user, alice_client):
    old = _turn_on(alice_client, user)
    new = alice_client.post(reverse("backup_codes")).context["codes"]
    assert set(old).isdisjoint(new)
    client = _password_step()
    assert client.post(reverse("login_code"), {"code": old[1]}).status_code == HTTPStatus.OK
    time.sleep(1.1)
    assert client.post(reverse("login_code"), {"code": new[1]}).url == reverse("home")


def test_the_device_cookie_comes_with_the_code_not_with_the_password(user, alice_client):
    _turn_on(alice_client, user)
    client = _password_step()
    assert settings.DEVICE_COOKIE_NAME not in client.cookies  # half-way is not signed in
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("login_code"), {"code": _code(device, steps_ahead=1)})
    assert response.url == reverse("home")
    assert settings.DEVICE_COOKIE_NAME in response.cookies


def test_a_browser_that_gave_the_code_before_passes_a_pause_on_new_browsers(user, alice_client):
    _turn_on(alice_client, user)
    device = TOTPDevice.objects.get(user=user)
    phone = _password_step()
    phone.post(reverse("login_code"), {"code": _code(device, steps_ahead=1)})
    phone.post(reverse("logout"))
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            reverse("login"), {"username": "alice", "password": f"guess-{n}"}
        )
    stranger = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert stranger.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The phone still gets to the code step, and the code still signs it in.
    response = phone.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.url == reverse("login_code")
    code = phone.post(reverse("login_code"), {"code": _code(device, steps_ahead=2)})
    assert code.url == reverse("home")
