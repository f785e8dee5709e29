"""The Rasa server of `wijkwijzer serve`: `rasa run`, but a failing part gets a calm Dutch answer.

Rasa's MessageProcessor logs an action that raised ("Bot will continue, but the actions
events are lost") and goes on predicting as if it had run: when the action server is down
the resident gets silence or a half answer, and when it hangs Rasa waits five minutes
(DEFAULT_REQUEST_TIMEOUT) while the conversation lock expires after one. CalmProcessor runs
every action under a time limit (WIJKWIJZER_ACTION_TIMEOUT) and turns a failure or timeout
into a Dutch message with an `unavailable` payload, then listens again, so the resident's next
message is handled afresh once the part is back.

Rasa builds its processor inside Agent.load_model, at start and again when a model is
replaced over the HTTP API, and offers no setting for the class; this launcher sets the
class that rasa.core.agent instantiates before handing over to Rasa's own command line.

The launcher also makes Rasa check action server responses with one validator built at
start (install_action_result_validator): Rasa 3.6 calls jsonschema.validate() on every
response, which checks its large events schema against the meta-schema each time, about
40% of the Rasa server's CPU per message (docs/deployment.md, issue 11).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from rasa.core.actions.action import Action, ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, FollowupAction
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine

from bot.core.constants import SLOT_LANGUAGE
from bot.core.conversation import conversation_language
from bot.rasa.outage import REASON_ACTIONS, REASON_SLOW, outage_payload, outage_text
from bot.settings import Settings, settings

logger = logging.getLogger(__name__)



def action_timeout() -> float:
    """Seconds an action may take (WIJKWIJZER_ACTION_TIMEOUT, default 10)."""
    return settings().action_timeout


def request_max_size() -> int:
    """Largest request body in bytes (WIJKWIJZER_REQUEST_MAX_SIZE, default 1 MiB)."""
    return settings().request_max_size


def _language(tracker: DialogueStateTracker | None) -> str:
    """The conversation's language for the calm message (Dutch without a tracker)."""
    return conversation_language(tracker.get_slot(SLOT_LANGUAGE) if tracker is not None else None)


