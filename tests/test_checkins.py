"""The daily check-in: one per person per local day, edited rather than duplicated."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn, Profile


def test_check_in_for_today(alice_client, user):
    today = timezone.localdate()
    page = alice_client.get(reverse("checkin_today"))
    assert page.context["form"]["date"].value() == today
    response = alice_client.post(
        reverse("checkin_today"),
        {
            "date": today.isoformat(),
            "fluid_ml": "2100",
            "electrolytes": "true",
            "exercise_minutes": "40",
            "exercise_intensity": "moderate",
            "warmed_up": "false",
            "stretched": "on",
            "sleep_hours": "6.5",
            "notes": "long walk",
        },
    )
    assert response.url == reverse("checkin_list")
    checkin = CheckIn.objects.get(owner=user)
    assert checkin.date == today and checkin.fluid_ml == 2100 and checkin.electrolytes
    assert checkin.exercise_minutes == 40 and checkin.warmed_up is False and checkin.stretched
    assert checkin.sleep_hours == 6.5 and checkin.notes == "long walk"


def test_a_second_check_in_for_the_same_day_edits_the_first(alice_client, user):
    day = "2026-05-04"
    alice_client.post(reverse("checkin_today"), {"date": day, "fluid_ml": "1000"})
    alice_client.post(
        reverse("checkin_today"), {"date": day, "fluid_ml": "1800", "stretched": "on"}
    )
    checkin = CheckIn.objects.get(owner=user)
    assert checkin.fluid_ml == 1800 and checkin.stretched
    page = alice_client.get(reverse("checkin_day", args=[dt.date(2026, 5, 4)]))
    assert page.context["form"]["fluid_ml"].value() == 1800
    assert b"already checked in for this day" in page.content


def test_the_database_refuses_a_duplicate_day(user, make_checkin):
    make_checkin(user, date=dt.date(2026, 5, 4))
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(owner=user, date=dt.date(2026, 5, 4))


def test_two_people_can_check_in_for_the_same_day(user, other_user, make_checkin):
    make_checkin(user, date=dt.date(2026, 5, 4))
    make_checkin(other_user, date=dt.date(2026, 5, 4))
    assert CheckIn.objects.count() == 2


def test_today_is_the_persons_local_day(alice_client, user):
    Profile.objects.filter(user=user).update(time_zone="Pacific/Kiritimati")  # UTC+14
    kiritimati_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    page = alice_client.get(reverse("checkin_today"))
    assert page.context["form"]["date"].value() == kiritimati_today


def test_fluid_in_fluid_ounces(alice_client, user):
    Profile.objects.filter(user=user).update(fluid_unit="floz")
    alice_client.post(reverse("checkin_today"), {"date": "2026-05-04", "fluid_ml": "64"})
    assert CheckIn.objects.get(owner=user).fluid_ml == 1893  # 64 US fl oz
    page = alice_client.get(reverse("checkin_list")).content.decode()
    assert "64.0 fl oz" in page


def test_delete_a_check_in_asks_first(alice_client, user, make_checkin):
    # Issue 30: the form's one-tap button, right under Save, only asks now.
    checkin = make_checkin(user, date=dt.date(2026, 5, 4))
    asked = alice_client.post(reverse("checkin_delete", args=[checkin.date]))
    assert asked.status_code == HTTPStatus.OK
    assert "Delete this check-in?" in asked.content.decode()
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    response = alice_client.post(
        reverse("checkin_delete", args=[checkin.date]), {"confirmed": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not CheckIn.objects.exists()


def test_an_impossible_date_in_the_url_is_404(alice_client):
    assert alice_client.get("/checkins/2026-02-30/").status_code == HTTPStatus.NOT_FOUND
