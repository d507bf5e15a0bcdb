"""Passkeys: added and removed from the profile, used to sign in and to confirm it's
you (journal.accounts.passkeys). The browser asks for a ceremony's options by POST
(JSON back); its answer comes in an ordinary form post, so every outcome is a page
with its message, never a 500."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, kept, passkeys, ratelimit, two_factor
from journal.accounts.client_ip import client_ip
from journal.accounts.forms import PasskeyForm
from journal.accounts.views.confirm import confirmed
from journal.models import AuditKind, Passkey

BACKEND = "journal.accounts.auth.ProfileModelBackend"


def _options(json_text: str) -> HttpResponse:
    return HttpResponse(json_text, content_type="application/json")


@never_cache
@confirm.required
def passkey_list(request: HttpRequest) -> HttpResponse:
    """The person's passkeys, and adding one (the form the page's script sends)."""
    form = PasskeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passkey = passkeys.register(
                request, request.user, form.cleaned_data["credential"], form.cleaned_data["name"]
            )
        except passkeys.Refused as refused:
            form.add_error(None, str(refused))
        else:
            audit.record(AuditKind.PASSKEY_ADDED, request.user.pk, request, f"passkey {passkey.pk}")
            messages.success(request, f"Passkey “{passkey.name}” added.")
            return redirect("passkeys")
    context = {"form": form, "passkeys": Passkey.objects.for_user(request.user)}
    return render(request, "account/passkeys.html", context)


@require_POST
@never_cache
def passkey_add_options(request: HttpRequest) -> HttpResponse:
    if not confirm.is_recent(request):
        return JsonResponse({"error": confirm.AGAIN}, status=403)
    return _options(passkeys.registration_options(request, request.user))


@require_POST
@confirm.required(form_page="passkeys")
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    passkey = passkeys.remove(request.user, pk)
    if passkey is None:
        raise Http404("No such passkey.")
    audit.record(AuditKind.PASSKEY_REMOVED, request.user.pk, request, f"passkey {pk}")
    messages.success(request, f"Passkey “{passkey.name}” removed.")
    return redirect("passkeys")


# Each request for sign-in options starts a session (the challenge lives there): plenty
# for a person, a wall for a script filling the session table.
OPTIONS_LIMIT, OPTIONS_WINDOW_SECONDS = 30, 60


@login_not_required
@require_POST
@never_cache
def sign_in_options(request: HttpRequest) -> HttpResponse:
    key = f"passkey-options:{client_ip(request)}"
    if not ratelimit.allow(key, OPTIONS_LIMIT, OPTIONS_WINDOW_SECONDS):
        return JsonResponse({"error": "Too many tries. Wait a minute."}, status=429)
    return _options(passkeys.authentication_options(request, passkeys.SIGN_IN))


@login_not_required
@require_POST
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """A passkey instead of a username and password. One whose holder the authenticator
    verified is two factors; without that, two-factor's code step still follows."""
    credential = request.POST.get("credential", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    keep = request.POST.get("keep") == "on"
    try:
        used = passkeys.authenticate(request, credential, passkeys.SIGN_IN)
    except passkeys.Refused as refused:
        messages.error(request, str(refused))
        return redirect("login")
    user = used.passkey.owner
    if not user.is_active:
        messages.error(request, "That account cannot sign in.")
        return redirect("login")
    user.backend = BACKEND
    if two_factor.is_on(user) and not used.user_verified:
        two_factor.begin(request, user, next_url, keep)
        return redirect("login_code")
    user.signed_in_with = "passkey"  # for the audit trail's sign-in line
    login(request, user, backend=BACKEND)
    passkeys.mark_verified(request, used)
    return kept.signed_in(request, redirect(next_url), user, keep)


@require_POST
@never_cache
def confirm_options(request: HttpRequest) -> HttpResponse:
    return _options(passkeys.authentication_options(request, passkeys.CONFIRM, request.user))


@require_POST
@never_cache
def confirm_with_passkey(request: HttpRequest) -> HttpResponse:
    try:
        used = passkeys.authenticate(
            request, request.POST.get("credential", ""), passkeys.CONFIRM, request.user
        )
    except passkeys.Refused as refused:
        messages.error(request, str(refused))
        return redirect("confirm")
    if two_factor.is_on(request.user) and not used.user_verified:
        messages.error(
            request,
            "That passkey did not check it was you (no PIN, fingerprint or face), and "
            "two-factor sign-in is on: confirm with your password and code instead.",
        )
        return redirect("confirm")
    passkeys.mark_verified(request, used)
    return confirmed(request, "passkey")
