"""Take docs/report.png and docs/report-map.png, the pictures of
`iraqsec report` in the README and docs/report.md.

    .venv/bin/iraqsec report -o /tmp/report.html
    .venv/bin/python tools/screenshot_report.py /tmp/report.html docs

Drives the system chromium through Playwright (the test extra) at 1280
pixels wide: the top of the page (headline, trend chart), and the map
section on its own.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(page_path: str, out_dir: str, width: int = 1280, height: int = 1000) -> None:
    top, where = Path(out_dir) / "report.png", Path(out_dir) / "report-map.png"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(Path(page_path).resolve().as_uri())
        page.screenshot(path=str(top), clip={"x": 0, "y": 0, "width": width, "height": height})
        page.locator("#where").screenshot(path=str(where))
        browser.close()
    print(f"wrote {top} and {where}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
