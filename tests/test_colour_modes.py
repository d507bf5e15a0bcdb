"""Light and dark pages: the person's choice is in the page the server sends, so the
first paint is right; "system" follows the phone with no script (css/colour-system.css)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import ColourMode, Profile
from journal.palette import THEME_COLOUR, THEME_COLOUR_DARK
from scripts import make_colour_css

pytestmark = pytest.mark.django_db

SYSTEM_CSS = "/static/css/colour-system.css"


def _profile_form(mode: str) -> dict:
    return {"time_zone": "Europe/London", "fluid_unit": "ml", "colour_mode": mode}


def test_a_signed_out_page_follows_the_system_without_a_script():
    html = Client().get(reverse("login")).content.decode()
    assert '<html lang="en">' in html  # no data-bs-theme: the media query decides
    assert '<meta name="color-scheme" content="light dark">' in html
    assert (
        f'<meta name="theme-color" media="(prefers-color-scheme: light)" '
        f'content="{THEME_COLOUR}">' in html
    )
    assert (
        f'<meta name="theme-color" media="(prefers-color-scheme: dark)" '
        f'content="{THEME_COLOUR_DARK}">' in html
    )
    assert SYSTEM_CSS in html


@pytest.mark.parametrize(
    ("mode", "colour"), [(ColourMode.DARK, THEME_COLOUR_DARK), (ColourMode.LIGHT, THEME_COLOUR)]
)
def test_a_chosen_mode_is_in_every_page_from_the_server(user, alice_client, mode, colour):
    saved = alice_client.post(reverse("profile"), _profile_form(mode))
    assert saved.status_code == HTTPStatus.FOUND
    assert Profile.objects.get(user=user).colour_mode == mode
    for name in ["home", "quick_log", "patterns", "report", "profile"]:
        html = alice_client.get(reverse(name)).content.decode()
        assert f'<html lang="en" data-bs-theme="{mode}">' in html, name
        assert f'<meta name="color-scheme" content="{mode}">' in html, name
        assert f'<meta name="theme-color" content="{colour}">' in html, name
        assert SYSTEM_CSS not in html, name
    # The profile shows the choice, ready to change.
    page = alice_client.get(reverse("profile")).content.decode()
    assert f'<option value="{mode}" selected>' in page


def test_a_wrong_mode_is_refused_next_to_its_field_and_the_rest_kept(user, alice_client):
    response = alice_client.post(
        reverse("profile"), _profile_form("midnight") | {"time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'id="id_colour_mode"' in page
    assert '<option value="Asia/Tokyo" selected>' in page
    assert Profile.objects.get(user=user).colour_mode == ColourMode.SYSTEM


def test_the_system_stylesheet_is_made_from_the_dark_rules_and_up_to_date():
    built = make_colour_css.build()
    assert make_colour_css.OUTPUT.read_text() == built, "run `make colour-css`"
    assert built.startswith("/*") and "@media (prefers-color-scheme: dark)" in built
    # Bootstrap's dark variables and our own dark rules, for a page with no attribute.
    assert ":root:not([data-bs-theme]) {color-scheme:dark;--bs-body-color:#dee2e6" in built
    assert ":root:not([data-bs-theme]) .navbar.bg-primary" in built
    assert "[data-bs-theme=dark]" not in built


def test_only_rules_under_a_dark_page_are_copied():
    css = (
        "[data-bs-theme=dark] .a, .b {color: red}"
        ".navbar[data-bs-theme=dark] {color: blue}"
        ".c {color: green}"
    )
    assert make_colour_css.dark_rules(css) == [":root:not([data-bs-theme]) .a {color: red}"]
