"""WhatsApp when the bot cannot handle a message: the resident hears so, calmly, in Dutch;
an oversized webhook body is refused."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.rasa.channels.whatsapp import MAX_BODY_BYTES
from bot.rasa.outage import REASON_PROCESSING, outage_text


async def test_a_failure_while_handling_is_told_to_the_resident(
    served: Any, webhooks: Any, graph_api: Any, bot_reply: list[Any]
) -> None:
    async def broken(message: UserMessage) -> None:
        raise ConnectionError("tracker store gone")

    bot_reply[0] = broken
    resp = await served.post(webhooks.text("Wie is de wijkagent?", message_id="wamid.F1"))
    assert resp.status == 200  # Meta must not resend: the resident was answered
    await served.channel.wait_idle()
    [sent] = graph_api.requests
    assert sent.body["to"] == webhooks.phone
    assert sent.body["text"]["body"] == outage_text(REASON_PROCESSING)
    assert "tracker" not in sent.body["text"]["body"]


async def test_an_oversized_body_is_refused(served: Any, graph_api: Any) -> None:
    body = b'{"object": "whatsapp_business_account", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    resp = await served.post(None, raw=body)
    assert resp.status == 413
    await served.channel.wait_idle()
    assert served.received == [] and graph_api.requests == []
