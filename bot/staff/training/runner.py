"""The runner process: training, cross-validation and conversation tests, step by step."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from bot.db.models.training import KIND_TRAIN
from bot.staff.training.evaluation import conversation_summary, evaluation_path, nlu_summary
from bot.staff.training.launch import Job
from bot.staff.training.runs import (
    STAGE_CONVERSATION_TESTS,
    STAGE_CROSS_VALIDATION,
    STAGE_DONE,
    STAGE_FAILED,
    STAGE_TRAINING,
    RunView,
    TrainingRuns,
)

log = logging.getLogger(__name__)

# The runner beats the run's heartbeat this often while a step works (runs.STALE_AFTER).
HEARTBEAT_SECONDS: Final = 5


class StepFailed(Exception):
    def __init__(self, message: str, log_file: Path) -> None:
        super().__init__(message)
        self.log_file = log_file


def _rasa(python: str) -> str:
    return str(Path(python).with_name("rasa"))


def _run_step(
    command: list[str], log_file: Path, cwd: Path, beat: Callable[[], None], what: str
) -> None:
    """Run one Rasa command, beating the heartbeat while it works."""
    with log_file.open("ab") as output:
        output.write(("$ " + " ".join(command) + "\n").encode())
        output.flush()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        while True:
            try:
                code = process.wait(timeout=HEARTBEAT_SECONDS)
                break
            except subprocess.TimeoutExpired:
                beat()
    if code != 0:
        raise StepFailed(f"{what} is mislukt (foutcode {code}).", log_file)


def persisted_nlu_data(model: Path, target_dir: Path) -> Path | None:
    """The NLU data a model was trained on, when it was trained with --persist-nlu-data."""
    try:
        with tarfile.open(model, "r:gz") as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.endswith("/training_data.yml"):
                    source = archive.extractfile(member)
                    if source is None:
                        return None
                    target = target_dir / "persisted_nlu.yml"
                    target.write_bytes(source.read())
                    return target
    except (OSError, tarfile.TarError):
        return None
    return None


def run_job(job: Job, runs: TrainingRuns) -> int:
    """Train (unless measuring), cross-validate, run the conversation tests, write the JSON."""
    work_dir = Path(job.work_dir)
    root = Path(job.project_root)
    rasa = _rasa(job.python)
    steps_log = work_dir / "rasa.log"

    def beat() -> None:
        runs.beat(job.run_id)

    try:
        nlu_data = [job.nlu_dir]
        nlu_source = "current"
        if job.kind == KIND_TRAIN:
            runs.set_stage(job.run_id, STAGE_TRAINING)
            from bot.core.spacy_pipeline import build_pipeline

            build_pipeline(root / "build" / "spacy_nl")
            name = f"wijkwijzer-{datetime.utcnow():%Y%m%d-%H%M%S}-run{job.run_id}"
            command = [
                rasa, "train",
                "--config", job.config,
                "--domain", job.domain,
                "--data", *job.training_data,
                "--out", str(work_dir),
                "--fixed-model-name", name,
                # Keeps the examples inside the model, so it can be measured again later.
                "--persist-nlu-data",
            ]  # fmt: skip
            _run_step(command, steps_log, root, beat, "Het trainen")
            model = work_dir / f"{name}.tar.gz"
            if not model.is_file():
                raise StepFailed("Het trainen gaf geen model.", steps_log)
            runs.set_stage(job.run_id, STAGE_CROSS_VALIDATION, model_path=str(model))
        else:
            model = Path(job.model_path or "")
            if not model.is_file():
                raise StepFailed("Het model om te meten is niet gevonden.", steps_log)
            persisted = persisted_nlu_data(model, work_dir)
            if persisted is not None:
                nlu_data, nlu_source = [str(persisted)], "model"
            runs.set_stage(job.run_id, STAGE_CROSS_VALIDATION)

        cv_dir = work_dir / "cross-validation"
        command = [
            rasa, "test", "nlu",
            "--nlu", *nlu_data,
            "--config", job.config,
            "--cross-validation",
            "--folds", str(job.folds),
            "--out", str(cv_dir),
        ]  # fmt: skip
        _run_step(command, steps_log, root, beat, "De kruisvalidatie")
        nlu = nlu_summary(cv_dir / "intent_report.json")
        nlu.update(folds=job.folds, data=nlu_source, config=Path(job.config).name)

        runs.set_stage(job.run_id, STAGE_CONVERSATION_TESTS)
        core_dir = work_dir / "conversation-tests"
        command = [
            rasa, "test", "core",
            "--stories", job.stories_dir,
            "--model", str(model),
            "--out", str(core_dir),
        ]  # fmt: skip
        _run_step(command, steps_log, root, beat, "De gesprekstests")
        conversations = conversation_summary(core_dir)

        evaluation = {
            "model": model.name,
            "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z",
            "run": job.run_id,
            "nlu": nlu,
            "conversations": conversations,
        }
        _write_json(evaluation_path(model), evaluation)
        runs.set_stage(job.run_id, STAGE_DONE)
        return 0
    except StepFailed as failure:
        runs.set_stage(job.run_id, STAGE_FAILED, message=str(failure))
        return 1
    except Exception as error:  # the run must end recorded, whatever went wrong
        log.exception("training run %d failed", job.run_id)
        runs.set_stage(job.run_id, STAGE_FAILED, message=f"Er ging iets mis: {error}")
        return 1


def _write_json(path: Path, data: dict[str, Any]) -> None:
    # Written to a temporary file first: a reader never sees half a file.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
    Path(handle.name).replace(path)


def log_tail(run: RunView, lines: int = 25) -> str:
    """The end of the run's Rasa log, for the technical details on a failed run."""
    path = Path(run.work_dir) / "rasa.log"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.staff.training JOB.json`: the runner process."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    job = Job(**json.loads(Path(args[0]).read_text(encoding="utf-8")))
    from bot.db.session import make_engine, make_session_factory

    engine = make_engine(job.database_url)
    runs = TrainingRuns(make_session_factory(engine))

    def stop(signum: int, frame: object) -> None:
        runs.set_stage(job.run_id, STAGE_FAILED, message="De training is gestopt.")
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    code = run_job(job, runs)
    log.info("run %d ended with %d after %.0f s", job.run_id, code, time.monotonic() - started)
    engine.dispose()
    return code
