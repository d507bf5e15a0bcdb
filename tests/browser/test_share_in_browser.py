"""A new share link in chromium on a phone: the whole address readable at 360 px, Copy
puts it on the clipboard (or selects it where there is none), Share hands it to the
phone's share sheet where the browser has one and is hidden where it has none, and the
QR code on the screen reads back to the link."""

import io
import os
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.browser.helpers import sign_up, submit_and_wait

# Headless chromium on Linux has no Web Share (navigator.share is absent there, as on
# desktop Linux), so the share sheet is stood in for by a recorder; only where the API is
# absent, which the first half of the test checks. The clipboard is taken away the same
# way, to see the fallback that selects the link.
SHARE_SHEET_AND_NO_CLIPBOARD = """
window.sharedWith = [];
Object.defineProperty(navigator, "share", {
  configurable: true,
  value: async (data) => { window.sharedWith.push(data); },
});
Object.defineProperty(navigator, "clipboard", { configurable: true, value: undefined });
"""


def _make_link(page, base_url: str) -> str:
    page.goto(f"{base_url}/share/")
    submit_and_wait(page, "button:has-text('Make a link')")
    return page.inner_text("[data-link-url]").strip()


def _screenshot_dir() -> Path | None:
    """`make screenshots` sets SCREENSHOT_DIR to docs/screenshots for the README."""
    folder = os.environ.get("SCREENSHOT_DIR")
    return Path(folder) if folder else None


def test_a_new_link_is_copied_shared_and_scanned_on_a_phone(new_page, live_server):
    page = new_page(width=360, height=740)
    sign_up(page, live_server.url, "sharer")
    context = page.context
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    url = _make_link(page, live_server.url)
    assert url.startswith(f"{live_server.url}/s/")

    # Readable on a 360 px phone: no sideways scroll, the link wrapped, not cut off.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("[data-link-url]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert (
        page.locator("[data-link-url]").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        >= 16
    )

    # Copy: on the clipboard, and said so on the screen.
    page.click("button:has-text('Copy link')")
    page.locator("[data-copy-status]:has-text('Copied')").wait_for()
    assert page.inner_text("[data-copy-link]") == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == url

    # No share sheet in this browser: no Share button.
    assert page.evaluate("typeof navigator.share") == "undefined"
    assert page.locator("[data-share-sheet]").is_hidden()

    # The QR code on the screen reads back to the link.
    shot = Image.open(io.BytesIO(page.locator(".share-qr-box").screenshot()))
    assert [result.text for result in zxingcpp.read_barcodes(shot)] == [url]

    # A phone with a share sheet and no clipboard: Share hands the link over, Copy
    # selects it for the phone's own Copy.
    context.add_init_script(SHARE_SHEET_AND_NO_CLIPBOARD)
    url = _make_link(page, live_server.url)
    if folder := _screenshot_dir():
        # The README's: as on a phone that has a share sheet, light mode, 390 px.
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator("[data-new-link]").scroll_into_view_if_needed()
        page.screenshot(path=str(folder / "share-390.png"))
    page.click("button:has-text('Share')")
    page.wait_for_function("window.sharedWith.length === 1")
    assert page.evaluate("window.sharedWith[0].url") == url
    page.click("button:has-text('Copy link')")
    page.locator("[data-copy-status]:has-text('selected')").wait_for()
    assert page.evaluate("window.getSelection().toString()").strip() == url
