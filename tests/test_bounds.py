"""Heavy work has bounds (issue 13, finding 5): text lengths, the report's lists, the
PDF's time, memory and places, share-link PDFs kept and counted against the owner, and
the CSV import's size, rate and cost.

Each test is the attack (or the person who would hit the limit) through the client: a
refusal is a page that says what to do, never a 500 or a hang.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import io
import re
import runpy
import threading
from http import HTTPStatus

import pypdf
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from journal.accounts import ratelimit
from journal.fields import NoteField
from journal.models import (
    MAX_MEDICATIONS,
    MAX_NOTE_LENGTH,
    Episode,
    Medication,
    Profile,
    local_fields,
    owner_zone,
)
from journal.records.forms.medications import FULL_LIST
from journal.reports import clinician, downloads, episodes_import, pdf
from journal.reports.views import exports

EPISODE = {
    "started_at": "2026-01-05T03:00",
    "body_region": "calf",
    "side": "left",
    "intensity": "5",
}
TOO_LONG_NOTE = "word " * (MAX_NOTE_LENGTH // 5) + "x"  # MAX_NOTE_LENGTH + 1 characters


def _note_message(length: int) -> str:
    return NoteField().error_messages["max_length"] % {"show_value": length}


def _error_after_field(html: str, name: str, message: str) -> None:
    """The message is the field's own, drawn right after it (crispy's invalid-feedback)."""
    assert f'id="error_1_id_{name}"><strong>{escape(message)}' in html, name


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


# Free text -----------------------------------------------------------------------------


def test_a_note_one_past_the_limit_is_refused_and_kept(alice_client):
    assert len(TOO_LONG_NOTE) == MAX_NOTE_LENGTH + 1
    response = alice_client.post(reverse("episode_create"), EPISODE | {"notes": TOO_LONG_NOTE})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    _error_after_field(html, "notes", _note_message(MAX_NOTE_LENGTH + 1))
    assert f"{TOO_LONG_NOTE}</textarea>" in html  # kept, to shorten rather than retype
    assert not Episode.objects.exists()


def test_a_note_at_the_limit_is_saved_with_line_breaks_counted_once(user, alice_client):
    # A browser sends each line break as CRLF but counts it as one character.
    lines = ["x" * 99] * (MAX_NOTE_LENGTH // 100)
    note = "\r\n".join(lines)
    assert len(note.replace("\r\n", "\n")) <= MAX_NOTE_LENGTH < len(note)
    response = alice_client.post(reverse("episode_create"), EPISODE | {"notes": note})
    assert response.status_code == HTTPStatus.FOUND
    assert Episode.objects.get(owner=user).notes == "\n".join(lines)


def test_a_checkin_note_one_past_the_limit_is_refused_and_kept(alice_client):
    day = timezone.localdate().isoformat()
    response = alice_client.post(reverse("checkin_today"), {"date": day, "notes": TOO_LONG_NOTE})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    _error_after_field(html, "notes", _note_message(MAX_NOTE_LENGTH + 1))
    assert f"{TOO_LONG_NOTE}</textarea>" in html


@pytest.mark.parametrize(
    "url,data,field,limit",
    [
        ("episode_create", EPISODE, "exercise_type", 100),
        ("medication_create", {"kind": "other", "dose": "1 mg", "name": "X"}, "name", 100),
        ("medication_create", {"kind": "other", "name": "X"}, "dose", 100),
        ("report", {"range": "30d"}, "name", 60),
        ("share_list", {"range": "30d", "days": "14"}, "name", 60),
    ],
)
def test_every_other_free_text_field_has_a_limit_with_its_message(
    alice_client, url, data, field, limit
):
    text = "y" * (limit + 1)
    response = alice_client.post(reverse(url), data | {field: text})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    message = f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    _error_after_field(html, field, message)
    assert f'value="{text}"' in html
    assert not Episode.objects.exists() and not Medication.objects.exists()


def test_a_csv_row_with_a_note_too_long_is_named_and_nothing_imported(alice_client):
    good = "2026-03-10T02:30:00+00:00,calf,left,6,"
    content = "\r\n".join(
        ["started_at,body_region,side,intensity,notes", good, good + TOO_LONG_NOTE, ""]
    )
    upload = SimpleUploadedFile("episodes.csv", content.encode(), content_type="text/csv")
    response = alice_client.post(reverse("import"), {"file": upload})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Nothing was imported: 1 row needs fixing." in html
    assert 'data-line="3"' in html and 'data-line="2"' not in html
    assert (
        f"notes: {MAX_NOTE_LENGTH + 1} characters; notes can be at most {MAX_NOTE_LENGTH}."
    ) in html
    assert not Episode.objects.exists()


# The report's lists ------------------------------------------------------------------


@pytest.fixture
def crowded_period(user):
    """One more episode in the last 90 days than the report lists."""
    zone = owner_zone(user.pk)
    now = timezone.now()
    episodes = []
    for i in range(clinician.MAX_EPISODES + 1):
        started_at = now - dt.timedelta(hours=2 + i * 2)
        episodes.append(
            Episode(
                owner=user,
                started_at=started_at,
                duration_seconds=60,
                body_region="calf",
                side="left",
                intensity=4,
                **local_fields(started_at, zone),
            )
        )
    Episode.objects.bulk_create(episodes)
    return episodes


# One row of the list, as the fixture's episodes show there (in the HTML and the PDF).
ROW = "Calf, left; 4/10;"


def test_the_report_lists_the_most_recent_up_to_the_ceiling_and_says_so(
    crowded_period, alice_client
):
    total = clinician.MAX_EPISODES + 1
    page = alice_client.post(reverse("report"), {"range": "90d"}).content.decode()
    listing = page[page.index('id="r-episodes"') :]
    assert f"The {clinician.MAX_EPISODES} most recent episodes (of {total})" in listing
    assert "the 1 earlier one is left out" in listing and "CSV export" in listing
    assert listing.count(ROW) == clinician.MAX_EPISODES
    oldest = timezone.localtime(crowded_period[-1].started_at)
    assert f"{oldest:%a} {oldest.day} {oldest:%b %Y %H:%M}" not in listing

    response = alice_client.post(reverse("report_pdf"), {"range": "90d"})
    assert response.status_code == HTTPStatus.OK
    text = _pdf_text(response.content)
    listed = text[text.index(f"The {clinician.MAX_EPISODES} most recent episodes") :]
    assert "left out" in listed and "CSV export" in listed
    assert listed.count(ROW) == clinician.MAX_EPISODES


def test_a_note_longer_than_the_limit_from_before_it_is_cut_in_the_report(
    user, alice_client, make_episode
):
    make_episode(user, notes="old " * MAX_NOTE_LENGTH)  # four times the limit
    html = alice_client.post(reverse("report"), {"range": "30d", "include_notes": "on"})
    cell = re.search(r"<td>((?:old )+[^<]*)</td>", html.content.decode()).group(1)
    assert len(cell) == MAX_NOTE_LENGTH and cell.endswith("…")


def test_the_medicines_table_has_a_ceiling_and_says_so(user, alice_client):
    Medication.objects.bulk_create(
        Medication(owner=user, name=f"Medicine {i:03d}", kind="other")
        for i in range(MAX_MEDICATIONS + 1)
    )
    html = alice_client.get(reverse("report")).content.decode()
    assert html.count('<th scope="row">Medicine ') == MAX_MEDICATIONS
    assert (
        f"1 more medicine on the list is not shown: the report shows at most {MAX_MEDICATIONS}."
    ) in html


def test_the_medication_list_has_a_ceiling(user, alice_client):
    Medication.objects.bulk_create(
        Medication(owner=user, name=f"Medicine {i:03d}", kind="other")
        for i in range(MAX_MEDICATIONS)
    )
    response = alice_client.post(
        reverse("medication_create"), {"name": "One more", "kind": "other"}
    )
    assert response.status_code == HTTPStatus.OK
    assert escape(FULL_LIST) in response.content.decode()
    assert Medication.objects.filter(owner=user).count() == MAX_MEDICATIONS
    # Those on the list can still be changed.
    first = Medication.objects.filter(owner=user).first()
    edit = alice_client.post(
        reverse("medication_edit", args=[first.pk]), {"name": "Renamed", "kind": "other"}
    )
    assert edit.status_code == HTTPStatus.FOUND


# Rendering: time, memory, places ----------------------------------------------------


def test_the_render_limits_sit_under_gunicorns_timeout(settings):
    conf = runpy.run_path(str(django_settings.BASE_DIR / "crampjournal" / "gunicorn.conf.py"))
    assert conf["timeout"] >= settings.PDF_RENDER_SECONDS + pdf.LEASE_MARGIN_SECONDS
    assert settings.PDF_RENDERS_AT_ONCE >= 1


def test_the_renderer_child_fetches_nothing_but_own_static_files(tmp_path):
    """The fetcher runs in the child now: a real server on loopback sees no request, a
    local file stays out, and the project's stylesheet still applies."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        html = (
            f'<html><head><link rel="stylesheet" href="{url}/x.css">'
            '<link rel="stylesheet" href="/static/css/report.css"></head>'
            f'<body><img src="{url}/x.png"><img src="file://{secret}">'
            f'<iframe src="file://{secret}"></iframe><p>Shown.</p></body></html>'
        )
        text = _pdf_text(pdf.render_pdf(html))
        server.shutdown()
    assert seen == []
    assert "Shown." in text and "not for the PDF" not in text
    assert "Page 1 of 1" in text  # from report.css's @page


