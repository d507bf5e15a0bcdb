"""A spreadsheet's own columns matched to journal fields, and its cells read as a person
writes them ("01/03/2026 14:30", "5" minutes, "Left calf", "7/10").

Plain functions, no database: journal.reports.episodes_import turns each mapped row into
the export's own cells (journal.reports.episodes_csv) and checks and saves them the way
it does an export, so both kinds of file obey the same limits and the same all-or-nothing
rule. Every problem names the person's column, in the person's words.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models

from journal.fields import EARLIEST_YEAR, LATEST_YEAR
from journal.models import (
    INTENSITY_MAX,
    INTENSITY_MIN,
    MAX_DURATION_SECONDS,
    MAX_NOTE_LENGTH,
    BodyRegion,
    Side,
)
from journal.reports.episodes_csv import safe_cell


class Target(models.TextChoices):
    """What a column of the person's file can become."""

    IGNORE = "ignore", "Ignore this column"
    STARTED_AT = "started_at", "When it started (date and time)"
    DATE = "date", "Date it started"
    TIME = "time", "Time it started"
    BODY_REGION = "body_region", "Muscle group"
    SIDE = "side", "Side"
    INTENSITY = "intensity", f"How bad ({INTENSITY_MIN}-{INTENSITY_MAX})"
    MINUTES = "minutes", "How long, in minutes"
    SECONDS = "seconds", "How long, in seconds"
    NOTES = "notes", "Notes"


class DayOrder(models.TextChoices):
    DAY_FIRST = "dmy", "Day first: 01/03/2026 is 1 March"
    MONTH_FIRST = "mdy", "Month first: 01/03/2026 is January 3"


# Words in a column's name that say what it holds, tried in this order (so "Start time"
# is a start time, not a time of day). Names are compared lower-cased, punctuation gone.
GUESSES: tuple[tuple[Target, tuple[str, ...]], ...] = (
    (Target.SECONDS, ("seconds", "secs", "sec", "duration s")),
    (Target.MINUTES, ("minutes", "mins", "min", "duration", "how long", "length", "lasted")),
    (Target.STARTED_AT, ("started at", "start", "started", "when", "datetime", "timestamp")),
    (Target.DATE, ("date",)),
    (Target.TIME, ("time", "hour", "clock")),
    (Target.BODY_REGION, ("muscle", "where", "location", "body", "region", "place", "area")),
    (Target.SIDE, ("side",)),
    (Target.INTENSITY, ("pain", "severity", "intensity", "how bad", "score", "level")),
    (Target.NOTES, ("notes", "note", "comment", "comments", "remarks", "details")),
)
_PUNCTUATION = str.maketrans(string.punctuation, " " * len(string.punctuation))


def _words(name: str) -> str:
    return " ".join(name.casefold().translate(_PUNCTUATION).split())


def _guess_one(name: str) -> Target:
    words = f" {_words(name)} "
    for target, keys in GUESSES:
        if any(f" {key} " in words for key in keys):
            return target
    return Target.IGNORE


def guess(headers: Sequence[str]) -> list[str]:
    """A target for each column, each target used once (the first column that names it);
    a lone "Date" column is the start time, with a "Time" column beside it only the day."""
    guessed = [_guess_one(h) for h in headers]
    if not {Target.DATE, Target.TIME} <= set(guessed) or Target.STARTED_AT in guessed:
        guessed = [Target.STARTED_AT if g == Target.DATE else g for g in guessed]
        guessed = [Target.IGNORE if g == Target.TIME else g for g in guessed]
    seen: set[Target] = set()
    result = []
    for target in guessed:
        # Each field from one column; a duration in one unit (the first named).
        taken = (
            seen & {Target.MINUTES, Target.SECONDS}
            if target
            in (
                Target.MINUTES,
                Target.SECONDS,
            )
            else seen & {target}
        )
        if target != Target.IGNORE and taken:
            target = Target.IGNORE
        seen.add(target)
        result.append(target.value)
    return result


def column_name(headers: Sequence[str], index: int) -> str:
    """A column as the person knows it: its name, or its place when it has none."""
    name = headers[index].strip() if index < len(headers) else ""
    return f"“{name}”" if name else f"column {index + 1} (no name)"


