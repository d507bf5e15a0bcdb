from __future__ import annotations

import datetime as dt
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from journal import body_map
from journal.fields import (
    FUTURE_TOLERANCE,
    FluidField,
    IntensityDefaultMixin,
    NoteField,
    OwnChoicesField,
    check_dates,
    exercise_minutes_field,
    intensity_field,
    yes_no_field,
)
from journal.models import (
    INTENSITY_MAX,
    INTENSITY_MIN,
    MAX_DURATION_SECONDS,
    BodyRegion,
    Episode,
    Medication,
    ReliefEffect,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
)
from journal.records import services


def _check_not_in_future(started_at: dt.datetime) -> None:
    if started_at > timezone.now() + FUTURE_TOLERANCE:
        raise forms.ValidationError("The start can't be more than 5 minutes in the future.")


class BodyMapPicker:
    """The body map, drawn above the region and side boxes it sets (journal.body_map),
    with the place those boxes hold in words: the server writes it, the script keeps it."""

    def render(self, form: forms.BaseForm, context, **kwargs) -> str:
        choice = body_map.choice_words(form["body_region"].value(), form["side"].value())
        # What Save found missing, said above the map too: after the top Save the boxes'
        # own messages are below the fold on a phone.
        missing = [*form["body_region"].errors, *form["side"].errors][:1]
        return render_to_string(
            "includes/body_map_picker.html",
            {"choice": choice, "choice_table": body_map.choice_table(), "missing": missing},
        )


BODY_MAP = BodyMapPicker()
SIDE_MISSING = "Choose a side: left, right or both."


class WhereMixin:
    """Where and Side start empty on a first log (services.last_region_and_side) and
    Save says what is missing beside them; a place in the middle of the body needs no
    side, so an empty one is 'Not applicable' there."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region, side = self.fields["body_region"], self.fields["side"]
        region.choices = [("", "Choose where"), *BodyRegion.choices]
        side.choices = [("", "Choose a side"), *Side.choices]
        region.error_messages["required"] = (
            "Choose where it cramps: tap the map, or pick a place in the list under Where."
        )
        side.required = False  # checked in clean(), which knows the region

    def clean(self) -> dict:
        cleaned = super().clean()
        region, side = cleaned.get("body_region"), cleaned.get("side")
        if region and not side and "side" not in self.errors:
            if region in body_map.SIDED_REGIONS:
                self.add_error("side", SIDE_MISSING)
            else:
                cleaned["side"] = Side.NOT_APPLICABLE.value
        return cleaned


class ClientIdMixin:
    """A new episode's id, made when the form is drawn and sent back with it: a retried
    submit (a double tap, a resend after a dropped connection) finds the episode the
    first one saved instead of making a second (services.save_new_episode)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["client_id"] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )

    def clean_client_id(self) -> uuid.UUID | None:
        client_id = self.cleaned_data["client_id"]
        if client_id is not None:
            self.instance.uid = client_id
        return client_id


class EpisodeForm(WhereMixin, ClientIdMixin, IntensityDefaultMixin, forms.ModelForm):
    """The full episode form. The view sets ``instance.owner`` before binding."""

    duration_minutes = forms.IntegerField(
        label="Lasted: minutes", required=False, min_value=0, max_value=24 * 60
    )
    duration_seconds_part = forms.IntegerField(
        label="and seconds", required=False, min_value=0, max_value=59
    )
    intensity = intensity_field()
    exercise_minutes = exercise_minutes_field("Minutes of exercise in the last 24 h")
    electrolyte_drink = yes_no_field("Electrolyte drink in the last 24 h")
    heavy_sweating = yes_no_field("Heavy sweating during exercise")
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
    notes = NoteField(widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Episode
        field_classes = {"medications_taken": OwnChoicesField}
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
        }

    def __init__(self, *args, unit: str = "ml", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = self.instance.owner
        self.fields["fluid_ml"] = FluidField(unit, "Fluid in the last 24 h")
        check_dates(self, "started_at")
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
                BODY_MAP,
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
            *(["client_id"] if "client_id" in self.fields else []),
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


class BodyMapLayoutMixin:
    """A short form's fields in their order, with the body map above region and side."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        names = list(self.fields)
        names.insert(names.index("body_region"), BODY_MAP)
        self.helper.layout = Layout(*names)


class QuickLogForm(
    WhereMixin, BodyMapLayoutMixin, ClientIdMixin, IntensityDefaultMixin, forms.ModelForm
):
    """One screen, sensible defaults: a cramp logged in two taps."""

    started_ago = forms.TypedChoiceField(
        label="Started", choices=QUICK_STARTED_CHOICES, coerce=int, initial=0
    )
    how_long = forms.ChoiceField(
        label="How long", choices=QUICK_DURATION_CHOICES, required=False, initial=""
    )
    intensity = intensity_field()

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


class TimerStartForm(
    WhereMixin, BodyMapLayoutMixin, ClientIdMixin, IntensityDefaultMixin, forms.ModelForm
):
    intensity = intensity_field()

    class Meta:
        model = Episode
        fields = ["body_region", "side", "intensity"]
        labels = {"body_region": "Where"}

    def save(self, commit: bool = True) -> Episode:
        episode = super().save(commit=False)
        episode.ongoing = True
        episode.started_at = timezone.now()
        if commit:
            episode.save()
        return episode


class TimerStopForm(forms.ModelForm):
    intensity = intensity_field()

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
        label="Intensity from", required=False, min_value=INTENSITY_MIN, max_value=INTENSITY_MAX
    )
    intensity_max = forms.IntegerField(
        label="to", required=False, min_value=INTENSITY_MIN, max_value=INTENSITY_MAX
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        check_dates(self, "date_from", "date_to")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date can't be before the start date.")
        low, high = cleaned.get("intensity_min"), cleaned.get("intensity_max")
        if low is not None and high is not None and high < low:
            self.add_error("intensity_max", "The upper intensity can't be below the lower one.")
        return cleaned
