"""Passkeys, without a browser: a software authenticator (tests/authenticator.py) with a
real key answers the server's options. Adding, signing in without a username,
confirming it's you and removing; and every way a ceremony can be wrong: replayed,
expired, another purpose's, a wrong origin or RP ID, a sign count going backwards,
another person's passkey, and any JSON at all."""

import json
import time
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.accounts import passkeys, ratelimit, two_factor
from journal.models import AuditEvent, AuditKind, Passkey
from tests.authenticator import Authenticator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _add(client: Client, authenticator: Authenticator, name: str = "My phone", **answer):
    options = client.post(reverse("passkey_add_options")).json()
    credential = authenticator.register(options, **answer)
    return client.post(reverse("passkeys"), {"name": name, "credential": credential})


def _sign_in(client: Client, authenticator: Authenticator, **answer):
    options = client.post(reverse("passkey_sign_in_options")).json()
    credential = authenticator.sign_in(options, **answer)
    return client.post(
        reverse("passkey_sign_in"), {"credential": credential, "next": "/episodes/quick/"}
    )


@pytest.fixture
def phone(alice_client) -> Authenticator:
    """Alice's phone, with a passkey added to her account."""
    authenticator = Authenticator()
    response = _add(alice_client, authenticator)
    assert response.status_code == HTTPStatus.FOUND
    return authenticator


def test_a_passkey_is_added_named_listed_and_audited(user, alice_client, phone):
    page = alice_client.get(reverse("passkeys")).content.decode()
    assert "My phone" in page
    passkey = Passkey.objects.get(owner=user)
    assert bytes(passkey.credential_id) == phone.credential_id
    assert passkey.transports == ["internal"]
    assert AuditEvent.objects.filter(user_id=user.pk, kind=AuditKind.PASSKEY_ADDED).exists()


def test_signing_in_with_a_passkey_needs_no_username_and_goes_where_it_was_going(user, phone):
    response = _sign_in(Client(), phone)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/episodes/quick/"
    signed_in = Client()
    _sign_in(signed_in, phone)
    assert signed_in.get(reverse("quick_log")).status_code == HTTPStatus.OK
    assert Passkey.objects.get(owner=user).sign_count == 2
    assert (
        AuditEvent.objects.filter(user_id=user.pk, kind=AuditKind.LOGIN, detail="passkey").count()
        == 2
    )


def test_the_same_answer_twice_is_refused(phone):
    first, replay = Client(), Client()
    options = first.post(reverse("passkey_sign_in_options")).json()
    credential = phone.sign_in(options)
    assert first.post(reverse("passkey_sign_in"), {"credential": credential}).url == "/"
    # The same answer again, in the same session: its challenge was used up.
    again = first.post(reverse("passkey_sign_in"), {"credential": credential}, follow=True)
    assert "expired or was already used" in again.content.decode()
    # And from another browser, which was never given that challenge.
    replay.post(reverse("passkey_sign_in_options"))
    response = replay.post(reverse("passkey_sign_in"), {"credential": credential})
    assert response.url == reverse("login")
    assert "_auth_user_id" not in replay.session


def _later(seconds: float):
    """The clock moved on ``seconds`` from now, standing still there."""
    return time_machine.travel(time.time() + seconds, tick=False)


def test_a_challenge_older_than_five_minutes_is_refused(phone):
    client = Client()
    options = client.post(reverse("passkey_sign_in_options")).json()
    with _later(passkeys.CHALLENGE_SECONDS + 5):
        credential = phone.sign_in(options)
        response = client.post(reverse("passkey_sign_in"), {"credential": credential}, follow=True)
    assert "took too long" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_sign_in_challenge_cannot_add_a_passkey_nor_the_reverse(alice_client, phone):
    options = alice_client.post(reverse("passkey_sign_in_options")).json()
    response = alice_client.post(
        reverse("passkeys"),
        {"name": "x", "credential": Authenticator().register({**options, "user": {"id": "AA"}})},
    )
    assert "expired or was already used" in response.content.decode()
    assert Passkey.objects.count() == 1


@pytest.mark.parametrize(
    "wrong",
    [
        {"origin": "https://evil.example"},
        {"origin": "http://testserver:8000"},
        {"rp_id": "evil.example"},
    ],
    ids=["another site", "another port", "another RP ID"],
)
def test_a_wrong_origin_or_rp_id_is_refused(phone, wrong):
    client = Client()
    response = _sign_in(client, phone, **wrong)
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login")).content.decode()
    assert "answer was not right" in page


