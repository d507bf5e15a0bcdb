"""Keep me signed in on this device: a kept session lasts SESSION_DEVICE_DAYS from the
last visit with no idle limit, on the browser that holds its device cookie; without the
box, the 30-minute idle and 12-hour limits stay. The clock is moved with time-machine."""

import datetime as dt
import re
import time
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.accounts import two_factor
from journal.models import UserSession
from tests.conftest import PASSWORD, PIXEL

pytestmark = pytest.mark.django_db

HOUR, DAY = 3600, 24 * 3600


def later(seconds: float):
    """The clock moved on ``seconds`` from now (and standing still there)."""
    return time_machine.travel(time.time() + seconds, tick=False)


def sign_in(keep: bool, client: Client | None = None, **extra) -> Client:
    client = client or Client(HTTP_USER_AGENT=PIXEL)
    data = {"username": "alice", "password": PASSWORD, **extra}
    if keep:
        data["keep"] = "on"
    response = client.post(reverse("login"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content[:300]
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("quick_log")).status_code == HTTPStatus.OK


def test_the_box_is_on_the_sign_in_page_and_off_by_default(db):
    page = Client().get(reverse("login")).content.decode()
    assert "Keep me signed in on this device" in page
    assert 'name="keep"' in page
    assert not re.search(r'<input[^>]*name="keep"[^>]*checked', page)
    # The choice explained in one line, its days read from the setting.
    assert (
        f"Only on your own phone or computer: stay signed in for "
        f"{settings.SESSION_DEVICE_DAYS} days; not on a shared one." in page
    )


def test_a_kept_session_opens_the_quick_log_nine_hours_and_twenty_days_later(user, make_episode):
    make_episode(user)  # the place last logged is preset, so saving is one tap
    phone = sign_in(keep=True)
    with later(9 * HOUR):
        assert is_signed_in(phone)
    with later(20 * DAY):
        assert is_signed_in(phone)
        # And saves a cramp there, in its one tap.
        page = phone.get(reverse("quick_log"))
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        response = phone.post(reverse("quick_log"), data)
        assert response.status_code == HTTPStatus.FOUND
        assert "/episodes/" in response.url


def test_without_the_box_nine_hours_later_it_is_the_sign_in_page_then_back(user):
    phone = sign_in(keep=False)
    with later(9 * HOUR):
        response = phone.get(reverse("quick_log"))
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == f"{reverse('login')}?next={reverse('quick_log')}"
        back = sign_in(False, phone, next=reverse("quick_log"))
        assert is_signed_in(back)


def test_a_kept_session_ends_after_ninety_days_without_a_visit(user):
    phone = sign_in(keep=True)
    with later(settings.SESSION_DEVICE_DAYS * DAY - HOUR):
        assert is_signed_in(phone)  # a visit: the ninety days start again
    with later(2 * settings.SESSION_DEVICE_DAYS * DAY - 2 * HOUR):
        assert is_signed_in(phone)
    with later(3 * settings.SESSION_DEVICE_DAYS * DAY):
        assert not is_signed_in(phone)


def test_the_cookie_lasts_ninety_days_when_kept_and_twelve_hours_when_not(user):
    kept = sign_in(keep=True)
    cookie = kept.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_DEVICE_DAYS * DAY
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    ordinary = sign_in(keep=False)
    assert ordinary.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_copied_session_cookie_without_its_device_cookie_gets_the_ordinary_limits(user):
    phone = sign_in(keep=True)
    copy = Client(HTTP_USER_AGENT=PIXEL)
    copy.cookies[settings.SESSION_COOKIE_NAME] = phone.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(copy)  # within the ordinary limits, as any session
    with later(9 * HOUR):
        assert not is_signed_in(copy)


def test_a_device_cookie_of_another_sign_in_does_not_keep_the_session(user):
    """One notion of "this device": the kept session is bound to the device cookie
    given at its own sign-in, not to any valid one of the account's."""
    phone = sign_in(keep=True)
    other = sign_in(keep=False)
    phone.cookies[settings.DEVICE_COOKIE_NAME] = other.cookies[settings.DEVICE_COOKIE_NAME].value
    with later(9 * HOUR):
        assert not is_signed_in(phone)


def test_a_kept_session_renews_its_device_cookie_as_it_is_used(user):
    phone = sign_in(keep=True)
    with later(2 * 60):
        response = phone.get(reverse("quick_log"))
    renewed = response.cookies[settings.DEVICE_COOKIE_NAME]
    assert renewed["max-age"] == int(settings.DEVICE_COOKIE_AGE.total_seconds())


def test_the_session_key_changes_at_sign_in(user):
    client = Client(HTTP_USER_AGENT=PIXEL)
    client.post(reverse("passkey_sign_in_options"))  # an anonymous session exists now
    before = client.session.session_key
    sign_in(True, client)
    assert client.session.session_key != before
    assert not UserSession.objects.filter(session_key=before).exists()


def test_the_code_step_keeps_the_box_as_ticked_and_can_change_it(user):
    device = two_factor.unconfirmed_app(user)
    device.confirmed = True
    device.save()
    codes = two_factor.new_backup_codes(user)
    client = Client(HTTP_USER_AGENT=PIXEL)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "keep": "on"})
    page = client.get(reverse("login_code")).content.decode()
    assert "Keep me signed in on this device" in page
    assert re.search(r'<input[^>]*name="keep"[^>]*checked', page)
    client.post(reverse("login_code"), {"code": codes[0], "keep": "on"})
    with later(9 * HOUR):
        assert is_signed_in(client)
    other = Client(HTTP_USER_AGENT=PIXEL)
    other.post(reverse("login"), {"username": "alice", "password": PASSWORD, "keep": "on"})
    other.post(reverse("login_code"), {"code": codes[1]})  # unticked at the code step
    with later(9 * HOUR):
        assert not is_signed_in(other)


