"""Talks to the running Rasa servers: which model they run, and loading a new one (PUT /model)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import aiohttp

from bot.staff.training import ENV_API_TOKEN

log = logging.getLogger(__name__)

# Loading a model takes a while on a busy machine; Rasa answers PUT /model only when done.
LOAD_TIMEOUT = aiohttp.ClientTimeout(total=600)
STATUS_TIMEOUT = aiohttp.ClientTimeout(total=10)


# What staff read: what is wrong and who can fix it, in plain words. The address of the
# server, the status code and the setting name go to the log for the technical manager.
ASK_MANAGER: Final = "Vraag de technisch beheerder van de bot om dit op te lossen."
NO_ACCESS: Final = (
    "De werkplek heeft geen toegang tot de bot. Daarom ziet u hier niet welk model de bot "
    "gebruikt, en kunt u geen nieuw model in gebruik nemen. " + ASK_MANAGER
)
ACCESS_REFUSED: Final = (
    "De bot weigert de werkplek toegang. Daarom ziet u hier niet welk model de bot "
    "gebruikt, en kunt u geen nieuw model in gebruik nemen. " + ASK_MANAGER
)
NO_MODEL: Final = "De bot heeft nog geen model geladen."
BOT_ERROR: Final = (
    "De bot gaf een foutmelding. Probeer het over een paar minuten opnieuw. "
    "Blijft dit zo? " + ASK_MANAGER
)
UNREACHABLE: Final = (
    "De bot is nu niet bereikbaar. Probeer het over een paar minuten opnieuw. "
    "Blijft dit zo? " + ASK_MANAGER
)
# The same problem is logged once in this many seconds: the page is reloaded often.
LOG_INTERVAL: Final = 600.0
_LOGGED: dict[tuple[str, str], float] = {}


@dataclass(frozen=True)
class ServerStatus:
    url: str
    model_file: str | None  # the file name Rasa reports, None when it did not answer
    problem: str = ""  # Dutch, for the page


@dataclass(frozen=True)
class LoadResult:
    url: str
    ok: bool
    problem: str = ""


def _log_once(url: str, detail: str) -> None:
    now = time.monotonic()
    if now - _LOGGED.get((url, detail), -LOG_INTERVAL) >= LOG_INTERVAL:
        _LOGGED[(url, detail)] = now
        log.warning("Rasa server %s: %s", url, detail)


def _problem(url: str, status: int, body: str = "") -> str:
    if status in (401, 403):
        _log_once(url, f"HTTP {status}: the token differs from {ENV_API_TOKEN} of the server")
        return ACCESS_REFUSED
    if status == 404:
        _log_once(url, "HTTP 404: the HTTP API is off (start Rasa with --enable-api and a token)")
        return NO_ACCESS
    if status == 409:
        return NO_MODEL
    _log_once(url, f"HTTP {status}: {body[:300]}")
    return BOT_ERROR


def no_token_problem(url: str) -> str:
    _log_once(url, f"{ENV_API_TOKEN} is not set for the staff workspace")
    return NO_ACCESS


async def server_status(url: str, token: str | None) -> ServerStatus:
    """GET /status: the model file this server runs."""
    if not token:
        return ServerStatus(url, None, no_token_problem(url))
    try:
        async with (
            aiohttp.ClientSession(timeout=STATUS_TIMEOUT) as session,
            session.get(f"{url}/status", params={"token": token}) as response,
        ):
            if response.status != 200:
                return ServerStatus(url, None, _problem(url, response.status))
            body = await response.json(content_type=None)
            return ServerStatus(url, str(body.get("model_file") or "") or None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        _log_once(url, f"not reachable: {type(error).__name__}: {error}")
        return ServerStatus(url, None, UNREACHABLE)


async def load_model(url: str, token: str, model: Path) -> LoadResult:
    """PUT /model: Rasa loads the file and swaps it in while it keeps answering."""
    try:
        async with (
            aiohttp.ClientSession(timeout=LOAD_TIMEOUT) as session,
            session.put(
                f"{url}/model", params={"token": token}, json={"model_file": str(model)}
            ) as response,
        ):
            if response.status in (200, 204):
                return LoadResult(url, True)
            body = await response.text()
            return LoadResult(url, False, _problem(url, response.status, body))
    except (aiohttp.ClientError, TimeoutError) as error:
        _log_once(url, f"not reachable: {type(error).__name__}: {error}")
        return LoadResult(url, False, UNREACHABLE)


def problems_for_staff(problems: list[str], servers: int) -> list[str]:
    """Each problem once; with several servers, on how many of them it happened."""
    counted: dict[str, int] = {}
    for problem in problems:
        if problem:
            counted[problem] = counted.get(problem, 0) + 1
    if servers <= 1:
        return list(counted)
    return [
        problem if count == servers else f"Bij {count} van de {servers} botservers: {problem}"
        for problem, count in counted.items()
    ]
