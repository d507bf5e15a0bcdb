"""Who an account is (journal.accounts.identity): one account per email address and per username
whatever the case, ASCII usernames, sign-up and password reset that tell a stranger
nothing about an address and cannot be turned against its owner, and no mail at all (no
reset links printed to a server's log) where no mail server is set up."""

import datetime as dt
import os
import re
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.accounts import identity
from journal.accounts.views.security import RESET_EMAILS_PER_ADDRESS, RESET_LIMIT
from tests.conftest import PASSWORD, can_sign_in

ROOT = Path(__file__).resolve().parent.parent
NEW_PASSWORD = "another-long-passphrase-77"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# Words about health that a notice about an address must never hold.
HEALTH_WORDS = ["episode", "pain", "numb", "intensity", "medic", "symptom", "trigger", "sleep"]


def _sign_up(client: Client, username: str, email: str):
    data = {
        "username": username,
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "UTC",
    }
    return client.post(reverse("signup"), data)


def _reset(email: str, ip: str = "203.0.113.9"):
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def _to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def _use_last_link(address: str) -> str:
    """Open the newest reset link sent to ``address`` and set NEW_PASSWORD with it."""
    body = _to(address)[-1].body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", body).group(1)
    client = Client()
    form_url = client.get(link).url
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(form_url, data).url


# One account per address ------------------------------------------------------------------


