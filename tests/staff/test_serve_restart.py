"""A real Rasa server with the SQL tracker store: a restart keeps the conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from bot.db.conversations import events_table
from bot.db.session import create_schema, make_engine, make_session_factory
from bot.staff.review import REASON_NOT_HELPED, ReviewInbox
from tests.support.requirements import require_model
from tests.support.rest import custom, say
from tests.support.servers import DEMO_DIR, Server, bot_env, import_municipalities, serve

pytestmark = pytest.mark.server


@pytest.fixture
def rasa_bot(tmp_path: Path) -> Iterator[Server]:
    """`wijkwijzer serve` with its own neighbourhood database and tracker store (not started)."""
    require_model()
    env = bot_env(tmp_path)
    import_municipalities(env, [DEMO_DIR])
    server = serve(tmp_path, env)
    yield server
    server.stop()


def _cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return custom(messages, "contact_card")


def test_a_restart_keeps_the_conversation(rasa_bot: Server, tmp_path: Path) -> None:
    rasa_bot.start()
    say(rasa_bot, "inwoner-herstart", "Wie is de wijkagent in mijn buurt?")
    [card] = _cards(say(rasa_bot, "inwoner-herstart", "9281 AA"))
    assert card["role"] == "wijkagent"
    say(rasa_bot, "inwoner-herstart", "/deny")  # the "Nee" button of "Heeft dit u geholpen?"
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
    [again] = _cards(say(rasa_bot, "inwoner-herstart", "en wie is de wijkagent?"))
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
