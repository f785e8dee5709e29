"""Two Rasa servers and two action servers on one PostgreSQL and one Redis: one conversation
alternates between the servers, and messages sent to both at once are each handled once."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest

from bot.core.constants import SLOT_AREA_CODE, SLOT_LOCATION_STATUS, SLOT_ROLE
from bot.rasa.outage import PAYLOAD_UNAVAILABLE
from tests.support.cluster import Deployment
from tests.support.postgres import create_database, drop_database
from tests.support.redis_servers import delete_keys, shared_redis_url, unique_prefix
from tests.support.requirements import require_model
from tests.support.rest import custom, new_sender, say, tracker, user_turns
from tests.support.servers import Server, start_all

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.redis]

JWT_SECRET = uuid.uuid4().hex


@dataclass
class Cluster:
    deployment: Deployment
    actions: tuple[Server, Server]
    rasa: tuple[Server, Server]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_model()
    redis_url, prefix = shared_redis_url(), unique_prefix()
    database = create_database("cluster")
    deployment = Deployment.create(
        Path(tmp_path_factory.mktemp("cluster")),
        WIJKWIJZER_DATABASE_URL=database,
        WIJKWIJZER_TRACKER_STORE_URL=database,
        WIJKWIJZER_LOCK_STORE_URL=redis_url,
        WIJKWIJZER_LOCK_KEY_PREFIX=prefix,
    )
    try:
        deployment.import_data()
        actions = deployment.action_server("actions-1"), deployment.action_server("actions-2")
        rasa = (
            deployment.rasa_server("rasa-1", actions[0]),
            deployment.rasa_server("rasa-2", actions[1], WIJKWIJZER_JWT_SECRET=JWT_SECRET),
        )
        start_all([*actions, *rasa])
        yield Cluster(deployment, actions, rasa)
    finally:
        deployment.stop()
        drop_database(database)
        delete_keys(redis_url, prefix)


def test_one_conversation_alternates_between_the_servers(cluster: Cluster) -> None:
    one, two = cluster.rasa
    sender = new_sender("inwoner")
    first = say(one, sender, "Wie is de buurtcoördinator?")
    assert custom(first, "route")[0]["role"] == "buurtcoordinator"
    assert custom(first, "contact_card") == []

    # The other server knows the question was asked: the address answers it.
    second = say(two, sender, "Torenpad 3")
    [card] = custom(second, "contact_card")
    assert card["role"] == "buurtcoordinator"
    assert card["area"]["code"] == "WK910001"
    [location] = custom(second, "location")

    # And the first server knows the address the second one heard.
    third = say(one, sender, "en wie is de wijkagent?")
    [card] = custom(third, "contact_card")
    assert (card["role"], card["area"]["code"]) == ("wijkagent", "WK910001")

    state = tracker(two, sender, cluster.deployment.token)
    assert state["slots"][SLOT_ROLE] == "wijkagent"
    assert state["slots"][SLOT_AREA_CODE] == location["area"]["code"]
    assert state["slots"][SLOT_LOCATION_STATUS] == "found"
    assert [text for text, _ in user_turns(state["events"])] == [
        "Wie is de buurtcoördinator?",
        "Torenpad 3",
        "en wie is de wijkagent?",
    ]


def test_messages_sent_to_both_servers_at_once_are_each_handled_once(cluster: Cluster) -> None:
    one, two = cluster.rasa
    sender = new_sender("inwoner")
    rounds = [
        (f"Wie is de wijkagent? ({n}a)", f"Hallo ({n}b)") for n in range(1, 5)
    ]  # fmt: skip
    answers: dict[str, list[dict[str, Any]]] = {}
    failures: list[BaseException] = []

    def send(server: Server, text: str, start: threading.Barrier) -> None:
        start.wait()
        try:
            answers[text] = say(server, sender, text)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    for first, second in rounds:
        start = threading.Barrier(2)
        threads = [
            threading.Thread(target=send, args=(one, first, start)),
            threading.Thread(target=send, args=(two, second, start)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert failures == []
    for text, messages in answers.items():
        assert messages, f"no answer to {text!r}"
        assert custom(messages, PAYLOAD_UNAVAILABLE) == [], text

    turns = user_turns(tracker(one, sender, cluster.deployment.token)["events"])
    texts = [text for text, _ in turns]
    # Each message exactly once, each round before the next (within a round either order).
    assert len(texts) == len(rounds) * 2
    for index, pair in enumerate(rounds):
        assert sorted(texts[2 * index : 2 * index + 2]) == sorted(pair)
    # Each answered before the next message was taken up: the lock kept them apart.
    assert all(answered > 0 for _, answered in turns), turns


# -- security of the servers (docs/threat-model.md) ------------------------------------------


def status_of(url: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_http_api_needs_the_token(cluster: Cluster) -> None:
    one = cluster.rasa[0]
    for path in ("/conversations/someone/tracker", "/status", "/domain"):
        assert status_of(one.url + path) == 401, path
        assert status_of(one.url + path + "?token=wrong" + "0" * 32) == 401, path
        assert status_of(f"{one.url}{path}?token={cluster.deployment.token}") == 200, path
    # The token is read from the environment, never put on a command line that `ps` shows.
    assert all(cluster.deployment.token not in " ".join(p.command) for p in cluster.rasa)


def test_the_http_api_takes_a_jwt_signed_with_the_secret(cluster: Cluster) -> None:
    two = cluster.rasa[1]
    url = f"{two.url}/conversations/inwoner-jwt/tracker"
    expires = int(time.time()) + 300

    def bearer(secret: str, user: dict[str, str]) -> dict[str, str]:
        token = jwt.encode({"user": user, "exp": expires}, secret, algorithm="HS256")
        return {"Authorization": f"Bearer {token}"}

    admin = {"username": "beheer", "role": "admin"}
    assert status_of(url, bearer(JWT_SECRET, admin)) == 200
    assert status_of(url, bearer("not-the-secret-" + "x" * 20, admin)) == 401
    # A resident's token opens only their own conversation.
    assert status_of(url, bearer(JWT_SECRET, {"username": "inwoner-jwt", "role": "user"})) == 200
    assert status_of(url, bearer(JWT_SECRET, {"username": "iemand-anders", "role": "user"})) == 403


def test_oversized_requests_are_refused(cluster: Cluster) -> None:
    one = cluster.rasa[0]
    json_headers = {"Content-Type": "application/json"}
    webhook = one.url + "/webhooks/rest/webhook"
    message = json.dumps({"sender": "groot-0123456789abcdef", "message": "a" * 20_000}).encode()
    assert status_of(webhook, json_headers, message) == 413  # the channel's own limit
    huge = json.dumps({"sender": "groot-0123456789abcdef", "message": "a" * 2_000_000}).encode()
    assert status_of(webhook, json_headers, huge) == 413  # the server's limit
    api = f"{one.url}/conversations/groot/messages?token={cluster.deployment.token}"
    assert status_of(api, json_headers, huge) == 413


def listening_addresses(port: int) -> set[str]:
    """Addresses with a listening TCP socket on `port`, from the kernel's own tables."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            if width == 8:
                found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_action_servers_listen_on_loopback_only(cluster: Cluster) -> None:
    """Checked on the sockets themselves: this test sends nothing to a non-loopback address
    (the machine's network is not ours to probe). A socket bound to 127.0.0.1 cannot be
    reached through any other address of the machine."""
    for server in cluster.actions:
        assert listening_addresses(server.port) == {"127.0.0.1"}, server.name
