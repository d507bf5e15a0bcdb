"""Error pages Django asks the project for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid CSRF token (most often an old page sent after
    signing in or out elsewhere). The project's own page, with no inline script or style,
    so the Content-Security-Policy holds on it too; the reason is for developers only."""
    return render(request, "403_csrf.html", status=403)
