"""Episodes in from CSV: in the export's format (journal.reports.episodes_csv), or a
spreadsheet of the person's own whose columns they matched to journal fields
(journal.reports.column_mapping): its rows become export rows, then go the same way.

Every column's check sits beside the others so the messages read alike; hence the length.

All or nothing: every row is checked first, and one bad row means nothing is imported;
the person gets every bad row with its number as a spreadsheet shows it (the header is
row 1; a note over several lines is still one row) and what is wrong with it. A row
whose id is already in the journal is skipped, so importing a file twice adds nothing.

Its cost is bounded (issue 13, finding 5): at most MAX_BYTES and MAX_ROWS per file, read
as a stream (no decoded copy of the whole file), every value made ready before the
transaction, and written in a few statements (COPY on PostgreSQL, many rows to an INSERT
elsewhere), so that the transaction, whose write lock on SQLite every other person's
writes wait for, is short: bench/report.py measures it at the ceiling.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from journal.fields import EARLIEST_YEAR, LATEST_YEAR
from journal.models import (
    INTENSITY_MAX,
    INTENSITY_MIN,
    MAX_DURATION_SECONDS,
    MAX_EXERCISE_MINUTES,
    MAX_MEDICATIONS,
    MAX_NOTE_LENGTH,
    Activity,
    BodyRegion,
    Episode,
    EpisodeRelief,
    EpisodeSymptom,
    EpisodeTrigger,
    ExerciseIntensity,
    Medication,
    MedicationKind,
    ReliefEffect,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
    local_fields,
)
from journal.records.services import EpisodePlan
from journal.reports import column_mapping
from journal.reports.episodes_csv import HEADER, unescape_cell
from journal.units import MAX_FLUID_ML

# Its home is the settings: the request body limit is derived from it.
MAX_BYTES = settings.IMPORT_MAX_BYTES
# Rows in one file: more than anyone's journal holds (ten years at five cramps a
# day), and what one import may cost; bench/report.py measures a file of this many.
MAX_ROWS = 20_000
REQUIRED = ("started_at", "body_region", "side", "intensity")
# Columns of a spreadsheet to match: a cramp log has a handful; past this many a file is
# not one, and the matching page would be a wall of select boxes.
MAX_COLUMNS = 50
# Rows shown in the matching step's preview: enough to see each column read right.
PREVIEW_ROWS = 5
# What a text field holds at most, as in the models.
MAX_EXERCISE_TYPE = Episode._meta.get_field("exercise_type").max_length
MAX_MEDICATION_NAME = Medication._meta.get_field("name").max_length


@dataclass
class RowError:
    line: int
    problems: list[str]


@dataclass
class Result:
    errors: list[RowError] = field(default_factory=list)
    # A problem with the file as a whole (encoding, header, size).
    file_error: str = ""
    imported: int = 0
    skipped: int = 0  # already in the journal
    medications_added: list[str] = field(default_factory=list)
    # Set when the file is not an export: its column names, for the person to match.
    headers: list[str] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


class Problem(ValueError):
    """A cell that cannot be read; its message is shown to the person."""


@cache
def _allowed(choices: type) -> frozenset[str]:
    # ``choices.values`` builds a new list on every call: a third of the reading time.
    return frozenset(choices.values)


def _choice(value: str, choices: type, column: str, blank: bool = False) -> str:
    if value == "" and blank:
        return ""
    if value not in _allowed(choices):
        allowed = ", ".join(choices.values)
        raise Problem(f"{column}: “{value}” is not one of {allowed}.")
    return value


def _choices(value: str, choices: type, column: str) -> list[str]:
    values = [v for v in value.split(";") if v] if value else []
    for v in values:
        _choice(v, choices, column)
    if len(set(values)) != len(values):
        raise Problem(f"{column}: a value is listed twice.")
    return values


def _int(value: str, column: str, low: int, high: int, blank: bool = True) -> int | None:
    if value == "" and blank:
        return None
    try:
        number = int(value)
    except ValueError:
        raise Problem(f"{column}: “{value}” is not a whole number.") from None
    if not low <= number <= high:
        raise Problem(f"{column}: {number} is outside {low} to {high}.")
    return number


def _bool(value: str, column: str) -> bool | None:
    lowered = value.lower()
    if lowered in ("", "true", "false"):
        return None if lowered == "" else lowered == "true"
    raise Problem(f"{column}: “{value}” should be true, false or empty.")


def _started_at(value: str, zone: ZoneInfo) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Problem(
            f"started_at: “{value}” is not a date and time like 2026-03-10T02:30:00+00:00."
        ) from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Problem(f"started_at: the year {moment.year} is not plausible.")
    # Without an offset, the time is read in the person's own zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


_EFFECTS = frozenset(str(v) for v in ReliefEffect.values)


def _reliefs(value: str) -> dict[str, int]:
    reliefs: dict[str, int] = {}
    for part in [p for p in value.split(";") if p] if value else []:
        measure, sep, effect = part.partition("=")
        if not sep:
            raise Problem(f"relief: “{part}” should be measure=effect, like stretch=2.")
        _choice(measure, ReliefMeasure, "relief")
        if measure in reliefs:
            raise Problem(f"relief: {measure} is listed twice.")
        if effect not in _EFFECTS:
            raise Problem(f"relief: the effect of {measure} should be 0, 1 or 2.")
        reliefs[measure] = int(effect)
    return reliefs


def _names(value: str) -> list[str]:
    names = [n.strip() for n in value.split(";") if n.strip()] if value else []
    if len({n.casefold() for n in names}) != len(names):
        raise Problem("medications_taken: a medicine is listed twice.")
    for name in names:
        if len(name) > MAX_MEDICATION_NAME:
            raise Problem(f"medications_taken: a name is longer than {MAX_MEDICATION_NAME}.")
    return names


@dataclass
class Row:
    plan: EpisodePlan
    medication_names: list[str]


def _row(cells: dict[str, str], zone: ZoneInfo) -> tuple[Row | None, list[str]]:
    """One row read into an unsaved episode, or every problem found in it."""
    problems: list[str] = []

    def read(reader, *args):
        try:
            return reader(*args)
        except Problem as problem:
            problems.append(str(problem))
            return None

    get = {name: unescape_cell(cells.get(name) or "") for name in HEADER}
    for name, value in get.items():
        if "\x00" in value:
            # As the forms refuse them; PostgreSQL cannot store them.
            problems.append(f"{name}: null characters are not allowed.")
    for name in REQUIRED:
        if not get[name]:
            problems.append(f"{name}: this column needs a value.")
    if problems:
        return None, problems
    uid = get["id"]
    if uid:
        try:
            uid = uuid.UUID(uid)
        except ValueError:
            problems.append(f"id: “{uid}” is not an id from a CrampJournal export.")
    else:
        uid = uuid.uuid4()
    started_at = read(_started_at, get["started_at"], zone)
    duration = read(_int, get["duration_seconds"], "duration_seconds", 1, MAX_DURATION_SECONDS)
    ongoing = read(_bool, get["still_going"], "still_going") or False
    if ongoing and duration is not None:
        problems.append("still_going: a cramp still going has no duration yet.")
    episode = Episode(
        uid=uid,
        started_at=started_at,
        duration_seconds=duration,
        ongoing=ongoing,
        body_region=read(_choice, get["body_region"], BodyRegion, "body_region"),
        side=read(_choice, get["side"], Side, "side"),
        intensity=read(_int, get["intensity"], "intensity", INTENSITY_MIN, INTENSITY_MAX, False),
        activity=read(_choice, get["activity"], Activity, "activity", True),
        broke_sleep=read(_bool, get["broke_sleep"], "broke_sleep") or False,
        fluid_ml=read(_int, get["fluid_ml"], "fluid_ml", 0, MAX_FLUID_ML),
        electrolyte_drink=read(_bool, get["electrolyte_drink"], "electrolyte_drink"),
        exercise_type=get["exercise_type"],
        exercise_minutes=read(
            _int, get["exercise_minutes"], "exercise_minutes", 0, MAX_EXERCISE_MINUTES
        ),
        exercise_intensity=read(
            _choice, get["exercise_intensity"], ExerciseIntensity, "exercise_intensity", True
        ),
        heavy_sweating=read(_bool, get["heavy_sweating"], "heavy_sweating"),
        # Line breaks counted as the note form counts them (journal.fields.NoteField).
        notes=get["notes"].replace("\r\n", "\n"),
    )
    if len(episode.exercise_type) > MAX_EXERCISE_TYPE:
        problems.append(f"exercise_type: longer than {MAX_EXERCISE_TYPE} characters.")
    if len(episode.notes) > MAX_NOTE_LENGTH:
        problems.append(
            f"notes: {len(episode.notes)} characters; notes can be at most {MAX_NOTE_LENGTH}."
        )
    plan = EpisodePlan(
        episode=episode,
        triggers=read(_choices, get["triggers"], Trigger, "triggers") or [],
        symptoms=read(_choices, get["symptoms"], Symptom, "symptoms") or [],
        reliefs=read(_reliefs, get["relief"]) or {},
    )
    names = read(_names, get["medications_taken"]) or []
    if problems:
        return None, problems
    return Row(plan, names), []


NOT_UTF8 = "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
TOO_MANY_ROWS = (
    f"The file has more than {MAX_ROWS:,} rows, the most one import takes. "
    "Split it into smaller files and import each."
)


class Records:
    """The file's rows, decoded as they are read (the file is never held twice), each
    with its number as a spreadsheet shows it: blank rows count, but are not returned."""

    def __init__(self, data: bytes) -> None:
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        self._reader = csv.reader(text)
        self.number = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for record in self._reader:
            self.number += 1
            if record:
                yield self.number, record


def _file_problem(records: Records, error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return NOT_UTF8
    return f"Row {records.number + 1} cannot be read as CSV: {error}."


def import_episodes(
    user: AbstractBaseUser,
    data: bytes,
    zone: ZoneInfo,
    mapping: column_mapping.Mapping | None = None,
) -> Result:
    """Check every row; import them all if every one is good, else none. Without a
    mapping a file that is not an export comes back with its headers, to be matched."""
    result = Result()
    if len(data) > MAX_BYTES:
        result.file_error = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."
        return result
    records = Records(data)
    try:
        rows = _read(records, zone, result, mapping)
    except (UnicodeDecodeError, csv.Error) as error:
        result.file_error = _file_problem(records, error)
        return result
    if result.ok and result.headers is None:
        _save(user, rows, zone, result)
    return result


def _header(records: Iterator[tuple[int, list[str]]], result: Result) -> list[str]:
    columns = next(records, (0, []))[1]
    if not any(c.strip() for c in columns):
        result.file_error = "The first line must name the columns."
    elif len(columns) > MAX_COLUMNS:
        result.file_error = (
            f"The file has {len(columns)} columns; at most {MAX_COLUMNS} can be matched. "
            "Keep the columns about your cramps and try again."
        )
    return columns


def _read(
    records: Records, zone: ZoneInfo, result: Result, mapping: column_mapping.Mapping | None
) -> list[Row]:
    """Every good row, with every bad one and any problem with the file in ``result``."""
    rows_in = iter(records)
    columns = _header(rows_in, result)
    if result.file_error:
        return []
    if mapping is None:
        unknown = [c for c in columns if c not in HEADER]
        missing = [c for c in REQUIRED if c not in columns]
        if unknown and missing:
            # A spreadsheet: its columns are to be matched. Read to the end now, so that a
            # file that cannot be read is refused here, not halfway through the matching.
            for count, _ in enumerate(rows_in, start=1):
                if count > MAX_ROWS:
                    result.file_error = TOO_MANY_ROWS
                    return []
            result.headers = columns
            return []
        if unknown or missing:
            # An export with columns added or taken away: say which, as it is fixed there.
            parts = [f"unknown columns: {', '.join(unknown)}"] if unknown else []
            parts += [f"missing columns: {', '.join(missing)}"] if missing else []
            result.file_error = (
                "The first line must name the columns of a CrampJournal export "
                f"({'; '.join(parts)})."
            )
            return []
    rows: list[Row] = []
    seen: dict[uuid.UUID, int] = {}
    for number, record in rows_in:
        if len(rows) + len(result.errors) >= MAX_ROWS:
            result.file_error = TOO_MANY_ROWS
            return []
        row, problems = _record(record, columns, zone, mapping)
        if row and row.plan.episode.uid in seen:
            earlier = seen[row.plan.episode.uid]
            problems = [
                f"the same cramp (start, muscle group and side) is on row {earlier}."
                if mapping
                else "id: the same id is on an earlier line."
            ]
        if problems:
            result.errors.append(RowError(number, problems))
        else:
            seen[row.plan.episode.uid] = number
            rows.append(row)
    return rows


def _record(
    record: list[str],
    columns: list[str],
    zone: ZoneInfo,
    mapping: column_mapping.Mapping | None,
) -> tuple[Row | None, list[str]]:
    """One row of either kind of file, read as an export row."""
    if mapping is not None:
        cells, problems = column_mapping.translate(record, columns, mapping, zone)
        if problems:
            return None, problems
        return _row(cells, zone)
    if len(record) > len(columns):
        return None, ["more cells than columns."]
    # As csv.DictReader: a later column of the same name wins.
    return _row(dict(zip(columns, record, strict=False)), zone)


@dataclass
class Preview:
    """What the matching step shows: the headers, a few rows read with the mapping (or
    what is wrong with each), and whether the dates could be read either way round."""

    headers: list[str]
    targets: list[str]
    first_values: list[str]
    rows: list[tuple[int, Episode | None, list[str]]]
    ambiguous_dates: bool
    day_order: str


def preview(
    data: bytes,
    zone: ZoneInfo,
    targets: Sequence[str | None] | None = None,
    day_order: str | None = None,
) -> Preview | str:
    """The file's first rows as they would be imported, or what is wrong with the file.
    Without targets they are guessed from the headers, the day order from the dates."""
    result = Result()
    records = Records(data)
    try:
        rows_in = iter(records)
        headers = _header(rows_in, result)
        if result.file_error:
            return result.file_error
        # Enough rows to see which way round the dates are written, few to read.
        sample = [numbered for _, numbered in zip(range(200), rows_in, strict=False)]
    except (UnicodeDecodeError, csv.Error) as error:
        return _file_problem(records, error)
    # What the person chose where it is a choice; guessed elsewhere.
    guessed, given = column_mapping.guess(headers), list(targets or [])
    targets = [
        given[i] if i < len(given) and given[i] in column_mapping.Target.values else guessed[i]
        for i in range(len(headers))
    ]
    date_column = next((targets.index(t) for t in ("date", "started_at") if t in targets), None)
    dates = [r[date_column] for _, r in sample if date_column is not None and date_column < len(r)]
    if day_order not in column_mapping.DayOrder.values:
        day_order = column_mapping.day_order_from(dates, zone)
    mapping = column_mapping.Mapping.from_targets(targets, day_order)
    shown = []
    for number, record in sample[:PREVIEW_ROWS]:
        row, problems = _record(record, headers, zone, mapping)
        shown.append((number, row.plan.episode if row else None, problems))
    first = sample[0][1] if sample else []
    return Preview(
        headers=headers,
        targets=targets,
        first_values=[first[i] if i < len(first) else "" for i in range(len(headers))],
        rows=shown,
        ambiguous_dates=any(column_mapping.is_ambiguous_date(d) for d in dates),
        day_order=day_order,
    )


# Every column of an episode row but its id, in the order _episode_values gives them.
_EPISODE_FIELDS = [f for f in Episode._meta.concrete_fields if not f.primary_key]


def _episode_values(episode: Episode, db: BaseDatabaseWrapper) -> list:
    """The row's values as the database takes them, as bulk_create would make them."""
    return [f.get_db_prep_save(f.pre_save(episode, add=True), db) for f in _EPISODE_FIELDS]


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Many rows into one table: COPY on PostgreSQL, elsewhere as many rows to an INSERT
    as the database takes. bulk_create compiles every value of every batch again (most
    of its time at 20,000 rows); on PostgreSQL executemany sends a row at a time, and a
    long VALUES list costs psycopg more to parse than the server to insert."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    one = f"({', '.join(['%s'] * len(columns))})"
    # SQLite's limit is 999 values a statement (Django's safe figure); PostgreSQL's 65,535.
    per_statement = max(1, (connection.features.max_query_params or 65_535) // len(columns))
    per_statement = min(per_statement, 1_000)
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([one] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}",
                [value for row in chunk for value in row],
            )


