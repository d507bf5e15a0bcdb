"""Fields and rules shared by the forms: every rule gives a message next to its field."""

from __future__ import annotations

import datetime as dt

from django import forms

from journal.models import INTENSITY_MAX, INTENSITY_MIN, MAX_EXERCISE_MINUTES, MAX_NOTE_LENGTH
from journal.timezones import time_zone_names
from journal.units import from_ml, max_in_unit, to_ml

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# A new episode's slider starts in the middle of the scale.
DEFAULT_INTENSITY = (INTENSITY_MIN + INTENSITY_MAX) // 2
YES_NO_UNKNOWN = [("", "Not recorded"), ("true", "Yes"), ("false", "No")]


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def validate_plausible_date(value: dt.date | dt.datetime) -> None:
    """Keep dates in a range a journal can mean (and that converts to UTC without overflow)."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def check_dates(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].validators.append(validate_plausible_date)


def time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in time_zone_names()],
        initial="UTC",
        help_text="Times are shown, and days counted, in this zone.",
    )


def yes_no_field(label: str) -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label, required=False, widget=forms.Select(choices=YES_NO_UNKNOWN)
    )


def intensity_field() -> forms.IntegerField:
    low, high = INTENSITY_MIN, INTENSITY_MAX
    wrong = f"Intensity runs from {low} to {high}."
    return forms.IntegerField(
        label=f"How bad ({low} = no pain, {high} = worst imaginable)",
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(
            attrs={"type": "range", "min": low, "max": high, "step": 1, "class": "form-range"}
        ),
        error_messages={"min_value": wrong, "max_value": wrong},
    )


class IntensityDefaultMixin:
    """Start a new episode's slider in the middle: a blank model value would override it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("intensity") is None:
            self.initial["intensity"] = DEFAULT_INTENSITY


class FluidField(forms.DecimalField):
    """Fluid typed in the person's unit (ml or US fl oz), cleaned to whole millilitres."""

    def __init__(self, unit: str, label: str, **kwargs) -> None:
        self.unit = unit
        self.limit = max_in_unit(unit)
        unit_label = "fl oz" if unit == "floz" else "ml"
        limit_text = f"{self.limit} fl oz" if unit == "floz" else "15 l (15000 ml)"
        super().__init__(
            label=f"{label} ({unit_label})",
            required=False,
            min_value=0,
            max_value=self.limit,
            decimal_places=1,
            max_digits=7,
            error_messages={
                "min_value": "Fluid can't be below 0.",
                "max_value": f"That is more than {limit_text} in a day; check the amount.",
            },
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            **kwargs,
        )

    def clean(self, value) -> int | None:  # type: ignore[override]
        amount = super().clean(value)
        return None if amount is None else to_ml(amount, self.unit)

    def prepare_value(self, value):
        # Stored millilitres shown in the person's unit when editing.
        if isinstance(value, int):
            return from_ml(value, self.unit)
        return value


def exercise_minutes_field(label: str = "Exercise minutes") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_EXERCISE_MINUTES,
        error_messages={
            "min_value": "Minutes can't be below 0.",
            "max_value": "A day has 1440 minutes; enter at most 1440.",
        },
    )


class NoteField(forms.CharField):
    """Free notes, at most MAX_NOTE_LENGTH characters, counted as the person sees them.

    Browsers send each line break as CRLF but count it as one character, so the breaks
    are made LF before counting, as the counter in the page counts them.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(
            required=False,
            max_length=MAX_NOTE_LENGTH,
            error_messages={
                "max_length": f"Notes can be at most {MAX_NOTE_LENGTH} characters "
                "(these have %(show_value)d). Shorten them and save again.",
            },
            **kwargs,
        )

    def to_python(self, value) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget) -> dict:
        # No maxlength on the textarea: a browser silently cuts a longer paste at it, so
        # a 10,000-character note became 5,000 with no word said. The limit goes to the
        # counter instead (static/js/note_counter.js: what is left, as one types), and
        # the server refuses a longer note beside the field, keeping every character.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs["data-note-limit"] = str(self.max_length)
        return attrs


class OwnChoicesField(forms.ModelMultipleChoiceField):
    """Choose from one's own rows by id. An id no database integer can hold is refused
    like any unknown id (SQLite would raise OverflowError on it before answering)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django's own check names it
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
