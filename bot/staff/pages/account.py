"""Signing in and out."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.staff.pages.common import (
    SIGNED_IN,
    SIGNER,
    error_page,
    form_text,
    public,
    render,
    requires,
    settings,
)
from bot.staff.roles import start_page
from bot.staff.users import active_role, check_sign_in, normalise_name, record_blocked_sign_in

log = logging.getLogger(__name__)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/aanmelden", sign_in_page)
    app.router.add_post("/aanmelden", sign_in)
    app.router.add_post("/afmelden", sign_out)


@requires(SIGNED_IN)
async def home(request: web.Request) -> web.StreamResponse:
    first = start_page(request.get("role"))
    if first is None:
        return error_page(request, 403, (
            "Uw account heeft geen rol waarmee u iets in de werkplek kunt doen. "
            "Vraag een beheerder om u een rol te geven."
        ))  # fmt: skip
    raise web.HTTPSeeOther(first)


@public
async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if request["session"].user is not None:
        raise web.HTTPSeeOther("/")
    return render(request, "sign_in.html", error=None, name="")


@public
async def sign_in(request: web.Request) -> web.StreamResponse:
    staff = settings(request)
    form = await request.post()
    name = normalise_name(form_text(form, "naam"))[:100]
    password = form_text(form, "wachtwoord")
    address = request.remote or "?"
    account_key = f"account:{name}"
    address_key = f"address:{address}"
    if staff.account_limiter.blocked(account_key) or staff.address_limiter.blocked(address_key):
        log.warning("sign-in blocked by rate limit: account %r from %s", name, address)
        record_blocked_sign_in(staff.session_factory, name, address)
        return render(request, "sign_in.html", status=429, name=name, error=(
            "Te vaak een verkeerd wachtwoord. Wacht een kwartier en probeer het dan opnieuw."
        ))  # fmt: skip
    user = check_sign_in(staff.session_factory, name, password, address) if name else None
    if user is None:
        staff.account_limiter.fail(account_key)
        staff.address_limiter.fail(address_key)
        log.info("failed sign-in for %r from %s", name, address)
        return render(request, "sign_in.html", status=401, name=name, error=(
            "De naam of het wachtwoord klopt niet."
        ))  # fmt: skip
    staff.account_limiter.reset(account_key)
    # A fresh session id at sign-in: a session planted before cannot be taken over.
    request["session"] = request.app[SIGNER].new(user)
    raise web.HTTPSeeOther(start_page(active_role(staff.session_factory, user)) or "/")


@requires(SIGNED_IN)
async def sign_out(request: web.Request) -> web.StreamResponse:
    request["session"] = request.app[SIGNER].new()
    raise web.HTTPSeeOther("/aanmelden")
