import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal import formatting
from journal.models import CheckIn
from journal.records.forms import CheckInForm


def checkin_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(CheckIn.objects.for_user(request.user), 30).get_page(request.GET.get("page"))
    unit = request.profile.fluid_unit
    return render(request, "checkins/list.html", {"page": page, "unit": unit})


def checkin_form(request: HttpRequest, day: dt.date | None = None) -> HttpResponse:
    """Log the check-in for a day (today by default); a second one for a day edits the first."""
    day = day or timezone.localdate()
    checkin = CheckIn.objects.for_user(request.user).filter(date=day).first()
    checkin = checkin or CheckIn(owner=request.user, date=day)
    unit = request.profile.fluid_unit
    form = CheckInForm(request.POST or None, instance=checkin, unit=unit)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Check-in for {saved.date:%A %d %B} saved.")
        return redirect("checkin_list")
    return render(request, "checkins/form.html", {"form": form, "checkin": checkin})


@require_POST
def checkin_delete(request: HttpRequest, day: dt.date) -> HttpResponse:
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user), date=day)
    checkin.delete()
    messages.success(
        request, f"Check-in for {formatting.local_date(day, formatting.LONG_DATE)} deleted."
    )
    return redirect("checkin_list")
