"""The forms of the reports: the report's range and contents, a share link, an import."""

from __future__ import annotations

from django import forms
from django.conf import settings

from journal.patterns.forms import RangeForm
from journal.reports import episodes_import, sharing


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
            "A CrampJournal export, or the template filled in. UTF-8, up to "
            f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB and "
            f"{episodes_import.MAX_ROWS:,} rows."
        ),
    )
