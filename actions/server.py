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
    return app


async def _on_error(request: Request, error: Exception) -> HTTPResponse:
    action = _action_name(request)
    if is_database_unavailable(error):
        logger.warning(
            "Action %s: the neighbourhood database is not available (%s).", action, error
        )
        reply = outage_message(REASON_DATABASE)
        return response.json({"events": [LISTEN], "responses": [reply]})
    logger.error("Action %s failed.", action, exc_info=error)
    return response.json({"error": "the action failed", "action_name": action}, status=500)


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
