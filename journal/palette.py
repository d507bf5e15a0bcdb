"""The chart colours: one home for the Patterns page's charts and the report's SVG.

The Patterns page's Chart.js charts (static/js/charts/) and the charts drawn on the server
for the clinician report (journal.reports.svg) show the same series, so they should look
the same: a colour changed here changes both. The page hands PALETTE to its scripts with
json_script (journal.patterns.views.patterns); no colour is written in the JavaScript.

The series colours are Okabe–Ito's, safe for the common colour-vision deficiencies.
Its yellow and sky blue are too pale on white for a bar on its own, so they are not here.
THEME_COLOUR is not a chart's: it is the navbar's, which the phone's status bar and the
install manifest match.
"""

# The navbar's colour (Bootstrap's primary): the phone's status bar matches the app.
THEME_COLOUR = "#0d6efd"
# The navbar in dark mode (Bootstrap's dark --bs-tertiary-bg, static/css/app.css): a
# bright blue bar at 3 a.m. is what dark mode is for avoiding.
THEME_COLOUR_DARK = "#2b3035"

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
PINK = "#CC79A7"
VERMILLION = "#D55E00"
# "Not recorded" bars: a category that is not really one.
GREY = "#8a8a8a"
# Chart text when the page's own text colour cannot be read (Bootstrap's body colour).
TEXT = "#212529"
# The report SVG's baseline.
AXIS = "#555"
# The thin line between the stacked segments of one bar.
EDGE = "#fff"
# The body map in the report (journal.body_map): the body, and the edge of each place,
# dark enough to see against white (3:1); the count's disc is EDGE.
BODY = "#e9ecef"
BODY_EDGE = GREY

# The report's calendar: a day's worst intensity, in five steps from light to dark blue
# (ColorBrewer's "Blues"), so the order survives a greyscale printer; INTENSITY_TEXT is
# the number written on each step.
INTENSITY_STEPS = ["#c6dbef", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]
INTENSITY_TEXT = [TEXT, TEXT, TEXT, "#ffffff", "#ffffff"]
# A day with no record: an outline only, dashed.
NO_RECORD = "#adb5bd"

PALETTE = {
    "blue": BLUE,
    "orange": ORANGE,
    "green": GREEN,
    "pink": PINK,
    "vermillion": VERMILLION,
    "grey": GREY,
    "text": TEXT,
    "axis": AXIS,
    "edge": EDGE,
}
