"""Receivers for the sign-in signals (the session clock and the audit trail), and for a
share link's deletion (its kept PDF goes with it)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest

from journal.accounts import audit, confirm
from journal.middleware import SessionTimeoutMiddleware
from journal.models import AuditKind, ShareLink
from journal.reports import pending_import, sharing


@receiver(user_logged_in)
def on_login(sender, request: HttpRequest, user, **kwargs) -> None:
    # The absolute and idle session limits count from this moment, and signing in is a
    # proof for the actions that ask for a recent one.
    SessionTimeoutMiddleware.start(request)
    confirm.proved(request)
    # How, when not with the password: "passkey" (journal.accounts.views.passkeys).
    audit.record(AuditKind.LOGIN, user.pk, request, getattr(user, "signed_in_with", ""))


@receiver(user_logged_out)
def on_logout(sender, request: HttpRequest, user, **kwargs) -> None:
    if user is not None:
        audit.record(AuditKind.LOGOUT, user.pk, request)
        # A spreadsheet waiting for its columns to be matched goes with the session,
        # not 30 minutes later (logout flushes the session after this signal).
        pending_import.drop(request.session, user.pk)


def _user_id(username: str | None) -> int | None:
    """The account a username names, if any: a failure against a real account is shown
    to its owner; one against no account is kept without a name."""
    if not username:
        return None
    model = get_user_model()
    return (
        model.objects.filter(**{model.USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
    )


@receiver(user_login_failed)
def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    audit.record(AuditKind.LOGIN_FAILED, _user_id(credentials.get("username")), request)


@receiver(user_locked_out)
def on_locked_out(sender, request: HttpRequest, username: str | None = None, **kwargs) -> None:
    audit.record(AuditKind.LOCKED_OUT, _user_id(username), request)


@receiver(post_delete, sender=ShareLink)
def on_share_link_deleted(sender, instance: ShareLink, **kwargs) -> None:
    # A deleted account's links go this way too: no PDF of theirs outlives them in the
    # cache.
    sharing.forget_pdf(instance.pk)
