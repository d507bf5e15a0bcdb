"""The health check a load balancer or process manager polls."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database and the shared cache answer, 503 otherwise. The reply
    says nothing else: no versions, no counts, no error text."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cache.get("healthz")
    except Exception:  # noqa: BLE001 - any failure means "not healthy", and nothing more
        return HttpResponse("unavailable\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")
