"""Profile → Devices: where the person is signed in, and signing any of it out."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, sessions
from journal.models import AuditKind


@never_cache
@confirm.required
def device_list(request: HttpRequest) -> HttpResponse:
    signed_in = sessions.for_person(request.user.pk, request.session.session_key)
    return render(request, "account/devices.html", {"sessions": signed_in})


@require_POST
@confirm.required(form_page="devices")
def device_sign_out(request: HttpRequest, session_id: str) -> HttpResponse:
    """Sign one other device out. This one signs out from the menu, as ever."""
    if not sessions.end_one(request.user.pk, session_id, request.session.session_key):
        raise Http404("No such device.")
    audit.record(AuditKind.DEVICE_SIGNED_OUT, request.user.pk, request)
    messages.success(request, "That device is signed out.")
    return redirect("devices")


@require_POST
@confirm.required(form_page="devices")
def device_sign_out_others(request: HttpRequest) -> HttpResponse:
    ended = sessions.end_all_sessions(request.user.pk, keep=request.session.session_key)
    audit.record(AuditKind.OTHERS_SIGNED_OUT, request.user.pk, request, f"{ended} devices")
    messages.success(
        request,
        "Every other device is signed out." if ended else "No other device was signed in.",
    )
    return redirect("devices")
