"""Staff tables in the neighbourhood database: accounts, their audit trail, review decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = Column(String(100), nullable=False, unique=True)
    password_hash: Mapped[str] = Column(String(300), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    # beheerder, redacteur or lezer (bot/staff/roles.py says what each may do).
    role: Mapped[str] = Column(String(20), nullable=False, default="lezer")
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=datetime.utcnow)


class StaffAccountEvent(Base):
    """The accounts' audit trail: sign-ins (both outcomes) and changes to accounts."""

    __tablename__ = "staff_account_event"
    __table_args__ = (Index("ix_staff_account_event_at", "at"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # UTC without time zone, like the other staff tables.
    at: Mapped[datetime] = Column(DateTime, nullable=False)
    # sign_in, sign_in_failed, created, role, disabled, enabled, password
    action: Mapped[str] = Column(String(20), nullable=False)
    # Who did it: the account itself for a sign-in, a staff member or "opdrachtregel".
    actor: Mapped[str] = Column(String(100), nullable=False)
    # The account it was about (for a failed sign-in to an unknown name: "(onbekend)").
    account: Mapped[str] = Column(String(100), nullable=False)
    before: Mapped[str] = Column(String(100), nullable=False, default="")
    after: Mapped[str] = Column(String(100), nullable=False, default="")
    # The address a sign-in came from ("" for the command line).
    address: Mapped[str] = Column(String(64), nullable=False, default="")


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
