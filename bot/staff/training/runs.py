"""Training runs in the database: their stages, one running slot, a heartbeat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models.training import STAGE_WAITING, TrainingRun
from bot.staff.training.settings import TrainingSettings

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
# A run without a heartbeat for this long has died (the machine restarted, the process was
# killed). Generous: the machine may be loaded.
STALE_AFTER: Final = timedelta(minutes=3)


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
