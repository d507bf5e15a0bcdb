"""Forms, one module per feature; every rule gives a message next to its field."""

from journal.forms.accounts import (
    CodeForm,
    DeleteAccountForm,
    ProfileForm,
    SetupCodeForm,
    SignInForm,
    SignUpForm,
    TwoFactorOffForm,
)
from journal.forms.checkins import CheckInForm
from journal.forms.episodes import (
    EpisodeFilterForm,
    EpisodeForm,
    QuickLogForm,
    TimerStartForm,
    TimerStopForm,
)
from journal.forms.medications import MedicationForm

__all__ = [
    "CodeForm",
    "SetupCodeForm",
    "TwoFactorOffForm",
    "CheckInForm",
    "EpisodeFilterForm",
    "EpisodeForm",
    "MedicationForm",
    "DeleteAccountForm",
    "ProfileForm",
    "QuickLogForm",
    "SignInForm",
    "SignUpForm",
    "TimerStartForm",
    "TimerStopForm",
]
