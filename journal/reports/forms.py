"""The forms of the reports: the report's range and contents, a share link, an import."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.html import format_html

from journal.patterns.forms import RangeForm
from journal.reports import column_mapping, episodes_import, sharing


class OptionsForm(forms.Form):
    """What goes in a report or an export; notes are private, so off by default."""

    name = forms.CharField(
        label="Name or initials on the report",
        max_length=60,
        required=False,
        help_text="Leave empty to show none.",
    )
    include_notes = forms.BooleanField(
        label="Include my notes", required=False, help_text="Off by default: notes are private."
    )


class ReportForm(RangeForm, OptionsForm):
    """The report's range and what goes in it."""


class ShareForm(ReportForm):
    days = forms.IntegerField(
        label="Link works for (days)",
        min_value=1,
        max_value=sharing.MAX_DAYS,
        initial=sharing.DEFAULT_DAYS,
        help_text=f"1 to {sharing.MAX_DAYS} days. You can revoke it at any time.",
        error_messages={
            "min_value": f"Choose from 1 to {sharing.MAX_DAYS} days.",
            "max_value": f"Choose from 1 to {sharing.MAX_DAYS} days.",
        },
    )
    include_fhir = forms.BooleanField(
        label="Let them download it as FHIR R4 (JSON) too",
        required=False,
        help_text="The range's episodes and your medicines, for a health record system.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "A CrampJournal export, the template filled in, or a spreadsheet of your "
            "own saved as CSV (you match its columns next). UTF-8, up to "
            f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB and "
            f"{episodes_import.MAX_ROWS:,} rows."
        ),
    )


class ColumnsForm(forms.Form):
    """A spreadsheet's columns, each matched to a journal field (or ignored), and which
    way round its dates are written. One select per column, named by its place."""

    day_order = forms.ChoiceField(
        label="Dates like 01/03/2026 are written",
        choices=column_mapping.DayOrder.choices,
    )

    def __init__(self, preview: episodes_import.Preview, *args, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "day_order": preview.day_order,
                **{f"col_{i}": t for i, t in enumerate(preview.targets)},
            },
        )
        super().__init__(*args, **kwargs)
        self.headers = preview.headers
        for i in range(len(preview.headers)):
            example = preview.first_values[i]
            shown = example if len(example) <= 40 else example[:40] + "…"
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=f"Column {column_mapping.column_name(preview.headers, i)[:80]}",
                choices=column_mapping.Target.choices,
                # Not "required": every column has an answer, "ignore" among them.
                required=False,
                # Help text is drawn as HTML (as Django's own is): the file's text is escaped.
                help_text=format_html("First row: {}", shown if shown.strip() else "empty"),
            )
        # Asked only where the file's dates could be read both ways; else the order its
        # dates show (or the person's region's) is taken (episodes_import.preview).
        if not preview.ambiguous_dates:
            del self.fields["day_order"]
        self.order_fields([*(f"col_{i}" for i in range(len(preview.headers))), "day_order"])

    def targets(self) -> list[str]:
        ignore = column_mapping.Target.IGNORE
        return [self.cleaned_data[f"col_{i}"] or ignore for i in range(len(self.headers))]

    def clean(self) -> dict:
        cleaned = super().clean()
        taken: dict[str, int] = {}
        for i in range(len(self.headers)):
            target = cleaned.get(f"col_{i}")
            if not target or target == column_mapping.Target.IGNORE:
                continue
            if target in taken:
                label = column_mapping.Target(target).label
                where = column_mapping.column_name(self.headers, taken[target])
                self.add_error(f"col_{i}", f"{label} is already matched to {where}.")
            else:
                taken[target] = i
        targets = [cleaned.get(f"col_{i}") or "ignore" for i in range(len(self.headers))]
        mapping = column_mapping.Mapping.from_targets(targets, cleaned.get("day_order", ""))
        for problem in column_mapping.problems_with(mapping):
            self.add_error(None, problem)
        return cleaned
