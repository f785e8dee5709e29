"""Fixtures of the staff workspace: a tracker store with real Rasa events, a copy of data/nlu,
the workspace in aiohttp's test client or on a real port, signed in, and in Chromium."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff import auth, users
from bot.staff.app import StaffSettings, create_app
from bot.staff.nlu_files import NluData
from bot.staff.users import add_or_update_user
from tests.support.browser import chromium
from tests.support.servers import free_port
from tests.support.staff import (
    PROJECT_ROOT,
    SECRET,
    STAFF_NAME,
    STAFF_PASSWORD,
    conversations,
    save_conversations,
    sign_in,
)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts made by these tests get scrypt at n=2**10 instead of 2**15: at the real cost a
    hash takes a tenth of a second, twice per signed-in test, about half the workspace tests'
    CPU. Checking reads the cost from the hash, so sign-in works as in production;
    test_auth.py checks the production cost itself."""
    monkeypatch.setattr(users, "hash_password", partial(auth.hash_password, n=2**10))


@pytest.fixture
def stored_conversations() -> dict[str, list[Any]]:
    """What the tracker store holds; a module overrides this fixture to hold more."""
    return conversations()


@pytest.fixture
async def tracker_engine(
    tmp_path: Path, stored_conversations: dict[str, list[Any]]
) -> AsyncIterator[Engine]:
    """An SQLite tracker store filled by Rasa's own SQLTrackerStore."""
    engine = await save_conversations(tmp_path / "trackers.db", stored_conversations)
    yield engine
    engine.dispose()


@pytest.fixture
def nlu_dir(tmp_path: Path) -> Path:
    """A copy of data/nlu: tests never write to the real one."""
    target = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", target)
    return target


@pytest.fixture
def staff_settings(
    session_factory: sessionmaker, tracker_engine: Engine, nlu_dir: Path, tmp_path: Path
) -> StaffSettings:
    add_or_update_user(session_factory, STAFF_NAME, STAFF_PASSWORD, "beheerder")
    return StaffSettings(
        session_factory=session_factory,
        tracker_engine=tracker_engine,
        nlu=NluData(nlu_dir),
        stories_dir=tmp_path / "stories",
        secret=SECRET,
    )


@pytest.fixture
async def client(staff_settings: StaffSettings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(staff_settings))) as test_client:
        yield test_client


@pytest.fixture
async def signed_in(client: TestClient) -> TestClient:
    """The test client, signed in as STAFF_NAME."""
    response = await sign_in(client)
    assert response.status == 303
    return client


@pytest.fixture
def signed_in_as(
    staff_settings: StaffSettings,
) -> Callable[[TestClient, str], Awaitable[TestClient]]:
    """Signs a client in with a new account of the given role (named after the role)."""

    async def sign_in_with_role(test_client: TestClient, role: str) -> TestClient:
        add_or_update_user(staff_settings.session_factory, role, STAFF_PASSWORD, role)
        response = await sign_in(test_client, role)
        assert response.status == 303
        return test_client

    return sign_in_with_role


# -- the workspace on a real port, in Chromium ------------------------------------------------


@pytest.fixture
def staff_url(staff_settings: StaffSettings) -> Iterator[str]:
    """The workspace served from a thread with its own event loop."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(staff_settings))
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


@pytest.fixture
def page(staff_url: str) -> Iterator[Any]:
    """A Dutch browser page; `page.csp_errors` collects Content Security Policy reports."""
    # After staff_url: Playwright's sync API runs a loop of its own in this thread, and the
    # async fixtures under staff_url need to run before it.
    with chromium() as browser:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
        browser_page = context.new_page()
        csp_errors: list[str] = []
        browser_page.on(
            "console",
            lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None,
        )
        browser_page.csp_errors = csp_errors
        yield browser_page


@pytest.fixture
def signed_in_page(page: Any, staff_url: str) -> Any:
    """The browser page, signed in as STAFF_NAME through the sign-in form (on the inbox)."""
    from playwright.sync_api import expect

    page.goto(f"{staff_url}/aanmelden")
    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{staff_url}/inbox")
    return page
