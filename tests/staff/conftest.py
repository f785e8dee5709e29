"""Fixtures of the staff workspace: a tracker store with real Rasa events, a copy of data/nlu."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff.app import StaffSettings, create_app
from bot.staff.nlu_files import NluData
from bot.staff.users import add_or_update_user

sys.path.insert(0, str(Path(__file__).resolve().parent))

from staff_support import (  # noqa: E402
    PROJECT_ROOT,
    SECRET,
    STAFF_NAME,
    STAFF_PASSWORD,
    conversations,
    save_conversations,
    sign_in,
)


@pytest.fixture
async def tracker_engine(tmp_path: Path) -> AsyncIterator[Engine]:
    """An SQLite tracker store filled by Rasa's own SQLTrackerStore."""
    engine = await save_conversations(tmp_path / "trackers.db", conversations())
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
