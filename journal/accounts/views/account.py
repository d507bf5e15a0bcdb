from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from journal.accounts import addresses, audit, confirm, identity, kept
from journal.accounts.forms import DeleteAccountForm, ProfileForm, SignUpForm
from journal.accounts.sessions import end_all_sessions
from journal.models import Medication
from journal.reminders import preferences


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if form.address_owner is not None:
            identity.tell_owner_of_signup_attempt(request, form.address_owner)
        login(request, user, backend="journal.accounts.auth.ProfileModelBackend")
        addresses.send_link(user, request.build_absolute_uri)
        messages.success(request, "Welcome! Your journal is ready. Log a cramp whenever one comes.")
        # Signing up is a completed sign-in: this browser is the account's first device.
        return kept.signed_in(request, redirect("home"), user, keep=False)
    return render(request, "registration/signup.html", {"form": form})


def profile(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Reminders are due at the person's local time: a new zone moves them.
        preferences.reschedule(request.user)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    medications = Medication.objects.for_user(request.user)
    return render(request, "account/profile.html", {"form": form, "medications": medications})


@confirm.required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and every row of the person's, after the password again."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        with transaction.atomic():
            # Sessions on other devices too; then the user, whose rows all cascade.
            end_all_sessions(user.pk)
            audit.account_deleted(user.pk, request)
            user.delete()
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("home")
    return render(request, "account/delete.html", {"form": form})
