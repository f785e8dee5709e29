"""A running action server (its own process and cache) gives the contact card as staff edited it."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from bot.core.constants import (
    SLOT_AREA_CODE,
    SLOT_AREA_NAME,
    SLOT_GEMEENTE_CODE,
    SLOT_LOCATION_STATUS,
    SLOT_ROLE,
)
from bot.db.importer import import_directory
from tests.support.contacts import VOGELBUURT, contact_form, contact_id, post_form
from tests.support.servers import DEMO_DIR, Server, free_port, running

# One process on one SQLite file is enough; the workspace tests cover PostgreSQL.
pytestmark = [pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture
def action_server(db_url: str, session_factory: sessionmaker, tmp_path: Path) -> Iterator[str]:
    import_directory(DEMO_DIR, session_factory)
    port = free_port()
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    env = {**os.environ, "WIJKWIJZER_DATABASE_URL": db_url}
    server = Server("actions", command, port, tmp_path / "actions.log", env, "/health")
    with running(server):
        yield server.url


def contact_cards(url: str) -> list[dict[str, Any]]:
    """The cards action_give_contact sends for the wijkagent of the Vogelbuurt."""
    call = {
        "next_action": "action_give_contact",
        "sender_id": "inwoner",
        "tracker": {
            "sender_id": "inwoner",
            "slots": {
                SLOT_ROLE: "wijkagent",
                SLOT_LOCATION_STATUS: "found",
                SLOT_AREA_CODE: VOGELBUURT,
                SLOT_AREA_NAME: "Vogelbuurt",
                SLOT_GEMEENTE_CODE: "GM9200",
            },
            "latest_message": {},
            "events": [],
        },
        "domain": {},
        "version": "3.6.2",
    }
    request = urllib.request.Request(
        url + "/webhook",
        data=json.dumps(call).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    return [r["custom"]["contact_card"] for r in body["responses"] if r.get("custom")]


def contact_card(url: str) -> dict[str, Any]:
    cards = contact_cards(url)
    assert len(cards) == 1, cards
    return cards[0]


async def test_the_running_action_server_uses_a_workspace_edit_at_once(
    action_server: str, signed_in: TestClient, session_factory: sessionmaker
) -> None:
    before = contact_card(action_server)
    assert before["contacts"][0]["name"] == "Mehmet Yilmaz"
    assert before["contacts"][0]["phone"] == "0900-8844"

    mehmet = contact_id(session_factory, "Mehmet Yilmaz")
    form = contact_form(
        naam="Mehmet Yilmaz", rol="wijkagent", organisatie="Politie basisteam Weidehaven",
        telefoon="0900-4321", email="m.yilmaz@politie.example", spreekuur="", gebied=[VOGELBUURT],
    )  # fmt: skip
    assert (await post_form(signed_in, f"/contacten/{mehmet}", form)).status == 303

    after = contact_card(action_server)
    # Now found at the buurt itself, with the new number.
    assert after["area"] == {"code": VOGELBUURT, "name": "Vogelbuurt", "level": "buurt"}
    assert after["contacts"] == [
        {
            "name": "Mehmet Yilmaz",
            "organisation": "Politie basisteam Weidehaven",
            "phone": "0900-4321",
            "email": "m.yilmaz@politie.example",
        }
    ]

    await post_form(signed_in, f"/contacten/{mehmet}/inactief")
    # No wijkagent for the Vogelbuurt any more: no card at all.
    assert contact_cards(action_server) == []
