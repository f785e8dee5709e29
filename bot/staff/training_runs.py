"""Training runs as staff drive them: the running model, comparing a candidate, accepting it.

The runs themselves (database rows, the detached runner) are bot/staff/training.py.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.staff.rasa_servers import LoadResult, ServerStatus, load_model, server_status
from bot.staff.training import (
    STAGE_FAILED,
    RunView,
    TrainingRuns,
    TrainingSettings,
    evaluation_path,
    is_worse_on_conversations,
)

log = logging.getLogger(__name__)

# Popen objects of runs this process started: polling them reaps finished runners.
_CHILDREN: set[subprocess.Popen[bytes]] = set()


def keep_child(process: subprocess.Popen[bytes]) -> None:
    """Remember a runner this process started, so that `reap_children` can collect it."""
    _CHILDREN.add(process)


def reap_children() -> None:
    for child in list(_CHILDREN):
        if child.poll() is not None:
            _CHILDREN.discard(child)


def database_url(session_factory: Callable[[], Session]) -> str:
    """The neighbourhood database's URL with its password: the runner process needs it."""
    with session_factory() as session:
        url = session.get_bind().url
    return str(url.render_as_string(hide_password=False))


async def running_model(training: TrainingSettings) -> tuple[Path | None, list[ServerStatus]]:
    """The model the Rasa servers run, as a file in models/ or a candidate directory."""
    statuses = [await server_status(url, training.api_token) for url in training.rasa_urls]
    name = next((s.model_file for s in statuses if s.model_file), None)
    if name:
        for folder in (training.models_dir, *sorted(training.candidates_dir.glob("run-*"))):
            if (folder / name).is_file():
                return folder / name, statuses
        return Path(name), statuses
    # No server answered: the newest model in models/ is what a (re)start would load.
    newest = max(
        training.models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, default=None
    )
    return newest, statuses


def compare(
    candidate: dict[str, Any] | None, running: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per-intent F1 of both models, worst change first."""
    new = ((candidate or {}).get("nlu") or {}).get("per_intent") or {}
    old = ((running or {}).get("nlu") or {}).get("per_intent") or {}
    rows = []
    for intent in sorted(set(new) | set(old)):
        change = new[intent] - old[intent] if intent in new and intent in old else None
        rows.append({"intent": intent, "candidate": new.get(intent), "running": old.get(intent),
                     "change": change})  # fmt: skip
    rows.sort(key=lambda row: (row["change"] is None, row["change"] or 0.0))
    return rows


def refusal(
    run: RunView | None, candidate: dict[str, Any] | None, running: dict[str, Any] | None
) -> str:
    """Why accepting needs the explicit override; empty when it does not."""
    if run is None or run.model is None or not run.model.is_file():
        return "Er is geen nieuw model om in gebruik te nemen."
    if run.stage == STAGE_FAILED or candidate is None:
        return "De controle van het nieuwe model is mislukt of niet afgemaakt."
    if is_worse_on_conversations(candidate, running):
        return "Het nieuwe model slaagt voor minder gesprekstests dan het huidige model."
    return ""


async def load_everywhere(
    training: TrainingSettings, runs: TrainingRuns, run_id: int, model: Path, user: str
) -> tuple[list[LoadResult], int]:
    """Load the model into every server; when all did, keep it in models/ and record who."""
    assert training.api_token
    results: list[LoadResult] = []
    # One server after the other: the others keep answering at full speed meanwhile.
    for url in training.rasa_urls:
        results.append(await load_model(url, training.api_token, model))
    failed = [result for result in results if not result.ok]
    if failed:
        log.warning("accepting run %d failed on %d server(s): %s", run_id, len(failed), failed)
        return failed, len(results)
    # In models/ as well, so that a restart of the servers loads it again.
    training.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, training.models_dir / model.name)
    evaluation = evaluation_path(model)
    if evaluation.is_file():
        shutil.copy2(evaluation, training.models_dir / evaluation.name)
    # copy2 keeps the old time stamp; Rasa starts with the newest file in models/.
    (training.models_dir / model.name).touch()
    runs.mark_accepted(run_id, user)
    log.info("%s accepted run %d (%s)", user, run_id, model.name)
    return [], len(results)
