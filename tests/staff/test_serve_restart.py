"""A real Rasa server with the SQL tracker store: a restart keeps the conversation."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from bot.db.conversations import events_table
from bot.db.session import create_schema, make_engine, make_session_factory
from bot.staff.review import REASON_NOT_HELPED, ReviewInbox

pytestmark = pytest.mark.server

PROJECT_ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 600
WHATSAPP = ("VERIFY_TOKEN", "APP_SECRET", "ACCESS_TOKEN", "PHONE_NUMBER_ID", "API_URL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _say(port: int, sender: str, text: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: list[dict[str, Any]] = json.loads(response.read())
        return result


def _cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        m["custom"]["contact_card"] for m in messages if "contact_card" in (m.get("custom") or {})
    ]


class Bot:
    """`wijkwijzer serve` with its own neighbourhood database and tracker store."""

    def __init__(self, workdir: Path, tracker_url: str) -> None:
        self.workdir = workdir
        self.env = dict(os.environ, WIJKWIJZER_DATABASE_URL=f"sqlite:///{workdir / 'nb.db'}")
        self.env["WIJKWIJZER_TRACKER_STORE_URL"] = tracker_url
        for name in WHATSAPP:
            self.env.setdefault(f"WHATSAPP_{name}", "")
        self.processes: list[subprocess.Popen[bytes]] = []
        self.port = 0

    def start(self) -> None:
        self.port, actions = _free_port(), _free_port()
        log = (self.workdir / f"serve-{self.port}.log").open("w")
        command = [str(BIN / "wijkwijzer"), "serve", "--port", str(self.port),
                   "--actions-port", str(actions)]  # fmt: skip
        self.processes.append(
            subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log)
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                pytest.fail(log.name + ":\n" + Path(log.name).read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1):
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"not ready in {START_TIMEOUT} s: {Path(log.name).read_text()[-3000:]}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []


@pytest.fixture
def rasa_bot(tmp_path: Path) -> Iterator[Bot]:
    if not list((PROJECT_ROOT / "models").glob("*.tar.gz")):
        message = "no trained model in models/ (run `make train`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    running = Bot(tmp_path, f"sqlite:///{tmp_path / 'trackers.db'}")
    subprocess.run(
        [str(BIN / "wijkwijzer"), "import", str(PROJECT_ROOT / "demo")],
        env=running.env, check=True, capture_output=True,
    )  # fmt: skip
    yield running
    running.stop()


def test_a_restart_keeps_the_conversation(rasa_bot: Bot, tmp_path: Path) -> None:
    rasa_bot.start()
    _say(rasa_bot.port, "inwoner-herstart", "Wie is de wijkagent in mijn buurt?")
    [card] = _cards(_say(rasa_bot.port, "inwoner-herstart", "9281 AA"))
    assert card["role"] == "wijkagent"
    _say(rasa_bot.port, "inwoner-herstart", "/deny")  # the "Nee" button of "Heeft dit u geholpen?"
    rasa_bot.stop()

    engine = create_engine(f"sqlite:///{tmp_path / 'trackers.db'}", future=True)
    with engine.connect() as connection:
        stored = connection.execute(
            select(func.count()).where(
                events_table.c.sender_id == "inwoner-herstart", events_table.c.type_name == "user"
            )
        ).scalar()
    assert stored == 3

    rasa_bot.start()
    # The location given before the restart is still known: the card comes at once.
    [again] = _cards(_say(rasa_bot.port, "inwoner-herstart", "en wie is de wijkagent?"))
    assert again["area"] == card["area"]
    rasa_bot.stop()
    with engine.connect() as connection:
        texts = [
            json.loads(row.data)["text"]
            for row in connection.execute(
                select(events_table.c.data)
                .where(events_table.c.type_name == "user")
                .order_by(events_table.c.id)
            )
        ]
    assert texts == [
        "Wie is de wijkagent in mijn buurt?",
        "9281 AA",
        "/deny",
        "en wie is de wijkagent?",
    ]
    # What Rasa wrote is what the review inbox reads: the question did not help.
    staff_engine = make_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_schema(staff_engine)
    items = ReviewInbox(engine, make_session_factory(staff_engine)).items()
    assert [(item.text, item.reasons) for item in items] == [
        ("Wie is de wijkagent in mijn buurt?", [REASON_NOT_HELPED])
    ]
    assert items[0].route == "wijkagent"
    staff_engine.dispose()
    engine.dispose()
