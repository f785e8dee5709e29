"""Roles in the workspace: every page and form checks its permission on the server."""

from __future__ import annotations

import argparse
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.db.models import StaffAccountEvent
from bot.staff.app import StaffSettings, create_app
from bot.staff.commands import STAFF_ROLES, add_staff_parsers, cmd_staff_user_add
from bot.staff.pages.common import PERMISSION_ATTRIBUTE, PUBLIC_ATTRIBUTE, SIGNED_IN
from bot.staff.roles import ROLES, Permission, permissions
from bot.staff.users import set_active, set_role
from tests.support.contacts import contact_form
from tests.support.servers import DEMO_DIR
from tests.support.staff import STAFF_NAME, STAFF_PASSWORD, csrf_of, sign_in

SignInAs = Callable[[TestClient, str], Awaitable[TestClient]]

# Every route of the workspace and what it needs; a route missing here fails the first test.
# `{event}` and `{contact}` are filled with a real review item and a real contact.
ROUTES: dict[tuple[str, str], Permission | str] = {
    ("GET", "/"): SIGNED_IN,
    ("GET", "/aanmelden"): "public",
    ("POST", "/aanmelden"): "public",
    ("POST", "/afmelden"): SIGNED_IN,
    ("GET", "/inbox"): Permission.INBOX,
    ("GET", "/inbox/{event}"): Permission.INBOX,
    ("POST", "/inbox/{event}/onderwerp"): Permission.INBOX,
    ("POST", "/inbox/{event}/testverhaal"): Permission.INBOX,
    ("GET", "/training"): Permission.TRAINING,
    ("POST", "/training/start"): Permission.TRAINING,
    ("POST", "/training/meten"): Permission.TRAINING,
    ("POST", "/training/1/accepteren"): Permission.TRAINING,
    ("GET", "/training/1/stand"): Permission.TRAINING,
    ("GET", "/contacten"): Permission.CONTACTS,
    ("GET", "/contacten/nieuw"): Permission.CONTACTS,
    ("POST", "/contacten/nieuw"): Permission.CONTACTS,
    ("GET", "/contacten/{contact}"): Permission.CONTACTS,
    ("POST", "/contacten/{contact}"): Permission.CONTACTS,
    ("POST", "/contacten/{contact}/inactief"): Permission.CONTACTS,
    ("POST", "/contacten/{contact}/actief"): Permission.CONTACTS,
    ("GET", "/contacten/upload"): Permission.CONTACTS,
    ("POST", "/contacten/upload"): Permission.CONTACTS,
    ("POST", "/contacten/upload/abc/toepassen"): Permission.CONTACTS,
    ("POST", "/contacten/upload/abc/opnieuw"): Permission.CONTACTS,
    ("POST", "/contacten/upload/abc/annuleren"): Permission.CONTACTS,
    ("GET", "/wijzigingen"): Permission.CONTACTS,
    ("GET", "/statistieken"): Permission.STATISTICS,
    ("GET", "/accounts"): Permission.ACCOUNTS,
    ("POST", "/accounts/rol"): Permission.ACCOUNTS,
    ("POST", "/accounts/status"): Permission.ACCOUNTS,
    ("GET", "/terugbellen"): Permission.CALLBACKS,
    ("GET", "/terugbellen/WW-ABCDEFGH"): Permission.CALLBACKS,
    ("POST", "/terugbellen/WW-ABCDEFGH/status"): Permission.CALLBACKS,
}
# Pages that need no outside server to answer, for the roles that may open them.
PLAIN_PAGES = [
    "/inbox",
    "/inbox/{event}",
    "/contacten",
    "/contacten/{contact}",
    "/contacten/nieuw",
    "/contacten/upload",
    "/wijzigingen",
    "/statistieken",
    "/accounts",
    "/terugbellen",
]
MENU = {
    Permission.INBOX: 'href="/inbox"',
    Permission.CALLBACKS: 'href="/terugbellen"',
    Permission.TRAINING: 'href="/training"',
    Permission.CONTACTS: 'href="/contacten"',
    Permission.STATISTICS: 'href="/statistieken"',
    Permission.ACCOUNTS: 'href="/accounts"',
}
RESIDENT_WORDS = "Merelstraat"


@pytest.fixture(autouse=True)
def demo(session_factory: sessionmaker) -> None:
    import_directory(DEMO_DIR, session_factory)