@dataclass(frozen=True)
class Mapping:
    """Which column feeds each field (by position: two columns may share a name)."""

    columns: dict[str, int]  # Target value -> column index
    day_order: str = DayOrder.DAY_FIRST

    @classmethod
    def from_targets(cls, targets: Sequence[str], day_order: str) -> Mapping:
        columns: dict[str, int] = {}
        for i, target in enumerate(targets):
            if target != Target.IGNORE:
                columns.setdefault(target, i)  # the first column chosen for a field
        return cls(columns, day_order)


def problems_with(mapping: Mapping) -> list[str]:
    """What stops a mapping from giving every episode what it must have."""
    missing = []
    if not ({Target.STARTED_AT, Target.DATE} & mapping.columns.keys()):
        missing.append("When it started (or its Date)")
    if Target.TIME in mapping.columns and Target.DATE not in mapping.columns:
        missing.append("Date it started (to go with the time)")
    if Target.BODY_REGION not in mapping.columns:
        missing.append("Muscle group")
    if Target.INTENSITY not in mapping.columns:
        missing.append("How bad")
    clash = [
        pair
        for pair in ((Target.STARTED_AT, Target.DATE), (Target.MINUTES, Target.SECONDS))
        if set(pair) <= mapping.columns.keys()
    ]
    messages = [f"Match a column to {name}." for name in missing]
    messages += [f"Choose either {a.label} or {b.label}, not both." for a, b in clash]
    return messages


class CellProblem(ValueError):
    """A cell that cannot be read; its message names what was wrong in the person's words."""


# Dates: 2026-03-01 (any separator), 01/03/2026 or 1.3.26 (day/month order chosen), or
# "1 Mar 2026" / "March 1, 2026".
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_SHORT_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%B").casefold(),
        dt.date(2000, number, 1).strftime("%b").casefold(),
    )
}
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})|([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?")


def is_ambiguous_date(text: str) -> bool:
    """01/03/2026 could be either order; 13/03/2026 or 2026-03-01 cannot."""
    match = _SHORT_DATE.match(text.strip())
    if not match or _ISO_DATE.match(text.strip()):
        return False
    first, second = int(match[1]), int(match[2])
    return first != second and first <= 12 and second <= 12


def day_order_from(texts: Sequence[str], zone: ZoneInfo) -> str:
    """The order the file's own dates show (a day past 12), else the person's region's."""
    for text in texts:
        match = _SHORT_DATE.match(text.strip())
        if match and not _ISO_DATE.match(text.strip()):
            if int(match[1]) > 12:
                return DayOrder.DAY_FIRST
            if int(match[2]) > 12:
                return DayOrder.MONTH_FIRST
    # The United States and a few neighbours write the month first.
    month_first = str(zone).startswith(("America/", "US/")) and not str(zone).startswith(
        ("America/Argentina", "America/Sao_Paulo", "America/Santiago", "America/Bogota")
    )
    return DayOrder.MONTH_FIRST if month_first else DayOrder.DAY_FIRST


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _date(text: str, day_order: str) -> tuple[dt.date, str]:
    """The date at the start of ``text``, and what follows it."""
    lowered = text.strip().casefold()
    try:
        if match := _ISO_DATE.match(lowered):
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _SHORT_DATE.match(lowered):
            first, second = int(match[1]), int(match[2])
            if day_order == DayOrder.MONTH_FIRST:
                first, second = second, first
            day = dt.date(_year(match[3]), second, first)
        elif (match := _NAMED_DATE.match(lowered)) and ((match[2] or match[4]) in _MONTHS):
            if match[1]:
                day = dt.date(int(match[3]), _MONTHS[match[2]], int(match[1]))
            else:
                day = dt.date(int(match[6]), _MONTHS[match[4]], int(match[5]))
        else:
            raise CellProblem("is not a date like 2026-03-01 or 01/03/2026.")
    except ValueError as error:
        if isinstance(error, CellProblem):
            raise
        raise CellProblem("is not a date that exists.") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise CellProblem(f"has the year {day.year}, outside {EARLIEST_YEAR} to {LATEST_YEAR}.")
    return day, lowered[match.end() :].lstrip(" t,")


def _time(text: str) -> dt.time:
    lowered = text.strip().casefold()
    match = _TIME.fullmatch(lowered)
    if not match or (match[2] is None and match[4] is None):
        raise CellProblem("is not a time like 14:30 or 2:30 pm.")
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise CellProblem("is not a time like 14:30 or 2:30 pm.")
        hour = hour % 12 + (12 if match[4] == "p" else 0)
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise CellProblem("is not a time of day that exists.") from None


def started_at(text: str, day_order: str, zone: ZoneInfo, time_text: str | None = None):
    """A date and time (or a date, with the time from its own column), read in the
    person's zone unless it carries an offset."""
    stripped = text.strip()
    if time_text is None and _ISO_DATE.match(stripped):
        try:
            moment = dt.datetime.fromisoformat(stripped.replace("/", "-"))
        except ValueError:
            moment = None
        if moment is not None and (moment.hour, moment.minute, moment.second) != (0, 0, 0):
            if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
                raise CellProblem(
                    f"has the year {moment.year}, outside {EARLIEST_YEAR} to {LATEST_YEAR}."
                )
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    day, rest = _date(stripped, day_order)
    if time_text is not None:
        if rest:
            raise CellProblem("should hold only the date, as the time has its own column.")
        rest = time_text.strip()
        if not rest:
            raise CellProblem("has no time of day beside it; fill in the time column.")
    elif not rest:
        # A cramp's hour is half of what Patterns shows (night or day): never guessed.
        raise CellProblem("has no time of day; write it like 2026-03-01 14:30.")
    return dt.datetime.combine(day, _time(rest), tzinfo=zone)


_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]*)")
_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
}


