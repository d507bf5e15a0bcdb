"""Two-factor sign-in in a real browser, under the app's Content-Security-Policy."""

import base64
import time

from django_otp.oath import TOTP

from tests.browser.helpers import log_out


def _code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_turn_on_two_factor_then_sign_in_with_the_apps_code(signed_up, new_page, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/profile/")
    page.click("text=Two-factor sign-in")
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("code.user-select-all").inner_text()
    page.fill("#id_code", _code(secret))
    page.click("button:has-text('Turn on')")
    page.wait_for_selector(".backup-codes code")
    assert page.locator(".backup-codes code").count() == 10
    log_out(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "walker")
    page.fill("#id_password", "a-long-test-password-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    page.fill("#id_code", _code(secret, steps_ahead=1))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/profile/activity/")
    body = page.locator("main").inner_text()
    assert "Two-factor sign-in turned on" in body
    assert "Signed in" in body
