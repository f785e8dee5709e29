"""The tracker store reuses the conversation it saved, and only while the database agrees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import create_engine, delete

from bot.db import conversations as ts
from bot.rasa.tracker_store import WijkwijzerTrackerStore

DOMAIN = Domain.load(str(ts.PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def trackers_db(db_url: str) -> str:
    """An empty conversation database: an SQLite file, and PostgreSQL where reachable."""
    return db_url.replace("wijkwijzer.db", "trackers.db")


def store_on(url: str, **kwargs: object) -> WijkwijzerTrackerStore:
    """The store as endpoints.yml's settings make it."""
    settings = ts.tracker_store_settings(url)
    store = WijkwijzerTrackerStore(
        domain=DOMAIN,
        dialect=settings[ts.ENV_DIALECT],
        host=settings[ts.ENV_HOST] or None,
        port=int(settings[ts.ENV_PORT]) or None,
        db=settings[ts.ENV_DB],
        username=settings[ts.ENV_USERNAME] or None,
        password=settings[ts.ENV_PASSWORD] or None,
        **kwargs,
    )
    STORES.append(store)
    return store


STORES: list[WijkwijzerTrackerStore] = []


@pytest.fixture(autouse=True)
def dispose_stores() -> Iterator[None]:
    yield
    while STORES:
        STORES.pop().engine.dispose()


def turn(text: str, intent: str, answer: str) -> list[Event]:
    return [
        UserUttered(text, intent={"name": intent, "confidence": 0.9}),
        ActionExecuted("action_route_question"),
        BotUttered(answer, {"custom": {"route": {"role": "wijkagent"}}}),
        SlotSet("role", "wijkagent"),
        ActionExecuted("action_listen"),
    ]


def session(sender: str) -> DialogueStateTracker:
    """A conversation as Rasa's retrieve builds it: its latest session, from SessionStarted."""
    return DialogueStateTracker.from_events(
        sender,
        [SessionStarted(), ActionExecuted("action_listen")]
        + turn("er wordt gedeald", "ask_safety", "De wijkagent."),
        DOMAIN.slots,
    )


def state(tracker: DialogueStateTracker | None) -> dict:
    assert tracker is not None
    return tracker.current_state(EventVerbosity.ALL)


async def from_database(url: str, sender: str) -> DialogueStateTracker | None:
    """What Rasa's own SQL store reads, with nothing kept."""
    return await store_on(url, kept_conversations=0).retrieve(sender)


def test_endpoints_yml_gives_this_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trackers_db = tmp_path / "trackers.db"
    for name, value in ts.tracker_store_settings(f"sqlite:///{trackers_db}").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WIJKWIJZER_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    config = read_endpoint_config(str(ts.PROJECT_ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, DOMAIN)
    # Rasa falls back to keeping conversations in memory when the class cannot be loaded.
    assert isinstance(store, WijkwijzerTrackerStore)
    assert store.engine.url.database == str(trackers_db)
    store.engine.dispose()


async def test_a_saved_conversation_is_handed_out_again_as_the_database_has_it(
    trackers_db: str,
) -> None:
    store = store_on(trackers_db)
    await store.save(session("inwoner"))
    # A message: Rasa retrieves, appends the turn's events and saves.
    tracker = await store.retrieve("inwoner")
    assert tracker is not None
    for event in turn("wie is de wijkagent", "ask_role_contact", "De wijkagent."):
        tracker.update(event)
    await store.save(tracker)

    again = await store.retrieve("inwoner")
    assert again is tracker  # nothing read and replayed
    assert state(again) == state(await from_database(trackers_db, "inwoner"))
    assert again.get_slot("role") == "wijkagent"


async def test_another_server_answering_in_between_is_read_from_the_database(
    trackers_db: str,
) -> None:
    here, there = store_on(trackers_db), store_on(trackers_db)
    await here.save(session("inwoner"))
    elsewhere = await there.retrieve("inwoner")
    assert elsewhere is not None
    for event in turn("en de opbouwwerker?", "ask_role_contact", "De opbouwwerker."):
        elsewhere.update(event)
    await there.save(elsewhere)

    tracker = await here.retrieve("inwoner")
    assert tracker is not None
    assert tracker.latest_message is not None
    assert tracker.latest_message.text == "en de opbouwwerker?"
    assert state(tracker) == state(await from_database(trackers_db, "inwoner"))


async def test_a_tracker_changed_but_not_saved_is_read_from_the_database(
    trackers_db: str,
) -> None:
    store = store_on(trackers_db)
    await store.save(session("inwoner"))
    tracker = await store.retrieve("inwoner")
    assert tracker is not None
    tracker.update(UserUttered("half verwerkt", intent={"name": "greet", "confidence": 1.0}))

    again = await store.retrieve("inwoner")
    assert again is not tracker
    assert state(again) == state(await from_database(trackers_db, "inwoner"))


async def test_a_purged_conversation_is_gone(trackers_db: str) -> None:
    store = store_on(trackers_db)
    await store.save(session("inwoner"))
    engine = create_engine(trackers_db, future=True)
    with engine.begin() as connection:
        connection.execute(delete(ts.events_table).where(ts.events_table.c.sender_id == "inwoner"))
    engine.dispose()
    assert await store.retrieve("inwoner") is None


async def test_only_a_tracker_that_is_its_latest_session_is_kept(trackers_db: str) -> None:
    store = store_on(trackers_db)
    # A first message: Rasa's retrieve leaves out the events before SessionStarted.
    first = DialogueStateTracker.from_events(
        "nieuw",
        [ActionExecuted("action_listen"), ActionExecuted("action_session_start")]
        + [SessionStarted(), ActionExecuted("action_listen")]
        + turn("hallo", "greet", "Hallo!"),
        DOMAIN.slots,
    )
    await store.save(first)
    again = await store.retrieve("nieuw")
    assert again is not first
    assert state(again) == state(await from_database(trackers_db, "nieuw"))


async def test_a_new_model_reads_from_the_database(trackers_db: str) -> None:
    store = store_on(trackers_db)
    tracker = session("inwoner")
    await store.save(tracker)
    store.domain = Domain.load(str(ts.PROJECT_ROOT / "domain.yml"))
    again = await store.retrieve("inwoner")
    assert again is not tracker
    assert state(again) == state(tracker)


async def test_the_number_of_kept_conversations_is_bounded(trackers_db: str) -> None:
    store = store_on(trackers_db, kept_conversations=2)
    trackers = {sender: session(sender) for sender in ("a", "b", "c")}
    for tracker in trackers.values():
        await store.save(tracker)
    assert await store.retrieve("a") is not trackers["a"]  # the oldest went
    assert await store.retrieve("c") is trackers["c"]


async def test_a_tracker_in_which_a_new_session_began_is_not_kept(trackers_db: str) -> None:
    store = store_on(trackers_db)
    tracker = session("inwoner")
    for event in [ActionExecuted("action_session_start"), SessionStarted()]:
        tracker.update(event)
    for event in turn("ben ik er weer", "greet", "Welkom terug."):
        tracker.update(event)
    await store.save(tracker)
    again = await store.retrieve("inwoner")
    assert again is not tracker
    assert state(again) == state(await from_database(trackers_db, "inwoner"))
    assert again is not None and again.events[0] == SessionStarted()
