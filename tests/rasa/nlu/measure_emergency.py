"""Measure a trained model with the EmergencyGuard on the held-out emergency set.

Usage (after training, e.g. `rasa train nlu --out build/m --fixed-model-name nlu`):
    .venv/bin/python tests/rasa/nlu/measure_emergency.py build/m/nlu.tar.gz [--old-guard FILE]

Prints, per group of tests/rasa/nlu/emergency_heldout.yml, how many messages end as
`emergency`: for the classifier alone (its intent before the guard) and for the
classifier with the guard. --old-guard FILE (a single-file bot/core/emergency.py from before
the package, e.g. `git show REV:bot/core/emergency.py > old.py`) also applies that version's
verdicts to the same classifier output, to compare guards on one model. Two versions of the
package (bot/core/emergency/) are compared by running this script in a worktree of each.
Not a test: the numbers go into docs/nlu.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

# bot/ comes from the editable install (make install), so the script runs from anywhere.
from bot.core.constants import INTENT_EMERGENCY
from bot.rasa.nlu.emergency_guard import GUARD_KEY

HELDOUT = Path(__file__).with_name("emergency_heldout.yml")


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("old_emergency", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_emergency"] = module
    spec.loader.exec_module(module)
    return module


def _old_guard_says_emergency(old: ModuleType, text: str, classifier_intent: str) -> bool:
    """The old guard's decision on the same classifier output (see EmergencyGuard._guard)."""
    verdict = old.assess(text)
    if verdict.level.value == "acute":
        return True
    if verdict.level.value == "not_acute" and verdict.context is not None:
        return False
    return classifier_intent == INTENT_EMERGENCY


async def _parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--old-guard", type=Path)
    parser.add_argument("--show", action="store_true", help="print every wrong message")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    rows = [
        (section, group, text)
        for section in ("acute", "near_misses")
        for group, texts in heldout[section].items()
        for text in texts
    ]
    parses = asyncio.run(_parse_all(args.model, [text for _, _, text in rows]))
    old = _load_module(args.old_guard) if args.old_guard else None

    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    landed: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for (section, group, text), parse in zip(rows, parses, strict=True):
        final = parse["intent"]["name"]
        classifier = parse[GUARD_KEY]["classifier_intent"]
        tally = counts[(section, group)]
        tally["n"] += 1
        tally["classifier"] += classifier == INTENT_EMERGENCY
        tally["guarded"] += final == INTENT_EMERGENCY
        if old is not None:
            tally["old_guard"] += _old_guard_says_emergency(old, text, classifier)
        if section == "near_misses":
            landed[group][final] += 1
        wrong = (final == INTENT_EMERGENCY) != (section == "acute")
        if args.show and (wrong or (classifier == INTENT_EMERGENCY) != (section == "acute")):
            print(f"  {section}/{group}: classifier {classifier}, final {final}: {text}")

    columns = ["classifier", "guarded"] + (["old_guard"] if old is not None else [])
    print(f"{'set':36} {'n':>4} " + " ".join(f"{c:>11}" for c in columns))
    for section in ("acute", "near_misses"):
        total: collections.Counter[str] = collections.Counter()
        for (sec, group), tally in counts.items():
            if sec != section:
                continue
            total.update(tally)
            cells = " ".join(f"{tally[c]:>11}" for c in columns)
            print(f"{section + '/' + group:36} {tally['n']:>4} {cells}")
        cells = " ".join(f"{total[c]:>11}" for c in columns)
        print(f"{section + ' (emergency)':36} {total['n']:>4} {cells}")
    print("near-misses ended as:")
    for group, intents in landed.items():
        print(f"  {group}: {dict(intents.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
