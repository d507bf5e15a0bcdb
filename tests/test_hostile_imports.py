"""Hostile imports: text for the file, then CSVs of random bytes, encodings, cells and rows."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import uuid
from http import HTTPStatus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.models import (
    Activity,
    BodyRegion,
    Episode,
    ExerciseIntensity,
    Medication,
    MedicationKind,
    Side,
)
from journal.reports.column_mapping import Target
from journal.reports.episodes_csv import HEADER
from tests.hostile import (
    SignedInTestCase,
    TestCase,
    _count,
    _make_user,
    assert_answered,
    form_data,
    hostile,
)


class ImportFormTest(SignedInTestCase):
    """The import form, posted by a signed-in person without a file."""

    @settings(max_examples=25, deadline=None)
    @given(form_data({"file": []}))
    def test_import_without_a_file(self, data: dict) -> None:
        # Text where the file belongs: the upload form says what it wanted.
        response = self.client.post(reverse("import"), data)
        assert_answered(response)
        assert response.status_code == HTTPStatus.OK


# CSV import: random files. Either every row comes in, or nothing does and the page says
# which lines are wrong (or what is wrong with the file).

VALID_CELLS = {
    "id": ["", str(uuid.UUID(int=1)), str(uuid.UUID(int=2))],
    "started_at": ["2026-03-10T02:30:00+00:00", "2025-01-01T00:00", "1900-01-01T00:00:00+14:00"],
    "duration_seconds": ["", "1", "90", "86400"],
    "still_going": ["", "false", "TRUE"],
    "body_region": BodyRegion.values,
    "side": Side.values,
    "intensity": ["0", "6", "10"],
    "activity": ["", *Activity.values],
    "broke_sleep": ["", "true", "false"],
    "fluid_ml": ["", "0", "15000"],
    "electrolyte_drink": ["", "true", "false"],
    "exercise_type": ["", "Running", "'=run", "x" * 100],
    "exercise_minutes": ["", "0", "1440"],
    "exercise_intensity": ["", *ExerciseIntensity.values],
    "heavy_sweating": ["", "true", "false"],
    "triggers": ["", "dehydration", "heat;stress"],
    "symptoms": ["", "numbness", "weakness;swelling"],
    "relief": ["", "stretch=2", "heat=0;ice=1"],
    "medications_taken": ["", "Magnesium", "New pill;Other one"],
    "notes": ["", "Woke at 2:30", 'multi\nline, with "quotes"'],
}
cell = st.one_of(hostile, st.text(max_size=30), st.integers().map(str))


@st.composite
def csv_rows(draw) -> tuple[list[str], list[list[str]]]:
    """A header of real columns (the required ones, usually) and rows of valid or
    hostile cells."""
    optional = [c for c in HEADER if c not in ("started_at", "body_region", "side", "intensity")]
    columns = ["started_at", "body_region", "side", "intensity"]
    columns += draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))
    columns = draw(st.permutations(columns))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        hostile_row = draw(st.integers(min_value=0, max_value=3)) == 0
        rows.append(
            [
                draw(cell)
                if hostile_row and draw(st.booleans())
                else draw(st.sampled_from(VALID_CELLS[c]))
                for c in columns
            ]
        )
    return columns, rows


def _write(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([columns, *rows])
    return out.getvalue()


def _records(content: bytes) -> int | None:
    """How many rows a CSV reader finds after the header (None: not readable as CSV)."""
    try:
        text = content.decode("utf-8-sig")
        return len(list(csv.DictReader(io.StringIO(text, newline=""))))
    except (UnicodeDecodeError, csv.Error):
        return None


# Spreadsheets of a person's own: column names of every kind, cells written as people
# write them (and hostile ones), then the matching step with random choices.

SPREADSHEET_CELLS = {
    "Date": ["01/03/2026 14:30", "2026-03-01 02:10", "3/13/26 2:30 pm", "1 Mar 2026 9:00", ""],
    "Time": ["14:30", "2 pm", "25:00", ""],
    "Muscle": ["Calf", "left calf", "Hamstring (back of thigh)", "toes", "knee", ""],
    "Side": ["Left", "r", "both", "n/a", "up", ""],
    "Pain": ["0", "7/10", "10", "11", "6.5", ""],
    "Minutes": ["5", "1.5", "90 s", "1:30", "0", "-3", ""],
    "Notes": ["", "fine", "x" * 5001, "a\r\nb"],
}
spreadsheet_header = st.one_of(
    st.sampled_from(list(SPREADSHEET_CELLS)), hostile, st.text(max_size=20)
)


@st.composite
def spreadsheets(draw) -> tuple[list[str], list[list[str]]]:
    headers = draw(st.lists(spreadsheet_header, min_size=1, max_size=8))
    rows = [
        [
            draw(st.sampled_from(SPREADSHEET_CELLS[h]) if h in SPREADSHEET_CELLS else cell)
            if draw(st.integers(0, 5))
            else draw(cell)
            for h in headers
        ]
        for _ in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    return headers, rows


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"])


class CsvImportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = _make_user("alice")
        Medication.objects.create(owner=cls.alice, name="Magnesium", kind=MedicationKind.OTHER)
        Episode.objects.create(
            owner=cls.alice,
            started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
            body_region="calf",
            side="left",
            intensity=5,
        )

    def setup_example(self) -> None:
        super().setup_example()
        self.client.force_login(self.alice)

    def _upload(self, content: bytes, rows: int | None = None):
        """Upload, then check it was all or nothing: every row, or none and why."""
        rows = _records(content) if rows is None else rows
        before = Episode.objects.count()
        upload = SimpleUploadedFile("episodes.csv", content, content_type="text/csv")
        response = self.client.post(reverse("import"), {"file": upload})
        assert_answered(response)
        added = Episode.objects.count() - before
        if response.status_code == HTTPStatus.FOUND and response.url == reverse("import_columns"):
            assert added == 0, "a spreadsheet waits for its columns to be matched"
            return self._match(rows)
        if response.status_code == HTTPStatus.FOUND:
            _count("imported")
            assert added == rows, "every row is imported"
            return response
        assert added == 0, "a refused file imports nothing"
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        result = response.context["result"]
        if result is None:  # the upload form itself refused it, with its message
            _count("refused by the upload form")
            assert response.context["form"].errors
            return response
        _count("refused: the file" if result.file_error else "refused: some rows")
        assert "Nothing was imported" in html
        assert result.file_error or result.errors
        assert escape(result.file_error) in html
        for error in result.errors:
            assert error.line >= 2 and error.problems and all(p.strip() for p in error.problems)
            assert f'data-line="{error.line}">Row {error.line}: ' in html
            assert escape(" ".join(error.problems)) in html
        return response

    def _match(self, rows: int | None):
        """The matching step of a spreadsheet: its page, then an import with the columns
        as guessed; every row comes in, or none and the page says why."""
        page = self.client.get(reverse("import_columns"))
        assert_answered(page)
        assert page.status_code == HTTPStatus.OK
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields} | {"action": "import"}
        before = Episode.objects.count()
        response = self.client.post(reverse("import_columns"), data)
        assert_answered(response)
        added = Episode.objects.count() - before
        if response.status_code == HTTPStatus.FOUND:
            _count("spreadsheet imported")
            assert response.url == reverse("episode_list")
            assert rows is None or added <= rows, "at most every row"  # some already in
            return response
        _count("spreadsheet refused")
        assert added == 0, "a refused spreadsheet imports nothing"
        assert response.status_code == HTTPStatus.OK
        result = response.context["result"]
        html = response.content.decode()
        if result is None:
            assert response.context["form"].errors, "refused with the choices' reasons"
        else:
            assert "Nothing was imported" in html
            for error in result.errors:
                assert f'data-line="{error.line}">Row {error.line}: ' in html
                assert escape(" ".join(error.problems)) in html
        return response

    @settings(max_examples=40, deadline=None)
    @given(st.binary(max_size=2000))
    def test_random_bytes(self, content: bytes) -> None:
        self._upload(content)

    @settings(max_examples=40, deadline=None)
    @given(text=st.text(max_size=500), encoding=ENCODINGS, header=st.booleans())
    def test_random_text_in_any_encoding(self, text: str, encoding: str, header: bool) -> None:
        if header:
            text = ",".join(HEADER) + "\r\n" + text
        try:
            content = text.encode(encoding)
        except UnicodeEncodeError:
            content = text.encode("utf-8")
        self._upload(content)

    @settings(max_examples=60, deadline=None)
    @given(table=csv_rows(), bom=st.booleans())
    def test_real_columns_with_random_cells(self, table, bom: bool) -> None:
        columns, rows = table
        text = _write(columns, rows)
        content = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
        self._upload(content, rows=len(rows))

    @settings(max_examples=25, deadline=None)
    @given(
        shape=st.sampled_from(
            [
                "long cell",
                "many cells",
                "few cells",
                "open quote",
                "nul",
                "bare cr",
                "blank lines",
                "header only",
                "duplicate header",
            ]
        ),
        # Around the CSV reader's cell limit (131,072 characters) and the 5 MB file limit.
        size=st.one_of(
            st.integers(min_value=1, max_value=200_000),
            st.sampled_from([131_072, 131_073, 5 * 1024 * 1024]),
        ),
    )
    def test_huge_and_odd_rows(self, shape: str, size: int) -> None:
        header = ",".join(HEADER)
        good = ",2026-03-10T02:30:00+00:00,90,false,calf,left,6,,,,,,,,,,,,,"
        content = {
            "long cell": f"{header}\r\n{good}" + "x" * size + "\r\n",
            "many cells": f"{header}\r\n{good}" + "," * min(size, 5000) + "\r\n",
            "few cells": f"{header}\r\n,2026-03-10T02:30:00+00:00\r\n",
            "open quote": f'{header}\r\n{good}"{"x" * min(size, 1000)}\r\n{good}\r\n',
            "nul": f"{header}\r\n{good}\x00\r\n",
            "bare cr": f"{header}\r{good}\r{good}\r",
            "blank lines": f"{header}\r\n\r\n{good}\r\n\r\n\r\n{good}\r\n",
            "header only": f"{header}\r\n",
            "duplicate header": f"{header},notes\r\n{good},again\r\n",
        }[shape]
        self._upload(content.encode("utf-8"))

    @settings(max_examples=40, deadline=None)
    @given(table=spreadsheets())
    def test_spreadsheets_with_guessed_columns(self, table) -> None:
        headers, rows = table
        self._upload(_write(headers, rows).encode("utf-8"))

    @settings(max_examples=40, deadline=None)
    @given(
        table=spreadsheets(),
        targets=st.lists(st.sampled_from([*Target.values, "", "nonsense"]), max_size=10),
        day_order=st.sampled_from(["dmy", "mdy", "", "ydm"]),
        action=st.sampled_from(["import", "preview", "", "cancel"]),
    )
    def test_any_choices_on_the_matching_step(self, table, targets, day_order, action) -> None:
        headers, rows = table
        upload = SimpleUploadedFile("sheet.csv", _write(headers, rows).encode())
        self.client.post(reverse("import"), {"file": upload})
        before = Episode.objects.count()
        data = {f"col_{i}": t for i, t in enumerate(targets)}
        data |= {"day_order": day_order, "action": action}
        response = self.client.post(reverse("import_columns"), data)
        assert_answered(response)
        if response.status_code != HTTPStatus.FOUND or response.url != reverse("episode_list"):
            assert Episode.objects.count() == before, "nothing imported unless it all was"


def test_a_null_character_in_a_cell_is_refused_by_line(user, alice_client):
    """The forms refuse NUL; so does the import, by line (PostgreSQL cannot store it)."""
    content = ",".join(HEADER) + "\r\n" + ",2026-03-10T02:30:00+00:00,90,false,calf,left,6"
    content += ",,,,,,,,,,,,,a\x00b\r\n"
    upload = SimpleUploadedFile("episodes.csv", content.encode(), content_type="text/csv")
    response = alice_client.post(reverse("import"), {"file": upload})
    assert response.status_code == HTTPStatus.OK
    assert "Row 2: notes: null characters are not allowed." in response.content.decode()
    assert not Episode.objects.exists()
