"""Hostile input to the signed-out forms: sign-up, sign-in and its code step, password reset."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import example, given, settings

from journal.accounts import two_factor
from tests.hostile import (
    LONG_EMAIL,
    LONGEST_EMAIL,
    NEW_PASSWORDS,
    PASSWORD,
    TIME_ZONES,
    TestCase,
    _make_user,
    _with_codes,
    assert_answered,
    form_data,
)


def _last(value: str | list[str]) -> str:
    """The value a form reads from a field sent once or repeated."""
    return value[-1] if isinstance(value, list) else value


class SignedOutFormsTest(TestCase):
    """Sign-up, sign-in with its code step, and the password reset."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = _make_user("alice")
        cls.tfa = _make_user("tfa")
        TOTPDevice.objects.create(user=cls.tfa, name=two_factor.APP_NAME, confirmed=True)
        two_factor.new_backup_codes(cls.tfa)

    @settings(max_examples=50, deadline=None)
    @given(
        form_data(
            {
                "username": ["bob", "alice", "x" * 150, "x" * 151, "bad name!"],
                "email": ["bob@example.com", LONG_EMAIL, "not an email"],
                "password1": NEW_PASSWORDS,
                "password2": NEW_PASSWORDS,
                "time_zone": TIME_ZONES,
            }
        )
    )
    @example(
        {"username": "bob", "email": LONG_EMAIL}
        | dict.fromkeys(["password1", "password2"], NEW_PASSWORDS[0])
        | {"time_zone": "UTC"}
    )
    @example(
        {"username": [" x", " ｂｏｂ "], "email": " bob@example.com"}
        | dict.fromkeys(["password1", "password2"], NEW_PASSWORDS[0])
        | {"time_zone": "UTC"}
    )
    def test_sign_up(self, data: dict) -> None:
        before = User.objects.count()
        response = self.client.post(reverse("signup"), data)
        assert_answered(response)
        if response.status_code == HTTPStatus.FOUND:
            # A new account that signs in with what was typed, and that fits its columns.
            assert User.objects.count() == before + 1
            User.objects.order_by("-pk").first().full_clean()
            typed = {"username": _last(data["username"]), "password": _last(data["password1"])}
            assert Client().post(reverse("login"), typed).status_code == HTTPStatus.FOUND
        else:
            assert User.objects.count() == before

    @settings(max_examples=50, deadline=None)
    @given(
        form_data(
            {
                "username": ["alice", "tfa", "nobody"],
                "password": [PASSWORD, "wrong"],
                "next": ["/episodes/", "https://evil.example/", "//evil.example/"],
            }
        )
    )
    @example({"username": "x" * 256, "password": "wrong"})
    def test_log_in(self, data: dict) -> None:
        response = self.client.post(reverse("login"), data)
        assert_answered(response)
        if response.status_code == HTTPStatus.FOUND:
            assert not response.url.startswith(("http", "//")), "never sent off the site"

    @settings(max_examples=40, deadline=None)
    @given(form_data({"code": ["app", "backup", "123456", "000000", "abcd-efgh"]}))
    def test_sign_in_code(self, data: dict) -> None:
        password_step = self.client.post(
            reverse("login"), {"username": "tfa", "password": PASSWORD}
        )
        assert password_step.url == reverse("login_code")
        device = TOTPDevice.objects.get(user=self.tfa)
        response = self.client.post(reverse("login_code"), _with_codes(data, device))
        assert_answered(response)
        signed_in = self.client.get(reverse("episode_list")).status_code == HTTPStatus.OK
        assert signed_in == (response.status_code == HTTPStatus.FOUND and response.url == "/")

    @settings(max_examples=40, deadline=None)
    @given(form_data({"email": ["alice@example.com", "nobody@example.com", LONGEST_EMAIL]}))
    @example({"email": LONGEST_EMAIL})
    def test_password_reset(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("password_reset"), data))

    @settings(max_examples=40, deadline=None)
    @given(form_data({"new_password1": NEW_PASSWORDS, "new_password2": NEW_PASSWORDS}))
    def test_password_reset_new_password(self, data: dict) -> None:
        uid = urlsafe_base64_encode(force_bytes(self.alice.pk))
        token = default_token_generator.make_token(self.alice)
        link = self.client.get(reverse("password_reset_confirm", args=[uid, token]))
        assert link.status_code == HTTPStatus.FOUND  # to the form, the token in the session
        assert_answered(self.client.post(link.url, data))
