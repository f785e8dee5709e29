"""Staff tables in the neighbourhood database: accounts and review decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base



class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = Column(String(100), nullable=False, unique=True)
    password_hash: Mapped[str] = Column(String(300), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=datetime.utcnow)


class ReviewDecision(Base):
    """What staff decided about one resident message (an `events` row of the tracker store)."""

    __tablename__ = "staff_review_decision"
    __table_args__ = (UniqueConstraint("event_id", name="uq_staff_review_event"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = Column(Integer, nullable=False)
    sender_id: Mapped[str] = Column(String(255), nullable=False)
    # The intent chosen, or None for "geen onderwerp".
    intent: Mapped[str | None] = Column(String(100), nullable=True)
    # The masked text as written to data/nlu ("" when nothing was written).
    written_text: Mapped[str] = Column(Text, nullable=False, default="")
    outcome: Mapped[str] = Column(String(30), nullable=False)
    decided_by: Mapped[str] = Column(String(100), nullable=False)
    decided_at: Mapped[datetime] = Column(DateTime, nullable=False, default=datetime.utcnow)
