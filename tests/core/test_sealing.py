"""Tests of the keyed encryption of callback details."""

from __future__ import annotations

import pytest

from bot.core.sealing import Sealer, SealingError


def test_a_sealed_document_opens_with_the_same_key_and_purpose_only() -> None:
    sealer = Sealer("een-sleutel-van-genoeg-tekens")
    document = {"contact": "+31612345678", "name": "Kim"}
    sealed = sealer.seal(document, "callback-request")

    assert "+3161234" not in sealed and "Kim" not in sealed
    assert sealer.open(sealed, "callback-request") == document
    # A random nonce: the same resident twice gives two unrelated values.
    assert sealer.seal(document, "callback-request") != sealed
    with pytest.raises(SealingError):
        sealer.open(sealed, "other-purpose")
    with pytest.raises(SealingError):
        Sealer("een-andere-sleutel-van-tekens").open(sealed, "callback-request")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SealingError):
        sealer.open(tampered, "callback-request")
    with pytest.raises(SealingError):
        sealer.open("plain text", "callback-request")


def test_short_key_material_is_refused() -> None:
    with pytest.raises(ValueError):
        Sealer("kort")
