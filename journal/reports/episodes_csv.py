"""Episodes as CSV: one row per episode, every field, UTF-8 with a header row.

Times are ISO 8601 with the offset of the person's time zone, so a spreadsheet and a
program read the same instant. Multi-choice answers are their stored values joined by
";"; relief is "measure=effect" (0 did not help, 1 some, 2 a lot). Every cell that a
spreadsheet would run as a formula is escaped (see safe_cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from journal.models import (
    INTENSITY_MAX,
    INTENSITY_MIN,
    Activity,
    BodyRegion,
    Episode,
    ExerciseIntensity,
    ReliefEffect,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
)

# A cell starting with one of these is a formula (or may become one) in Excel, LibreOffice
# and Google Sheets; a leading apostrophe makes it plain text there. A value that itself
# starts with an apostrophe gets one more, so that import can always take one off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_STARTS = (*FORMULA_STARTS, "'")


def safe_cell(value: str) -> str:
    """The cell as text that no spreadsheet will run."""
    return "'" + value if value.startswith(ESCAPED_STARTS) else value


def unescape_cell(value: str) -> str:
    """The value safe_cell was given."""
    return value[1:] if value.startswith("'") else value


def _one_of(choices: type[models.Choices], blank: str = "") -> str:
    """The stored values a column takes, in words, from the model's choices."""
    values = [str(value) for value in choices.values]
    text = ", ".join(values[:-1]) + " or " + values[-1]
    return f"{text}; empty if {blank}." if blank else f"{text}."


def _any_of(choices: type[models.Choices]) -> str:
    return ", ".join(str(value) for value in choices.values)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable[[Episode, ZoneInfo], object]


COLUMNS = (
    Column(
        "id",
        "Stable id of the episode (UUID); the same episode keeps it across export and import.",
        lambda e, z: e.uid,
    ),
    Column(
        "started_at",
        "When it began: ISO 8601 with the offset of your time zone.",
        lambda e, z: e.started_at.astimezone(z).isoformat(),
    ),
    Column(
        "duration_seconds",
        "How long it lasted, in seconds; empty if not recorded.",
        lambda e, z: e.duration_seconds,
    ),
    Column("still_going", "true while the cramp is being timed.", lambda e, z: e.ongoing),
    Column(
        "body_region",
        f"Muscle group: {_one_of(BodyRegion)}",
        lambda e, z: e.body_region,
    ),
    Column("side", _one_of(Side), lambda e, z: e.side),
    Column("intensity", f"How bad, {INTENSITY_MIN} to {INTENSITY_MAX}.", lambda e, z: e.intensity),
    Column(
        "activity",
        _one_of(Activity, blank="not recorded"),
        lambda e, z: e.activity,
    ),
    Column("broke_sleep", "true if it woke you or kept you awake.", lambda e, z: e.broke_sleep),
    Column("fluid_ml", "Fluid in the 24 hours before, in ml.", lambda e, z: e.fluid_ml),
    Column("electrolyte_drink", "true, false or empty.", lambda e, z: e.electrolyte_drink),
    Column("exercise_type", "Exercise in the 24 hours before.", lambda e, z: e.exercise_type),
    Column("exercise_minutes", "Its minutes.", lambda e, z: e.exercise_minutes),
    Column(
        "exercise_intensity",
        _one_of(ExerciseIntensity, blank="not recorded"),
        lambda e, z: e.exercise_intensity,
    ),
    Column("heavy_sweating", "true, false or empty.", lambda e, z: e.heavy_sweating),
    Column(
        "triggers",
        f"Suspected triggers, separated by ';': {_any_of(Trigger)}.",
        lambda e, z: ";".join(t.trigger for t in e.triggers.all()),
    ),
    Column(
        "symptoms",
        f"Symptoms with it, separated by ';': {_any_of(Symptom)}.",
        lambda e, z: ";".join(s.symptom for s in e.symptoms.all()),
    ),
    Column(
        "relief",
        "What was tried and how well it helped, as measure=effect separated by ';'. "
        f"Measures: {_any_of(ReliefMeasure)}. Effects: "
        + ", ".join(f"{value} {label.lower()}" for value, label in ReliefEffect.choices)
        + ".",
        lambda e, z: ";".join(f"{r.measure}={r.effect}" for r in e.reliefs.all()),
    ),
    Column(
        "medications_taken",
        "Medicines from your list taken for it, by name, separated by ';'.",
        lambda e, z: ";".join(m.name for m in e.medications_taken.all()),
    ),
    Column("notes", "Your notes.", lambda e, z: e.notes),
)
HEADER = [column.name for column in COLUMNS]


def episodes(user: AbstractBaseUser) -> Iterator[Episode]:
    """The person's episodes, oldest first, with their answers: five queries a chunk."""
    return (
        Episode.objects.for_user(user)
        .order_by("started_at", "pk")
        .prefetch_related("triggers", "symptoms", "reliefs", "medications_taken")
        .iterator(chunk_size=500)
    )


def rows(user: AbstractBaseUser, zone: ZoneInfo) -> Iterator[list[str]]:
    yield HEADER
    for episode in episodes(user):
        yield [safe_cell(_text(column.value(episode, zone))) for column in COLUMNS]


EXAMPLE = {
    "id": "",
    "started_at": "2026-03-10T02:30:00+00:00",
    "duration_seconds": "90",
    "still_going": "false",
    "body_region": "calf",
    "side": "left",
    "intensity": "6",
    "activity": "asleep",
    "broke_sleep": "true",
    "fluid_ml": "1500",
    "electrolyte_drink": "",
    "exercise_type": "",
    "exercise_minutes": "",
    "exercise_intensity": "",
    "heavy_sweating": "",
    "triggers": "dehydration",
    "symptoms": "",
    "relief": "stretch=2",
    "medications_taken": "",
    "notes": "Example row: replace it with your own.",
}


def template() -> str:
    """The header and one example row: what a hand-made file should look like."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, [EXAMPLE[n] for n in HEADER]])
    return out.getvalue()


def export(user: AbstractBaseUser, zone: ZoneInfo) -> str:
    """The whole CSV as text."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows(user, zone))
    return out.getvalue()
