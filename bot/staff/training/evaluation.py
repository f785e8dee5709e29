"""A model's evaluation: Rasa's reports summed up, kept as JSON next to the model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

import yaml

EVALUATION_SUFFIX: Final = ".evaluation.json"
STORY_FILE_SUFFIX: Final = re.compile(r"\s*\([^()]*\.ya?ml\)$")


def evaluation_path(model: Path) -> Path:
    """The evaluation JSON kept next to a model: NAME.tar.gz -> NAME.evaluation.json."""
    name = model.name[: -len(".tar.gz")] if model.name.endswith(".tar.gz") else model.stem
    return model.with_name(name + EVALUATION_SUFFIX)


def load_evaluation(model: Path) -> dict[str, Any] | None:
    path = evaluation_path(model)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def nlu_summary(report_file: Path) -> dict[str, Any]:
    """Accuracy, macro F1 and F1 per intent from Rasa's intent_report.json."""
    report = json.loads(report_file.read_text(encoding="utf-8"))
    per_intent = {
        name: round(float(values["f1-score"]), 4)
        for name, values in report.items()
        if isinstance(values, dict)
        and "f1-score" in values
        and name not in ("macro avg", "weighted avg", "micro avg")
    }
    return {
        "accuracy": round(float(report["accuracy"]), 4),
        "macro_f1": round(float(report["macro avg"]["f1-score"]), 4),
        "per_intent": dict(sorted(per_intent.items())),
    }


def conversation_summary(out_dir: Path) -> dict[str, Any]:
    """Passed and failed conversation tests from Rasa's story_report.json."""
    report = json.loads((out_dir / "story_report.json").read_text(encoding="utf-8"))
    counts = report.get("conversation_accuracy") or {"correct": 0, "total": 0}
    failed_names: list[str] = []
    failed_file = out_dir / "failed_test_stories.yml"
    if failed_file.is_file():
        document = yaml.safe_load(failed_file.read_text(encoding="utf-8")) or {}
        # Rasa adds the file to the name ("route x (/path/test_routes.yml)"); staff need the name.
        failed_names = [
            STORY_FILE_SUFFIX.sub("", str(s.get("story", "")))
            for s in document.get("stories") or []
        ]
    total = int(counts["total"])
    passed = int(counts["correct"])
    return {
        "total": total,
        "passed": passed,
        "failed": total - passed,
        "failed_stories": failed_names,
    }


def is_worse_on_conversations(candidate: dict[str, Any], running: dict[str, Any] | None) -> bool:
    """True when the candidate passes a smaller share of the conversation tests."""
    new = candidate.get("conversations")
    if not new or not new.get("total"):
        return True
    old = (running or {}).get("conversations")
    if not old or not old.get("total"):
        return False
    return bool(new["passed"] / new["total"] < old["passed"] / old["total"])