def duration_seconds(text: str, per_unit: int) -> int | None:
    """A duration: a bare number in the column's unit, "90 s", "2 min", "1 h 5 min",
    or a clock-like "1:30" (minutes and seconds) or "0:01:30"."""
    lowered = text.strip().casefold()
    if not lowered:
        return None
    if re.fullmatch(r"\d+(:\d{2}){1,2}", lowered):
        parts = [int(p) for p in lowered.split(":")]
        seconds = parts[-2] * 60 + parts[-1] + (parts[0] * 3600 if len(parts) == 3 else 0)
    else:
        seconds, position = 0.0, 0
        pieces = list(_DURATION.finditer(lowered))
        if not pieces:
            raise CellProblem("is not a duration like 5 (minutes), 90 s or 1:30.")
        for piece in pieces:
            if lowered[position : piece.start()].strip() or (piece[2] and piece[2] not in _UNITS):
                raise CellProblem("is not a duration like 5 (minutes), 90 s or 1:30.")
            seconds += float(piece[1].replace(",", ".")) * _UNITS.get(piece[2], per_unit)
            position = piece.end()
        if lowered[position:].strip():
            raise CellProblem("is not a duration like 5 (minutes), 90 s or 1:30.")
    seconds = round(seconds)
    if not 1 <= seconds <= MAX_DURATION_SECONDS:
        raise CellProblem(
            f"is outside 1 second to {MAX_DURATION_SECONDS // 3600} hours, what a cramp can last."
        )
    return seconds


def intensity(text: str) -> int:
    """0 to 10, written "7" or "7/10"."""
    match = re.fullmatch(rf"(\d+)(?:\s*/\s*{INTENSITY_MAX})?", text.strip())
    if not match:
        raise CellProblem(f"is not a whole number from {INTENSITY_MIN} to {INTENSITY_MAX}.")
    value = int(match[1])
    if not INTENSITY_MIN <= value <= INTENSITY_MAX:
        raise CellProblem(f"is outside {INTENSITY_MIN} to {INTENSITY_MAX}.")
    return value


def _names(choices: type[models.TextChoices], extra: dict[str, str]) -> dict[str, str]:
    """Every way a choice may be written, folded: its value, its label and the parts of
    its label ("Foot / toes": "foot", "toes"; "Hamstring (back of thigh)": "hamstring",
    "back of thigh"), with a plural s."""
    names: dict[str, str] = {}
    for value, label in choices.choices:
        forms = {value, value.replace("_", " "), label}
        forms |= {p for p in re.split(r"[/()]", label) if p.strip()}
        for form in forms:
            folded = _words(form)
            names.setdefault(folded, value)
            names.setdefault(folded + "s", value)
    return {**names, **extra}


MUSCLES = _names(BodyRegion, {"calves": "calf", "quads": "quadriceps", "feet": "foot"})
SIDES = _names(
    Side,
    {"l": "left", "r": "right", "both sides": "both", "n a": "na", "none": "na", "-": "na"},
)


def side(text: str) -> str | None:
    folded = _words(text) or text.strip()
    if not folded:
        return None
    if folded not in SIDES:
        raise CellProblem("is not a side: write Left, Right, Both or Not applicable.")
    return SIDES[folded]


