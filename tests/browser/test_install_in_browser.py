"""Chromium reads the manifest without complaint and would offer to install the app;
no service worker is registered."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_finds_the_app_installable_and_no_service_worker(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/patterns/")  # loaded; chromium fetches the manifest itself
    devtools = page.context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where chromium never installs anything;
    # any other reason (manifest, icons, start URL, scope, HTTPS) would be listed too.
    assert [error["errorId"] for error in errors] == ["in-incognito"]
    assert (
        page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    )
