"""The Undo a delete offers, drawn by base.html on the list the delete led to."""

from __future__ import annotations

from django import template

from journal.models import DeletedKind
from journal.records import undo
from journal.records.views.undo import LISTS

register = template.Library()


@register.inclusion_tag("includes/undo_offer.html", takes_context=True)
def undo_offer(context) -> dict:
    """The offer while its window is open; nothing for anyone else or after it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"offer": None}
    offer = undo.current_offer(request.session, user)  # one past its window is erased
    # Shown on the list the delete led to, and only there: elsewhere (a form, say) an
    # Undo button would stand first among the page's own.
    match = getattr(request, "resolver_match", None)
    if offer and (match is None or match.url_name != LISTS[DeletedKind(offer.kind)]):
        offer = None
    # The CSRF token for the Undo form, as the page's own forms get it.
    return {"offer": offer, "csrf_token": context.get("csrf_token"), "seconds": undo.UNDO_SECONDS}
