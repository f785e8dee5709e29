"""Command-line parts of the workspace: `staff` (serve) and `staff-user add NAME`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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
    add.set_defaults(handler=cmd_staff_user_add)


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
    if session_factory is None:
        from bot.db.session import create_schema, make_engine, make_session_factory

        engine = make_engine()
        create_schema(engine)
        session_factory = make_session_factory(engine)
    if args.password_stdin or not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
    else:
        password = ask("Wachtwoord: ")
        if ask("Nog een keer: ") != password:
            print("De wachtwoorden zijn niet gelijk. Er is niets veranderd.", file=sys.stderr)
            return 1
    try:
        created = add_or_update_user(session_factory, args.name, password)
    except AccountError as error:
        print(f"{error} Er is niets veranderd.", file=sys.stderr)
        return 1
    name = args.name.strip().lower()
    print(f"Account {name} is aangemaakt." if created else f"Nieuw wachtwoord voor {name}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.staff [--port 8090]` or `python -m bot.staff staff-user add NAME`."""
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
