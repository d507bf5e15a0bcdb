"""The report for a clinician. Options travel in a POST body, never in the URL: the
name on the report is the person's own."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, ratelimit
from journal.models import AuditKind
from journal.patterns import periods, stats
from journal.reports import clinician, downloads
from journal.reports.forms import ReportForm


def _content(request: HttpRequest, form: ReportForm) -> dict:
    """The report for the options of a valid form, or for the defaults."""
    choice, start, end, options = periods.DEFAULT_RANGE, None, None, clinician.Options()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        choice, start, end = data["range"], data["start"], data["end"]
        options = clinician.Options(name=data["name"], include_notes=data["include_notes"])
    zone = request.zone
    today = timezone.localdate()
    first = stats.first_day(request.user)
    period = periods.period_for(first, zone, choice, today, start, end)
    return clinician.build(request.user, period, options, today, first)


@never_cache
def report_page(request: HttpRequest) -> HttpResponse:
    # A PDF asked for without a recent proof comes back here, its options kept, and
    # starts downloading (never cached, so going back starts nothing).
    form = ReportForm(request.POST or confirm.carried(request))
    extra = {"form": form, "pending_download": confirm.pending_download(request)}
    return render(request, "report/page.html", _content(request, form) | extra)


@never_cache
@require_POST
@confirm.required(form_page="report", download="the report's PDF")
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a PDF download; a bad form gets the page with its messages."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "report/page.html", _content(request, form) | {"form": form})
    if not downloads.pdf_allowed(request.user.pk):
        return ratelimit.refused(request, downloads.TOO_MANY)
    audit.record(AuditKind.EXPORT, request.user.pk, request, "report pdf")
    content = _content(request, form)
    html = render_to_string("report/pdf.html", content, request=request)
    too_large = {"base": "base.html", "notes": content["options"].include_notes}
    data = downloads.render_or_refuse(request, request.user.pk, html, "too_many.html", too_large)
    if isinstance(data, HttpResponse):
        return data
    period = content["period"]
    return downloads.pdf_download(data, period.start, period.end)
