"""Fixtures for the widget tests: the built bundle, the demo server, a fake bot, Chromium."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import PageLog, axe_source, chromium, missing, new_page
from tests.support.fake_bot import FakeBot
from tests.support.servers import PROJECT_ROOT, demo_site, free_port

WEB = PROJECT_ROOT / "web"
DIST = WEB / "dist"


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
def demo_url(
    widget_bundle: Path, demo_port: int, bot_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo page, pointing at the fake bot's port."""
    site = demo_site(demo_port, f"http://127.0.0.1:{bot_port}", tmp_path_factory.mktemp("demo"))
    site.start()
    yield site.url + "/"
    assert site.stop() == 0, "the demo server did not exit cleanly on SIGTERM"


@pytest.fixture
def fake_bot(bot_port: int, demo_origin: str) -> Iterator[FakeBot]:
    bot = FakeBot(bot_port, [demo_origin]).start()
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


try:
    import playwright.sync_api  # noqa: F401
except ImportError:
    # The test modules skip visibly; in CI a missing install step must fail loudly.
    if os.environ.get("CI"):
        raise


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog):
    page = new_page(browser, page_log, viewport={"width": 1280, "height": 800})
    yield page
    page.context.close()


@pytest.fixture(scope="session", name="axe_source")
def axe_source_fixture() -> str:
    return axe_source()
