"""Show every time in the signed-in person's own time zone."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from journal.models import Profile


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            name = (
                Profile.objects.filter(user=request.user)
                .values_list("time_zone", flat=True)
                .first()
            )
            timezone.activate(zoneinfo.ZoneInfo(name or "UTC"))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
