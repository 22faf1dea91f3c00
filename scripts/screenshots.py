"""Take screenshots of the main pages of a running Corridor (for reviewing the UI by eye).

Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [out-dir]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screenshots")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PAGES = [
    ("home", "/"),
    ("registry", "/registry/?locality=local"),
    ("registry-en", "/registry/?locality=external"),
    ("imports", "/registry/imports/"),
    ("atlas", "/atlas/"),
    ("atlas-nev", "/atlas/nev/"),
    ("atlas-pt", "/atlas/pt/"),
    ("atlas-node", "/atlas/node/nev.battery/"),
    ("atlas-relatedness", "/atlas/relatedness/"),
    ("atlas-review", "/atlas/review/"),
    ("atlas-edit", "/atlas/lm/edit/?node=lm.forming"),
    ("investment-board", "/investment/"),
    ("investment-analytics", "/investment/analytics/"),
    ("investment-targets", "/investment/targets/?node=nev.motor&top=20"),
    ("investment-map", "/investment/map/?chain=nev&top=200"),
]


def main() -> None:
    """Sign in as the demo admin and capture each page (plus one enterprise detail)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(BASE + "/accounts/login/")
        page.screenshot(path=str(OUT / "login.png"))
        page.fill("#id_username", "admin")
        page.fill("#id_password", "corridor-demo")
        page.click("#login-form button[type=submit]")
        page.wait_for_url(BASE + "/")
        for name, path in PAGES:
            page.goto(BASE + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        page.goto(BASE + "/registry/?locality=local&sort=-revenue")
        page.click(".ent-link >> nth=0")
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "detail.png"), full_page=True)
        for extra in sys.argv[3:]:
            page.goto(BASE + extra)
            page.wait_for_timeout(500)
            page.screenshot(
                path=str(OUT / (extra.strip("/").replace("/", "_") or "root") + ".png"),
                full_page=True,
            )
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
