"""Retraining from the staff workspace: one background run at a time, its evaluation, its record.

A run is a detached process (`python -m bot.staff.training JOB.json`) that trains a candidate
model into its own directory, then runs the project's evaluation on it (NLU cross-validation
and the conversation tests of tests/stories) and writes the result as JSON next to the model.
The run's stage lives in the database, so a reload or a restart of the workspace shows where
it is; the running Rasa servers are not touched until staff accept (bot/staff/rasa_servers.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models.training import (
    DEFAULT_FOLDS,
    KIND_TRAIN,
    STAGE_WAITING,
    TrainingRun,
)

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_CONFIG: Final = "WIJKWIJZER_TRAINING_CONFIG"
ENV_FOLDS: Final = "WIJKWIJZER_CV_FOLDS"
ENV_RASA_URLS: Final = "WIJKWIJZER_RASA_URLS"
ENV_MODELS_DIR: Final = "WIJKWIJZER_MODELS_DIR"
ENV_API_TOKEN: Final = "WIJKWIJZER_API_TOKEN"
DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"

KIND_MEASURE: Final = "measure"  # evaluate the running model, no training
STAGE_TRAINING: Final = "training"
STAGE_CROSS_VALIDATION: Final = "cross_validation"
STAGE_CONVERSATION_TESTS: Final = "conversation_tests"
STAGE_DONE: Final = "done"
STAGE_FAILED: Final = "failed"
RUNNING_STAGES: Final = (
    STAGE_WAITING,
    STAGE_TRAINING,
    STAGE_CROSS_VALIDATION,
    STAGE_CONVERSATION_TESTS,
)
# The runner writes a heartbeat every few seconds; a run silent for this long has died
# (the machine restarted, the process was killed). Generous: the machine may be loaded.
HEARTBEAT_SECONDS: Final = 5
STALE_AFTER: Final = timedelta(minutes=3)
EVALUATION_SUFFIX: Final = ".evaluation.json"
STORY_FILE_SUFFIX: Final = re.compile(r"\s*\([^()]*\.ya?ml\)$")


# --- settings ----------------------------------------------------------------------------


def _split_urls(value: str) -> list[str]:
    return [url.strip().rstrip("/") for url in value.split(",") if url.strip()]


@dataclass
class TrainingSettings:
    """What a training uses; the defaults are the project's own files."""

    project_root: Path = PROJECT_ROOT
    config: Path = PROJECT_ROOT / "config.yml"
    folds: int = DEFAULT_FOLDS
    models_dir: Path = PROJECT_ROOT / "models"
    nlu_dir: Path = PROJECT_ROOT / "data" / "nlu"
    data_dir: Path = PROJECT_ROOT / "data"
    stories_dir: Path = PROJECT_ROOT / "tests" / "stories"
    rasa_urls: list[str] = field(default_factory=lambda: [DEFAULT_RASA_URL])
    api_token: str | None = None
    # Python of the runner; rasa is taken from the same directory.
    python: str = sys.executable

    @classmethod
    def from_environment(cls) -> TrainingSettings:
        settings = cls()
        config = os.environ.get(ENV_CONFIG, "").strip()
        if config:
            path = Path(config)
            settings.config = path if path.is_absolute() else PROJECT_ROOT / path
        folds = os.environ.get(ENV_FOLDS, "").strip()
        if folds:
            settings.folds = max(2, int(folds))
        models = os.environ.get(ENV_MODELS_DIR, "").strip()
        if models:
            settings.models_dir = Path(models)
        settings.rasa_urls = _split_urls(os.environ.get(ENV_RASA_URLS, "")) or [DEFAULT_RASA_URL]
        settings.api_token = os.environ.get(ENV_API_TOKEN, "").strip() or None
        return settings

    @property
    def candidates_dir(self) -> Path:
        # Below models/, but Rasa only looks for *.tar.gz in models/ itself, not in here.
        return self.models_dir / "candidates"

    def training_data(self) -> list[Path]:
        """data/nlu (or the workspace's copy of it) and the other folders of data/."""
        others = sorted(
            p for p in self.data_dir.iterdir() if p.is_dir() and p.name != self.nlu_dir.name
        )
        return [self.nlu_dir, *others]


# --- evaluation --------------------------------------------------------------------------


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


# --- runs in the database ----------------------------------------------------------------


class TrainingBusy(Exception):
    """Another training or measurement is still running."""


