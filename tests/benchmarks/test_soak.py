"""The soak benchmark at a tiny size: conversations of the asked length, and one real run."""

from __future__ import annotations

import random
import re

import pytest

from benchmarks.soak import conversation, main
from tests.e2e.conftest import require_model


def test_conversations_have_the_asked_length_and_end_with_a_goodbye() -> None:
    rng = random.Random(1)
    for turns in (3, 20, 41):
        texts = conversation(rng, turns, ["8102BA", "Kerkstraat 4"])
        assert len(texts) == turns
        assert texts[0] == "hallo" and texts[-1] == "bedankt, doei"


@pytest.mark.server
def test_a_tiny_soak_reports_errors_latency_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    require_model()
    main(["--conversations", "4", "--turns", "5", "--workers", "2", "--block", "10"])
    out = capsys.readouterr().out
    assert "20 messages in 4 conversations" in out
    assert "errors: 0 (target 0)" in out
    # One line per ten messages: count, p50, p95, Rasa MB, actions MB; real processes use memory.
    rows = re.findall(r"^\s+(10|20)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.MULTILINE)
    assert [row[0] for row in rows] == ["10", "20"]
    assert all(int(row[3]) > 50 and int(row[4]) > 20 for row in rows)
    assert "Rasa RSS after warm-up" in out and "actions RSS after warm-up" in out
