"""Episodes out as CSV: every field, local times with their offset, nothing that runs."""

import csv
import datetime as dt
import io
import time
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Episode, FlagReview, Profile, local_fields
from journal.reports.episodes_csv import HEADER, safe_cell


def _rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_every_field_is_exported_in_local_time(user, alice_client, make_full_episode):
    Profile.objects.filter(user=user).update(time_zone="Europe/London")
    episode = make_full_episode(
        user, dt.datetime(2026, 7, 1, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    )
    response = alice_client.get(reverse("export_episodes_csv"))
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="crampjournal-episodes-'
    )
    [row] = _rows(response)
    assert list(row) == HEADER
    assert row == {
        "id": str(episode.uid),
        "started_at": "2026-07-01T02:30:00+01:00",
        "duration_seconds": "135",
        "still_going": "false",
        "body_region": "hamstring",
        "side": "right",
        "intensity": "7",
        "activity": "asleep",
        "broke_sleep": "true",
        "fluid_ml": "1200",
        "electrolyte_drink": "false",
        "exercise_type": "Running",
        "exercise_minutes": "45",
        "exercise_intensity": "vigorous",
        "heavy_sweating": "true",
        "triggers": "dehydration;heat",
        "symptoms": "numbness",
        "relief": "heat=0;stretch=2",
        "medications_taken": "Magnesium",
        "notes": "Woke at 2:30, both calves.",
    }


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_formula_cells_are_escaped(user, alice_client, make_episode, text):
    make_episode(user, notes=text, exercise_type=text)
    [row] = _rows(alice_client.get(reverse("export_episodes_csv")))
    assert row["notes"] == "'" + text and row["exercise_type"] == "'" + text
    assert safe_cell("plain text") == "plain text"


def test_only_ones_own_episodes_and_a_login_are_needed(
    user, other_user, alice_client, make_episode
):
    mine = make_episode(user)
    make_episode(other_user, notes="not alice's")
    rows = _rows(alice_client.get(reverse("export_episodes_csv")))
    assert [row["id"] for row in rows] == [str(mine.uid)]
    anonymous = Client().get(reverse("export_episodes_csv"))
    assert anonymous.status_code == HTTPStatus.FOUND


def test_the_export_page_documents_every_column(alice_client):
    html = alice_client.get(reverse("export")).content.decode()
    for name in HEADER:
        assert f'<dt class="font-monospace">{name}</dt>' in html


def test_an_empty_journal_exports_just_the_header(alice_client):
    response = alice_client.get(reverse("export_episodes_csv"))
    assert response.content.decode().splitlines() == [",".join(HEADER)]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("export_episodes_csv"))
    return len(captured)


def test_export_queries_grow_by_the_chunk_not_by_the_episode(user, alice_client, make_episode):
    """(On a stopped clock: a download that begins the next hour's rate-limit window
    makes other cache queries, and a CI run at 20:00 once measured across one.)"""
    with time_machine.travel(time.time(), tick=False):
        for _ in range(3):
            make_episode(user)
        # The first download of the hour starts the rate-limit count (a different set of
        # cache queries from later downloads): measure two later ones.
        _queries(alice_client)
        few = _queries(alice_client)
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        Episode.objects.bulk_create(
            Episode(
                owner=user,
                started_at=start + dt.timedelta(hours=i),
                body_region="calf",
                side="left",
                intensity=5,
                **local_fields(start + dt.timedelta(hours=i), dt.UTC),
            )
            for i in range(1200)
        )
        many = _queries(alice_client)
        # One query reads the episodes; each chunk of 500 adds four for their answers.
        assert many == few + 2 * 4
        assert len(_rows(alice_client.get(reverse("export_episodes_csv")))) == 1203


def test_all_my_data_is_one_json_file_of_ones_own_rows(
    user, other_user, alice_client, make_episode, make_medication, make_checkin
):
    make_medication(user, name="Furosemide", kind="diuretic", started_on=dt.date(2026, 1, 5))
    episode = make_episode(user, notes="mine")
    make_checkin(user, date=dt.date(2026, 3, 1), fluid_ml=1800, sleep_hours="6.5")
    FlagReview.objects.create(
        owner=user, kind="frequent", discussed_on=dt.date(2026, 3, 2), through_episode_id=1
    )
    make_episode(other_user, notes="not alice's")
    make_medication(other_user, name="Someone else's")
    response = alice_client.get(reverse("export_all_data"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="crampjournal-all-data-'
    )
    data = response.json()
    assert data["account"]["username"] == "alice"
    assert data["profile"] == {"time_zone": "UTC", "fluid_unit": "ml", "colour_mode": "system"}
    assert data["medications"] == [
        {
            "name": "Furosemide",
            "dose": "20 mg",
            "kind": "diuretic",
            "started_on": "2026-01-05",
            "stopped_on": None,
        }
    ]
    [exported] = data["episodes"]
    assert exported["id"] == str(episode.uid) and exported["notes"] == "mine"
    assert exported["intensity"] == 5 and exported["still_going"] is False
    assert data["checkins"][0]["date"] == "2026-03-01"
    assert data["checkins"][0]["sleep_hours"] == 6.5
    assert data["flags_discussed"][0]["flag"] == "frequent"
    assert "not alice's" not in response.content.decode()
    assert "Someone else" not in response.content.decode()
