"""Signed webhooks (X-Hub-Signature-256) and pseudonymous sender ids."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


SENDER_PREFIX = "wa:"
_SENDER_SALT = b"wijkwijzer/whatsapp/sender-id/v1"
_SENDER_AAD = b"whatsapp-sender"


class SenderIdCodec:
    """Turns a phone number into the Rasa sender id and back.

    AES-SIV without a nonce is deterministic, so one resident keeps one conversation,
    and it is authenticated, so a forged sender id does not decrypt to some number.
    The key is derived with HKDF from WHATSAPP_SENDER_KEY (or the app secret), so any
    string of enough entropy can serve as key material.
    """

    def __init__(self, key_material: str | bytes) -> None:
        material = key_material.encode("utf-8") if isinstance(key_material, str) else key_material
        if not material:
            raise ValueError("the sender id key material is empty")
        key = HKDF(algorithm=hashes.SHA256(), length=64, salt=_SENDER_SALT, info=b"aes-siv").derive(
            material
        )
        self._siv = AESSIV(key)

    def encode(self, phone: str) -> str:
        token = self._siv.encrypt(phone.encode("utf-8"), [_SENDER_AAD])
        return SENDER_PREFIX + base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")

    def decode(self, sender_id: str) -> str:
        """The phone number behind `sender_id`; ValueError when it is not one of ours."""
        if not sender_id.startswith(SENDER_PREFIX):
            raise ValueError("not a WhatsApp sender id")
        encoded = sender_id[len(SENDER_PREFIX) :]
        try:
            token = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            return self._siv.decrypt(token, [_SENDER_AAD]).decode("utf-8")
        except (binascii.Error, InvalidTag, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("not a WhatsApp sender id of this deployment") from exc
