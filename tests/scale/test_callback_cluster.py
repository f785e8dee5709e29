"""Callback requests on two Rasa servers and two action servers (each with a sender) against
one PostgreSQL and a real SMTP server on loopback: exactly one mail per request, also when
the mail server was down when the resident asked and comes back later."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.support.cluster import Deployment
from tests.support.postgres import create_database, drop_database
from tests.support.redis_servers import delete_keys, shared_redis_url, unique_prefix
from tests.support.requirements import require_model
from tests.support.rest import custom, say
from tests.support.servers import free_port, start_all
from tests.support.smtp import LoopbackSmtp

pytestmark = [pytest.mark.server, pytest.mark.postgres, pytest.mark.redis]

MAIL_FROM = "wijkwijzer@rivierstad.example"
# Torenpad 3 lies in wijk WK910001 of Rivierstad: the wijkagent there is Anouk Meijer.
PROFESSIONAL = "anouk.meijer@politie.example"
# The first retry comes after 24 to 36 seconds (bot/handover/outbox.py), plus a poll.
RETRY_WAIT = 90


def ask_callback(servers: tuple, sender: str, contact: str) -> str:
    """One whole conversation, alternating between the two Rasa servers; the reference."""
    one, two = servers
    assert custom(say(one, sender, "Wie is de wijkagent?"), "route")[0]["role"] == "wijkagent"
    assert custom(say(two, sender, "Torenpad 3"), "contact_card")
    [consent] = custom(say(one, sender, '/ask_callback{"role":"wijkagent"}'), "callback")
    assert consent == {"status": "consent_asked", "role": "wijkagent"}
    say(two, sender, "/affirm")
    say(one, sender, "Kim Bakker")
    say(two, sender, contact)
    say(one, sender, "Maakt niet uit")
    [requested] = custom(say(two, sender, "/affirm"), "callback")
    assert requested["status"] == "requested" and requested["role"] == "wijkagent"
    return str(requested["reference"])


def test_one_mail_per_request_with_two_servers_also_after_the_mail_server_was_down(
    tmp_path: Path,
) -> None:
    require_model()
    redis_url, prefix = shared_redis_url(), unique_prefix()
    database = create_database("callback")
    smtp = LoopbackSmtp(free_port())  # not started yet: the mail server is down
    deployment = Deployment.create(
        tmp_path,
        WIJKWIJZER_DATABASE_URL=database,
        WIJKWIJZER_TRACKER_STORE_URL=database,
        WIJKWIJZER_LOCK_STORE_URL=redis_url,
        WIJKWIJZER_LOCK_KEY_PREFIX=prefix,
        WIJKWIJZER_SMTP_URL=smtp.url,
        WIJKWIJZER_MAIL_FROM=MAIL_FROM,
        WIJKWIJZER_DATA_KEY=uuid.uuid4().hex,
    )
    try:
        deployment.import_data()
        actions = deployment.action_server("actions-1"), deployment.action_server("actions-2")
        rasa = (
            deployment.rasa_server("rasa-1", actions[0]),
            deployment.rasa_server("rasa-2", actions[1]),
        )
        start_all([*actions, *rasa])

        # Down: the resident still gets the reference.
        waiting = ask_callback(rasa, f"inwoner-{uuid.uuid4().hex}", "06-12345678")
        time.sleep(3)
        assert smtp.received == []

        smtp.start()
        first = smtp.wait_for(1, timeout=RETRY_WAIT)[0]
        assert first.recipients == (PROFESSIONAL,)
        assert waiting in first.message["Subject"] and "06 12345678" in first.body

        # Up: a new request goes out at once.
        at_once = ask_callback(rasa, f"inwoner-{uuid.uuid4().hex}", "kim@voorbeeld.nl")
        second = smtp.wait_for(2, timeout=30)[1]
        assert at_once in second.message["Subject"] and "kim@voorbeeld.nl" in second.body

        # Both action servers keep polling; neither sends a request a second time.
        time.sleep(40)
        subjects = [mail.message["Subject"] for mail in smtp.received]
        assert len(subjects) == 2, subjects
        # Each action server said at start-up where requests go.
        for server in actions:
            assert "Terugbelverzoeken: werkplek en mail via 127.0.0.1" in server.log_text()
    finally:
        deployment.stop()
        smtp.stop()
        drop_database(database)
        delete_keys(redis_url, prefix)
