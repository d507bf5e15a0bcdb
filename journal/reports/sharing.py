"""Share links: a random token given once to the person, kept only as its hash; and
the link's PDF, kept while the report it shows is the same."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import NamedTuple

import segno
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from journal.models import ShareLink
from journal.patterns.stats import Period
from journal.reports.options import Options

# How long a new link works unless the person chooses, and the longest they can choose:
# a link is for one appointment, not a standing window into the journal.
DEFAULT_DAYS = 14
MAX_DAYS = 90
# 32 random bytes: 256 bits, far past guessing (the issue asks for at least 128).
TOKEN_BYTES = 32
# A link's PDF is kept in the cache (Redis or the database) this long at most, and never
# past the link's expiry; revoking the link or deleting it (or the account) drops it.
PDF_KEEP_SECONDS = 24 * 3600
# The new link's QR code, read by a clinician's phone or scanner off the person's screen:
# level M still reads through a smudge or a glare on the glass, and four modules of white
# around it is the quiet zone the QR standard asks for (scanners find the code by it).
QR_ERROR_LEVEL = "m"
QR_QUIET_MODULES = 4


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    user: AbstractBaseUser, period: Period, options: Options, days: int, include_fhir: bool = False
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
        include_fhir=include_fhir,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return link, token


class NewLink(NamedTuple):
    """What the page shows once, right after the link is made: never stored."""

    link: ShareLink
    url: str
    qr_svg: str


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code: no image request (the address would be in a URL
    of ours), no inline style (the CSP), black on white in dark mode too; sized by CSS."""
    code = segno.make_qr(url, error=QR_ERROR_LEVEL)
    return code.svg_inline(
        border=QR_QUIET_MODULES, omitsize=True, dark="#000", light="#fff", svgclass="share-qr"
    )


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
    forget_pdf(link.pk)


# The kept PDF is served again only while the report's HTML is the same to the byte: the
# "has the journal changed" test is the report itself. Any change that the PDF would
# show (an episode, check-in, medicine or profile edited, added or deleted, by a form,
# an import, the admin or a restore; a new day; a new template) changes the HTML, and
# nothing else makes a second render. Building the HTML is the work the shared page
# does on every opening; the render it spares is a hundred times that.


def _pdf_key(link_id: int) -> str:
    return f"share-pdf:{link_id}"


def _fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def kept_pdf(link: ShareLink, html: str) -> bytes | None:
    """The link's PDF as made from exactly this HTML, if it is still kept."""
    kept = cache.get(_pdf_key(link.pk))
    if kept is not None and kept[0] == _fingerprint(html):
        return kept[1]
    return None


def keep_pdf(link: ShareLink, html: str, pdf: bytes) -> None:
    seconds = min(PDF_KEEP_SECONDS, (link.expires_at - timezone.now()).total_seconds())
    if seconds >= 1:
        cache.set(_pdf_key(link.pk), (_fingerprint(html), pdf), timeout=int(seconds))


def forget_pdf(link_id: int) -> None:
    cache.delete(_pdf_key(link_id))
