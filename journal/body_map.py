"""The body map: one drawing of the body, front and back, for choosing where a cramp is
and for showing where cramps happened.

The drawing is made here, for this project: rounded shapes on a grid, one per body region
and side. It is drawn on the server, so the same SVG serves the forms (where a script makes
each region a control), the Patterns page, the report and its PDF. Every place that names
a region on the map reads ``Spot.name``; every size is in SVG units, which are CSS pixels
at the narrowest phone the app is made for (360 px: the map is VIEW_WIDTH wide in a column
of about 336 px), so MIN_TARGET units stay at least 44 px under a thumb.

Front and back: the front figure faces the reader, so the person's right is on the
reader's left; the back figure is seen from behind, so its left is on the left. Each
figure says which side is which. Regions with no place on the body (BodyRegion.OTHER)
are not on the map; the select boxes beside it keep every region.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal import palette
from journal.models import BodyRegion, Side

VIEW_WIDTH, VIEW_HEIGHT = 340, 384
FIGURE_WIDTH = 164
BACK_OFFSET = VIEW_WIDTH - FIGURE_WIDTH
# WCAG 2.2's enhanced target size, 44 px: a region is at least this many units each way.
MIN_TARGET = 45
RADIUS = 12

# What the map calls a region (the choice labels explain more than a map needs).
SHORT_NAMES = {
    BodyRegion.HAMSTRING: "hamstring",
    BodyRegion.CALF: "calf",
    BodyRegion.QUADRICEPS: "quadriceps",
    BodyRegion.FOOT: "foot",
    BodyRegion.HAND: "hand",
    BodyRegion.FOREARM: "forearm",
    BodyRegion.UPPER_ARM: "upper arm",
    BodyRegion.NECK: "neck",
    BodyRegion.SHOULDER: "shoulder",
    BodyRegion.UPPER_BACK: "upper back",
    BodyRegion.LOWER_BACK: "lower back",
    BodyRegion.ABDOMEN: "abdomen",
    BodyRegion.CHEST_WALL: "chest wall",
}


@dataclass(frozen=True)
class Spot:
    """One region on one side, where it is drawn (in its figure's own units)."""

    region: BodyRegion
    side: Side  # LEFT, RIGHT, or NOT_APPLICABLE for a region in the middle of the body
    back: bool
    x: int
    y: int
    w: int
    h: int

    @property
    def key(self) -> str:
        return f"{self.region.value}-{self.side.value}"

    @property
    def name(self) -> str:
        """The control's name: 'Left calf', 'Upper back'."""
        short = SHORT_NAMES[self.region]
        if self.side == Side.NOT_APPLICABLE:
            return short.capitalize()
        return f"{self.side.label} {short}"

    @property
    def left(self) -> int:
        return self.x + (BACK_OFFSET if self.back else 0)

    def rect(self, attrs: str) -> str:
        return _rect(self.left, self.y, self.w, self.h, RADIUS, attrs)


def _pair(region: BodyRegion, back: bool, x_reader_left: int, x_reader_right: int, y, w, h):
    """A region on both sides, placed by where the reader sees each."""
    on_reader_left = Side.LEFT if back else Side.RIGHT
    on_reader_right = Side.RIGHT if back else Side.LEFT
    return [
        Spot(region, on_reader_left, back, x_reader_left, y, w, h),
        Spot(region, on_reader_right, back, x_reader_right, y, w, h),
    ]


_MIDDLE = 59  # the torso's column
_ARM_L, _ARM_R = 12, 107  # the arms' columns (reader's left and right)
_LEG_L, _LEG_R = 36, 83  # the legs' columns

SPOTS: list[Spot] = [
    # Front
    Spot(BodyRegion.CHEST_WALL, Side.NOT_APPLICABLE, False, _MIDDLE, 44, 46, 46),
    Spot(BodyRegion.ABDOMEN, Side.NOT_APPLICABLE, False, _MIDDLE, 92, 46, 46),
    *_pair(BodyRegion.UPPER_ARM, False, _ARM_L, _ARM_R, 44, 45, 46),
    *_pair(BodyRegion.FOREARM, False, _ARM_L, _ARM_R, 92, 45, 46),
    *_pair(BodyRegion.HAND, False, _ARM_L, _ARM_R, 140, 45, 45),
    *_pair(BodyRegion.QUADRICEPS, False, _LEG_L, _LEG_R, 208, 45, 50),
    *_pair(BodyRegion.FOOT, False, _LEG_L, _LEG_R, 308, 45, 45),
    # Back
    Spot(BodyRegion.NECK, Side.NOT_APPLICABLE, True, _MIDDLE, 37, 46, 45),
    *_pair(BodyRegion.SHOULDER, True, _ARM_L, _ARM_R, 37, 45, 45),
    Spot(BodyRegion.UPPER_BACK, Side.NOT_APPLICABLE, True, _MIDDLE, 84, 46, 46),
    Spot(BodyRegion.LOWER_BACK, Side.NOT_APPLICABLE, True, _MIDDLE, 132, 46, 46),
    *_pair(BodyRegion.HAMSTRING, True, _LEG_L, _LEG_R, 208, 45, 50),
    *_pair(BodyRegion.CALF, True, _LEG_L, _LEG_R, 260, 45, 46),
]

# The rest of the body, drawn for shape only: (back?, x, y, w, h, corner radius).
_BODY = [
    (False, 66, 3, 32, 32, 16),  # head
    (False, 74, 33, 16, 12, 4),  # neck
    (False, _MIDDLE, 140, 46, 64, RADIUS),  # hips
    (False, _LEG_L + 6, 260, 33, 46, RADIUS),  # shins
    (False, _LEG_R + 6, 260, 33, 46, RADIUS),
    (True, 66, 3, 32, 32, 16),  # head
    (True, _ARM_L, 84, 45, 94, RADIUS),  # arms
    (True, _ARM_R, 84, 45, 94, RADIUS),
    (True, _LEG_L, 180, 92, 26, RADIUS),  # seat
    (True, _LEG_L + 6, 308, 33, 24, 8),  # heels
    (True, _LEG_R + 6, 308, 33, 24, 8),
]

# Light colours for the server's SVG (the report and its PDF are light); the pages
# restyle the map by its classes in dark mode (static/css/app.css).
PART_FILL = palette.BODY
PART_EDGE = palette.BODY_EDGE
LABEL_FILL = palette.TEXT
BADGE_FILL = palette.EDGE
BADGE_RADIUS = 12


def _rect(x: int, y: int, w: int, h: int, r: int, attrs: str) -> str:
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" {attrs}/>'


def _figures() -> list[str]:
    """The body's outline parts and the captions saying which side is which."""
    parts = [
        _rect(
            x + (BACK_OFFSET if back else 0),
            y,
            w,
            h,
            r,
            f'class="bm-body" fill="{PART_FILL}"',
        )
        for back, x, y, w, h, r in _BODY
    ]
    baseline = VIEW_HEIGHT - 10
    for offset, caption, reader_left, reader_right in (
        (0, "Front", "R", "L"),
        (BACK_OFFSET, "Back", "L", "R"),
    ):
        text = f'class="bm-label" fill="{LABEL_FILL}" font-size="13" text-anchor="middle"'
        parts.append(f'<text x="{offset + 82}" y="{baseline}" {text}>{caption}</text>')
        parts.append(
            f'<text x="{offset + 20}" y="22" {text} aria-hidden="true">{reader_left}</text>'
        )
        parts.append(
            f'<text x="{offset + 144}" y="22" {text} aria-hidden="true">{reader_right}</text>'
        )
    return parts


def _svg(attrs: str, inner: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - names are escaped by the callers; the rest are numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {VIEW_HEIGHT}" '
        f"{attrs}>{''.join(inner)}</svg>"
    )


def picker() -> SafeString:
    """The map for the episode forms. Each region is a button (static/js/body_map.js
    makes it press the select boxes beside it); without a script the map is hidden
    (static/css/no-script.css) and the select boxes do the work."""
    spots = [
        spot.rect(
            f'class="bm-spot" fill="{PART_FILL}" stroke="{PART_EDGE}" role="button" '
            f'tabindex="0" aria-pressed="false" aria-label="{escape(spot.name)}" '
            f'data-region="{spot.region.value}" data-side="{spot.side.value}"',
        )
        for spot in SPOTS
    ]
    return _svg(
        'class="body-map body-map-picker" role="group" '
        'aria-label="Body map: choose where it cramps"',
        _figures() + spots,
    )


def counts_by_spot(regions: list[dict]) -> dict[str, int]:
    """Episodes for each spot, from journal.patterns.stats' per-region side counts: a
    cramp on both sides counts on each; a region in the middle counts every side."""
    by_region = {row["region"]: row["sides"] for row in regions}
    counts = {}
    for spot in SPOTS:
        sides = by_region.get(spot.region.value, {})
        if spot.side == Side.NOT_APPLICABLE:
            counts[spot.key] = sum(sides.values())
        else:
            counts[spot.key] = sides.get(spot.side.value, 0) + sides.get(Side.BOTH.value, 0)
    return counts


def off_map(regions: list[dict]) -> int:
    """Episodes the map cannot place: 'Other', and a left-or-right region with no side."""
    sided = {spot.region.value for spot in SPOTS if spot.side != Side.NOT_APPLICABLE}
    total = 0
    for row in regions:
        if row["region"] == BodyRegion.OTHER.value:
            total += row["total"]
        elif row["region"] in sided:
            total += row["sides"].get(Side.NOT_APPLICABLE.value, 0)
    return total


TITLE = "Body map of where your cramps happened"


def counts_map(regions: list[dict]) -> SafeString:
    """The map shaded by how many cramps each spot had, each count written on it."""
    counts = counts_by_spot(regions)
    busiest = max(counts.values(), default=0) or 1
    inner = [f"<title>{escape(TITLE)}</title>", *_figures()]
    for spot in SPOTS:
        n = counts[spot.key]
        inner.append(
            f'<g data-spot="{spot.key}" data-count="{n}">'
            + spot.rect(
                f'class="bm-part" fill="{PART_FILL}" stroke="{PART_EDGE}"',
            )
        )
        if n:
            cx, cy = spot.left + spot.w / 2, spot.y + spot.h / 2
            inner += [
                spot.rect(
                    f'class="bm-shade" fill="{palette.BLUE}" '
                    f'fill-opacity="{0.2 + 0.8 * n / busiest:.2f}"',
                ),
                # The count on a disc of the page's colour: readable on any shade.
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{BADGE_RADIUS}" class="bm-badge" '
                f'fill="{BADGE_FILL}"/>',
                f'<text x="{cx:g}" y="{cy + 5:g}" class="bm-count" font-size="14" '
                f'font-weight="bold" text-anchor="middle" fill="{LABEL_FILL}">{n}</text>',
            ]
        inner.append("</g>")
    return _svg(f'class="body-map" role="img" aria-label="{escape(TITLE)}"', inner)


def table(regions: list[dict]) -> list[tuple[str, int]]:
    """The map's numbers for its "Show as table": each place with a cramp, busiest
    first, then what the map cannot place."""
    counts = counts_by_spot(regions)
    rows = sorted(
        ((spot.name, counts[spot.key]) for spot in SPOTS if counts[spot.key]),
        key=lambda row: -row[1],
    )
    left_out = off_map(regions)
    if left_out:
        rows.append((OFF_MAP_LABEL, left_out))
    return rows


OFF_MAP_LABEL = "Not on the map ('Other', or no side given)"
