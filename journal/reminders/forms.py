from __future__ import annotations

import calendar

from django import forms

from journal.models import Reminder, ReminderKind
from journal.reminders.schedule import TIMER_AFTER_MINUTES

WEEKDAYS = [(index, name) for index, name in enumerate(calendar.day_name)]
# Beside a reminder's time, once saved: "The next reminder comes tomorrow at 07:15."
NEXT_REMINDER = "The next reminder comes {when}."


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 20:00."},
    )


class RemindersForm(forms.Form):
    check_in_on = forms.BooleanField(
        required=False,
        label="Remind me to check in each day",
        help_text="Only on days you have not checked in yet.",
    )
    check_in_at = _time_field("At (your time)")
    timer_on = forms.BooleanField(
        required=False,
        label=f"Remind me when a timer is still running after {TIMER_AFTER_MINUTES} minutes",
        help_text="Once per episode, to set how long it lasted.",
    )
    weekly_on = forms.BooleanField(
        required=False,
        label="Tell me each week that my patterns are ready",
        help_text="A link only.",
    )
    weekly_day = forms.TypedChoiceField(label="On", choices=WEEKDAYS, coerce=int, required=False)
    weekly_at = _time_field("At (your time)")

    def __init__(self, *args, upcoming: dict[str, str] | None = None, **kwargs) -> None:
        """``upcoming``: when each saved reminder next goes, in words, by kind
        (journal.reminders.preferences.upcoming), said under its time."""
        super().__init__(*args, **kwargs)
        for kind, when in (upcoming or {}).items():
            self.fields[f"{kind}_at"].help_text = NEXT_REMINDER.format(when=when)

    @classmethod
    def initial_from(cls, reminders: dict[str, Reminder]) -> dict:
        check_in, timer, weekly = (reminders[k] for k in ReminderKind.values)
        return {
            "check_in_on": check_in.enabled,
            "check_in_at": check_in.at,
            "timer_on": timer.enabled,
            "weekly_on": weekly.enabled,
            "weekly_day": weekly.weekday,
            "weekly_at": weekly.at,
        }

    def clean(self) -> dict:
        data = super().clean()
        for kind in ("check_in", "weekly"):
            if (
                data.get(f"{kind}_on")
                and data.get(f"{kind}_at") is None
                and not self.has_error(f"{kind}_at")
            ):
                self.add_error(f"{kind}_at", "Choose a time for this reminder.")
        if data.get("weekly_on") and data.get("weekly_day") in (None, ""):
            self.add_error("weekly_day", "Choose a day for this reminder.")
        return data

    def chosen(self) -> dict[str, dict]:
        """The choices by kind, as journal.reminders.preferences.save takes them."""
        data = self.cleaned_data
        chosen = {
            ReminderKind.CHECK_IN: {"enabled": data["check_in_on"]},
            ReminderKind.TIMER: {"enabled": data["timer_on"]},
            ReminderKind.WEEKLY: {"enabled": data["weekly_on"]},
        }
        # A time left empty on a reminder turned off keeps the one saved before.
        if data.get("check_in_at"):
            chosen[ReminderKind.CHECK_IN]["at"] = data["check_in_at"]
        if data.get("weekly_at"):
            chosen[ReminderKind.WEEKLY]["at"] = data["weekly_at"]
        if data.get("weekly_day") not in (None, ""):
            chosen[ReminderKind.WEEKLY]["weekday"] = data["weekly_day"]
        return chosen
