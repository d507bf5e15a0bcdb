"""Who an account is: its username and its email address.

New usernames are plain ASCII (letters, digits and . _ -), so that no name can pass for
another ("аlice" with a Cyrillic а). A username and an email address each belong to one
account whatever their case: the sign-up form checks, and unique indexes on
lower(username) and lower(email) in the database hold it (migration 0007).

Sign-up answers the same whether or not an address is taken, so that nobody can learn
from it who has an account: a taken address is left off the new account, and its owner
gets a notice by email instead.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from journal.accounts import ratelimit
from journal.mail import send_automatic

logger = logging.getLogger("crampjournal.accounts.identity")

USERNAME_HELP = "Letters a-z and A-Z, digits and . _ - only; 150 characters or fewer."
USERNAME_RULE = RegexValidator(
    r"\A[A-Za-z0-9._-]+\Z",
    "Use only the letters a-z and A-Z, digits and . _ - (no spaces, accents, or letters "
    "from other alphabets).",
    code="username_not_ascii",
)

# The notice to an address's owner: a few an hour at most, so that sign-ups cannot be
# used to flood someone's mailbox (a counter of its own: they cannot use up resets).
NOTICES_PER_ADDRESS, NOTICE_WINDOW_SECONDS = 3, 3600


def address_key(email: str) -> str:
    """An address as the unique index compares it."""
    return email.strip().lower()


def address_owner(email: str) -> AbstractBaseUser | None:
    """The account that has this address, whatever its case."""
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def save_new_account(user: AbstractBaseUser, email: str) -> AbstractBaseUser | None:
    """Save a new account with ``email``, or without it when another account has it; the
    other account (the address's owner) in that case, else None."""
    owner = address_owner(email)
    if owner is None:
        user.email = email
        try:
            with transaction.atomic():
                user.save()
            return None
        except IntegrityError:
            # Taken in the meantime: the unique index is the judge. Anything else (the
            # username taken at the same moment) is raised again by the save below.
            owner = address_owner(email)
            if owner is None:
                raise
    user.email = ""
    user.save()
    return owner


def tell_owner_of_signup_attempt(request: HttpRequest, owner: AbstractBaseUser) -> None:
    """Tell the owner of an address that someone tried to make an account with it. The
    notice holds no health words and no link that signs in; a failure to send is logged,
    never shown (the person signing up must see the same page either way)."""
    if not settings.EMAIL_ENABLED:
        return
    key = f"signup-notice:{address_key(owner.email)}"
    if not ratelimit.allow(key, NOTICES_PER_ADDRESS, NOTICE_WINDOW_SECONDS):
        return
    context = {
        "username": owner.get_username(),
        "login_url": request.build_absolute_uri(reverse("login")),
        "reset_url": request.build_absolute_uri(reverse("password_reset")),
    }
    subject = render_to_string("emails/address_in_use_subject.txt", context).strip()
    body = render_to_string("emails/address_in_use.txt", context)
    try:
        send_automatic(subject, body, [owner.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Sign-up notice not sent: %s", type(error).__name__)
