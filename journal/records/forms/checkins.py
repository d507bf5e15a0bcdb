from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from journal.fields import FluidField, NoteField, check_dates, exercise_minutes_field, yes_no_field
from journal.models import CheckIn


class CheckInForm(forms.ModelForm):
    exercise_minutes = exercise_minutes_field()
    electrolytes = yes_no_field("Electrolyte drink today")
    warmed_up = forms.NullBooleanField(
        label="Warmed up before exercise",
        required=False,
        widget=forms.Select(choices=[("", "No exercise today"), ("true", "Yes"), ("false", "No")]),
    )
    notes = NoteField(widget=forms.Textarea(attrs={"rows": 2}))
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
        }

    def __init__(self, *args, unit: str = "ml", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        intensity = self.fields["exercise_intensity"]
        intensity.choices = [("", "Not recorded"), *intensity.choices[1:]]
        self.fields["fluid_ml"] = FluidField(unit, "Fluid today")
        check_dates(self, "date")
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
