"""The staff workspace (aiohttp + jinja2): sign-in and the review inbox, in Dutch."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.core.constants import ROUTE_CODES
from bot.staff.auth import RateLimiter, SessionSigner, StaffSession, staff_secret
from bot.staff.labels import guess_label, route_label, topic_label
from bot.staff.nlu_files import NluData
from bot.staff.review import (
    DEFAULT_THRESHOLD,
    AlreadyDecided,
    InboxFilter,
    NotResidentText,
    ReviewInbox,
    decide,
)
from bot.staff.stories import STORIES_DIR, StoryRefused, write_test_story
from bot.staff.training import TrainingSettings
from bot.staff.users import check_sign_in, is_active, normalise_name

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE_NAME: Final = "wijkwijzer_staff"
NO_TOPIC: Final = "__geen__"
ENV_THRESHOLD: Final = "WIJKWIJZER_REVIEW_THRESHOLD"
ENV_SECURE_COOKIES: Final = "WIJKWIJZER_STAFF_SECURE_COOKIES"
PUBLIC_PATHS: Final = frozenset({"/aanmelden"})
CSP: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


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


def create_app(settings: StaffSettings) -> web.Application:
    from bot.staff import contacts

    app = web.Application(
        middlewares=[
            security_headers,
            sessions,
            require_sign_in,
            contacts.upload_limit,
            csrf_protection,
        ],
        client_max_size=64 * 1024,
    )
    app[SETTINGS] = settings
    app[SIGNER] = SessionSigner(settings.secret, settings.session_max_age)
    app[TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app.router.add_get("/", home)
    app.router.add_get("/aanmelden", sign_in_page)
    app.router.add_post("/aanmelden", sign_in)
    app.router.add_post("/afmelden", sign_out)
    app.router.add_get("/inbox", inbox_page)
    app.router.add_get("/inbox/{event_id:\\d+}", item_page)
    app.router.add_post("/inbox/{event_id:\\d+}/onderwerp", annotate)
    app.router.add_post("/inbox/{event_id:\\d+}/testverhaal", save_test_story)
    from bot.staff.training_pages import add_training_routes  # it imports this module

    add_training_routes(app)
    contacts.setup(app)
    from bot.staff.statistics import add_statistics_routes  # it imports this module

    add_statistics_routes(app)
    app.router.add_static("/static/", HERE / "static", show_index=False)
    return app


# --- middlewares -------------------------------------------------------------------------


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    signer = request.app[SIGNER]
    loaded = signer.load(request.cookies.get(COOKIE_NAME))
    session = loaded or signer.new()
    request["session"] = session
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    current: StaffSession = request["session"]
    if current is not loaded:
        settings = request.app[SETTINGS]
        response.set_cookie(
            COOKIE_NAME,
            signer.dump(current),
            max_age=settings.session_max_age,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=settings.secure_cookies,
        )
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def require_sign_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC_PATHS or request.path.startswith("/static/"):
        return await handler(request)
    session: StaffSession = request["session"]
    settings = request.app[SETTINGS]
    if session.user is None or not is_active(settings.session_factory, session.user):
        if session.user is not None:
            request["session"] = request.app[SIGNER].new()
        raise web.HTTPSeeOther("/aanmelden")
    return await handler(request)


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        form = await request.post()
        token = form.get("csrf_token")
        if not request.app[SIGNER].csrf_ok(
            request["session"], token if isinstance(token, str) else None
        ):
            return render(request, "error.html", status=403, message=(
                "Dit formulier is verlopen of komt niet van deze site. "
                "Ga terug, laad de pagina opnieuw en probeer het nog eens."
            ))  # fmt: skip
    return await handler(request)


# --- rendering ---------------------------------------------------------------------------


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session: StaffSession = request["session"]
    body = (
        request.app[TEMPLATES]
        .get_template(template)
        .render(
            user=session.user,
            csrf_token=request.app[SIGNER].csrf_token(session),
            current_path=request.path,
            **context,
        )
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def when_label(moment: datetime) -> str:
    """A moment as staff read it: day-month-year and time (UTC, as the tracker stores it)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%d-%m-%Y %H:%M")


# --- pages -------------------------------------------------------------------------------


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/inbox")


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if request["session"].user is not None:
        raise web.HTTPSeeOther("/inbox")
    return render(request, "sign_in.html", error=None, name="")


