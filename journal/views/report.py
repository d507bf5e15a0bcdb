"""The report for a clinician. Options travel in a POST body, never in the URL: the
name on the report is the person's own."""

import zoneinfo

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


# PDFs take a second or two of CPU each: a few a minute per person is plenty.
PDF_LIMIT, PDF_WINDOW_SECONDS = 10, 60


@never_cache
@require_POST
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a PDF download; a bad form gets the page with its messages."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "report/page.html", _content(request, form) | {"form": form})
    if not ratelimit.allow(f"report-pdf:{request.user.pk}", PDF_LIMIT, PDF_WINDOW_SECONDS):
        return ratelimit.refused(request, "Too many PDFs in a minute. Wait a minute and try again.")
    audit.record(AuditKind.EXPORT, request.user.pk, request, "report pdf")
    content = _content(request, form)
    html = render_to_string("report/pdf.html", content, request=request)
    period = content["period"]
    response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
    filename = f"crampjournal-report-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
