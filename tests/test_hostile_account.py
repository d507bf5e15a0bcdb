"""Hostile input to the account pages: profile, password change, deletion, two-factor on/off."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given, settings

from journal.accounts import two_factor
from journal.models import ColourMode, FluidUnit, Passkey
from tests.hostile import (
    NEW_PASSWORDS,
    PASSWORD,
    TIME_ZONES,
    SignedInTestCase,
    _with_codes,
    assert_answered,
    form_data,
)


class AccountFormsTest(SignedInTestCase):
    """The profile and security forms, posted by a signed-in person."""

    @settings(max_examples=30, deadline=None)
    @given(
        form_data(
            {
                "time_zone": TIME_ZONES,
                "fluid_unit": FluidUnit.values,
                "colour_mode": ColourMode.values,
            }
        )
    )
    def test_profile(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("profile"), data))

    @settings(max_examples=30, deadline=None)
    @given(
        form_data(
            {
                "old_password": [PASSWORD, "wrong"],
                "new_password1": NEW_PASSWORDS,
                "new_password2": NEW_PASSWORDS,
            }
        )
    )
    def test_password_change(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("password_change"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data({"password": [PASSWORD, "wrong"]}))
    def test_delete_account(self, data: dict) -> None:
        response = self.client.post(reverse("delete_account"), data)
        assert_answered(response)
        deleted = not User.objects.filter(pk=self.alice.pk).exists()
        assert deleted == (response.status_code == HTTPStatus.FOUND)

    @settings(max_examples=30, deadline=None)
    @given(form_data({"code": ["app", "123456", "000000", "12 34 56"]}))
    def test_two_factor_setup(self, data: dict) -> None:
        device = two_factor.unconfirmed_app(self.alice)
        response = self.client.post(reverse("two_factor"), _with_codes(data, device))
        assert_answered(response)
        assert two_factor.is_on(self.alice) == ("codes" in response.context)

    @settings(max_examples=30, deadline=None)
    @given(form_data({"password": [PASSWORD, "wrong"], "code": ["app", "123456"]}))
    def test_two_factor_off(self, data: dict) -> None:
        device = TOTPDevice.objects.create(user=self.alice, name="app", confirmed=True)
        response = self.client.post(reverse("two_factor_off"), _with_codes(data, device))
        assert_answered(response)
        assert two_factor.is_on(self.alice) == (response.status_code != HTTPStatus.FOUND)

    @settings(max_examples=30, deadline=None)
    @given(form_data({"password": [PASSWORD, "wrong"], "code": ["app", "123456"]}))
    def test_confirm(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("confirm"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data({"name": ["My phone", ""], "credential": ["{}", "[]", "null"]}))
    def test_add_a_passkey(self, data: dict) -> None:
        self.client.post(reverse("passkey_add_options"))
        assert_answered(self.client.post(reverse("passkeys"), data))
        assert not Passkey.objects.exists()

    @settings(max_examples=30, deadline=None)
    @given(form_data({"credential": ["{}", "[]", "null"], "next": ["/", "//evil.example"]}))
    def test_passkey_sign_in_and_confirm(self, data: dict) -> None:
        for options, answer in (
            ("passkey_sign_in_options", "passkey_sign_in"),
            ("confirm_passkey_options", "confirm_passkey"),
        ):
            self.client.post(reverse(options))
            response = self.client.post(reverse(answer), data)
            assert_answered(response)
            assert "evil" not in response.get("Location", "")
