"""Share links: made once, stored as a hash, read-only, expiring and revocable."""

import datetime as dt
import hashlib
import re
from http import HTTPStatus

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import ShareLink
from journal.reports import sharing
from journal.reports.views.share import OPEN_LIMIT, OPENED_TOO_OFTEN


def _make(client, **data) -> str:
    response = client.post(reverse("share_list"), {"range": "90d", "days": "14"} | data)
    assert response.status_code == HTTPStatus.OK
    match = re.search(r"data-link-url>(http://testserver/s/([^/<]+)/)<", response.content.decode())
    assert match, "the new link is shown"
    return match.group(2)


def _qr_modules(svg: str) -> list[list[bool]]:
    """The dark modules of segno's inline SVG, read back from its one path: each row is
    drawn as horizontal strokes ("M x y", "m dx dy", "h n"), half a module below the top."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    dark = re.search(r'<path [^>]*stroke="#000" d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, args in re.findall(r"([Mmh])([-\d. ]+)", dark):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            for column in range(int(x), int(x + numbers[0])):
                grid[int(y)][column] = True
            x += numbers[0]
    return grid


def _decode(grid: list[list[bool]]) -> list[str]:
    """What a real QR reader (zxing-cpp) reads off the modules drawn at 8 px each."""
    import zxingcpp
    from PIL import Image

    scale = 8
    image = Image.new("L", (len(grid) * scale, len(grid) * scale), 255)
    for row, cells in enumerate(grid):
        for column, cell in enumerate(cells):
            if cell:
                image.paste(
                    0, (column * scale, row * scale, (column + 1) * scale, (row + 1) * scale)
                )
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_a_link_is_shown_once_and_only_its_hash_is_kept(user, alice_client):
    token = _make(alice_client)
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    link = ShareLink.objects.get(owner=user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(getattr(link, f.attname)) for f in link._meta.concrete_fields)
    # The list shows the link's facts, never its address again.
    listing = alice_client.get(reverse("share_list")).content.decode()
    assert token not in listing and 'data-share-link="' in listing
    expires = link.expires_at - link.created_at
    assert dt.timedelta(days=14) - dt.timedelta(seconds=5) < expires <= dt.timedelta(days=14)


def test_the_new_link_is_shown_whole_with_copy_share_and_a_qr_code_of_it(alice_client):
    response = alice_client.post(reverse("share_list"), {"range": "90d", "days": "14"})
    html = response.content.decode()
    url = re.search(r"data-link-url>([^<]+)<", html).group(1)
    # As text that wraps (not a one-line box that cuts it off), with its buttons.
    assert "<input" not in html.split("data-new-link")[1].split("</section>")[0]
    assert "data-copy-link" in html and "data-share-sheet" in html
    assert re.search(r'<script type="module" src="/static/js/share\.js', html)
    # The QR code is in the page itself: no image address carries the link.
    svg = re.search(r'<svg viewBox="[^"]+" class="share-qr">.*?</svg>', html).group(0)
    assert "style=" not in svg and "<script" not in svg
    grid = _qr_modules(svg)
    assert _decode(grid) == [url]
    # The quiet zone around it that scanners find it by.
    quiet = sharing.QR_QUIET_MODULES
    assert not any(grid[quiet - 1]) and not any(row[quiet - 1] for row in grid)
    # The same code segno makes for the link, module for module.
    expected = segno.make_qr(url, error=sharing.QR_ERROR_LEVEL).matrix_iter(border=quiet)
    assert grid == [[bool(cell) for cell in row] for row in expected]
    # Shown once: the list does not show it again.
    assert url not in alice_client.get(reverse("share_list")).content.decode()


def test_a_clinician_opens_the_report_without_an_account(user, alice_client, make_episode):
    make_episode(user, intensity=9, notes="private thought")
    token = _make(alice_client, name="J. D.")
    clinic = Client()
    response = clinic.get(f"/s/{token}/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Muscle cramp report: J. D." in html
    assert "private thought" not in html  # notes were not chosen
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Log out" not in html and "/episodes/" not in html  # none of the app around it
    pdf = clinic.get(f"/s/{token}/pdf/")
    assert pdf.status_code == HTTPStatus.OK and pdf.content.startswith(b"%PDF-")
    link = ShareLink.objects.get(owner=user)
    assert link.open_count == 2 and link.last_opened_at is not None
    listing = alice_client.get(reverse("share_list")).content.decode()
    assert "2 times, last" in listing


def test_revoking_ends_the_link_at_once(user, alice_client):
    token = _make(alice_client)
    link = ShareLink.objects.get(owner=user)
    assert alice_client.get(reverse("share_revoke", args=[link.pk])).status_code == 405
    alice_client.post(reverse("share_revoke", args=[link.pk]))
    response = Client().get(f"/s/{token}/")
    assert response.status_code == HTTPStatus.GONE
    assert "This link is no longer valid" in response.content.decode()
    assert Client().get(f"/s/{token}/pdf/").status_code == HTTPStatus.GONE


def test_an_expired_link_no_longer_works(user, alice_client):
    token = _make(alice_client, days="1")
    past = timezone.now() - dt.timedelta(days=3)
    ShareLink.objects.update(created_at=past, expires_at=past + dt.timedelta(days=1))
    response = Client().get(f"/s/{token}/")
    assert response.status_code == HTTPStatus.GONE
    assert "expired" in alice_client.get(reverse("share_list")).content.decode()


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 500])
def test_an_unknown_token_is_a_plain_404(db, token):
    response = Client().get(f"/s/{token}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This link is no longer valid" in response.content.decode()


@pytest.mark.parametrize("days", ["91", "0"])
def test_expiry_is_1_to_90_days(alice_client, days):
    response = alice_client.post(reverse("share_list"), {"range": "90d", "days": days})
    assert "Choose from 1 to 90 days." in response.content.decode()
    assert f'value="{days}"' in response.content.decode()  # what was typed is kept
    assert not ShareLink.objects.exists()


def test_the_form_offers_the_default_and_says_the_maximum(alice_client):
    html = alice_client.get(reverse("share_list")).content.decode()
    assert f'name="days" value="{sharing.DEFAULT_DAYS}"' in html
    assert f'max="{sharing.MAX_DAYS}"' in html and f"1 to {sharing.MAX_DAYS} days" in html


def test_another_person_cannot_list_or_revoke_a_link(user, other_user, alice_client, client_for):
    token = _make(alice_client)
    link = ShareLink.objects.get(owner=user)
    mallory = client_for(other_user)
    assert mallory.post(reverse("share_revoke", args=[link.pk])).status_code == 404
    assert 'data-share-link="' not in mallory.get(reverse("share_list")).content.decode()
    assert Client().get(f"/s/{token}/").status_code == HTTPStatus.OK


def test_the_shared_range_is_fixed_at_creation(user, alice_client, make_episode):
    token = _make(alice_client, range="custom", start="2026-01-01", end="2026-01-31")
    make_episode(user, started_at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    make_episode(user, started_at=dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
    html = Client().get(f"/s/{token}/").content.decode()
    assert "1 Jan 2026 – 31 Jan 2026" in html
    assert 'data-summary="Episodes">1<' in html


def test_a_link_opened_too_often_says_so_on_a_page_of_its_own(user, alice_client):
    token = _make(alice_client)
    clinic = Client()
    for _ in range(OPEN_LIMIT):
        assert clinic.get(f"/s/{token}/").status_code == HTTPStatus.OK
    refused = clinic.get(f"/s/{token}/")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert OPENED_TOO_OFTEN in refused.content.decode()
    assert refused["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in refused["Content-Security-Policy"]
    assert ShareLink.objects.get(owner=user).open_count == OPEN_LIMIT
