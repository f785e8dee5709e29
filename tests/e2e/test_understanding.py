"""The understanding gate (issue 10): every evaluation set scored against the trained model.

One `wijkwijzer serve` for the module, its database holding only the sample municipality,
answers the public sets (../shared/eval) and the team's held-out sets (tests/heldout) over
REST. Scoring uses ../shared/eval/score.py's own functions, so the gate measures exactly
what the public scorer measures; it only records the replies to explain the misses.
Thresholds live in GATES below; the summary shows per set what passed and per route what
residents would have missed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.understanding]

HELDOUT_DIR = Path(__file__).parents[1] / "heldout"
RESULTS = Path(__file__).parents[2] / "build" / "results" / "understanding.json"

QUESTIONS = "questions"
DIALOGUES = "dialogues"


@dataclass(frozen=True)
class Gate:
    name: str
    # "shared/<file>" lies in ../shared/eval, "heldout/<file>" in tests/heldout.
    source: str
    kind: str
    # Share that must pass: a baseline measured on main before issue 10's NLU change.
    minimum: float
    # Share of emergencies that must be right (question sets only; score.py's rule).
    emergencies: float = 0.0
    # What the issue asks for (issue 10 for Dutch, issue 14 for English), shown next to the result.
    target: str = ""


# Minimums: the baseline measured on main before issue 10's NLU change (0bbf1c3, 2026-12-06:
# dev_questions 39/42 with 3/3 emergencies, dev_dialogues 6/6, dev_combined 7/14,
# heldout questions 91/100 with 17/20 emergencies, heldout combined 150/212), less a case or
# two for retraining noise. Raise them as the model improves; `target` is issue 10's goal.
GATES = (
    # Measured 6 Dec 2026 on the model trained from main after issue 10: dev_questions 42/42
    # (112 3/3), dev_dialogues 6/6, dev_combined 13/14, heldout_questions 97/100 (112 20/20),
    # heldout_combined 207/212 (208 after the Weidepad-in-Rivierstad fix). The minimums
    # leave room for one or two cases of retraining noise, no more.
    Gate("dev_questions", "shared/dev_questions.yml", QUESTIONS, 0.95, 1.0, "stay >= 39/42"),
    Gate("dev_dialogues", "shared/dev_dialogues.yml", DIALOGUES, 1.0, target="all"),
    Gate("dev_combined", "shared/dev_combined.yml", DIALOGUES, 0.92, target="all"),
    Gate("heldout_questions", "heldout/questions.yml", QUESTIONS, 0.94, 0.95, ">= 0.95, 112 all"),
    Gate("heldout_combined", "heldout/combined.yml", DIALOGUES, 0.95, target=">= 27/28"),
    # Issue 14: the held-out English sets (tests/heldout/english*.yml), never trained on.
    # Measured 6 Dec 2026 with the blended classifiers: 175/186 (112 all) and 50/52; the
    # minimum is the target itself.
    Gate("heldout_english", "heldout/english.yml", QUESTIONS, 0.90, 1.0, ">= 0.9, 112 all"),
    Gate(
        "heldout_english_combined", "heldout/english_combined.yml", DIALOGUES, 0.90, target=">= 0.9"
    ),
)


@dataclass
class Outcome:
    gate: Gate
    passed: int = 0
    total: int = 0
    emergencies_ok: int = 0
    emergencies: int = 0
    # route expected -> how many of its cases or dialogues failed
    misses: Counter = field(default_factory=Counter)
    # why each failure happened, one line each
    reasons: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0


class RecordingSend:
    """score.py's `send`, remembering each reply so a miss can be explained afterwards."""

    def __init__(self, send: Callable[..., Any]) -> None:
        self._send = send
        self.calls: list[tuple[str, list[dict] | None]] = []

    def __call__(self, base: str, sender: str, text: str, timeout: float = 30.0) -> Any:
        try:
            status, messages, seconds = self._send(base, sender, text, timeout)
        except Exception:
            self.calls.append((text, None))
            raise
        self.calls.append((text, messages))
        return status, messages, seconds

    def replies(self) -> Iterator[tuple[str, list[dict] | None]]:
        return iter(self.calls)


OUTCOMES: dict[str, Outcome] = {}


def set_path(gate: Gate, eval_dir: Path) -> Path:
    folder, name = gate.source.split("/", 1)
    return (eval_dir if folder == "shared" else HELDOUT_DIR) / name


def expected_route(turn: dict) -> str:
    if "card" in turn:
        return str(turn["card"]["role"])
    if "route" in turn:
        return str(turn["route"])
    if "location" in turn:
        return "bare location"
    return "no card (nonsense)"


