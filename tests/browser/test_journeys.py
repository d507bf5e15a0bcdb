"""The seven journeys of a person using CrampJournal, each one test, in Debian's chromium.

Every page stands behind the guards in conftest.py: a request to another host, a console
error or a Content-Security-Policy violation fails the test.
"""

import os
import re
import time
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command

from journal.models import CheckIn, Episode, FlagReview, Medication, Profile
from journal.templatetags.journal_tags import duration
from tests.browser.helpers import (
    PASSWORD,
    draw_charts,
    log_out,
    sign_in,
    sign_up,
    submit_and_wait,
)

pytestmark = pytest.mark.django_db(transaction=True)

# 1 ------------------------------------------------------------------------------------


def test_1_sign_up_quick_log_in_two_taps_then_patterns(signed_up, live_server):
    page = signed_up
    # Sign-up took the zone from the browser.
    assert Profile.objects.get(user__username="walker").time_zone == "Europe/Paris"
    page.click(".big-action")  # tap 1: "Log a cramp" on the home page
    page.wait_for_url(f"{live_server.url}/episodes/quick/")
    # A first log presets no place (so two taps never log one nobody chose): tap 2 is
    # the place, named in words under the map; tap 3 saves (5/10 is preset).
    page.get_by_role("button", name="Left calf", exact=True).click()
    assert page.inner_text("[data-body-map-choice]") == "Left calf"
    page.click("main button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    assert "Cramp logged" in page.inner_text("main")
    episode = Episode.objects.get(owner__username="walker")
    assert (episode.body_region, episode.intensity) == ("calf", 5)

    page.goto(f"{live_server.url}/patterns/")
    assert page.inner_text('[data-headline="Episodes"]') == "1"
    draw_charts(page)
    over_time = page.evaluate("() => window.crampCharts.over_time.data.datasets[0]")
    assert over_time["label"] == "Episodes"
    assert sum(n or 0 for n in over_time["data"]) == 1
    # The chart has drawn into its canvas: Chart.js owns that canvas and it has a size.
    assert page.evaluate(
        "() => { const c = document.getElementById('chart-over_time');"
        " return Chart.getChart(c) === window.crampCharts.over_time"
        " && c.width > 0 && c.height > 0; }"
    )


# 2 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_2_the_cramp_is_happening_timer(signed_up, new_page, live_server, javascript):
    page = signed_up
    if not javascript:  # the timer works without script too; the clock just doesn't tick
        page = new_page(javascript=False)
        sign_in(page, live_server.url, "walker")
    page.goto(f"{live_server.url}/episodes/timer/")
    page.select_option("#id_body_region", "calf")  # a first log: no place preset
    page.select_option("#id_side", "left")
    page.click("button:has-text('Start the timer')")
    page.wait_for_url(re.compile(r"/episodes/\d+/timer/$"))
    started = time.monotonic()
    # The clock ticks from the server's start time: wait until it has passed 3 s. Without
    # script it is read on the same timer in the first window, which runs script.
    clock = page
    if not javascript:
        clock = signed_up
        clock.goto(page.url)
    clock.wait_for_function("() => document.getElementById('elapsed').textContent >= '00:03'")
    page.click("button:has-text('It stopped')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    waited = time.monotonic() - started
    episode = Episode.objects.get()
    assert not episode.ongoing
    # The server's clock and this one agree to within the time a click takes.
    assert abs(episode.duration_seconds - waited) <= 1.5, (episode.duration_seconds, waited)
    assert duration(episode.duration_seconds) in page.inner_text("main")


# 3 ------------------------------------------------------------------------------------


def test_3_numbness_raises_a_calm_flag_that_can_be_marked_discussed(signed_up, live_server):
    page = signed_up
    page.goto(f"{live_server.url}/episodes/new/")
    page.select_option("#id_body_region", "hamstring")
    page.select_option("#id_side", "left")
    page.check("input[name=symptoms][value=numbness]")
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    note = page.locator("[data-concern]")
    assert "You logged numbness or tingling with this cramp." in note.inner_text()
    assert "worth discussing with a clinician" in note.inner_text()
    # Relief for the region logged: both hamstring stretches.
    relief = page.locator("[data-relief]").inner_text()
    assert "Sitting or lying down" in relief and "Standing up" in relief

    page.goto(f"{live_server.url}/patterns/")
    flag = page.locator('[data-flags] [data-flag="warning_symptoms"]')
    assert "See a clinician soon" in flag.inner_text()
    assert "urgent care" in page.locator("[data-flags] [data-urgent-note]").inner_text()
    page.click("text=Why, and what to do")
    page.wait_for_url(re.compile(r"/clinician/$"))
    submit_and_wait(page, '[data-flag="warning_symptoms"] button:has-text("I have discussed this")')
    page.wait_for_selector('[data-discussed="warning_symptoms"]')  # the same URL, reloaded
    assert page.locator('[data-discussed="warning_symptoms"]').is_visible()
    assert page.locator('[data-history="warning_symptoms"]').is_visible()
    assert FlagReview.objects.count() == 1

    page.goto(f"{live_server.url}/patterns/")
    assert page.locator("[data-flags]").count() == 0


# 4 ------------------------------------------------------------------------------------


def test_4_report_pdf_then_a_share_link_opened_revoked_and_dead(
    signed_up, new_page, live_server, problems
):
    page = signed_up
    page.click(".big-action")
    page.wait_for_url(f"{live_server.url}/episodes/quick/")
    page.get_by_role("button", name="Left calf", exact=True).click()
    page.fill("input[name=intensity]", "8")
    page.click("main button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))

    page.goto(f"{live_server.url}/report/")
    page.select_option("#id_range", "30d")
    page.fill("#id_name", "W. K.")
    with page.expect_download() as download:
        page.click("button:has-text('Download as PDF')")
    path = download.value.path()
    assert download.value.suggested_filename.startswith("crampjournal-report-")
    assert Path(path).read_bytes().startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "Muscle cramp report: W. K." in text
    assert "Episodes 1" in text and "Worst intensity 8/10" in text

    page.goto(f"{live_server.url}/share/")
    page.fill("#id_name", "W. K.")
    submit_and_wait(page, "button:has-text('Make a link')")
    url = page.inner_text("[data-link-url]").strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/s/[\w-]{{43}}/", url)

    stranger = new_page(width=1280, height=900)  # a fresh context: no cookies
    stranger.goto(url)
    assert "Muscle cramp report: W. K." in stranger.inner_text("h1")
    assert "Worst intensity" in stranger.inner_text("main")
    assert stranger.locator("nav").count() == 0

    page.goto(f"{live_server.url}/share/")
    assert "1 time, last" in page.inner_text("[data-share-link]")
    submit_and_wait(page, "[data-share-link] button:has-text('Revoke')")
    page.wait_for_selector("[data-share-link] :text('revoked')")  # the same URL, reloaded
    response = stranger.goto(url)
    assert response.status == 410
    assert "This link is no longer valid" in stranger.inner_text("h1")
    # Chromium reports the 410 it was meant to get as a console error; nothing else.
    problems[:] = [p for p in problems if "status of 410 (Gone)" not in p]


# 5 ------------------------------------------------------------------------------------


def _journal_rows(page, base_url: str) -> list[str]:
    page.goto(f"{base_url}/episodes/")
    return [
        " ".join(row.split()) for row in page.locator("main .list-group-item").all_inner_texts()
    ]


def test_5_csv_export_then_import_into_a_second_account(signed_up, new_page, live_server):
    page = signed_up
    for region, intensity in [("hamstring", "3"), ("foot", "9")]:
        page.goto(f"{live_server.url}/episodes/new/")
        page.select_option("#id_body_region", region)
        page.select_option("#id_side", "left")
        page.fill("#id_duration_minutes", "2")
        page.fill("input[name=intensity]", intensity)
        page.fill("#id_notes", f"a {region} cramp, noted")
        page.click("main button[type=submit]:has-text('Save')")
        page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    page.goto(f"{live_server.url}/episodes/quick/")
    page.click("main button:has-text('Save')")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    rows = _journal_rows(page, live_server.url)
    assert len(rows) == 3

    page.goto(f"{live_server.url}/export/")
    with page.expect_download() as download:
        page.click("text=Download episodes (CSV)")
    csv_path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    log_out(page)

    other = new_page()
    sign_up(other, live_server.url, "second")
    assert _journal_rows(other, live_server.url) == []
    other.goto(f"{live_server.url}/import/")
    other.set_input_files("input[type=file]", csv_path)
    other.click("main button:has-text('Import')")
    other.wait_for_url(f"{live_server.url}/episodes/")
    assert "Imported 3 episodes" in other.inner_text("main")
    assert _journal_rows(other, live_server.url) == rows
    notes = sorted(Episode.objects.filter(owner__username="second").values_list("notes", flat=True))
    assert notes == ["", "a foot cramp, noted", "a hamstring cramp, noted"]


# 6 ------------------------------------------------------------------------------------

# What has focus, what it is called and whether a sighted keyboard user can see it.
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  const name = (e.labels && e.labels.length ? e.labels[0].innerText
                : e.innerText || e.value || "").trim();
  return {name, tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
          colour: s.outlineColor,
          onScreen: r.width > 0 && r.bottom > 0 && r.top < innerHeight
                    && r.right > 0 && r.left < innerWidth};
}"""


def _tab_to(page, name: str, limit: int = 90) -> None:
    """Press Tab until the field or control called ``name`` has focus; every stop on the
    way must show a solid focus ring of at least 2 px, on screen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        where = f"{page.url} {focused | {'name': focused['name'][:40]}}"
        assert focused["tag"] != "BODY", f"focus fell off the page before {name!r}: {where}"
        assert focused["outline"] == "solid" and focused["width"] >= 2, f"no ring: {where}"
        assert focused["onScreen"], f"focused but off screen: {where}"
        if focused["name"].startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r} on {page.url}")


def _press(page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def test_6_keyboard_only_medication_check_in_and_full_episode(signed_up, live_server):
    page = signed_up
    page.set_viewport_size({"width": 1280, "height": 900})
    # No transitions: the ring is read the moment focus lands, as a person would see it.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/")

    # A medication, from the menu.
    _tab_to(page, "Medications")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/medications/")
    _tab_to(page, "Add one")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/medications/new/")
    _tab_to(page, "Name")
    page.keyboard.type("Magnesium")
    _tab_to(page, "Dose")
    page.keyboard.type("300 mg")
    _tab_to(page, "Kind")
    _press(page, "ArrowDown", 2)  # ---------, Diuretic, Statin
    _tab_to(page, "Save")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/medications/")
    medication = Medication.objects.get()
    assert (medication.name, medication.dose, medication.kind) == ("Magnesium", "300 mg", "statin")

    # Today's check-in.
    _tab_to(page, "Check-in")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/checkins/today/")
    _tab_to(page, "Fluid today")
    page.keyboard.type("1800")
    _tab_to(page, "Electrolyte drink today")
    _press(page, "ArrowDown")  # Not recorded → Yes
    _tab_to(page, "I stretched today")
    page.keyboard.press("Space")
    _tab_to(page, "Sleep last night")
    page.keyboard.type("6.5")
    _tab_to(page, "Save")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/checkins/")
    checkin = CheckIn.objects.get()
    assert (checkin.fluid_ml, checkin.electrolytes, checkin.stretched) == (1800, True, True)
    assert float(checkin.sleep_hours) == 6.5

    # A full episode, from the home page's "Log with all the details".
    page.goto(f"{live_server.url}/")
    _tab_to(page, "Log with all the details")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/episodes/new/")
    _tab_to(page, "Lasted: minutes")
    page.keyboard.type("3")
    _tab_to(page, "and seconds")
    page.keyboard.type("20")
    _tab_to(page, "Body region")
    _press(page, "ArrowDown", 3)  # nothing preset on a first log → Hamstring, Calf, Quadriceps
    _tab_to(page, "Side")
    _press(page, "ArrowDown", 2)  # nothing preset → Left, Right
    _tab_to(page, "How bad")
    _press(page, "ArrowRight", 2)  # 5 → 7
    _tab_to(page, "It woke me")
    page.keyboard.press("Space")
    _tab_to(page, "Fatigue")
    page.keyboard.press("Space")
    _tab_to(page, "Stretch")
    _press(page, "ArrowDown", 3)  # Not tried, Did not help, Helped some, Helped a lot
    _tab_to(page, "Magnesium")
    page.keyboard.press("Space")
    _tab_to(page, "Notes")
    page.keyboard.type("typed without a mouse")
    _tab_to(page, "Save")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    episode = Episode.objects.get()
    assert episode.duration_seconds == 200
    assert (episode.body_region, episode.side) == ("quadriceps", "right")
    assert (episode.intensity, episode.broke_sleep) == (7, True)
    assert list(episode.reliefs.values_list("measure", "effect")) == [("stretch", 2)]
    assert episode.notes == "typed without a mouse"
    assert list(episode.triggers.values_list("trigger", flat=True)) == ["fatigue"]
    assert list(episode.medications_taken.all()) == [medication]


# 7 ------------------------------------------------------------------------------------

# Every main page of a signed-in person; the first visible of these is its main action.
PAGES = [
    "/",
    "/episodes/quick/",
    "/episodes/new/",
    "/episodes/timer/",
    "/episodes/",
    "/checkins/today/",
    "/checkins/",
    "/medications/",
    "/medications/new/",
    "/profile/",
    "/patterns/",
    "/patterns/?range=all",
    "/clinician/",
    "/explained/",
    "/export/",
    "/import/",
    "/profile/delete/",
    "/report/",
    "/share/",
    "/profile/two-factor/",
    "/profile/activity/",
    "/accounts/password_change/",
]
MAIN_ACTION = "main button[type=submit], main a.btn"
SCREENSHOTS = {
    "/": "home",
    "/episodes/quick/": "quick-log",
    "/patterns/": "patterns",
    "/clinician/": "flags",
    "/report/": "report",
}
# Nothing covers the main action: the topmost element at its centre is it, or inside it.
UNCOVERED = """(e) => { e.scrollIntoView({block: "center"});
  const r = e.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return e === top || e.contains(top); }"""


def _screenshot_dir(tmp_path: Path) -> Path:
    """`make screenshots` sets SCREENSHOT_DIR to docs/screenshots for the README."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("account", ["demo", "empty"])
@pytest.mark.parametrize("width,height", [(360, 740), (390, 844)], ids=["360", "390"])
def test_7_every_main_page_fits_a_phone(new_page, live_server, tmp_path, account, width, height):
    """With a year of data (long lists, every chart, flags) and with none (empty states)."""
    page = new_page(width=width, height=height)
    page.emulate_media(reduced_motion="reduce")
    if account == "demo":
        call_command("seed_demo", "--username", "demo", "--password", PASSWORD, "--days", "120")
        sign_in(page, live_server.url, "demo")
    else:
        sign_up(page, live_server.url, "newcomer")
        page.click(".big-action")
        page.wait_for_url(f"{live_server.url}/episodes/quick/")
        page.get_by_role("button", name="Left calf", exact=True).click()
        page.click("main button:has-text('Save')")  # one episode, for its own pages
        page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    episode = Episode.objects.filter(owner__username__in=["demo", "newcomer"]).first()
    folder = _screenshot_dir(tmp_path)
    written: set[str] = set()
    for path in [*PAGES, f"/episodes/{episode.pk}/", f"/episodes/{episode.pk}/edit/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} scrolls sideways ({scroll_width}px at {width})"
        action = page.locator(MAIN_ACTION).first
        assert action.is_visible(), f"{path} has no visible main action"
        assert action.evaluate(UNCOVERED), f"{path}: its main action is covered"
        if account == "demo" and path in SCREENSHOTS:
            page.evaluate("() => window.scrollTo(0, 0)")
            shot = folder / f"{SCREENSHOTS[path]}-{width}.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 0
            written.add(shot.name)
    if account == "demo":
        # Every page named in SCREENSHOTS was photographed (the folder may also hold the
        # share page's and the body map's, under `make screenshots`).
        assert written == {f"{name}-{width}.png" for name in SCREENSHOTS.values()}


DARK_SCREENSHOTS = ["/", "/episodes/quick/", "/patterns/", "/report/"]


def test_7_demo_pages_in_dark_mode(new_page, live_server, tmp_path):
    """The README's dark screenshots, beside test_7's light ones: a phone set to dark
    gets dark pages, with the body map on the quick log and on Patterns."""
    page = new_page(width=390, height=844)
    page.emulate_media(reduced_motion="reduce", color_scheme="dark")
    call_command("seed_demo", "--username", "demo", "--password", PASSWORD, "--days", "120")
    sign_in(page, live_server.url, "demo")
    folder = _screenshot_dir(tmp_path)
    for path in DARK_SCREENSHOTS:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(33, 37, 41)", path
        page.screenshot(path=str(folder / f"{SCREENSHOTS[path]}-390-dark.png"))
    page.goto(live_server.url + "/episodes/quick/")
    assert page.locator("[data-body-map]").is_visible()
    page.goto(live_server.url + "/patterns/")
    assert page.locator("[data-spot][data-count]:not([data-count='0'])").count() > 0
