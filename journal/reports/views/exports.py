"""The person's own data, out and in: the episodes as CSV, the import, the template."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.accounts import audit, confirm, ratelimit
from journal.models import AuditKind
from journal.reports import (
    all_data,
    column_mapping,
    downloads,
    episodes_csv,
    episodes_import,
    fhir,
    pending_import,
)
from journal.reports.forms import ColumnsForm, ImportForm, OptionsForm

CSV = "text/csv; charset=utf-8"
FHIR_JSON = "application/fhir+json"


@never_cache
def export_page(request: HttpRequest, fhir_form: OptionsForm | None = None) -> HttpResponse:
    # After "Confirm it's you": the FHIR options come back here, as typed, and the
    # download asked for starts (never cached, so going back starts nothing).
    fhir_form = fhir_form or OptionsForm(confirm.carried(request))
    context = {
        "columns": episodes_csv.COLUMNS,
        "fhir_form": fhir_form,
        "pending_download": confirm.pending_download(request),
    }
    return render(request, "exports/export.html", context)


# Exports read the whole journal: generous for a person, a wall for a scraper.
EXPORT_LIMIT, EXPORT_WINDOW_SECONDS = 20, 3600
TOO_MANY_DOWNLOADS = "Too many downloads in the last hour. Try again in an hour."


def _export_refused(request: HttpRequest, what: str) -> HttpResponse | None:
    """The 429 page once a person has downloaded too much this hour; else the download
    is recorded in the audit trail and None returned."""
    if not ratelimit.allow(f"export:{request.user.pk}", EXPORT_LIMIT, EXPORT_WINDOW_SECONDS):
        return ratelimit.refused(request, TOO_MANY_DOWNLOADS)
    audit.record(AuditKind.EXPORT, request.user.pk, request, what)
    return None


@never_cache
@confirm.required(form_page="export", download="the episodes file (CSV)")
def episodes_csv_download(request: HttpRequest) -> HttpResponse:
    """Every episode of the person's, one row each, as a file download."""
    if refusal := _export_refused(request, "episodes csv"):
        return refusal
    zone = request.zone
    filename = f"crampjournal-episodes-{timezone.localdate():%Y-%m-%d}.csv"
    return downloads.download(episodes_csv.export(request.user, zone), filename, CSV)


@never_cache
@confirm.required(form_page="export", download="the file of all your data (JSON)")
def all_data_download(request: HttpRequest) -> HttpResponse:
    """Everything of the person's in one JSON file."""
    if refusal := _export_refused(request, "all data json"):
        return refusal
    data = json.dumps(
        all_data.build(request.user, request.profile), indent=1, cls=DjangoJSONEncoder
    )
    filename = f"crampjournal-all-data-{timezone.localdate():%Y-%m-%d}.json"
    return downloads.download(data, filename, "application/json")


@never_cache
@require_POST
@confirm.required(form_page="export", download="the FHIR R4 file (JSON)")
def fhir_download(request: HttpRequest) -> HttpResponse:
    """The whole journal as a FHIR R4 Bundle, named and with notes only when asked."""
    form = OptionsForm(request.POST)
    if not form.is_valid():
        return export_page(request, form)
    if refusal := _export_refused(request, "fhir r4 json"):
        return refusal
    bundle = fhir.build(
        request.user,
        request.zone,
        name=form.cleaned_data["name"],
        include_notes=form.cleaned_data["include_notes"],
    )
    filename = f"crampjournal-fhir-r4-{timezone.localdate():%Y-%m-%d}.json"
    return downloads.download(json.dumps(bundle, indent=1), filename, FHIR_JSON)


# An import reads and checks up to MAX_ROWS rows (seconds of work at the ceiling): a
# person fixing a file tries a few times in an hour, a script gets no more.
IMPORT_LIMIT, IMPORT_WINDOW_SECONDS = 10, 3600
# One import at a time per person. The lease outlasts the largest import many times over;
# it only matters if a server dies mid-import.
IMPORT_LEASE_SECONDS = 300


