"""Confirming that a person reads the email address on their account.

No reminder goes to an address that is not confirmed (journal.reminders). The address is
confirmed while ``Profile.confirmed_email`` equals ``user.email``, so a new address is
unconfirmed the moment it is saved. The link's token is signed (Django's signing, with
the secret key), expires after CONFIRM_LINK_DAYS, and is for one address in one state:
it carries a digest of what was confirmed when it was made, so once it has been used
(or the address has changed) it does nothing.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from journal.accounts import ratelimit
from journal.mail import send_automatic
from journal.models import Profile

logger = logging.getLogger("crampjournal.accounts.addresses")

CONFIRM_LINK_DAYS = 3
# Resending the link: a few an hour per account, so the button cannot flood a mailbox.
RESENDS_PER_HOUR = 3
_SALT = "journal.accounts.addresses.confirm"


def is_confirmed(user: AbstractBaseUser) -> bool:
    profile = Profile.objects.filter(user=user).only("confirmed_email").first()
    return bool(user.email) and profile is not None and profile.confirmed_email == user.email


def _state(user: AbstractBaseUser) -> str:
    """A digest of the address and what is confirmed now: a token made for one state
    is void in any other (used, or the address changed since)."""
    confirmed = Profile.objects.filter(user=user).values_list("confirmed_email", flat=True).first()
    return salted_hmac(_SALT, f"{user.email}\n{confirmed or ''}").hexdigest()[:16]


def token(user: AbstractBaseUser) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"u": user.pk, "s": _state(user)})


@dataclass(frozen=True)
class Checked:
    user: AbstractBaseUser | None
    problem: str = ""


_ASK_AGAIN = "Ask for a new one from your profile."


def check(value: str) -> Checked:
    """The account a confirmation token is for, or what is wrong with it."""
    try:
        payload = signing.TimestampSigner(salt=_SALT).unsign_object(
            value, max_age=CONFIRM_LINK_DAYS * 86400
        )
    except signing.SignatureExpired:
        return Checked(None, f"This link has expired. {_ASK_AGAIN}")
    except (signing.BadSignature, ValueError, TypeError):
        return Checked(None, f"This link is not valid. {_ASK_AGAIN}")
    user = (
        get_user_model()
        .objects.filter(pk=payload.get("u") if isinstance(payload, dict) else None)
        .first()
    )
    if user is None or not constant_time_compare(str(payload.get("s", "")), _state(user)):
        return Checked(
            None,
            "This link has been used already, or your address has changed since it was sent. "
            "Your profile shows whether your address is confirmed.",
        )
    return Checked(user)


def confirm(user: AbstractBaseUser) -> None:
    Profile.objects.filter(user=user).update(confirmed_email=user.email)


def send_link(user: AbstractBaseUser, build_url) -> bool:
    """Email ``user`` a link to confirm their address; False when it could not go.

    ``build_url`` makes a path absolute (request.build_absolute_uri). The message holds
    a link and nothing about the journal."""
    if not settings.EMAIL_ENABLED or not user.email or is_confirmed(user):
        return False
    context = {
        "username": user.get_username(),
        "confirm_url": build_url(reverse("confirm_email", args=[token(user)])),
        "days": CONFIRM_LINK_DAYS,
    }
    subject = render_to_string("emails/confirm_address_subject.txt", context).strip()
    body = render_to_string("emails/confirm_address.txt", context)
    try:
        send_automatic(subject, body, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Address confirmation not sent: %s", type(error).__name__)
        return False
    return True


def may_resend(user: AbstractBaseUser) -> bool:
    return ratelimit.allow(f"confirm-address:{user.pk}", RESENDS_PER_HOUR, 3600)