def test_the_database_refuses_an_address_another_account_has_in_any_case(db):
    User.objects.create_user("alice", "Alice@Example.com", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("bea", "alice@example.COM", PASSWORD)
    # Accounts without an address are not one address.
    User.objects.create_user("carl", "", PASSWORD)
    User.objects.create_user("dana", "", PASSWORD)
    assert User.objects.filter(email="").count() == 2


def _what_the_new_person_sees(username: str, email: str) -> dict:
    """Everything the person signing up gets back, with their own name taken out."""
    client = Client()
    response = _sign_up(client, username, email)
    home = client.get(response.url)
    pages = {
        "home": home.content.decode(),
        "profile": client.get(reverse("profile")).content.decode(),
        "account": client.get(reverse("export_all_data")).json()["account"].keys(),
    }
    for name in ("home", "profile"):
        pages[name] = CSRF.sub("", pages[name]).replace(username, "NAME")
    return {
        "status": response.status_code,
        "to": response.url,
        "messages": [str(m) for m in home.context["messages"]],
        **pages,
    }


def test_sign_up_with_a_taken_address_looks_the_same_and_tells_its_owner(user):
    fresh = _what_the_new_person_sees("bea", "bea@example.com")
    taken = _what_the_new_person_sees("carl", "ALICE@example.com")  # alice's, in other case

    assert taken == fresh
    assert fresh["status"] == HTTPStatus.FOUND and fresh["to"] == reverse("home")
    # Both accounts exist and sign in; only the first has its address.
    assert User.objects.get(username="bea").email == "bea@example.com"
    assert User.objects.get(username="carl").email == ""
    assert can_sign_in("carl", PASSWORD)
    # The new address gets its confirmation link; the owner of the taken one is told,
    # at the address the account holds; nobody else is mailed.
    confirmation, notice = mail.outbox
    assert confirmation.to == ["bea@example.com"]
    assert "/accounts/confirm-email/" in confirmation.body
    assert notice.to == ["alice@example.com"]
    body = notice.body
    assert "alice" in body
    assert "http://testserver/accounts/login/" in body
    assert "http://testserver/accounts/password_reset/" in body
    assert "/accounts/reset/" not in body  # no link that signs in or sets a password
    for word in HEALTH_WORDS:
        assert word not in (notice.subject + body).lower(), word
    # And the owner's own reset still goes to the owner.
    assert _reset("alice@example.com").url == reverse("password_reset_done")
    assert _use_last_link("alice@example.com") == reverse("password_reset_complete")
    assert can_sign_in("alice", NEW_PASSWORD)


def test_sign_ups_cannot_flood_an_owners_mailbox(user):
    for n in range(identity.NOTICES_PER_ADDRESS + 3):
        response = _sign_up(Client(), f"try{n}", "alice@example.com")
        assert response.url == reverse("home")
    assert len(_to("alice@example.com")) == identity.NOTICES_PER_ADDRESS
    # Those notices are a counter of their own: the owner's reset is untouched.
    _reset("alice@example.com")
    assert len(_to("alice@example.com")) == identity.NOTICES_PER_ADDRESS + 1


def test_two_sign_ups_with_one_new_address_make_two_accounts_one_with_it(db):
    # The second is turned away by the form's look-up; the index holds when both pass it
    # at once (save_new_account catches the refusal and saves without the address).
    first, second = User(username="eve"), User(username="finn")
    assert identity.save_new_account(first, "shared@example.com") is None
    owner = identity.save_new_account(second, "Shared@Example.com")
    assert owner == first
    assert (first.email, second.email) == ("shared@example.com", "")


# Password reset: others can neither stop the owner nor learn anything ------------------


def test_a_strangers_requests_do_not_stop_the_owner_getting_a_link(user):
    # Before: five requests for an address from anywhere refused the owner's with a 429.
    for n in range(RESET_LIMIT):
        stranger = _reset("alice@example.com", ip=f"198.51.100.{n + 1}")
        assert stranger.url == reverse("password_reset_done")
    owner = _reset("alice@example.com", ip="192.0.2.10")
    assert owner.status_code == HTTPStatus.FOUND
    assert owner.url == reverse("password_reset_done")
    # The owner's mailbox holds links (the stranger's requests sent them), and they work.
    assert _to("alice@example.com")
    assert _use_last_link("alice@example.com") == reverse("password_reset_complete")
    assert can_sign_in("alice", NEW_PASSWORD)


def test_emails_to_one_address_are_capped_and_the_page_never_changes(user):
    answers = [
        _reset(email, ip=f"198.51.100.{n}")
        for n, email in enumerate(["alice@example.com"] * 6 + ["nobody@example.com"] * 2)
    ]
    assert len(_to("alice@example.com")) == RESET_EMAILS_PER_ADDRESS
    assert {(a.status_code, a.url) for a in answers} == {
        (HTTPStatus.FOUND, reverse("password_reset_done"))
    }
    assert len({Client().get(a.url).content for a in answers}) == 1


def test_a_flood_from_one_client_is_refused_alike_whatever_the_address(user):
    for n in range(RESET_LIMIT):
        assert _reset(f"someone{n}@example.com", ip="198.51.100.66").status_code == 302
    known = _reset("alice@example.com", ip="198.51.100.66")
    unknown = _reset("nobody@example.com", ip="198.51.100.66")
    assert known.status_code == unknown.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert CSRF.sub("", known.content.decode()) == CSRF.sub("", unknown.content.decode())
    assert _to("alice@example.com") == []
    # Another client is not held up by that flood.
    assert _reset("alice@example.com", ip="192.0.2.10").url == reverse("password_reset_done")
    assert len(_to("alice@example.com")) == 1


# Usernames --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["аlice", "alice smith", "alice@home", "al+ice", "Zoë"])
def test_a_username_outside_ascii_letters_digits_and_dot_dash_underscore_is_refused(db, username):
    response = _sign_up(Client(), username, "new@example.com")
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.errors["username"] == [identity.USERNAME_RULE.message]
    page = response.content.decode()
    assert f'value="{username}"' in page  # what was typed stays in its box
    assert identity.USERNAME_RULE.message in page
    assert not User.objects.filter(username=username).exists()


def test_a_username_of_the_allowed_characters_is_accepted(db):
    assert _sign_up(Client(), "Bea.Smith_2-x", "bea@example.com").url == reverse("home")
    assert can_sign_in("Bea.Smith_2-x", PASSWORD)


def test_a_username_that_differs_only_in_case_is_refused_at_sign_up_and_in_the_database(user):
    response = _sign_up(Client(), "ALICE", "other@example.com")
    assert response.status_code == HTTPStatus.OK
    assert "already exists" in response.context["form"].errors["username"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Alice", "", PASSWORD)


def test_sign_in_matches_the_username_exactly(user):
    # Decided: no case-folding at sign-in (django-axes counts failures per name typed).
    assert can_sign_in("alice", PASSWORD)
    assert not can_sign_in("Alice", PASSWORD)


def test_accounts_made_before_the_rule_keep_signing_in(db):
    # Made by the admin or a script, as before: Unicode and symbols Django allows.
    for name in ["аlice", "zoë@home", "bob+1"]:
        User.objects.create_user(name, "", PASSWORD)
        assert can_sign_in(name, PASSWORD), name


def test_seed_demo_refuses_a_name_that_differs_only_in_case(user):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="use --username alice"):
        call_command("seed_demo", "--username", "Alice", "--password", PASSWORD)


# The migration: existing duplicates ------------------------------------------------------

BEFORE = [("journal", "0006_rate_counter")]
AFTER = [("journal", "0007_unique_email_and_username")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_account_and_gives_a_shared_address_to_the_oldest(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the indexes go: duplicates can be made as before
    old = timezone.now() - dt.timedelta(days=30)

    def make(name: str, email: str, days_later: int) -> User:
        user = User.objects.create_user(name, email, PASSWORD)
        User.objects.filter(pk=user.pk).update(date_joined=old + dt.timedelta(days=days_later))
        return user

    try:
        newer = make("alice2", "ALICE@example.com", 1)
        oldest = make("alice", "alice@example.com", 0)
        newest = make("Alice", "Alice@Example.com", 2)
        lone = make("bea", "", 3)
        other = make("carl", "", 4)

        MigrationExecutor(connection).migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    emails = dict(User.objects.values_list("pk", "email"))
    assert len(emails) == 5  # nobody lost
    assert emails[oldest.pk] == "alice@example.com"
    assert emails[newer.pk] == emails[newest.pk] == emails[lone.pk] == emails[other.pk] == ""
    renamed = User.objects.get(pk=newest.pk).username
    assert renamed == f"Alice-{newest.pk}"
    assert can_sign_in(renamed, PASSWORD) and can_sign_in("alice", PASSWORD)
    assert can_sign_in("alice2", PASSWORD)
    said = capsys.readouterr().out
    assert "2 account(s) shared an email address" in said
    assert "'Alice'" in said and f"'Alice-{newest.pk}'" in said
    # And the indexes hold again.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("dana", "ALICE@EXAMPLE.COM", PASSWORD)


# No mail server: no mail, and a page that says so -------------------------------------


def test_without_email_the_reset_page_says_so_and_nothing_is_sent_or_printed(user, settings, capfd):
    settings.EMAIL_ENABLED = False
    settings.EMAIL_BACKEND = "journal.mail.DisabledBackend"
    page = Client().get(reverse("password_reset"))
    assert page.status_code == HTTPStatus.OK
    assert "Reset by email is not set up here" in page.content.decode()
    asked = Client().post(reverse("password_reset"), {"email": "alice@example.com"})
    assert "Reset by email is not set up here" in asked.content.decode()
    # Nor does a sign-up with a taken address send its notice.
    assert _sign_up(Client(), "bea", "alice@example.com").url == reverse("home")
    # And anything that tries anyway goes nowhere.
    assert mail.send_mail("s", "http://testserver/accounts/reset/x/y/", None, ["a@b.c"]) == 0
    assert mail.outbox == []
    out, err = capfd.readouterr()
    assert "/accounts/reset/" not in out + err


def _email_settings(**env: str) -> list[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_"))
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_ENABLED, s.EMAIL_BACKEND)"
    )
    production = {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "cramps.example"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | production | {"DJANGO_SETTINGS_MODULE": "crampjournal.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_email_is_on_only_with_a_mail_server_or_in_development():
    assert _email_settings() == ["False", "journal.mail.DisabledBackend"]
    assert _email_settings(DJANGO_DEBUG="true") == [
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]
    assert _email_settings(EMAIL_HOST="mail.example") == [
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


# A production process without a mail server, and real SMTP with one ------------------

# Run with the production settings (DEBUG off, no EMAIL_HOST) in a fresh process: an
# account, then the reset page asked for and sent, as a browser would, printing what the
# person saw. Static files are served uncollected: they are not what this is about.
PRODUCTION_RESET = """
import django
from django.conf import settings
django.setup()
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
User.objects.create_user("owner", "owner@example.com", "a-long-test-password-42")
client = Client()
page = client.get("/accounts/password_reset/")
sent = client.post("/accounts/password_reset/", {"email": "owner@example.com"})
for answer in (page, sent):
    said = "not set up" if b"Reset by email is not set up here" in answer.content else "?"
    print("ANSWER", answer.status_code, said)
"""


def test_a_production_server_without_email_prints_no_reset_link_and_says_so(tmp_path):
    """Before: with DEBUG off and no EMAIL_HOST, Django's console backend printed the
    reset email, link and all, to standard output: the server's log."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith(("EMAIL_", "REDIS_"))}
    env = clean | {
        "DJANGO_SETTINGS_MODULE": "crampjournal.settings",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_HTTPS": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_RESET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert re.findall(r"ANSWER .*", result.stdout) == ["ANSWER 200 not set up"] * 2, printed
    assert "/accounts/reset/" not in printed
    assert "owner@example.com" not in printed


def test_with_a_mail_server_the_notice_and_a_working_reset_link_arrive_by_smtp(user, smtp_server):
    assert _sign_up(Client(), "copycat", "ALICE@example.com").url == reverse("home")
    assert _reset("alice@example.com").url == reverse("password_reset_done")
    notice, reset = smtp_server.raw
    assert "To: alice@example.com" in notice and "To: alice@example.com" in reset
    assert "It already belongs to your account alice" in " ".join(notice.split())
    # Both are automatic, like every email the app sends: no out-of-office reply.
    assert "Auto-Submitted: auto-generated" in notice
    assert "Auto-Submitted: auto-generated" in reset
    link = re.search(r"http://testserver(/accounts/reset/\S+)", reset).group(1)
    client = Client()
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(client.get(link).url, new).url == reverse("password_reset_complete")
    assert can_sign_in("alice", NEW_PASSWORD)
