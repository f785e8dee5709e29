"""The project's keyed encryption: residents' data at rest (AES-GCM) and WhatsApp sender ids."""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Versioned, so a later key or algorithm can be told apart from this one.
SEALED_PREFIX: Final = "v1:"
_SALT: Final = b"wijkwijzer/sealed-data/v1"
NONCE_BYTES: Final = 12
MIN_KEY_MATERIAL: Final = 16


class SealingError(ValueError):
    """A sealed value that this key cannot open: another key, or tampered with."""


class Sealer:
    """Encrypts small JSON documents with a key derived from the deployment's key material.

    Unlike the WhatsApp sender id (deterministic AES-SIV, bot/channels/whatsapp.py), a random
    nonce per value: two requests from one resident must not be linkable in the database.
    `purpose` is bound into every value, so a value cannot be moved to another column.
    """

    def __init__(self, key_material: str | bytes) -> None:
        material = key_material.encode("utf-8") if isinstance(key_material, str) else key_material
        if len(material) < MIN_KEY_MATERIAL:
            raise ValueError(f"the key material needs at least {MIN_KEY_MATERIAL} characters")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"aes-gcm").derive(
            material
        )
        self._aead = AESGCM(key)

    def seal(self, document: dict[str, Any], purpose: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
        token = nonce + self._aead.encrypt(nonce, plain, purpose.encode("utf-8"))
        return SEALED_PREFIX + base64.urlsafe_b64encode(token).decode("ascii")

    def open(self, sealed: str, purpose: str) -> dict[str, Any]:
        if not sealed.startswith(SEALED_PREFIX):
            raise SealingError("not a sealed value")
        try:
            token = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :].encode("ascii"))
            nonce, cipher = token[:NONCE_BYTES], token[NONCE_BYTES:]
            document = json.loads(self._aead.decrypt(nonce, cipher, purpose.encode("utf-8")))
        except (binascii.Error, InvalidTag, UnicodeError, ValueError) as exc:
            raise SealingError("the value does not open with this key") from exc
        if not isinstance(document, dict):
            raise SealingError("the sealed value is not a document")
        return document


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
