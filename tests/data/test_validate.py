"""`rasa data validate` is clean: no errors, and no warnings but the known false alarms."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# Loads Rasa and reads all training data in a subprocess: too long for `make test-fast`.
pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).parents[2]

# Responses Rasa's validator cannot see being used: a form asks with utter_ask_<slot>,
# the two-stage fallback uses utter_ask_rephrase and utter_default, and an action
# sends utter_which_role, and utter_ask_feedback after a contact card.
USED_OUTSIDE_STORIES = {
    "utter_ask_location",
    "utter_ask_rephrase",
    "utter_default",
    "utter_which_role",
    "utter_ask_feedback",
}
# The hand-over's texts are all sent by actions/callback.py (tests/actions/test_callback.py
# checks that each one is).
USED_BY_CALLBACK_ACTIONS = re.compile(r"utter_(?:ask_)?callback_\w+")
# Recognised by pattern (bot/rasa/nlu/callback_intent.py, bot/rasa/nlu/language.py), on
# purpose without NLU examples.
PATTERN_INTENTS = ("ask_callback", "cancel_callback", "switch_language", "other_language")


def test_rasa_data_validate_is_clean():
    rasa = str(Path(sys.executable).with_name("rasa"))
    result = subprocess.run(
        [
            rasa,
            "data",
            "validate",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexplained = []
    for line in warnings:
        match = re.search(r"The utterance '(\w+)' is not used in any story or rule", line)
        if match and USED_BY_CALLBACK_ACTIONS.fullmatch(match.group(1)):
            continue
        if any(f"intent '{name}' is listed in the domain" in line for name in PATTERN_INTENTS):
            continue
        if not match or match.group(1) not in USED_OUTSIDE_STORIES:
            unexplained.append(line)
    assert unexplained == [], "\n".join(unexplained)
    assert "ERROR" not in output, output[-3000:]
