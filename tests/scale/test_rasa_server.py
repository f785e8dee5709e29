"""bot/rasa_server.py without a server: calm actions, and when the HTTP API is switched on."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.actions.action import Action, ActionExecutionRejection
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction, SlotSet
from rasa.shared.exceptions import RasaException

from bot.outage import PAYLOAD_UNAVAILABLE, REASON_ACTIONS, REASON_SLOW
from bot.rasa_server import CalmAction, api_arguments


class Scripted(Action):
    def __init__(self, behaviour: Any) -> None:
        self.behaviour = behaviour

    def name(self) -> str:
        return "action_route_question"

    async def run(self, *args: Any) -> list[Event]:
        return list(await self.behaviour())


async def run_calm(behaviour: Any, timeout: float = 5) -> tuple[CalmAction, list[Event]]:
    calm = CalmAction(Scripted(behaviour), timeout)
    events = await calm.run(None, None, None, None)  # type: ignore[arg-type]
    return calm, events


def reason(events: list[Event]) -> str:
    [uttered] = [event for event in events if isinstance(event, BotUttered)]
    assert uttered.text and "112" in uttered.text
    return str(uttered.data["custom"][PAYLOAD_UNAVAILABLE]["reason"])


async def test_a_working_action_is_left_alone() -> None:
    async def works() -> list[Event]:
        return [SlotSet("role", "wijkagent")]

    calm, events = await run_calm(works)
    assert events == [SlotSet("role", "wijkagent")]
    assert calm.failure is None


async def test_an_unreachable_action_server_becomes_a_calm_message_and_listening() -> None:
    async def unreachable() -> list[Event]:
        raise RasaException("Failed to execute custom action. Couldn't connect to the server")

    calm, events = await run_calm(unreachable)
    assert reason(events) == REASON_ACTIONS
    assert events[-1] == FollowupAction(ACTION_LISTEN_NAME)
    assert calm.name() == "action_route_question"


async def test_a_slow_action_is_cut_off_at_the_time_limit() -> None:
    async def hangs() -> list[Event]:
        await asyncio.sleep(60)
        return []

    calm, events = await run_calm(hangs, timeout=0.2)
    assert reason(events) == REASON_SLOW
    assert calm.failure == REASON_SLOW


async def test_a_rejection_is_still_rasas_to_handle() -> None:
    async def rejects() -> list[Event]:
        raise ActionExecutionRejection("location_form")

    with pytest.raises(ActionExecutionRejection):
        await run_calm(rejects)


LONG = "x" * 32


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, []),
        ({"WIJKWIJZER_API_TOKEN": "  "}, []),
        ({"WIJKWIJZER_API_TOKEN": "kort"}, []),  # too short to be a secret
        ({"WIJKWIJZER_API_TOKEN": LONG}, ["--enable-api", "--auth-token", LONG]),
        (
            {"WIJKWIJZER_JWT_SECRET": LONG},
            ["--enable-api", "--jwt-secret", LONG, "--jwt-method", "HS256"],
        ),
    ],
)
def test_the_api_is_only_on_with_a_token_or_jwt_secret(
    env: dict[str, str], expected: list[str]
) -> None:
    assert api_arguments(env) == expected
