"""Hostile input: every form a person can post, fed random and malicious values.

Whatever arrives (unicode, 10,000 characters, NUL bytes, numbers out of range, NaN,
impossible dates, SQL and HTML, lists where one value is expected, fields left out), a
page never fails with a 500, and a form that is drawn again because something was
refused says what: each refusal has a message, and the message is on the page.

Each example runs in its own transaction (hypothesis.extra.django.TestCase), so rate
limits, lockouts and saved rows start afresh every time.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import time
import uuid
from http import HTTPStatus
from urllib.parse import quote

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from journal import two_factor
from journal.models import (
    Activity,
    BodyRegion,
    Episode,
    ExerciseIntensity,
    FluidUnit,
    Medication,
    MedicationKind,
    Profile,
    ReliefEffect,
    ReliefMeasure,
    Side,
    Symptom,
    Trigger,
)
from journal.reports.episodes_csv import HEADER

PASSWORD = "a-long-test-password-42"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
# Valid as an address (labels under 64 characters) but longer than auth_user.email holds.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".com"
# The longest address auth_user.email holds: 254 characters.
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "b" * 63 + "." + "b" * 57 + ".com"
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "é" * 10_000,
    "9" * 10_000,
    "-1",
    "0",
    "-0",
    "1.5",
    "1,5",
    "0x1F",
    "1e309",
    "1e-400",
    "0E-1000",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "²",
    "٣",
    "0000-00-00",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01",
    "1899-12-31",
    "2101-01-01",
    "10000-01-01",
    "-2026-01-01",
    "0000-00-00T00:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30T12:00",
    "2026-03-29T01:30",
    "1900-01-01T00:00",
    "2100-12-31T23:59",
    "'; DROP TABLE auth_user; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(10)",
    XSS,
    "{{ 7|add:7 }}{% debug %}",
    "%s%s%n",
    "../../etc/passwd",
    "javascript:alert(1)",
    "//evil.example/",
    "true",
    "false",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    "\u202e\ufeff\u200b",
    "😀" * 50,
    "\r\n",
    "\t\v\f",
    LONG_EMAIL,
    LONGEST_EMAIL,
    '"<script>alert(1)</script>"@example.com',
]
hostile = st.sampled_from(HOSTILE)
scalar = st.one_of(
    hostile,
    hostile,
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)
# Repeated fields: a list where one value is expected (the last one usually wins).
hostile_value = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


@st.composite
def _mostly_valid(
    draw, valid: dict[str, list[str]], bad: dict[str, st.SearchStrategy]
) -> dict[str, str | list[str]]:
    """A plausible value in every field (often the first listed, a good one), then up to
    three fields left out or spoiled: enough good fields that a form also gets as far as
    saving odd values."""
    data = {
        name: draw(st.one_of(st.just(values[0]), st.sampled_from(values)))
        for name, values in valid.items()
        if values
    }
    for name in draw(st.lists(st.sampled_from(sorted(bad)), max_size=3, unique=True)):
        if draw(st.booleans()):
            data.pop(name, None)
        else:
            data[name] = draw(bad[name])
    return data


def form_data(
    valid: dict[str, list[str]],
    extra: list[str] = (),
) -> st.SearchStrategy:
    """Form fields, each left out, given a plausible value or something hostile."""
    bad = dict.fromkeys([*valid, *extra], hostile_value)
    anything = st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(st.sampled_from(valid[name]), bad[name])
            if valid.get(name)
            else bad[name]
            for name in bad
        },
    )
    return st.one_of(anything, _mostly_valid(valid, bad))


def _bound_forms(response) -> list[BaseForm]:
    forms: dict[int, BaseForm] = {}
    for context in response.context or []:
        for layer in context:
            for value in layer.values():
                if isinstance(value, BaseForm) and value.is_bound:
                    forms[id(value)] = value
    return list(forms.values())


def _count(what: str) -> None:
    """Tally what happened, for pytest --hypothesis-show-statistics."""
    if currently_in_test_context():
        event(what)


def assert_answered(response) -> None:
    """Never a server error; a form drawn again says why each refusal happened."""
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    _count(f"answered {response.status_code}")
    if response.status_code != HTTPStatus.OK:
        return
    html = response.content.decode()
    for form in _bound_forms(response):
        if form.is_valid():
            continue
        _count(f"{type(form).__name__} refused")
        messages = [str(m) for errors in form.errors.values() for m in errors]
        assert messages, f"{type(form).__name__} refused without a message"
        for message in messages:
            assert message.strip(), f"{type(form).__name__} gave an empty message"
            assert escape(message) in html, f"{type(form).__name__}: {message!r} not shown"


def _last(value: str | list[str]) -> str:
    """The value a form reads from a field sent once or repeated."""
    return value[-1] if isinstance(value, list) else value


def _make_user(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    Profile.objects.create(user=user)
    return user


def _with_codes(data: dict, device: TOTPDevice) -> dict:
    """The form data with "app" replaced by the code the app shows now, and "backup" by
    one of the person's backup codes."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    backup = StaticToken.objects.filter(device__user=device.user).first()
    codes = {"app": f"{totp.token():06d}", "backup": backup.token if backup else "none"}
    if isinstance(data.get("code"), str):
        return data | {"code": codes.get(data["code"], data["code"])}
    return data


