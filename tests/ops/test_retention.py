"""`wijkwijzer purge`: conversations older than the retention period go, the rest stays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db import conversations as ts
from bot.db.models.staff import ReviewDecision
from bot.ops import cli
from bot.ops.retention import (
    DAY_SECONDS,
    ENV_RETENTION_DAYS,
    RetentionError,
    purge,
    retention_days,
    start_daily_purge,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOW = time.time()


def days_ago(days: float) -> float:
    return NOW - days * DAY_SECONDS


# Conversation -> the ages (in days) of its turns; the last one is its last activity.
CONVERSATIONS = {
    "inwoner-oud": (130, 120),
    "inwoner-net-te-oud": (95, 91),
    "inwoner-lang-geleden-begonnen": (200, 150, 10),
    "inwoner-nieuw": (2, 1),
}
OLD = {"inwoner-oud", "inwoner-net-te-oud"}


def rasa_store(url: str) -> Any:
    """Rasa's own SQLTrackerStore on `url`, configured as endpoints.yml does."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    settings = ts.tracker_store_settings(url)
    return SQLTrackerStore(
        Domain.load(str(PROJECT_ROOT / "domain.yml")),
        dialect=settings[ts.ENV_DIALECT],
        host=settings[ts.ENV_HOST] or None,
        port=int(settings[ts.ENV_PORT]) or None,
        db=settings[ts.ENV_DB],
        username=settings[ts.ENV_USERNAME] or None,
        password=settings[ts.ENV_PASSWORD] or None,
    )


def turn(text: str, at: float) -> list[Any]:
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    return [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(
            text,
            intent={"name": "neighbour_conflict", "confidence": 0.9},
            parse_data={"text": text, "intent": {"name": "neighbour_conflict", "confidence": 0.9}},
            timestamp=at,
        ),
        ActionExecuted("action_route_question", timestamp=at + 1),
        BotUttered("Buurtbemiddeling helpt.", timestamp=at + 1),
    ]


@pytest.fixture
async def tracker_url(db_url: str) -> str:
    """A tracker store (SQLite file or the PostgreSQL test database) holding CONVERSATIONS."""
    from rasa.shared.core.trackers import DialogueStateTracker

    url = db_url.replace("wijkwijzer.db", "trackers.db")
    store = rasa_store(url)
    for sender, ages in CONVERSATIONS.items():
        events = [
            event for age in ages for event in turn(f"bericht van {age} dagen", days_ago(age))
        ]
        await store.save(DialogueStateTracker.from_events(sender, events))
    store.engine.dispose()
    return url


@pytest.fixture
def tracker_engine(tracker_url: str) -> Iterator[Engine]:
    engine = create_engine(tracker_url, future=True)
    yield engine
    engine.dispose()


@pytest.fixture
def staff_db(session_factory: sessionmaker, tracker_engine: Engine) -> sessionmaker:
    """Review decisions about an old and a new message, and WhatsApp ids old and new."""
    from bot.rasa.channels.whatsapp import processed_message_table

    with tracker_engine.connect() as connection:
        user_events = dict(
            connection.execute(
                select(ts.events_table.c.sender_id, ts.events_table.c.id).where(
                    ts.events_table.c.type_name == "user"
                )
            ).all()
        )
    with session_factory() as session, session.begin():
        for sender in ("inwoner-oud", "inwoner-nieuw"):
            session.add(
                ReviewDecision(
                    event_id=user_events[sender],
                    sender_id=sender,
                    intent="neighbour_conflict",
                    written_text="mijn buurman [NAAM] maakt herrie",
                    outcome="added",
                    decided_by="anna",
                )
            )
        processed_message_table.create(session.connection(), checkfirst=True)
        session.execute(
            insert(processed_message_table),
            [
                {"message_id": "wamid.oud", "processed_at": int(days_ago(100))},
                {"message_id": "wamid.nieuw", "processed_at": int(days_ago(0.5))},
            ],
        )
    return session_factory


def senders(engine: Engine) -> dict[str, int]:
    """Events per conversation."""
    with engine.connect() as connection:
        rows = connection.execute(select(ts.events_table.c.sender_id)).scalars().all()
    return {sender: rows.count(sender) for sender in set(rows)}


