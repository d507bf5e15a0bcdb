"""Show every time in the signed-in person's own time zone."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
