"""Every HTTP route of `wijkwijzer serve`, walked: which are public and which need the API token.

The route lists come from the apps themselves (Rasa's server app with the channels of
credentials.yml, and the action server's app), built in this process the way `serve` builds
them; each route is then called on the real servers. A route that is neither in PUBLIC nor
refused without the token fails the test, so a new route must be placed in the table of
docs/threat-model.md."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import RunningBot, start_bot

pytestmark = pytest.mark.server

TOKEN = "route-walk-" + uuid.uuid4().hex
TRACKER_EVENT = json.dumps({"event": "slot", "name": "x", "value": 1}).encode()

# (method, route) a visitor may call without a token, and why (docs/threat-model.md).
PUBLIC_RASA = {
    ("GET", "/"),  # "Hello from Rasa": the load balancer's health check
    ("GET", "/version"),
    ("GET", "/webhooks/rest"),  # the channel's health check
    ("POST", "/webhooks/rest/webhook"),  # the widget: needs its own unguessable sender id
    ("GET", "/webhooks/whatsapp"),  # 404 while WhatsApp is off
    ("GET", "/webhooks/whatsapp/webhook"),  # Meta's handshake: needs the verify token
    ("POST", "/webhooks/whatsapp/webhook"),  # needs Meta's signature
}
PUBLIC_ACTIONS = {("GET", "/health"), ("GET", "/actions"), ("POST", "/webhook")}


def rasa_routes() -> set[tuple[str, str]]:
    """The routes of the Rasa server `serve` starts, with the API on."""
    from rasa.core.channels.channel import InputChannel
    from rasa.core.run import configure_app, create_http_input_channels

    channels: list[InputChannel] = create_http_input_channels(None, "credentials.yml")
    app = configure_app(channels, enable_api=True, auth_token=TOKEN, route="/webhooks/", cors=None)
    return sanic_routes(app)


def action_routes() -> set[tuple[str, str]]:
    from actions.server import make_app

    return sanic_routes(make_app())


def sanic_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        for method in route.methods:
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, path))
    return found


def concrete(path: str) -> str:
    """A route pattern with its placeholders filled in (`<conversation_id>` and the like)."""
    return re.sub(r"<[^>]+>", "iemand-0123456789abcdef", path)


def call(url: str, method: str, token: str | None = None) -> int:
    if token:
        url += ("&" if "?" in url else "?") + "token=" + token
    data = TRACKER_EVENT if method in ("POST", "PUT") else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def bot_with_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    running = start_bot(
        tmp_path_factory.mktemp("routes"), env_extra={"WIJKWIJZER_API_TOKEN": TOKEN}
    )
    yield running
    running.server.stop()


def test_every_rasa_route_is_public_or_needs_the_token(
    bot_with_api: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("VERIFY_TOKEN", "APP_SECRET", "ACCESS_TOKEN", "PHONE_NUMBER_ID", "API_URL"):
        monkeypatch.setenv(f"WHATSAPP_{name}", "")
    monkeypatch.chdir(Path(__file__).parents[2])
    routes = rasa_routes()
    assert any(path.startswith("/conversations/") for _, path in routes)
    # socket.io would let a client name any conversation id: the channel is not served.
    assert not any("socket" in path for _, path in routes)
    table = []
    for method, path in sorted(routes):
        url = bot_with_api.url + concrete(path)
        if (method, path) in PUBLIC_RASA:
            status = call(url, method)
            assert status < 500 or path == "/", (method, path, status)
            table.append((method, path, "public", status))
            continue
        without = call(url, method)
        wrong = call(url, method, "niet-het-token-" + "x" * 20)
        assert without in (401, 403), (method, path, without)
        assert wrong in (401, 403), (method, path, wrong)
        table.append((method, path, "token", without))
    # A tracker is never readable without the token, and is with it.
    tracker = bot_with_api.url + "/conversations/iemand-0123456789abcdef/tracker"
    assert call(tracker, "GET") == 401
    assert call(tracker, "GET", TOKEN) == 200
    print("\n".join(f"| `{m} {p}` | {kind} | {status} |" for m, p, kind, status in table))


def test_every_action_server_route_is_known(bot_with_api: RunningBot) -> None:
    """The action server has no token: it must only listen on loopback (test_cluster checks)."""
    routes = action_routes()
    assert routes == PUBLIC_ACTIONS
    base = f"http://127.0.0.1:{bot_with_api.actions_port}"
    assert call(base + "/health", "GET") == 200
    assert call(base + "/actions", "GET") == 200
    # A body that is not an action call gets an answer, never a 500 with a stack trace.
    assert call(base + "/webhook", "POST") < 500