def _route_key(resource: web.AbstractResource) -> str:
    info = resource.get_info()
    return str(info.get("path") or info.get("formatter") or info.get("prefix"))


def test_every_route_names_its_permission_and_is_in_this_table(
    staff_settings: StaffSettings,
) -> None:
    app = create_app(staff_settings)
    found: dict[tuple[str, str], Any] = {}
    for route in app.router.routes():
        if route.method == "HEAD" or _route_key(route.resource).startswith("/static"):
            continue
        handler = route.handler
        mark = "public" if getattr(handler, PUBLIC_ATTRIBUTE, False) else None
        found[(route.method, _route_key(route.resource))] = mark or getattr(
            handler, PERMISSION_ATTRIBUTE, None
        )
    expected = {
        (method, path.replace("{event}", "{event_id}").replace("{contact}", "{contact_id}")
         .replace("/1/", "/{run_id}/").replace("/abc/", "/{token}/")
         .replace("/WW-ABCDEFGH", "/{reference}")): needed
        for (method, path), needed in ROUTES.items()
    }  # fmt: skip
    assert found == expected


def test_the_roles_grant_what_the_issue_asks() -> None:
    assert permissions("beheerder") == frozenset(Permission)
    assert permissions("redacteur") == {
        Permission.INBOX, Permission.CALLBACKS, Permission.CONTACTS, Permission.STATISTICS
    }  # fmt: skip
    assert permissions("lezer") == {Permission.STATISTICS}
    assert permissions("onbekend") == frozenset()
    assert STAFF_ROLES == ROLES


def _ids(session_factory: sessionmaker, staff_settings: StaffSettings) -> dict[str, str]:
    with staff_settings.tracker_engine.connect() as connection:
        event = connection.execute(
            sa.text("SELECT id FROM events WHERE type_name = 'user' ORDER BY id")
        ).scalar()
    with session_factory() as session:
        contact = session.execute(sa.text("SELECT MIN(id) FROM contact")).scalar()
    return {"event": str(event), "contact": str(contact)}


def _everything(session_factory: sessionmaker, staff_settings: StaffSettings) -> dict[str, Any]:
    """Every row of every table (the sign-in trail aside), the tracker, NLU and story files."""
    state: dict[str, Any] = {}
    with session_factory() as session:
        bind = session.get_bind()
        for table in sa.inspect(bind).get_table_names():
            if table != StaffAccountEvent.__tablename__:
                rows = session.execute(sa.text(f'SELECT * FROM "{table}"')).all()
                state[table] = sorted(repr(tuple(row)) for row in rows)
    with staff_settings.tracker_engine.connect() as connection:
        state["events"] = connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar()
    for name, folder in (
        ("nlu", staff_settings.nlu.directory),
        ("stories", staff_settings.stories_dir),
    ):
        files = sorted(Path(folder).rglob("*")) if Path(folder).exists() else []
        state[name] = {str(path): path.read_bytes() for path in files if path.is_file()}
    return state


@pytest.mark.parametrize("role", ["redacteur", "lezer"])
async def test_a_role_without_the_permission_gets_a_dutch_403_and_nothing_changes(
    client: TestClient,
    signed_in_as: SignInAs,
    session_factory: sessionmaker,
    staff_settings: StaffSettings,
    role: str,
) -> None:
    await signed_in_as(client, role)
    ids = _ids(session_factory, staff_settings)
    token = await csrf_of(client, "/statistieken")
    before = _everything(session_factory, staff_settings)
    refused = 0
    for (method, template), needed in ROUTES.items():
        if needed in ("public", SIGNED_IN) or needed in permissions(role):
            continue
        path = template.format(**ids)
        if method == "GET":
            response = await client.get(path, allow_redirects=False)
        else:
            data = [
                *contact_form(),
                ("onderwerp", "ask_safety"),
                ("naam", STAFF_NAME),
                ("rol", "lezer"),
                ("aan", "0"),
                ("csrf_token", token),
            ]
            response = await client.post(path, data=data, allow_redirects=False)
        text = await response.text()
        assert response.status == 403, (method, path)
        assert "hoort niet bij uw rol" in text, (method, path)
        assert RESIDENT_WORDS not in text
        refused += 1
    assert refused == (28 if role == "lezer" else 8)
    assert _everything(session_factory, staff_settings) == before
    # The session is still good: the refusals did not sign the member out.
    assert (await client.get("/statistieken")).status == 200


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_opens_its_pages_and_sees_only_its_menu(
    client: TestClient,
    signed_in_as: SignInAs,
    session_factory: sessionmaker,
    staff_settings: StaffSettings,
    role: str,
) -> None:
    await signed_in_as(client, role)
    ids = _ids(session_factory, staff_settings)
    allowed = permissions(role)
    for template in PLAIN_PAGES:
        if ROUTES[("GET", template)] not in allowed:
            continue
        response = await client.get(template.format(**ids), allow_redirects=False)
        assert response.status == 200, template
    page = await (await client.get("/statistieken")).text()
    for permission, link in MENU.items():
        assert (link in page) == (permission in allowed), (role, permission)
    assert f"({role})" in page


