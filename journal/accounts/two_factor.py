"""Optional two-factor sign-in: a TOTP authenticator app plus ten one-use backup codes
(django-otp's devices), and the half-way state between password and code.

After a right password, a person with two-factor on is not signed in: the session holds
only their id, for PENDING_SECONDS, until a code from their app or a backup code
arrives. Password reset never signs anyone in, so it cannot skip this step.

A sign-in that passed the code step is marked in the session the way django-otp marks
it (``django_otp.login``: the device that took the code), and ``verified`` reads that
mark: the admin opens only to such a session (journal.accounts.admin_site).
"""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.accounts import passkeys

PENDING_SECONDS = 300
# Wrong codes allowed in one pending sign-in before the password is asked for again.
MAX_WRONG_CODES = 5
BACKUP_CODE_COUNT = 10
APP_NAME, BACKUP_NAME = "Authenticator app", "Backup codes"
_PENDING = "cj_2fa_pending"


def is_on(user) -> bool:
    return user_has_device(user, confirmed=True)


def begin(request: HttpRequest, user, next_url: str, keep: bool = False) -> None:
    """Password (or a passkey that did not verify its holder) accepted: remember who is
    signing in, where they were going, and whether to keep them signed in."""
    request.session.cycle_key()
    request.session[_PENDING] = {
        "user_id": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": time.time(),
        "wrong": 0,
        "keep": keep,
    }


def pending(request: HttpRequest) -> dict | None:
    state = request.session.get(_PENDING)
    if state and time.time() - state["at"] <= PENDING_SECONDS:
        return state
    request.session.pop(_PENDING, None)
    return None


def pending_user(state: dict):
    return get_user_model().objects.filter(pk=state["user_id"]).first()


def verify(user, code: str) -> Device | None:
    """The device that took ``code`` when it is the app's current code or an unused
    backup code (which is then used up), else None. django-otp slows repeated failures
    on each device. The device is also kept as ``user.otp_device``, django-otp's name
    for "the device that verified this person", for ``finish`` to record."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True):
            if isinstance(device, kind) and device.verify_token(code):
                user.otp_device = device
                return device
    return None


def wrong_code(request: HttpRequest, state: dict) -> bool:
    """Count a wrong code; True when the pending sign-in is over (too many)."""
    state["wrong"] += 1
    if state["wrong"] >= MAX_WRONG_CODES:
        request.session.pop(_PENDING, None)
        return True
    request.session[_PENDING] = state
    return False


def finish(request: HttpRequest, user) -> None:
    """The code was right and ``user`` is now signed in (django.contrib.auth.login): end
    the half-way state and mark this session as having passed the code step."""
    request.session.pop(_PENDING, None)
    otp_login(request, getattr(user, "otp_device", None))


def verified(request: HttpRequest) -> bool:
    """True when the signed-in person's session passed the code step at sign-in, with a
    device that is still one of their confirmed ones (turning two-factor off, or on
    again, undoes it), or signed in with a passkey that verified its holder. Read from
    the session as django-otp's OTPMiddleware reads it, without that middleware's query
    on every page."""
    user = request.user
    if not user.is_authenticated:
        return False
    if passkeys.session_verified(request):
        return True  # a passkey whose holder it checked: two factors in one
    device_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not device_id:
        return False
    device = Device.from_persistent_id(device_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def unconfirmed_app(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device, kept while the person scans it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps that take it typed."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Turn two-factor on when ``code`` is right; the new backup codes, else None."""
    if not device.verify_token("".join(code.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace every backup code with BACKUP_CODE_COUNT new ones, shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
