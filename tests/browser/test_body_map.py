"""The body map in chromium: every place on it, tapped or chosen from the keyboard,
saves its region and side and is named in words under the map; a first log presets no
place and says so on Save; it fits a phone; the full and edit forms have it too. The
``new_page`` fixture fails a test on any console error, CSP violation or request to
another host."""

import os
from pathlib import Path

import pytest

from journal import body_map
from journal.models import Episode
from tests.browser.helpers import sign_up, submit_and_wait

pytestmark = pytest.mark.django_db(transaction=True)

QUICK = "/episodes/quick/"


def _saved(username: str = "walker") -> tuple[str, str]:
    episode = Episode.objects.filter(owner__username=username).latest("pk")
    return episode.body_region, episode.side


def _spot(page, spot):
    return page.get_by_role("button", name=spot.name, exact=True)


def _words(page) -> str:
    return page.inner_text("[data-body-map-choice]")


def test_each_place_tapped_saves_its_region_and_side(new_page, live_server):
    page = new_page(touch=True)
    sign_up(page, live_server.url, "walker")
    for spot in body_map.SPOTS:
        page.goto(live_server.url + QUICK)
        _spot(page, spot).tap()
        assert _spot(page, spot).get_attribute("aria-pressed") == "true"
        # Its name is written on the map, and the words under the map name the choice.
        short = body_map.SHORT_NAMES[spot.region]
        assert page.locator(".body-map-picker .bm-name", has_text=short).first.is_visible()
        assert _words(page) == spot.name, spot.name
        # The boxes beside the map say the same, for a screen reader and without a script.
        assert page.input_value("#id_body_region") == spot.region.value
        assert page.input_value("#id_side") == spot.side.value
        submit_and_wait(page)
        assert _saved() == (spot.region.value, spot.side.value), spot.name


def test_each_place_chosen_from_the_keyboard_saves_it(new_page, live_server):
    page = new_page()
    sign_up(page, live_server.url, "walker")
    page.goto(live_server.url + QUICK)
    # The map's places are in the tab order, just before the boxes they set, with a
    # ring to see.
    page.focus("#id_body_region")
    page.keyboard.press("Shift+Tab")
    last = body_map.SPOTS[-1]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == last.name
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.stroke, s.strokeWidth]; }"
    )
    resting = _spot(page, body_map.SPOTS[0]).evaluate("e => getComputedStyle(e).strokeWidth")
    assert ring[1] == "4px" and resting != "4px"
    for i, spot in enumerate(body_map.SPOTS):
        page.goto(live_server.url + QUICK)
        _spot(page, spot).focus()
        page.keyboard.press("Enter" if i % 2 else " ")
        assert _spot(page, spot).get_attribute("aria-pressed") == "true"
        page.focus("main button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert _saved() == (spot.region.value, spot.side.value), spot.name


def test_the_map_shows_what_the_boxes_hold(new_page, live_server):
    """The quick log opens on the last place; 'Both' lights both sides; a wrong tap is
    put right by the next."""
    page = new_page(touch=True)
    sign_up(page, live_server.url, "walker")
    page.goto(live_server.url + QUICK)
    assert _words(page) == "nothing yet"
    page.get_by_role("button", name="Left calf", exact=True).tap()
    page.get_by_role("button", name="Right calf", exact=True).tap()
    assert page.input_value("#id_side") == "right"
    assert _words(page) == "Right calf"
    assert page.get_by_role("button", name="Left calf").get_attribute("aria-pressed") == "false"
    page.select_option("#id_side", "both")
    assert _words(page) == "Calf, both sides"
    for name in ("Left calf", "Right calf"):
        assert (
            page.get_by_role("button", name=name, exact=True).get_attribute("aria-pressed")
            == "true"
        )
    submit_and_wait(page)
    assert _saved() == ("calf", "both")
    page.goto(live_server.url + QUICK)
    # Preselected, so saving again is one tap.
    assert page.get_by_role("button", name="Left calf").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Right calf").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Left hand").get_attribute("aria-pressed") == "false"
    assert _words(page) == "Calf, both sides"  # written by the server, before any tap


