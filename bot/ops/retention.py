"""Retention: delete conversations older than the retention period, and what holds their text."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.db.conversations import events_table
from bot.db.models import ProcessedWhatsAppMessage, ReviewDecision
from bot.settings import settings

ENV_RETENTION_DAYS: Final = "WIJKWIJZER_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS: Final = 90
DAY_SECONDS: Final = 24 * 3600
# Conversations deleted per statement: IN lists stay small, locks stay short.
CHUNK: Final = 500
_whatsapp = ProcessedWhatsAppMessage.__table__

log = logging.getLogger(__name__)


class RetentionError(ValueError):
    """A retention setting that cannot be used; the message is Dutch."""


def retention_days(value: str | None = None) -> int:
    """Days to keep conversations: `value`, else WIJKWIJZER_RETENTION_DAYS, else 90."""
    raw = (value if value is not None else settings().retention_days).strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise RetentionError(f"bewaartermijn '{raw}' is geen heel aantal dagen.") from None
    if days < 1:
        # 0 would delete the conversation a resident is having right now.
        raise RetentionError(f"bewaartermijn {days}: gebruik minstens 1 dag.")
    return days


@dataclass(frozen=True)
class PurgeReport:
    """Counts only: a report may be logged, and logs never hold what residents wrote."""

    days: int
    cutoff: float
    conversations: int
    events: int
    review_decisions: int
    whatsapp_ids: int
    dry_run: bool

    def __str__(self) -> str:
        verb = "Zou verwijderen" if self.dry_run else "Verwijderd"
        return (
            f"{verb}: {self.conversations} gesprekken ({self.events} gebeurtenissen) zonder "
            f"activiteit in de laatste {self.days} dagen, {self.whatsapp_ids} oude "
            f"WhatsApp-berichtnummers; {self.review_decisions} beoordelingen losgekoppeld "
            "van hun gesprek (het onderwerp en de gemaskeerde zin blijven)."
        )


def purge(
    tracker_engine: Engine,
    session_factory: Callable[[], Session],
    *,
    days: int,
    now: float | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete every conversation whose last event is older than `days` days.

    - Rasa's `events` rows of those conversations (the tracker store): all they said.
    - Staff review decisions about them stay, because they record who added which masked
      example to the training data and when; their link to the conversation (the sender
      id, which for WhatsApp can be turned back into a phone number with the key, and the
      event id, which SQLite may hand out again) is cleared.
    - WhatsApp message ids older than the period (the channel prunes them after two days
      itself; they hold no text, but nothing should outlive the period).
    """
    if days < 1:
        raise RetentionError(f"bewaartermijn {days}: gebruik minstens 1 dag.")
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    last_activity = (
        select(events_table.c.sender_id)
        .group_by(events_table.c.sender_id)
        .having(func.max(events_table.c.timestamp) < cutoff)
    )
    with tracker_engine.connect() as connection:
        # Before Rasa ran once there is no `events` table: nothing to delete there.
        has_events = inspect(connection).has_table(events_table.name)
        senders = sorted(connection.execute(last_activity).scalars()) if has_events else []
        events = 0
        for start in range(0, len(senders), CHUNK):
            chunk = senders[start : start + CHUNK]
            count_query = select(func.count()).where(events_table.c.sender_id.in_(chunk))
            events += int(connection.execute(count_query).scalar() or 0)
            if not dry_run:
                connection.execute(delete(events_table).where(events_table.c.sender_id.in_(chunk)))
            # One transaction per chunk: a resident writing now is never held up long.
            connection.commit()

    decisions = 0
    whatsapp_ids = 0
    with session_factory() as session, session.begin():
        bind = session.connection()
        tables = set(inspect(bind).get_table_names())
        if ReviewDecision.__tablename__ in tables:
            for start in range(0, len(senders), CHUNK):
                chunk = senders[start : start + CHUNK]
                about = ReviewDecision.sender_id.in_(chunk)
                decisions += int(
                    session.scalar(select(func.count()).select_from(ReviewDecision).where(about))
                    or 0
                )
                if not dry_run:
                    # A negative id is unique (the row's own id) and never a real event id.
                    session.execute(
                        update(ReviewDecision)
                        .where(about)
                        .values(sender_id="", event_id=-ReviewDecision.id)
                        .execution_options(synchronize_session=False)
                    )
        if _whatsapp.name in tables:
            old = _whatsapp.c.processed_at < int(cutoff)
            whatsapp_ids = int(
                session.scalar(select(func.count()).select_from(_whatsapp).where(old)) or 0
            )
            if not dry_run:
                session.execute(delete(_whatsapp).where(old))
        if dry_run:
            session.rollback()
    report = PurgeReport(
        days=days,
        cutoff=cutoff,
        conversations=len(senders),
        events=events,
        review_decisions=decisions,
        whatsapp_ids=whatsapp_ids,
        dry_run=dry_run,
    )
    log.info(
        "retention purge%s: %d conversations, %d events, %d review decisions detached, "
        "%d WhatsApp ids (older than %d days)",
        " (dry run)" if dry_run else "",
        report.conversations,
        report.events,
        report.review_decisions,
        report.whatsapp_ids,
        days,
    )
    return report


def purge_from_environment(*, days: int | None = None, dry_run: bool = False) -> PurgeReport:
    """`purge` on the configured tracker store and neighbourhood database."""
    from sqlalchemy import create_engine

    from bot.db.conversations import tracker_store_url
    from bot.db.session import make_engine, make_session_factory

    days = retention_days() if days is None else days
    tracker_engine = create_engine(tracker_store_url(), future=True)
    engine = make_engine()
    try:
        return purge(tracker_engine, make_session_factory(engine), days=days, dry_run=dry_run)
    finally:
        tracker_engine.dispose()
        engine.dispose()


def start_daily_purge(
    run: Callable[[], object] = purge_from_environment,
    *,
    interval: float = DAY_SECONDS,
) -> threading.Event:
    """Runs `run` now and then every `interval` seconds in a daemon thread.

    Returns an event that stops it. A failure is logged (its type, no data) and the next
    day is tried again: a database that is down for a moment must not stop retention.
    """
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                run()
            except Exception as error:  # noqa: BLE001 - keep the daily job alive
                log.warning("retention purge failed: %s", type(error).__name__)
            stop.wait(interval)

    threading.Thread(target=loop, name="wijkwijzer-retention", daemon=True).start()
    return stop
