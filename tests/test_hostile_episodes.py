"""Hostile input to the episode forms: full form, edit, quick log, timer, list filter."""

from __future__ import annotations

import datetime as dt
import uuid
from http import HTTPStatus

from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from journal.models import (
    Activity,
    BodyRegion,
    Episode,
    ExerciseIntensity,
    FluidUnit,
    Medication,
    ReliefEffect,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
)
from tests.hostile import (
    FLUID,
    PAST_DAYS,
    YES_NO,
    SignedInTestCase,
    assert_answered,
    form_data,
)

# Plausible values for each field, good and bad; the first in each list is a good one.
PAST_TIMES = ["2024-05-01T03:15", "2025-12-31T23:59", "2000-02-29T12:00", "1900-01-01T00:00"]
INTENSITIES = ["0", "5", "10", "11", "-1"]
EPISODE_FIELDS = {
    "started_at": PAST_TIMES,
    "duration_minutes": ["", "0", "1", "1440", "1441"],
    "duration_seconds_part": ["", "0", "30", "59", "60"],
    "ongoing": ["on", ""],
    "body_region": BodyRegion.values,
    "side": Side.values,
    "intensity": INTENSITIES,
    "activity": ["", *Activity.values],
    "broke_sleep": ["on", ""],
    "fluid_ml": FLUID,
    "electrolyte_drink": YES_NO,
    "exercise_type": ["", "Running", "x" * 100, "x" * 101],
    "exercise_minutes": ["", "0", "1440", "1441"],
    "exercise_intensity": ["", *ExerciseIntensity.values],
    "heavy_sweating": YES_NO,
    "triggers": Trigger.values,
    "symptoms": Symptom.values,
    "medications_taken": [],  # filled in with the person's own ids
    "notes": ["", "Woke at 2:30"],
    "client_id": ["", str(uuid.uuid4()), str(uuid.UUID(int=0))],
    **{f"relief_{m}": ["", *map(str, ReliefEffect.values)] for m in ReliefMeasure.values},
}
QUICK_FIELDS = {
    "started_ago": ["0", "5", "120", "121"],
    "how_long": ["", "ongoing", "30", "1800", "31"],
    "body_region": BodyRegion.values,
    "side": Side.values,
    "intensity": INTENSITIES,
    "broke_sleep": ["on", ""],
    "client_id": ["", str(uuid.uuid4())],
}
TIMER_FIELDS = {
    "body_region": BodyRegion.values,
    "side": Side.values,
    "intensity": INTENSITIES,
    "client_id": ["", str(uuid.uuid4())],
}
FILTER_FIELDS = {
    "date_from": ["", *PAST_DAYS],
    "date_to": ["", *PAST_DAYS],
    "region": ["", *BodyRegion.values],
    "intensity_min": ["", "0", "10", "11"],
    "intensity_max": ["", "0", "10", "-1"],
}


class EpisodeFormsTest(SignedInTestCase):
    """Every episode form, posted by a signed-in person."""

    def _episode_form_data(self) -> st.SearchStrategy:
        return form_data(EPISODE_FIELDS | {"medications_taken": self.medication_ids})

    def _assert_no_one_elses_medicine(self) -> None:
        taken = Medication.objects.filter(episodes_taken_for__owner=self.alice)
        assert not taken.exclude(owner=self.alice).exists()

    @settings(max_examples=60, deadline=None)
    @given(data=st.data(), unit=st.sampled_from(FluidUnit.values))
    def test_episode_full_form(self, data: st.DataObject, unit: str) -> None:
        self._in_unit(unit)
        fields = data.draw(self._episode_form_data())
        before = Episode.objects.count()
        response = self.client.post(reverse("episode_create"), fields)
        assert_answered(response)
        assert Episode.objects.count() == before + (response.status_code == HTTPStatus.FOUND)
        self._assert_no_one_elses_medicine()

    @settings(max_examples=50, deadline=None)
    @given(data=st.data(), unit=st.sampled_from(FluidUnit.values))
    def test_episode_edit(self, data: st.DataObject, unit: str) -> None:
        self._in_unit(unit)
        fields = data.draw(self._episode_form_data())
        response = self.client.post(reverse("episode_edit", args=[self.episode.pk]), fields)
        assert_answered(response)
        self._assert_no_one_elses_medicine()

    @settings(max_examples=40, deadline=None)
    @given(form_data(QUICK_FIELDS))
    @example({"client_id": "not-a-uuid", "body_region": "calf", "side": "left", "intensity": "5"})
    def test_quick_log(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("quick_log"), data))

    @settings(max_examples=40, deadline=None)
    @given(form_data(TIMER_FIELDS))
    @example({"client_id": "\x00", "body_region": "calf", "side": "left", "intensity": "5"})
    def test_timer_start(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("timer_start"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data({"intensity": INTENSITIES}))
    def test_timer_stop(self, data: dict) -> None:
        Episode.objects.filter(pk=self.episode.pk).update(ongoing=True, duration_seconds=None)
        Episode.objects.filter(pk=self.episode.pk).update(started_at=dt.datetime.now(dt.UTC))
        response = self.client.post(reverse("episode_stop", args=[self.episode.pk]), data)
        assert_answered(response)

    @settings(max_examples=40, deadline=None)
    @given(form_data(FILTER_FIELDS, extra=["clear"]))
    def test_episode_list_filter(self, data: dict) -> None:
        response = self.client.post(reverse("episode_list"), data)
        assert_answered(response)
        # What was accepted is kept for the list: drawing it again must work too.
        assert_answered(self.client.get(reverse("episode_list")))


def test_a_medicine_id_past_64_bits_is_refused(user, alice_client, make_medication):
    make_medication(user)
    data = {
        "started_at": "2024-05-01T03:15",
        "body_region": "calf",
        "side": "left",
        "intensity": "5",
        "medications_taken": str(2**63),
    }
    response = alice_client.post(reverse("episode_create"), data)
    assert_answered(response)
    assert response.context["form"].errors["medications_taken"]