def test_a_first_save_with_no_place_says_so_and_keeps_the_rest(new_page, live_server):
    """The first quick log presets no place: Save with none stays on the form, says what
    is missing beside Where (the server's check; the form has no browser validation),
    keeps the intensity typed, and saves once a place is tapped."""
    page = new_page(width=390, height=844, touch=True)
    sign_up(page, live_server.url, "walker")
    page.goto(live_server.url + QUICK)
    assert page.input_value("#id_body_region") == "" and page.input_value("#id_side") == ""
    page.fill("input[name=intensity]", "8")
    submit_and_wait(page)
    assert page.url == live_server.url + QUICK and not Episode.objects.exists()
    error = page.locator("#id_body_region_error")
    assert error.is_visible() and "Choose where it cramps" in error.inner_text()
    # Said above the map too, on screen as the page opens again (the box's is below).
    above = page.locator("[data-body-map-missing]")
    assert "Choose where it cramps" in above.inner_text()
    assert 0 <= above.bounding_box()["y"] <= 844 - above.bounding_box()["height"]
    assert page.input_value("input[name=intensity]") == "8"
    page.get_by_role("button", name="Right foot", exact=True).tap()
    assert not above.is_visible()
    submit_and_wait(page)
    assert _saved() == ("foot", "right")
    assert Episode.objects.get().intensity == 8


@pytest.mark.parametrize("width", [360, 390])
def test_the_map_fits_a_phone_with_room_for_a_thumb(new_page, live_server, width):
    page = new_page(width=width)
    sign_up(page, live_server.url, "walker")
    for path in (QUICK, "/episodes/new/"):
        page.goto(live_server.url + path)
        assert page.locator("[data-body-map]").is_visible()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), path
        if path == QUICK:
            # Still two taps: a Save button is on the screen as the page opens (the
            # first, above the map).
            save = page.locator("main button[type=submit]").first.bounding_box()
            assert save["y"] >= 0 and save["y"] + save["height"] <= 740, (width, save)
        for spot in body_map.SPOTS:
            box = _spot(page, spot).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (width, spot.name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, spot.name)


def test_the_full_and_edit_forms_set_region_and_side(new_page, live_server):
    page = new_page(touch=True)
    sign_up(page, live_server.url, "walker")
    page.goto(live_server.url + "/episodes/new/")
    page.get_by_role("button", name="Left foot", exact=True).tap()
    submit_and_wait(page)
    episode = Episode.objects.get(owner__username="walker")
    assert (episode.body_region, episode.side) == ("foot", "left")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/edit/")
    assert page.get_by_role("button", name="Left foot").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Right hamstring", exact=True).tap()
    submit_and_wait(page)
    assert _saved() == ("hamstring", "right")


def test_without_a_script_the_boxes_do_the_work(new_page, live_server):
    page = new_page(javascript=False)
    sign_up(page, live_server.url, "walker")  # the sign-up form works without a script
    page.goto(live_server.url + QUICK)
    assert not page.locator("[data-body-map]").is_visible()
    page.select_option("#id_body_region", "neck")
    page.select_option("#id_side", "na")
    submit_and_wait(page)
    assert _saved() == ("neck", "na")


def _screenshot_dir(tmp_path: Path) -> Path:
    """`make screenshots` sets SCREENSHOT_DIR to docs/screenshots for the README."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_the_map_on_a_phone(new_page, live_server, tmp_path, scheme):
    """The README's picture of the map (body-map-390.png, and -dark): the quick log at
    390 px with a place chosen, every name on the map on screen and inside it."""
    page = new_page(width=390, height=844, touch=True)
    page.emulate_media(reduced_motion="reduce", color_scheme=scheme)
    sign_up(page, live_server.url, "walker")
    page.goto(live_server.url + QUICK)
    page.get_by_role("button", name="Left calf", exact=True).tap()
    box = page.locator("[data-body-map]")
    box.scroll_into_view_if_needed()
    outer = box.bounding_box()
    names = page.locator(".body-map-picker .bm-name")
    # One per place, but one for both thighs of a figure (written between them).
    written = {
        (s.region, s.back) if s.region in body_map.BETWEEN_THE_LEGS else s.key
        for s in body_map.SPOTS
    }
    assert names.count() == len(written)
    for i in range(names.count()):
        name = names.nth(i).bounding_box()
        assert name["x"] >= outer["x"] and name["x"] + name["width"] <= outer["x"] + outer["width"]
    page.evaluate("document.activeElement.blur()")  # the picture without a focus ring
    suffix = "-dark" if scheme == "dark" else ""
    box.screenshot(path=str(_screenshot_dir(tmp_path) / f"body-map-390{suffix}.png"))
