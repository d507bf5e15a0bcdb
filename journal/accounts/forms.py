from __future__ import annotations

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.template.loader import render_to_string

from journal.accounts import identity, two_factor
from journal.fields import time_zone_field
from journal.mail import send_automatic
from journal.models import Profile

logger = logging.getLogger("crampjournal.accounts.forms")


class SignUpForm(UserCreationForm):
    """A new account. Django's form already refuses a username that differs from an
    existing one only in case; here new names are ASCII too (journal.accounts.identity). An email
    address another account has gives no error: the page must not tell who has an account,
    so the account is made without it and the address's owner is told (``address_owner``)."""

    email = forms.EmailField(
        help_text="To reset your password, and for reminders if you turn them on."
    )
    time_zone = time_zone_field()

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(identity.USERNAME_RULE)
        username.help_text = identity.USERNAME_HELP
        # The sign-up page's script fills in the browser's zone; UTC without script.
        self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"
        self.address_owner = None

    def save(self) -> AbstractBaseUser:
        user = super().save(commit=False)  # with its password set
        with transaction.atomic():
            self.address_owner = identity.save_new_account(user, self.cleaned_data["email"])
            Profile.objects.update_or_create(
                user=user, defaults={"time_zone": self.cleaned_data["time_zone"]}
            )
        return user


def _keep_field() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label="Keep me signed in on this device",
        # One line a person reads before ticking: the choice, and who it is for.
        help_text=(
            f"Only on your own phone or computer: stay signed in for "
            f"{settings.SESSION_DEVICE_DAYS} days; not on a shared one."
        ),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form puts the username's length limit on the input box only; here a
    longer name is refused, with its message, before any check: no account has one, and
    django-axes, recording a failed sign-in, keeps the name in a 255-character column.
    The username box also offers the browser's passkeys (autocomplete "webauthn")."""

    keep = _keep_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        username.widget.attrs["autocomplete"] = "username webauthn"


class ProfileForm(forms.ModelForm):
    time_zone = time_zone_field()

    class Meta:
        model = Profile
        fields = ["time_zone", "fluid_unit", "colour_mode"]
        labels = {"fluid_unit": "Fluid units"}
        help_texts = {"colour_mode": "Dark pages are easier on the eyes at night."}


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        help_text="For password resets and, if you turn them on, reminders.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordConfirmForm(forms.Form):
    """The password again, before something that cannot be undone by accident."""

    wrong_password = "That is not your password."
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(self.wrong_password)
        return password


class DeleteAccountForm(PasswordConfirmForm):
    wrong_password = "That is not your password. Nothing was deleted."


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="Code",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
        help_text="The 6 digits your authenticator app shows now, or one of your backup codes.",
    )


def _checked_code(user, code: str) -> str:
    if not two_factor.verify(user, code):
        raise forms.ValidationError(
            "That code is not right (or was used already). Check your app's clock and "
            "try the newest code."
        )
    return code


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app, or a backup code; the sign-in's
    "keep me signed in" box again, as ticked at the password step."""

    code = _code_field()
    keep = _keep_field()

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> str:
        return _checked_code(self.user, self.cleaned_data["code"])


class ConfirmForm(PasswordConfirmForm):
    """Confirm it's you (journal.accounts.confirm): the password, and a current code
    when two-factor is on."""

    wrong_password = "That is not your password."

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["password"].help_text = ""
        if two_factor.is_on(user):
            self.fields["code"] = _code_field()

    def clean_code(self) -> str:
        if "password" in self.errors:
            return self.cleaned_data["code"]  # a code is used up when checked: keep it
        return _checked_code(self.user, self.cleaned_data["code"])


class PasskeyForm(forms.Form):
    """A passkey to add: its name, and the browser's answer (filled in by the page's
    script, journal.accounts.passkeys checks it)."""

    name = forms.CharField(
        label="Name for this passkey",
        max_length=60,
        initial="This phone",
        help_text="So you can tell your passkeys apart, e.g. “My phone” or “Laptop”.",
    )
    credential = forms.CharField(widget=forms.HiddenInput, max_length=20_000)


class TwoFactorOffForm(PasswordConfirmForm):
    """Turning two-factor off takes the password and a current code."""

    code = _code_field()

    def clean_code(self) -> str:
        if "password" in self.errors:
            return self.cleaned_data["code"]  # a code is used up when checked: keep it
        return _checked_code(self.user, self.cleaned_data["code"])


class SetupCodeForm(forms.Form):
    """The first code from a newly added app, checked against that app only."""

    code = forms.CharField(
        label="Code from your app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Six digits.",
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, its email marked automatic like every other the app sends
    (journal.mail), so no out-of-office reply answers it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        try:
            send_automatic(subject, body, [to_email])
        except (smtplib.SMTPException, OSError) as error:
            # As Django does, the page looks the same either way; only the kind of
            # failure is logged, never the address or the link.
            logger.warning("Password reset email not sent: %s", type(error).__name__)
