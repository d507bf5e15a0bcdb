"""Passkeys: WebAuthn ceremonies with py_webauthn (the `webauthn` package), for adding a
passkey, signing in with one without a username (a discoverable credential) and
confirming it's you.

Each ceremony's challenge is made here, kept in the server-side session for the
purpose it was made for, used once (taken out before anything is checked) and refused
after CHALLENGE_SECONDS. py_webauthn checks the signature, the challenge, the origin,
the relying party (its id's hash) and that the sign count went up; a passkey whose
count goes backwards (a cloned authenticator) is refused. A ceremony in which the
authenticator verified its holder (a PIN, a fingerprint) counts as two factors.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import webauthn
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from journal.models import Passkey

CHALLENGE_SECONDS = 300
REGISTER, SIGN_IN, CONFIRM = "register", "sign in", "confirm"
_CHALLENGE = "cj_webauthn"
# What a hostile or broken response can raise while it is read, besides py_webauthn's own.
_UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError)


class Refused(Exception):
    """A ceremony that failed; its message is for the person."""


@dataclass(frozen=True)
class Used:
    passkey: Passkey
    user_verified: bool


def rp_id(request: HttpRequest) -> str:
    """The relying party: this site's host name (no port), unless set in settings."""
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


def _origins(request: HttpRequest) -> list[str]:
    return settings.WEBAUTHN_ORIGINS or [f"{request.scheme}://{request.get_host()}"]


def _expected(request: HttpRequest, challenge: bytes) -> dict:
    """What every answer is checked against: this ceremony's challenge, this site."""
    return {
        "expected_challenge": challenge,
        "expected_rp_id": rp_id(request),
        "expected_origin": _origins(request),
    }


def _user_handle(user) -> bytes:
    """The account's id as the authenticator keeps it: stable, and not the username
    or the database id."""
    return salted_hmac("journal.passkeys.user", str(user.pk)).digest()[:32]


def _descriptors(passkeys) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in known],
        )
        for p in passkeys
    ]


def _challenge(request: HttpRequest, purpose: str, options) -> str:
    request.session[_CHALLENGE] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(options.challenge),
        "at": time.time(),
    }
    return webauthn.options_to_json(options)


def _take_challenge(request: HttpRequest, purpose: str) -> bytes:
    """The challenge made for ``purpose`` in this session, taken out (used once)."""
    state = request.session.pop(_CHALLENGE, None)
    if not isinstance(state, dict) or state.get("purpose") != purpose:
        raise Refused("That passkey request has expired or was already used. Try again.")
    if time.time() - float(state.get("at", 0)) > CHALLENGE_SECONDS:
        raise Refused("That passkey request took too long and has expired. Try again.")
    return webauthn.base64url_to_bytes(state["challenge"])


def registration_options(request: HttpRequest, user) -> str:
    """The options for adding a passkey to ``user``'s account, as JSON for the browser."""
    options = webauthn.generate_registration_options(
        rp_id=rp_id(request),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=_user_handle(user),
        user_name=user.get_username(),
        # A passkey already on this authenticator is not added twice.
        exclude_credentials=_descriptors(Passkey.objects.for_user(user)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        timeout=CHALLENGE_SECONDS * 1000,
    )
    return _challenge(request, REGISTER, options)


def register(request: HttpRequest, user, credential: str, name: str) -> Passkey:
    """Check the browser's answer to ``registration_options`` and keep the passkey."""
    challenge = _take_challenge(request, REGISTER)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, **_expected(request, challenge)
        )
        transports = json.loads(credential).get("response", {}).get("transports") or []
    except _UNREADABLE:
        raise Refused("Your browser's answer could not be checked. Nothing was added.") from None
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise Refused("That passkey is already added.")
    return Passkey.objects.create(
        owner=user,
        name=name,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(t) for t in transports if isinstance(t, str)][:8],
    )


def authentication_options(request: HttpRequest, purpose: str, user=None) -> str:
    """Options for using a passkey: any of this site's (signing in: the browser offers
    them) or one of ``user``'s (confirming it's you)."""
    allowed = _descriptors(Passkey.objects.for_user(user)) if user is not None else []
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
        timeout=CHALLENGE_SECONDS * 1000,
    )
    return _challenge(request, purpose, options)


def authenticate(request: HttpRequest, credential: str, purpose: str, user=None) -> Used:
    """Check the browser's answer to ``authentication_options``: the passkey used, and
    whether its holder was verified. With ``user``, the passkey must be theirs."""
    challenge = _take_challenge(request, purpose)
    unknown = Refused("That passkey is not one this site knows. Sign in with your password.")
    try:
        parsed = parse_authentication_credential_json(credential)
    except _UNREADABLE:
        raise Refused("Your browser's answer could not be checked.") from None
    with transaction.atomic():
        passkeys = Passkey.objects.select_for_update().select_related("owner")
        passkey = passkeys.filter(credential_id=parsed.raw_id).first()
        if passkey is None or (user is not None and passkey.owner_id != user.pk):
            raise unknown
        # WebAuthn L2 7.2 step 6: signing in names no one beforehand, so the answer
        # must carry the handle of the passkey's owner; when present it must match.
        handle = parsed.response.user_handle
        if (user is None and handle is None) or (
            handle is not None and bytes(handle) != _user_handle(passkey.owner)
        ):
            raise unknown
        try:
            verified = webauthn.verify_authentication_response(
                credential=parsed,
                **_expected(request, challenge),
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except _UNREADABLE:
            raise Refused("That passkey's answer was not right. Try again.") from None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return Used(passkey=passkey, user_verified=verified.user_verified)


def remove(user, passkey_id: int) -> Passkey | None:
    passkey = Passkey.objects.for_user(user).filter(pk=passkey_id).first()
    if passkey is not None:
        passkey.delete()
    return passkey


# Marks a session signed in (or confirmed) with a passkey whose holder was verified:
# two factors, as journal.accounts.two_factor.verified reads it.
VERIFIED_PASSKEY = "cj_verified_passkey"


def mark_verified(request: HttpRequest, used: Used) -> None:
    if used.user_verified:
        request.session[VERIFIED_PASSKEY] = used.passkey.pk


def session_verified(request: HttpRequest) -> bool:
    passkey_id = request.session.get(VERIFIED_PASSKEY)
    return bool(passkey_id) and (
        Passkey.objects.for_user(request.user).filter(pk=passkey_id).exists()
    )
