"""The admin, behind the app's own sign-in and its two-factor step.

Django's admin has a login form of its own that takes the password alone. Here it has
none: its login address sends to the app's sign-in (django-axes, device cookies, the
code step, the audit trail), and its pages open only to active staff whose sign-in
passed the code step (journal.accounts.two_factor.verified), so staff must have two-factor on to
use it at all. Anyone else who is signed in gets a page saying why, never a loop of
sign-in forms.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from journal.accounts import two_factor

NOT_STAFF, TWO_FACTOR_OFF, NO_CODE = "not_staff", "two_factor_off", "no_code"


def refusal(request: HttpRequest) -> str | None:
    """Why the signed-in person may not use the admin, or None when they may."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return NOT_STAFF
    if two_factor.verified(request):
        return None
    return NO_CODE if two_factor.is_on(user) else TWO_FACTOR_OFF


class TwoFactorAdminSite(admin.AdminSite):
    site_header = site_title = "CrampJournal admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and two_factor.verified(request)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """No form here, whatever is posted: the app's sign-in, then the admin, or the
        reason it stays shut."""
        index = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            # The app's sign-in checks that the page to go back to is this site's own.
            return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index)
        reason = refusal(request)
        if reason is None:
            return HttpResponseRedirect(index)
        context = {"reason": reason, "admin_index": index}
        return render(request, "registration/admin_refused.html", context, status=403)

    def password_change(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The app's own: it signs out the other devices and records the change.
        return redirect("password_change")
