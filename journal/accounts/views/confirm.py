"""Confirm it's you (journal.accounts.confirm): the password, with the code when
two-factor is on, or a passkey (journal.accounts.views.passkeys), then back to what the
person was doing."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from journal.accounts import audit, confirm, devices
from journal.accounts.forms import ConfirmForm
from journal.models import AuditKind, Passkey


def confirmed(request: HttpRequest, how: str) -> HttpResponse:
    """A proof was given: the session gains rights, so it gets a new key."""
    confirm.proved(request)
    request.session.cycle_key()
    audit.record(AuditKind.CONFIRMED, request.user.pk, request, how)
    return redirect(confirm.where_next(request))


@never_cache
def confirm_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ConfirmForm(user, request.POST or None)
    if request.method == "POST":
        # Wrong passwords here count as failed sign-ins of this device: someone holding
        # an unlocked phone gets no more guesses than at the sign-in page, and when they
        # run out the session ends.
        attempt = devices.attempt(request, user.get_username())
        if devices.is_paused(attempt):
            logout(request)
            return devices.paused_page(request, attempt)
        if form.is_valid():
            return confirmed(request, "password")
        audit.record(AuditKind.LOGIN_FAILED, user.pk, request, "confirm")
        if devices.failed(attempt):
            logout(request)
            return devices.paused_page(request, attempt)
    context = {
        "form": form,
        "has_passkeys": Passkey.objects.for_user(user).exists(),
        "minutes": settings.SENSITIVE_MINUTES,
        "resuming_form": confirm.resuming_form(request),
        "resuming_download": confirm.resuming_download(request),
    }
    return render(request, "account/confirm.html", context)
