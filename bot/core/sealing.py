"""Keyed encryption of residents' personal data at rest (callback details): AES-GCM, HKDF key."""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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
