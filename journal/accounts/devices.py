"""This device: a browser that has completed a sign-in to an account before.

A completed sign-in (the password, and the code when two-factor is on) gives the browser
a signed device cookie naming the account and a random nonce: OWASP's "Slowing down
online guessing attacks with device cookies". A failed sign-in to an account then counts
in one of two places:

- from a browser with a valid device cookie for that account: against that device alone.
  SIGNIN_FAILURE_LIMIT failures in SIGNIN_FAILURE_WINDOW pause that browser only;
- from any other browser: against "browsers new to the account" as a whole, wherever
  they are. As many failures pause every such browser for that account (a guesser with
  a thousand addresses gets no more tries than with one), while the owner's known
  browsers still sign in.

The pause is checked before any password is, so a paused guesser learns nothing from a
right one. A username no account has is counted the same way, so the answers never say
which names exist. The counts are journal.accounts.ratelimit's, so every app server sees them.
django-axes' lock on username + address stays as it is, beside this.

``known_device`` and ``remember`` are the one notion of "this device" in the app: later
features (stay signed in on this device, passkeys) build on them.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.accounts import audit, ratelimit
from journal.models import AuditKind

# The signature's own salt: no other signed value of the app can pass for a device cookie.
_SALT = "journal.devices.cookie"


@dataclass(frozen=True)
class Device:
    """A browser's device cookie, once its signature is checked."""

    user_id: int
    nonce: str


def _from_cookie(request: HttpRequest) -> Device | None:
    raw = request.COOKIES.get(settings.DEVICE_COOKIE_NAME)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=settings.DEVICE_COOKIE_AGE)
        return Device(user_id=int(data["user"]), nonce=str(data["nonce"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None  # forged, tampered with, expired or not ours: no device


def known_device(request: HttpRequest, user) -> Device | None:
    """This browser's device when it completed a sign-in to ``user``'s account within
    DEVICE_COOKIE_AGE (a valid device cookie for that account), else None."""
    device = _from_cookie(request)
    if device is None or user is None or device.user_id != user.pk:
        return None
    return device


def remember(response: HttpResponse, user) -> Device:
    """Give the browser a new device cookie for ``user``: at a completed sign-in only."""
    device = Device(user_id=user.pk, nonce=secrets.token_urlsafe(16))
    renew(response, device)
    return device


def renew(response: HttpResponse, device: Device) -> None:
    """Send the browser its device cookie again, signed now, so it lasts another
    DEVICE_COOKIE_AGE: a kept session does at each visit (journal.accounts.kept)."""
    value = signing.dumps({"user": device.user_id, "nonce": device.nonce}, salt=_SALT)
    response.set_cookie(
        settings.DEVICE_COOKIE_NAME,
        value,
        max_age=int(settings.DEVICE_COOKIE_AGE.total_seconds()),
        path="/",  # and no domain: what the __Host- prefix asks
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, and where its failure counts."""

    user_id: int | None  # the account the username names, if any
    known_device: bool
    key: str  # the failures counter

    @property
    def pause_key(self) -> str:
        return f"{self.key}:paused"


def _account(username: str):
    """The account a username names, found as the sign-in itself finds it."""
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        return None


def attempt(request: HttpRequest, username: str) -> Attempt:
    """Who a sign-in attempt with ``username`` counts against: this known device of the
    account, or the account's (or the unknown name's) browsers new to it."""
    user = _account(username)
    user_id = user.pk if user else None
    device = known_device(request, user)
    if device is not None:
        return Attempt(user_id, True, f"signin-device:{device.nonce}")
    # Under the name, whether or not an account has it, and whatever its case.
    name = unicodedata.normalize("NFKC", username).casefold()
    return Attempt(user_id, False, f"signin-new-devices:{name}")


def is_paused(attempt: Attempt) -> bool:
    return ratelimit.count(attempt.pause_key) > 0


def failed(attempt: Attempt) -> bool:
    """Count a failed sign-in; True when signing in is now paused for it.

    The pause is looked at before the password and the failure counted after it, so
    sign-ins already under way when a pause begins still get their answer: in one window
    at most SIGNIN_FAILURE_LIMIT guesses, plus those in flight at that moment."""
    window = settings.SIGNIN_FAILURE_WINDOW.total_seconds()
    if ratelimit.hit(attempt.key, window) < settings.SIGNIN_FAILURE_LIMIT:
        return False
    # The pause lasts a whole window from the failure that starts it; later refusals
    # neither count nor extend it.
    ratelimit.hit(attempt.pause_key, window)
    return True


def paused_page(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """The "sign-in paused" page (429), recorded in the audit trail like axes' lock."""
    audit.record(
        AuditKind.LOCKED_OUT,
        attempt.user_id,
        request,
        detail="this device" if attempt.known_device else "new devices",
    )
    context = {
        "device_pause": True,
        "known_device": attempt.known_device,
        "window": settings.SIGNIN_FAILURE_WINDOW,
    }
    return render(request, "registration/locked_out.html", context, status=429)
