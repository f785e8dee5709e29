"""Signed webhooks (X-Hub-Signature-256); the pseudonymous sender ids are in bot/core/sealing.py."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

logger = logging.getLogger(__name__)


_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def sign_body(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value Meta sends with `body`."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body) in constant time."""
    if not app_secret or not header:
        return False
    scheme, _, received = header.strip().partition("=")
    if scheme.strip().lower() != "sha256" or not _HEX_SHA256.fullmatch(received.strip()):
        return False
    expected = sign_body(app_secret, body).partition("=")[2]
    return hmac.compare_digest(expected.encode("ascii"), received.strip().lower().encode("ascii"))


# The sender id codec lives with the project's other keyed encryption (bot/core/sealing.py).
from bot.core.sealing import SENDER_PREFIX as SENDER_PREFIX  # noqa: E402
from bot.core.sealing import SenderIdCodec as SenderIdCodec  # noqa: E402
