"""The callback outbox: requests stored before sending, claimed by one sender, handled by staff."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Final

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.callback import ContactDetail, masked, new_reference
from bot.core.sealing import Sealer, SealingError
from bot.db.models.callbacks import (
    MAIL_NONE,
    MAIL_PENDING,
    MAIL_SENT,
    STATUS_CANCELLED,
    STATUS_HANDLED,
    STATUS_OPEN,
    CallbackEvent,
    CallbackRequest,
)

log = logging.getLogger(__name__)

SEAL_PURPOSE: Final = "callback-request"
ACTOR_BOT: Final = "bot"
ACTOR_RESIDENT: Final = "inwoner"
# Long enough for a slow mail server (connect, TLS, login, send at 10 s each); a sender
# that died holding a claim leaves it for another after this.
CLAIM_SECONDS: Final = 120
FIRST_RETRY_SECONDS: Final = 30.0
MAX_RETRY_SECONDS: Final = 3600.0
REFERENCE_ATTEMPTS: Final = 5

EVENT_LABELS: Final = {
    "requested": "Aangevraagd door de inwoner",
    "mail_sent": "Mail verstuurd",
    "mail_failed": "Mail nog niet verstuurd",
    "handled": "Afgehandeld",
    "reopened": "Weer open gezet",
    "cancelled": "Ingetrokken door de inwoner",
}


def utc_now() -> datetime:
    """Naive UTC, as stored in the DateTime columns."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def retry_delay(attempts: int, first: float = FIRST_RETRY_SECONDS) -> float:
    """Seconds before the next try after `attempts` failures: doubling, capped, with jitter so
    that servers which failed together do not all come back at the same moment."""
    base = min(first * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return base * random.uniform(0.8, 1.2)


@dataclass(frozen=True)
class Professional:
    """The person on the card who receives the request."""

    name: str
    organisation: str = ""
    email: str = ""


@dataclass(frozen=True)
class CallbackDraft:
    """Everything a request holds when the resident presses "versturen"."""

    role_code: str
    role_name: str
    area_code: str
    area_name: str
    gemeente_code: str
    professional: Professional
    resident_name: str
    contact: ContactDetail
    question: str
    best_time: str = ""
    channel: str = ""

    def __repr__(self) -> str:
        return f"CallbackDraft(role={self.role_code!r}, area={self.area_code!r})"


@dataclass(frozen=True)
class CallbackView:
    """A stored request as staff and the sender read it (personal data opened)."""

    id: int
    reference: str
    created_at: datetime
    role_code: str
    role_name: str
    area_code: str
    area_name: str
    professional: Professional
    status: str
    mail_status: str
    mail_attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    handled_by: str
    handled_at: datetime | None
    last_error: str
    channel: str
    resident_name: str = ""
    contact: ContactDetail | None = None
    question: str = ""
    best_time: str = ""
    events: tuple[tuple[datetime, str, str, str], ...] = field(default=())

    def __repr__(self) -> str:
        return f"CallbackView(reference={self.reference!r}, status={self.status!r})"

    @property
    def masked_contact(self) -> str:
        return masked(self.contact) if self.contact is not None else ""


class CallbackStore:
    """Repository of callback requests; one short session per call, so threads may share it."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        sealer: Sealer,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._sessions = session_factory
        self._sealer = sealer
        self._clock = clock

    # -- the conversation ---------------------------------------------------------------------

    def create(self, draft: CallbackDraft, *, mail: bool) -> str:
        """Store a request and its first audit line; the reference the resident gets back.

        `mail`: the mail server is configured; a mail is only due when the card also has an
        address. Stored before anything is sent, so a mail server that is down loses nothing.
        """
        now = self._clock()
        sealed = self._sealer.seal(
            {
                "name": draft.resident_name,
                "contact_kind": draft.contact.kind,
                "contact": draft.contact.value,
                "best_time": draft.best_time,
                "question": draft.question,
            },
            SEAL_PURPOSE,
        )
        wants_mail = mail and bool(draft.professional.email)
        for _ in range(REFERENCE_ATTEMPTS):
            reference = new_reference()
            request = CallbackRequest(
                reference=reference,
                created_at=now,
                channel=draft.channel[:30],
                role_code=draft.role_code,
                role_name=draft.role_name[:100],
                area_code=draft.area_code,
                area_name=draft.area_name[:200],
                gemeente_code=draft.gemeente_code or "",
                contact_name=draft.professional.name[:200],
                contact_organisation=draft.professional.organisation[:200],
                contact_email=draft.professional.email[:320],
                sealed=sealed,
                status=STATUS_OPEN,
                mail_status=MAIL_PENDING if wants_mail else MAIL_NONE,
                mail_attempts=0,
                next_attempt_at=now if wants_mail else None,
            )
            try:
                with self._sessions() as session, session.begin():
                    session.add(request)
                    session.flush()
                    session.add(
                        CallbackEvent(
                            request_id=request.id, at=now, actor=ACTOR_RESIDENT, action="requested"
                        )
                    )
            except IntegrityError:
                continue  # the reference was taken: draw another
            return reference
        raise RuntimeError("no free callback reference after several draws")

    def cancel(self, reference: str) -> CallbackView | None:
        """The resident withdraws: no mail goes out any more, and the personal data is erased
        at once. None when no open request has this reference."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            request = session.scalar(
                select(CallbackRequest).where(CallbackRequest.reference == reference)
            )
            if request is None or request.status != STATUS_OPEN:
                return None
            view = self._view(request, with_details=False)
            request.status = STATUS_CANCELLED
            request.sealed = ""
            request.handled_at = now
            request.handled_by = ACTOR_RESIDENT
            if request.mail_status == MAIL_PENDING:
                request.mail_status = MAIL_NONE
                request.next_attempt_at = None
            session.add(
                CallbackEvent(
                    request_id=request.id, at=now, actor=ACTOR_RESIDENT, action="cancelled"
                )
            )
        return replace(view, status=STATUS_CANCELLED)

    # -- the sender ------------------------------------------------------------------------------

    def claim_due(self, worker: str, limit: int = 10) -> list[CallbackView]:
        """Requests whose mail is due, each claimed for `worker` alone.

        The claim is one conditional UPDATE per row: of two senders (two servers) that see
        the same row, the database lets exactly one change it, on SQLite and PostgreSQL alike.
        """
        now = self._clock()
        claimable = or_(
            CallbackRequest.claimed_until.is_(None), CallbackRequest.claimed_until < now
        )
        with self._sessions() as session:
            candidates = session.scalars(
                select(CallbackRequest.id)
                .where(
                    CallbackRequest.mail_status == MAIL_PENDING,
                    CallbackRequest.next_attempt_at <= now,
                    claimable,
                )
                .order_by(CallbackRequest.next_attempt_at, CallbackRequest.id)
                .limit(limit)
            ).all()
        claimed: list[CallbackView] = []
        for request_id in candidates:
            with self._sessions() as session, session.begin():
                result = session.execute(
                    update(CallbackRequest)
                    .where(
                        CallbackRequest.id == request_id,
                        CallbackRequest.mail_status == MAIL_PENDING,
                        claimable,
                    )
                    .values(claimed_by=worker, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:
                    continue
                request = session.get(CallbackRequest, request_id)
                assert request is not None
                claimed.append(self._view(request, with_details=True))
        return claimed

    def mark_sent(self, request_id: int, worker: str) -> bool:
        """Record the mail as sent; False when the claim was lost (taken over after a stall)."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            result = session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.id == request_id, CallbackRequest.claimed_by == worker)
                .values(
                    mail_status=MAIL_SENT,
                    sent_at=now,
                    mail_attempts=CallbackRequest.mail_attempts + 1,
                    claimed_by="",
                    claimed_until=None,
                    next_attempt_at=None,
                    last_error="",
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return False
            session.add(
                CallbackEvent(request_id=request_id, at=now, actor=ACTOR_BOT, action="mail_sent")
            )
        return True

    def mark_failed(
        self, request_id: int, worker: str, error: str, first_retry: float = FIRST_RETRY_SECONDS
    ) -> datetime | None:
        """Release the claim and plan the next try; the moment of that try."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            request = session.get(CallbackRequest, request_id)
            if request is None or request.claimed_by != worker:
                return None
            attempts = request.mail_attempts + 1
            next_at = now + timedelta(seconds=retry_delay(attempts, first_retry))
            if request.mail_status == MAIL_PENDING:
                request.next_attempt_at = next_at
            request.mail_attempts = attempts
            request.claimed_by = ""
            request.claimed_until = None
            request.last_error = error[:300]
            # One audit line for the first failure, not one per retry.
            if attempts == 1:
                session.add(
                    CallbackEvent(
                        request_id=request_id,
                        at=now,
                        actor=ACTOR_BOT,
                        action="mail_failed",
                        note=error[:300],
                    )
                )
        return next_at

    def next_due(self) -> datetime | None:
        """When the earliest pending mail is due, for the sender's sleep."""
        with self._sessions() as session:
            return session.scalar(
                select(func.min(CallbackRequest.next_attempt_at)).where(
                    CallbackRequest.mail_status == MAIL_PENDING
                )
            )

    # -- the workspace ---------------------------------------------------------------------------

    def find(
        self,
        *,
        status: str | None = None,
        role_code: str | None = None,
        area_code: str | None = None,
        gemeente_codes: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[CallbackView]:
        """Newest first; details opened, since staff call the resident back from this list."""
        query = select(CallbackRequest).order_by(
            CallbackRequest.created_at.desc(), CallbackRequest.id.desc()
        )
        if status:
            query = query.where(CallbackRequest.status == status)
        if role_code:
            query = query.where(CallbackRequest.role_code == role_code)
        if area_code:
            query = query.where(CallbackRequest.area_code == area_code)
        if gemeente_codes:
            query = query.where(CallbackRequest.gemeente_code.in_(list(gemeente_codes)))
        with self._sessions() as session:
            return [self._view(r, with_details=True) for r in session.scalars(query.limit(limit))]

    def get(self, reference: str) -> CallbackView | None:
        with self._sessions() as session:
            request = session.scalar(
                select(CallbackRequest).where(CallbackRequest.reference == reference)
            )
            if request is None:
                return None
            events = session.execute(
                select(
                    CallbackEvent.at, CallbackEvent.actor, CallbackEvent.action, CallbackEvent.note
                )
                .where(CallbackEvent.request_id == request.id)
                .order_by(CallbackEvent.at, CallbackEvent.id)
            ).all()
            view = self._view(request, with_details=True)
        return replace(view, events=tuple((e.at, e.actor, e.action, e.note) for e in events))

    def set_handled(self, reference: str, actor: str, handled: bool = True) -> bool:
        """Mark handled (or open again); False when there is no such request or it was withdrawn."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            request = session.scalar(
                select(CallbackRequest).where(CallbackRequest.reference == reference)
            )
            if request is None or request.status == STATUS_CANCELLED:
                return False
            if (request.status == STATUS_HANDLED) == handled:
                return True
            request.status = STATUS_HANDLED if handled else STATUS_OPEN
            request.handled_by = actor[:100] if handled else ""
            request.handled_at = now if handled else None
            session.add(
                CallbackEvent(
                    request_id=request.id,
                    at=now,
                    actor=actor[:100],
                    action="handled" if handled else "reopened",
                )
            )
        return True

    def counts(self) -> dict[str, int]:
        """Requests per status, and how many mails are still waiting ("nog niet verstuurd")."""
        with self._sessions() as session:
            rows = session.execute(
                select(CallbackRequest.status, func.count()).group_by(CallbackRequest.status)
            ).all()
            waiting = session.scalar(
                select(func.count()).where(CallbackRequest.mail_status == MAIL_PENDING)
            )
        counts = {status: int(count) for status, count in rows}
        counts["mail_waiting"] = int(waiting or 0)
        return counts

    def purge(self, days: int, now: datetime | None = None) -> int:
        """Delete requests handled or withdrawn more than `days` ago, with their audit trail.

        Open requests stay: the resident is still waiting for the call.
        """
        cutoff = (now or self._clock()) - timedelta(days=days)
        with self._sessions() as session, session.begin():
            return purge_callbacks(session, cutoff)

    # -- reading ---------------------------------------------------------------------------------

    def _view(self, request: CallbackRequest, *, with_details: bool) -> CallbackView:
        view = CallbackView(
            id=request.id,
            reference=request.reference,
            created_at=request.created_at,
            role_code=request.role_code,
            role_name=request.role_name,
            area_code=request.area_code,
            area_name=request.area_name,
            professional=Professional(
                request.contact_name, request.contact_organisation, request.contact_email
            ),
            status=request.status,
            mail_status=request.mail_status,
            mail_attempts=request.mail_attempts,
            next_attempt_at=request.next_attempt_at,
            sent_at=request.sent_at,
            handled_by=request.handled_by,
            handled_at=request.handled_at,
            last_error=request.last_error,
            channel=request.channel,
        )
        if not with_details or not request.sealed:
            return view
        try:
            details = self._sealer.open(request.sealed, SEAL_PURPOSE)
        except SealingError:
            # Another key (a lost key file, a changed setting): say so, never guess.
            log.warning("callback %s: details do not open with this key", request.reference)
            return view
        return replace(
            view,
            resident_name=str(details.get("name", "")),
            contact=ContactDetail(
                str(details.get("contact_kind", "")), str(details.get("contact", ""))
            ),
            question=str(details.get("question", "")),
            best_time=str(details.get("best_time", "")),
        )


def purge_callbacks(session: Session, cutoff: datetime, *, dry_run: bool = False) -> int:
    """In the caller's transaction: delete requests handled or withdrawn before `cutoff`
    (naive UTC), with their audit trail; the number of requests."""
    stale = select(CallbackRequest.id).where(
        CallbackRequest.status.in_((STATUS_HANDLED, STATUS_CANCELLED)),
        CallbackRequest.handled_at < cutoff,
    )
    ids = list(session.scalars(stale))
    if ids and not dry_run:
        session.execute(delete(CallbackEvent).where(CallbackEvent.request_id.in_(ids)))
        session.execute(delete(CallbackRequest).where(CallbackRequest.id.in_(ids)))
    return len(ids)