def _save(user: AbstractBaseUser, rows: list[Row], zone: ZoneInfo, result: Result) -> None:
    # Everything that needs no database is done before the transaction, which on
    # SQLite holds the one write lock.
    for row in rows:
        episode = row.plan.episode
        episode.owner = user
        for name, value in local_fields(episode.started_at, zone).items():
            setattr(episode, name, value)
    # The connection itself, not django.db.connection: that proxy looks the connection up
    # again on each use, which was half the time of making 400,000 values.
    db = connections[DEFAULT_DB_ALIAS]
    values = [_episode_values(row.plan.episode, db) for row in rows]
    with transaction.atomic():
        existing = set(Episode.objects.for_user(user).values_list("uid", flat=True))
        new = [
            (row, v)
            for row, v in zip(rows, values, strict=True)
            if row.plan.episode.uid not in existing
        ]
        result.skipped = len(rows) - len(new)
        medications = _medications(user, [row for row, _ in new], result)
        if not result.ok:
            return
        _insert(Episode, [f.column for f in _EPISODE_FIELDS], (v for _, v in new))
        ids = dict(Episode.objects.for_user(user).values_list("uid", "pk"))
        plans = [(ids[row.plan.episode.uid], row) for row, _ in new]
        _insert(
            EpisodeTrigger,
            ["episode_id", "trigger"],
            ((pk, t) for pk, r in plans for t in r.plan.triggers),
        )
        _insert(
            EpisodeSymptom,
            ["episode_id", "symptom"],
            ((pk, s) for pk, r in plans for s in r.plan.symptoms),
        )
        _insert(
            EpisodeRelief,
            ["episode_id", "measure", "effect"],
            ((pk, m, e) for pk, r in plans for m, e in r.plan.reliefs.items()),
        )
        _insert(
            Episode.medications_taken.through,
            ["episode_id", "medication_id"],
            (
                (pk, medications[name.casefold()].pk)
                for pk, r in plans
                for name in r.medication_names
            ),
        )
    result.imported = len(new)


def _medications(user: AbstractBaseUser, rows: list[Row], result: Result) -> dict[str, Medication]:
    """The person's medicines by folded name, with those the rows name added (kind
    "other", no dates: the CSV carries names only, and the episode keeps what was taken).
    More than the list may hold is a problem with the file."""
    medications = {m.name.casefold(): m for m in Medication.objects.for_user(user)}
    missing: dict[str, str] = {}
    for row in rows:
        for name in row.medication_names:
            if name.casefold() not in medications:
                missing.setdefault(name.casefold(), name)
    if len(medications) + len(missing) > MAX_MEDICATIONS:
        result.file_error = (
            f"The file names {len(missing)} medicines that are not on your medication list; "
            f"with them it would hold more than {MAX_MEDICATIONS}, the most it can. "
            "Remove the ones you no longer take from the list, or from the file."
        )
        return medications
    added = Medication.objects.bulk_create(
        Medication(owner=user, name=name, kind=MedicationKind.OTHER) for name in missing.values()
    )
    medications |= {m.name.casefold(): m for m in added}
    result.medications_added = [m.name for m in added]
    return medications
