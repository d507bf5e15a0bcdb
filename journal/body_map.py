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

VIEW_WIDTH, VIEW_HEIGHT = 340, 452
FIGURE_WIDTH = 170
BACK_OFFSET = FIGURE_WIDTH
CENTRE = FIGURE_WIDTH // 2  # the figure's middle line, in its own units
# WCAG 2.2's enhanced target size, 44 px: a region is at least this many units each way.
MIN_TARGET = 45
RADIUS = 10
# The names written on the map, in SVG units (about CSS pixels on a phone).
NAME_SIZE = 10
NAME_LEADING = 11

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
# The same names as written on the drawing, on two lines where a place is too narrow
# (the words stay whole, so the name a voice user reads is the button's own, WCAG 2.5.3).
MAP_LINES = {
    BodyRegion.UPPER_ARM: ("upper", "arm"),
    BodyRegion.UPPER_BACK: ("upper", "back"),
    BodyRegion.LOWER_BACK: ("lower", "back"),
    BodyRegion.CHEST_WALL: ("chest", "wall"),
}
# Too long for one thigh: written once between the two, over both (it names them both;
# each figure says which side is which).
BETWEEN_THE_LEGS = (BodyRegion.QUADRICEPS, BodyRegion.HAMSTRING)

Point = tuple[float, float]
Shape = tuple[Point, ...]


@dataclass(frozen=True)
class Spot:
    """One region on one side: its target (a box at least MIN_TARGET each way) and the
    muscle drawn in it, both in its figure's own units."""

    region: BodyRegion
    side: Side  # LEFT, RIGHT, or NOT_APPLICABLE for a region in the middle of the body
    back: bool
    x: int
    y: int
    w: int
    h: int
    shapes: tuple[Shape, ...] = ()
    # Where the name goes (the middle of the muscle), in the figure's own units.
    at: Point = (0, 0)

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
    def offset(self) -> int:
        return BACK_OFFSET if self.back else 0

    @property
    def left(self) -> int:
        return self.x + self.offset

    def rect(self, attrs: str) -> str:
        return _rect(self.left, self.y, self.w, self.h, RADIUS, attrs)

    def path(self, attrs: str) -> str:
        """The muscle: one smooth outline per shape."""
        d = "".join(_smooth(shape, self.offset) for shape in self.shapes)
        return f'<path d="{d}" {attrs}/>'

    def label(self, attrs: str, dy: float = 0) -> str:
        """The region's name on the muscle, a line or two, centred on ``at`` (between
        the legs for BETWEEN_THE_LEGS, naming both sides at once)."""
        lines = MAP_LINES.get(self.region, (SHORT_NAMES[self.region],))
        x = (CENTRE if self.region in BETWEEN_THE_LEGS else self.at[0]) + self.offset
        top = self.at[1] + dy + NAME_SIZE * 0.35 - NAME_LEADING * (len(lines) - 1) / 2
        if len(lines) == 1:
            return f'<text x="{x:g}" y="{top:g}" {attrs}>{lines[0]}</text>'
        # A space ends each line but the last, so the text reads as the words it is
        # (moved by half a space, so the word is still centred).
        half_space = NAME_SIZE * 0.16
        spans = "".join(
            f'<tspan x="{x + half_space:g}" y="{top + i * NAME_LEADING:g}">{line} </tspan>'
            if i < len(lines) - 1
            else f'<tspan x="{x:g}" y="{top + i * NAME_LEADING:g}">{line}</tspan>'
            for i, line in enumerate(lines)
        )
        return f"<text {attrs}>{spans}</text>"


def _nums(*values: float) -> str:
    """Numbers as short as SVG takes them: '.5', no space before a minus."""
    out = ""
    for value in values:
        text = f"{round(value, 1):g}".replace("0.", ".", 1) if abs(value) < 1 else None
        text = text or f"{round(value, 1):g}"
        out += text if text.startswith("-") or not out else " " + text
    return out


