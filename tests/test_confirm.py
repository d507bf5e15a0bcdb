"""Confirm it's you: downloads, importing, share links, two-factor and passkey changes,
the password, account deletion and the devices page need a sign-in (or a confirmation)
from the last SENSITIVE_MINUTES; logging, reading and Patterns do not. After the
confirmation a page opens again, and a form sent is shown again with what was typed."""

import re
import time
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse

from journal.accounts import confirm, two_factor
from journal.models import AuditEvent, AuditKind, ShareLink
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STALE = settings.SENSITIVE_MINUTES * 60 + 60

# (method, URL name, the form sent): every action that needs a recent proof.
SENSITIVE = [
    ("get", "export_episodes_csv", None),
    ("get", "export_all_data", None),
    ("post", "report_pdf", {"range": "90d"}),
    ("post", "export_fhir", {}),
    ("get", "import", None),
    ("get", "share_list", None),
    ("post", "share_list", {"range": "90d", "days": "7"}),
    ("get", "two_factor", None),
    ("post", "backup_codes", {}),
    ("post", "two_factor_off", {"password": PASSWORD, "code": "123456"}),
    ("get", "passkeys", None),
    ("get", "password_change", None),
    ("post", "password_change", {"old_password": PASSWORD}),
    ("get", "delete_account", None),
    ("post", "delete_account", {"password": PASSWORD}),
    ("get", "devices", None),
    ("post", "sign_out_others", {}),
]
OPEN = [
    "home",
    "quick_log",
    "episode_create",
    "episode_list",
    "checkin_today",
    "patterns",
    "report",
    "flags",
    "export",
    "profile",
]


def later(seconds: float = STALE):
    return time_machine.travel(time.time() + seconds, tick=False)


def signed_in(keep: bool = True) -> Client:
    client = Client()
    data = {"username": "alice", "password": PASSWORD}
    if keep:
        data["keep"] = "on"
    assert client.post(reverse("login"), data).status_code == HTTPStatus.FOUND
    return client


def confirm_with_password(client: Client, password: str = PASSWORD, **extra):
    return client.post(reverse("confirm"), {"password": password, **extra})


@pytest.mark.parametrize(
    ("method", "name", "data"), SENSITIVE, ids=[f"{m} {n}" for m, n, _ in SENSITIVE]
)
def test_each_sensitive_action_asks_to_confirm_after_ten_minutes(user, method, name, data):
    client = signed_in()
    with later():
        response = getattr(client, method)(reverse(name), data)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == reverse("confirm")
        page = client.get(reverse("confirm"))
        assert "Confirm it's you" in page.content.decode()
        # Nothing happened: no file, no link, the password and account unchanged.
        assert not ShareLink.objects.exists()
        assert client.get(reverse("quick_log")).status_code == HTTPStatus.OK
        # After confirming, the page (or the form the action belongs to) opens.
        back = confirm_with_password(client)
        assert back.status_code == HTTPStatus.FOUND
        assert client.get(back.url).status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", OPEN)
def test_logging_reading_and_patterns_stay_open_in_a_kept_session(user, name):
    client = signed_in()
    with later(9 * 3600):
        assert client.get(reverse(name)).status_code == HTTPStatus.OK


def _pending_form(html: str) -> re.Match | None:
    """The form the page sends as it opens, to start the download asked for."""
    return re.search(
        r'<form method="(get|post)" action="([^"]+)"[^>]*data-pending-download>(.*?)</form>',
        html,
        re.S,
    )


