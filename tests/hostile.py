"""Shared values, strategies, checks and base test cases for tests/test_hostile_*.py."""

# Hostile input: every form a person can post, fed random and malicious values.
#
# Whatever arrives (unicode, 10,000 characters, NUL bytes, numbers out of range, NaN,
# impossible dates, SQL and HTML, lists where one value is expected, fields left out), a
# page never fails with a 500, and a form that is drawn again because something was
# refused says what: each refusal has a message, and the message is on the page.
#
# Each example runs in its own transaction (hypothesis.extra.django.TestCase), so rate
# limits, lockouts and saved rows start afresh every time.

from __future__ import annotations

import datetime as dt
import time
from http import HTTPStatus

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.forms import BaseForm
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import currently_in_test_context, event
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from journal.models import Episode, Medication, MedicationKind, Profile

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


# Plausible values for fields of several forms, good and bad; the first in each list is
# a good one.
PAST_DAYS = ["2024-05-01", "2000-02-29", "1900-01-01", "2025-12-31"]
YES_NO = ["", "true", "false", "unknown", "2", "1", "0"]
FLUID = ["", "0", "1500", "15000", "15000.1", "507.2", "507.3", "0.05"]
TIME_ZONES = ["UTC", "Europe/London", "Pacific/Kiritimati", "Pacific/Niue", "Etc/GMT+12"]
NEW_PASSWORDS = ["another-long-passphrase-77", "", "password", "12345678", "alice"]


class TestCase(HypothesisTestCase):
    """Each example runs in its own rolled-back transaction, and so does the database
    cache; Redis does not roll back, so it is emptied too (rate limits start afresh)."""

    def setup_example(self) -> None:
        super().setup_example()
        if "redis" in django_settings.CACHES["default"]["BACKEND"].lower():
            cache.clear()


class SignedInTestCase(TestCase):
    """Alice, signed in, with a medicine and an episode of her own; Mallory has a
    medicine of hers."""

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