def _smooth(points: Shape, dx: int = 0) -> str:
    """A closed outline through the middle of each edge, bent at each point (quadratic
    curves, in relative units): a few hand-placed points make a rounded muscle, and the
    path stays short, so the PDF stays quick to draw."""
    pts = [(x + dx, y) for x, y in points]
    mids = [
        ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(pts, pts[1:] + pts[:1], strict=True)
    ]
    at = mids[-1]
    d = "M" + _nums(*at) + "q"
    for (px, py), (mx, my) in zip(pts, mids, strict=True):
        d += _nums(px - at[0], py - at[1], mx - at[0], my - at[1]) + " "
        at = (mx, my)
    return d.rstrip() + "z"


def _mirror(shape: Shape) -> Shape:
    """The same shape on the figure's other side."""
    return tuple((FIGURE_WIDTH - x, y) for x, y in reversed(shape))


def _whole(half: Shape) -> Shape:
    """A shape in the middle of the body from its reader-left half, drawn top to bottom
    along the middle line."""
    return half + _mirror(half)[1:-1]


# The legs stand a little apart, wider towards the feet: room for each foot's name.
_HIP_Y, _SPREAD = 200, 0.06


def _spread(shape: Shape) -> Shape:
    """A reader-left shape moved out as far as its height on the leg puts it."""
    return tuple((round(x - max(0, y - _HIP_Y) * _SPREAD), y) for x, y in shape)


def _pair(region: BodyRegion, back: bool, box: tuple[int, int, int, int], shape: Shape, at):
    """A region on both sides, given as the reader sees it on the left (a leg's as if
    the legs stood together: _spread moves it)."""
    x, y, w, h = box
    if y >= _HIP_Y:
        x -= round((y + h / 2 - _HIP_Y) * _SPREAD)
        shape, (at,) = _spread(shape), _spread((at,))
    on_reader_left = Side.LEFT if back else Side.RIGHT
    on_reader_right = Side.RIGHT if back else Side.LEFT
    return [
        Spot(region, on_reader_left, back, x, y, w, h, (shape,), at),
        Spot(
            region,
            on_reader_right,
            back,
            FIGURE_WIDTH - x - w,
            y,
            w,
            h,
            (_mirror(shape),),
            (FIGURE_WIDTH - at[0], at[1]),
        ),
    ]


def _middle(region: BodyRegion, back: bool, box, shapes: tuple[Shape, ...], at_y: float):
    x, y, w, h = box
    return Spot(region, Side.NOT_APPLICABLE, back, x, y, w, h, shapes, (CENTRE, at_y))


# The drawing, made for this project. Each figure stands 170 units wide, arms a little
# away from the body so that an arm, the torso and the other arm each get a thumb's
# width; the hands end above the thighs, so a hand and a thigh never share a row.
_PEC: Shape = ((84, 64), (72, 62), (61, 66), (57, 76), (59, 92), (68, 102), (80, 104), (84, 100))

