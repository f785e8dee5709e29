"""Generated hostile CSV uploads (Hypothesis) in the staff workspace, on a real aiohttp server:
each gets a page (a preview or a Dutch refusal), never a 500, and a preview or refusal never
changes the database."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
import requests
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.staff.app import StaffSettings, create_app
from tests.support.contacts import demo_file, snapshot
from tests.support.servers import DEMO_DIR
from tests.support.staff import CSRF, STAFF_NAME, STAFF_PASSWORD

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e"
cell = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from([*BIDI, "\x00", "\r", "\n", '"', ",", "=", "<"]), max_size=8),
    st.text(min_size=300, max_size=2000),
)
hostile_line = st.lists(cell, max_size=9).map(",".join)
contents = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    hostile_line.map(
        lambda line: (demo_file("contacten.csv") + line + "\n").encode("utf-8", "surrogatepass")
    ),
)


class Workspace:
    """The workspace on a loopback port, served from an event loop in a daemon thread."""

    def __init__(self, settings: StaffSettings) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(create_app(settings), access_log=None)
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.port = self._run(self._start())

    def _run(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    async def _start(self) -> int:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    def stop(self) -> None:
        self._run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def browser(staff_settings: StaffSettings, session_factory: sessionmaker) -> Iterator[tuple]:
    import_directory(DEMO_DIR, session_factory)
    workspace = Workspace(staff_settings)
    base = f"http://127.0.0.1:{workspace.port}"
    session = requests.Session()
    token = CSRF.search(session.get(base + "/aanmelden").text)
    assert token
    signed = session.post(
        base + "/aanmelden",
        data={"naam": STAFF_NAME, "wachtwoord": STAFF_PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
    )
    assert signed.status_code == 303
    yield session, base
    session.close()
    workspace.stop()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=contents, field=st.sampled_from(["contacten", "buurten", "adressen"]))
def test_any_upload_gets_a_page_and_changes_nothing(
    browser: tuple, session_factory: sessionmaker, content: bytes, field: str
) -> None:
    session, base = browser
    token = CSRF.search(session.get(base + "/contacten/upload").text)
    assert token
    before = snapshot(session_factory)
    response = session.post(
        base + "/contacten/upload",
        data={"csrf_token": token.group(1)},
        files={field: (f"{field}.csv", content, "text/csv")},
        allow_redirects=False,
    )
    assert response.status_code in (200, 400), response.status_code
    assert "Traceback" not in response.text
    if response.status_code == 400:
        assert 'role="alert"' in response.text
    # Only the apply step writes; an upload shows a preview or a refusal.
    assert snapshot(session_factory) == before
