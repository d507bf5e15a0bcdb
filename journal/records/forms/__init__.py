"""The journal's forms: episodes, check-ins and medicines; every rule gives a message
next to its field."""

from journal.records.forms.checkins import CheckInForm
from journal.records.forms.episodes import (
    EpisodeFilterForm,
    EpisodeForm,
    QuickLogForm,
    TimerStartForm,
    TimerStopForm,
)
from journal.records.forms.medications import MedicationForm

__all__ = [
    "CheckInForm",
    "EpisodeFilterForm",
    "EpisodeForm",
    "MedicationForm",
    "QuickLogForm",
    "TimerStartForm",
    "TimerStopForm",
]