async def sign_in(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await request.post()
    name = normalise_name(str(form.get("naam", "")))[:100]
    password = str(form.get("wachtwoord", ""))
    address = request.remote or "?"
    account_key = f"account:{name}"
    address_key = f"address:{address}"
    if settings.account_limiter.blocked(account_key) or settings.address_limiter.blocked(
        address_key
    ):
        log.warning("sign-in blocked by rate limit: account %r from %s", name, address)
        return render(request, "sign_in.html", status=429, name=name, error=(
            "Te vaak een verkeerd wachtwoord. Wacht een kwartier en probeer het dan opnieuw."
        ))  # fmt: skip
    user = check_sign_in(settings.session_factory, name, password) if name else None
    if user is None:
        settings.account_limiter.fail(account_key)
        settings.address_limiter.fail(address_key)
        log.info("failed sign-in for %r from %s", name, address)
        return render(request, "sign_in.html", status=401, name=name, error=(
            "De naam of het wachtwoord klopt niet."
        ))  # fmt: skip
    settings.account_limiter.reset(account_key)
    # A fresh session id at sign-in: a session planted before cannot be taken over.
    request["session"] = request.app[SIGNER].new(user)
    raise web.HTTPSeeOther("/inbox")


async def sign_out(request: web.Request) -> web.StreamResponse:
    request["session"] = request.app[SIGNER].new()
    raise web.HTTPSeeOther("/aanmelden")


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _timestamp(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


async def inbox_page(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    route = request.query.get("route", "")
    route = route if route in ROUTE_CODES else ""
    since = _parse_day(request.query.get("van", ""))
    until = _parse_day(request.query.get("tot", ""))
    wanted = InboxFilter(
        route=route or None,
        since=_timestamp(since) if since else None,
        until=_timestamp(until + timedelta(days=1)) if until else None,
        threshold=settings.threshold,
    )
    inbox = ReviewInbox(settings.tracker_engine, settings.session_factory)
    items = inbox.items(wanted)
    return render(
        request,
        "inbox.html",
        items=items,
        routes=[(code, route_label(code)) for code in ROUTE_CODES],
        route=route,
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
        notice=_notice(request.query),
        guess_label=guess_label,
        route_label=route_label,
        when_label=when_label,
    )


def _notice(query: Any) -> str | None:
    outcome = query.get("uitkomst")
    return {
        "added": "Het bericht is als voorbeeld toegevoegd. Het telt mee bij de volgende training.",
        "duplicate": "Dit voorbeeld stond er al in. Het bericht is afgehandeld.",
        "no_topic": "Het bericht is afgehandeld zonder onderwerp.",
        "story": "Het gesprek is bewaard als test. Bij elke test wordt gecontroleerd "
        "of de bot nog zo antwoordt.",
    }.get(outcome or "")


ITEM_NOTICES: Final = {
    "al_beoordeeld": "U had dit bericht al eerder beoordeeld. Er is niets veranderd.",
    "collega": "Een collega had dit bericht al beoordeeld. Uw keuze is niet opgeslagen.",
}


async def item_page(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    inbox = ReviewInbox(settings.tracker_engine, settings.session_factory)
    event_id = int(request.match_info["event_id"])
    item = inbox.item(event_id, settings.threshold)
    if item is None:
        return render(request, "error.html", status=404, message="Dit bericht bestaat niet.")
    topics = sorted(settings.nlu.intents(), key=topic_label)
    return render(
        request,
        "item.html",
        item=item,
        decision=inbox.decision(event_id),
        notice=ITEM_NOTICES.get(request.query.get("uitkomst", "")),
        topics=[(intent, topic_label(intent)) for intent in topics],
        no_topic=NO_TOPIC,
        topic_label=topic_label,
        guess_label=guess_label,
        route_label=route_label,
        when_label=when_label,
    )


async def annotate(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await request.post()
    choice = str(form.get("onderwerp", ""))
    known = settings.nlu.intents()
    if choice != NO_TOPIC and choice not in known:
        return render(request, "error.html", status=400, message="Kies een onderwerp uit de lijst.")
    inbox = ReviewInbox(settings.tracker_engine, settings.session_factory)
    event_id = int(request.match_info["event_id"])
    user = request["session"].user
    try:
        decision = decide(
            inbox, settings.nlu, event_id, None if choice == NO_TOPIC else choice, user
        )
    except LookupError:
        return render(request, "error.html", status=404, message="Dit bericht bestaat niet.")
    except NotResidentText:
        return render(request, "error.html", status=409, message=(
            "Dit bericht is een klik op een knop, geen tekst van een inwoner. "
            "Het kan geen voorbeeldzin worden."
        ))  # fmt: skip
    except AlreadyDecided as earlier:
        outcome = "al_beoordeeld" if earlier.decision.decided_by == user else "collega"
        raise web.HTTPSeeOther(f"/inbox/{event_id}?" + urlencode({"uitkomst": outcome})) from None
    log.info("%s reviewed message %d: %s", user, event_id, decision.outcome)
    raise web.HTTPSeeOther("/inbox?" + urlencode({"uitkomst": decision.outcome}))


async def save_test_story(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    inbox = ReviewInbox(settings.tracker_engine, settings.session_factory)
    event_id = int(request.match_info["event_id"])
    try:
        path = write_test_story(inbox, event_id, settings.stories_dir)
    except LookupError:
        return render(request, "error.html", status=404, message="Dit bericht bestaat niet.")
    except StoryRefused as refusal:
        return render(request, "error.html", status=409, message=str(refusal))
    log.info("%s saved test story %s", request["session"].user, path.name)
    raise web.HTTPSeeOther("/inbox?" + urlencode({"uitkomst": "story"}))


# --- running -----------------------------------------------------------------------------


def settings_from_environment() -> StaffSettings:
    """Settings from the environment; creates the staff tables when they are missing."""
    from sqlalchemy import create_engine

    from bot.db.conversations import tracker_metadata, tracker_store_url
    from bot.db.session import create_schema, make_engine, make_session_factory

    engine = make_engine()
    create_schema(engine)
    threshold = float(os.environ.get(ENV_THRESHOLD, "") or DEFAULT_THRESHOLD)
    if not os.environ.get("WIJKWIJZER_STAFF_SECRET"):
        log.warning(
            "WIJKWIJZER_STAFF_SECRET is niet ingesteld: na een herstart moet iedereen "
            "opnieuw aanmelden."
        )
    tracker_engine = create_engine(tracker_store_url(), future=True)
    # Before Rasa has run once the table is missing; Rasa finds it there and keeps it.
    tracker_metadata.create_all(tracker_engine)
    return StaffSettings(
        session_factory=make_session_factory(engine),
        tracker_engine=tracker_engine,
        threshold=threshold,
        secure_cookies=os.environ.get(ENV_SECURE_COOKIES, "") == "1",
    )


def run(host: str = "127.0.0.1", port: int = 8090) -> None:
    """Serve the workspace until SIGINT/SIGTERM (blocking)."""
    app = create_app(settings_from_environment())
    print(f"Werkplek voor medewerkers: http://{host}:{port}/", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
