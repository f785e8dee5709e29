"""The review pages after a fallback: Dutch labels, button clicks left out, decided items."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff.labels import has_topic_label, topic_label
from bot.staff.review import ReviewInbox
from bot.staff.users import add_or_update_user
from tests.support.staff import (
    PROJECT_ROOT,
    STAFF_PASSWORD,
    conversations,
    csrf_of,
    fallback_conversations,
    save_conversations,
    sign_in,
)


@pytest.fixture
async def tracker_engine(tmp_path: Path) -> AsyncIterator[Engine]:
    """The staff fixtures' conversations plus fallback_conversations()."""
    engine = await save_conversations(
        tmp_path / "trackers.db", {**conversations(), **fallback_conversations()}
    )
    yield engine
    engine.dispose()


def _event_id(tracker_engine: Engine, session_factory: sessionmaker, sender: str, text: str) -> int:
    events = ReviewInbox(tracker_engine, session_factory).events_of([sender])[sender]
    return next(e.id for e in events if e.type_name == "user" and e.data.get("text") == text)


def _conversation(page: str) -> str:
    return page.split('<ol class="conversation">', 1)[1].split("</ol>", 1)[0]


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_every_intent_has_a_dutch_label() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = [*domain["intents"], "nlu_fallback"]
    assert [intent for intent in intents if not has_topic_label(intent)] == []
    assert all(topic_label(intent) != intent for intent in intents)


async def test_the_inbox_speaks_dutch_and_lists_no_button_clicks(signed_in: TestClient) -> None:
    page = await (await signed_in.get("/inbox")).text()
    text = _visible_text(page)
    assert "nlu_fallback" not in text and "bot dacht: nlu" not in text
    assert "bot herkende geen onderwerp" in text
    assert "bot dacht: Ruzie of overlast met de buren" in text  # "de hond van de buren"
    assert "doorverwezen naar buurtbemiddeling" in text
    assert "/stuck_between_departments" not in page and "/affirm" not in page
    assert "ze sturen me alle kanten op" in page
    # The question typed while the bot asked got a good answer: not in the inbox.
    assert "Wie is de wijkagent voor 1234 AB?" not in page
    assert page.count('class="inbox__item"') == 5


async def test_the_reviewed_message_is_shown_once_in_the_conversation(
    signed_in: TestClient, tracker_engine: Engine, session_factory: sessionmaker
) -> None:
    text = "Wie is de wijkagent voor 1234 AB?"
    event_id = _event_id(tracker_engine, session_factory, "inwoner-na-fallback", text)
    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    assert _conversation(page).count(text) == 1
    assert "(dit bericht)" in _conversation(page)


async def test_the_topic_list_starts_empty(signed_in: TestClient, nlu_dir: Path) -> None:
    inbox = await (await signed_in.get("/inbox")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    select = page.split('<select class="select" id="onderwerp"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option ([^>]*)>([^<]*)</option>", select)
    assert options[0] == ('value="" selected', "Kies een onderwerp")
    assert [attributes for attributes, _ in options[1:] if "selected" in attributes] == []
    assert "required" in select.split(">", 1)[0]
    # Saving without a choice changes nothing.
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp", data={"csrf_token": token, "onderwerp": ""}
    )
    assert response.status == 400
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot


async def test_a_button_click_is_shown_but_cannot_be_annotated(
    signed_in: TestClient, tracker_engine: Engine, session_factory: sessionmaker, nlu_dir: Path
) -> None:
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    event_id = _event_id(
        tracker_engine, session_factory, "inwoner-knop", "/stuck_between_departments"
    )
    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    assert "klik op een knop" in page
    assert 'name="onderwerp"' not in page
    assert "/stuck_between_departments" not in _visible_text(page)
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp",
        data={"csrf_token": token, "onderwerp": "stuck_between_departments"},
    )
    assert response.status == 409
    assert "klik op een knop" in await response.text()
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot


async def test_a_decided_item_says_who_decided_and_when(
    signed_in: TestClient, client: TestClient, session_factory: sessionmaker
) -> None:
    inbox = await (await signed_in.get("/inbox?route=melding")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    form = {"csrf_token": token, "onderwerp": "report_defect"}
    first = await signed_in.post(f"/inbox/{event_id}/onderwerp", data=form, allow_redirects=False)
    assert first.headers["Location"] == "/inbox?uitkomst=added"

    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    assert re.search(r"Al beoordeeld door anna op \d\d-\d\d-\d{4} \d\d:\d\d\.", page)
    assert "Gekozen onderwerp: Iets kapot op straat melden." in page
    assert 'name="onderwerp"' not in page

    # The same person saving again (an old tab) is not told a colleague did it.
    again = await signed_in.post(f"/inbox/{event_id}/onderwerp", data=form)
    again_page = await again.text()
    assert again.url.path == f"/inbox/{event_id}"
    assert "U had dit bericht al eerder beoordeeld" in again_page
    assert "collega" not in again_page.lower()

    # A colleague is told, by name on the page.
    add_or_update_user(session_factory, "bert", STAFF_PASSWORD, "redacteur")
    signed_in.session.cookie_jar.clear()
    assert (await sign_in(signed_in, "bert")).status == 303
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    other = await signed_in.post(
        f"/inbox/{event_id}/onderwerp", data={"csrf_token": token, "onderwerp": "youth"}
    )
    other_page = await other.text()
    assert "Een collega had dit bericht al beoordeeld" in other_page
    assert "Al beoordeeld door anna op" in other_page
