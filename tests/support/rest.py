"""Talking to a Rasa server over HTTP: the REST channel, the tracker, plain status codes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, Protocol


class HasUrl(Protocol):
    @property
    def url(self) -> str: ...


def _base(server: str | HasUrl) -> str:
    return server if isinstance(server, str) else server.url


def say(
    server: str | HasUrl,
    sender: str,
    text: str,
    metadata: dict[str, Any] | None = None,
    timeout: float = 120,
) -> list[dict[str, Any]]:
    """Send one message through the REST channel; the bot's messages in reply."""
    message: dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        message["metadata"] = metadata
    request = urllib.request.Request(
        _base(server) + "/webhooks/rest/webhook",
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200
        result: list[dict[str, Any]] = json.loads(response.read())
        return result


def custom(messages: list[dict[str, Any]], key: str) -> list[Any]:
    """The `key` payloads (route, location, contact_card...) among the bot's messages."""
    return [m["custom"][key] for m in messages if key in (m.get("custom") or {})]


def text_of(messages: list[dict[str, Any]]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def new_sender(prefix: str = "test") -> str:
    """A conversation of its own."""
    return f"{prefix}-{uuid.uuid4().hex}"


def tracker(server: str | HasUrl, sender: str, token: str) -> dict[str, Any]:
    url = f"{_base(server)}/conversations/{sender}/tracker?token={token}"
    with urllib.request.urlopen(url, timeout=60) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def user_turns(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each user message with the number of bot messages that answered it."""
    turns: list[tuple[str, int]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", 0))
        elif event["event"] == "bot" and turns:
            message, answered = turns[-1]
            turns[-1] = (message, answered + 1)
    return turns


def status_of(url: str, body: bytes | None = None, timeout: float = 60) -> int:
    """The HTTP status of a GET (or of a POST of `body`), error statuses included."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
