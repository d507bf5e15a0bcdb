"""A spreadsheet of one's own imported in chromium on a 390 px phone: the columns guessed,
one changed, the preview read, then Import."""

import os
from pathlib import Path

import pytest

from journal.models import Episode
from tests.browser.helpers import sign_up, submit_and_wait

pytestmark = pytest.mark.django_db(transaction=True)

SHEET = (
    "Date,Where,Severity,Minutes,Comment,Side,Weather\r\n"
    "01/03/2026 02:30,Calf,6,5,Woke me up,Left,cold\r\n"
    "02/03/2026 03:10,left foot,4,1.5,,,\r\n"
    "04/03/2026 23:45,Hamstring,7,2,after football,right,\r\n"
)


def test_a_spreadsheet_is_matched_previewed_and_imported_on_a_phone(
    new_page, live_server, tmp_path
):
    page = new_page(width=390, height=844)
    sign_up(page, live_server.url, "sheets")
    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "my cramps.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}],
    )
    submit_and_wait(page)
    assert page.url == f"{live_server.url}/import/columns/"
    # Guessed by name; the person says the comment column is not notes after all.
    assert page.locator("select[name=col_0]").input_value() == "started_at"
    assert page.locator("select[name=col_1]").input_value() == "body_region"
    assert page.locator("select[name=col_2]").input_value() == "intensity"
    assert page.locator("select[name=col_6]").input_value() == "ignore"
    preview = page.locator("[data-import-preview]")
    assert "Calf, left, 6/10" in preview.inner_text()
    assert "Woke me up" in preview.inner_text()
    page.select_option("select[name=col_4]", "ignore")
    submit_and_wait(page, "button[value=preview]")
    assert "Woke me up" not in page.locator("[data-import-preview]").inner_text()
    # Nothing sticks out of a 390 px page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(folder / "import-columns-390.png"), full_page=True)
    submit_and_wait(page, "button[value=import]")
    assert page.url == f"{live_server.url}/episodes/"
    assert "Imported 3 episodes." in page.inner_text("main")
    episodes = Episode.objects.filter(owner__username="sheets").order_by("started_at")
    assert [(e.body_region, e.side, e.notes) for e in episodes] == [
        ("calf", "left", ""),
        ("foot", "left", ""),
        ("hamstring", "right", ""),
    ]