@pytest.mark.parametrize(
    ("role", "start"),
    [("beheerder", "/inbox"), ("redacteur", "/inbox"), ("lezer", "/statistieken")],
)
async def test_sign_in_and_home_lead_to_the_first_page_of_the_role(
    client: TestClient, staff_settings: StaffSettings, role: str, start: str
) -> None:
    from bot.staff.users import add_or_update_user

    add_or_update_user(staff_settings.session_factory, "piet", STAFF_PASSWORD, role)
    response = await sign_in(client, "piet")
    assert (response.status, response.headers["Location"]) == (303, start)
    home = await client.get("/", allow_redirects=False)
    assert (home.status, home.headers["Location"]) == (303, start)


async def test_a_route_without_a_mark_is_refused_to_everyone(
    staff_settings: StaffSettings,
) -> None:
    async def forgotten(request: web.Request) -> web.StreamResponse:
        return web.Response(text="geheim")

    app = create_app(staff_settings)
    app.router.add_get("/vergeten", forgotten)
    async with TestClient(TestServer(app)) as test_client:
        assert (await sign_in(test_client)).status == 303
        response = await test_client.get("/vergeten")
        assert response.status == 403
        assert "geheim" not in await response.text()


async def test_a_new_role_counts_at_the_next_request(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    assert (await signed_in.get("/inbox")).status == 200
    set_role(session_factory, STAFF_NAME, "lezer", actor="bert")
    assert (await signed_in.get("/inbox")).status == 403
    assert (await signed_in.get("/statistieken")).status == 200


async def test_a_disabled_account_loses_its_session_and_cannot_sign_in(
    signed_in: TestClient, session_factory: sessionmaker
) -> None:
    assert set_active(session_factory, STAFF_NAME, False, actor="bert") is True
    response = await signed_in.get("/statistieken", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/aanmelden")
    # The session ended: enabling the account again does not bring it back.
    set_active(session_factory, STAFF_NAME, True, actor="bert")
    response = await signed_in.get("/statistieken", allow_redirects=False)
    assert response.headers.get("Location") == "/aanmelden"
    set_active(session_factory, STAFF_NAME, False, actor="bert")
    assert (await sign_in(signed_in)).status == 401
    set_active(session_factory, STAFF_NAME, True, actor="bert")
    assert (await sign_in(signed_in)).status == 303


def _trail(session_factory: sessionmaker) -> list[tuple[str, str, str, str, str]]:
    with session_factory() as session:
        rows = session.scalars(sa.select(StaffAccountEvent).order_by(StaffAccountEvent.id))
        return [(r.action, r.actor, r.account, r.before, r.after) for r in rows]


async def test_the_trail_records_sign_ins_without_passwords_and_role_changes(
    client: TestClient, session_factory: sessionmaker
) -> None:
    with session_factory() as session:
        session.execute(sa.delete(StaffAccountEvent))
        session.commit()
    assert (await sign_in(client, STAFF_NAME, "verkeerd-wachtwoord-123")).status == 401
    assert (await sign_in(client, STAFF_PASSWORD, "wachtwoord-als-naam")).status == 401
    assert (await sign_in(client)).status == 303
    set_role(session_factory, STAFF_NAME, "redacteur", actor="bert")
    set_active(session_factory, STAFF_NAME, False, actor="bert")
    assert _trail(session_factory) == [
        ("sign_in_failed", STAFF_NAME, STAFF_NAME, "", ""),
        # A password typed as the name is not kept.
        ("sign_in_failed", "(onbekend)", "(onbekend)", "", ""),
        ("sign_in", STAFF_NAME, STAFF_NAME, "", ""),
        ("role", "bert", STAFF_NAME, "beheerder", "redacteur"),
        ("disabled", "bert", STAFF_NAME, "actief", "uit"),
    ]
    with session_factory() as session:
        stored = repr(session.execute(sa.text("SELECT * FROM staff_account_event")).all())
    assert "verkeerd-wachtwoord" not in stored
    assert STAFF_PASSWORD not in stored
    assert "127.0.0.1" in stored


def test_staff_user_role_commands(
    session_factory: sessionmaker, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="wijkwijzer")
    add_staff_parsers(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str, stdin: str = "") -> int:
        args = parser.parse_args(["staff-user", *argv])
        if args.handler is cmd_staff_user_add:
            return cmd_staff_user_add(args, session_factory, io.StringIO(stdin))
        return int(args.handler(args, session_factory))

    assert run("add", "Carla", "--role", "redacteur", "--password-stdin",
               stdin="carla-haar-wachtwoord\n") == 0  # fmt: skip
    assert run("add", "dirk", "--password-stdin", stdin="dirk-zijn-wachtwoord\n") == 0
    assert run("role", "dirk", "beheerder") == 0
    assert run("disable", "carla") == 0
    # A new password does not switch a disabled account back on.
    assert run("add", "carla", "--password-stdin", stdin="carla-nieuw-wachtwoord\n") == 0
    capsys.readouterr()
    assert run("list") == 0
    listing = capsys.readouterr().out
    assert "carla\tredacteur\tuit" in listing
    assert "dirk\tbeheerder\taan" in listing
    assert run("enable", "carla") == 0
    assert run("log") == 0
    log = capsys.readouterr().out
    assert "role\topdrachtregel\tdirk\tlezer -> beheerder" in log
    assert "wachtwoord" not in log
    # Mistakes change nothing and say so in Dutch.
    assert run("role", "niemand", "lezer") == 1
    assert run("disable", "niemand") == 1
    assert "Er is geen account niemand" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("role", "dirk", "baas")


async def test_static_files_are_open_and_unknown_paths_are_not_pages(
    client: TestClient, signed_in_as: SignInAs
) -> None:
    assert (await client.get("/static/staff.css")).status == 200
    response = await client.get("/geen-pagina", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/aanmelden")
    await signed_in_as(client, "lezer")
    assert (await client.get("/geen-pagina")).status == 404
    assert (await client.get("/static/staff.css")).status == 200


async def test_a_beheerder_changes_roles_and_disables_accounts_on_the_accounts_page(
    signed_in: TestClient, staff_settings: StaffSettings, session_factory: sessionmaker
) -> None:
    from bot.staff.users import add_or_update_user, list_accounts

    add_or_update_user(session_factory, "bert", STAFF_PASSWORD, "redacteur")
    async with TestClient(TestServer(create_app(staff_settings))) as bert:
        assert (await sign_in(bert, "bert")).status == 303
        assert (await bert.get("/inbox")).status == 200

        token = await csrf_of(signed_in, "/accounts")
        response = await signed_in.post(
            "/accounts/rol",
            data={"csrf_token": token, "naam": "bert", "rol": "lezer"},
            allow_redirects=False,
        )
        assert (response.status, response.headers["Location"]) == (303, "/accounts?uitkomst=rol")
        assert (await bert.get("/inbox")).status == 403

        response = await signed_in.post(
            "/accounts/status",
            data={"csrf_token": token, "naam": "bert", "aan": "0"},
            allow_redirects=False,
        )
        assert response.status == 303
        response = await bert.get("/statistieken", allow_redirects=False)
        assert response.headers["Location"] == "/aanmelden"

    page = await (await signed_in.get("/accounts")).text()
    assert "Andere rol" in page and "Account uitgezet" in page
    assert ("role", "anna", "bert", "redacteur", "lezer") in _trail(session_factory)
    assert ("disabled", "anna", "bert", "actief", "uit") in _trail(session_factory)

    # Bad forms and the own account change nothing.
    before = list_accounts(session_factory)
    for data in (
        {"naam": "bert", "rol": "baas"},
        {"naam": "niemand", "rol": "lezer"},
        {"naam": "", "rol": "lezer"},
        {"naam": STAFF_NAME, "rol": "lezer"},
    ):
        response = await signed_in.post("/accounts/rol", data={"csrf_token": token, **data})
        assert response.status == 400, data
    for data in ({"naam": "bert", "aan": "ja"}, {"naam": STAFF_NAME, "aan": "0"}):
        response = await signed_in.post("/accounts/status", data={"csrf_token": token, **data})
        assert response.status == 400, data
    assert list_accounts(session_factory) == before
