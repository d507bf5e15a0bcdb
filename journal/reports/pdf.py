"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

# A base URL that names no real host: every relative link in the report resolves under
# it, and the fetcher below serves only static files from there.
BASE_URL = "https://report.crampjournal.invalid/"


class BlockedFetch(ValueError):
    """The PDF asked for something that is not one of the project's static files."""


def url_fetcher(url: str) -> dict:
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static = settings.STATIC_URL
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        static
    ):
        raise BlockedFetch(f"not fetched: {url}")
    relative = parts.path[len(static) :]
    if ".." in relative.split("/"):
        raise BlockedFetch(f"not fetched: {url}")
    try:
        # Collected (hashed) names under `make serve`, the source folders otherwise.
        path = _collected(relative) or finders.find(relative)
    except SuspiciousFileOperation:
        path = None
    if not path:
        raise BlockedFetch(f"no such static file: {parts.path}")
    with open(path, "rb") as file:
        data = file.read()
    mime = "text/css" if path.endswith(".css") else None
    return {"string": data, "mime_type": mime, "redirected_url": url}


def _collected(relative: str) -> str | None:
    if not settings.STATIC_ROOT or not staticfiles_storage.exists(relative):
        return None
    return staticfiles_storage.path(relative)


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher).write_pdf()
