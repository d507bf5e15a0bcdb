"""Episodes in from CSV, in the export's format (journal.reports.episodes_csv).

All or nothing: every row is checked first, and one bad row means nothing is imported;
the person gets every bad row with its line number and what is wrong with it. A row
whose id is already in the journal is skipped, so importing a file twice adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from journal.models import (
    MAX_DURATION_SECONDS,
    MAX_EXERCISE_MINUTES,
    Activity,
    BodyRegion,
    Episode,
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
from journal.reports.episodes_csv import HEADER, unescape_cell
from journal.services import EpisodePlan, bulk_create_episode_details
from journal.units import MAX_FLUID_ML

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED = ("started_at", "body_region", "side", "intensity")
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

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


class Problem(ValueError):
    """A cell that cannot be read; its message is shown to the person."""


def _choice(value: str, choices: type, column: str, blank: bool = False) -> str:
    if value == "" and blank:
        return ""
    if value not in choices.values:
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
    if not 1900 <= moment.year <= 2100:
        raise Problem(f"started_at: the year {moment.year} is not plausible.")
    # Without an offset, the time is read in the person's own zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _reliefs(value: str) -> dict[str, int]:
    reliefs: dict[str, int] = {}
    for part in [p for p in value.split(";") if p] if value else []:
        measure, sep, effect = part.partition("=")
        if not sep:
            raise Problem(f"relief: “{part}” should be measure=effect, like stretch=2.")
        _choice(measure, ReliefMeasure, "relief")
        if measure in reliefs:
            raise Problem(f"relief: {measure} is listed twice.")
        if effect not in {str(v) for v in ReliefEffect.values}:
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
        intensity=read(_int, get["intensity"], "intensity", 0, 10, False),
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
        notes=get["notes"],
    )
    if len(episode.exercise_type) > MAX_EXERCISE_TYPE:
        problems.append(f"exercise_type: longer than {MAX_EXERCISE_TYPE} characters.")
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


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise Problem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.") from None


def import_episodes(user: AbstractBaseUser, data: bytes, zone: ZoneInfo) -> Result:
    """Check every row; import them all if every one is good, else none."""
    result = Result()
    try:
        text = _text(data)
    except Problem as problem:
        result.file_error = str(problem)
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = reader.fieldnames or []
    unknown = [c for c in columns if c not in HEADER]
    missing = [c for c in REQUIRED if c not in columns]
    if not columns or unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown columns: {', '.join(unknown)}")
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        result.file_error = "The first line must name the columns of a CrampJournal export" + (
            f" ({'; '.join(parts)})." if parts else "."
        )
        return result
    rows: list[Row] = []
    seen: set[uuid.UUID] = set()
    try:
        for cells in reader:
            if len(rows) + len(result.errors) >= MAX_ROWS:
                result.file_error = f"The file has more than {MAX_ROWS:,} rows; split it."
                return result
            if None in cells:
                result.errors.append(RowError(reader.line_num, ["more cells than columns."]))
                continue
            row, problems = _row(cells, zone)
            if row and row.plan.episode.uid in seen:
                problems = ["id: the same id is on an earlier line."]
            if problems:
                result.errors.append(RowError(reader.line_num, problems))
            else:
                seen.add(row.plan.episode.uid)
                rows.append(row)
    except csv.Error as error:
        result.file_error = f"Line {reader.line_num} cannot be read as CSV: {error}."
        return result
    if result.errors:
        return result
    _save(user, rows, zone, result)
    return result


@transaction.atomic
def _save(user: AbstractBaseUser, rows: list[Row], zone: ZoneInfo, result: Result) -> None:
    existing = set(
        Episode.objects.for_user(user)
        .filter(uid__in=[r.plan.episode.uid for r in rows])
        .values_list("uid", flat=True)
    )
    new = [r for r in rows if r.plan.episode.uid not in existing]
    result.skipped = len(rows) - len(new)
    medications = {m.name.casefold(): m for m in Medication.objects.for_user(user)}
    for row in new:
        for name in row.medication_names:
            if name.casefold() not in medications:
                # The CSV carries names only; a medicine missing from the list is added
                # (kind "other", no dates) so the episode keeps what was taken.
                medications[name.casefold()] = Medication.objects.create(
                    owner=user, name=name, kind=MedicationKind.OTHER
                )
                result.medications_added.append(name)
        row.plan.medications = [medications[n.casefold()] for n in row.medication_names]
        episode = row.plan.episode
        episode.owner = user
        for name, value in local_fields(episode.started_at, zone).items():
            setattr(episode, name, value)
    Episode.objects.bulk_create([row.plan.episode for row in new])
    bulk_create_episode_details(row.plan for row in new)
    result.imported = len(new)
