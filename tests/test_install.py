"""Installable on a phone's home screen: the manifest, its icons, the theme colour, and no
service worker that could keep health data on the device."""

import json
import struct
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from journal.palette import THEME_COLOUR

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_is_served_to_anyone_and_describes_the_app():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert not response.cookies
    manifest = json.loads(response.content)
    assert manifest["name"] == "CrampJournal"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    assert manifest["theme_color"] == THEME_COLOUR
    assert {s["url"] for s in manifest["shortcuts"]} == {"/episodes/quick/", "/episodes/timer/"}


def test_every_png_icon_exists_at_its_stated_size():
    manifest = json.loads(Client().get("/manifest.webmanifest").content)
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in pngs}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in pngs:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        width, height = _png_size(path)
        assert f"{width}x{height}" == icon["sizes"]
    assert _png_size(finders.find("img/apple-touch-icon.png")) == (180, 180)


def test_every_page_links_the_manifest_and_the_theme_colour(client, django_user_model):
    user = django_user_model.objects.create_user("phone", password="a-long-test-password-42")
    for signed_in in (False, True):
        if signed_in:
            client.force_login(user)
        html = client.get("/").content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        # The light page's status bar is the manifest's colour (the person's mode is
        # "system": tests/test_colour_modes.py has the dark one and the chosen modes).
        assert (
            f'<meta name="theme-color" media="(prefers-color-scheme: light)" '
            f'content="{THEME_COLOUR}">' in html
        )
        assert 'rel="apple-touch-icon"' in html


def test_no_service_worker_anywhere():
    """A service worker would cache pages, and those pages are health data."""
    sources = [*ROOT.glob("static/js/**/*.js"), *ROOT.glob("templates/**/*.html")]
    assert sources
    for source in sources:
        assert "serviceWorker" not in source.read_text(), source
