"""Write static/css/colour-system.css: the dark colours for a page left on "system".

Bootstrap 5.3 has dark colours under the attribute data-bs-theme="dark" only. A person
whose choice is "the same as my phone" gets no attribute (templates/base.html), so this
file repeats every rule that starts with [data-bs-theme=dark], in Bootstrap's stylesheet
and then in ours, with that prefix replaced by ":root:not([data-bs-theme])", inside
@media (prefers-color-scheme: dark). The browser applies it before the first paint, with
no script and nothing in localStorage.

Run it after changing either stylesheet (`make colour-css`); tests/test_colour_modes.py
fails while the file is out of date.

    .venv/bin/python scripts/make_colour_css.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
# The vendored Bootstrap (`make vendor`), then ours, in the order base.html loads them.
SOURCES = [
    *sorted(ROOT.glob("static/vendor/bootstrap-*/bootstrap.min.css")),
    ROOT / "static/css/app.css",
]
OUTPUT = ROOT / "static/css/colour-system.css"
DARK = "[data-bs-theme=dark]"
SYSTEM = ":root:not([data-bs-theme])"


def _dark_selectors(prelude: str) -> list[str]:
    """The selectors of a rule that apply under a dark ancestor (or the root itself),
    rewritten for "system"; a selector such as .navbar[data-bs-theme=dark] is about one
    element asking for dark, not the page, and is left out."""
    selectors = [part.strip() for part in prelude.split(",")]
    return [SYSTEM + part[len(DARK) :] for part in selectors if part.startswith(DARK)]


def dark_rules(css: str) -> list[str]:
    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selectors = _dark_selectors(tinycss2.serialize(rule.prelude).strip())
        if selectors:
            rules.append(f"{', '.join(selectors)} {{{tinycss2.serialize(rule.content).strip()}}}")
    return rules


def build() -> str:
    rules = [rule for source in SOURCES for rule in dark_rules(source.read_text())]
    body = "\n".join(f"  {rule}" for rule in rules)
    return (
        "/* Made by scripts/make_colour_css.py from Bootstrap's and the app's dark rules;"
        " do not edit. */\n"
        f"@media (prefers-color-scheme: dark) {{\n{body}\n}}\n"
    )


def main() -> int:
    OUTPUT.write_text(build())
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
