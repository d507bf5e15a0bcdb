"""Forms: every rule gives a message next to its field and keeps what was typed."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone

from journal import services
from journal.models import (
    MAX_DURATION_SECONDS,
    MAX_EXERCISE_MINUTES,
    BodyRegion,
    CheckIn,
    Episode,
    Medication,
    Profile,
    ReliefEffect,
    ReliefMeasure,
    Symptom,
    Trigger,
)
from journal.timezones import time_zone_names
from journal.units import from_ml, max_in_unit, to_ml

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
DEFAULT_INTENSITY = 5
YES_NO_UNKNOWN = [("", "Not recorded"), ("true", "Yes"), ("false", "No")]


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def validate_plausible_date(value: dt.date | dt.datetime) -> None:
    """Keep dates in a range a journal can mean (and that converts to UTC without overflow)."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _check_dates(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].validators.append(validate_plausible_date)


def _time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in time_zone_names()],
        initial="UTC",
        help_text="Times are shown, and days counted, in this zone.",
    )


def _yes_no_field(label: str) -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label, required=False, widget=forms.Select(choices=YES_NO_UNKNOWN)
    )


def _intensity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="How bad (0 = no pain, 10 = worst imaginable)",
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(
            attrs={"type": "range", "min": 0, "max": 10, "step": 1, "class": "form-range"}
        ),
        error_messages={
            "min_value": "Intensity runs from 0 to 10.",
            "max_value": "Intensity runs from 0 to 10.",
        },
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


def _exercise_minutes_field(label: str = "Exercise minutes") -> forms.IntegerField:
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


# Accounts ---------------------------------------------------------------------------


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="Used only to reset your password.")
    time_zone = _time_zone_field()

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The sign-up page's script fills in the browser's zone; UTC without script.
        self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            Profile.objects.update_or_create(
                user=user, defaults={"time_zone": self.cleaned_data["time_zone"]}
            )
        return user


class ProfileForm(forms.ModelForm):
    time_zone = _time_zone_field()

    class Meta:
        model = Profile
        fields = ["time_zone", "fluid_unit"]
        labels = {"fluid_unit": "Fluid units"}


# Medications --------------------------------------------------------------------------


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "kind", "started_on", "stopped_on"]
        labels = {"started_on": "Started on", "stopped_on": "Stopped on"}
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stopped_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _check_dates(self, "started_on", "stopped_on")

    def clean(self) -> dict:
        cleaned = super().clean()
        started, stopped = cleaned.get("started_on"), cleaned.get("stopped_on")
        if started and stopped and stopped < started:
            self.add_error("stopped_on", "The stop date can't be before the start date.")
        return cleaned


# Episodes -------------------------------------------------------------------------------


def _check_not_in_future(started_at: dt.datetime) -> None:
    if started_at > timezone.now() + FUTURE_TOLERANCE:
        raise forms.ValidationError("The start can't be more than 5 minutes in the future.")