# Plausible values for each field, good and bad; the first in each list is a good one.
PAST_TIMES = ["2024-05-01T03:15", "2025-12-31T23:59", "2000-02-29T12:00", "1900-01-01T00:00"]
PAST_DAYS = ["2024-05-01", "2000-02-29", "1900-01-01", "2025-12-31"]
YES_NO = ["", "true", "false", "unknown", "2", "1", "0"]
INTENSITIES = ["0", "5", "10", "11", "-1"]
FLUID = ["", "0", "1500", "15000", "15000.1", "507.2", "507.3", "0.05"]
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
MEDICATION_FIELDS = {
    "name": ["Magnesium", "x" * 100, "x" * 101],
    "dose": ["", "20 mg", "x" * 101],
    "kind": MedicationKind.values,
    "started_on": ["", *PAST_DAYS],
    "stopped_on": ["", *PAST_DAYS],
}
RANGE_FIELDS = {
    "range": ["", "30d", "90d", "12m", "all", "custom", "7d"],
    "start": ["", *PAST_DAYS, "2000-01-01", "2019-12-31"],
    "end": ["", *PAST_DAYS, "2019-12-31", "2100-12-31"],
}
REPORT_FIELDS = RANGE_FIELDS | {"name": ["", "J. D.", "x" * 60, "x" * 61], "include_notes": ["on"]}
SHARE_FIELDS = REPORT_FIELDS | {"days": ["1", "14", "90", "0", "91"]}
FILTER_FIELDS = {
    "date_from": ["", *PAST_DAYS],
    "date_to": ["", *PAST_DAYS],
    "region": ["", *BodyRegion.values],
    "intensity_min": ["", "0", "10", "11"],
    "intensity_max": ["", "0", "10", "-1"],
}
TIME_ZONES = ["UTC", "Europe/London", "Pacific/Kiritimati", "Pacific/Niue", "Etc/GMT+12"]
NEW_PASSWORDS = ["another-long-passphrase-77", "", "password", "12345678", "alice"]


class TestCase(HypothesisTestCase):
    """Each example runs in its own rolled-back transaction, and so does the database
    cache; Redis does not roll back, so it is emptied too (rate limits start afresh)."""

    def setup_example(self) -> None:
        super().setup_example()
        if "redis" in django_settings.CACHES["default"]["BACKEND"].lower():
            cache.clear()


