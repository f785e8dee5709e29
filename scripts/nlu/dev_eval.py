"""Measure a trained NLU model on the public dev set (a measurement only: never train on it).

Usage:
    .venv/bin/python scripts/nlu/dev_eval.py MODEL.tar.gz [--questions FILE] [--json OUT]

Prints every miss, accuracy overall and per expected route, emergency recall, and how
many answers would fall under several FallbackClassifier thresholds (so the threshold
can be chosen by measurement). A case counts as right when the predicted intent's default
route is one of the expected routes; `ask_role_contact` counts as right (the role is found
in the text by bot.core.roles); `explain` cases need explain_role / explain_all_roles.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.disable(logging.WARNING)

from bot.core.constants import DEFAULT_TOPIC_ROUTES  # noqa: E402

DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.yml"
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.6, 0.7)


def is_right(case: dict, intent: str) -> bool:
    if case.get("kind") == "explain":
        return intent in ("explain_role", "explain_all_roles")
    return DEFAULT_TOPIC_ROUTES.get(intent) in case["expect"] or intent == "ask_role_contact"


async def evaluate(model: str, questions: Path) -> dict:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else every parse is printed to stdout
    agent = Agent.load(model)
    cases = yaml.safe_load(questions.read_text(encoding="utf-8"))["cases"]
    rows = []
    started = time.perf_counter()
    for case in cases:
        parsed = await agent.parse_message(case["text"])
        ranking = parsed.get("intent_ranking") or [parsed["intent"]]
        # With a FallbackClassifier in the model, judge the classifier's own top intent.
        top = next((r for r in ranking if r["name"] != "nlu_fallback"), parsed["intent"])
        second = next((r for r in ranking if r["name"] not in ("nlu_fallback", top["name"])), None)
        rows.append(
            {
                "text": case["text"],
                "expect": case["expect"],
                "intent": top["name"],
                "confidence": float(top["confidence"]),
                "margin": float(top["confidence"]) - float(second["confidence"] if second else 0.0),
                "right": is_right(case, top["name"]),
                "fallback": parsed["intent"]["name"] == "nlu_fallback",
            }
        )
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds_per_message": elapsed / max(len(rows), 1)}


def report(result: dict) -> None:
    rows = result["rows"]
    for r in rows:
        if not r["right"]:
            print(f"MISS {'/'.join(r['expect'])} -> {r['intent']} {r['confidence']:.2f}: {r['text']}")
    right = sum(r["right"] for r in rows)
    print(f"\naccuracy {right}/{len(rows)} = {right / len(rows):.3f}")
    per_route = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        key = "/".join(r["expect"])
        per_route[key][0] += r["right"]
        per_route[key][1] += 1
    print("per expected route: " + ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(per_route.items())))
    emerg = [r for r in rows if "noodgeval" in r["expect"]]
    false_emerg = [r for r in rows if r["intent"] == "emergency" and "noodgeval" not in r["expect"]]
    print(f"emergency recall {sum(r['right'] for r in emerg)}/{len(emerg)}, false emergencies {len(false_emerg)}")
    print("fallback threshold -> right answers below it (lost), wrong answers below it (caught)")
    for t in THRESHOLDS:
        lost = sum(r["right"] and r["confidence"] < t for r in rows)
        caught = sum((not r["right"]) and r["confidence"] < t for r in rows)
        print(f"  {t:.2f}: lost {lost}, caught {caught}")
    in_model = [r for r in rows if r["fallback"]]
    if in_model:
        print(f"this model's FallbackClassifier sent {len(in_model)} to the two-stage fallback "
              f"({sum(r['right'] for r in in_model)} of them would have been right)")
    print(f"parse time {1000 * result['seconds_per_message']:.1f} ms/message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--json", type=Path, help="write the per-case rows here")
    args = parser.parse_args()
    result = asyncio.run(evaluate(args.model, args.questions))
    report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
