"""The Undo a delete offers, drawn by base.html on the pages that follow it."""

from __future__ import annotations

from django import template

from journal.records import undo

register = template.Library()


@register.inclusion_tag("includes/undo_offer.html", takes_context=True)
def undo_offer(context) -> dict:
    """The offer while its window is open; nothing for anyone else or after it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"offer": None}
    offer = undo.current_offer(request.session, user)
    # The CSRF token for the Undo form, as the page's own forms get it.
    return {"offer": offer, "csrf_token": context.get("csrf_token"), "seconds": undo.UNDO_SECONDS}
