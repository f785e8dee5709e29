"""Talks to the running Rasa servers: which model they run, and loading a new one (PUT /model)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aiohttp

# Loading a model takes a while on a busy machine; Rasa answers PUT /model only when done.
LOAD_TIMEOUT = aiohttp.ClientTimeout(total=600)
STATUS_TIMEOUT = aiohttp.ClientTimeout(total=10)


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


def _problem(status: int) -> str:
    if status in (401, 403):
        return (
            "De Rasa-server weigert de sleutel. Controleer dat WIJKWIJZER_API_TOKEN hier "
            "hetzelfde is als bij de Rasa-server."
        )
    if status == 404:
        return "De Rasa-server heeft de beheerfuncties niet aan (start hem met een API-sleutel)."
    if status == 409:
        return "De Rasa-server heeft nog geen model geladen."
    return f"De Rasa-server gaf een fout (code {status})."


async def server_status(url: str, token: str | None) -> ServerStatus:
    """GET /status: the model file this server runs."""
    if not token:
        return ServerStatus(url, None, "Er is geen API-sleutel ingesteld (WIJKWIJZER_API_TOKEN).")
    try:
        async with (
            aiohttp.ClientSession(timeout=STATUS_TIMEOUT) as session,
            session.get(f"{url}/status", params={"token": token}) as response,
        ):
            if response.status != 200:
                return ServerStatus(url, None, _problem(response.status))
            body = await response.json(content_type=None)
            return ServerStatus(url, str(body.get("model_file") or "") or None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return ServerStatus(
            url, None, f"De Rasa-server is niet bereikbaar ({type(error).__name__})."
        )


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
            text = (await response.text())[:300]
            problem = _problem(response.status)
            if response.status not in (401, 403, 404):
                problem += f" {text}"
            return LoadResult(url, False, problem)
    except (aiohttp.ClientError, TimeoutError) as error:
        return LoadResult(
            url, False, f"De Rasa-server is niet bereikbaar ({type(error).__name__})."
        )
