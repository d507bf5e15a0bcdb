"""The clinician report: the same numbers as Patterns, only what the person chose."""

import datetime as dt
import io
import re
from http import HTTPStatus

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.accounts import ratelimit
from journal.models import EpisodeSymptom
from journal.reports import downloads, pdf


def _summary(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-summary="([^"]+)">([^<]+)<', html))


def _three_episodes(user, make_episode) -> None:
    """2, 10 and 40 days ago; the middle one severe and over 10 minutes."""
    now = timezone.now()
    for days, intensity, seconds in ((2, 4, 60), (10, 9, 700), (40, 6, 30)):
        make_episode(
            user,
            started_at=now - dt.timedelta(days=days),
            intensity=intensity,
            duration_seconds=seconds,
        )


def test_the_report_shows_the_patterns_numbers(user, alice_client, make_episode):
    _three_episodes(user, make_episode)
    report = alice_client.get(reverse("report"))
    assert report.status_code == HTTPStatus.OK
    assert "no-store" in report["Cache-Control"]
    patterns = alice_client.get(reverse("patterns"))
    shown = {h.label: h.value for h in patterns.context["headlines"]}
    summary = _summary(report.content.decode())
    for label in ("Episodes", "Episodes per week", "Average intensity", "Median duration"):
        assert summary[label] == shown[label]
    assert summary["Episodes"] == "3" and summary["Worst intensity"] == "9/10"
    assert summary["Long-lasting"] == "1 of 3 timed"
    html = report.content.decode()
    assert "Lasting over 10 min<" in html
    assert "Patient-reported, not clinically verified." in html
    # The flags the period raises, with their rule and source.
    assert 'data-flag="severe_pain"' in html and 'data-flag="long_lasting"' in html
    assert "<cite>Hamstring cramps: relief, causes and prevention</cite>" in html


def test_notes_are_left_out_unless_chosen(user, alice_client, make_episode):
    make_episode(user, notes="private thought")
    assert "private thought" not in alice_client.get(reverse("report")).content.decode()
    chosen = alice_client.post(reverse("report"), {"range": "90d", "include_notes": "on"})
    assert "private thought" in chosen.content.decode()


def test_the_name_is_shown_as_chosen_and_never_in_the_url(alice_client):
    response = alice_client.post(reverse("report"), {"range": "30d", "name": "J. D."})
    assert "Muscle cramp report: J. D." in response.content.decode()
    assert response.request["QUERY_STRING"] == ""
    assert "Muscle cramp report:" not in alice_client.get(reverse("report")).content.decode()


