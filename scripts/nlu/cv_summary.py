"""Summarise a `rasa test nlu --cross-validation --successes` output folder.

Usage:
    .venv/bin/python scripts/nlu/cv_summary.py build/nlu-cv/NAME [--per-intent] [--errors N]

Prints intent accuracy, macro F1 over all intents and over the routing intents, the
most frequent confusions, and how many test examples fall under several fallback
thresholds (right ones lost to the fallback, wrong ones caught by it).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.core.constants import ROUTING_INTENTS  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.6, 0.7)


def load(folder: Path) -> tuple[dict, list, list]:
    report = json.loads((folder / "intent_report.json").read_text(encoding="utf-8"))
    errors = json.loads((folder / "intent_errors.json").read_text(encoding="utf-8"))
    successes_file = folder / "intent_successes.json"
    successes = json.loads(successes_file.read_text(encoding="utf-8")) if successes_file.exists() else []
    return report, errors, successes


def summary(folder: Path) -> dict:
    report, errors, successes = load(folder)
    labels = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v and k not in (
        "macro avg", "weighted avg", "micro avg")}
    routing = [labels[i]["f1-score"] for i in ROUTING_INTENTS if i in labels]
    return {
        "accuracy": report["accuracy"],
        "macro_f1": report["macro avg"]["f1-score"],
        "routing_macro_f1": sum(routing) / len(routing),
        "per_intent": {k: v["f1-score"] for k, v in sorted(labels.items())},
        "support": {k: v["support"] for k, v in sorted(labels.items())},
        "errors": errors,
        "successes": successes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--per-intent", action="store_true")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors")
    args = parser.parse_args()
    s = summary(args.folder)
    print(f"{args.folder.name}: accuracy {s['accuracy']:.3f}, macro F1 {s['macro_f1']:.3f}, "
          f"routing-intent macro F1 {s['routing_macro_f1']:.3f}, errors {len(s['errors'])}")
    if args.per_intent:
        for intent, f1 in sorted(s["per_intent"].items(), key=lambda kv: kv[1]):
            print(f"  {intent:28s} F1 {f1:.3f}  (n={s['support'][intent]})")
    pairs = collections.Counter((e["intent"], e["intent_prediction"]["name"]) for e in s["errors"])
    print("most frequent confusions (true -> predicted):")
    for (true, pred), n in pairs.most_common(15):
        print(f"  {n:3d}  {true} -> {pred}")
    if s["successes"]:
        print("fallback threshold -> right lost / wrong caught (of "
              f"{len(s['successes']) + len(s['errors'])} test examples)")
        for t in THRESHOLDS:
            lost = sum(x["intent_prediction"]["confidence"] < t for x in s["successes"])
            caught = sum(x["intent_prediction"]["confidence"] < t for x in s["errors"])
            print(f"  {t:.2f}: lost {lost}, caught {caught}")
    for e in s["errors"][: args.errors]:
        p = e["intent_prediction"]
        print(f"  ERR {e['intent']} -> {p['name']} {p['confidence']:.2f}: {e['text']}")


if __name__ == "__main__":
    main()
