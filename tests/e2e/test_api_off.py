"""Without WIJKWIJZER_API_TOKEN or WIJKWIJZER_JWT_SECRET, Rasa's HTTP API is not there at all
(Rasa would otherwise serve it to anyone); the channels still work."""

from __future__ import annotations

import json
import os

import pytest

from tests.support.rest import status_of

pytestmark = pytest.mark.server


def test_the_api_is_off_without_a_token(bot) -> None:
    if os.environ.get("WIJKWIJZER_API_TOKEN") or os.environ.get("WIJKWIJZER_JWT_SECRET"):
        pytest.skip("this environment switches the API on")
    for path in ("/conversations/iemand/tracker", "/status", "/domain", "/model"):
        assert status_of(bot.url + path) == 404, path
    events = json.dumps([{"event": "slot", "name": "role", "value": "wijkagent"}]).encode()
    assert status_of(bot.url + "/conversations/iemand/tracker/events", events) == 404
    message = json.dumps({"sender": "iemand-0123456789abcdef", "message": "hallo"}).encode()
    assert status_of(bot.url + "/webhooks/rest/webhook", message) == 200
