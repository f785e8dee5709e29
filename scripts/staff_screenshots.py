"""Screenshots of the staff workspace for docs/handleiding-medewerkers.md (docs/img/staff-*.png).

    .venv/bin/python scripts/staff_screenshots.py [--measure] [--examples 15] [--no-training]

Runs the real workspace (bot/staff) on a temporary database with demo conversations, a copy
of data/nlu and tests/stories and a copy of the newest model in models/, and drives it with
headless Chromium: sign in, the inbox, a message, annotating, saving a test story, and a real
training with its evaluation (minutes with the quick config). A stand-in for the Rasa
server's GET /status says which model runs. With --measure the running
model is measured first, so the comparison has both columns. Nothing outside the temporary
folder changes except the PNG files.
Needs Debian's chromium and the Python playwright package (scripts/install-web-deps.sh).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from bot.db.session import create_schema, make_engine, make_session_factory  # noqa: E402
from bot.staff.app import StaffSettings, create_app  # noqa: E402
from bot.staff.nlu_files import NluData  # noqa: E402
from bot.staff.training import TrainingRuns, TrainingSettings  # noqa: E402
from bot.staff.users import add_or_update_user  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NAME, PASSWORD = "anna", "een-lang-wachtwoord-42"


def fill_tracker_store(path: Path) -> None:
    """Demo conversations as Rasa's SQL tracker store keeps them (those of the tests)."""
    from tests.support.staff import conversations, fallback_conversations, save_conversations

    engine = asyncio.run(save_conversations(path, {**conversations(), **fallback_conversations()}))
    engine.dispose()


def serve_fake_rasa(model_name: str) -> str:
    """A stand-in for the Rasa server's GET /status: it runs `model_name`."""

    async def status(request: web.Request) -> web.Response:
        return web.json_response({"model_file": model_name})

    app = web.Application()
    app.router.add_get("/status", status)
    return serve_app(app)


def serve(settings: StaffSettings) -> str:
    return serve_app(create_app(settings))


def serve_app(app: web.Application) -> str:
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}"


def shoot(page: Page, out: Path, name: str, full_page: bool = False) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"staff-{name}.png"), full_page=full_page)
    print(f"docs/img/staff-{name}.png", flush=True)


def wait_for_run(page: Page, runs: TrainingRuns, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = runs.running()
        if current is None:
            page.reload()
            return
        time.sleep(5)
    raise SystemExit("the training did not finish in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "training-quick.yml")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--measure", action="store_true", help="measure the running model first")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--only-contacts",
        action="store_true",
        help="only the contacts and statistics pages (no training)",
    )
    parser.add_argument(
        "--examples", type=int, default=0, help="train on this many examples per topic (faster)"
    )
    parser.add_argument(
        "--no-training",
        action="store_true",
        help="every page up to the training page, without running a training",
    )
    args = parser.parse_args()
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no model in models/: run `make train` first")
    args.out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="staff-screenshots-"))
    fill_tracker_store(work / "trackers.db")
    if args.examples:
        from tests.support.staff import copy_nlu_trimmed

        copy_nlu_trimmed(ROOT / "data" / "nlu", work / "nlu", args.examples)
    else:
        shutil.copytree(ROOT / "data" / "nlu", work / "nlu")
    shutil.copytree(ROOT / "tests" / "stories", work / "stories")
    (work / "models").mkdir()
    shutil.copy2(models[-1], work / "models" / models[-1].name)
    engine = make_engine(f"sqlite:///{work / 'staff.db'}")
    create_schema(engine)
    session_factory = make_session_factory(engine)
    add_or_update_user(session_factory, NAME, PASSWORD, "beheerder")
    from bot.db.importer import import_directory

    import_directory(ROOT / "demo", session_factory)
    settings = StaffSettings(
        session_factory=session_factory,
        tracker_engine=create_engine(f"sqlite:///{work / 'trackers.db'}", future=True),
        nlu=NluData(work / "nlu"),
        stories_dir=work / "stories",
        training=TrainingSettings(
            config=args.config.resolve(),
            folds=args.folds,
            models_dir=work / "models",
            nlu_dir=work / "nlu",
            stories_dir=work / "stories",
            rasa_urls=[serve_fake_rasa(models[-1].name)],
            api_token="voorbeeld",
        ),
    )
    url = serve(settings)
    runs = TrainingRuns(session_factory)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 760})
        page = context.new_page()
        if args.only_contacts:
            sign_in(page, url)
        else:
            take_screenshots(page, url, args, runs)
        contact_screenshots(page, url, args.out)
        statistics_screenshot(page, url, args.out)
        browser.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/aanmelden")
    page.get_by_label("Naam").fill(NAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{url}/inbox")


def contact_screenshots(page: Page, url: str, out: Path) -> None:
    """The contacts pages: list, one contact, an edit in the audit trail, the upload."""
    page.goto(f"{url}/contacten")
    shoot(page, out, "contacten", full_page=True)
    page.locator("table a.link").first.click()
    page.get_by_label("Spreekuur").fill("dinsdag 9.00-12.00 uur")
    shoot(page, out, "contact-wijzigen", full_page=True)
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.goto(f"{url}/wijzigingen")
    shoot(page, out, "wijzigingen", full_page=True)
    page.goto(f"{url}/contacten/upload")
    shoot(page, out, "contacten-inlezen", full_page=True)


def statistics_screenshot(page: Page, url: str, out: Path) -> None:
    """The statistics page over the example conversations of fill_tracker_store."""
    page.goto(f"{url}/statistieken")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, out, "statistieken", full_page=True)


def take_screenshots(page: Page, url: str, args: Any, runs: TrainingRuns) -> None:
    out: Path = args.out
    page.goto(f"{url}/aanmelden")
    page.get_by_label("Naam").fill(NAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    shoot(page, out, "aanmelden")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{url}/inbox")
    shoot(page, out, "inbox", full_page=True)

    page.get_by_role("link", name="die lamp bij het speeltuintje doet het niet meer").click()
    shoot(page, out, "bericht", full_page=True)
    item_url = page.url
    page.get_by_label("Onderwerp").select_option("report_defect")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("toegevoegd")
    shoot(page, out, "toegevoegd")

    # A decided message: who decided and when, no form.
    page.goto(item_url)
    page.get_by_text("Al beoordeeld door").scroll_into_view_if_needed()
    shoot(page, out, "beoordeeld")

    # The reviewed conversation becomes a test story.
    page.goto(item_url)
    page.get_by_role("button", name="Bewaar als test").scroll_into_view_if_needed()
    shoot(page, out, "testverhaal")
    page.get_by_role("button", name="Bewaar als test").click()
    expect(page.get_by_role("status")).to_contain_text("test")
    shoot(page, out, "test-bewaard")

    page.get_by_role("link", name="Opnieuw trainen").click()
    if args.measure:
        page.get_by_role("button", name="Huidig model meten").click()
        wait_for_run(page, runs, args.timeout)
    shoot(page, out, "training-start", full_page=True)
    if args.no_training:
        return
    page.get_by_role("button", name="Training starten").click()
    expect(page.get_by_role("heading", name="Training loopt")).to_be_visible()
    page.wait_for_timeout(8000)
    page.reload()
    shoot(page, out, "training-bezig")
    wait_for_run(page, runs, args.timeout)
    page.goto(f"{url}/training")
    shoot(page, out, "training-klaar", full_page=True)


if __name__ == "__main__":
    sys.exit(main())
