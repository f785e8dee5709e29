"""Starting a run as a detached runner process, and stopping it."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.db.models.training import KIND_TRAIN, TrainingRun
from bot.staff.training.runs import STAGE_FAILED, RunView, TrainingRuns
from bot.staff.training.settings import TrainingSettings

log = logging.getLogger(__name__)


@dataclass
class Job:
    """What the runner process needs, written as JSON into the run's directory."""

    run_id: int
    kind: str
    database_url: str
    project_root: str
    config: str
    folds: int
    training_data: list[str]
    nlu_dir: str
    domain: str
    stories_dir: str
    work_dir: str
    model_path: str | None
    python: str


def start_run(
    runs: TrainingRuns,
    settings: TrainingSettings,
    user: str,
    database_url: str,
    kind: str = KIND_TRAIN,
    model_path: Path | None = None,
) -> tuple[RunView, subprocess.Popen[bytes]]:
    """Claim the slot and launch the runner; raises TrainingBusy when a run is going."""
    run = runs.create(kind, user, settings, model_path)
    work_dir = Path(run.work_dir)
    try:
        work_dir.mkdir(parents=True, exist_ok=True)
        job = Job(
            run_id=run.id,
            kind=kind,
            database_url=database_url,
            project_root=str(settings.project_root),
            config=str(settings.config),
            folds=settings.folds,
            training_data=[str(p) for p in settings.training_data()],
            nlu_dir=str(settings.nlu_dir),
            domain=str(settings.project_root / "domain.yml"),
            stories_dir=str(settings.stories_dir),
            work_dir=str(work_dir),
            model_path=str(model_path) if model_path else None,
            python=settings.python,
        )
        job_file = work_dir / "job.json"
        job_file.write_text(json.dumps(asdict(job), indent=2), encoding="utf-8")
        # The URL may hold a password: only the owner may read the job file.
        job_file.chmod(0o600)
        with (work_dir / "runner.log").open("ab") as runner_log:
            # Its own session: the run goes on when the workspace restarts.
            process = subprocess.Popen(
                [settings.python, "-m", "bot.staff.training", str(job_file)],
                cwd=settings.project_root,
                stdout=runner_log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
    except OSError as error:
        runs.set_stage(run.id, STAGE_FAILED, message=f"De training kon niet starten: {error}")
        raise
    runs.set_pid(run.id, process.pid)
    log.info("%s started %s run %d (pid %d)", user, kind, run.id, process.pid)
    return run, process


def stop_run(run: RunView, runs: TrainingRuns) -> None:
    """Stop a run's process group (tests, or an operator)."""
    with runs.session_factory() as session:
        stored = session.get(TrainingRun, run.id)
        pid = stored.pid if stored else None
    if pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
