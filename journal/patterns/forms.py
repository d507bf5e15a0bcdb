from __future__ import annotations

from django import forms

from journal.fields import check_dates
from journal.patterns.periods import DEFAULT_RANGE, RANGES

MAX_CUSTOM_DAYS = 20 * 366


class RangeForm(forms.Form):
    """The Patterns page's range picker; a bad custom range explains itself."""

    range = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in RANGES.items()],
        initial=DEFAULT_RANGE,
        required=False,
        help_text="“Custom dates” uses From and To.",
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        check_dates(self, "start", "end")

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["range"] = cleaned.get("range") or DEFAULT_RANGE
        if cleaned["range"] != "custom":
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" not in self.errors and not start:
            self.add_error("start", "Choose the first day.")
        if "end" not in self.errors and not end:
            self.add_error("end", "Choose the last day.")
        if start and end and end < start:
            self.add_error("end", "The last day can't be before the first.")
        elif start and end and (end - start).days > MAX_CUSTOM_DAYS:
            self.add_error("end", "Choose a range of at most 20 years.")
        return cleaned