class SignedOutFormsTest(TestCase):
    """Sign-up, sign-in with its code step, and the password reset."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = _make_user("alice")
        cls.tfa = _make_user("tfa")
        TOTPDevice.objects.create(user=cls.tfa, name=two_factor.APP_NAME, confirmed=True)
        two_factor.new_backup_codes(cls.tfa)

    @settings(max_examples=50, deadline=None)
    @given(
        form_data(
            {
                "username": ["bob", "alice", "x" * 150, "x" * 151, "bad name!"],
                "email": ["bob@example.com", LONG_EMAIL, "not an email"],
                "password1": NEW_PASSWORDS,
                "password2": NEW_PASSWORDS,
                "time_zone": TIME_ZONES,
            }
        )
    )
    @example(
        {"username": "bob", "email": LONG_EMAIL}
        | dict.fromkeys(["password1", "password2"], NEW_PASSWORDS[0])
        | {"time_zone": "UTC"}
    )
    @example(
        {"username": [" x", " ｂｏｂ "], "email": " bob@example.com"}
        | dict.fromkeys(["password1", "password2"], NEW_PASSWORDS[0])
        | {"time_zone": "UTC"}
    )
    def test_sign_up(self, data: dict) -> None:
        before = User.objects.count()
        response = self.client.post(reverse("signup"), data)
        assert_answered(response)
        if response.status_code == HTTPStatus.FOUND:
            # A new account that signs in with what was typed, and that fits its columns.
            assert User.objects.count() == before + 1
            User.objects.order_by("-pk").first().full_clean()
            typed = {"username": _last(data["username"]), "password": _last(data["password1"])}
            assert Client().post(reverse("login"), typed).status_code == HTTPStatus.FOUND
        else:
            assert User.objects.count() == before

    @settings(max_examples=50, deadline=None)
    @given(
        form_data(
            {
                "username": ["alice", "tfa", "nobody"],
                "password": [PASSWORD, "wrong"],
                "next": ["/episodes/", "https://evil.example/", "//evil.example/"],
            }
        )
    )
    @example({"username": "x" * 256, "password": "wrong"})
    def test_log_in(self, data: dict) -> None:
        response = self.client.post(reverse("login"), data)
        assert_answered(response)
        if response.status_code == HTTPStatus.FOUND:
            assert not response.url.startswith(("http", "//")), "never sent off the site"

    @settings(max_examples=40, deadline=None)
    @given(form_data({"code": ["app", "backup", "123456", "000000", "abcd-efgh"]}))
    def test_sign_in_code(self, data: dict) -> None:
        password_step = self.client.post(
            reverse("login"), {"username": "tfa", "password": PASSWORD}
        )
        assert password_step.url == reverse("login_code")
        device = TOTPDevice.objects.get(user=self.tfa)
        response = self.client.post(reverse("login_code"), _with_codes(data, device))
        assert_answered(response)
        signed_in = self.client.get(reverse("episode_list")).status_code == HTTPStatus.OK
        assert signed_in == (response.status_code == HTTPStatus.FOUND and response.url == "/")

    @settings(max_examples=40, deadline=None)
    @given(form_data({"email": ["alice@example.com", "nobody@example.com", LONGEST_EMAIL]}))
    @example({"email": LONGEST_EMAIL})
    def test_password_reset(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("password_reset"), data))

    @settings(max_examples=40, deadline=None)
    @given(form_data({"new_password1": NEW_PASSWORDS, "new_password2": NEW_PASSWORDS}))
    def test_password_reset_new_password(self, data: dict) -> None:
        uid = urlsafe_base64_encode(force_bytes(self.alice.pk))
        token = default_token_generator.make_token(self.alice)
        link = self.client.get(reverse("password_reset_confirm", args=[uid, token]))
        assert link.status_code == HTTPStatus.FOUND  # to the form, the token in the session
        assert_answered(self.client.post(link.url, data))


class SignedInFormsTest(TestCase):
    """Every form of the journal, posted by a signed-in person."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = _make_user("alice")
        cls.medication = Medication.objects.create(
            owner=cls.alice, name="Magnesium", kind=MedicationKind.OTHER
        )
        other = _make_user("mallory")
        cls.others_medication = Medication.objects.create(
            owner=other, name="Theirs", kind=MedicationKind.STATIN
        )
        started = dt.datetime(2025, 3, 1, 2, 30, tzinfo=dt.UTC)
        cls.episode = Episode.objects.create(
            owner=cls.alice, started_at=started, body_region="calf", side="left", intensity=5
        )
        cls.episode.medications_taken.add(cls.medication)
        cls.medication_ids = [str(cls.medication.pk), str(cls.others_medication.pk)]

    def setup_example(self) -> None:
        super().setup_example()
        self.client.force_login(self.alice)

    def _in_unit(self, unit: str) -> None:
        Profile.objects.filter(user=self.alice).update(fluid_unit=unit)

    def _episode_form_data(self) -> st.SearchStrategy:
        return form_data(EPISODE_FIELDS | {"medications_taken": self.medication_ids})

    def _assert_no_one_elses_medicine(self) -> None:
        taken = Medication.objects.filter(episodes_taken_for__owner=self.alice)
        assert not taken.exclude(owner=self.alice).exists()

    @settings(max_examples=30, deadline=None)
    @given(form_data({"time_zone": TIME_ZONES, "fluid_unit": FluidUnit.values}))
    def test_profile(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("profile"), data))

    @settings(max_examples=30, deadline=None)
    @given(
        form_data(
            {
                "old_password": [PASSWORD, "wrong"],
                "new_password1": NEW_PASSWORDS,
                "new_password2": NEW_PASSWORDS,
            }
        )
    )
    def test_password_change(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("password_change"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data({"password": [PASSWORD, "wrong"]}))
    def test_delete_account(self, data: dict) -> None:
        response = self.client.post(reverse("delete_account"), data)
        assert_answered(response)
        deleted = not User.objects.filter(pk=self.alice.pk).exists()
        assert deleted == (response.status_code == HTTPStatus.FOUND)

    @settings(max_examples=30, deadline=None)
    @given(form_data({"code": ["app", "123456", "000000", "12 34 56"]}))
    def test_two_factor_setup(self, data: dict) -> None:
        device = two_factor.unconfirmed_app(self.alice)
        response = self.client.post(reverse("two_factor"), _with_codes(data, device))
        assert_answered(response)
        assert two_factor.is_on(self.alice) == ("codes" in response.context)

    @settings(max_examples=30, deadline=None)
    @given(form_data({"password": [PASSWORD, "wrong"], "code": ["app", "123456"]}))
    def test_two_factor_off(self, data: dict) -> None:
        device = TOTPDevice.objects.create(user=self.alice, name="app", confirmed=True)
        response = self.client.post(reverse("two_factor_off"), _with_codes(data, device))
        assert_answered(response)
        assert two_factor.is_on(self.alice) == (response.status_code != HTTPStatus.FOUND)

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

    @settings(max_examples=40, deadline=None)
    @given(form_data(MEDICATION_FIELDS))
    def test_medication_create(self, data: dict) -> None:
        assert_answered(self.client.post(reverse("medication_create"), data))

    @settings(max_examples=30, deadline=None)
    @given(form_data(MEDICATION_FIELDS))
    def test_medication_edit(self, data: dict) -> None:
        url = reverse("medication_edit", args=[self.medication.pk])
        assert_answered(self.client.post(url, data))

    @settings(max_examples=40, deadline=None)
    @given(form_data(FILTER_FIELDS, extra=["clear"]))
    def test_episode_list_filter(self, data: dict) -> None:
        response = self.client.post(reverse("episode_list"), data)
        assert_answered(response)
        # What was accepted is kept for the list: drawing it again must work too.
        assert_answered(self.client.get(reverse("episode_list")))

    @settings(max_examples=40, deadline=None)
    @given(form_data(RANGE_FIELDS))
    def test_dashboard_range(self, data: dict) -> None:
        assert_answered(self.client.get(reverse("dashboard"), data))

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

    @settings(max_examples=25, deadline=None)
    @given(form_data({"file": []}))
    def test_import_without_a_file(self, data: dict) -> None:
        # Text where the file belongs: the upload form says what it wanted.
        response = self.client.post(reverse("import"), data)
        assert_answered(response)
        assert response.status_code == HTTPStatus.OK

    @settings(max_examples=25, deadline=None)
    @given(pk=st.one_of(st.integers(min_value=0), st.sampled_from([2**63, 10**30])))
    def test_ids_in_addresses(self, pk: int) -> None:
        for name in ("episode_detail", "episode_edit", "episode_timer", "medication_edit"):
            response = self.client.get(reverse(name, args=[pk]))
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, 404), name
        for name in ("episode_stop", "episode_delete", "medication_delete", "share_revoke"):
            response = self.client.post(reverse(name, args=[pk]), {"intensity": "5"})
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, 404), name

    @settings(max_examples=25, deadline=None)
    @given(token=st.one_of(hostile, st.text(min_size=1)))
    def test_share_tokens(self, token: str) -> None:
        path = quote(token, safe="")
        for url in (f"/s/{path}/", f"/s/{path}/pdf/"):
            assert Client().get(url).status_code == HTTPStatus.NOT_FOUND, url


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


