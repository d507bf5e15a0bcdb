"""Signing in (with the optional second step), passwords, two-factor settings and the
person's own account activity."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, devices, identity, kept, ratelimit, two_factor
from journal.accounts.forms import (
    CodeForm,
    PasswordResetForm,
    SetupCodeForm,
    SignInForm,
    TwoFactorOffForm,
)
from journal.accounts.sessions import end_all_sessions
from journal.models import AuditKind


class SignInView(auth_views.LoginView):
    """Django's login; with two-factor on, a right password leads to the code step.

    Before any password is checked, a browser paused for that username is refused
    (journal.accounts.devices: failures from browsers new to an account pause them all, and a
    known browser's own failures pause it alone); a completed sign-in makes the browser
    a known device of the account."""

    authentication_form = SignInForm
    attempt: devices.Attempt | None = None

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        field = form.fields["username"]
        try:
            username = field.clean(form["username"].data)
        except ValidationError:
            # The form says what is wrong, and checks no password.
            return super().post(request, *args, **kwargs)
        self.attempt = devices.attempt(request, username)
        if devices.is_paused(self.attempt):
            return devices.paused_page(request, self.attempt)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        wrong = self.attempt is not None and form.has_error(NON_FIELD_ERRORS, "invalid_login")
        if wrong and devices.failed(self.attempt):
            return devices.paused_page(self.request, self.attempt)
        return super().form_invalid(form)

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        keep = form.cleaned_data["keep"]
        if two_factor.is_on(user):
            # Not signed in yet: the device cookie comes with the code (login_code).
            two_factor.begin(self.request, user, self.get_success_url(), keep)
            return redirect("login_code")
        return kept.signed_in(self.request, super().form_valid(form), user, keep)


@login_not_required
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    state = two_factor.pending(request)
    user = two_factor.pending_user(state) if state else None
    if user is None:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    form = CodeForm(user, request.POST or None, initial={"keep": state.get("keep", False)})
    if request.method == "POST":
        if form.is_valid():
            login(request, user, backend=state["backend"])
            two_factor.finish(request, user)
            response = HttpResponseRedirect(state["next"])
            return kept.signed_in(request, response, user, form.cleaned_data["keep"])
        audit.record(AuditKind.TWO_FACTOR_FAILED, user.pk, request)
        if two_factor.wrong_code(request, state):
            messages.error(request, "Too many wrong codes. Sign in with your password again.")
            return redirect("login")
    return render(request, "registration/login_code.html", {"form": form})


@method_decorator(confirm.required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password signs out every other device."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session, under a new key
        end_all_sessions(self.request.user.pk, keep=self.request.session.session_key)
        audit.record(AuditKind.PASSWORD_CHANGED, self.request.user.pk, self.request)
        return response


# Password reset. From one client, RESET_LIMIT requests an hour, then a 429 that is the
# same whatever address was asked about. To one address, RESET_EMAILS_PER_ADDRESS emails
# an hour at most; past that nothing more is sent and the answer is the same "check your
# email" page. So a stranger's requests can neither stop the owner's (the links already
# sent to the owner's mailbox work) nor tell the stranger anything about the address.
RESET_LIMIT, RESET_WINDOW_SECONDS = 5, 3600
RESET_EMAILS_PER_ADDRESS = 3


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    @method_decorator(login_not_required)  # as Django's own dispatch is
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.EMAIL_ENABLED:
            # No mail server: say so plainly instead of promising a link.
            return render(request, "registration/password_reset_off.html")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        ip = audit.client_ip(self.request)
        if not ratelimit.allow(f"reset-ip:{ip}", RESET_LIMIT, RESET_WINDOW_SECONDS):
            return ratelimit.refused(
                self.request, "Too many password-reset requests. Try again in an hour."
            )
        email = identity.address_key(form.cleaned_data["email"])
        key = f"reset-email:{email}"
        if not ratelimit.allow(key, RESET_EMAILS_PER_ADDRESS, RESET_WINDOW_SECONDS):
            return HttpResponseRedirect(self.get_success_url())  # the page, without the email
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
@confirm.required
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
@confirm.required(form_page="two_factor")
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
@confirm.required(form_page="two_factor")
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
