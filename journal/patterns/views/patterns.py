"""The Patterns page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal import palette
from journal.patterns import page, periods, stats
from journal.patterns.forms import RangeForm


def patterns_page(request: HttpRequest) -> HttpResponse:
    """Patterns over a chosen range; the range is in the query string, never health data."""
    form = RangeForm(request.GET or None)
    choice, start, end = periods.DEFAULT_RANGE, None, None
    if form.is_bound and form.is_valid():
        choice, start, end = (form.cleaned_data[k] for k in ("range", "start", "end"))
    today = timezone.localdate()
    first = stats.first_day(request.user)
    period = periods.period_for(first, request.zone, choice, today, start, end)
    context = page.build(request.user, period, request.profile.fluid_unit, first, today)
    context |= {"form": form, "unit": request.profile.fluid_unit, "palette": palette.PALETTE}
    return render(request, "patterns/patterns.html", context)
