"""Hostile input to the Patterns page's date range, the clinician report and share-link forms."""

from __future__ import annotations

from http import HTTPStatus

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings

from tests.hostile import PAST_DAYS, SignedInTestCase, _count, assert_answered, form_data

RANGE_FIELDS = {
    "range": ["", "30d", "90d", "12m", "all", "custom", "7d"],
    "start": ["", *PAST_DAYS, "2000-01-01", "2019-12-31"],
    "end": ["", *PAST_DAYS, "2019-12-31", "2100-12-31"],
}
REPORT_FIELDS = RANGE_FIELDS | {"name": ["", "J. D.", "x" * 60, "x" * 61], "include_notes": ["on"]}
SHARE_FIELDS = REPORT_FIELDS | {"days": ["1", "14", "90", "0", "91"]}


class ReportFormsTest(SignedInTestCase):
    """The range, report and share forms, posted by a signed-in person."""

    @settings(max_examples=40, deadline=None)
    @given(form_data(RANGE_FIELDS))
    def test_patterns_range(self, data: dict) -> None:
        assert_answered(self.client.get(reverse("patterns"), data))

    @settings(max_examples=40, deadline=None)
    @given(form_data(REPORT_FIELDS))
    def test_report(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("report"), data))

    @settings(max_examples=40, deadline=None)
    @given(form_data(SHARE_FIELDS))
    def test_share_link(self, data: dict) -> None:
        response = self.client.post(reverse("share_list"), data)
        assert_answered(response)
        if response.context and response.context["new_link"]:
            _count("link made")
            # The link made opens, for anyone holding it.
            shared = Client().get(response.context["new_link"][1])
            assert shared.status_code == HTTPStatus.OK
