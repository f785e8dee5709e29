"""Every route of the staff workspace, walked from its own router: which need a sign-in, and
the security headers and cookie flags on every answer (docs/threat-model.md has the table)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.staff.app import StaffSettings, create_app
from bot.staff.pages.security import COOKIE_NAME, CSP

# The only paths a visitor reaches without signing in; the table in docs/threat-model.md.
PUBLIC = {"/aanmelden", "/static/"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def routes(app: web.Application) -> Iterator[tuple[str, str, str]]:
    """(method, pattern, a concrete path) for every route; placeholders get a harmless value."""
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        pattern = info.get("path") or info.get("formatter") or info.get("prefix") or ""
        path = re.sub(r"\{[^}]+\}", "1", pattern)
        if "prefix" in info:  # the static folder
            path = pattern.rstrip("/") + "/staff.css"
            pattern = pattern.rstrip("/") + "/"
        yield route.method, pattern, path


def assert_headers(response, where: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{name} on {where}"
    # The training page adds its own script (CSP with script-src 'self'); nothing inline.
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith(CSP), f"CSP on {where}"
    assert "frame-ancestors 'none'" in csp and "unsafe" not in csp, where


async def test_every_route_needs_a_sign_in_except_the_public_ones(
    staff_settings: StaffSettings, signed_in: TestClient
) -> None:
    app = create_app(staff_settings)
    walked = list(routes(app))
    assert len(walked) > 10  # the walk found the real router, not an empty one
    async with TestClient(TestServer(app)) as anonymous:
        public: set[str] = set()
        for method, pattern, path in walked:
            response = await anonymous.request(method, path, allow_redirects=False)
            assert response.status != 500, f"{method} {pattern}"
            assert_headers(response, f"anonymous {method} {pattern}")
            if response.status == 303 and response.headers["Location"] == "/aanmelden":
                continue
            public.add(pattern)
        assert public == PUBLIC
    for method, pattern, path in walked:
        response = await signed_in.request(method, path, allow_redirects=False)
        assert response.status < 500, f"{method} {pattern}"
        assert_headers(response, f"signed in {method} {pattern}")
        if method == "POST":
            # A form without its CSRF token changes nothing, whoever sends it.
            assert response.status == 403, pattern


async def test_the_session_cookie_is_secure_behind_https(staff_settings: StaffSettings) -> None:
    staff_settings.secure_cookies = True
    async with TestClient(TestServer(create_app(staff_settings))) as client:
        response = await client.get("/aanmelden")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert flag in cookie, flag


async def test_without_https_the_cookie_is_not_marked_secure(
    staff_settings: StaffSettings,
) -> None:
    async with TestClient(TestServer(create_app(staff_settings))) as client:
        response = await client.get("/aanmelden")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # a plain-http development workspace must still work
