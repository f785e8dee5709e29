"""Check the NLU training data: counts, balance, duplicates, and distance to the dev set.

Usage:
    .venv/bin/python scripts/nlu/check_data.py [--nlu data/nlu] [--dev FILE]

Fails (exit 1) when an example appears under two intents, a routing intent has fewer
than 50 examples, or a training example is (nearly) a copy of a dev-set sentence: the
dev set is for measuring only. "Nearly" is word-set overlap (Jaccard) of 0.6 or more.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.core.constants import ROUTING_INTENTS  # noqa: E402

MIN_ROUTING = 50
MAX_RATIO = 2.2
NEAR_COPY = 0.6


def normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def load_examples(folder: Path) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data.get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples[block["intent"]].append(line[2:].strip())
    return examples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev_questions.yml")
    args = parser.parse_args()

    examples = load_examples(args.nlu)
    problems = []
    for intent, items in sorted(examples.items()):
        mark = "*" if intent in ROUTING_INTENTS else " "
        print(f"{mark} {intent:28s} {len(items):4d}")
    routing_counts = {i: len(examples.get(i, [])) for i in ROUTING_INTENTS}
    low, high = min(routing_counts.values()), max(routing_counts.values())
    print(f"routing intents: min {low}, max {high}, ratio {high / low:.2f}, total {sum(map(len, examples.values()))}")
    for intent, n in routing_counts.items():
        if n < MIN_ROUTING:
            problems.append(f"{intent} has only {n} examples (< {MIN_ROUTING})")
    if high / low > MAX_RATIO:
        problems.append(f"routing intents unbalanced: {high} vs {low}")

    seen: dict[str, str] = {}
    for intent, items in examples.items():
        for text in items:
            key = normalise(text)
            if key in seen and seen[key] != intent:
                problems.append(f"under {seen[key]} and {intent}: {text}")
            elif key in seen:
                problems.append(f"twice under {intent}: {text}")
            seen[key] = intent

    if args.dev.exists():
        dev = [c["text"] for c in yaml.safe_load(args.dev.read_text(encoding="utf-8"))["cases"]]
        dev_words = [words(t) for t in dev]
        for intent, items in examples.items():
            for text in items:
                w = words(text)
                for d in dev_words:
                    if len(w | d) and len(w & d) / len(w | d) >= NEAR_COPY:
                        problems.append(f"too close to a dev sentence ({intent}): {text}")
                        break

    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
