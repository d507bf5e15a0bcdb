"""A download asked for after ten minutes, in chromium: "Confirm it's you", then back on
the page it was asked on (Your data), the options chosen still filled in, and the file
downloading, with no second tap (the server's clock moved with time-machine: the live
server runs in this process)."""

import json
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from tests.browser.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_confirming_the_download_starts_on_the_page_it_was_asked_on(new_page, live_server):
    base = live_server.url
    page = new_page(width=390, height=844)
    sign_up(page, base, "downloader")
    with time_machine.travel(time.time() + settings.SENSITIVE_MINUTES * 60 + 60):
        page.goto(f"{base}/export/")
        page.fill("#id_name", "J. D.")
        page.click("button:has-text('Download FHIR R4 (JSON)')")
        page.wait_for_url(f"{base}/accounts/confirm/")
        page.fill("#id_password", PASSWORD)
        with page.expect_download() as download:
            page.click("main button[type=submit]")
        assert download.value.suggested_filename.startswith("crampjournal-fhir-r4-")
        bundle = json.loads(Path(download.value.path()).read_text())
        assert bundle["resourceType"] == "Bundle"
        assert "J. D." in json.dumps(bundle)  # the options chosen before the question
        # Where they were: Your data, its form as they had filled it in.
        assert page.url == f"{base}/export/"
        assert page.input_value("#id_name") == "J. D."
        assert "is on its way to your downloads" in page.inner_text("[data-pending-download]")
