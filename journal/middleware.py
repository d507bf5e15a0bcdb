"""The app's own middleware: what every request and response goes through."""

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from whitenoise.middleware import WhiteNoiseMiddleware

from journal.accounts import devices, kept, sessions, user_agents
from journal.accounts.client_ip import client_ip
from journal.models import Profile

# The methods the app answers. No view takes PUT, PATCH or DELETE, no page needs TRACE
# or CONNECT, and there is no cross-origin use for OPTIONS; a function view would
# otherwise treat any of them as a GET and answer with the page.
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class UserTimezoneMiddleware:
    """Load the person's profile once per request, set their zone on the request
    (request.zone) and activate it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            try:
                # Usually loaded with the user already (journal.accounts.auth.ProfileModelBackend).
                request.profile = request.user.profile
            except Profile.DoesNotExist:
                # Accounts made in the admin have no profile until their first request.
                request.profile, _ = Profile.objects.get_or_create(user=request.user)
            # The person's zone, set once here; views read request.zone.
            request.zone = zoneinfo.ZoneInfo(request.profile.time_zone)
            timezone.activate(request.zone)
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
    SESSION_COOKIE_AGE after they signed in however active they are; a kept session
    (journal.accounts.kept) only after SESSION_DEVICE_DAYS without a visit.

    The last-seen time is written at most once a minute, so a busy session is not saved
    on every request; a kept session's device cookie is renewed with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def start(request: HttpRequest) -> None:
        """At sign-in: the clocks start, and the device and address are noted for
        Profile → Devices."""
        session = request.session
        session[sessions.SIGNED_IN_AT] = session[sessions.SEEN_AT] = time.time()
        session[sessions.DEVICE_NAME] = user_agents.device_name(
            request.META.get("HTTP_USER_AGENT", "")
        )
        session[sessions.ADDRESS] = client_ip(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        renew = None
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in = session.setdefault(sessions.SIGNED_IN_AT, now)
            seen = session.setdefault(sessions.SEEN_AT, now)
            device = kept.device(request)
            if device is not None:
                ended = now - seen > kept.lifetime_seconds()
                why = (
                    f"You were signed out after {settings.SESSION_DEVICE_DAYS} days "
                    "without a visit. Sign in again."
                )
            elif now - seen > settings.SESSION_IDLE_SECONDS:
                ended = True
                why = "You were signed out after a while without activity. Sign in again."
            else:
                ended = now - signed_in > settings.SESSION_COOKIE_AGE
                why = "You were signed out because you signed in a long time ago. Sign in again."
            if ended:
                logout(request)  # flushes the session on the server too
                messages.info(request, why)
            elif now - seen >= 60:
                session[sessions.SEEN_AT] = now
                renew = device
        response = self.get_response(request)
        if renew is not None:
            devices.renew(response, renew)
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, without the manifest (staticfiles.json): it is the storage's own
    index of every file name, which no page links to and no visitor needs."""

    def _hidden(self, url: str) -> bool:
        manifest = getattr(staticfiles_storage, "manifest_name", None)
        return manifest is not None and url == f"{self.static_prefix}{manifest}"

    def add_file_to_dictionary(self, url: str, path: str, stat_cache=None) -> None:
        if not self._hidden(url):
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url: str):
        # With autorefresh (development) files are looked up one request at a time.
        return None if self._hidden(url) else super().find_file(url)


class RequestBodyLimitMiddleware:
    """A body larger than REQUEST_BODY_MAX_BYTES (the CSV import's file in its
    multipart envelope) is refused with 413 from its Content-Length alone, before
    anything reads a byte of it, so it never fills memory or /tmp.

    A chunked body has no Content-Length: crampjournal.wsgi reads at most one byte past
    the limit of it and gives Django that much with its length, so it is refused here
    the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if length > settings.REQUEST_BODY_MAX_BYTES:
            context = {"largest_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class AllowedMethodsMiddleware:
    """Any method but GET, HEAD and POST gets 405 with an Allow header, on every
    address, before any view (or the CSRF check) sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            response = HttpResponseNotAllowed(ALLOWED_METHODS, content_type="text/plain")
            response.content = b"Method not allowed.\n"
            return response
        return self.get_response(request)
