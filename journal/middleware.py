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

from journal.models import Profile

# The methods the app answers. No view takes PUT, PATCH or DELETE, no page needs TRACE
# or CONNECT, and there is no cross-origin use for OPTIONS; a function view would
# otherwise treat any of them as a GET and answer with the page.
ALLOWED_METHODS = ("GET", "HEAD", "POST")


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
