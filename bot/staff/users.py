"""Staff accounts: create, change a password or role, disable, check a sign-in; all audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models.staff import StaffAccountEvent, StaffUser
from bot.staff.auth import burn_time_like_a_check, hash_password, password_problem, verify_password
from bot.staff.roles import ROLES

COMMAND_LINE: Final = "opdrachtregel"
# A failed sign-in to a name without an account: the typed name is not kept, because
# people type their password in the name field by mistake.
UNKNOWN_ACCOUNT: Final = "(onbekend)"


class AccountError(ValueError):
    """A Dutch message for the person at the command line."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    active: bool
    created_at: datetime


def normalise_name(name: str) -> str:
    return name.strip().lower()


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _record(
    session: Session,
    action: str,
    *,
    actor: str,
    account: str,
    before: str = "",
    after: str = "",
    address: str = "",
) -> None:
    session.add(
        StaffAccountEvent(
            at=_utc_now(),
            action=action,
            actor=actor[:100],
            account=account[:100],
            before=before[:100],
            after=after[:100],
            address=address[:64],
        )
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Kies een van deze rollen: {', '.join(ROLES)}.")


def _find(session: Session, name: str) -> StaffUser | None:
    return session.scalars(select(StaffUser).where(StaffUser.name == name)).first()


def _existing(session: Session, name: str) -> StaffUser:
    user = _find(session, normalise_name(name))
    if user is None:
        raise AccountError(f"Er is geen account {normalise_name(name)}.")
    return user


def add_or_update_user(
    session_factory: Callable[[], Session],
    name: str,
    password: str,
    role: str | None = None,
    *,
    actor: str = COMMAND_LINE,
) -> bool:
    """Create the account (as `lezer` unless a role is given), or set a new password (and
    the role, when given) when it exists; True when it was created. Whether the account is
    disabled does not change: that takes `set_active`."""
    name = normalise_name(name)
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise AccountError("Een naam heeft 1 tot 100 tekens, zonder spaties.")
    if role is not None:
        _check_role(role)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    with session_factory() as session, session.begin():
        user = _find(session, name)
        if user is None:
            role = role or "lezer"
            session.add(
                StaffUser(name=name, password_hash=hash_password(password), active=True, role=role)
            )
            _record(session, "created", actor=actor, account=name, after=role)
            return True
        user.password_hash = hash_password(password)
        _record(session, "password", actor=actor, account=name)
        if role is not None and role != user.role:
            _record(session, "role", actor=actor, account=name, before=user.role, after=role)
            user.role = role
        return False


def set_role(
    session_factory: Callable[[], Session], name: str, role: str, *, actor: str = COMMAND_LINE
) -> str:
    """Give the account another role; the role it had before."""
    _check_role(role)
    with session_factory() as session, session.begin():
        user = _existing(session, name)
        before = user.role
        if before != role:
            user.role = role
            _record(session, "role", actor=actor, account=user.name, before=before, after=role)
        return before


def set_active(
    session_factory: Callable[[], Session], name: str, active: bool, *, actor: str = COMMAND_LINE
) -> bool:
    """Enable or disable the account; whether it was active before. A disabled account
    cannot sign in, and its open sessions end at their next request (require_sign_in)."""
    with session_factory() as session, session.begin():
        user = _existing(session, name)
        before = user.active
        if before != active:
            user.active = active
            _record(
                session,
                "enabled" if active else "disabled",
                actor=actor,
                account=user.name,
                before="actief" if before else "uit",
                after="actief" if active else "uit",
            )
        return before


def list_accounts(session_factory: Callable[[], Session]) -> list[Account]:
    with session_factory() as session:
        return [
            Account(user.name, user.role, user.active, user.created_at)
            for user in session.scalars(select(StaffUser).order_by(StaffUser.name))
        ]


def check_sign_in(
    session_factory: Callable[[], Session], name: str, password: str, address: str = ""
) -> str | None:
    """The account name when name and password match an active account, else None.
    Both outcomes go into the audit trail (never the password)."""
    name = normalise_name(name)
    with session_factory() as session, session.begin():
        user = _find(session, name)
        if user is None or not user.active:
            burn_time_like_a_check(password)
            known = user.name if user is not None else UNKNOWN_ACCOUNT
            _record(
                session,
                "sign_in_failed",
                actor=known,
                account=known,
                after="account uitgezet" if user is not None else "",
                address=address,
            )
            return None
        if not verify_password(password, user.password_hash):
            _record(session, "sign_in_failed", actor=name, account=name, address=address)
            return None
        _record(session, "sign_in", actor=name, account=name, address=address)
        return user.name


def record_blocked_sign_in(
    session_factory: Callable[[], Session], name: str, address: str = ""
) -> None:
    """A sign-in the rate limit refused before the password was checked."""
    name = normalise_name(name)
    with session_factory() as session, session.begin():
        known = name if _find(session, name) is not None else UNKNOWN_ACCOUNT
        _record(
            session,
            "sign_in_failed",
            actor=known,
            account=known,
            after="te vaak geprobeerd",
            address=address,
        )


def active_role(session_factory: Callable[[], Session], name: str) -> str | None:
    """The role of an active account; None when it is missing or disabled."""
    with session_factory() as session:
        user = _find(session, name)
        return user.role if user is not None and user.active else None


def account_events(
    session_factory: Callable[[], Session], limit: int = 50
) -> list[StaffAccountEvent]:
    """The newest entries of the accounts' audit trail, newest first."""
    with session_factory() as session:
        rows = session.scalars(
            select(StaffAccountEvent)
            .order_by(StaffAccountEvent.at.desc(), StaffAccountEvent.id.desc())
            .limit(limit)
        ).all()
        session.expunge_all()
        return list(rows)
