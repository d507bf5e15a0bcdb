from __future__ import annotations

from django import forms

from journal.fields import check_dates
from journal.models import MAX_MEDICATIONS, Medication

FULL_LIST = (
    f"Your list already holds {MAX_MEDICATIONS} medicines, the most it can. "
    "Remove some you no longer take before adding another."
)


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
        check_dates(self, "started_on", "stopped_on")

    def clean(self) -> dict:
        cleaned = super().clean()
        started, stopped = cleaned.get("started_on"), cleaned.get("stopped_on")
        if started and stopped and stopped < started:
            self.add_error("stopped_on", "The stop date can't be before the start date.")
        # A new medicine only: one on a full list can still be edited.
        listed = Medication.objects.for_user(self.instance.owner)
        if self.instance.pk is None and listed.count() >= MAX_MEDICATIONS:
            raise forms.ValidationError(FULL_LIST)
        return cleaned
