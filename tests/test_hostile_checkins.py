"""Hostile input to the daily check-in forms, for today and for a day named in the address."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.models import ExerciseIntensity, FluidUnit
from tests.hostile import (
    FLUID,
    PAST_DAYS,
    YES_NO,
    SignedInTestCase,
    assert_answered,
    form_data,
)

CHECKIN_FIELDS = {
    "date": PAST_DAYS,
    "fluid_ml": FLUID,
    "electrolytes": YES_NO,
    "exercise_minutes": ["", "0", "1440", "1441"],
    "exercise_intensity": ["", *ExerciseIntensity.values],
    "warmed_up": YES_NO,
    "stretched": ["on", ""],
    "sleep_hours": ["", "0", "7.5", "24", "24.5", "7.25"],
    "notes": ["", "Slept badly"],
}


class CheckInFormsTest(SignedInTestCase):
    """The check-in forms, posted by a signed-in person."""

    @settings(max_examples=50, deadline=None)
    @given(data=form_data(CHECKIN_FIELDS), unit=st.sampled_from(FluidUnit.values))
    def test_checkin_today(self, data: dict, unit: str) -> None:
        self._in_unit(unit)
        assert_answered(self.client.post(reverse("checkin_today"), data))

    @settings(max_examples=40, deadline=None)
    @given(
        day=st.one_of(
            st.dates(), st.sampled_from(["0000-00-00", "2026-02-30", "2024-13-01", "2023-02-29"])
        ),
        data=form_data(CHECKIN_FIELDS),
    )
    def test_checkin_for_a_day(self, day: dt.date | str, data: dict) -> None:
        url = f"/checkins/{day.isoformat() if isinstance(day, dt.date) else day}/"
        response = self.client.post(url, data)
        assert_answered(response)
        if isinstance(day, str):
            assert response.status_code == HTTPStatus.NOT_FOUND
