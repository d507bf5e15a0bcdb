import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal import dashboard, stats
from journal.forms.dashboard import RangeForm


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Patterns over a chosen range; the range is in the query string, never health data."""
    form = RangeForm(request.GET or None)
    choice, start, end = dashboard.DEFAULT_RANGE, None, None
    if form.is_bound and form.is_valid():
        choice, start, end = (form.cleaned_data[k] for k in ("range", "start", "end"))
    zone = zoneinfo.ZoneInfo(request.profile.time_zone)
    today = timezone.localdate()
    first = stats.first_day(request.user)
    period = dashboard.period_for(first, zone, choice, today, start, end)
    context = dashboard.build(request.user, period, request.profile.fluid_unit, first, today)
    context |= {"form": form, "unit": request.profile.fluid_unit}
    return render(request, "dashboard/dashboard.html", context)
