"""Signing in (with the optional second step), passwords, two-factor settings and the
person's own account activity."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal import audit, ratelimit, two_factor
from journal.forms import CodeForm, SetupCodeForm, SignInForm, TwoFactorOffForm
from journal.models import AuditKind
from journal.sessions import end_all_sessions


class SignInView(auth_views.LoginView):
    """Django's login; with two-factor on, a right password leads to the code step."""

    authentication_form = SignInForm

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        if two_factor.is_on(user):
            two_factor.begin(self.request, user, self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)


@login_not_required
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    state = two_factor.pending(request)
    user = two_factor.pending_user(state) if state else None
    if user is None:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    form = CodeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            two_factor.finish(request)
            login(request, user, backend=state["backend"])
            return HttpResponseRedirect(state["next"])
        audit.record(AuditKind.TWO_FACTOR_FAILED, user.pk, request)
        if two_factor.wrong_code(request, state):
            messages.error(request, "Too many wrong codes. Sign in with your password again.")
            return redirect("login")
    return render(request, "registration/login_code.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password signs out every other device."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session, under a new key
        end_all_sessions(self.request.user.pk, keep=self.request.session.session_key)
        audit.record(AuditKind.PASSWORD_CHANGED, self.request.user.pk, self.request)
        return response


# Reset emails: a few an hour from one address, and a few an hour to one account.
RESET_LIMIT, RESET_WINDOW_SECONDS = 5, 3600


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        ip = audit.client_ip(self.request)
        if not (
            ratelimit.allow(f"reset-ip:{ip}", RESET_LIMIT, RESET_WINDOW_SECONDS)
            and ratelimit.allow(f"reset-email:{email}", RESET_LIMIT, RESET_WINDOW_SECONDS)
        ):
            return ratelimit.refused(
                self.request, "Too many password-reset requests. Try again in an hour."
            )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password by email signs out every device; the person then signs in as
    usual, two-factor step included (post_reset_login stays off)."""

    post_reset_login = False
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        end_all_sessions(form.user.pk)
        audit.record(AuditKind.PASSWORD_RESET, form.user.pk, self.request)
        return response


@never_cache
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Status when on; when off, the QR code and key to add, then the first code."""
    user = request.user
    if two_factor.is_on(user):
        return _two_factor_on(request, TwoFactorOffForm(user))
    device = two_factor.unconfirmed_app(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(device, form.cleaned_data["code"])
        if codes is not None:
            audit.record(AuditKind.TWO_FACTOR_ON, user.pk, request)
            return render(request, "account/backup_codes.html", {"codes": codes, "new": True})
        form.add_error("code", "That code is not right. Check your phone's clock and try again.")
    context = {
        "on": False,
        "form": form,
        "qr": two_factor.qr_svg(device),
        "secret": two_factor.secret_for_typing(device),
    }
    return render(request, "account/two_factor.html", context)


def _two_factor_on(request: HttpRequest, off_form: TwoFactorOffForm) -> HttpResponse:
    context = {
        "on": True,
        "codes_left": two_factor.backup_codes_left(request.user),
        "off_form": off_form,
    }
    return render(request, "account/two_factor.html", context)


@require_POST
@never_cache
def two_factor_off(request: HttpRequest) -> HttpResponse:
    form = TwoFactorOffForm(request.user, request.POST)
    if not form.is_valid():
        return _two_factor_on(request, form)
    two_factor.turn_off(request.user)
    audit.record(AuditKind.TWO_FACTOR_OFF, request.user.pk, request)
    messages.success(request, "Two-factor sign-in is off. Your password alone signs you in.")
    return redirect("two_factor")


@require_POST
@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    if not two_factor.is_on(request.user):
        return redirect("two_factor")
    codes = two_factor.new_backup_codes(request.user)
    audit.record(AuditKind.BACKUP_CODES, request.user.pk, request)
    return render(request, "account/backup_codes.html", {"codes": codes, "new": False})


def activity(request: HttpRequest) -> HttpResponse:
    """The person's own audit trail, newest first."""
    page = Paginator(audit.for_user(request.user.pk), 50).get_page(request.GET.get("page"))
    return render(request, "account/activity.html", {"page": page})