@pytest.mark.parametrize("wrong", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"}])
def test_a_passkey_made_for_another_site_is_not_added(user, alice_client, wrong):
    response = _add(alice_client, Authenticator(), **wrong)
    assert response.status_code == HTTPStatus.OK
    assert "could not be checked" in response.content.decode()
    assert not Passkey.objects.filter(owner=user).exists()


def test_a_sign_count_that_goes_backwards_is_refused(user, phone):
    _sign_in(Client(), phone)  # count 1
    _sign_in(Client(), phone)  # count 2
    clone = Client()
    response = _sign_in(clone, phone, sign_count=1)
    assert response.url == reverse("login")
    assert "_auth_user_id" not in clone.session
    assert Passkey.objects.get(owner=user).sign_count == 2


def test_an_unknown_passkey_signs_no_one_in(phone):
    client = Client()
    response = _sign_in(client, Authenticator())
    assert response.url == reverse("login")
    assert "not one this site knows" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("handle", [None, b"someone else's handle"])
def test_signing_in_needs_the_passkey_owners_user_handle(phone, handle):
    # Signing in names no one beforehand: the answer must say whose passkey it is.
    phone.user_handle = handle
    client = Client()
    response = _sign_in(client, phone)
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_with_two_factor_on_a_passkey_without_user_verification_still_asks_for_the_code(
    user, phone
):
    device = two_factor.unconfirmed_app(user)
    device.confirmed = True
    device.save()
    client = Client()
    assert _sign_in(client, phone, verified=False).url == reverse("login_code")
    assert "_auth_user_id" not in client.session
    verified = Client()
    assert _sign_in(verified, phone, verified=True).url == "/episodes/quick/"
    assert "_auth_user_id" in verified.session


def _confirm(client: Client, authenticator: Authenticator, **answer):
    options = client.post(reverse("confirm_passkey_options")).json()
    credential = authenticator.sign_in(options, **answer)
    return client.post(reverse("confirm_passkey"), {"credential": credential})


def test_confirming_with_a_passkey_opens_a_download(user, alice_client, phone):
    with _later(11 * 60):
        assert alice_client.get(reverse("export_episodes_csv")).url == reverse("confirm")
        options = alice_client.post(reverse("confirm_passkey_options")).json()
        # Only Alice's own passkeys are offered.
        assert [c["id"] for c in options["allowCredentials"]] == [
            passkeys.bytes_to_base64url(phone.credential_id)
        ]
        response = alice_client.post(
            reverse("confirm_passkey"), {"credential": phone.sign_in(options)}
        )
        # Back on Your data, which starts the download asked for (issue 30).
        assert response.url == reverse("export")
        page = alice_client.get(response.url).content.decode()
        assert f'action="{reverse("export_episodes_csv")}"' in page
        download = alice_client.get(reverse("export_episodes_csv"))
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        user_id=user.pk, kind=AuditKind.CONFIRMED, detail="passkey"
    ).exists()


def test_another_persons_passkey_does_not_confirm_it_is_you(other_user, client_for, phone):
    bob = client_for(other_user)
    with _later(11 * 60):
        bob.get(reverse("export_all_data"))
        response = _confirm(bob, phone)
        assert response.url == reverse("confirm")
        assert bob.get(reverse("export_all_data")).url == reverse("confirm")


def test_a_passkey_is_removed_by_its_owner_only(user, other_user, alice_client, client_for, phone):
    passkey = Passkey.objects.get(owner=user)
    bob = client_for(other_user)
    assert (
        bob.post(reverse("passkey_remove", args=[passkey.pk])).status_code == HTTPStatus.NOT_FOUND
    )
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    response = alice_client.post(reverse("passkey_remove", args=[passkey.pk]))
    assert response.url == reverse("passkeys")
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    assert _sign_in(Client(), phone).url == reverse("login")


def test_adding_a_passkey_needs_a_recent_sign_in(alice_client):
    with _later(11 * 60):
        assert alice_client.get(reverse("passkeys")).url == reverse("confirm")
        response = alice_client.post(reverse("passkey_add_options"))
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "confirm" in response.json()["error"]


def test_the_passkey_page_without_a_browser_answer_says_so(alice_client):
    response = alice_client.post(reverse("passkeys"), {"name": "x", "credential": "not json"})
    assert response.status_code == HTTPStatus.OK
    assert Passkey.objects.count() == 0


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    junk=ANY_JSON,
    part=st.sampled_from(
        [
            "id",
            "rawId",
            "type",
            "clientDataJSON",
            "authenticatorData",
            "signature",
            "userHandle",
            None,
        ]
    ),
)
def test_any_json_for_a_sign_in_is_a_page_never_a_500(phone, junk, part):
    # Each example is a visitor of its own, not one hitting the options' rate limit.
    ratelimit.reset("passkey-options:127.0.0.1")
    client = Client(raise_request_exception=False)
    options = client.post(reverse("passkey_sign_in_options")).json()
    genuine = json.loads(phone.sign_in(options))
    if part is None:
        credential = json.dumps(junk)
    elif part in genuine:
        credential = json.dumps({**genuine, part: junk})
    else:
        credential = json.dumps({**genuine, "response": {**genuine["response"], part: junk}})
    response = client.post(reverse("passkey_sign_in"), {"credential": credential})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=ANY_JSON)
def test_any_json_for_a_new_passkey_is_a_page_never_a_500(alice_client, junk):
    alice_client.raise_request_exception = False
    alice_client.post(reverse("passkey_add_options"))
    response = alice_client.post(reverse("passkeys"), {"name": "x", "credential": json.dumps(junk)})
    assert response.status_code == HTTPStatus.OK
    assert not Passkey.objects.exists()


def test_a_password_still_signs_in_beside_a_passkey(user, phone):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_asking_for_sign_in_options_is_rate_limited(db):
    client = Client()
    for _ in range(30):
        assert client.post(reverse("passkey_sign_in_options")).status_code == HTTPStatus.OK
    response = client.post(reverse("passkey_sign_in_options"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Wait a minute" in response.json()["error"]


def test_a_user_verified_passkey_opens_the_admin_one_without_verification_does_not(db):
    """Staff with two-factor on: a passkey that checked its holder is both factors."""
    from tests.test_admin import make_staff

    person, _ = make_staff()
    adder = Client()
    adder.force_login(person)
    staff_phone = Authenticator()
    _add(adder, staff_phone)
    verified = Client()
    assert _sign_in(verified, staff_phone, verified=True).url == "/episodes/quick/"
    assert verified.get("/admin/journal/episode/").status_code == HTTPStatus.OK
    # Without user verification the code step follows, and nothing opens before it.
    unverified = Client()
    assert _sign_in(unverified, staff_phone, verified=False).url == reverse("login_code")
    assert "_auth_user_id" not in unverified.session
    response = unverified.get("/admin/journal/episode/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
