from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from journal import audit, devices, identity
from journal.forms import DeleteAccountForm, ProfileForm, SignUpForm
from journal.models import Medication
from journal.sessions import end_all_sessions


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if form.address_owner is not None:
            identity.tell_owner_of_signup_attempt(request, form.address_owner)
        login(request, user, backend="journal.auth.ProfileModelBackend")
        messages.success(request, "Welcome! Your journal is ready. Log a cramp whenever one comes.")
        response = redirect("home")
        # Signing up is a completed sign-in: this browser is the account's first device.
        devices.remember(response, user)
        return response
    return render(request, "registration/signup.html", {"form": form})


def profile(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")
    medications = Medication.objects.for_user(request.user)
    return render(request, "account/profile.html", {"form": form, "medications": medications})


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
