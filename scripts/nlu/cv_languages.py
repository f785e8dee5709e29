"""Cross-validation with the same Dutch folds for two pipelines, and the result per language.

Usage (from the repository root, one run at a time: it trains five models per config):

    PYTHONPATH=$PWD .venv/bin/python scripts/nlu/cv_languages.py run \
        before=build/cv14/config-before.yml:nl now=config.yml:nl,en
    PYTHONPATH=$PWD .venv/bin/python scripts/nlu/cv_languages.py report build/cv14 before now

Each example is tagged with its language by its file (data/nlu/en/ is English, the rest
of data/nlu/ Dutch). Folds are drawn per language (StratifiedKFold, seed 42), so fold k
holds the same Dutch test examples whatever the config and whether English is trained
too: the Dutch results are paired. Per fold a model is trained with Rasa on the config
file as it stands (the project's own components included) and every test example is
parsed through the whole pipeline. The folds run config after config within a fold, so
an interrupted run still leaves complete folds for every config.

Predictions go to build/cv14/NAME.jsonl, one line per test example: the final intent
(after the fallback and the guards) and the classifier's own (the best intent in the
ranking other than nlu_fallback).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NLU = ROOT / "data" / "nlu"
OUT = ROOT / "build" / "cv14"
FOLDS = 5
SEED = 42
FALLBACK = "nlu_fallback"


def load_examples() -> tuple[list[tuple[str, Any]], Any]:
    """(language, Message) per intent example, and the data's regexes, lookups, synonyms."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples: list[tuple[str, Any]] = []
    extras = TrainingData()
    seen: set[tuple[str, str]] = set()
    # Dutch first: a text in both languages counts as Dutch only.
    files = sorted(NLU.glob("*.yml")) + sorted((NLU / "en").glob("*.yml"))
    for path in files:
        lang = "en" if path.parent.name == "en" else "nl"
        data = load_data(str(path))
        for message in data.intent_examples:
            key = (message.get("text").strip().lower(), message.get("intent"))
            if key in seen:
                continue
            seen.add(key)
            examples.append((lang, message))
        extras = extras.merge(
            TrainingData(
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
        )
    return examples, extras


def fold_of(examples: list[tuple[str, Any]]) -> list[int]:
    """The test fold of each example, drawn per language with a fixed seed."""
    from sklearn.model_selection import StratifiedKFold

    folds = [-1] * len(examples)
    for lang in ("nl", "en"):
        index = [i for i, (x, _) in enumerate(examples) if x == lang]
        labels = [examples[i][1].get("intent") for i in index]
        splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
        for k, (_, test) in enumerate(splitter.split(index, labels)):
            for j in test:
                folds[index[j]] = k
    return folds


def classifier_intent(parse: dict[str, Any]) -> tuple[str, float]:
    for entry in parse.get("intent_ranking") or []:
        if entry.get("name") != FALLBACK:
            return entry["name"], float(entry.get("confidence") or 0.0)
    intent = parse.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


async def _parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def run(specs: list[str], folds_to_run: list[int]) -> None:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    configs = []
    for spec in specs:
        name, rest = spec.split("=", 1)
        config, langs = rest.rsplit(":", 1)
        configs.append((name, config, set(langs.split(","))))
    examples, extras = load_examples()
    folds = fold_of(examples)
    counts = collections.Counter(lang for lang, _ in examples)
    print(f"examples: {dict(counts)}", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    for k in folds_to_run:
        for name, config, langs in configs:
            chosen = [i for i, (lang, _) in enumerate(examples) if lang in langs]
            train = [examples[i][1] for i in chosen if folds[i] != k]
            test = [i for i in chosen if folds[i] == k]
            data_dir = OUT / f"data-{name}-{k}"
            data_dir.mkdir(exist_ok=True)
            TrainingData(
                training_examples=train,
                entity_synonyms=extras.entity_synonyms,
                regex_features=extras.regex_features,
                lookup_tables=extras.lookup_tables,
            ).persist_nlu(str(data_dir / "nlu.yml"))
            start = time.time()
            result = train_nlu(
                config,
                str(data_dir),
                str(OUT / "models"),
                fixed_model_name=f"{name}-{k}",
            )
            trained = time.time() - start
            if not result:
                raise SystemExit(f"training {name} fold {k} failed")
            texts = [examples[i][1].get("text") for i in test]
            parses = asyncio.run(_parse_all(result, texts))
            with (OUT / f"{name}.jsonl").open("a", encoding="utf-8") as out:
                for i, parse in zip(test, parses, strict=True):
                    lang, message = examples[i]
                    clf, clf_conf = classifier_intent(parse)
                    intent = parse.get("intent") or {}
                    row = {
                        "fold": k,
                        "lang": lang,
                        "text": message.get("text"),
                        "intent": message.get("intent"),
                        "predicted": intent.get("name"),
                        "confidence": intent.get("confidence"),
                        "classifier": clf,
                        "classifier_confidence": clf_conf,
                    }
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(
                f"{time.strftime('%H:%M:%S')} {name} fold {k}: train {len(train)}, "
                f"test {len(test)}, {trained:.0f} s training, "
                f"{time.time() - start - trained:.0f} s testing",
                flush=True,
            )


def scores(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    truth = [r["intent"] for r in rows]
    guess = [r[key] for r in rows]
    labels = sorted(set(truth))
    per_intent = f1_score(truth, guess, labels=labels, average=None, zero_division=0)
    folds = sorted({r["fold"] for r in rows})
    per_fold = [
        sum(r["intent"] == r[key] for r in rows if r["fold"] == k)
        / max(1, sum(r["fold"] == k for r in rows))
        for k in folds
    ]
    mean = sum(per_fold) / len(per_fold)
    spread = (sum((a - mean) ** 2 for a in per_fold) / max(1, len(per_fold) - 1)) ** 0.5
    return {
        "n": len(rows),
        "folds": len(folds),
        "accuracy": sum(a == b for a, b in zip(truth, guess, strict=True)) / len(rows),
        "fold_sd": spread,
        "macro_f1": float(per_intent.mean()),
        "per_intent": dict(zip(labels, (float(x) for x in per_intent), strict=True)),
        "support": collections.Counter(truth),
    }


def report(folder: Path, names: list[str]) -> None:
    runs = {}
    for name in names:
        rows = [json.loads(line) for line in (folder / f"{name}.jsonl").open(encoding="utf-8")]
        runs[name] = rows
    common = set.intersection(*({r["fold"] for r in rows} for rows in runs.values()))
    print(f"folds present in every run: {sorted(common)}")
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for name, rows in runs.items():
        rows = [r for r in rows if r["fold"] in common]
        for lang in sorted({r["lang"] for r in rows}):
            subset = [r for r in rows if r["lang"] == lang]
            for key in ("classifier", "predicted"):
                s = scores(subset, key)
                result.setdefault(name, {})[f"{lang}/{key}"] = s
                print(
                    f"{name:8s} {lang} {key:10s} n={s['n']:5d} accuracy {s['accuracy']:.3f} "
                    f"± {s['fold_sd']:.3f} macro F1 {s['macro_f1']:.3f}"
                )
    if len(names) == 2:
        a, b = names
        first, second = result[a]["nl/classifier"], result[b]["nl/classifier"]
        print(f"\nDutch per-intent F1 (classifier), {a} -> {b}, weakest ({b}) first:")
        print("| intent | n | F1 " + a + " | F1 " + b + " | change |")
        print("|---|---|---|---|---|")
        for intent, f1 in sorted(second["per_intent"].items(), key=lambda kv: kv[1]):
            before = first["per_intent"].get(intent, 0.0)
            print(
                f"| {intent} | {second['support'][intent]} | {before:.2f} | {f1:.2f} "
                f"| {f1 - before:+.2f} |"
            )
        print("\nlargest changes:")
        changes = sorted(
            second["per_intent"],
            key=lambda i: -abs(second["per_intent"][i] - first["per_intent"].get(i, 0.0)),
        )
        for intent in changes[:10]:
            before = first["per_intent"].get(intent, 0.0)
            print(f"  {intent:28s} {before:.2f} -> {second['per_intent'][intent]:.2f}")
        paired = {(r["fold"], r["text"]): r for r in runs[a] if r["fold"] in common}
        flips = collections.Counter()
        for r in runs[b]:
            old = paired.get((r["fold"], r["text"]))
            if r["lang"] != "nl" or old is None:
                continue
            flips[(old["classifier"] == old["intent"], r["classifier"] == r["intent"])] += 1
        print(
            f"\nDutch examples (paired): right in both {flips[(True, True)]}, "
            f"only {a} {flips[(True, False)]}, only {b} {flips[(False, True)]}, "
            f"wrong in both {flips[(False, False)]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("specs", nargs="+", help="NAME=CONFIG:LANGS, e.g. now=config.yml:nl,en")
    run_parser.add_argument("--folds", default=",".join(str(k) for k in range(FOLDS)))
    report_parser = sub.add_parser("report")
    report_parser.add_argument("folder", type=Path)
    report_parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    if args.command == "run":
        run(args.specs, [int(k) for k in args.folds.split(",")])
    else:
        report(args.folder, args.names)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
