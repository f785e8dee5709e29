"""Accounts and roles (beheerder only): another role, an account disabled or enabled again."""

from __future__ import annotations

from typing import Final

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.staff.pages.common import (
    database_busy,
    error_page,
    form_text,
    notice,
    render,
    requires,
    see_other,
    settings,
    user,
    when_label,
)
from bot.staff.roles import ROLE_LABELS, ROLES, Permission
from bot.staff.users import (
    AccountError,
    account_events,
    list_accounts,
    normalise_name,
    set_active,
    set_role,
)

NOTICES: Final = {
    "rol": "De rol is veranderd. Die geldt meteen.",
    "uit": "Het account staat uit. Aanmelden kan niet meer; een open sessie is beëindigd.",
    "aan": "Het account staat weer aan. De persoon kan weer aanmelden.",
}
EVENT_LABELS: Final = {
    "sign_in": "Aangemeld",
    "sign_in_failed": "Aanmelden mislukt",
    "created": "Account gemaakt",
    "password": "Nieuw wachtwoord",
    "role": "Andere rol",
    "disabled": "Account uitgezet",
    "enabled": "Account aangezet",
}
OWN_ACCOUNT: Final = (
    "Uw eigen rol en account verandert u hier niet, zodat u zichzelf niet buitensluit. "
    "Vraag het een andere beheerder. Er is niets veranderd."
)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/accounts", accounts_page)
    app.router.add_post("/accounts/rol", change_role)
    app.router.add_post("/accounts/status", change_status)


@requires(Permission.ACCOUNTS)
async def accounts_page(request: web.Request) -> web.StreamResponse:
    staff = settings(request)
    try:
        accounts = list_accounts(staff.session_factory)
        events = account_events(staff.session_factory, 50)
    except SQLAlchemyError:
        return database_busy(request)
    return render(
        request,
        "accounts.html",
        accounts=accounts,
        events=[
            (when_label(event.at), EVENT_LABELS.get(event.action, event.action), event)
            for event in events
        ],  # fmt: skip
        roles=[(role, ROLE_LABELS[role]) for role in ROLES],
        notice=notice(request.query, NOTICES),
    )


async def _target(request: web.Request) -> tuple[str, dict[str, str]] | web.Response:
    """The account a form is about, or the page that refuses it."""
    form = await request.post()
    fields = {key: form_text(form, key, 100) for key in ("naam", "rol", "aan")}
    name = normalise_name(fields["naam"])
    if not name:
        return error_page(request, 400, "Kies een account. Er is niets veranderd.")
    if name == user(request):
        return error_page(request, 400, OWN_ACCOUNT)
    return name, fields


@requires(Permission.ACCOUNTS)
async def change_role(request: web.Request) -> web.StreamResponse:
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    name, fields = target
    try:
        set_role(settings(request).session_factory, name, fields["rol"], actor=user(request))
    except AccountError as error:
        return error_page(request, 400, f"{error} Er is niets veranderd.")
    except SQLAlchemyError:
        return database_busy(request)
    raise see_other("/accounts", uitkomst="rol")


@requires(Permission.ACCOUNTS)
async def change_status(request: web.Request) -> web.StreamResponse:
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    name, fields = target
    if fields["aan"] not in ("0", "1"):
        return error_page(request, 400, "Kies aan of uit. Er is niets veranderd.")
    active = fields["aan"] == "1"
    try:
        set_active(settings(request).session_factory, name, active, actor=user(request))
    except AccountError as error:
        return error_page(request, 400, f"{error} Er is niets veranderd.")
    except SQLAlchemyError:
        return database_busy(request)
    raise see_other("/accounts", uitkomst="aan" if active else "uit")