@dataclass(frozen=True)
class RunView:
    """A run as the pages show it."""

    id: int
    kind: str
    stage: str
    started_by: str
    started_at: datetime
    stage_started_at: datetime | None
    finished_at: datetime | None
    model_path: str | None
    message: str
    accepted_by: str | None
    accepted_at: datetime | None
    folds: int
    config: str
    work_dir: str

    @property
    def running(self) -> bool:
        return self.stage in RUNNING_STAGES

    @property
    def model(self) -> Path | None:
        return Path(self.model_path) if self.model_path else None

    def elapsed(self, now: datetime | None = None) -> timedelta:
        end = self.finished_at or now or datetime.utcnow()
        return max(end - self.started_at, timedelta(0))


def _view(run: TrainingRun) -> RunView:
    return RunView(
        id=run.id,
        kind=run.kind,
        stage=run.stage,
        started_by=run.started_by,
        started_at=run.started_at,
        stage_started_at=run.stage_started_at,
        finished_at=run.finished_at,
        model_path=run.model_path,
        message=run.message,
        accepted_by=run.accepted_by,
        accepted_at=run.accepted_at,
        folds=run.folds,
        config=run.config,
        work_dir=run.work_dir,
    )


class TrainingRuns:
    """Repository of training runs; one session per call."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory

    def create(
        self, kind: str, user: str, settings: TrainingSettings, model_path: Path | None = None
    ) -> RunView:
        """Claim the one running slot, or raise TrainingBusy."""
        self.expire_stale()
        now = datetime.utcnow()
        with self.session_factory() as session:
            run = TrainingRun(
                kind=kind,
                stage=STAGE_WAITING,
                active=1,
                started_by=user,
                started_at=now,
                stage_started_at=now,
                heartbeat_at=now,
                config=str(settings.config),
                folds=settings.folds,
                model_path=str(model_path) if model_path else None,
                message="",
            )
            session.add(run)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise TrainingBusy from None
            run.work_dir = str(settings.candidates_dir / f"run-{run.id}")
            session.commit()
            return _view(run)

    def get(self, run_id: int) -> RunView | None:
        self.expire_stale()
        with self.session_factory() as session:
            run = session.get(TrainingRun, run_id)
            return _view(run) if run else None

    def latest(self, kind: str | None = None) -> RunView | None:
        self.expire_stale()
        query = select(TrainingRun).order_by(TrainingRun.id.desc()).limit(1)
        if kind:
            query = query.where(TrainingRun.kind == kind)
        with self.session_factory() as session:
            run = session.scalars(query).first()
            return _view(run) if run else None

    def recent(self, limit: int = 10) -> list[RunView]:
        with self.session_factory() as session:
            runs = session.scalars(
                select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)
            ).all()
            return [_view(run) for run in runs]

    def running(self) -> RunView | None:
        self.expire_stale()
        with self.session_factory() as session:
            run = session.scalars(select(TrainingRun).where(TrainingRun.active == 1)).first()
            return _view(run) if run else None

    def set_stage(self, run_id: int, stage: str, **values: Any) -> None:
        now = datetime.utcnow()
        values.update(stage=stage, stage_started_at=now, heartbeat_at=now)
        if stage not in RUNNING_STAGES:
            values.update(active=None, finished_at=now)
        with self.session_factory() as session:
            session.execute(update(TrainingRun).where(TrainingRun.id == run_id).values(**values))
            session.commit()

    def beat(self, run_id: int) -> None:
        with self.session_factory() as session:
            session.execute(
                update(TrainingRun)
                .where(TrainingRun.id == run_id)
                .values(heartbeat_at=datetime.utcnow())
            )
            session.commit()

    def set_pid(self, run_id: int, pid: int) -> None:
        with self.session_factory() as session:
            session.execute(update(TrainingRun).where(TrainingRun.id == run_id).values(pid=pid))
            session.commit()

    def mark_accepted(self, run_id: int, user: str) -> None:
        with self.session_factory() as session:
            session.execute(
                update(TrainingRun)
                .where(TrainingRun.id == run_id)
                .values(accepted_by=user, accepted_at=datetime.utcnow())
            )
            session.commit()

    def expire_stale(self) -> None:
        """A busy run without a heartbeat for a while has died: record that and free the slot."""
        limit = datetime.utcnow() - STALE_AFTER
        with self.session_factory() as session:
            session.execute(
                update(TrainingRun)
                .where(TrainingRun.active == 1, TrainingRun.heartbeat_at < limit)
                .values(
                    active=None,
                    stage=STAGE_FAILED,
                    finished_at=datetime.utcnow(),
                    message="De training is onderbroken, bijvoorbeeld door een herstart van "
                    "de server. Start de training opnieuw.",
                )
            )
            session.commit()


# --- starting a run ----------------------------------------------------------------------


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


# --- the runner process ------------------------------------------------------------------


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


if __name__ == "__main__":
    sys.exit(main())
