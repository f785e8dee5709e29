"""Tracker store settings: Rasa reads them from endpoints.yml and keeps conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select

from bot.db import conversations as ts

ENDPOINTS = """\
tracker_store:
  type: SQL
  dialect: ${WIJKWIJZER_TRACKER_DIALECT}
  url: ${WIJKWIJZER_TRACKER_HOST}
  port: ${WIJKWIJZER_TRACKER_PORT}
  db: ${WIJKWIJZER_TRACKER_DB}
  username: ${WIJKWIJZER_TRACKER_USERNAME}
  password: ${WIJKWIJZER_TRACKER_PASSWORD}
"""


def test_default_is_trackers_db_in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ts.ENV_TRACKER_STORE_URL, raising=False)
    settings = ts.tracker_store_settings()
    assert settings[ts.ENV_DIALECT] == "sqlite"
    assert settings[ts.ENV_DB] == str(ts.PROJECT_ROOT / "trackers.db")
    assert settings[ts.ENV_PORT] == "0"
    assert settings[ts.ENV_HOST] == settings[ts.ENV_USERNAME] == settings[ts.ENV_PASSWORD] == ""


def test_relative_sqlite_path_is_in_the_project() -> None:
    settings = ts.tracker_store_settings("sqlite:///data-dir/t.db")
    assert settings[ts.ENV_DB] == str(ts.PROJECT_ROOT / "data-dir" / "t.db")


def test_postgresql_url_is_split() -> None:
    settings = ts.tracker_store_settings(
        "postgresql+psycopg2://rasa:p%40ss%3Aw0rd@db.example.nl:6543/gesprekken"
    )
    assert settings == {
        ts.ENV_DIALECT: "postgresql+psycopg2",
        ts.ENV_HOST: "db.example.nl",
        ts.ENV_PORT: "6543",
        ts.ENV_DB: "gesprekken",
        ts.ENV_USERNAME: "rasa",
        ts.ENV_PASSWORD: "p@ss:w0rd",
    }


def test_postgresql_default_port_and_no_password() -> None:
    settings = ts.tracker_store_settings("postgresql://localhost/gesprekken")
    assert settings[ts.ENV_PORT] == "5432"
    assert settings[ts.ENV_PASSWORD] == ""


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "postgresql://host/", "postgresql://h/db?sslmode=x"]
)
def test_unusable_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="WIJKWIJZER_TRACKER_STORE_URL"):
        ts.tracker_store_settings(url)


def _rasa_store(endpoints_file: Path) -> Any:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints_file), "tracker_store")
    return TrackerStore.create(config, Domain.load(str(ts.PROJECT_ROOT / "domain.yml")))


async def test_rasa_keeps_a_conversation_across_a_restart(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    url = db_url.replace("wijkwijzer.db", "trackers.db")
    for name, value in ts.tracker_store_settings(url).items():
        monkeypatch.setenv(name, value)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(ENDPOINTS, encoding="utf-8")

    store = _rasa_store(endpoints)
    assert isinstance(store, SQLTrackerStore)
    tracker = DialogueStateTracker.from_events(
        "inwoner-1",
        [
            ActionExecuted("action_listen"),
            UserUttered(
                "mijn buurman maakt herrie",
                intent={"name": "neighbour_conflict", "confidence": 0.91},
                parse_data={"intent_ranking": [{"name": "neighbour_conflict", "confidence": 0.91}]},
            ),
            BotUttered("Daarvoor is er buurtbemiddeling."),
        ],
    )
    await store.save(tracker)
    store.engine.dispose()

    restarted = _rasa_store(endpoints)
    kept = await restarted.retrieve("inwoner-1")
    assert kept is not None
    assert kept.latest_message is not None
    assert kept.latest_message.text == "mijn buurman maakt herrie"
    assert [e.type_name for e in kept.events][-2:] == ["user", "bot"]
    restarted.engine.dispose()

    # Our own Core description of the table matches what Rasa created.
    engine = create_engine(url, future=True)
    columns = {column["name"] for column in inspect(engine).get_columns("events")}
    assert columns == {column.name for column in ts.events_table.columns}
    with engine.connect() as connection:
        rows = connection.execute(
            select(ts.events_table.c.intent_name).where(ts.events_table.c.type_name == "user")
        ).all()
    assert [row.intent_name for row in rows] == ["neighbour_conflict"]
    engine.dispose()
