"""The report for a clinician. Options travel in a POST body, never in the URL: the
name on the report is the person's own."""

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from journal import dashboard, stats
from journal.forms.dashboard import ReportForm
from journal.reports import clinician


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
