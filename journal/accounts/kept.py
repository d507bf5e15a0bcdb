"""A completed sign-in, and "Keep me signed in on this device".

Every way of signing in (password, password and code, passkey, signing up) ends here:
the browser gets a new device cookie (journal.accounts.devices: the one notion of "this
device"), and when the box was ticked the session is kept: it lasts
SESSION_DEVICE_DAYS from the last visit, with no idle limit, for as long as the browser
still holds that same device cookie. A copied session cookie without it, or a browser
whose device cookie was cleared, is held to the ordinary limits (30 idle minutes, 12
hours), which journal.middleware.SessionTimeoutMiddleware enforces either way.

What a kept session cannot do without a fresh proof is journal.accounts.confirm's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from journal.accounts import devices
from journal.accounts.sessions import KEPT


def lifetime_seconds() -> int:
    """How long a kept session lasts from the last visit: SESSION_DEVICE_DAYS."""
    return settings.SESSION_DEVICE_DAYS * 24 * 3600


# The nonce of the device cookie a kept session is bound to.
KEPT_DEVICE = "cj_kept_device"


def signed_in(request: HttpRequest, response: HttpResponse, user, keep: bool) -> HttpResponse:
    """After django.contrib.auth.login: make this browser a known device of ``user``,
    and keep the session on it when ``keep``."""
    device = devices.remember(response, user)
    session = request.session
    if keep:
        session[KEPT] = True
        session[KEPT_DEVICE] = device.nonce
        # The server's own expiry, renewed at each save (once a minute of use at most),
        # and the cookie's Max-Age with it.
        session.set_expiry(lifetime_seconds())
    else:
        session.pop(KEPT, None)
        session.pop(KEPT_DEVICE, None)
    return response


def device(request: HttpRequest) -> devices.Device | None:
    """The device a kept session is bound to, when this browser holds its cookie; else
    None (not kept, or the cookie is missing, forged or another's)."""
    session = request.session
    if not session.get(KEPT):
        return None
    known = devices.known_device(request, request.user)
    if known is None or known.nonce != session.get(KEPT_DEVICE):
        return None
    return known
