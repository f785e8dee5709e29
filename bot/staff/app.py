"""The staff workspace (aiohttp + jinja2): wires the middlewares and the pages' routes."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.settings import settings
from bot.staff.auth import SessionSigner
from bot.staff.pages import (
    account,
    accounts,
    audit,
    callbacks,
    contacts,
    inbox,
    security,
    statistics,
    training,
)
from bot.staff.pages.common import (
    SETTINGS,
    SIGNER,
    STATIC_DIR,
    TEMPLATES,
    StaffSettings,
    templates,
)

log = logging.getLogger(__name__)



def create_app(settings: StaffSettings) -> web.Application:
    app = web.Application(
        middlewares=[
            security.security_headers,
            security.sessions,
            security.require_sign_in,
            security.require_permission,
            # After sign-in (nobody else gets the larger limit), before the CSRF check,
            # which reads the body.
            contacts.upload_limit,
            security.csrf_protection,
        ],
        client_max_size=64 * 1024,
    )
    app[SETTINGS] = settings
    app[SIGNER] = SessionSigner(settings.secret, settings.session_max_age)
    app[TEMPLATES] = templates()
    for page in (account, inbox, training, contacts, audit, statistics, callbacks, accounts):
        page.add_routes(app)
    app.router.add_static("/static/", STATIC_DIR, show_index=False)
    return app


def settings_from_environment() -> StaffSettings:
    """Settings from the environment; creates the staff tables when they are missing."""
    from sqlalchemy import create_engine

    from bot.db.conversations import tracker_metadata, tracker_store_url
    from bot.db.session import create_schema, make_engine, make_session_factory

    engine = make_engine()
    create_schema(engine)
    config = settings()
    if not config.staff_secret:
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
        threshold=config.review_threshold,
        secure_cookies=config.staff_secure_cookies,
    )


def run(host: str = "127.0.0.1", port: int = 8090) -> None:
    """Serve the workspace until SIGINT/SIGTERM (blocking)."""
    app = create_app(settings_from_environment())
    print(f"Werkplek voor medewerkers: http://{host}:{port}/", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
