"""The audit trail: security events with UTC times and no health text, shown to their
owner only; and the logs of a whole journey, which never hold notes, symptoms or
passwords."""

import datetime as dt
import logging
import re
from http import HTTPStatus

from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from journal.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD
from tests.test_episodes import FULL

NOTE = "Secret note: cramp after the clinic visit"
CHECKIN_NOTE = "Private check-in words"
NEW_PASSWORD = "another-long-passphrase-77"


def _kinds(user_id) -> list[str]:
    return list(
        AuditEvent.objects.filter(user_id=user_id)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def test_sign_ins_and_failures_are_recorded_against_the_account(user):
    Client().post(reverse("login"), {"username": "alice", "password": "wrong"})
    Client(REMOTE_ADDR="203.0.113.5").post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    Client().post(reverse("login"), {"username": "no-such-person", "password": "x"})
    assert _kinds(user.pk) == [AuditKind.LOGIN_FAILED, AuditKind.LOGIN]
    login = AuditEvent.objects.get(user_id=user.pk, kind=AuditKind.LOGIN)
    assert login.ip_address == "203.0.113.5"
    assert login.at.utcoffset() == dt.timedelta(0)
    # A failure against no account is kept without a name.
    assert AuditEvent.objects.filter(user_id=None, kind=AuditKind.LOGIN_FAILED).count() == 1


def test_a_lockout_is_recorded(user):
    for _ in range(5):
        Client().post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert AuditKind.LOCKED_OUT in _kinds(user.pk)


def test_exports_and_share_links_are_recorded(user, alice_client, make_episode):
    make_episode(user, notes=NOTE)
    alice_client.get(reverse("export_episodes_csv"))
    alice_client.get(reverse("export_all_data"))
    page = alice_client.post(reverse("share_list"), {"range": "90d", "days": "7"})
    token = re.search(r"/s/([^/\"]+)/", page.content.decode()).group(1)
    Client().get(reverse("shared_report", args=[token]))
    link_id = page.context["new_link"][0].pk
    alice_client.post(reverse("share_revoke", args=[link_id]))
    events = AuditEvent.objects.filter(user_id=user.pk).order_by("at", "pk")
    assert [(e.kind, e.detail) for e in events] == [
        (AuditKind.LOGIN, ""),  # the test client's sign-in
        (AuditKind.EXPORT, "episodes csv"),
        (AuditKind.EXPORT, "all data json"),
        (AuditKind.SHARE_CREATED, f"link {link_id}"),
        (AuditKind.SHARE_OPENED, f"link {link_id}"),
        (AuditKind.SHARE_REVOKED, f"link {link_id}"),
    ]


def test_the_person_sees_their_own_activity_only(user, other_user, client_for):
    Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    Client().post(reverse("login"), {"username": "mallory", "password": PASSWORD})
    Client(REMOTE_ADDR="198.51.100.99").post(
        reverse("login"), {"username": "mallory", "password": "wrong"}
    )
    page = client_for(user).get(reverse("activity")).content.decode()
    assert "Signed in" in page
    assert "Failed sign-in" not in page  # mallory's
    assert "198.51.100.99" not in page


def test_deleting_the_account_leaves_one_row_that_says_so(user, alice_client):
    alice_client.get(reverse("export_episodes_csv"))
    alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert _kinds(user.pk) == [AuditKind.ACCOUNT_DELETED]


def test_a_whole_journey_leaves_no_health_text_or_password_in_logs_or_audit(db, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post(
        reverse("signup"),
        {
            "username": "journey",
            "email": "journey@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/London",
        },
    )
    client.post(reverse("logout"))
    Client().post(reverse("login"), {"username": "journey", "password": "wrong-" + PASSWORD})
    client.post(reverse("login"), {"username": "journey", "password": PASSWORD})
    episode = client.post(reverse("episode_create"), FULL | {"notes": NOTE})
    assert episode.status_code == HTTPStatus.FOUND
    client.get(episode.url)
    client.post(reverse("episode_create"), FULL | {"notes": NOTE, "intensity": "99"})  # bad
    client.post(
        reverse("checkin_today"), {"fluid_ml": "1500", "stretched": "on", "notes": CHECKIN_NOTE}
    )
    client.post(reverse("quick_log"), {"body_region": "calf", "side": "left", "intensity": "4"})
    client.get(reverse("patterns"))
    client.get(reverse("flags"))
    client.post(reverse("report"), {"range": "90d", "include_notes": "on"})
    client.get(reverse("export_episodes_csv"))
    share = client.post(reverse("share_list"), {"range": "90d", "days": "3", "include_notes": "on"})
    token = re.search(r"/s/([^/\"]+)/", share.content.decode()).group(1)
    Client().get(f"/s/{token}/")
    Client().get("/s/not-a-real-token/")
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post(reverse("password_reset"), {"email": "journey@example.com"})
    # Two emails: the address's confirmation link at sign-up, then the reset link.
    assert [m.subject for m in mail.outbox] == [
        "Confirm your email address for CrampJournal",
        render_to_string("registration/password_reset_subject.txt").strip(),
    ]
    confirm_token = re.search(r"/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)
    Client().get(f"/accounts/confirm-email/{confirm_token}/x/")  # mistyped: logged as a 404

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "audit login" in logged  # the journey was logged, at all levels
    secrets = [NOTE, CHECKIN_NOTE, "numbness", "Numbness", "soreness", PASSWORD, NEW_PASSWORD]
    secrets += [token, confirm_token, "Woke at 2:30"]
    for secret in secrets:
        assert secret not in logged, secret
    audit_text = " ".join(f"{e.kind} {e.detail}" for e in AuditEvent.objects.all())
    for secret in [NOTE, CHECKIN_NOTE, "numbness", "calf", PASSWORD, token]:
        assert secret not in audit_text, secret