def test_a_bad_range_explains_itself(alice_client):
    response = alice_client.post(
        reverse("report"), {"range": "custom", "start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "The last day can&#x27;t be before the first." in response.content.decode()


def test_medicines_show_cramps_before_and_after_their_start(
    user, alice_client, make_episode, make_medication
):
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    make_medication(user, name="Furosemide", kind="diuretic", started_on=start)
    noon = dt.time(12, tzinfo=dt.UTC)
    for days_after_start in (-35, -20, -5, 3, 10):
        day = start + dt.timedelta(days=days_after_start)
        make_episode(user, started_at=dt.datetime.combine(day, noon))
    html = alice_client.post(reverse("report"), {"range": "12m"}).content.decode()
    assert "Furosemide" in html and "(cramp-linked)" in html
    # 2 cramps in the 30 days before the start (the first, 35 days before, is outside).
    assert "<td>2 / 2: could be chance</td>" in html


def test_only_ones_own_episodes_and_a_login(user, other_user, alice_client, make_episode):
    episode = make_episode(other_user, intensity=9)
    EpisodeSymptom.objects.create(episode=episode, symptom="numbness")
    html = alice_client.get(reverse("report")).content.decode()
    assert _summary(html)["Episodes"] == "0"
    assert "data-flag=" not in html
    anonymous = Client().get(reverse("report"))
    assert anonymous.status_code == HTTPStatus.FOUND


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a_pdf_with_the_reports_numbers(user, alice_client, make_episode):
    _three_episodes(user, make_episode)
    html_summary = _summary(alice_client.get(reverse("report")).content.decode())
    response = alice_client.post(reverse("report_pdf"), {"range": "90d", "name": "J. D."})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    period = alice_client.get(reverse("report")).context["period"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="crampjournal-report-{period.start}-to-{period.end}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert "Muscle cramp report: J. D." in text
    assert "Patient-reported, not clinically verified." in text
    for label in ("Episodes per week", "Average intensity", "Median duration", "Longest"):
        assert f"{label} {html_summary[label]}" in text
    assert "Worst intensity 9/10" in text
    assert re.search(r"Page 1 of \d", text)


def test_the_pdf_needs_a_post_and_is_rate_limited(alice_client):
    assert alice_client.get(reverse("report_pdf")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    for key in range(downloads.PDF_LIMIT):
        # Count hits without drawing ten PDFs: the same limiter the view uses.
        assert ratelimit.allow("report-pdf:test", downloads.PDF_LIMIT, 60), key
    assert not ratelimit.allow("report-pdf:test", downloads.PDF_LIMIT, 60)


def test_a_person_over_the_limit_gets_429(user, alice_client):
    for _ in range(downloads.PDF_LIMIT):
        ratelimit.allow(f"report-pdf:{user.pk}", downloads.PDF_LIMIT, 60)
    response = alice_client.post(reverse("report_pdf"), {"range": "30d"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Wait a minute" in response.content.decode()


def test_the_pdf_fetches_nothing_but_own_static_files():
    own = pdf.url_fetcher(pdf.BASE_URL + "static/css/report.css")
    assert b"@page" in own["string"]
    for url in (
        "https://example.com/x.css",
        "file:///etc/passwd",
        pdf.BASE_URL + "static/../../etc/passwd",
        pdf.BASE_URL + "media/x.png",
    ):
        with pytest.raises(pdf.BlockedFetch):
            pdf.url_fetcher(url)


def _structure(reader: pypdf.PdfReader) -> list[str]:
    """The PDF's structure tree, depth first, as its element types ("H1", "TD", ...)."""
    kinds: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject) and "/S" in node:
            kinds.append(str(node["/S"])[1:])
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return kinds


def _assert_tagged(content: bytes, episodes: int) -> None:
    """PDF/UA-1: tagged, with its language, its title shown, and a structure a screen
    reader can follow: the headings, the summary table with its header cells, each
    episode an item of a list."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith("Muscle cramp report ")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    metadata = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in metadata  # the XMP metadata claims PDF/UA-1
    assert reader.xmp_metadata.dc_title["x-default"] == reader.metadata.title
    kinds = _structure(reader)
    assert kinds[0] == "Document"
    assert kinds.count("H1") == 1 and kinds.index("H1") < kinds.index("H2")
    assert {"P", "Table", "TH", "TD", "L"} <= set(kinds)
    assert kinds.count("LI") == episodes
    # Every mark on every page is reachable from the tree (nothing read out of order).
    parents = root["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    assert len(parents) >= 2 * len(reader.pages)


def test_the_pdf_is_tagged_for_a_screen_reader(user, alice_client, make_episode):
    _three_episodes(user, make_episode)
    response = alice_client.post(reverse("report_pdf"), {"range": "90d"})
    assert response.status_code == HTTPStatus.OK
    period = alice_client.get(reverse("report")).context["period"]
    _assert_tagged(response.content, episodes=3)
    title = pypdf.PdfReader(io.BytesIO(response.content)).metadata.title
    assert title == f"Muscle cramp report {period.start} to {period.end}"


def test_a_shared_pdf_is_tagged_too(user, alice_client, make_episode):
    _three_episodes(user, make_episode)
    made = alice_client.post(reverse("share_list"), {"range": "90d", "days": "14"})
    assert made.status_code == HTTPStatus.OK
    token = made.context["new_link"].url.rstrip("/").rsplit("/", 1)[1]
    response = Client().get(reverse("shared_pdf", args=[token]))
    assert response.status_code == HTTPStatus.OK
    _assert_tagged(response.content, episodes=3)
