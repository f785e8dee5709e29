"""Staff accounts: create, change a password, check a sign-in."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models.staff import StaffUser
from bot.staff.auth import burn_time_like_a_check, hash_password, password_problem, verify_password


class AccountError(ValueError):
    """A Dutch message for the person at the command line."""


def normalise_name(name: str) -> str:
    return name.strip().lower()


def add_or_update_user(session_factory: Callable[[], Session], name: str, password: str) -> bool:
    """Create the account, or set a new password when it exists; True when it was created."""
    name = normalise_name(name)
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise AccountError("Een naam heeft 1 tot 100 tekens, zonder spaties.")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    with session_factory() as session, session.begin():
        user = session.scalars(select(StaffUser).where(StaffUser.name == name)).first()
        if user is None:
            session.add(StaffUser(name=name, password_hash=hash_password(password), active=True))
            return True
        user.password_hash = hash_password(password)
        user.active = True
        return False


def check_sign_in(session_factory: Callable[[], Session], name: str, password: str) -> str | None:
    """The account name when name and password match an active account, else None."""
    name = normalise_name(name)
    with session_factory() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.name == name)).first()
        if user is None or not user.active:
            burn_time_like_a_check(password)
            return None
        return user.name if verify_password(password, user.password_hash) else None


def is_active(session_factory: Callable[[], Session], name: str) -> bool:
    with session_factory() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.name == name)).first()
        return user is not None and user.active
