"""The person's own data, out: the episodes as CSV, and the page that explains it."""

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from journal.reports import episodes_csv


def export_page(request: HttpRequest) -> HttpResponse:
    return render(request, "exports/export.html", {"columns": episodes_csv.COLUMNS})


@never_cache
def episodes_csv_download(request: HttpRequest) -> HttpResponse:
    """Every episode of the person's, one row each, as a file download."""
    zone = zoneinfo.ZoneInfo(request.profile.time_zone)
    response = HttpResponse(
        episodes_csv.export(request.user, zone), content_type="text/csv; charset=utf-8"
    )
    filename = f"crampjournal-episodes-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
