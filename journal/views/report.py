"""The report for a clinician. Options travel in a POST body, never in the URL: the
name on the report is the person's own."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal import audit, dashboard, ratelimit, stats
from journal.forms.dashboard import ReportForm
from journal.models import AuditKind
from journal.reports import clinician, pdf


def _content(request: HttpRequest, form: ReportForm) -> dict:
    """The report for the options of a valid form, or for the defaults."""
    choice, start, end, options = dashboard.DEFAULT_RANGE, None, None, clinician.Options()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        choice, start, end = data["range"], data["start"], data["end"]
        options = clinician.Options(name=data["name"], include_notes=data["include_notes"])
    zone = zoneinfo.ZoneInfo(request.profile.time_zone)
    today = timezone.localdate()
    first = stats.first_day(request.user)
    period = dashboard.period_for(first, zone, choice, today, start, end)
    return clinician.build(request.user, period, options, today, first)


@never_cache
def report_page(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    return render(request, "report/page.html", _content(request, form) | {"form": form})


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


def attachment(data: bytes, start: dt.date, end: dt.date) -> HttpResponse:
    """The PDF as a download named after its period."""
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"crampjournal-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_POST
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a PDF download; a bad form gets the page with its messages."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "report/page.html", _content(request, form) | {"form": form})
    if not pdf_allowed(request.user.pk):
        return ratelimit.refused(request, TOO_MANY)
    audit.record(AuditKind.EXPORT, request.user.pk, request, "report pdf")
    content = _content(request, form)
    html = render_to_string("report/pdf.html", content, request=request)
    too_large = {"base": "base.html", "notes": content["options"].include_notes}
    data = render_or_refuse(request, request.user.pk, html, "too_many.html", too_large)
    if isinstance(data, HttpResponse):
        return data
    period = content["period"]
    return attachment(data, period.start, period.end)
