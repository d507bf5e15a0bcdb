"""Dark and light pages in chromium: the phone's setting is followed, the profile's
choice wins over it, and the first paint is already dark. The ``new_page`` fixture fails
a test on any console error, CSP violation or request to another host."""

import io

import pytest
from PIL import Image  # WeasyPrint's own dependency

from journal.models import ColourMode, Profile
from journal.palette import THEME_COLOUR_DARK
from tests.browser.helpers import sign_up

pytestmark = pytest.mark.django_db(transaction=True)

DARK_BG = "rgb(33, 37, 41)"  # Bootstrap's dark --bs-body-bg
LIGHT_BG = "rgb(255, 255, 255)"
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"
NAVBAR = "() => getComputedStyle(document.querySelector('nav.navbar')).backgroundColor"


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize(
    ("system", "chosen", "background"),
    [
        ("dark", ColourMode.SYSTEM, DARK_BG),
        ("light", ColourMode.SYSTEM, LIGHT_BG),
        ("light", ColourMode.DARK, DARK_BG),
        ("dark", ColourMode.LIGHT, LIGHT_BG),
    ],
)
def test_pages_follow_the_phone_unless_the_profile_says_otherwise(
    new_page, live_server, system, chosen, background
):
    page = new_page()
    page.emulate_media(color_scheme=system)
    sign_up(page, live_server.url, "walker")
    Profile.objects.filter(user__username="walker").update(colour_mode=chosen)
    for path in ["/", "/episodes/quick/", "/patterns/", "/report/"]:
        page.goto(live_server.url + path)
        assert page.evaluate(BACKGROUND) == background, path
    if background == DARK_BG:
        # No bright blue bar at night: the navbar is the status bar's dark colour.
        assert page.evaluate(NAVBAR) == _rgb(THEME_COLOUR_DARK)


def test_the_first_paint_is_dark_before_any_stylesheet(new_page, live_server):
    """The page itself asks for a dark canvas (color-scheme), so even with every
    stylesheet still to come the browser paints no white frame."""
    page = new_page()
    page.emulate_media(color_scheme="dark")
    sign_up(page, live_server.url, "walker")
    Profile.objects.filter(user__username="walker").update(colour_mode=ColourMode.DARK)
    # Stylesheets that bring nothing: what is painted is the HTML's own doing.
    page.route("**/*.css", lambda route: route.fulfill(body="", content_type="text/css"))
    page.emulate_media(color_scheme="light")  # the page's choice, not the phone's
    page.goto(live_server.url + "/episodes/quick/")
    shot = page.screenshot(clip={"x": 350, "y": 730, "width": 1, "height": 1})
    assert _dark_pixel(shot)


def _dark_pixel(png: bytes) -> bool:
    red, green, blue = Image.open(io.BytesIO(png)).convert("RGB").getpixel((0, 0))
    return max(red, green, blue) < 64