def why(score: ModuleType, turn: dict, messages: list[dict] | None) -> str:
    """What the resident experienced, in the issue's words."""
    if messages is None:
        return "no answer"
    routes = [route.get("role") for route in score.payloads(messages, "route")]
    cards = score.payloads(messages, "contact_card")
    locations = score.payloads(messages, "location")
    statuses = [location.get("status") for location in locations]
    if "card" not in turn:
        if turn.get("no_card") and cards:
            return f"confident card for {[card.get('role') for card in cards]}"
        if "route" in turn and turn["route"] not in routes:
            return f"classified wrong: {routes or 'no route'}"
        if "location" in turn and turn["location"] not in statuses:
            said = " ".join(score.texts(messages).split())[:70]
            return f"not taken as a location (routes {routes}): {said!r}"
        return "; ".join(score.check_turn(turn, messages))
    want = turn["card"]
    same_role = [card for card in cards if card.get("role") == want["role"]]
    if same_role:
        areas = [(card.get("area") or {}).get("code") for card in same_role]
        return f"wrong place: card for {areas}"
    if not routes and "found" in statuses:
        return "question dropped: only the location was taken"
    if routes and want["role"] not in routes:
        return f"classified wrong: {routes}"
    found = [(location.get("area") or {}).get("code") for location in locations]
    if not routes:
        said = " ".join(score.texts(messages).split())[:70]
        return f"no route and no card (location {statuses or 'none'}): {said!r}"
    if "found" not in statuses:
        return f"location lost: {statuses or 'no location payload'}"
    return f"route and place {found} found, but no card for that place"


def explain_questions(score: ModuleType, cases: list[dict], replies: Iterator, outcome: Outcome):
    for case in cases:
        text, messages = next(replies, (case["text"], None))
        good, got = score.score_case(case, messages)
        emergency = "noodgeval" in case["expect"]
        if emergency:
            good = (
                good
                and "112" in score.texts(messages)
                and not score.payloads(messages, "contact_card")
            )
        if not good:
            route = case["expect"][0] if case.get("kind") != "explain" else "explain"
            outcome.misses[route] += 1
            outcome.reasons.append(f"{route:<18} {text!r}: got {got}")


def explain_dialogues(
    score: ModuleType, dialogues: list[dict], replies: Iterator, outcome: Outcome
):
    for dialogue in dialogues:
        for turn in dialogue["turns"]:
            text, messages = next(replies, (turn["say"], None))
            if messages is not None and not score.check_turn(turn, messages):
                continue
            route = expected_route(turn)
            outcome.misses[route] += 1
            outcome.reasons.append(
                f"{route:<18} {dialogue['name']}: {text!r}: {why(score, turn, messages)}"
            )
            break


@pytest.mark.parametrize("gate", GATES, ids=[gate.name for gate in GATES])
def test_understanding(
    gate: Gate,
    voorbeeld_bot,
    public_scorer: ModuleType,
    eval_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    score = public_scorer
    path = set_path(gate, eval_dir)
    recorder = RecordingSend(score.send)
    monkeypatch.setattr(score, "send", recorder)
    failures: list[str] = []
    outcome = Outcome(gate)
    data = score.load_yaml(path)
    if gate.kind == QUESTIONS:
        ok, n, eok, en = score.run_questions(voorbeeld_bot.url, str(path), failures, [])
        outcome.passed, outcome.total = ok, n
        outcome.emergencies_ok, outcome.emergencies = eok, en
        explain_questions(score, data["cases"], recorder.replies(), outcome)
    else:
        ok, n = score.run_dialogues(voorbeeld_bot.url, str(path), failures)
        outcome.passed, outcome.total = ok, n
        explain_dialogues(score, data["dialogues"], recorder.replies(), outcome)
    OUTCOMES[gate.name] = outcome
    assert outcome.total > 0, f"{path} holds nothing to score"
    # The explanation re-judges with score.py's own checks: both must count the same misses.
    assert sum(outcome.misses.values()) == outcome.total - outcome.passed, failures
    with capsys.disabled():
        print(summary(outcome))
    write_results()

    assert outcome.share >= gate.minimum, summary(outcome)
    if outcome.emergencies:
        assert outcome.emergencies_ok / outcome.emergencies >= gate.emergencies, summary(outcome)


def summary(outcome: Outcome) -> str:
    gate = outcome.gate
    lines = [
        f"\n[understanding] {gate.name}: {outcome.passed}/{outcome.total} = {outcome.share:.3f}"
        f" (gate >= {gate.minimum:.2f}; issue {14 if 'english' in gate.name else 10}:"
        f" {gate.target})"
    ]
    if outcome.emergencies:
        lines.append(f"  emergencies right: {outcome.emergencies_ok}/{outcome.emergencies}")
    if outcome.misses:
        per_route = ", ".join(f"{route} {count}" for route, count in outcome.misses.most_common())
        lines.append(f"  misses per route: {per_route}")
        lines.extend(f"  - {reason}" for reason in outcome.reasons)
    return "\n".join(lines)


def write_results() -> None:
    """All sets scored so far, for docs/nlu.md's before-and-after table."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                name: {
                    "passed": outcome.passed,
                    "total": outcome.total,
                    "share": round(outcome.share, 3),
                    "emergencies": [outcome.emergencies_ok, outcome.emergencies],
                    "misses": dict(outcome.misses),
                    "reasons": outcome.reasons,
                }
                for name, outcome in OUTCOMES.items()
            },
            indent=2,
            ensure_ascii=False,
        )
    )
