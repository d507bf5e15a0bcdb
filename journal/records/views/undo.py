"""Deleting asks first, then offers Undo (journal.records.undo): the confirm page, the
Undo button on the list the delete led to, and Undo itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from journal.accounts import audit
from journal.models import AuditKind, DeletedKind, UndoableDeletion
from journal.records import undo

# The confirm page's button sends this; a POST without it (a one-tap delete button,
# an old form) only asks.
CONFIRM_FIELD, CONFIRM_VALUE = "confirmed", "yes"

LISTS = {
    DeletedKind.EPISODE: "episode_list",
    DeletedKind.CHECKIN: "checkin_list",
    DeletedKind.MEDICATION: "medication_list",
    DeletedKind.SHARE_LINK: "share_list",
}


def confirmed(request: HttpRequest) -> bool:
    """True for the POST from the confirm page's Delete button, and only for it."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask(request: HttpRequest, what: str, description: str, cancel_url: str) -> HttpResponse:
    """The question before a delete: what goes, that Undo can bring it back, Keep it."""
    context = {
        "what": what,
        "description": description,
        "cancel_url": cancel_url,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
        "undo_seconds": undo.UNDO_SECONDS,
    }
    return render(request, "confirm_delete.html", context)


def deleted(request: HttpRequest, copy: UndoableDeletion, message: str = "") -> HttpResponse:
    """After a delete: its list, with the message naming what went, and Undo offered
    there while its window is open."""
    if message:
        messages.success(request, message)
    undo.offer(request.session, copy)
    return redirect(LISTS[DeletedKind(copy.kind)])


@require_POST
def undo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Put back the person's own deleted record, within the window; another's is a 404."""
    copy = UndoableDeletion.objects.for_user(request.user).filter(pk=pk).first()
    if copy is None:
        offered = request.session.get(undo.OFFER_SESSION_KEY) or {}
        if not undo.was_offered(request.session, pk):
            raise Http404("no such deletion of yours")
        # Offered here, then erased when its window ended.
        request.session.pop(undo.OFFER_SESSION_KEY, None)
        messages.warning(request, undo.TOO_LATE)
        return redirect(LISTS.get(offered.get("kind"), "home"))
    kind = DeletedKind(copy.kind)
    outcome = undo.undo(copy, request.session)
    if not outcome.restored:
        messages.warning(request, outcome.message)
        return redirect(LISTS[kind])
    messages.success(request, outcome.message)
    if kind is DeletedKind.EPISODE:
        return redirect("episode_detail", pk=outcome.pk)
    if kind is DeletedKind.SHARE_LINK:
        audit.record(AuditKind.SHARE_UNREVOKED, request.user.pk, request, f"link {outcome.pk}")
    return redirect(LISTS[kind])