def _hidden_fields(form_html: str) -> list[tuple[str, str]]:
    """The options a pending download's form sends (its CSRF token aside)."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form_html)
    return [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]


def test_after_confirming_the_download_is_given(user):
    client = signed_in()
    with later():
        client.get(reverse("export_all_data"))
        key = client.session.session_key
        response = confirm_with_password(client)
        # Back on Your data, where the link was, not on a confirm page left on screen.
        assert response.url == reverse("export")
        # More rights, a new session key.
        assert client.session.session_key != key
        page = client.get(response.url)
        assert "no-store" in page["Cache-Control"]  # going back starts nothing again
        pending = _pending_form(page.content.decode())
        assert pending and pending.group(1, 2) == ("get", reverse("export_all_data"))
        assert "The file of all your data (JSON) is on its way" in page.content.decode()
        assert re.search(
            r'<script type="module" src="/static/js/pending_download\.js', pending.string
        )
        download = client.get(pending.group(2))
        assert download.status_code == HTTPStatus.OK
        assert download["Content-Disposition"].startswith("attachment")
        # Once: the page opened again starts no download.
        assert _pending_form(client.get(reverse("export")).content.decode()) is None
        # And for the next ten minutes no question asked.
        assert client.get(reverse("export_episodes_csv")).status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(
        user_id=user.pk, kind=AuditKind.CONFIRMED, detail="password"
    ).exists()


def test_a_form_sent_is_shown_again_with_what_was_typed_ready_to_send(user):
    client = signed_in()
    with later():
        data = {
            "range": "custom",
            "start": "2026-09-01",
            "end": "2026-11-30",
            "name": "Alice Example",
            "include_notes": "on",
        }
        client.post(reverse("report_pdf"), data)
        response = confirm_with_password(client)
        assert response.url == reverse("report")
        page = client.get(response.url).content.decode()
        assert 'value="Alice Example"' in page
        assert 'value="2026-09-01"' in page
        assert re.search(r'<input[^>]*name="include_notes"[^>]*checked', page)
        # Shown once: opening the report again starts from the defaults.
        assert 'value="Alice Example"' not in client.get(reverse("report")).content.decode()


def test_a_share_link_form_comes_back_filled_and_then_makes_the_link(user):
    client = signed_in()
    with later():
        client.post(reverse("share_list"), {"range": "90d", "days": "14", "name": "For Dr Lee"})
        page = client.get(confirm_with_password(client).url).content.decode()
        assert 'value="For Dr Lee"' in page
        assert not ShareLink.objects.exists()
        made = client.post(
            reverse("share_list"), {"range": "90d", "days": "14", "name": "For Dr Lee"}
        )
        assert made.status_code == HTTPStatus.OK
        assert ShareLink.objects.get().name == "For Dr Lee"


def test_the_fhir_options_come_back_filled_on_your_data(user):
    client = signed_in()
    with later():
        client.post(reverse("export_fhir"), {"name": "J. D.", "include_notes": "on"})
        response = confirm_with_password(client)
        assert response.url == reverse("export")
        page = client.get(response.url).content.decode()
        assert 'value="J. D."' in page
        assert re.search(r'<input[^>]*name="include_notes"[^>]*checked', page)
        sent = client.post(reverse("export_fhir"), {"name": "J. D."})
        assert sent["Content-Type"] == "application/fhir+json"


@pytest.mark.parametrize(
    ("name", "page", "form"),
    [
        ("export_episodes_csv", "export", None),
        ("export_fhir", "export", {"name": "J. D.", "include_notes": "on"}),
        ("report_pdf", "report", {"range": "custom", "start": "2026-09-01", "end": "2026-11-30"}),
    ],
)
def test_after_confirming_the_page_the_download_was_asked_on_starts_it(user, name, page, form):
    client = signed_in()
    with later():
        if form is None:
            client.get(reverse(name))
        else:
            client.post(reverse(name), form)
        asked = client.get(reverse("confirm")).content.decode()
        assert "back to the page you were on" in asked and "starts downloading" in asked
        # Not before the proof: the page they came from starts nothing yet.
        assert _pending_form(client.get(reverse("quick_log")).content.decode()) is None
        response = confirm_with_password(client)
        assert response.url == reverse(page)
        html = client.get(response.url).content.decode()
        pending = _pending_form(html)
        assert pending.group(1, 2) == ("get" if form is None else "post", reverse(name))
        # The options they chose: in the download's form, and filled in on the page.
        assert _hidden_fields(pending.group(3)) == list((form or {}).items())
        for value in (form or {}).values():
            if value != "on":
                assert f'value="{value}"' in html.replace(pending.group(0), "")
        if form is not None:
            assert 'name="csrfmiddlewaretoken"' in pending.group(3)


def test_the_fhir_download_after_confirming_has_the_options_chosen(user):
    client = signed_in()
    with later():
        client.post(reverse("export_fhir"), {"name": "J. D.", "include_notes": "on"})
        page = client.get(confirm_with_password(client).url).content.decode()
        pending = _pending_form(page)
        sent = client.post(pending.group(2), dict(_hidden_fields(pending.group(3))))
        assert sent["Content-Type"] == "application/fhir+json"
        assert "J. D." in sent.content.decode()


def test_a_pending_download_waits_only_for_its_own_page_and_a_short_while(user):
    client = signed_in()
    with later():
        client.get(reverse("export_episodes_csv"))
        confirm_with_password(client)
        # Another page does not take it, nor start it.
        assert _pending_form(client.get(reverse("report")).content.decode()) is None
    with later(STALE + settings.SENSITIVE_MINUTES * 60 + 60):
        assert _pending_form(client.get(reverse("export")).content.decode()) is None


def test_passwords_and_codes_are_never_carried(user):
    client = signed_in()
    with later():
        client.post(reverse("delete_account"), {"password": PASSWORD})
        assert "password" not in str(client.session.get("cj_resume"))
        page = client.get(confirm_with_password(client).url).content.decode()
    assert PASSWORD not in page
    assert 'name="password"' in page
    user.refresh_from_db()  # still there


def test_a_wrong_password_is_said_next_to_the_field_and_confirms_nothing(user):
    client = signed_in()
    with later():
        client.get(reverse("devices"))
        response = confirm_with_password(client, "not-it")
        assert response.status_code == HTTPStatus.OK
        assert "That is not your password." in response.content.decode()
        assert client.get(reverse("devices")).url == reverse("confirm")


def test_guessing_at_the_confirm_page_ends_the_session(user, settings):
    client = signed_in()
    with later():
        for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
            assert confirm_with_password(client, "guess").status_code == HTTPStatus.OK
        paused = confirm_with_password(client, "guess")
        assert paused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert client.get(reverse("quick_log")).status_code == HTTPStatus.FOUND


def test_with_two_factor_on_the_code_is_asked_too(user):
    device = two_factor.unconfirmed_app(user)
    device.confirmed = True
    device.save()
    codes = two_factor.new_backup_codes(user)
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("login_code"), {"code": codes[0]})
    with later():
        client.get(reverse("export_all_data"))
        alone = confirm_with_password(client)
        assert alone.status_code == HTTPStatus.OK
        assert "This field is required" in alone.content.decode()
        response = confirm_with_password(client, code=codes[1])
        assert response.url == reverse("export")


def test_an_old_session_without_a_proof_cannot_skip_it(user):
    client = signed_in()
    session = client.session
    del session[confirm.PROVED_AT]
    session.save()
    assert client.get(reverse("export_all_data")).url == reverse("confirm")
    session = client.session
    session[confirm.PROVED_AT] = "forged"
    session.save()
    assert client.get(reverse("export_all_data")).url == reverse("confirm")


def test_signing_in_is_a_proof_for_ten_minutes(user):
    client = signed_in()
    with later(settings.SENSITIVE_MINUTES * 60 - 30):
        assert client.get(reverse("export_all_data")).status_code == HTTPStatus.OK


def test_the_way_back_is_the_sites_own(user):
    """The page to go back to is kept in the session, never taken from the address."""
    client = signed_in()
    with later():
        response = client.post(
            f"{reverse('confirm')}?next=https://evil.example/", {"password": PASSWORD}
        )
        assert response.url == reverse("home")


def _needs_a_proof(view) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class.dispatch, "confirm_required", False)
    return getattr(view, "confirm_required", False)


def test_the_sensitive_views_are_exactly_these():
    """A new download or account action must be added here, and so thought about."""
    marked = {
        pattern.name
        for pattern in get_resolver().url_patterns
        for pattern in getattr(pattern, "url_patterns", [pattern])
        if _needs_a_proof(pattern.callback)
    }
    assert marked == {
        "export_episodes_csv",
        "export_all_data",
        "export_fhir",
        "report_pdf",
        "import",
        # The import's column-matching step (issue 30).
        "import_columns",
        "share_list",
        "two_factor",
        "two_factor_off",
        "backup_codes",
        "passkeys",
        "passkey_remove",
        "password_change",
        # Where password resets and reminders go: a thief's own address would take both.
        "change_email",
        "delete_account",
        "devices",
        "device_sign_out",
        "sign_out_others",
    }


def test_a_form_left_behind_for_long_is_not_filled_in_later(user):
    client = signed_in()
    with later():
        client.post(reverse("share_list"), {"range": "90d", "days": "7", "name": "Old"})
    with later(STALE + settings.SENSITIVE_MINUTES * 60 + 60):
        response = confirm_with_password(client)
        assert response.url == reverse("home")
        assert 'value="Old"' not in client.get(reverse("share_list")).content.decode()


@pytest.mark.parametrize("path", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_a_way_back_that_leads_off_the_site_leads_home(user, path):
    """The way back is written only by the app, but is checked all the same."""
    client = signed_in()
    session = client.session
    session["cj_resume"] = {"path": path, "data": None, "at": time.time()}
    session.save()
    assert confirm_with_password(client).url == reverse("home")
