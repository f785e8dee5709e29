"""WhatsApp message ids already handled, so a repeated delivery is answered once."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import sqlalchemy as sa

from bot.db.models import ProcessedWhatsAppMessage

logger = logging.getLogger(__name__)


processed_message_table = ProcessedWhatsAppMessage.__table__

DEDUP_RETENTION_SECONDS = 2 * 24 * 3600


def _gemeente_name_from_database(value: str) -> str:
    """The municipality's name for a configured code ('GM9200') or name.

    A name the database does not know is shown as configured; an unknown code gives "" (no
    welcome: a code means nothing to a resident).
    """
    from bot.db.session import make_session_factory
    from bot.directory import ContactDirectory

    try:
        area = ContactDirectory(make_session_factory()).find_gemeente(value)
    except sa.exc.SQLAlchemyError:
        logger.warning("Municipality name for the WhatsApp welcome not found: database error.")
        area = None
    if area is not None:
        return area.name
    return "" if value.upper().startswith("GM") or value.isdigit() else value


def _default_engine() -> sa.engine.Engine:
    from bot.db.session import make_engine

    return make_engine()


class ProcessedMessageStore:
    """Ids of the WhatsApp messages already handled, kept in the database.

    Meta delivers a message again when it did not get a 200 in time, also across a
    restart of the bot; a row per message id makes the second delivery a no-op. Rows
    older than the retention are pruned. When the database cannot be reached, an
    in-memory set keeps working so residents still get an answer.
    """

    def __init__(
        self,
        engine: sa.engine.Engine | None = None,
        *,
        engine_factory: Callable[[], sa.engine.Engine] = _default_engine,
        retention_seconds: int = DEDUP_RETENTION_SECONDS,
        prune_interval_seconds: int = 3600,
        clock: Callable[[], float] = time.time,
        memory_size: int = 10_000,
    ) -> None:
        self._engine = engine
        self._engine_factory = engine_factory
        self._retention = retention_seconds
        self._prune_interval = prune_interval_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._ready = False
        self._last_prune = float("-inf")
        self._memory: OrderedDict[str, None] = OrderedDict()
        self._memory_size = memory_size
        self._warned = False

    def _connect(self) -> sa.engine.Engine:
        if self._engine is None:
            self._engine = self._engine_factory()
        if not self._ready:
            # The table is part of the schema (Alembic); this also brings a fresh database up.
            from bot.db.session import create_schema

            create_schema(self._engine)
            self._ready = True
        return self._engine

    def claim(self, message_id: str) -> bool:
        """True the first time `message_id` is seen, False for a repeat delivery."""
        with self._lock:
            first_in_memory = self._claim_in_memory(message_id)
            try:
                first = self._claim_in_database(message_id)
            except Exception as exc:  # noqa: BLE001 - any database trouble: keep answering
                if not self._warned:
                    logger.warning(
                        "WhatsApp deduplication table unavailable (%s); using memory.",
                        type(exc).__name__,
                    )
                    self._warned = True
                return first_in_memory
            self._warned = False
            return first and first_in_memory

    def _claim_in_database(self, message_id: str) -> bool:
        engine = self._connect()
        now = int(self._clock())
        if now - self._last_prune >= self._prune_interval:
            with engine.begin() as connection:
                connection.execute(
                    processed_message_table.delete().where(
                        processed_message_table.c.processed_at < now - self._retention
                    )
                )
            self._last_prune = now
        try:
            with engine.begin() as connection:
                connection.execute(
                    processed_message_table.insert().values(message_id=message_id, processed_at=now)
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def _claim_in_memory(self, message_id: str) -> bool:
        if message_id in self._memory:
            return False
        self._memory[message_id] = None
        while len(self._memory) > self._memory_size:
            self._memory.popitem(last=False)
        return True
