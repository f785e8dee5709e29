"""The staff workspace's training runs: one row per training or measurement."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import Column, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base

DEFAULT_FOLDS: Final = 5
KIND_TRAIN: Final = "train"
STAGE_WAITING: Final = "waiting"


class TrainingRun(Base):
    """One training (or measurement) started by staff, and what became of it."""

    __tablename__ = "staff_training_run"
    # `active` is 1 while a run is busy and NULL afterwards: the unique constraint lets the
    # database itself refuse a second run, even when two staff members click at once.
    __table_args__ = (UniqueConstraint("active", name="uq_staff_training_active"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = Column(String(20), nullable=False, default=KIND_TRAIN)
    stage: Mapped[str] = Column(String(30), nullable=False, default=STAGE_WAITING)
    active: Mapped[int | None] = Column(Integer, nullable=True)
    started_by: Mapped[str] = Column(String(100), nullable=False)
    started_at: Mapped[datetime] = Column(DateTime, nullable=False, default=datetime.utcnow)
    stage_started_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    config: Mapped[str] = Column(String(500), nullable=False, default="")
    folds: Mapped[int] = Column(Integer, nullable=False, default=DEFAULT_FOLDS)
    work_dir: Mapped[str] = Column(Text, nullable=False, default="")
    # The candidate model (or, for a measurement, the running model that was measured).
    model_path: Mapped[str | None] = Column(Text, nullable=True)
    pid: Mapped[int | None] = Column(Integer, nullable=True)
    # A Dutch explanation when the run failed; empty otherwise.
    message: Mapped[str] = Column(Text, nullable=False, default="")
    accepted_by: Mapped[str | None] = Column(String(100), nullable=True)
    accepted_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
