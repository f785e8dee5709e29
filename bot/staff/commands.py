"""Command-line parts of the workspace: `staff` (serve) and `staff-user` (accounts, roles)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# As bot.staff.roles.ROLES, written out so the parser needs no import (tested equal).
STAFF_ROLES = ("beheerder", "redacteur", "lezer")


def add_staff_parsers(commands: argparse._SubParsersAction) -> None:
    """Adds `staff` and `staff-user` to `wijkwijzer` (bot/ops/cli.py); imports stay lazy."""
    staff = commands.add_parser("staff", help="run the staff workspace (in Dutch)")
    staff.add_argument("--host", default="127.0.0.1")
    staff.add_argument("--port", type=int, default=8090)
    staff.set_defaults(handler=cmd_staff)

    user = commands.add_parser("staff-user", help="manage staff accounts")
    user_commands = user.add_subparsers(dest="staff_user_command", required=True)
    add = user_commands.add_parser("add", help="add an account or set a new password")
    add.add_argument("name")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument(
        "--role",
        choices=STAFF_ROLES,
        default=None,
        help="the role: beheerder, redacteur or lezer (a new account is lezer without it)",
    )
    add.set_defaults(handler=cmd_staff_user_add)

    role = user_commands.add_parser("role", help="give an account another role")
    role.add_argument("name")
    role.add_argument("role", choices=STAFF_ROLES)
    role.set_defaults(handler=cmd_staff_user_role)

    for command, active, help_text in (
        ("disable", False, "disable an account: it cannot sign in, its sessions end"),
        ("enable", True, "enable a disabled account again"),
    ):
        switch = user_commands.add_parser(command, help=help_text)
        switch.add_argument("name")
        switch.set_defaults(handler=cmd_staff_user_active, active=active)

    listing = user_commands.add_parser("list", help="list the accounts with their roles")
    listing.set_defaults(handler=cmd_staff_user_list)

    log = user_commands.add_parser("log", help="the newest sign-ins and account changes")
    log.add_argument("--limit", type=int, default=50)
    log.set_defaults(handler=cmd_staff_user_log)


def cmd_staff(args: argparse.Namespace) -> int:
    from bot.staff.app import run

    run(args.host, args.port)
    return 0


def cmd_staff_user_add(
    args: argparse.Namespace,
    session_factory: Callable[[], Session] | None = None,
    stdin: TextIO | None = None,
    ask: Callable[[str], str] = getpass.getpass,
) -> int:
    from bot.staff.users import AccountError, add_or_update_user

    stdin = stdin or sys.stdin
    session_factory = session_factory or _database()
    if args.password_stdin or not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
    else:
        password = ask("Wachtwoord: ")
        if ask("Nog een keer: ") != password:
            print("De wachtwoorden zijn niet gelijk. Er is niets veranderd.", file=sys.stderr)
            return 1
    try:
        created = add_or_update_user(
            session_factory, args.name, password, getattr(args, "role", None)
        )
    except AccountError as error:
        print(f"{error} Er is niets veranderd.", file=sys.stderr)
        return 1
    name = args.name.strip().lower()
    print(f"Account {name} is aangemaakt." if created else f"Nieuw wachtwoord voor {name}.")
    return 0


def _database() -> Callable[[], Session]:
    from bot.db.session import create_schema, make_engine, make_session_factory

    engine = make_engine()
    create_schema(engine)
    return make_session_factory(engine)


def cmd_staff_user_role(
    args: argparse.Namespace, session_factory: Callable[[], Session] | None = None
) -> int:
    from bot.staff.users import AccountError, set_role

    try:
        before = set_role(session_factory or _database(), args.name, args.role)
    except AccountError as error:
        print(f"{error} Er is niets veranderd.", file=sys.stderr)
        return 1
    name = args.name.strip().lower()
    if before == args.role:
        print(f"Account {name} had de rol {args.role} al.")
    else:
        print(f"Account {name} is nu {args.role} (was {before}).")
    return 0


def cmd_staff_user_active(
    args: argparse.Namespace, session_factory: Callable[[], Session] | None = None
) -> int:
    from bot.staff.users import AccountError, set_active

    try:
        set_active(session_factory or _database(), args.name, args.active)
    except AccountError as error:
        print(f"{error} Er is niets veranderd.", file=sys.stderr)
        return 1
    name = args.name.strip().lower()
    if args.active:
        print(f"Account {name} staat aan: aanmelden kan weer.")
    else:
        print(f"Account {name} staat uit: aanmelden kan niet meer, open sessies zijn beëindigd.")
    return 0


def cmd_staff_user_list(
    args: argparse.Namespace, session_factory: Callable[[], Session] | None = None
) -> int:
    from bot.staff.users import list_accounts

    accounts = list_accounts(session_factory or _database())
    if not accounts:
        print("Er zijn nog geen accounts.")
    for account in accounts:
        state = "aan" if account.active else "uit"
        print(f"{account.name}\t{account.role}\t{state}")
    return 0


def cmd_staff_user_log(
    args: argparse.Namespace, session_factory: Callable[[], Session] | None = None
) -> int:
    from bot.staff.users import account_events

    for event in account_events(session_factory or _database(), max(1, args.limit)):
        change = f"{event.before} -> {event.after}" if event.before else event.after
        print(
            "\t".join(
                (
                    event.at.strftime("%Y-%m-%d %H:%M:%S"),
                    event.action,
                    event.actor,
                    event.account,
                    change,
                    event.address,
                )
            )
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.staff [--port 8090]` or `python -m bot.staff staff-user ...`."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add_staff_parsers(commands)
    if not argv or argv[0].startswith("-"):
        argv = ["staff", *argv]
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)
