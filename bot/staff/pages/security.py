"""The workspace's middlewares: security headers, signed sessions, sign-in and CSRF checks."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from bot.staff.auth import StaffSession
from bot.staff.pages.common import SETTINGS, SIGNER, Handler, error_page
from bot.staff.users import is_active

COOKIE_NAME: Final = "wijkwijzer_staff"
PUBLIC_PATHS: Final = frozenset({"/aanmelden"})
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
            return error_page(request, 403, (
                "Dit formulier is verlopen of komt niet van deze site. "
                "Ga terug, laad de pagina opnieuw en probeer het nog eens."
            ))  # fmt: skip
    return await handler(request)
