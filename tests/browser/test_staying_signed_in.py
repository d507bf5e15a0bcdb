"""The 3 a.m. cramp in chromium: a phone kept signed in opens the home-screen shortcut
and saves in two taps nine hours and twenty days later (the server's clock moved with
time-machine: the live server runs in this process); without the box, the sign-in page,
then back to the quick log. And passkeys with chromium's virtual authenticator (DevTools
WebAuthn domain: ctap2, internal, resident keys, user verification): add one, sign out,
sign in with it, confirm a download with it, remove it."""

import re
import time

import pytest
import time_machine

from journal.models import Episode, Passkey
from tests.browser.helpers import PASSWORD, log_out, sign_up

pytestmark = pytest.mark.django_db(transaction=True)

HOUR, DAY = 3600, 24 * 3600


def _later(seconds: float):
    """The server's clock moved on, and running."""
    return time_machine.travel(time.time() + seconds)


def _sign_in_kept(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.check("#id_keep")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _shortcut_then_save(page, base: str) -> int:
    """The home-screen shortcut opens the quick log (tap 1); Save (tap 2). The taps."""
    page.goto(f"{base}/episodes/quick/")
    page.click("main button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    return 2


def _log_a_left_hamstring(page, base: str) -> None:
    page.goto(f"{base}/episodes/quick/")
    page.select_option("#id_body_region", "hamstring")
    page.select_option("#id_side", "left")
    page.click("main button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))


def test_kept_signed_in_the_shortcut_logs_in_two_taps_nine_hours_and_twenty_days_on(
    new_page, live_server
):
    base = live_server.url
    page = new_page()
    sign_up(page, base, "sleeper")
    log_out(page)
    _sign_in_kept(page, base, "sleeper")
    _log_a_left_hamstring(page, base)
    for moved in (9 * HOUR, 20 * DAY):
        with _later(moved):
            assert _shortcut_then_save(page, base) == 2
            assert "Cramp logged" in page.inner_text("main")
    saved = Episode.objects.filter(owner__username="sleeper").order_by("started_at")
    assert [(e.body_region, e.side) for e in saved] == [("hamstring", "left")] * 3


def test_without_the_box_nine_hours_on_it_is_the_sign_in_page_then_the_quick_log(
    new_page, live_server
):
    base = live_server.url
    page = new_page()
    sign_up(page, base, "napper")
    _log_a_left_hamstring(page, base)
    with _later(9 * HOUR):
        page.goto(f"{base}/episodes/quick/")
        page.wait_for_url(re.compile(r"/accounts/login/\?next=/episodes/quick/$"))
        assert "without activity" in page.inner_text("main")
        page.fill("#id_username", "napper")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/episodes/quick/")
        # The last region and side are preselected: one more tap saves it.
        assert page.input_value("#id_body_region") == "hamstring"
        assert page.input_value("#id_side") == "left"


def _virtual_authenticator(page) -> tuple:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools, added["authenticatorId"]


def test_a_passkey_added_signs_in_confirms_a_download_and_is_removed(new_page, live_server):
    base = live_server.url
    page = new_page()
    devtools, authenticator = _virtual_authenticator(page)
    sign_up(page, base, "keyholder")

    page.goto(f"{base}/profile/passkeys/")
    page.fill("#id_name", "Bedside phone")
    with page.expect_navigation():
        page.click("button:has-text('Add a passkey')")
    assert "Passkey “Bedside phone” added." in page.inner_text("main")
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]

    # Signing in with it: the username box offers it (conditional mediation; chromium's
    # virtual authenticator takes the offer at once), with no username typed.
    log_out(page)
    page.goto(f"{base}/accounts/login/")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/profile/")
    assert "Signed in as keyholder" in page.inner_text("main")
    # And the button, in a browser whose username box offers no passkeys.
    log_out(page)
    page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false")
    page.goto(f"{base}/accounts/login/")
    with page.expect_navigation():
        page.click("button:has-text('Sign in with a passkey')")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/profile/")
    assert "Signed in as keyholder" in page.inner_text("main")

    # Eleven minutes on, a download asks to confirm; the passkey confirms it.
    with _later(11 * 60):
        page.goto(f"{base}/export/")
        page.click("a[href='/export/episodes.csv']")
        page.wait_for_url(f"{base}/accounts/confirm/")
        with page.expect_download() as download:
            page.click("button:has-text('Confirm with a passkey')")
        assert download.value.suggested_filename.startswith("crampjournal-episodes-")

    page.goto(f"{base}/profile/passkeys/")
    with page.expect_navigation():
        page.click("[data-passkey-row] button:has-text('Remove')")
    assert "removed" in page.inner_text("main")
    assert not Passkey.objects.filter(owner__username="keyholder").exists()


def test_the_sign_in_page_offers_passkeys_in_the_username_box(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_attribute("#id_username", "autocomplete") == "username webauthn"
    assert page.locator("button:has-text('Sign in with a passkey')").is_visible()
