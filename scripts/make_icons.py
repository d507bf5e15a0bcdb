"""Draw the home-screen icons (PNG) from the SVG icons, in Debian's chromium.

    .venv/bin/python scripts/make_icons.py

The PNGs are committed; run this again only when an SVG changes. A phone's home screen
wants PNGs at fixed sizes; the maskable one keeps its drawing inside the central 80 %
that every launcher's mask leaves visible.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
# (source SVG, size in pixels, output PNG)
ICONS = [
    ("icon.svg", 192, "icon-192.png"),
    ("icon.svg", 512, "icon-512.png"),
    ("icon-maskable.svg", 512, "icon-maskable-512.png"),
    # iOS rounds the corners itself and shows transparency as black: the square one.
    ("icon-maskable.svg", 180, "apple-touch-icon.png"),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for source, size, target in ICONS:
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = (IMG / source).read_text()
            page.set_content(
                "<style>html,body{margin:0;background:transparent}svg{display:block;"
                f"width:{size}px;height:{size}px}}</style>{svg}"
            )
            page.screenshot(path=str(IMG / target), omit_background=True)
            page.close()
            print(f"{target}: {size}x{size}")
        browser.close()


if __name__ == "__main__":
    main()
