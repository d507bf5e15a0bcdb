"""Episodes in from CSV: all rows or none, every bad row named, no duplicates."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from journal.models import MAX_NOTE_LENGTH, Episode, Medication, Profile
from journal.reports import pending_import
from journal.reports.column_mapping import guess
from journal.reports.episodes_csv import HEADER
from journal.reports.episodes_import import MAX_ROWS


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
        ("id,started_at\r\n,2026-03-10T02:30:00+00:00\r\n", "missing columns: body_region"),
        # An export with a column added: it is named, as before the matching step.
        (",".join([*HEADER, "mood"]) + "\r\n", "unknown columns: mood"),
        ("when,where\r\n1,2\r\n" + "x" * 200_000 + "\r\n", "Row 3 cannot be read as CSV"),
        ("when\r\n" + "x\r\n" * (MAX_ROWS + 1), "The file has more than 20,000 rows"),
        ("\r\n", "The first line must name the columns"),
        ("", "The submitted file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(alice_client, content, message):
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
    assert "Row 3: id: the same id is on an earlier line." in html
    assert "Row 4: still_going: a cramp still going has no duration yet." in html
    assert not Episode.objects.exists()


def test_import_needs_a_login_and_a_post(db, client):
    response = client.get(reverse("import"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


# A spreadsheet of the person's own: its columns matched, a preview, then the import ----

SPREADSHEET = (
    "Date,Muscle,Pain,Minutes,Comment,Side,Weather\r\n"
    "01/03/2026 14:30,Calf,6,5,After a long walk,Left,sunny\r\n"
    '2026-03-02 03:10,"Hamstring (back of thigh)",8,1.5,"woke me,\r\ntwice",right,\r\n'
    "03/03/2026 22:00,left foot,3,,,,rain\r\n"
)


def _columns(client, data: dict | None = None, follow: bool = False):
    url = reverse("import_columns")
    return client.get(url) if data is None else client.post(url, data, follow=follow)


def _choices(response) -> dict[str, str]:
    """What the page proposes: each column's select with its chosen target."""
    form = response.context["form"]
    return {
        field.label: (form[name].value() or field.initial)
        for name, field in form.fields.items()
        if name.startswith("col_")
    }


def test_a_spreadsheet_goes_to_the_matching_step_with_its_columns_guessed(user, alice_client):
    response = _upload(alice_client, SPREADSHEET)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("import_columns")
    assert not Episode.objects.exists()
    page = _columns(alice_client)
    assert page.status_code == HTTPStatus.OK
    assert _choices(page) == {
        "Column “Date”": "started_at",
        "Column “Muscle”": "body_region",
        "Column “Pain”": "intensity",
        "Column “Minutes”": "minutes",
        "Column “Comment”": "notes",
        "Column “Side”": "side",
        "Column “Weather”": "ignore",
    }
    html = page.content.decode()
    # The preview: what each row becomes, in the journal's own words.
    assert "Sun 1 Mar 2026, 14:30" in html and "<strong>Calf</strong>, left, 6/10" in html
    assert "5 min" in html and "Notes: After a long walk" in html
    assert "<strong>Hamstring (back of thigh)</strong>, right, 8/10" in html
    assert "1 min 30 s" in html
    # A side written with the muscle is understood.
    assert "<strong>Foot / toes</strong>, left, 3/10" in html
    # 01/03/2026 could be either order: the page asks (day first, for a London person).
    assert 'name="day_order"' in html


def test_a_date_and_a_time_column_are_matched_together(user, alice_client):
    content = "Date,Time,Where,Severity,Duration\r\n2026-03-05,2:30 pm,calves,4,90 s\r\n"
    _upload(alice_client, content)
    page = _columns(alice_client)
    assert list(_choices(page).values()) == ["date", "time", "body_region", "intensity", "minutes"]
    # No Side column and none written with the muscle: the row says so.
    assert "Side: not given." in page.content.decode()
    # With the dates unambiguous, the day-order question is not asked.
    assert 'name="day_order"' not in page.content.decode()


def _mapping(**targets: str) -> dict[str, str]:
    columns = ["Date", "Muscle", "Pain", "Minutes", "Comment", "Side", "Weather"]
    chosen = {
        "Date": "started_at",
        "Muscle": "body_region",
        "Pain": "intensity",
        "Minutes": "minutes",
        "Comment": "notes",
        "Side": "side",
        "Weather": "ignore",
    } | targets
    return {f"col_{i}": chosen[c] for i, c in enumerate(columns)} | {"day_order": "dmy"}