def _too_large(response) -> str:
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    html = response.content.decode()
    assert "This report is too large for a PDF" in html
    return html


def test_a_render_past_its_time_gets_the_too_large_page(settings, user, alice_client, make_episode):
    make_episode(user)
    settings.PDF_RENDER_SECONDS = 0.05  # less than the renderer needs to start
    html = _too_large(alice_client.post(reverse("report_pdf"), {"range": "30d"}))
    assert "Choose a shorter range" in html and "0.05 seconds" in html


def _fonts(content: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_a_render_past_its_memory_gets_the_too_large_page(settings, user, alice_client):
    settings.PDF_RENDER_MEMORY_MB = 48  # less than a report needs
    html = _too_large(alice_client.post(reverse("report_pdf"), {"range": "30d"}))
    assert "Choose a shorter range" in html
    # And it harmed nothing: the next PDF is set in the report's own font. (A renderer
    # that met fontconfig first under the limit once left the machine's font cache
    # empty of DejaVu Sans, and every later PDF came out in Liberation Mono.)
    settings.PDF_RENDER_MEMORY_MB = 1024
    response = alice_client.post(reverse("report_pdf"), {"range": "30d"})
    assert response.status_code == HTTPStatus.OK
    assert any("DejaVu-Sans" in font for font in _fonts(response.content))


def test_two_pdfs_at_once_for_one_person_the_second_is_refused(user, alice_client):
    with ratelimit.slot(pdf.person_key(user.pk), 1, 60) as first:
        assert first  # the first PDF, still being made
        response = alice_client.post(reverse("report_pdf"), {"range": "30d"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert escape(downloads.ONE_AT_A_TIME) in response.content.decode()
    # Given back: the next one is made.
    assert alice_client.post(reverse("report_pdf"), {"range": "30d"}).status_code == 200


def test_the_site_wide_ceiling_refuses_when_full(settings, alice_client):
    settings.PDF_RENDERS_AT_ONCE = 2
    with contextlib.ExitStack() as others:
        for _ in range(2):  # two other people's PDFs, on any server
            assert others.enter_context(ratelimit.slot(pdf.SITE_KEY, 2, 60))
        response = alice_client.post(reverse("report_pdf"), {"range": "30d"})
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == str(downloads.RETRY_AFTER_SECONDS)
    assert escape(downloads.SITE_BUSY) in response.content.decode()


# Share links ---------------------------------------------------------------------------


def _share(client: Client, **data) -> str:
    response = client.post(reverse("share_list"), {"range": "90d", "days": "14"} | data)
    return re.search(r"/s/([^/\"]+)/", response.context["new_link"][1]).group(1)


def _shared_pdf(token: str):
    return Client().get(reverse("shared_pdf", args=[token]))


def test_share_link_pdfs_count_against_the_owner(user, alice_client, make_episode):
    make_episode(user)
    tokens = [_share(alice_client) for _ in range(5)]
    # The attack: many links, one PDF each at once. The owner's one place holds them all.
    with ratelimit.slot(pdf.person_key(user.pk), 1, 60):
        for token in tokens:
            response = _shared_pdf(token)
            assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
            assert escape(downloads.ONE_AT_A_TIME) in response.content.decode()
            assert response["Cache-Control"] == "no-store, private"
    # And the owner's PDFs a minute: a link's PDF spends one of them (a kept one none).
    key = f"report-pdf:{user.pk}"
    spent = ratelimit.count(key)
    assert _shared_pdf(tokens[0]).status_code == HTTPStatus.OK
    assert ratelimit.count(key) == spent + 1
    assert _shared_pdf(tokens[0]).status_code == HTTPStatus.OK
    assert ratelimit.count(key) == spent + 1
    while ratelimit.count(key) < downloads.PDF_LIMIT:
        ratelimit.hit(key, downloads.PDF_WINDOW_SECONDS)
    refused = _shared_pdf(tokens[1])
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert escape(downloads.TOO_MANY) in refused.content.decode()
    own = alice_client.post(reverse("report_pdf"), {"range": "30d"})
    assert own.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_shared_pdf_too_large_says_so_to_the_clinician(settings, user, alice_client):
    token = _share(alice_client, include_notes="on")
    settings.PDF_RENDER_SECONDS = 0.05
    html = _too_large(_shared_pdf(token))
    assert reverse("shared_report", args=[token]) in html  # read it in the browser
    assert "shorter range or without notes" in html
    assert "Log out" not in html  # none of the app around it


def _change_episode_added(user, make_episode, make_medication):
    make_episode(user, intensity=9)


def _change_episode_deleted(user, make_episode, make_medication):
    Episode.objects.filter(owner=user).delete()


def _change_medication_renamed(user, make_episode, make_medication):
    Medication.objects.filter(owner=user).update(name="Furosemide")


def _change_time_zone(user, make_episode, make_medication):
    # A bulk update: no signal sees it, and the report still does.
    Profile.objects.filter(user=user).update(time_zone="Europe/London")


@pytest.mark.parametrize(
    "change",
    [
        _change_episode_added,
        _change_episode_deleted,
        _change_medication_renamed,
        _change_time_zone,
    ],
)
def test_a_shared_pdf_is_kept_until_the_journal_changes(
    user, alice_client, make_episode, make_medication, make_checkin, change
):
    episode = make_episode(user)
    make_medication(user)
    token = _share(alice_client)
    first = _shared_pdf(token)
    assert first.status_code == HTTPStatus.OK
    # While the owner's one place is taken no PDF can be made: what comes is the kept one.
    with ratelimit.slot(pdf.person_key(user.pk), 1, 60):
        again = _shared_pdf(token)
        assert again.status_code == HTTPStatus.OK and again.content == first.content
        # A change the report does not show keeps it too: a check-in's note, on a day
        # the calendar shows as a cramp day already. (Not "today": an hour after
        # midnight the episode is yesterday's, and a check-in today colours a day.)
        make_checkin(user, date=episode.started_at.date(), notes="slept well")
        assert _shared_pdf(token).content == first.content
        change(user, make_episode, make_medication)
        changed = _shared_pdf(token)
    assert changed.status_code == HTTPStatus.TOO_MANY_REQUESTS  # a new one was needed
    if change is _change_episode_added:
        fresh = _shared_pdf(token)
        assert fresh.status_code == HTTPStatus.OK
        assert "Episodes 2" in _pdf_text(fresh.content)


def test_revoking_a_link_drops_its_kept_pdf(user, alice_client, make_episode):
    from journal.models import ShareLink
    from journal.reports import sharing

    make_episode(user)
    token = _share(alice_client)
    assert _shared_pdf(token).status_code == HTTPStatus.OK
    link = ShareLink.objects.get(owner=user)
    html_key = sharing._pdf_key(link.pk)
    from django.core.cache import cache

    assert cache.get(html_key) is not None
    alice_client.post(reverse("share_revoke", args=[link.pk]))
    assert cache.get(html_key) is None
    assert _shared_pdf(token).status_code == HTTPStatus.GONE


# The CSV import --------------------------------------------------------------------------


def _upload(client: Client, content: str):
    upload = SimpleUploadedFile("episodes.csv", content.encode(), content_type="text/csv")
    return client.post(reverse("import"), {"file": upload})


ONE_ROW = "started_at,body_region,side,intensity\r\n2026-03-10T02:30:00+00:00,calf,left,6\r\n"


def test_the_import_is_rate_limited_per_person(user, alice_client, other_user, client_for):
    for attempt in range(exports.IMPORT_LIMIT):
        assert _upload(alice_client, ONE_ROW).status_code == HTTPStatus.FOUND, attempt
    refused = _upload(alice_client, ONE_ROW)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many imports in the last hour." in refused.content.decode()
    # Someone else's imports are their own.
    assert _upload(client_for(other_user), ONE_ROW).status_code == HTTPStatus.FOUND


def test_one_import_at_a_time_per_person(user, alice_client):
    with ratelimit.slot(f"import-running:{user.pk}", 1, 60):
        refused = _upload(alice_client, ONE_ROW)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "An import of yours is still running." in refused.content.decode()
    assert not Episode.objects.exists()


def test_a_file_past_the_row_ceiling_is_refused_whole(alice_client):
    row = "2026-03-10T02:30:00+00:00,calf,left,6\r\n"
    content = "started_at,body_region,side,intensity\r\n" + row * (episodes_import.MAX_ROWS + 1)
    response = _upload(alice_client, content)
    assert response.status_code == HTTPStatus.OK
    assert (
        f"The file has more than {episodes_import.MAX_ROWS:,} rows, the most one import takes."
        in response.content.decode()
    )
    assert not Episode.objects.exists()


def test_an_import_cannot_overfill_the_medication_list(alice_client):
    names = ";".join(f"Medicine {i}" for i in range(MAX_MEDICATIONS + 1))
    content = (
        "started_at,body_region,side,intensity,medications_taken\r\n"
        f'2026-03-10T02:30:00+00:00,calf,left,6,"{names}"\r\n'
    )
    response = _upload(alice_client, content)
    assert response.status_code == HTTPStatus.OK
    assert f"more than {MAX_MEDICATIONS}, the most it can" in response.content.decode()
    assert not Episode.objects.exists() and not Medication.objects.exists()


def test_the_import_takes_a_few_statements_whatever_the_rows(
    user, alice_client, django_assert_max_num_queries
):
    rows = "".join(
        f"2026-03-{day:02d}T02:30:00+00:00,calf,left,6,stretch=2,dehydration;heat,Magnesium\r\n"
        for day in range(1, 29)
    )
    content = "started_at,body_region,side,intensity,relief,triggers,medications_taken\r\n" + rows
    # Sign-in, session, rate counters, audit and the import's own (episodes, medicines,
    # one insert per table): not one per row.
    with django_assert_max_num_queries(30):
        assert _upload(alice_client, content).status_code == HTTPStatus.FOUND
    assert Episode.objects.filter(owner=user).count() == 28
    episode = Episode.objects.filter(owner=user).first()
    assert list(episode.reliefs.values_list("measure", "effect")) == [("stretch", 2)]
    assert sorted(episode.triggers.values_list("trigger", flat=True)) == ["dehydration", "heat"]
    assert [m.name for m in episode.medications_taken.all()] == ["Magnesium"]
