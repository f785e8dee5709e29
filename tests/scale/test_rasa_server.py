"""bot/rasa/server.py without a Rasa server: calm actions, the HTTP API switch, action results."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from jsonschema import ValidationError, validators
from rasa.core.actions.action import Action, ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, FollowupAction, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.outage import PAYLOAD_UNAVAILABLE, REASON_ACTIONS, REASON_SLOW, outage_text
from bot.rasa.server import CalmAction, api_arguments, install_action_result_validator
from bot.settings import settings


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


async def test_the_calm_message_is_in_the_conversation_s_language() -> None:
    async def unreachable() -> list[Event]:
        raise RasaException("Failed to execute custom action. Couldn't connect to the server")

    domain = Domain.load(str(Path(__file__).parents[2] / "domain.yml"))
    for language in ("nl", "en"):
        tracker = DialogueStateTracker.from_events(
            "resident", [SlotSet("language", language)], slots=domain.slots
        )
        events = await CalmAction(Scripted(unreachable), 5).run(None, None, tracker, domain)  # type: ignore[arg-type]
        [uttered] = [event for event in events if isinstance(event, BotUttered)]
        assert uttered.text == outage_text(REASON_ACTIONS, language)
    assert outage_text(REASON_ACTIONS, "en") != outage_text(REASON_ACTIONS, "nl")


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
    env: dict[str, str], expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("WIJKWIJZER_API_TOKEN", "WIJKWIJZER_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert api_arguments(settings()) == expected


# -- action results checked by a validator built once -----------------------------------------


class Probe(RemoteAction):
    """Its own class, so installing the validator leaves Rasa's RemoteAction alone."""


@pytest.fixture
def probe_class() -> type[RemoteAction]:
    class Installed(Probe):
        pass

    assert install_action_result_validator(Installed)
    return Installed


VALID = {
    "events": [
        {"event": "slot", "name": "role", "value": "wijkagent", "timestamp": None},
        {"event": "active_loop", "name": None},
        {"event": "followup", "name": "action_listen"},
    ],
    "responses": [{"text": "Hallo", "custom": {"route": {"role": "wijkagent"}}}],
}
MALFORMED = [
    {"events": "SlotSet(role)"},  # not a list
    {"events": [{"name": "role", "value": "x"}]},  # an event without its type
    {"events": [{"event": "slot", "value": "x"}]},  # a slot event without the slot
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": "Hallo"},
    ["not", "an", "object"],
]


def test_a_valid_result_passes_without_checking_the_schema_again(
    probe_class: type[RemoteAction], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)

    def refuse(*args: Any) -> None:
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(validator_class, "check_schema", refuse)
    action = probe_class("action_route_question", None)
    for _ in range(3):
        assert action._validate_action_result(VALID)


@pytest.mark.parametrize("result", MALFORMED)
def test_a_malformed_result_is_refused_as_rasa_refuses_it(
    probe_class: type[RemoteAction], result: Any
) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        Probe("action_route_question", None)._validate_action_result(result)
    with pytest.raises(ValidationError) as ours:
        probe_class("action_route_question", None)._validate_action_result(result)
    assert ours.value.message == rasa_error.value.message
    assert "Failed to validate Action server response" in ours.value.message


class ActionServer:
    """An action server on loopback that answers every call with the given JSON."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        return web.json_response(self.answer)


async def run_against(probe_class: type[RemoteAction], answer: Any) -> tuple[ActionServer, Any]:
    server = ActionServer(answer)
    app = web.Application()
    app.router.add_post("/webhook", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        action = probe_class(
            "action_route_question", EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        )
        events = await action.run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator({}),
            DialogueStateTracker("resident", []),
            Domain.empty(),
        )
    finally:
        await runner.cleanup()
    return server, events


async def test_a_malformed_action_server_response_is_still_refused(
    probe_class: type[RemoteAction],
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        await run_against(probe_class, {"events": [{"event": "slot", "value": "wijkagent"}]})


async def test_a_valid_action_server_response_gives_its_events(
    probe_class: type[RemoteAction],
) -> None:
    server, events = await run_against(probe_class, VALID)
    assert server.calls == 1
    assert SlotSet("role", "wijkagent") in events
    assert any(isinstance(event, BotUttered) and event.text == "Hallo" for event in events)


class WithoutSpec(Action):
    def _validate_action_result(self, result: dict) -> bool:
        return True


class OtherSignature(Probe):
    def _validate_action_result(self, result: dict, strict: bool = True) -> bool:  # type: ignore[override]
        return True


class BrokenSpec(Probe):
    @staticmethod
    def action_response_format_spec() -> dict:
        return {"type": "no such type"}


@pytest.mark.parametrize("changed", [WithoutSpec, OtherSignature, BrokenSpec, Action])
def test_when_rasas_internals_changed_rasa_keeps_its_own_check(
    changed: type, caplog: pytest.LogCaptureFixture
) -> None:
    before = getattr(changed, "_validate_action_result", None)
    with caplog.at_level(logging.WARNING, logger="bot.rasa.server"):
        assert not install_action_result_validator(changed)
    assert getattr(changed, "_validate_action_result", None) is before
    assert "validated by Rasa itself" in caplog.text