class CalmAction(Action):
    """Runs another action under a time limit; a failure becomes a calm Dutch message."""

    def __init__(self, inner: Action, timeout: float) -> None:
        self.inner = inner
        self.timeout = timeout
        self.failure: str | None = None

    def name(self) -> str:
        return self.inner.name()

    def event_for_successful_execution(self, prediction: PolicyPrediction) -> ActionExecuted:
        return self.inner.event_for_successful_execution(prediction)

    async def run(
        self,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> list[Event]:
        try:
            return await asyncio.wait_for(
                self.inner.run(output_channel, nlg, tracker, domain), self.timeout
            )
        except ActionExecutionRejection:
            raise  # Rasa's own way for a form to give the turn to another policy
        except asyncio.TimeoutError:
            logger.warning("Action %s took longer than %s s.", self.name(), self.timeout)
            self.failure = REASON_SLOW
        except RasaException as error:  # what RemoteAction raises when the server is away
            logger.warning("Action %s failed: %s", self.name(), error)
            self.failure = REASON_ACTIONS
        except Exception:  # noqa: BLE001 - any failure: the resident gets an answer anyway
            logger.exception("Action %s failed.", self.name())
            self.failure = REASON_ACTIONS
        return [
            BotUttered(
                outage_text(self.failure, _language(tracker)),
                {"custom": outage_payload(self.failure)},
            ),
            # Stop predicting: more actions would fail the same way, one message each.
            FollowupAction(ACTION_LISTEN_NAME),
        ]


class CalmProcessor(MessageProcessor):
    """Rasa's processor with every action run as a CalmAction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ping_before_use(self.tracker_store)

    async def _run_action(
        self,
        action: Action,
        tracker: DialogueStateTracker,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        prediction: PolicyPrediction,
    ) -> bool:
        if action.name() == ACTION_LISTEN_NAME:
            return await super()._run_action(action, tracker, output_channel, nlg, prediction)
        calm = CalmAction(action, action_timeout())
        return await super()._run_action(calm, tracker, output_channel, nlg, prediction)


def install_action_result_validator(action_class: type = RemoteAction) -> bool:
    """Let `action_class` check action server responses with a validator built once.

    A valid response passes the prebuilt validator; anything it refuses goes to Rasa's own
    `_validate_action_result`, so an invalid response is refused exactly as before, with
    Rasa's exception and message. When Rasa's internals are not what this expects (a later
    3.6.x), it logs and leaves Rasa's method in place: slower, never wrong. Returns whether
    the validator was installed.
    """
    try:
        from jsonschema import validators

        rasa_validate = action_class._validate_action_result  # type: ignore[attr-defined]
        if list(inspect.signature(rasa_validate).parameters) != ["self", "result"]:
            raise TypeError(f"unexpected signature {inspect.signature(rasa_validate)}")
        schema = action_class.action_response_format_spec()  # type: ignore[attr-defined]
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = validator_class(schema)
    except Exception:  # noqa: BLE001 - whatever changed, Rasa's own check still works
        logger.warning(
            "Action results are validated by Rasa itself (slower): its internals changed.",
            exc_info=True,
        )
        return False

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return bool(rasa_validate(self, result))  # raises Rasa's own ValidationError

    action_class._validate_action_result = _validate_action_result  # type: ignore[attr-defined]
    return True


MIN_SECRET_LENGTH = 16


def api_arguments(config: Settings) -> list[str]:
    """`rasa run` options for the HTTP API (trackers, model): on only with a token or JWT secret.

    Rasa's API without either is open to anyone, so it is never enabled that way.
    """
    arguments: list[str] = []
    token = config.api_token
    jwt_secret = config.jwt_secret
    for name, value in (("WIJKWIJZER_API_TOKEN", token), ("WIJKWIJZER_JWT_SECRET", jwt_secret)):
        if value and len(value) < MIN_SECRET_LENGTH:
            print(f"{name} is te kort (minstens {MIN_SECRET_LENGTH} tekens); niet gebruikt.")
    if len(token) >= MIN_SECRET_LENGTH:
        arguments += ["--auth-token", token]
    if len(jwt_secret) >= MIN_SECRET_LENGTH:
        arguments += ["--jwt-secret", jwt_secret, "--jwt-method", "HS256"]
    if not arguments:
        print("De HTTP-API van Rasa staat uit: geen WIJKWIJZER_API_TOKEN of _JWT_SECRET.")
        return []
    return ["--enable-api", *arguments]


def ping_before_use(tracker_store: Any) -> None:
    """Make the SQL tracker store test a pooled connection before using it.

    Rasa creates its engine without pool_pre_ping. After the conversation database restarts,
    every pooled connection is dead, and Rasa's FailSafeTrackerStore turns the first error
    on each into an empty conversation: the resident's next message would be read without
    the question or address given before.
    """
    # Rasa wraps the configured store in a FailSafeTrackerStore.
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    engine = getattr(store, "engine", None)
    if isinstance(engine, Engine) and engine.dialect.name != "sqlite":
        engine.pool._pre_ping = True  # what create_engine(pool_pre_ping=True) sets


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bot.rasa.server ARGS`: `rasa run ARGS` with the CalmProcessor."""
    import rasa.core.agent
    from rasa.__main__ import main as rasa_main

    rasa.core.agent.MessageProcessor = CalmProcessor
    install_action_result_validator()
    # Sanic takes SANIC_* settings from the environment when Rasa creates its app.
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(request_max_size())
    arguments = list(sys.argv[1:] if argv is None else argv)
    sys.argv = ["rasa", "run", *arguments, *api_arguments(settings())]
    rasa_main()


if __name__ == "__main__":
    main()
