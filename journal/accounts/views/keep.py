"""The answer to "Keep this phone signed in?" (journal.accounts.sessions.keep_offer)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from journal.accounts.sessions import keep_offer


@require_POST
def keep_signed_in(request: HttpRequest) -> HttpResponse:
    """Yes or Not now, then back to the page that asked (one of this site's own)."""
    back = request.POST.get("next", "")
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None)):
        back = "/"
    response = redirect(back)
    if keep_offer.answer(request, response, keep=request.POST.get("answer") == "yes"):
        messages.success(
            request,
            f"This phone stays signed in for {settings.SESSION_DEVICE_DAYS} days from your "
            "last visit. Profile → Devices can sign it out.",
        )
    return response