SPOTS: list[Spot] = [
    # Front
    _middle(BodyRegion.CHEST_WALL, False, (57, 60, 56, 50), (_PEC, _mirror(_PEC)), 83),
    _middle(
        BodyRegion.ABDOMEN,
        False,
        (59, 112, 52, 52),
        (_whole(((85, 108), (70, 108), (63, 116), (62, 136), (65, 152), (74, 162), (85, 166))),),
        137,
    ),
    *_pair(
        BodyRegion.UPPER_ARM,
        False,
        (10, 62, 45, 54),
        (
            (46, 66),
            (38, 68),
            (34, 78),
            (32, 96),
            (32, 112),
            (40, 116),
            (45, 108),
            (48, 92),
            (50, 76),
        ),
        (40, 91),
    ),
    *_pair(
        BodyRegion.FOREARM,
        False,
        (6, 118, 45, 50),
        ((33, 120), (28, 134), (25, 150), (23, 162), (31, 166), (37, 156), (41, 138), (44, 122)),
        (32, 143),
    ),
    *_pair(
        BodyRegion.HAND,
        False,
        (2, 170, 45, 46),
        (
            (21, 170),
            (17, 180),
            (16, 194),
            (20, 206),
            (27, 210),
            (32, 204),
            (34, 190),
            (34, 176),
            (30, 170),
        ),
        (25, 191),
    ),
    *_pair(
        BodyRegion.QUADRICEPS,
        False,
        (38, 218, 46, 74),
        (
            (57, 200),
            (54, 222),
            (55, 252),
            (60, 282),
            (68, 290),
            (77, 286),
            (81, 262),
            (82, 232),
            (80, 212),
            (70, 204),
        ),
        (68, 248),
    ),
    *_pair(
        BodyRegion.FOOT,
        False,
        (38, 380, 46, 45),
        (
            (63, 380),
            (59, 392),
            (57, 408),
            (61, 420),
            (71, 424),
            (78, 418),
            (79, 402),
            (77, 386),
            (72, 378),
        ),
        (68, 403),
    ),
    # Back
    _middle(
        BodyRegion.NECK,
        True,
        (62, 22, 46, 46),
        (_whole(((85, 42), (78, 43), (77, 54), (71, 62), (85, 66))),),
        56,
    ),
    *_pair(
        BodyRegion.SHOULDER,
        True,
        (10, 56, 45, 48),
        ((56, 61), (46, 60), (38, 64), (34, 74), (34, 88), (38, 98), (44, 93), (50, 81), (55, 70)),
        (34, 71),
    ),
    _middle(
        BodyRegion.UPPER_BACK,
        True,
        (57, 70, 56, 58),
        (
            _whole(
                ((85, 68), (70, 66), (58, 71), (56, 84), (59, 104), (66, 120), (76, 128), (85, 130))
            ),
        ),
        99,
    ),
    _middle(
        BodyRegion.LOWER_BACK,
        True,
        (59, 132, 52, 50),
        (_whole(((85, 134), (74, 133), (64, 137), (61, 152), (62, 170), (70, 180), (85, 183))),),
        158,
    ),
    *_pair(
        BodyRegion.HAMSTRING,
        True,
        (38, 218, 46, 74),
        (
            (57, 220),
            (54, 238),
            (56, 264),
            (61, 284),
            (69, 290),
            (77, 286),
            (81, 264),
            (82, 240),
            (81, 222),
            (70, 218),
        ),
        (68, 253),
    ),
    *_pair(
        BodyRegion.CALF,
        True,
        (38, 300, 46, 72),
        (
            (60, 302),
            (55, 316),
            (55, 336),
            (60, 358),
            (66, 372),
            (74, 372),
            (79, 356),
            (82, 332),
            (81, 312),
            (76, 302),
            (68, 298),
        ),
        (68, 334),
    ),
]

# The body's outline, the reader-left half from the neck to between the legs: shoulder,
# arm and hand, the side down to the hip, then the leg to the foot and back up inside it.
_OUTLINE_HALF: Shape = (
    (85, 42), (78, 42), (77, 53), (64, 57), (48, 59), (40, 63), (35, 72), (32, 90), (30, 114),
    (26, 138), (22, 166), (16, 176), (14, 194), (19, 210), (27, 214), (33, 207), (36, 190),
    (36, 174), (38, 158), (42, 134), (46, 112), (50, 90), (52, 80), (54, 78), (55, 98),
    (58, 124), (60, 146), (57, 166), (53, 188), (51, 212), (52, 250), (56, 288), (55, 304),
    (54, 326), (58, 352), (62, 376), (58, 392), (56, 410), (60, 422), (72, 426), (79, 420),
    (80, 404), (78, 388), (77, 374), (81, 348), (83, 318), (81, 300), (83, 272), (84, 236),
    (85, 208),
)  # fmt: skip
_OUTLINE: Shape = _whole(_OUTLINE_HALF[:29] + _spread(_OUTLINE_HALF[29:-1]) + _OUTLINE_HALF[-1:])
# The seat, seen from behind: drawn as a line, for shape only.
_SEAT_HALF: Shape = ((85, 190), (70, 186), (58, 193), (55, 206), (60, 215), (72, 218), (85, 214))