def decisions(session_factory: sessionmaker) -> list[tuple[str, int, str | None, str]]:
    with session_factory() as session:
        rows = session.execute(
            select(
                ReviewDecision.sender_id,
                ReviewDecision.event_id,
                ReviewDecision.intent,
                ReviewDecision.written_text,
            ).order_by(ReviewDecision.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def whatsapp_ids(session_factory: sessionmaker) -> set[str]:
    from bot.rasa.channels.whatsapp import processed_message_table

    with session_factory() as session:
        return set(session.scalars(select(processed_message_table.c.message_id)))


async def test_purge_deletes_only_conversations_without_recent_activity(
    tracker_engine: Engine, tracker_url: str, staff_db: sessionmaker
) -> None:
    before = senders(tracker_engine)
    assert set(before) == set(CONVERSATIONS)
    report = purge(tracker_engine, staff_db, days=90, now=NOW)

    after = senders(tracker_engine)
    assert set(after) == set(CONVERSATIONS) - OLD
    # A conversation that began long ago but is still going keeps all of its events.
    assert after == {sender: count for sender, count in before.items() if sender not in OLD}
    assert (report.conversations, report.events) == (2, sum(before[s] for s in OLD))
    assert (report.review_decisions, report.whatsapp_ids) == (1, 1)
    assert not report.dry_run

    # Rasa itself finds nothing left of them, and everything of the others.
    store = rasa_store(tracker_url)
    try:
        gone = await store.retrieve("inwoner-oud")
        kept = await store.retrieve("inwoner-lang-geleden-begonnen")
    finally:
        store.engine.dispose()
    assert gone is None or not gone.events
    assert kept is not None
    assert [e.text for e in kept.events if e.type_name == "user"] == [
        "bericht van 200 dagen",
        "bericht van 150 dagen",
        "bericht van 10 dagen",
    ]

    old_decision, new_decision = decisions(staff_db)
    # The staff's decision stays (masked text, topic), detached from the conversation.
    assert old_decision[0] == "" and old_decision[1] < 0
    assert old_decision[2:] == ("neighbour_conflict", "mijn buurman [NAAM] maakt herrie")
    assert new_decision[0] == "inwoner-nieuw" and new_decision[1] > 0
    assert whatsapp_ids(staff_db) == {"wamid.nieuw"}

    # A second run finds nothing more.
    again = purge(tracker_engine, staff_db, days=90, now=NOW)
    assert (again.conversations, again.events, again.review_decisions) == (0, 0, 0)


async def test_dry_run_counts_and_deletes_nothing(
    tracker_engine: Engine, staff_db: sessionmaker
) -> None:
    before = (senders(tracker_engine), decisions(staff_db), whatsapp_ids(staff_db))
    report = purge(tracker_engine, staff_db, days=90, now=NOW, dry_run=True)
    assert report.dry_run
    assert (report.conversations, report.review_decisions, report.whatsapp_ids) == (2, 1, 1)
    assert report.events == sum(before[0][sender] for sender in OLD)
    assert (senders(tracker_engine), decisions(staff_db), whatsapp_ids(staff_db)) == before


async def test_a_longer_period_keeps_more(tracker_engine: Engine, staff_db: sessionmaker) -> None:
    report = purge(tracker_engine, staff_db, days=100, now=NOW)
    assert report.conversations == 1
    assert "inwoner-net-te-oud" in senders(tracker_engine)


def test_purge_before_rasa_ever_ran_finds_nothing(
    session_factory: sessionmaker, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'leeg.db'}", future=True)
    try:
        report = purge(engine, session_factory, days=90)
    finally:
        engine.dispose()
    assert (report.conversations, report.events) == (0, 0)


def test_the_command_prints_counts_of_a_dry_run(
    tracker_url: str,
    tracker_engine: Engine,
    staff_db: sessionmaker,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ts.ENV_TRACKER_STORE_URL, tracker_url)
    monkeypatch.setenv("WIJKWIJZER_DATABASE_URL", db_url)
    monkeypatch.setenv(ENV_RETENTION_DAYS, "100")
    before = senders(tracker_engine)

    assert cli.main(["purge", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "1 gesprekken" in printed and "100 dagen" in printed
    assert "bericht van" not in printed  # counts, never what residents wrote
    assert senders(tracker_engine) == before

    assert cli.main(["purge", "--older-than", "90"]) == 0
    assert "2 gesprekken" in capsys.readouterr().out
    assert set(senders(tracker_engine)) == set(CONVERSATIONS) - OLD


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_unusable_periods_are_refused(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(RetentionError):
        retention_days(value)
    monkeypatch.setenv(ENV_RETENTION_DAYS, value)
    assert cli.main(["purge", "--dry-run"]) == 2
    assert "Niet gestart" in capsys.readouterr().err


def test_retention_days_default_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_RETENTION_DAYS, raising=False)
    assert retention_days() == 90
    monkeypatch.setenv(ENV_RETENTION_DAYS, " 30 ")
    assert retention_days() == 30
    assert retention_days("7") == 7


def test_the_daily_job_runs_at_once_and_again_and_survives_a_failure() -> None:
    runs: list[float] = []
    third = threading.Event()

    def run() -> None:
        runs.append(time.monotonic())
        if len(runs) == 2:
            raise OSError("database away for a moment")
        if len(runs) >= 3:
            third.set()

    stop = start_daily_purge(run, interval=0.05)
    try:
        assert third.wait(30), runs
    finally:
        stop.set()
    assert len(runs) >= 3
