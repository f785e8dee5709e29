"""Fixtures for the widget tests: the built bundle, the demo server, a fake bot, Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers beside this file are imported by name, also under --import-mode=importlib.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_bot import FakeBot  # noqa: E402
from web_support import free_port, stop_process, wait_for_http  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "run scripts/install-web-deps.sh"


def missing(reason: str) -> None:
    """Skip where the browser tooling is absent; in CI that is an install error, so fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} ({INSTALL_HINT})")
    pytest.skip(f"{reason} ({INSTALL_HINT})")


@pytest.fixture(scope="session")
def widget_bundle() -> Path:
    """The built widget; rebuilt when a source file is newer than the bundle."""
    if not (WEB / "node_modules" / "esbuild").is_dir():
        missing("web/node_modules is missing")
    bundle = DIST / "wijkwijzer-widget.js"
    sources = [*WEB.joinpath("src").rglob("*"), WEB / "build.mjs", WEB / "package-lock.json"]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    if not bundle.is_file() or bundle.stat().st_mtime < newest:
        subprocess.run(["npm", "run", "--silent", "build"], cwd=WEB, check=True)
    return DIST


@pytest.fixture(scope="session")
def demo_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def demo_origin(demo_port: int) -> str:
    return f"http://127.0.0.1:{demo_port}"


@pytest.fixture(scope="session")
def bot_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def demo_url(widget_bundle: Path, demo_port: int, bot_port: int) -> Iterator[str]:
    """The demo page, served by the real entry point, pointing at the fake bot's port."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.ops.demo_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(demo_port),
            "--bot-url",
            f"http://127.0.0.1:{bot_port}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{demo_port}/"
    wait_for_http(url, timeout=15, process=process)
    yield url
    assert stop_process(process) == 0, "the demo server did not exit cleanly on SIGTERM"


@pytest.fixture
def fake_bot(bot_port: int, demo_origin: str) -> Iterator[FakeBot]:
    bot = FakeBot(bot_port, [demo_origin]).start()
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is missing")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


try:
    import playwright.sync_api  # noqa: F401
except ImportError:
    # The test modules skip visibly; in CI a missing install step must fail loudly.
    if os.environ.get("CI"):
        raise


@pytest.fixture
def page_log():
    from widget_helpers import PageLog

    return PageLog()


@pytest.fixture
def page(browser, page_log):
    from widget_helpers import new_page

    page = new_page(browser, page_log, viewport={"width": 1280, "height": 800})
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        missing("axe-core is missing from web/node_modules")
    return AXE.read_text(encoding="utf-8")
