"""Profile → Devices: each session of the person's with a readable device name, when it
signed in and was last active, whether it is kept; signing one or all others out, on
the server, in the audit trail; the owner's only; in the export, gone with the account."""

import json
import re
import time
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from journal.accounts import sessions
from journal.models import AuditEvent, AuditKind, UserSession
from tests.conftest import PASSWORD, PIXEL

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_in(user_agent: str, keep: bool = False, username: str = "alice") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR="192.0.2.7")
    data = {"username": username, "password": PASSWORD}
    if keep:
        data["keep"] = "on"
    assert client.post(reverse("login"), data).status_code == HTTPStatus.FOUND
    return client


def _ids(page: str) -> list[str]:
    return re.findall(r'action="/profile/devices/([0-9a-f]+)/sign-out/"', page)


def test_every_device_is_listed_with_its_name_times_and_this_device(user):
    phone = signed_in(PIXEL, keep=True)
    laptop = signed_in(FIREFOX)
    page = laptop.get(reverse("devices")).content.decode()
    assert "Chrome Mobile on Android 14, Pixel 7" in page
    assert "Firefox on Windows 10" in page
    assert page.count("This device") == 1
    assert page.index("Firefox on Windows 10") < page.index("This device") < page.index("Pixel 7")
    assert "Kept signed in" in page
    assert "192.0.2.7" in page
    # Only the other device has a sign-out button: this one signs out from the menu.
    assert len(_ids(page)) == 1
    assert phone.get(reverse("quick_log")).status_code == HTTPStatus.OK


def test_last_active_is_kept_to_the_minute(user):
    phone = signed_in(PIXEL, keep=True)
    row = UserSession.objects.get(session_key=phone.session.session_key)
    first = row.last_seen_at
    with time_machine.travel(time.time() + 5 * 60, tick=False):
        phone.get(reverse("quick_log"))
    row = UserSession.objects.get(session_key=phone.session.session_key)
    assert 4 * 60 < (row.last_seen_at - first).total_seconds() < 6 * 60
    assert row.device == "Chrome Mobile on Android 14, Pixel 7"
    assert row.kept


def test_signing_one_device_out_ends_its_session_on_the_server(user):
    phone = signed_in(PIXEL, keep=True)
    laptop = signed_in(FIREFOX)
    key = phone.session.session_key
    [device_id] = _ids(laptop.get(reverse("devices")).content.decode())
    response = laptop.post(reverse("device_sign_out", args=[device_id]))
    assert response.url == reverse("devices")
    assert not UserSession.objects.filter(session_key=key).exists()
    assert phone.get(reverse("quick_log")).status_code == HTTPStatus.FOUND
    assert laptop.get(reverse("quick_log")).status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(user_id=user.pk, kind=AuditKind.DEVICE_SIGNED_OUT).exists()


def test_signing_out_every_other_device(user):
    phones = [signed_in(PIXEL, keep=True) for _ in range(3)]
    laptop = signed_in(FIREFOX)
    response = laptop.post(reverse("sign_out_others"))
    assert response.url == reverse("devices")
    assert all(p.get(reverse("quick_log")).status_code == HTTPStatus.FOUND for p in phones)
    assert laptop.get(reverse("quick_log")).status_code == HTTPStatus.OK
    event = AuditEvent.objects.get(user_id=user.pk, kind=AuditKind.OTHERS_SIGNED_OUT)
    assert event.detail == "3 devices"


def test_another_persons_device_is_a_404_and_stays_signed_in(user, other_user):
    bobs_phone = signed_in(PIXEL, username="mallory")
    bob_id = sessions.public_id(bobs_phone.session.session_key)
    alice = signed_in(FIREFOX)
    assert "Pixel 7" not in alice.get(reverse("devices")).content.decode()
    response = alice.post(reverse("device_sign_out", args=[bob_id]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert bobs_phone.get(reverse("quick_log")).status_code == HTTPStatus.OK


def test_the_id_on_the_page_is_not_the_session_key(user):
    phone = signed_in(PIXEL)
    laptop = signed_in(FIREFOX)
    page = laptop.get(reverse("devices")).content.decode()
    assert phone.session.session_key not in page
    assert laptop.session.session_key not in page


def test_devices_are_in_the_export_and_gone_with_the_account(user):
    signed_in(PIXEL, keep=True)
    laptop = signed_in(FIREFOX)
    data = json.loads(laptop.get(reverse("export_all_data")).content)
    names = sorted(d["device"] for d in data["devices"])
    assert names == ["Chrome Mobile on Android 14, Pixel 7", "Firefox on Windows 10"]
    assert all(d["ip_address"] == "192.0.2.7" for d in data["devices"])
    assert "session_key" not in json.dumps(data)
    laptop.post(reverse("delete_account"), {"password": PASSWORD})
    assert not UserSession.objects.filter(user_id=user.pk).exists()


def test_a_long_or_odd_user_agent_still_names_a_device(user):
    client = signed_in("x" * 10_000)
    assert (
        UserSession.objects.get(session_key=client.session.session_key).device == "Unknown device"
    )
