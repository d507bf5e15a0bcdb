""" "Keep this phone signed in?", asked where it matters: after a cramp is logged on a
phone whose session is not kept. Without it the 30 idle minutes send the person back to
the landing page before the next cramp; the sign-in box stays off by default, so a
shared computer stays safe.

Asked once per device: either answer leaves a cookie saying so (no account, no data in
it), and the session remembers it was asked, so a second cramp in the same sitting is
not interrupted. "Yes" keeps this session the way the sign-in box would have
(journal.accounts.kept): SESSION_DEVICE_DAYS from the last visit, bound to a new device
cookie. The offer and its answer are for phones only: a desktop browser, perhaps a
shared one, is never asked and cannot answer "Yes" here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ua_parser import parse

from journal.accounts import kept, user_agents

ASKED_IN_SESSION = "cj_keep_asked"
PHONE_SYSTEMS = {"Android", "iOS"}


def asked_cookie_name() -> str:
    # __Host-: only this host, only over HTTPS, path / (as the device cookie).
    return "__Host-keep-asked" if settings.SESSION_COOKIE_SECURE else "keep-asked"


def question() -> str:
    """The one question, with the number from SESSION_DEVICE_DAYS."""
    return f"Keep this phone signed in for {settings.SESSION_DEVICE_DAYS} days?"


def is_phone(user_agent: str) -> bool:
    """A phone's browser, as ua-parser reads the User-Agent (on this machine): Android or
    iOS, and "Mobile" (Android tablets leave it out; an iPad says it is a Mac)."""
    found = parse(user_agent[: user_agents.LONGEST])
    system = found.os.family if found.os else None
    return system in PHONE_SYSTEMS and "Mobile" in user_agent


def _from_a_phone(request: HttpRequest) -> bool:
    return is_phone(request.META.get("HTTP_USER_AGENT", ""))


def should_ask(request: HttpRequest) -> bool:
    """Ask now? A phone, signed in without being kept, never asked on this device nor
    yet in this session. Asking is noted in the session, so it is asked once per sitting."""
    if not request.user.is_authenticated or not _from_a_phone(request):
        return False
    if kept.device(request) is not None or request.COOKIES.get(asked_cookie_name()):
        return False
    if request.session.get(ASKED_IN_SESSION):
        return False
    request.session[ASKED_IN_SESSION] = True
    return True


def answer(request: HttpRequest, response: HttpResponse, keep: bool) -> bool:
    """Record the answer on this device; with "Yes" on a phone, keep this session.
    True when the session is now kept."""
    request.session[ASKED_IN_SESSION] = True
    response.set_cookie(
        asked_cookie_name(),
        "1",
        max_age=int(settings.DEVICE_COOKIE_AGE.total_seconds()),
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    if not keep or not _from_a_phone(request) or kept.device(request) is not None:
        return False
    # A longer-lived session from here on: under a new key, as at a sign-in.
    request.session.cycle_key()
    kept.signed_in(request, response, request.user, keep=True)
    return True
