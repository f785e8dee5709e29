"""Rasa's SQL tracker store, keeping the conversations it saved so a message need not replay them.

Rasa's SQLTrackerStore rebuilds the whole conversation for every message: it reads every
event of the session, parses its JSON and replays it into a new tracker. That work grows with
the conversation (at 50 turns it was the largest part of the Rasa server's CPU per message,
docs/deployment.md). This store keeps the tracker it saved last for a bounded number of
conversations and hands it out again as long as the database holds exactly what it saved:
the number of events of the latest session and the id of the newest one, checked with one
indexed query per message. Anything else (another Rasa server answered in between, a purge,
a new session, a tracker changed without being saved, a new model) reads from the database
as before. Several Rasa servers stay stateless: the database remains the truth.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

# Measured: a kept tracker takes about 2 KB per event, 0.04 MB for a one-question conversation
# and 0.25 MB for ten turns, so at most about 60 MB; more than the residents who write at
# the same moment to one server (150 in the load benchmark). `kept_conversations` in
# endpoints.yml's tracker_store changes it; 0 keeps none.
DEFAULT_KEPT_CONVERSATIONS: Final = 256


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    events: int  # len(tracker.events) when saved
    newest_id: int
    domain: Domain | None


class WijkwijzerTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that reuses the tracker it saved while the database is unchanged."""

    def __init__(
        self, *args: Any, kept_conversations: int = DEFAULT_KEPT_CONVERSATIONS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kept_conversations = int(kept_conversations)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def _stored(self, sender_id: str) -> tuple[int, int | None]:
        """Events of the latest session in the database, and the newest event's id."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            count, newest = (
                query.order_by(None)
                .with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
                .one()
            )
        return int(count), newest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        if (
            kept is not None
            and kept.domain is self.domain
            and len(kept.tracker.events) == kept.events
            and self._stored(sender_id) == (kept.events, kept.newest_id)
        ):
            self._kept[sender_id] = kept
            return kept.tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._kept.pop(tracker.sender_id, None)
        await super().save(tracker)
        # Keep only a tracker that is what Rasa's retrieve would build from the rows: its
        # latest session, from SessionStarted on. A new conversation's first save and first
        # message (two events before SessionStarted) are not, and cost no query here.
        events = tracker.events
        if self.kept_conversations <= 0 or not events or not isinstance(events[0], SessionStarted):
            return
        count, newest = self._stored(tracker.sender_id)
        if newest is None or count != len(events):  # e.g. a new session began in this message
            return
        self._kept[tracker.sender_id] = _Kept(tracker, count, newest, self.domain)
        while len(self._kept) > self.kept_conversations:
            self._kept.popitem(last=False)
