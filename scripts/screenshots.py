"""Screenshots of the open chat widget with a contact card, for docs/widget.md and the README.

    .venv/bin/python scripts/screenshots.py                 # against the fake bot of the tests
    .venv/bin/python scripts/screenshots.py --bot-url http://127.0.0.1:5005 --demo-port 8080 \
        --postcode "9401 AB"                                # against a running real bot

The real bot must allow the demo page's origin (http://127.0.0.1:DEMO_PORT) for CORS.
Needs Debian's chromium and the Python playwright package (scripts/install-web-deps.sh).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bot.ops.demo_server import BackgroundSite, SiteConfig  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def converse(page: Page, url: str, question: str, postcode: str) -> None:
    page.goto(url)
    page.locator(".ww-launcher").click()
    page.locator(".ww-input").fill(question)
    page.keyboard.press("Enter")
    page.locator(".ww-hint--location").wait_for(timeout=60_000)
    page.locator(".ww-typing:empty").wait_for(state="attached")
    page.locator(".ww-input").fill(postcode)
    page.keyboard.press("Enter")
    page.locator(".ww-card").last.wait_for(timeout=60_000)
    page.locator(".ww-typing:empty").wait_for(state="attached")
    page.locator(".ww-input").blur()
    page.wait_for_timeout(300)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot-url", help="a running Rasa server; default: start the fake bot")
    parser.add_argument("--demo-port", type=int, default=0)
    parser.add_argument("--question", default="Mijn buren maken elke nacht lawaai")
    parser.add_argument("--postcode", default="9401 AB")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()

    demo_port = args.demo_port or free_port()
    demo_origin = f"http://127.0.0.1:{demo_port}"
    fake = None
    bot_url = args.bot_url
    if not bot_url:
        from tests.support.fake_bot import FakeBot

        fake = FakeBot(free_port(), [demo_origin], delay=0.05).start()
        bot_url = fake.url
    server = BackgroundSite(SiteConfig(bot_url=bot_url.rstrip("/")), port=demo_port).start()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, viewport in (
                ("widget-desktop.png", {"width": 1280, "height": 800}),
                ("widget-320.png", {"width": 320, "height": 640}),
            ):
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                page = context.new_page()
                converse(page, demo_origin + "/", args.question, args.postcode)
                page.screenshot(path=str(args.out / name))
                print(f"wrote {args.out / name}")
                context.close()
            browser.close()
    finally:
        server.stop()
        if fake:
            fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
