"""Fixtures for the hand-over tests: a loopback SMTP server and a callback store."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import sessionmaker

from bot.core.callback import CONTACT_PHONE, ContactDetail
from bot.core.sealing import Sealer
from bot.handover.outbox import CallbackDraft, CallbackStore, Professional


@pytest.fixture
def sealer() -> Sealer:
    return Sealer("test-key-material-for-callbacks")


@pytest.fixture
def callback_store(session_factory: sessionmaker, sealer: Sealer) -> CallbackStore:
    return CallbackStore(session_factory, sealer)


def draft(**changes: object) -> CallbackDraft:
    """A request as the conversation hands it over: the wijkagent of Vogelbuurt, by phone."""
    values: dict[str, object] = {
        "role_code": "wijkagent",
        "role_name": "wijkagent",
        "area_code": "BU03440100",
        "area_name": "Vogelbuurt",
        "gemeente_code": "GM0344",
        "professional": Professional("Sanne de Wit", "Politie", "s.dewit@politie.example"),
        "resident_name": "Kim Bakker",
        "contact": ContactDetail(CONTACT_PHONE, "+31612345678"),
        "question": "Er wordt 's avonds gedeald bij het speelveld.",
        "best_time": "na 18.00 uur",
        "channel": "rest",
    }
    values.update(changes)
    return CallbackDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_draft() -> Callable[..., CallbackDraft]:
    return draft
