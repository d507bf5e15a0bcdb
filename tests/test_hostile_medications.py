"""Hostile input to the medication forms: adding a medicine and editing one."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given, settings

from journal.models import MedicationKind
from tests.hostile import PAST_DAYS, SignedInTestCase, assert_answered, form_data

MEDICATION_FIELDS = {
    "name": ["Magnesium", "x" * 100, "x" * 101],
    "dose": ["", "20 mg", "x" * 101],
    "kind": MedicationKind.values,
    "started_on": ["", *PAST_DAYS],
    "stopped_on": ["", *PAST_DAYS],
}


class MedicationFormsTest(SignedInTestCase):
    """The medication forms, posted by a signed-in person."""

    @settings(max_examples=40, deadline=None)
    @given(form_data(MEDICATION_FIELDS))
    def test_medication_create(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("medication_create"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data(MEDICATION_FIELDS))
    def test_medication_edit(self, data: dict) -> None:
        url = reverse("medication_edit", args=[self.medication.pk])
        assert_answered(self.client.post(url, data))