class EpisodeForm(IntensityDefaultMixin, forms.ModelForm):
    """The full episode form. The view sets ``instance.owner`` before binding."""

    duration_minutes = forms.IntegerField(
        label="Lasted: minutes", required=False, min_value=0, max_value=24 * 60
    )
    duration_seconds_part = forms.IntegerField(
        label="and seconds", required=False, min_value=0, max_value=59
    )
    intensity = _intensity_field()
    exercise_minutes = _exercise_minutes_field("Minutes of exercise in the last 24 h")
    electrolyte_drink = _yes_no_field("Electrolyte drink in the last 24 h")
    heavy_sweating = _yes_no_field("Heavy sweating during exercise")
    triggers = forms.MultipleChoiceField(
        label="Suspected triggers",
        choices=Trigger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    symptoms = forms.MultipleChoiceField(
        label="Anything else with it?",
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Episode
        fields = [
            "started_at",
            "ongoing",
            "body_region",
            "side",
            "intensity",
            "activity",
            "broke_sleep",
            "exercise_type",
            "exercise_minutes",
            "exercise_intensity",
            "heavy_sweating",
            "electrolyte_drink",
            "medications_taken",
            "notes",
        ]
        labels = {
            "started_at": "Started",
            "ongoing": "Still going",
            "activity": "What were you doing when it began?",
            "broke_sleep": "It woke me or broke my sleep",
            "exercise_type": "Kind of exercise in the last 24 h",
            "exercise_intensity": "How hard",
            "medications_taken": "Medication taken for this cramp",
        }
        widgets = {
            "started_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "medications_taken": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, unit: str = "ml", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = self.instance.owner
        self.fields["fluid_ml"] = FluidField(unit, "Fluid in the last 24 h")
        _check_dates(self, "started_at")
        self.fields["medications_taken"].queryset = Medication.objects.for_user(owner)
        self.fields["medications_taken"].help_text = "From your medication list."
        for name in ("activity", "exercise_intensity"):
            self.fields[name].choices = [("", "Not recorded"), *self.fields[name].choices[1:]]
        for measure in ReliefMeasure:
            self.fields[f"relief_{measure.value}"] = forms.TypedChoiceField(
                label=measure.label,
                choices=[("", "Not tried"), *ReliefEffect.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
        if not self.is_bound:
            self._set_initial_from_instance()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "When and where",
                "started_at",
                Div(
                    Div("duration_minutes", css_class="col"),
                    Div("duration_seconds_part", css_class="col"),
                    css_class="row",
                ),
                "ongoing",
                "body_region",
                "side",
                "intensity",
            ),
            Fieldset("Before it began", "activity", "broke_sleep", "fluid_ml", "electrolyte_drink"),
            Fieldset(
                "Exercise",
                "exercise_type",
                "exercise_minutes",
                "exercise_intensity",
                "heavy_sweating",
            ),
            Fieldset("Triggers and symptoms", "triggers", "symptoms"),
            Fieldset(
                "What helped",
                *[f"relief_{m.value}" for m in ReliefMeasure],
                "medications_taken",
            ),
            Fieldset("Notes", "notes"),
        )

    def _set_initial_from_instance(self) -> None:
        episode = self.instance
        if episode.started_at is None:
            self.initial["started_at"] = timezone.localtime().replace(second=0, microsecond=0)
        if episode.duration_seconds is not None:
            minutes, seconds = divmod(episode.duration_seconds, 60)
            self.initial["duration_minutes"] = minutes
            self.initial["duration_seconds_part"] = seconds
        self.initial["fluid_ml"] = episode.fluid_ml
        if episode.pk:
            self.initial["triggers"] = [t.trigger for t in episode.triggers.all()]
            self.initial["symptoms"] = [s.symptom for s in episode.symptoms.all()]
            for relief in episode.reliefs.all():
                self.initial[f"relief_{relief.measure}"] = relief.effect

    def clean_started_at(self) -> dt.datetime:
        started_at = self.cleaned_data["started_at"]
        _check_not_in_future(started_at)
        return started_at

    def clean(self) -> dict:
        cleaned = super().clean()
        minutes = cleaned.get("duration_minutes")
        seconds = cleaned.get("duration_seconds_part")
        if "duration_minutes" in self.errors or "duration_seconds_part" in self.errors:
            return cleaned
        if minutes is None and seconds is None:
            cleaned["duration_seconds"] = None
        else:
            total = (minutes or 0) * 60 + (seconds or 0)
            if cleaned.get("ongoing"):
                self.add_error(
                    "duration_minutes",
                    "Leave the duration empty while the cramp is still going, "
                    "or untick 'Still going'.",
                )
            elif total <= 0:
                self.add_error("duration_minutes", "A cramp lasts more than 0 seconds.")
            elif total > MAX_DURATION_SECONDS:
                self.add_error(
                    "duration_minutes", "A duration can be at most 24 hours (1440 minutes)."
                )
            cleaned["duration_seconds"] = total
        return cleaned

    def reliefs(self) -> dict[str, int]:
        return {
            m.value: self.cleaned_data[f"relief_{m.value}"]
            for m in ReliefMeasure
            if self.cleaned_data.get(f"relief_{m.value}") is not None
        }

    def save(self, commit: bool = True) -> Episode:
        episode = super().save(commit=False)
        episode.fluid_ml = self.cleaned_data["fluid_ml"]
        episode.duration_seconds = self.cleaned_data["duration_seconds"]
        if commit:
            episode.save()
            self.save_m2m()
            services.save_episode_details(
                episode,
                triggers=self.cleaned_data["triggers"],
                symptoms=self.cleaned_data["symptoms"],
                reliefs=self.reliefs(),
            )
        return episode


QUICK_STARTED_CHOICES = [
    (0, "Just now"),
    (5, "5 minutes ago"),
    (15, "15 minutes ago"),
    (30, "30 minutes ago"),
    (60, "1 hour ago"),
    (120, "2 hours ago"),
]
# Value "ongoing" keeps the timer running; "" means the person did not say.
QUICK_DURATION_CHOICES = [
    ("", "Not sure"),
    ("ongoing", "Still going"),
    ("30", "Under a minute"),
    ("60", "About 1 minute"),
    ("120", "About 2 minutes"),
    ("300", "About 5 minutes"),
    ("600", "About 10 minutes"),
    ("900", "About 15 minutes"),
    ("1800", "About 30 minutes"),
]


class QuickLogForm(IntensityDefaultMixin, forms.ModelForm):
    """One screen, sensible defaults: a cramp logged in two taps."""

    started_ago = forms.TypedChoiceField(
        label="Started", choices=QUICK_STARTED_CHOICES, coerce=int, initial=0
    )
    how_long = forms.ChoiceField(
        label="How long", choices=QUICK_DURATION_CHOICES, required=False, initial=""
    )
    intensity = _intensity_field()

    class Meta:
        model = Episode
        fields = ["body_region", "side", "intensity", "broke_sleep"]
        labels = {"body_region": "Where", "broke_sleep": "It woke me or broke my sleep"}

    def save(self, commit: bool = True) -> Episode:
        episode = super().save(commit=False)
        episode.started_at = timezone.now() - dt.timedelta(minutes=self.cleaned_data["started_ago"])
        how_long = self.cleaned_data["how_long"]
        episode.ongoing = how_long == "ongoing"
        episode.duration_seconds = int(how_long) if how_long.isdigit() else None
        if commit:
            episode.save()
        return episode


class TimerStartForm(IntensityDefaultMixin, forms.ModelForm):
    intensity = _intensity_field()

    class Meta:
        model = Episode
        fields = ["body_region", "side", "intensity"]
        labels = {"body_region": "Where"}


class TimerStopForm(forms.ModelForm):
    intensity = _intensity_field()

    class Meta:
        model = Episode
        fields = ["intensity"]


class EpisodeFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ChoiceField(
        label="Where", required=False, choices=[("", "Anywhere"), *BodyRegion.choices]
    )
    intensity_min = forms.IntegerField(
        label="Intensity from", required=False, min_value=0, max_value=10
    )
    intensity_max = forms.IntegerField(label="to", required=False, min_value=0, max_value=10)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _check_dates(self, "date_from", "date_to")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date can't be before the start date.")
        low, high = cleaned.get("intensity_min"), cleaned.get("intensity_max")
        if low is not None and high is not None and high < low:
            self.add_error("intensity_max", "The upper intensity can't be below the lower one.")
        return cleaned


# Check-ins ---------------------------------------------------------------------------------


class CheckInForm(forms.ModelForm):
    exercise_minutes = _exercise_minutes_field()
    electrolytes = _yes_no_field("Electrolyte drink today")
    warmed_up = forms.NullBooleanField(
        label="Warmed up before exercise",
        required=False,
        widget=forms.Select(choices=[("", "No exercise today"), ("true", "Yes"), ("false", "No")]),
    )
    sleep_hours = forms.DecimalField(
        label="Sleep last night (hours)",
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        max_digits=3,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "min_value": "Sleep can't be below 0 hours.",
            "max_value": "A night has at most 24 hours.",
            "max_decimal_places": "Use at most one decimal place, like 7.5.",
        },
    )

    class Meta:
        model = CheckIn
        fields = [
            "date",
            "electrolytes",
            "exercise_minutes",
            "exercise_intensity",
            "warmed_up",
            "stretched",
            "sleep_hours",
            "notes",
        ]
        labels = {
            "date": "Day",
            "exercise_intensity": "How hard",
            "stretched": "I stretched today",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, unit: str = "ml", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        intensity = self.fields["exercise_intensity"]
        intensity.choices = [("", "Not recorded"), *intensity.choices[1:]]
        self.fields["fluid_ml"] = FluidField(unit, "Fluid today")
        _check_dates(self, "date")
        if not self.is_bound:
            self.initial["fluid_ml"] = self.instance.fluid_ml
        # Fluid second: it is what most people log first.
        self.order_fields(["date", "fluid_ml"])

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("A check-in can't be for a day that hasn't begun yet.")
        return day

    def save(self, commit: bool = True) -> CheckIn:
        """Create or update the one check-in for this person and day: never a duplicate."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "date"}
        data["fluid_ml"] = self.cleaned_data["fluid_ml"]
        checkin, _ = CheckIn.objects.update_or_create(
            owner=self.instance.owner, date=self.cleaned_data["date"], defaults=data
        )
        self.instance = checkin
        return checkin