# Light colours for the server's SVG (the report and its PDF are light); the pages
# restyle the map by its classes in dark mode (static/css/app.css).
PART_FILL = palette.BODY
PART_EDGE = palette.BODY_EDGE
LABEL_FILL = palette.TEXT
BADGE_FILL = palette.EDGE
BADGE_RADIUS = 10
# A muscle's own fill: lighter than the body around it, so each place stands out.
MUSCLE_FILL = palette.EDGE
# A count's shade: from this much of the blue up to all of it.
SHADE_FROM = 0.2


def _rect(x: int, y: int, w: int, h: int, r: int, attrs: str) -> str:
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" {attrs}/>'


_TEXT = 'class="bm-label" fill="{fill}" font-size="{size}" text-anchor="middle"'


def _figures() -> list[str]:
    """Both figures' outlines and the captions saying which side is which."""
    outline = "".join(_smooth(_OUTLINE, dx) for dx in (0, BACK_OFFSET))
    heads = "".join(
        f'<ellipse cx="{dx + CENTRE}" cy="25" rx="15" ry="19"/>' for dx in (0, BACK_OFFSET)
    )
    parts = [
        f'<g class="bm-body" fill="{PART_FILL}"><path d="{outline}"/>{heads}</g>',
        f'<path class="bm-line" d="{_smooth(_SEAT_HALF, BACK_OFFSET)}'
        f'{_smooth(_mirror(_SEAT_HALF), BACK_OFFSET)}" fill="none" stroke="{PART_EDGE}" '
        'stroke-opacity=".5"/>',
    ]
    text = _TEXT.format(fill=LABEL_FILL, size=12)
    for offset, caption, reader_left, reader_right in (
        (0, "Front", "Right", "Left"),
        (BACK_OFFSET, "Back", "Left", "Right"),
    ):
        parts += [
            f'<text x="{offset + CENTRE}" y="{VIEW_HEIGHT - 8}" {text} font-weight="bold">'
            f"{caption}</text>",
            f'<text x="{offset + 22}" y="20" {text}>{reader_left}</text>',
            f'<text x="{offset + FIGURE_WIDTH - 22}" y="20" {text}>{reader_right}</text>',
        ]
    return parts


def _svg(attrs: str, inner: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - names are escaped by the callers; the rest are numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {VIEW_HEIGHT}" '
        f"{attrs}>{''.join(inner)}</svg>"
    )


def _name(spot: Spot, dy: float = 0) -> str:
    """The spot's name (the page rings it in its own colour, static/css/app.css); none
    for a thigh, whose name _between_the_legs writes."""
    if spot.region in BETWEEN_THE_LEGS:
        return ""
    return spot.label(
        f'class="bm-name" fill="{LABEL_FILL}" font-size="{NAME_SIZE}" text-anchor="middle"', dy
    )


def _between_the_legs(dy: float = 0) -> list[str]:
    """The thighs' names, one for both sides, over the drawing (taps go through it to the
    thigh beneath, static/css/app.css)."""
    firsts = {(spot.region, spot.back): spot for spot in reversed(SPOTS)}
    return [
        spot.label(
            f'class="bm-name bm-between" fill="{LABEL_FILL}" font-size="{NAME_SIZE}" '
            'text-anchor="middle" aria-hidden="true"',
            dy,
        )
        for (region, _), spot in firsts.items()
        if region in BETWEEN_THE_LEGS
    ]


