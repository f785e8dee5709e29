"""The workspace's middlewares: security headers, signed sessions, sign-in, roles and CSRF."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from bot.staff.auth import StaffSession
from bot.staff.pages.common import (
    PERMISSION_ATTRIBUTE,
    PUBLIC_ATTRIBUTE,
    SETTINGS,
    SIGNED_IN,
    SIGNER,
    Handler,
    error_page,
)
from bot.staff.roles import permissions
from bot.staff.users import active_role

COOKIE_NAME: Final = "wijkwijzer_staff"
CSP: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


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


def _public(request: web.Request) -> bool:
    """The sign-in page (marked with common.public) and the static files."""
    match = request.match_info
    if isinstance(match.route.resource, web.StaticResource):
        return True
    return bool(getattr(match.handler, PUBLIC_ATTRIBUTE, False))


@web.middleware
async def require_sign_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _public(request):
        return await handler(request)
    session: StaffSession = request["session"]
    settings = request.app[SETTINGS]
    role = active_role(settings.session_factory, session.user) if session.user else None
    if role is None:
        if session.user is not None:
            # The account was disabled or removed: its session ends here.
            request["session"] = request.app[SIGNER].new()
        raise web.HTTPSeeOther("/aanmelden")
    # Read again on every request, so a new role counts at once.
    request["role"] = role
    return await handler(request)


@web.middleware
async def require_permission(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route names what it needs (common.requires); a route that names nothing is
    refused, so a page added without a mark is closed rather than open to every role."""
    match = request.match_info
    if match.http_exception is not None or _public(request):
        return await handler(request)
    needed = getattr(match.handler, PERMISSION_ATTRIBUTE, None)
    if needed == SIGNED_IN or (needed is not None and needed in permissions(request.get("role"))):
        return await handler(request)
    return error_page(request, 403, (
        "Dit deel van de werkplek hoort niet bij uw rol. Er is niets veranderd. "
        "Heeft u het wel nodig voor uw werk? Vraag het dan aan een beheerder."
    ))  # fmt: skip


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        form = await request.post()
        token = form.get("csrf_token")
        if not request.app[SIGNER].csrf_ok(
            request["session"], token if isinstance(token, str) else None
        ):
            return error_page(request, 403, (
                "Dit formulier is verlopen of komt niet van deze site. "
                "Ga terug, laad de pagina opnieuw en probeer het nog eens."
            ))  # fmt: skip
    return await handler(request)