def test_the_matched_spreadsheet_imports_every_row_once(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    response = _columns(alice_client, _mapping() | {"action": "import"}, follow=True)
    assert "Imported 3 episodes." in response.content.decode()
    episodes = list(Episode.objects.filter(owner=user).order_by("started_at"))
    london = zoneinfo.ZoneInfo("UTC")
    assert [(e.body_region, e.side, e.intensity, e.duration_seconds) for e in episodes] == [
        ("calf", "left", 6, 300),
        ("hamstring", "right", 8, 90),
        ("foot", "left", 3, None),
    ]
    assert episodes[0].started_at == dt.datetime(2026, 3, 1, 14, 30, tzinfo=london)
    assert episodes[1].notes == "woke me,\ntwice"
    # The file was dropped once imported; the same spreadsheet again adds nothing.
    assert _columns(alice_client).url == reverse("import")
    _upload(alice_client, SPREADSHEET)
    again = _columns(alice_client, _mapping() | {"action": "import"}, follow=True)
    assert "Imported 0 episodes; 3 were already in your journal." in again.content.decode()
    assert Episode.objects.filter(owner=user).count() == 3


def test_month_first_reads_the_dates_the_other_way_round(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    data = _mapping() | {"day_order": "mdy", "action": "import"}
    _columns(alice_client, data)
    first = Episode.objects.filter(owner=user).order_by("started_at").first()
    assert first.started_at.date() == dt.date(2026, 1, 3)


def test_a_bad_row_is_named_by_its_spreadsheet_row_and_nothing_is_imported(user, alice_client):
    # Row 3's note spans two lines of the file; the bad row is still row 4 in a spreadsheet.
    content = SPREADSHEET + "31/02/2026 09:00,knee,12,5,,left,\r\n"
    _upload(alice_client, content)
    response = _columns(alice_client, _mapping() | {"action": "import"})
    assert response.status_code == HTTPStatus.OK
    assert not Episode.objects.exists()
    html = response.content.decode()
    assert "Nothing was imported: 1 row needs fixing." in html
    assert 'data-line="5"' in html
    assert "Row 5: “Date”: “31/02/2026 09:00” is not a date that exists." in html
    assert "“Muscle”: “knee” is not a muscle group this journal knows" in html
    assert "“Pain”: “12” is outside 0 to 10." in html
    # The choices stay as they were, ready to import again once the file is fixed.
    assert _choices(response)["Column “Weather”"] == "ignore"


def test_a_field_matched_twice_or_missing_is_said_beside_the_column(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    response = _columns(
        alice_client, _mapping(Weather="notes", Pain="ignore") | {"action": "import"}
    )
    assert response.status_code == HTTPStatus.OK
    assert not Episode.objects.exists()
    form = response.context["form"]
    assert form.errors["col_6"] == ["Notes is already matched to “Comment”."]
    html = response.content.decode()
    assert "Match a column to How bad." in html
    # The preview follows the choices made: without Pain, no row can be imported.
    assert html.count("Cannot be imported") == 3


def test_an_over_long_note_in_a_spreadsheet_is_named_not_cut(user, alice_client):
    note = "x" * (MAX_NOTE_LENGTH + 1)
    content = f"When,Where,Side,Pain,Notes\r\n2026-03-01 14:30,calf,left,5,{note}\r\n"
    _upload(alice_client, content)
    response = _columns(
        alice_client,
        {
            "col_0": "started_at",
            "col_1": "body_region",
            "col_2": "side",
            "col_3": "intensity",
            "col_4": "notes",
            "day_order": "dmy",
            "action": "import",
        },
    )
    html = response.content.decode()
    assert (
        f"Row 2: “Notes”: “{'x' * 40}…” has {MAX_NOTE_LENGTH + 1:,} characters; "
        f"notes can be at most {MAX_NOTE_LENGTH:,}."
    ) in html
    assert not Episode.objects.exists()


def test_an_over_long_note_in_an_export_is_named_by_its_row(user, alice_client):
    note = "line!\r\n" * (MAX_NOTE_LENGTH // 5)  # over the limit, each break counted as one
    content = ",".join(HEADER) + "\r\n" + ",2026-03-10T02:30:00+00:00,90,false,calf,left,6"
    content += f',,,,,,,,,,,,,"{note}"\r\n,2026-03-11T02:30:00+00:00,90,false,calf,left,6'
    content += ",,,,,,,,,,,,,\r\n"
    html = _upload(alice_client, content).content.decode()
    assert f"Row 2: notes: {MAX_NOTE_LENGTH // 5 * 6} characters; notes can be at most" in html
    assert not Episode.objects.exists()


def test_choosing_another_file_drops_the_one_waiting(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    response = _columns(alice_client, {"action": "cancel"})
    assert response.url == reverse("import")
    page = _columns(alice_client, follow=False)
    assert page.url == reverse("import")
    assert "no longer kept" in alice_client.get(reverse("import")).content.decode()


def test_another_persons_waiting_file_cannot_be_reached(user, other_user, alice_client, client_for):
    _upload(alice_client, SPREADSHEET)
    mallory = client_for(other_user)
    # Even holding alice's token in her own session, mallory's key names herself.
    session = mallory.session
    session["cj_pending_import"] = alice_client.session["cj_pending_import"]
    session.save()
    response = _columns(mallory)
    assert response.status_code == HTTPStatus.FOUND and response.url == reverse("import")
    response = _columns(mallory, _mapping() | {"action": "import"})
    assert response.url == reverse("import")
    assert not Episode.objects.exists()
    # Nor is it in any address: alice's pages name no token.
    token = alice_client.session["cj_pending_import"]
    assert token not in _columns(alice_client).content.decode()


def test_the_matching_step_needs_a_recent_confirm_and_keeps_the_choices(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    session = alice_client.session
    session["cj_proved_at"] = 0  # the proof grew old while the person chose
    session.save()
    response = _columns(alice_client, _mapping(Weather="ignore") | {"action": "import"})
    assert response.url == reverse("confirm")
    assert not Episode.objects.exists()
    session = alice_client.session
    session["cj_proved_at"] = __import__("time").time()
    session.save()
    back = _columns(alice_client)
    assert back.context["form"].is_bound and _choices(back)["Column “Pain”"] == "intensity"


@pytest.mark.parametrize(
    "names,targets",
    [
        (["Date", "Muscle", "Pain"], ["started_at", "body_region", "intensity"]),
        (["Start", "Where", "Severity"], ["started_at", "body_region", "intensity"]),
        (["When", "Location", "Intensity"], ["started_at", "body_region", "intensity"]),
        (["Duration", "Notes", "Side"], ["minutes", "notes", "side"]),
        (["Minutes", "Comment", "Seconds"], ["minutes", "notes", "ignore"]),
        (["Date", "Time", "Body part"], ["date", "time", "body_region"]),
        (["Start time", "Pain level", "Weather"], ["started_at", "intensity", "ignore"]),
        (["Notes", "More notes"], ["notes", "ignore"]),
    ],
)
def test_columns_are_guessed_by_their_names(names, targets):
    assert guess(names) == targets


def test_a_file_of_one_column_says_what_is_missing(user, alice_client):
    _upload(alice_client, "Notes\r\nwoke at 3\r\n")
    html = _columns(alice_client, {"col_0": "notes", "action": "import"}).content.decode()
    assert "Match a column to When it started (or its Date)." in html
    assert "Match a column to Muscle group." in html
    assert not Episode.objects.exists()


def test_the_spreadsheets_own_text_is_shown_as_text(user, alice_client):
    _upload(alice_client, 'When,"<b>Where</b>"\r\n"<img src=x onerror=alert(1)>",calf\r\n')
    html = _columns(alice_client).content.decode()
    assert "<b>Where</b>" not in html and "&lt;b&gt;Where&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_file_given_up_on_is_gone_from_the_server_after_its_time(
    user, other_user, alice_client, client_for
):
    _upload(alice_client, SPREADSHEET)
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=pending_import.KEEP_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        # Alice never came back; the next person to choose a spreadsheet clears it away.
        _upload(client_for(other_user), SPREADSHEET)
        if isinstance(cache, DatabaseCache):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key FROM {cache._table}")
                keys = [key for (key,) in cursor.fetchall()]
            assert not [k for k in keys if f"import-pending:{user.pk}:" in k]
            assert [k for k in keys if f"import-pending:{other_user.pk}:" in k]


def test_signing_out_drops_the_file_waiting(user, alice_client):
    _upload(alice_client, SPREADSHEET)
    token = alice_client.session["cj_pending_import"]
    assert cache.get(pending_import._key(user.pk, token)) is not None
    alice_client.post(reverse("logout"))
    assert cache.get(pending_import._key(user.pk, token)) is None
