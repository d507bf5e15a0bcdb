"""The site's own address, for the links in mail sent without a request (the reminders).

settings.SITE_URL comes from DJANGO_SITE_URL; in development it follows the served host
and port (crampjournal/settings.py). In production nothing can guess it, so the sender
refuses to start without it, and `make serve` says so once at its start.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING = (
    "DJANGO_SITE_URL is not set: the reminder emails link to the site, and with DEBUG off "
    "there is no address to guess. Set it to the address people open, for example "
    "DJANGO_SITE_URL=https://cramps.example.org (docs/reminders.md)."
)


class SiteUrlMissing(ImproperlyConfigured):
    pass


def site_url() -> str:
    """The address links in the emails start with, without a trailing slash."""
    if not settings.SITE_URL:
        raise SiteUrlMissing(MISSING)
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """A path on this site as a full URL: the sender has no request to build it from."""
    return site_url() + path