# CSV import: random files. Either every row comes in, or nothing does and the page says
# which lines are wrong (or what is wrong with the file).

VALID_CELLS = {
    "id": ["", str(uuid.UUID(int=1)), str(uuid.UUID(int=2))],
    "started_at": ["2026-03-10T02:30:00+00:00", "2025-01-01T00:00", "1900-01-01T00:00:00+14:00"],
    "duration_seconds": ["", "1", "90", "86400"],
    "still_going": ["", "false", "TRUE"],
    "body_region": BodyRegion.values,
    "side": Side.values,
    "intensity": ["0", "6", "10"],
    "activity": ["", *Activity.values],
    "broke_sleep": ["", "true", "false"],
    "fluid_ml": ["", "0", "15000"],
    "electrolyte_drink": ["", "true", "false"],
    "exercise_type": ["", "Running", "'=run", "x" * 100],
    "exercise_minutes": ["", "0", "1440"],
    "exercise_intensity": ["", *ExerciseIntensity.values],
    "heavy_sweating": ["", "true", "false"],
    "triggers": ["", "dehydration", "heat;stress"],
    "symptoms": ["", "numbness", "weakness;swelling"],
    "relief": ["", "stretch=2", "heat=0;ice=1"],
    "medications_taken": ["", "Magnesium", "New pill;Other one"],
    "notes": ["", "Woke at 2:30", 'multi\nline, with "quotes"'],
}
cell = st.one_of(hostile, st.text(max_size=30), st.integers().map(str))


