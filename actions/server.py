"""The action server of `wijkwijzer actions`: rasa-sdk's app, with a calm answer when the
neighbourhood database is down instead of an error that Rasa would swallow."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.constants import SLOT_LANGUAGE
from bot.core.conversation import conversation_language
from bot.rasa.outage import REASON_DATABASE, is_database_unavailable, outage_message

logger = logging.getLogger(__name__)

# The resident's next message starts a fresh prediction; nothing else runs on a dead database.
LISTEN: dict[str, Any] = {"event": "followup", "name": "action_listen"}


def make_app() -> Sanic:
    # No browser ever calls the action server, so no CORS origins.
    app = create_app("actions", cors_origins=None)
    # Replaces rasa-sdk's handler, which echoes the whole request (the resident's
    # conversation) in its error response.
    app.error_handler.add(Exception, _on_error)
    # The callback sender mails what the outbox holds, also what an earlier run left.
    app.register_listener(_start_callback_sender, "after_server_start")
    app.register_listener(_stop_callback_sender, "before_server_stop")
    return app


async def _start_callback_sender(app: Sanic, _loop: Any) -> None:
    from actions.callback import shared_service

    try:
        shared_service().start()
    except Exception as error:  # noqa: BLE001 - a bad mail setting must not stop the actions
        logger.error("Callback sender not started: %s", error)


async def _stop_callback_sender(app: Sanic, _loop: Any) -> None:
    from actions.callback import shared_service

    if shared_service.cache_info().currsize:
        shared_service().stop()


async def _on_error(request: Request, error: Exception) -> HTTPResponse:
    action = _action_name(request)
    if is_database_unavailable(error):
        logger.warning(
            "Action %s: the neighbourhood database is not available (%s).", action, error
        )
        reply = outage_message(REASON_DATABASE, _language(request))
        return response.json({"events": [LISTEN], "responses": [reply]})
    logger.error("Action %s failed.", action, exc_info=error)
    return response.json({"error": "the action failed", "action_name": action}, status=500)


def _language(request: Request) -> str:
    """The conversation's language, from the tracker Rasa sent with the request."""
    try:
        slots = ((request.json or {}).get("tracker") or {}).get("slots") or {}
    except Exception:  # noqa: BLE001 - a broken body must not break the error handler
        return conversation_language(None)
    return conversation_language(slots.get(SLOT_LANGUAGE))


def _action_name(request: Request) -> str:
    try:
        return str((request.json or {}).get("next_action", "?"))
    except Exception:  # noqa: BLE001 - a broken body must not break the error handler
        return "?"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="wijkwijzer actions", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = make_app()
    logger.info("Action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
