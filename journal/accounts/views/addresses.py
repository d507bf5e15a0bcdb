"""The email address: changing it, confirming it, asking for the link again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import addresses, confirm, identity, ratelimit
from journal.accounts.forms import EmailForm

# The same words whether or not the address could be used: the page must not tell who
# has an account (journal.accounts.identity).
LINK_ON_ITS_WAY = (
    "If that address can be used, a link to confirm it is on its way. Reminders go to it "
    "once you have opened the link."
)


@confirm.required
def change_email(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = request.user
        owner = identity.address_owner(email)
        if owner is None or owner.pk == user.pk:
            user.email = email
            try:
                with transaction.atomic():
                    user.save(update_fields=["email"])
            except IntegrityError:
                # Taken in the meantime by another account: left as it was.
                user.refresh_from_db(fields=["email"])
            else:
                addresses.send_link(user, request.build_absolute_uri)
        messages.success(request, LINK_ON_ITS_WAY)
        return redirect("reminders")
    return render(request, "account/email.html", {"form": form})


@require_POST
def resend_link(request: HttpRequest) -> HttpResponse:
    if not addresses.may_resend(request.user):
        return ratelimit.refused(
            request, "You asked for the link several times in the last hour. Try again later."
        )
    addresses.send_link(request.user, request.build_absolute_uri)
    messages.success(request, LINK_ON_ITS_WAY)
    return redirect("reminders")


@login_not_required
@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. Opening it shows a button (mail scanners open links);
    pressing it confirms the address, signed in or not."""
    checked = addresses.check(token)
    if checked.user is None:
        return render(request, "account/confirm_email.html", {"problem": checked.problem})
    if request.method == "POST":
        addresses.confirm(checked.user)
        return render(request, "account/confirm_email.html", {"confirmed": True})
    return render(request, "account/confirm_email.html", {})
