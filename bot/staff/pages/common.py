"""What every staff page shares: the settings, rendering, the period filter and form helpers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final, TypedDict, TypeVar
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.staff.auth import RateLimiter, SessionSigner, StaffSession, staff_secret
from bot.staff.nlu_files import NluData
from bot.staff.review import DEFAULT_THRESHOLD
from bot.staff.roles import Permission, permissions
from bot.staff.stories import STORIES_DIR
from bot.staff.training import TrainingSettings

STAFF_DIR: Final = Path(__file__).resolve().parents[1]
TEMPLATES_DIR: Final = STAFF_DIR / "templates"
STATIC_DIR: Final = STAFF_DIR / "static"
DATABASE_BUSY: Final = (
    "De database is even bezig of niet bereikbaar. Er is niets veranderd. "
    "Probeer het over een minuut opnieuw."
)

log = logging.getLogger(__name__)


@dataclass
class StaffSettings:
    session_factory: Callable[[], Session]
    tracker_engine: Engine
    nlu: NluData = field(default_factory=NluData)
    stories_dir: Path = STORIES_DIR
    secret: bytes = field(default_factory=staff_secret)
    threshold: float = DEFAULT_THRESHOLD
    secure_cookies: bool = False
    session_max_age: int = 8 * 3600
    # Failed sign-ins per account and per address within 15 minutes.
    account_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(5, 15 * 60))
    address_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(20, 15 * 60))
    training: TrainingSettings = field(default_factory=TrainingSettings.from_environment)


SETTINGS: Final = web.AppKey("settings", StaffSettings)
SIGNER: Final = web.AppKey("signer", SessionSigner)
TEMPLATES: Final = web.AppKey("templates", jinja2.Environment)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
AnyHandler = TypeVar("AnyHandler", bound=Handler)
# The attribute `requires` puts on a handler; security.require_permission reads it.
PERMISSION_ATTRIBUTE: Final = "staff_permission"
# The attribute `public` puts on a handler that needs no sign-in at all.
PUBLIC_ATTRIBUTE: Final = "staff_public"
SIGNED_IN: Final = "signed_in"


def requires(permission: Permission | str) -> Callable[[AnyHandler], AnyHandler]:
    """Marks the permission a route needs: a Permission, or SIGNED_IN for any account.
    A route without a mark is refused to everyone (security.require_permission)."""

    def mark(handler: AnyHandler) -> AnyHandler:
        setattr(handler, PERMISSION_ATTRIBUTE, permission)
        return handler

    return mark


def public(handler: AnyHandler) -> AnyHandler:
    """Marks a route that anyone may use without signing in (the sign-in page)."""
    setattr(handler, PUBLIC_ATTRIBUTE, True)
    return handler


def settings(request: web.Request) -> StaffSettings:
    return request.app[SETTINGS]


def user(request: web.Request) -> str:
    """The signed-in staff member (every page but sign-in is behind require_sign_in)."""
    return str(request["session"].user)


# --- rendering ---------------------------------------------------------------------------


def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session: StaffSession = request["session"]
    body = (
        request.app[TEMPLATES]
        .get_template(template)
        .render(
            user=session.user,
            role=request.get("role"),
            # The menu shows only what the role may use (the permissions' values).
            allowed={p.value for p in permissions(request.get("role"))} if session.user else set(),
            csrf_token=request.app[SIGNER].csrf_token(session),
            current_path=request.path,
            **context,
        )
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "error.html", status=status, message=message)


def database_busy(request: web.Request) -> web.Response:
    """The answer when the database failed: nothing was changed, try again soon."""
    log.exception("database error on %s", request.path)
    return error_page(request, 503, DATABASE_BUSY)


def see_other(path: str, **query: object) -> web.HTTPSeeOther:
    """The redirect after a form (raise it): `path?query`, the query left out when empty."""
    return web.HTTPSeeOther(f"{path}?{urlencode(query)}" if query else path)


def notice(query: Mapping[str, str], notices: Mapping[str, str]) -> str | None:
    """The message for the outcome (`?uitkomst=`) a redirect brought the reader back with."""
    return notices.get(query.get("uitkomst", ""))


def when_label(moment: datetime) -> str:
    """A moment as staff read it: day-month-year and time (UTC, as the tracker stores it)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%d-%m-%Y %H:%M")


# --- forms and filters -------------------------------------------------------------------


def form_text(form: Mapping[str, Any], name: str, limit: int | None = None) -> str:
    """A text field as sent, cut at `limit` when given; "" when missing or a file."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class PeriodFields(TypedDict):
    since: str
    until: str


@dataclass(frozen=True)
class Period:
    """The period filter (`van`, `tot`: days, both included) of inbox, audit and statistics."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Period:
        return cls(parse_day(query.get("van", "")), parse_day(query.get("tot", "")))

    @property
    def reversed(self) -> bool:
        return self.since is not None and self.until is not None and self.until < self.since

    def start(self) -> datetime | None:
        """The first moment of the period (UTC, naive as the contacts audit stores it)."""
        return datetime(self.since.year, self.since.month, self.since.day) if self.since else None

    def end(self) -> datetime | None:
        """The first moment after the period: `until` counts as a whole day."""
        if self.until is None:
            return None
        return datetime(self.until.year, self.until.month, self.until.day) + timedelta(days=1)

    def start_timestamp(self) -> float | None:
        start = self.start()
        return start.replace(tzinfo=timezone.utc).timestamp() if start else None

    def end_timestamp(self) -> float | None:
        end = self.end()
        return end.replace(tzinfo=timezone.utc).timestamp() if end else None

    def fields(self) -> PeriodFields:
        """The values for the period macro's date fields (templates/macros.html)."""
        return {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
