"""The staff web application: sign-in everywhere, cookies, CSRF, rate limits and annotating."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from bot.staff.commands import cmd_staff_user_add
from bot.staff.pages.security import COOKIE_NAME, CSP
from bot.staff.users import check_sign_in
from tests.support.staff import CSRF, STAFF_NAME, STAFF_PASSWORD, csrf_of, sign_in

GET_PAGES = ["/", "/inbox", "/inbox?route=melding", "/inbox/1", "/inbox/999"]
POST_PAGES = ["/inbox/1/onderwerp", "/afmelden"]


@pytest.mark.parametrize("path", GET_PAGES)
async def test_every_page_needs_sign_in(client: TestClient, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/aanmelden"
    assert "inwoner" not in await response.text()


@pytest.mark.parametrize("path", POST_PAGES)
async def test_every_form_needs_sign_in(client: TestClient, path: str, nlu_dir: Path) -> None:
    token = await csrf_of(client, "/aanmelden")
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    response = await client.post(
        path, data={"csrf_token": token, "onderwerp": "youth"}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/aanmelden"
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot


async def test_forged_cookie_is_not_signed_in(client: TestClient) -> None:
    from bot.staff.auth import SessionSigner

    forged = SessionSigner(b"not-the-secret" * 3).dump(SessionSigner(b"x" * 32).new(STAFF_NAME))
    client.session.cookie_jar.update_cookies({COOKIE_NAME: forged})
    response = await client.get("/inbox", allow_redirects=False)
    assert response.status == 303


async def test_sign_in_sets_a_strict_http_only_cookie(client: TestClient) -> None:
    response = await sign_in(client)
    assert response.status == 303
    assert response.headers["Location"] == "/inbox"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Max-Age=28800" in cookie
    page = await client.get("/inbox")
    assert page.status == 200
    assert f"Aangemeld als {STAFF_NAME}" in await page.text()


async def test_pages_have_a_strict_csp_and_no_scripts(signed_in: TestClient) -> None:
    for path in ("/aanmelden", "/inbox"):
        response = await signed_in.get(path)
        assert response.headers["Content-Security-Policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP
        assert "<script" not in await response.text()
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_wrong_password_is_refused(client: TestClient) -> None:
    response = await sign_in(client, password="niet-het-goede-wachtwoord")
    assert response.status == 401
    assert (await client.get("/inbox", allow_redirects=False)).status == 303


@pytest.mark.parametrize("token", ["", "verkeerd"])
async def test_sign_in_without_the_right_csrf_token_is_refused(
    client: TestClient, token: str
) -> None:
    await client.get("/aanmelden")
    response = await client.post(
        "/aanmelden",
        data={"naam": STAFF_NAME, "wachtwoord": STAFF_PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 403
    assert (await client.get("/inbox", allow_redirects=False)).status == 303


async def test_annotate_with_wrong_csrf_token_is_refused(
    signed_in: TestClient, nlu_dir: Path
) -> None:
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    inbox = await (await signed_in.get("/inbox")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    for data in ({"onderwerp": "youth"}, {"onderwerp": "youth", "csrf_token": "x" * 43}):
        response = await signed_in.post(
            f"/inbox/{event_id}/onderwerp", data=data, allow_redirects=False
        )
        assert response.status == 403
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot


async def test_csrf_token_of_another_session_is_refused(signed_in: TestClient) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        page = await (await other.get(signed_in.make_url("/aanmelden"))).text()
    foreign_token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    assert foreign_token != await csrf_of(signed_in, "/inbox")
    response = await signed_in.post(
        "/afmelden", data={"csrf_token": foreign_token}, allow_redirects=False
    )
    assert response.status == 403


async def test_sign_in_is_rate_limited_per_account(client: TestClient) -> None:
    for _ in range(5):
        assert (await sign_in(client, password="fout-fout-fout-fout")).status == 401
    # Now even the right password waits.
    response = await sign_in(client)
    assert response.status == 429
    assert "Wacht een kwartier" in await response.text()
    assert (await client.get("/inbox", allow_redirects=False)).status == 303


async def test_sign_in_is_rate_limited_per_address(client: TestClient) -> None:
    for number in range(20):
        response = await sign_in(client, name=f"iemand{number}", password="fout-fout-fout")
        assert response.status == 401
    assert (await sign_in(client)).status == 429


async def test_sign_out_ends_the_session(signed_in: TestClient) -> None:
    token = await csrf_of(signed_in, "/inbox")
    response = await signed_in.post("/afmelden", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert (await signed_in.get("/inbox", allow_redirects=False)).status == 303


async def test_inbox_lists_masked_messages_and_filters(signed_in: TestClient) -> None:
    page = await (await signed_in.get("/inbox")).text()
    assert "mijn buurman Sam belt steeds aan" in page
    assert "0612345678" not in page and "Piet" not in page
    assert page.index("de hond van de buren") < page.index("die lamp bij het speeltuintje")
    melding = await (await signed_in.get("/inbox?route=melding")).text()
    assert "die lamp" in melding and "de hond" not in melding
    period = await (await signed_in.get("/inbox?van=2026-03-05&tot=2026-03-10")).text()
    assert "die lamp" in period and "de hond" not in period and "belt steeds aan" not in period


async def test_review_and_annotate(signed_in: TestClient, nlu_dir: Path) -> None:
    inbox = await (await signed_in.get("/inbox?route=melding")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    page = await signed_in.get(f"/inbox/{event_id}")
    text = await page.text()
    assert page.status == 200
    assert "die lamp bij het speeltuintje doet het niet meer" in text
    assert "55%" in text  # the bot's top guess
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp",
        data={"csrf_token": token, "onderwerp": "report_defect"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/inbox?uitkomst=added"
    written = (nlu_dir / "report_defect.yml").read_text(encoding="utf-8")
    assert written.endswith("    - die lamp bij het speeltuintje doet het niet meer\n")
    after = await (await signed_in.get("/inbox?uitkomst=added")).text()
    assert "als voorbeeld toegevoegd" in after
    assert "die lamp" not in after


async def test_unknown_topic_is_refused(signed_in: TestClient, nlu_dir: Path) -> None:
    inbox = await (await signed_in.get("/inbox")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    token = await csrf_of(signed_in, "/inbox")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp", data={"csrf_token": token, "onderwerp": "../../etc"}
    )
    assert response.status == 400


def test_staff_user_add_from_stdin(session_factory: sessionmaker) -> None:
    args = argparse.Namespace(name="Bert", password_stdin=True)
    code = cmd_staff_user_add(
        args, session_factory=session_factory, stdin=io.StringIO("nog-een-lang-wachtwoord\n")
    )
    assert code == 0
    assert check_sign_in(session_factory, "bert", "nog-een-lang-wachtwoord") == "bert"
    assert check_sign_in(session_factory, "bert", "fout") is None


def test_staff_user_add_asks_twice(session_factory: sessionmaker) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["een-wachtwoord-van-mij", "een-ander-wachtwoord"])
    args = argparse.Namespace(name="carla", password_stdin=False)
    code = cmd_staff_user_add(
        args, session_factory=session_factory, stdin=Terminal(), ask=lambda _: next(answers)
    )
    assert code == 1
    assert check_sign_in(session_factory, "carla", "een-wachtwoord-van-mij") is None
    short = argparse.Namespace(name="carla", password_stdin=True)
    assert (
        cmd_staff_user_add(short, session_factory=session_factory, stdin=io.StringIO("kort\n")) == 1
    )


def test_command_line_parsers() -> None:
    from bot.staff.commands import add_staff_parsers, cmd_staff

    parser = argparse.ArgumentParser(prog="wijkwijzer")
    add_staff_parsers(parser.add_subparsers(dest="command", required=True))
    staff = parser.parse_args(["staff", "--port", "8091"])
    assert (staff.port, staff.host, staff.handler) == (8091, "127.0.0.1", cmd_staff)
    user = parser.parse_args(["staff-user", "add", "anna", "--password-stdin"])
    assert (user.name, user.password_stdin, user.handler) == ("anna", True, cmd_staff_user_add)
