"""Show every time in the signed-in person's own time zone."""

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from journal.models import Profile


class UserTimezoneMiddleware:
    """Load the person's profile once per request and activate their time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            try:
                # Usually loaded with the user already (journal.auth.ProfileModelBackend).
                request.profile = request.user.profile
            except Profile.DoesNotExist:
                # Accounts made in the admin have no profile until their first request.
                request.profile, _ = Profile.objects.get_or_create(user=request.user)
            timezone.activate(zoneinfo.ZoneInfo(request.profile.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivateByDefaultMiddleware:
    """Headers every page gets: no caching anywhere (pages show health data), and no
    browser powers the app never uses. A view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_SECONDS without a request, and
    SESSION_COOKIE_AGE after they signed in however active they are.

    The last-seen time is written at most once a minute, so a busy session is not saved
    on every request."""

    SIGNED_IN_AT = "cj_signed_in_at"
    SEEN_AT = "cj_seen_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def start(cls, session) -> None:
        session[cls.SIGNED_IN_AT] = session[cls.SEEN_AT] = time.time()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in = session.setdefault(self.SIGNED_IN_AT, now)
            seen = session.setdefault(self.SEEN_AT, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            if idle or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)  # flushes the session on the server too
                messages.info(
                    request,
                    "You were signed out after a while without activity. Sign in again."
                    if idle
                    else "You were signed out because you signed in a long time ago. "
                    "Sign in again.",
                )
            elif now - seen >= 60:
                session[self.SEEN_AT] = now
        return self.get_response(request)
