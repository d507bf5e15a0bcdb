"""The body map: every region on the body has a place big enough for a thumb, the
forms draw it beside the boxes it sets, and Patterns, the report and the PDF shade it
by the same counts."""

import datetime as dt
import itertools
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import body_map
from journal.models import BodyRegion, Side
from tests.test_report import _pdf_text

SIDED = {
    BodyRegion.HAMSTRING,
    BodyRegion.CALF,
    BodyRegion.QUADRICEPS,
    BodyRegion.FOOT,
    BodyRegion.HAND,
    BodyRegion.FOREARM,
    BodyRegion.UPPER_ARM,
    BodyRegion.SHOULDER,
}


def test_every_region_but_other_has_its_places():
    placed = {(spot.region, spot.side) for spot in body_map.SPOTS}
    for region in BodyRegion:
        if region == BodyRegion.OTHER:
            assert not any(spot.region == region for spot in body_map.SPOTS)
        elif region in SIDED:
            assert {(region, Side.LEFT), (region, Side.RIGHT)} <= placed
        else:
            assert (region, Side.NOT_APPLICABLE) in placed
    names = [spot.name for spot in body_map.SPOTS]
    assert len(set(names)) == len(names)
    assert "Left calf" in names and "Right hamstring" in names and "Upper back" in names


def test_places_are_big_enough_and_do_not_overlap():
    for spot in body_map.SPOTS:
        assert spot.w >= body_map.MIN_TARGET and spot.h >= body_map.MIN_TARGET, spot.name
        assert spot.left >= 0 and spot.left + spot.w <= body_map.VIEW_WIDTH
        assert spot.y >= 0 and spot.y + spot.h <= body_map.VIEW_HEIGHT
    for a, b in itertools.combinations(body_map.SPOTS, 2):
        apart = (
            a.left + a.w <= b.left or b.left + b.w <= a.left or a.y + a.h <= b.y or b.y + b.h <= a.y
        )
        assert apart, (a.name, b.name)


def test_the_front_faces_the_reader_and_the_back_turns_away():
    """On the front the person's right is on the reader's left; on the back, their left."""
    spots = {(s.region, s.side): s for s in body_map.SPOTS}
    hand_right, hand_left = spots[BodyRegion.HAND, Side.RIGHT], spots[BodyRegion.HAND, Side.LEFT]
    assert hand_right.left < hand_left.left
    calf_left, calf_right = spots[BodyRegion.CALF, Side.LEFT], spots[BodyRegion.CALF, Side.RIGHT]
    assert calf_left.left < calf_right.left


@pytest.mark.parametrize("page", ["quick_log", "episode_create", "timer_start", "edit"])
def test_the_forms_draw_the_map_beside_the_boxes(page, user, alice_client, make_episode):
    if page == "edit":
        episode = make_episode(user, body_region="calf", side="left")
        url = reverse("episode_edit", args=[episode.pk])
    else:
        url = reverse(page)
    html = alice_client.get(url).content.decode()
    # Hidden without a script (the select boxes work without one), and only then.
    assert re.search(r'<div class="body-map-box[^"]*" data-body-map>', html)
    assert re.search(r"<noscript><link [^>]*css/no-script\.css", html)
    assert 'aria-label="Body map: choose where it cramps"' in html
    for spot in body_map.SPOTS:
        assert f'aria-label="{spot.name}"' in html
    assert html.count('role="button"') >= len(body_map.SPOTS)
    assert '<select name="body_region"' in html and '<select name="side"' in html
    assert '<option value="other"' in html
    assert "js/body_map.js" in html
    # The map sits above the boxes it sets.
    assert html.index("data-body-map") < html.index('name="body_region"')


def test_counts_on_the_map(user):
    regions = [
        {"region": "calf", "sides": {"left": 3, "both": 1}, "total": 4},
        {"region": "lower_back", "sides": {"na": 1, "left": 1}, "total": 2},
        {"region": "hamstring", "sides": {"na": 2}, "total": 2},
        {"region": "other", "sides": {"na": 1}, "total": 1},
    ]
    counts = body_map.counts_by_spot(regions)
    assert counts["calf-left"] == 4 and counts["calf-right"] == 1
    assert counts["lower_back-na"] == 2 and counts["hamstring-left"] == 0
    assert body_map.off_map(regions) == 3
    assert body_map.table(regions) == [
        ("Left calf", 4),
        ("Lower back", 2),
        ("Right calf", 1),
        (body_map.OFF_MAP_LABEL, 3),
    ]


def _cramps(user, make_episode) -> None:
    now = timezone.now()
    for days, region, side in (
        (1, "calf", "left"),
        (2, "calf", "left"),
        (3, "calf", "both"),
        (4, "upper_back", "na"),
        (5, "other", "na"),
    ):
        make_episode(user, started_at=now - dt.timedelta(days=days), body_region=region, side=side)


def _spot_counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'data-spot="([^"]+)" data-count="(\d+)"', html)}


def test_patterns_shades_the_map_with_a_table(user, alice_client, make_episode):
    _cramps(user, make_episode)
    html = alice_client.get(reverse("patterns")).content.decode()
    assert 'aria-label="Body map of where your cramps happened"' in html
    counts = _spot_counts(html)
    assert counts["calf-left"] == 3 and counts["calf-right"] == 1
    assert counts["upper_back-na"] == 1 and counts["hand-left"] == 0
    table = html[html.index("data-body-map-table") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)
    # Busiest first; ties in the map's order, front then back, top to bottom.
    assert rows == [("Left calf", "3"), ("Upper back", "1"), ("Right calf", "1")] + [
        (body_map.OFF_MAP_LABEL.replace("'", "&#x27;"), "1")
    ]


def test_patterns_says_when_there_is_nothing_to_map(alice_client):
    html = alice_client.get(reverse("patterns")).content.decode()
    assert 'data-empty="body-map"' in html
    assert "data-spot=" not in html


def test_the_report_and_its_pdf_carry_the_same_map(user, alice_client, make_episode):
    _cramps(user, make_episode)
    report = alice_client.get(reverse("report")).content.decode()
    assert _spot_counts(report) == _spot_counts(
        alice_client.get(reverse("patterns")).content.decode()
    )
    pdf = alice_client.post(reverse("report_pdf"), {"range": "90d"})
    assert pdf.status_code == HTTPStatus.OK
    text = " ".join(_pdf_text(pdf.content).split())
    assert "Front" in text and "Back" in text
    assert f"{body_map.TITLE}. Each number is how many cramps were logged there" in text
    assert "a cramp on both sides counts on each" in text
