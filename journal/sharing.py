"""Share links: a random token given once to the person, kept only as its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils import timezone

from journal.models import ShareLink
from journal.reports.clinician import Options
from journal.stats import Period

DEFAULT_DAYS = 14
MAX_DAYS = 90
# 32 random bytes: 256 bits, far past guessing (the issue asks for at least 128).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    user: AbstractBaseUser, period: Period, options: Options, days: int
) -> tuple[ShareLink, str]:
    """A new link and its token; the token is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        owner=user,
        token_hash=token_hash(token),
        start=period.start,
        end=period.end,
        name=options.name,
        include_notes=options.include_notes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return link, token


def find(token: str) -> ShareLink | None:
    """The link a token names, valid or not; None for a token never issued."""
    if not token or len(token) > 100:
        return None
    return (
        ShareLink.objects.select_related("owner__profile")
        .filter(token_hash=token_hash(token))
        .first()
    )


def record_open(link: ShareLink) -> None:
    """Count an opening: the time only, no address or browser."""
    ShareLink.objects.filter(pk=link.pk).update(
        open_count=F("open_count") + 1, last_opened_at=timezone.now()
    )


def revoke(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
