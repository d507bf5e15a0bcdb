"""What a phone needs to put CrampJournal on its home screen: the web app manifest.

There is deliberately no service worker: one would cache pages, and every page but the
landing page holds health data. Offline, the browser shows its own "no connection" page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from journal import palette


@login_not_required  # browsers fetch the manifest without cookies
@require_safe
@cache_control(public=True, max_age=86400)
def web_manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("home")
    manifest = {
        "name": "CrampJournal",
        "short_name": "CrampJournal",
        "description": "A private journal of muscle cramps, their patterns, and a report "
        "for your clinician.",
        "lang": settings.LANGUAGE_CODE,
        "id": start,
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "theme_color": palette.THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {"name": "Log a cramp", "url": reverse("quick_log")},
            {"name": "Cramp is happening", "url": reverse("timer_start")},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
