"""Share links: the person makes and revokes them; a clinician opens one without an
account. The shared page shows the chosen report and nothing else."""

import json
import zoneinfo

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, ratelimit
from journal.models import AuditKind, ShareLink
from journal.patterns import periods, stats
from journal.patterns.stats import Period
from journal.records import undo
from journal.records.views import undo as undo_views
from journal.reports import clinician, downloads, fhir, sharing
from journal.reports.forms import ShareForm
from journal.reports.views.exports import (
    EXPORT_LIMIT,
    EXPORT_WINDOW_SECONDS,
    FHIR_JSON,
    TOO_MANY_DOWNLOADS,
)

# A shared report may be opened often (a clinic's staff), but not hammered.
OPEN_LIMIT, OPEN_WINDOW_SECONDS = 60, 60
OPENED_TOO_OFTEN = "This link was opened very often in the last minute. Try again in a minute."


@never_cache
@confirm.required
def share_list(request: HttpRequest) -> HttpResponse:
    form = ShareForm(request.POST or confirm.carried(request))
    new_link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = request.zone
        first = stats.first_day(request.user)
        period = periods.period_for(
            first, zone, data["range"], timezone.localdate(), data["start"], data["end"]
        )
        options = clinician.Options(name=data["name"], include_notes=data["include_notes"])
        link, token = sharing.create(
            request.user, period, options, data["days"], include_fhir=data["include_fhir"]
        )
        audit.record(AuditKind.SHARE_CREATED, request.user.pk, request, f"link {link.pk}")
        # Shown in this response only: the token is not stored anywhere.
        url = request.build_absolute_uri(f"/s/{token}/")
        new_link = sharing.NewLink(link, url, sharing.qr_svg(url))
        form = ShareForm()
    links = ShareLink.objects.for_user(request.user)
    context = {"form": form, "links": links, "new_link": new_link, "now": timezone.now()}
    return render(request, "share/list.html", context)


@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ShareLink.objects.for_user(request.user), pk=pk)
    sharing.revoke(link)
    audit.record(AuditKind.SHARE_REVOKED, request.user.pk, request, f"link {link.pk}")
    # Closed for the clinician at once; Undo may reopen it for a few seconds.
    return undo_views.deleted(request, undo.revoked_link(link), "Link revoked: it no longer opens.")


def _open(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    """The link a token opens (and the opening counted), or the response refusing it."""
    link = sharing.find(token)
    if link is None or not link.is_valid_at(timezone.now()):
        # 404 for a token never issued, 410 for one that expired or was revoked.
        status = 404 if link is None else 410
        return _private(render(request, "share/invalid.html", status=status))
    if not ratelimit.allow(f"share-open:{link.pk}", OPEN_LIMIT, OPEN_WINDOW_SECONDS):
        context = {"message": OPENED_TOO_OFTEN}
        return _private(render(request, "share/busy.html", context, status=429))
    sharing.record_open(link)
    audit.record(AuditKind.SHARE_OPENED, link.owner_id, request, f"link {link.pk}")
    return link


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the URL: never send it on as a referrer.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _content(link: ShareLink) -> dict:
    owner = link.owner
    zone = zoneinfo.ZoneInfo(owner.profile.time_zone)
    options = clinician.Options(name=link.name, include_notes=link.include_notes)
    today = timezone.localdate(timezone=zone)
    period = Period(link.start, link.end, zone)
    return clinician.build(owner, period, options, today, stats.first_day(owner))


@login_not_required
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    context = _content(link) | {"link": link, "token": token}
    return _private(render(request, "share/shared.html", context))


@login_not_required
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The shared report as a PDF: the kept one while the report is unchanged, else a
    new one, made under the owner's limits (rate, one at a time) as well as the link's
    and the site's; anyone holding a link spends the owner's PDFs, not more."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    html = render_to_string("report/pdf.html", _content(link), request=request)
    data = sharing.kept_pdf(link, html)
    if data is None:
        if not downloads.pdf_allowed(link.owner_id):
            context = {"message": downloads.TOO_MANY}
            return _private(render(request, "share/busy.html", context, status=429))
        too_large = {"base": "share/standalone.html", "token": token, "notes": link.include_notes}
        data = downloads.render_or_refuse(
            request, link.owner_id, html, "share/busy.html", too_large
        )
        if isinstance(data, HttpResponse):
            return _private(data)
        sharing.keep_pdf(link, html, data)
    return _private(downloads.pdf_download(data, link.start, link.end))


@login_not_required
def shared_fhir(request: HttpRequest, token: str) -> HttpResponse:
    """The link's range as a FHIR R4 Bundle, when the person ticked it at creation;
    counted against the owner's downloads, like their own."""
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    if not link.include_fhir:
        raise Http404("not shared as FHIR")
    if not ratelimit.allow(f"export:{link.owner_id}", EXPORT_LIMIT, EXPORT_WINDOW_SECONDS):
        context = {"message": TOO_MANY_DOWNLOADS}
        return _private(render(request, "share/busy.html", context, status=429))
    audit.record(AuditKind.EXPORT, link.owner_id, request, f"fhir r4 json, link {link.pk}")
    zone = zoneinfo.ZoneInfo(link.owner.profile.time_zone)
    bundle = fhir.build(
        link.owner,
        zone,
        period=Period(link.start, link.end, zone),
        name=link.name,
        include_notes=link.include_notes,
    )
    filename = f"crampjournal-fhir-r4-{link.start:%Y-%m-%d}-{link.end:%Y-%m-%d}.json"
    return _private(downloads.download(json.dumps(bundle, indent=1), filename, FHIR_JSON))
