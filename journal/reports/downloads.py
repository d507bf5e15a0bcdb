"""Every download: one helper sets the content type, the attachment's file name and
no-store; and the report's PDF, made or refused the same way for the report page and a
share link."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from journal.accounts import ratelimit
from journal.reports import pdf


def download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """A file download that no cache along the way keeps: health data."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


# PDFs take a second or two of CPU each: a few a minute per person is plenty. Share-link
# PDFs count here too, against the journal's owner.
PDF_LIMIT, PDF_WINDOW_SECONDS = 10, 60
TOO_MANY = "Too many PDFs in a minute. Wait a minute and try again."
ONE_AT_A_TIME = (
    "A PDF of this journal is being made right now, and only one is made at a time. "
    "Wait until it has downloaded, then try again."
)
SITE_BUSY = "Many reports are being made right now. Try again in a minute."
# How long a refused client is asked to wait when the whole site is busy.
RETRY_AFTER_SECONDS = 60


def pdf_allowed(owner_id: int) -> bool:
    """Count one more PDF of this person's journal; False past the per-minute limit."""
    return ratelimit.allow(f"report-pdf:{owner_id}", PDF_LIMIT, PDF_WINDOW_SECONDS)


def render_or_refuse(
    request: HttpRequest, owner_id: int, html: str, refusal: str, too_large: dict
) -> bytes | HttpResponse:
    """The PDF of a report of this person's journal, made in a place of its own
    (journal.reports.pdf.place); else the page saying why not. ``refusal`` is the
    template for "please wait"; ``too_large`` the context of report/too_large.html."""
    try:
        with pdf.place(owner_id):
            return pdf.render_pdf(html)
    except pdf.Busy as busy:
        if busy.site_wide:
            # 503: the site, not the person, is at its limit; it passes on its own.
            response = render(request, refusal, {"message": SITE_BUSY}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return render(request, refusal, {"message": ONE_AT_A_TIME}, status=429)
    except pdf.TooLarge:
        # 413: asking again will not help; a smaller request (a shorter range) will.
        context = too_large | {"seconds": settings.PDF_RENDER_SECONDS}
        return render(request, "report/too_large.html", context, status=413)


def pdf_download(data: bytes, start: dt.date, end: dt.date) -> HttpResponse:
    """A report's PDF as a download named after its period."""
    filename = f"crampjournal-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
    return download(data, filename, "application/pdf")