@st.composite
def csv_rows(draw) -> tuple[list[str], list[list[str]]]:
    """A header of real columns (the required ones, usually) and rows of valid or
    hostile cells."""
    optional = [c for c in HEADER if c not in ("started_at", "body_region", "side", "intensity")]
    columns = ["started_at", "body_region", "side", "intensity"]
    columns += draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))
    columns = draw(st.permutations(columns))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        hostile_row = draw(st.integers(min_value=0, max_value=3)) == 0
        rows.append(
            [
                draw(cell)
                if hostile_row and draw(st.booleans())
                else draw(st.sampled_from(VALID_CELLS[c]))
                for c in columns
            ]
        )
    return columns, rows


def _write(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([columns, *rows])
    return out.getvalue()


def _records(content: bytes) -> int | None:
    """How many rows a CSV reader finds after the header (None: not readable as CSV)."""
    try:
        text = content.decode("utf-8-sig")
        return len(list(csv.DictReader(io.StringIO(text, newline=""))))
    except (UnicodeDecodeError, csv.Error):
        return None


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"])


class CsvImportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = _make_user("alice")
        Medication.objects.create(owner=cls.alice, name="Magnesium", kind=MedicationKind.OTHER)
        Episode.objects.create(
            owner=cls.alice,
            started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
            body_region="calf",
            side="left",
            intensity=5,
        )

    def setup_example(self) -> None:
        super().setup_example()
        self.client.force_login(self.alice)

    def _upload(self, content: bytes, rows: int | None = None):
        """Upload, then check it was all or nothing: every row, or none and why."""
        rows = _records(content) if rows is None else rows
        before = Episode.objects.count()
        upload = SimpleUploadedFile("episodes.csv", content, content_type="text/csv")
        response = self.client.post(reverse("import"), {"file": upload})
        assert_answered(response)
        added = Episode.objects.count() - before
        if response.status_code == HTTPStatus.FOUND:
            _count("imported")
            assert added == rows, "every row is imported"
            return response
        assert added == 0, "a refused file imports nothing"
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        result = response.context["result"]
        if result is None:  # the upload form itself refused it, with its message
            _count("refused by the upload form")
            assert response.context["form"].errors
            return response
        _count("refused: the file" if result.file_error else "refused: some rows")
        assert "Nothing was imported" in html
        assert result.file_error or result.errors
        assert escape(result.file_error) in html
        for error in result.errors:
            assert error.line >= 2 and error.problems and all(p.strip() for p in error.problems)
            assert f'data-line="{error.line}">Line {error.line}: ' in html
            assert escape(" ".join(error.problems)) in html
        return response

    @settings(max_examples=40, deadline=None)
    @given(st.binary(max_size=2000))
    def test_random_bytes(self, content: bytes) -> None:
        self._upload(content)

    @settings(max_examples=40, deadline=None)
    @given(text=st.text(max_size=500), encoding=ENCODINGS, header=st.booleans())
    def test_random_text_in_any_encoding(self, text: str, encoding: str, header: bool) -> None:
        if header:
            text = ",".join(HEADER) + "\r\n" + text
        try:
            content = text.encode(encoding)
        except UnicodeEncodeError:
            content = text.encode("utf-8")
        self._upload(content)

    @settings(max_examples=60, deadline=None)
    @given(table=csv_rows(), bom=st.booleans())
    def test_real_columns_with_random_cells(self, table, bom: bool) -> None:
        columns, rows = table
        text = _write(columns, rows)
        content = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
        self._upload(content, rows=len(rows))

    @settings(max_examples=25, deadline=None)
    @given(
        shape=st.sampled_from(
            [
                "long cell",
                "many cells",
                "few cells",
                "open quote",
                "nul",
                "bare cr",
                "blank lines",
                "header only",
                "duplicate header",
            ]
        ),
        # Around the CSV reader's cell limit (131,072 characters) and the 5 MB file limit.
        size=st.one_of(
            st.integers(min_value=1, max_value=200_000),
            st.sampled_from([131_072, 131_073, 5 * 1024 * 1024]),
        ),
    )
    def test_huge_and_odd_rows(self, shape: str, size: int) -> None:
        header = ",".join(HEADER)
        good = ",2026-03-10T02:30:00+00:00,90,false,calf,left,6,,,,,,,,,,,,,"
        content = {
            "long cell": f"{header}\r\n{good}" + "x" * size + "\r\n",
            "many cells": f"{header}\r\n{good}" + "," * min(size, 5000) + "\r\n",
            "few cells": f"{header}\r\n,2026-03-10T02:30:00+00:00\r\n",
            "open quote": f'{header}\r\n{good}"{"x" * min(size, 1000)}\r\n{good}\r\n',
            "nul": f"{header}\r\n{good}\x00\r\n",
            "bare cr": f"{header}\r{good}\r{good}\r",
            "blank lines": f"{header}\r\n\r\n{good}\r\n\r\n\r\n{good}\r\n",
            "header only": f"{header}\r\n",
            "duplicate header": f"{header},notes\r\n{good},again\r\n",
        }[shape]
        self._upload(content.encode("utf-8"))


def test_a_null_character_in_a_cell_is_refused_by_line(user, alice_client):
    """The forms refuse NUL; so does the import, by line (PostgreSQL cannot store it)."""
    content = ",".join(HEADER) + "\r\n" + ",2026-03-10T02:30:00+00:00,90,false,calf,left,6"
    content += ",,,,,,,,,,,,,a\x00b\r\n"
    upload = SimpleUploadedFile("episodes.csv", content.encode(), content_type="text/csv")
    response = alice_client.post(reverse("import"), {"file": upload})
    assert response.status_code == HTTPStatus.OK
    assert "Line 2: notes: null characters are not allowed." in response.content.decode()
    assert not Episode.objects.exists()
