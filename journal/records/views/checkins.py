import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from journal import formatting
from journal.models import CheckIn
from journal.records import undo
from journal.records.forms import CheckInForm
from journal.records.views import undo as undo_views


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


def checkin_delete(request: HttpRequest, day: dt.date) -> HttpResponse:
    """Asks first (a GET, or the form's one-tap button); deletes on the confirm page's
    button, with Undo offered after."""
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user), date=day)
    if not undo_views.confirmed(request):
        return undo_views.ask(
            request,
            "this check-in",
            f"Your check-in for {formatting.local_date(day, formatting.LONG_DATE)}.",
            reverse("checkin_day", args=[day]),
        )
    when = formatting.local_date(day, formatting.LONG_DATE)
    return undo_views.deleted(
        request, undo.delete_checkin(checkin), f"Check-in for {when} deleted."
    )