def picker() -> SafeString:
    """The map for the episode forms. Each region is a button (static/js/body_map.js
    makes it press the select boxes beside it): its whole target box, the muscle drawn in
    it and its name. Without a script the map is hidden (static/css/no-script.css) and
    the select boxes do the work."""
    spots = [
        f'<g class="bm-spot" role="button" tabindex="0" aria-pressed="false" '
        f'aria-label="{escape(spot.name)}" data-region="{spot.region.value}" '
        f'data-side="{spot.side.value}">'
        + spot.rect('class="bm-hit" fill="transparent"')
        + spot.path(f'class="bm-part" fill="{MUSCLE_FILL}" stroke="{PART_EDGE}"')
        + _name(spot)
        + "</g>"
        for spot in SPOTS
    ]
    return _svg(
        'class="body-map body-map-picker" role="group" '
        'aria-label="Body map: choose where it cramps"',
        _figures() + spots + _between_the_legs(),
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


def counts_map(regions: list[dict], names: bool = False) -> SafeString:
    """The map shaded by how many cramps each spot had, each count written on it. With
    ``names`` (the Patterns page) each place's name too; the report leaves them out, as
    WeasyPrint lays out each SVG text at a cost (some 15 ms apiece) and the report says
    where in words beside the map."""
    counts = counts_by_spot(regions)
    busiest = max(counts.values(), default=0) or 1
    inner = [f"<title>{escape(TITLE)}</title>", *_figures()]
    for spot in SPOTS:
        n = counts[spot.key]
        inner.append(f'<g data-spot="{spot.key}" data-count="{n}">')
        if not n:
            inner += [
                spot.path(f'class="bm-part" fill="{MUSCLE_FILL}" stroke="{PART_EDGE}"'),
                _name(spot) if names else "",
            ]
        else:
            shade = SHADE_FROM + (1 - SHADE_FROM) * n / busiest
            cx, cy = spot.at[0] + spot.offset, spot.at[1] + (BADGE_RADIUS + 4) * names
            inner += [
                spot.path(
                    f'class="bm-shade" fill="{palette.BLUE}" fill-opacity="{shade:.2f}" '
                    f'stroke="{PART_EDGE}"'
                ),
                _name(spot, -8) if names else "",
                # The count on a disc of the page's colour: readable on any shade.
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{BADGE_RADIUS}" class="bm-badge" '
                f'fill="{BADGE_FILL}"/>',
                f'<text x="{cx:g}" y="{cy + 4.5:g}" class="bm-count" font-size="13" '
                f'font-weight="bold" text-anchor="middle" fill="{LABEL_FILL}">{n}</text>',
            ]
        inner.append("</g>")
    if names:
        inner += _between_the_legs(-8)
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


# The words beside the picker naming what the boxes hold (static/js/body_map.js shows
# them as the person taps; the server writes the first).
NOTHING_CHOSEN = "nothing yet"
_SIDE_WORDS = {
    Side.LEFT.value: ", left side",
    Side.RIGHT.value: ", right side",
    Side.BOTH.value: ", both sides",
}


def choice_words(region: str | None, side: str | None) -> str:
    """What a region and side are called in words: 'Left calf', 'Calf, both sides',
    'Upper back', 'Calf (choose a side)'."""
    region, side = region or "", side or ""
    if region not in BodyRegion.values:
        return NOTHING_CHOSEN
    if region == BodyRegion.OTHER.value:
        return "Other (a place not on the map)" + _SIDE_WORDS.get(side, "")
    short = SHORT_NAMES[BodyRegion(region)]
    if region in SIDED_REGIONS:
        if side in (Side.LEFT.value, Side.RIGHT.value):
            return f"{Side(side).label} {short}"
        if side == Side.NOT_APPLICABLE.value:
            return f"{short.capitalize()}, no side given"
        if not side:
            return f"{short.capitalize()} (choose a side)"
    return short.capitalize() + _SIDE_WORDS.get(side, "")


# Regions with a left and a right on the map; the rest sit in the middle of the body.
SIDED_REGIONS = frozenset(spot.region.value for spot in SPOTS if spot.side != Side.NOT_APPLICABLE)


def choice_table() -> dict[str, str]:
    """choice_words for every region and side a form can hold ("region-side"), for the
    script to show without a sentence of its own."""
    regions = ["", *BodyRegion.values]
    sides = ["", *Side.values]
    return {f"{r}-{s}": choice_words(r, s) for r in regions for s in sides}
