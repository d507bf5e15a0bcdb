"""The Reminders page, and turning a reminder off from its email without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from journal.accounts import addresses
from journal.reminders import emails, preferences
from journal.reminders.forms import RemindersForm


def reminders_page(request: HttpRequest) -> HttpResponse:
    reminders = preferences.reminders_of(request.user)
    confirmed = addresses.is_confirmed(request.user)
    # When the next one goes is said only where one will go (the page says why not).
    upcoming = (
        preferences.upcoming(request.user, reminders, request.zone, timezone.now())
        if confirmed
        else {}
    )
    form = RemindersForm(
        request.POST or None, initial=RemindersForm.initial_from(reminders), upcoming=upcoming
    )
    if request.method == "POST" and form.is_valid():
        preferences.save(request.user, form.chosen())
        messages.success(request, "Reminders saved.")
        return redirect("reminders")
    paused = [r for r in reminders.values() if r.paused_at is not None]
    return render(
        request,
        "account/reminders.html",
        {
            "form": form,
            "confirmed": confirmed,
            "paused": paused,
        },
    )


# A mail client's one-click unsubscribe (RFC 8058) POSTs without cookies or a CSRF
# token: the signed token in the address is what allows it, and it can only turn off.
@csrf_exempt
@login_not_required
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    reminder = emails.reminder_for_token(token)
    if reminder is None:
        return render(request, "reminders/stop.html", {"invalid": True}, status=404)
    if request.method == "POST":
        preferences.turn_off(reminder)
        return render(request, "reminders/stop.html", {"reminder": reminder, "stopped": True})
    # A GET changes nothing: mail scanners open links. The page has the button.
    return render(request, "reminders/stop.html", {"reminder": reminder})