def test_a_password_change_ends_the_other_kept_sessions(user):
    phone, laptop = sign_in(keep=True), sign_in(keep=True)
    new = "another-long-password-77"
    laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_sign_out_ends_a_kept_session_on_the_server(user):
    phone = sign_in(keep=True)
    key = phone.session.session_key
    phone.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    replay = Client(HTTP_USER_AGENT=PIXEL)
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_signed_in(replay)


def test_in_production_both_cookies_are_host_prefixed_secure_httponly_and_lax(user, settings):
    settings.SESSION_COOKIE_NAME, settings.DEVICE_COOKIE_NAME = "__Host-sessionid", "__Host-device"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client(HTTP_USER_AGENT=PIXEL)
    data = {"username": "alice", "password": PASSWORD, "keep": "on"}
    assert client.post(reverse("login"), data, secure=True).status_code == HTTPStatus.FOUND
    for name, age in (
        ("__Host-sessionid", settings.SESSION_DEVICE_DAYS * DAY),
        ("__Host-device", int(settings.DEVICE_COOKIE_AGE.total_seconds())),
    ):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"]
        assert (cookie["path"], cookie["domain"], cookie["samesite"]) == ("/", "", "Lax")
        assert cookie["max-age"] == age


# "Keep this phone signed in?" after a cramp is logged (issue 30) ------------------------

DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
QUESTION = f"Keep this phone signed in for {settings.SESSION_DEVICE_DAYS} days?"


def log_a_cramp(client: Client) -> str:
    """The quick log, saved with a place chosen; the episode page it lands on."""
    form = client.get(reverse("quick_log")).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"body_region": "calf", "side": "left"}
    response = client.post(reverse("quick_log"), data, follow=True)
    assert response.redirect_chain[-1][0].startswith("/episodes/")
    return response.content.decode()


def answer(client: Client, choice: str):
    return client.post(reverse("keep_signed_in"), {"answer": choice, "next": "/episodes/"})


def test_after_a_cramp_on_a_phone_it_asks_to_keep_the_phone_signed_in(user):
    phone = sign_in(keep=False)
    page = log_a_cramp(phone)
    assert QUESTION in page
    assert 'name="answer" value="yes"' in page and "Not now" in page
    assert 'name="csrfmiddlewaretoken"' in page[page.index(QUESTION) :]


def test_a_desktop_browser_is_never_asked_and_cannot_answer_yes(user):
    desktop = sign_in(keep=False, client=Client(HTTP_USER_AGENT=DESKTOP))
    assert QUESTION not in log_a_cramp(desktop)
    answer(desktop, "yes")
    session = UserSession.objects.get(
        session_key=desktop.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert not session.kept
    with later(9 * HOUR):
        assert not is_signed_in(desktop)


def test_a_kept_phone_is_not_asked(user):
    assert QUESTION not in log_a_cramp(sign_in(keep=True))


def test_yes_keeps_this_phone_signed_in_for_ninety_days(user):
    phone = sign_in(keep=False)
    log_a_cramp(phone)
    before = timezone.now()
    response = answer(phone, "yes")
    assert response.status_code == HTTPStatus.FOUND and response.url == "/episodes/"
    cookie = phone.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_DEVICE_DAYS * DAY
    session = UserSession.objects.get(session_key=cookie.value)
    assert session.kept
    lasts = session.expire_date - before
    assert abs(lasts - dt.timedelta(days=settings.SESSION_DEVICE_DAYS)) < dt.timedelta(minutes=1)
    with later(9 * HOUR):
        assert is_signed_in(phone)
    with later(settings.SESSION_DEVICE_DAYS * DAY - 2 * HOUR):
        assert is_signed_in(phone)
        assert QUESTION not in log_a_cramp(phone)


def test_not_now_is_not_asked_again_in_this_sitting_nor_on_this_phone(user):
    phone = sign_in(keep=False)
    log_a_cramp(phone)
    answer(phone, "no")
    assert QUESTION not in log_a_cramp(phone)
    with later(9 * HOUR):  # signed out by the ordinary limits; signed in again
        assert not is_signed_in(phone)
        sign_in(keep=False, client=phone)
        assert QUESTION not in log_a_cramp(phone)
    session = UserSession.objects.get(session_key=phone.cookies[settings.SESSION_COOKIE_NAME].value)
    assert not session.kept


def test_unanswered_it_is_asked_once_per_sitting(user):
    phone = sign_in(keep=False)
    assert QUESTION in log_a_cramp(phone)
    assert QUESTION not in log_a_cramp(phone)
