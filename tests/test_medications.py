"""The person's own medication list, and which were active on a day."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from journal.models import Medication


def test_add_edit_and_delete_a_medication(alice_client, user):
    response = alice_client.post(
        reverse("medication_create"),
        {"name": "Furosemide", "dose": "40 mg", "kind": "diuretic", "started_on": "2026-01-10"},
    )
    assert response.url == reverse("medication_list")
    medication = Medication.objects.get(owner=user)
    assert (medication.name, medication.kind) == ("Furosemide", "diuretic")
    listing = alice_client.get(reverse("medication_list")).content.decode()
    assert "Furosemide" in listing and "taking now" in listing

    alice_client.post(
        reverse("medication_edit", args=[medication.pk]),
        {
            "name": "Furosemide",
            "dose": "20 mg",
            "kind": "diuretic",
            "started_on": "2026-01-10",
            "stopped_on": "2026-02-01",
        },
    )
    medication.refresh_from_db()
    assert medication.dose == "20 mg" and medication.stopped_on == dt.date(2026, 2, 1)
    assert "not taking now" in alice_client.get(reverse("medication_list")).content.decode()

    assert alice_client.get(reverse("medication_delete", args=[medication.pk])).status_code == 200
    alice_client.post(reverse("medication_delete", args=[medication.pk]))
    assert Medication.objects.exists()  # a POST without the confirm page's answer asks
    alice_client.post(reverse("medication_delete", args=[medication.pk]), {"confirmed": "yes"})
    assert not Medication.objects.exists()


def test_active_on_follows_the_dates(user, make_medication):
    statin = make_medication(user, started_on=dt.date(2026, 1, 1))
    stopped = make_medication(
        user,
        name="Furosemide",
        kind="diuretic",
        started_on=dt.date(2026, 1, 1),
        stopped_on=dt.date(2026, 1, 31),
    )
    undated = make_medication(user, name="Amlodipine", kind="ccb")
    on = Medication.objects.for_user(user).active_on
    assert set(on(dt.date(2025, 12, 31))) == {undated}
    assert set(on(dt.date(2026, 1, 31))) == {statin, stopped, undated}
    assert set(on(dt.date(2026, 2, 1))) == {statin, undated}
    assert stopped.is_active_on(dt.date(2026, 1, 31)) and not stopped.is_active_on(
        dt.date(2026, 2, 1)
    )


def test_episode_detail_names_the_medicines_active_that_day(
    alice_client, user, make_medication, make_episode
):
    make_medication(user, name="Atorvastatin", started_on=dt.date(2026, 1, 1))
    make_medication(user, name="Oldpill", kind="other", stopped_on=dt.date(2025, 6, 1))
    episode = make_episode(user, started_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC))
    context = alice_client.get(reverse("episode_detail", args=[episode.pk])).context
    assert [m.name for m in context["active_medications"]] == ["Atorvastatin"]


def test_database_refuses_a_stop_before_the_start(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Medication.objects.create(
            owner=user,
            name="X",
            kind="other",
            started_on=dt.date(2026, 2, 1),
            stopped_on=dt.date(2026, 1, 1),
        )


def test_a_missing_name_is_explained(alice_client):
    response = alice_client.post(reverse("medication_create"), {"kind": "statin"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["name"] == ["This field is required."]