def muscle(text: str) -> tuple[str, str | None]:
    """A muscle group by name or label, any case; with a side in front ("Left calf"),
    that side too."""
    folded = _words(text)
    if folded in MUSCLES:
        return MUSCLES[folded], None
    first, _, rest = folded.partition(" ")
    if first in SIDES and rest in MUSCLES and SIDES[first] != "na":
        return MUSCLES[rest], SIDES[first]
    known = ", ".join(label.split(" (")[0] for _, label in BodyRegion.choices)
    raise CellProblem(f"is not a muscle group this journal knows ({known}).")


def notes(text: str) -> str:
    # Line breaks counted as the note form counts them (journal.fields.NoteField).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_NOTE_LENGTH:
        raise CellProblem(
            f"has {len(text):,} characters; notes can be at most {MAX_NOTE_LENGTH:,}. "
            "Shorten it, or split it over two rows."
        )
    return text


# Spreadsheet rows carry no id: each gets one made from what identifies a cramp (when,
# where, which side), so importing the same spreadsheet twice adds nothing the second
# time. The Episode uid is unique per person, so two people's equal rows do not collide.
_ROW_IDS = uuid.UUID("6b1e0c1e-3f43-4c54-9a53-5c0d2c4b8a11")


def row_id(moment: dt.datetime, region: str, side_value: str) -> uuid.UUID:
    instant = moment.astimezone(dt.UTC).isoformat()
    return uuid.uuid5(_ROW_IDS, f"{instant}|{region}|{side_value}")


def translate(
    cells: Sequence[str], headers: Sequence[str], mapping: Mapping, zone: ZoneInfo
) -> tuple[dict[str, str], list[str]]:
    """One spreadsheet row as the cells of an export row, or every problem found in it."""
    problems: list[str] = []

    def cell(target: str) -> str | None:
        index = mapping.columns.get(target)
        return None if index is None else (cells[index] if index < len(cells) else "")

    def read(target: str, reader, *args):
        text = cell(target)
        if text is None:
            return None
        if "\x00" in text:
            problems.append(
                f"{column_name(headers, mapping.columns[target])}: null characters are not allowed."
            )
            return None
        try:
            return reader(text, *args)
        except CellProblem as problem:
            shown = text if len(text) <= 40 else text[:40] + "…"
            where = column_name(headers, mapping.columns[target])
            problems.append(f"{where}: “{shown}” {problem}")
            return None

    def needed(target: str, what: str) -> bool:
        text = cell(target)
        if text is not None and not text.strip():
            where = column_name(headers, mapping.columns[target])
            problems.append(f"{where}: empty, and every cramp needs {what}.")
            return False
        return text is not None

    moment = None
    if Target.DATE in mapping.columns:
        time_text = cell(Target.TIME)
        if needed(Target.DATE, "its date"):
            moment = read(Target.DATE, started_at, mapping.day_order, zone, time_text or "")
    elif needed(Target.STARTED_AT, "a start time"):
        moment = read(Target.STARTED_AT, started_at, mapping.day_order, zone)
    region, side_in_muscle = None, None
    if needed(Target.BODY_REGION, "a muscle group"):
        region, side_in_muscle = read(Target.BODY_REGION, muscle) or (None, None)
    side_value = read(Target.SIDE, side) or side_in_muscle
    if side_value is None and region is not None:
        problems.append(
            "Side: not given. Match a column to Side, or write it with the muscle, "
            "like “Left calf”."
        )
    pain = read(Target.INTENSITY, intensity) if needed(Target.INTENSITY, "how bad it was") else None
    seconds = read(Target.SECONDS, duration_seconds, 1)
    if Target.MINUTES in mapping.columns:
        seconds = read(Target.MINUTES, duration_seconds, 60)
    note = read(Target.NOTES, notes) or ""
    if problems or None in (moment, region, side_value, pain):
        # A field no column feeds: what the matching is missing (rare, so asked last).
        return {}, problems or problems_with(mapping)
    return {
        "id": str(row_id(moment, region, side_value)),
        "started_at": moment.isoformat(),
        "duration_seconds": "" if seconds is None else str(seconds),
        "body_region": region,
        "side": side_value,
        "intensity": str(pain),
        # An export's cells are escaped (episodes_csv.safe_cell); the reader unescapes.
        "notes": safe_cell(note),
    }, []
