"""Episodes in from CSV: all rows or none, every bad row named, no duplicates."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.models import Episode, Medication, Profile
from journal.reports.episodes_csv import HEADER


def _upload(client, content: str | bytes, follow: bool = False):
    data = content.encode("utf-8") if isinstance(content, str) else content
    upload = SimpleUploadedFile("episodes.csv", data, content_type="text/csv")
    return client.post(reverse("import"), {"file": upload}, follow=follow)


def _export(client) -> str:
    return client.get(reverse("export_episodes_csv")).content.decode("utf-8")


@pytest.fixture
def full_journal(user, make_episode, make_full_episode):
    """Two episodes with every kind of answer, one with text a spreadsheet would run."""
    Profile.objects.filter(user=user).update(time_zone="Europe/London")
    make_full_episode(
        user,
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London")),
        exercise_type="=run, 'easy'",
        notes="'quoted' and\nmultiline, with ; and \"quotes\"",
    )
    make_episode(
        user,
        started_at=dt.datetime(2026, 4, 2, 15, tzinfo=dt.UTC),
        ongoing=True,
        duration_seconds=None,
        notes="-5 minutes",
    )
    return user


def test_export_then_import_into_a_fresh_account_gives_the_same_episodes(
    full_journal, other_user, alice_client, client_for
):
    Profile.objects.filter(user=other_user).update(time_zone="Europe/London")
    exported = _export(alice_client)
    bob = client_for(other_user)
    response = _upload(bob, exported)
    assert response.status_code == HTTPStatus.FOUND
    assert Episode.objects.filter(owner=other_user).count() == 2
    assert _export(bob) == exported
    assert Medication.objects.get(owner=other_user).name == "Magnesium"
    # The same episodes, not the same rows: alice's are untouched and still hers.
    assert Episode.objects.filter(owner=full_journal).count() == 2


def test_importing_the_same_file_twice_adds_nothing(full_journal, alice_client):
    exported = _export(alice_client)
    response = _upload(alice_client, exported, follow=True)
    assert "Imported 0 episodes; 2 were already in your journal." in response.content.decode()
    assert Episode.objects.filter(owner=full_journal).count() == 2
    assert _export(alice_client) == exported


def test_one_bad_row_imports_nothing_and_names_every_bad_line(user, alice_client):
    header = ",".join(HEADER)
    good = ",2026-03-10T02:30:00+00:00,90,false,calf,left,6,,,,,,,,,,,,,"
    rows = [
        header,
        good,
        ",2026-03-11T02:30:00+00:00,90,false,knee,left,11,,,,,,,,,,,,,",
        good.replace("2026-03-10", "2026-03-12"),
        ",yesterday,90,true,calf,left,5,,,,,,,,,dancing,,stretch=3,,",
    ]
    response = _upload(alice_client, "\r\n".join(rows) + "\r\n")
    assert response.status_code == HTTPStatus.OK
    assert not Episode.objects.exists()
    html = response.content.decode()
    assert "Nothing was imported: 2 rows need fixing." in html
    assert 'data-line="3"' in html and 'data-line="5"' in html
    assert "body_region: “knee” is not one of" in html
    assert "intensity: 11 is outside 0 to 10." in html
    assert "started_at: “yesterday” is not a date and time" in html
    assert "triggers: “dancing” is not one of" in html
    assert "relief: the effect of stretch should be 0, 1 or 2." in html
    # The chosen file is gone, but the page says exactly what to fix.
    assert 'data-line="2"' not in html and 'data-line="4"' not in html


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfe\x00b\x00a\x00d", "The file is not UTF-8 text."),
        ("when,where\r\n1,2\r\n", "unknown columns: when, where"),
        ("id,started_at\r\n,2026-03-10T02:30:00+00:00\r\n", "missing columns: body_region"),
        ("\r\n", "The first line must name the columns"),
        ("", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_whole(alice_client, content, message):
    response = _upload(alice_client, content)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Episode.objects.exists()


def test_the_template_imports_as_it_is(user, alice_client):
    template = alice_client.get(reverse("import_template"))
    assert template["Content-Disposition"] == 'attachment; filename="crampjournal-template.csv"'
    response = _upload(alice_client, template.content)
    assert response.status_code == HTTPStatus.FOUND
    episode = Episode.objects.get(owner=user)
    assert (episode.body_region, episode.intensity, episode.duration_seconds) == ("calf", 6, 90)
    assert list(episode.reliefs.values_list("measure", "effect")) == [("stretch", 2)]


def test_a_time_without_offset_is_read_in_the_persons_zone(user, alice_client):
    Profile.objects.filter(user=user).update(time_zone="America/New_York")
    content = "started_at,body_region,side,intensity\r\n2026-07-01T23:30,calf,left,4\r\n"
    assert _upload(alice_client, content).status_code == HTTPStatus.FOUND
    episode = Episode.objects.get(owner=user)
    assert episode.started_at == dt.datetime(2026, 7, 2, 3, 30, tzinfo=dt.UTC)
    assert episode.local_date == dt.date(2026, 7, 1)


def test_duplicate_ids_and_contradictions_are_named(alice_client):
    row = "11111111-1111-1111-1111-111111111111,2026-03-10T02:30:00+00:00,calf,left,5,,"
    content = "\r\n".join(
        [
            "id,started_at,body_region,side,intensity,duration_seconds,still_going",
            row,
            row,
            ",2026-03-10T02:30:00+00:00,calf,left,5,30,true",
        ]
    )
    html = _upload(alice_client, content).content.decode()
    assert "Line 3: id: the same id is on an earlier line." in html
    assert "Line 4: still_going: a cramp still going has no duration yet." in html
    assert not Episode.objects.exists()


def test_import_needs_a_login_and_a_post(db, client):
    response = client.get(reverse("import"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