def _run_import(
    request: HttpRequest, data: bytes, mapping: column_mapping.Mapping | None = None
) -> episodes_import.Result | HttpResponse:
    """The import under its limits: a Result, or the page saying why not now."""
    if not ratelimit.allow(f"import:{request.user.pk}", IMPORT_LIMIT, IMPORT_WINDOW_SECONDS):
        return ratelimit.refused(
            request, "Too many imports in the last hour. Try again in an hour."
        )
    with ratelimit.slot(f"import-running:{request.user.pk}", 1, IMPORT_LEASE_SECONDS) as got:
        if not got:
            return ratelimit.refused(
                request,
                "An import of yours is still running. Wait until it has finished, "
                "then look at your episodes before importing again.",
            )
        return episodes_import.import_episodes(request.user, data, request.zone, mapping)


def _imported(request: HttpRequest, result: episodes_import.Result) -> HttpResponse:
    audit.record(AuditKind.IMPORT, request.user.pk, request, f"{result.imported} rows")
    messages.success(
        request,
        f"Imported {result.imported} episode{pluralize(result.imported)}"
        + (f"; {result.skipped} were already in your journal" if result.skipped else "")
        + ".",
    )
    if result.medications_added:
        messages.info(
            request, "Added to your medication list: " + ", ".join(result.medications_added)
        )
    return redirect("episode_list")


@confirm.required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of episodes: all rows are imported, or none and every bad row listed.
    A spreadsheet of the person's own goes on to the matching step (import_columns)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte past the limit, so a larger file is refused without reading it all.
        data = upload.read(episodes_import.MAX_BYTES + 1)
        result = _run_import(request, data)
        if isinstance(result, HttpResponse):
            return result
        if result.headers is not None:
            pending_import.keep(request.session, request.user.pk, data, upload.name)
            return redirect("import_columns")
        if result.ok:
            return _imported(request, result)
    return render(request, "exports/import.html", {"form": form, "result": result})


@never_cache
@confirm.required
def import_columns(request: HttpRequest) -> HttpResponse:
    """Match a spreadsheet's columns to journal fields, see the first rows as they would
    be imported, then import them all (or none, every bad row named)."""
    pending = pending_import.get(request.session, request.user.pk)
    if pending is None:
        messages.info(request, pending_import.GONE)
        return redirect("import")
    # Back from "Confirm it's you", the choices made come back as they were.
    data = request.POST if request.method == "POST" else confirm.carried(request)
    if data is not None and data.get("action") == "cancel":
        pending_import.drop(request.session, request.user.pk)
        return redirect("import")
    chosen = [data.get(f"col_{i}") for i in range(episodes_import.MAX_COLUMNS)] if data else None
    preview = episodes_import.preview(
        pending.data, request.zone, chosen, data.get("day_order") if data else None
    )
    if isinstance(preview, str):  # read when it was chosen: only if the store was changed
        pending_import.drop(request.session, request.user.pk)
        messages.error(request, f"{preview} Nothing was imported.")
        return redirect("import")
    form = ColumnsForm(preview, data)
    result = None
    if request.method == "POST" and data.get("action") == "import" and form.is_valid():
        mapping = column_mapping.Mapping.from_targets(form.targets(), preview.day_order)
        result = _run_import(request, pending.data, mapping)
        if isinstance(result, HttpResponse):
            return result
        if result.ok:
            pending_import.drop(request.session, request.user.pk)
            return _imported(request, result)
    context = {"form": form, "preview": preview, "result": result, "name": pending.name}
    return render(request, "exports/import_columns.html", context)


@never_cache
def import_template(request: HttpRequest) -> HttpResponse:
    """The header row and one example row, to fill in by hand."""
    return downloads.download(episodes_csv.template(), "crampjournal-template.csv", CSV)
