"""The `wijkwijzer` command: import, train, serve and eval (CONTRACT.md section 5)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.settings import SettingsError, markdown_table, settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SPACY_DIR = PROJECT_ROOT / "build" / "spacy_nl"
MODELS_DIR = PROJECT_ROOT / "models"
WHATSAPP_VARIABLES = (
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_API_URL",
)

logger = logging.getLogger("wijkwijzer")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings()  # read once, here: a bad value stops us before anything starts
    except SettingsError as error:
        print(f"Niet gestart, een instelling klopt niet: {error}", file=sys.stderr)
        return 2
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Alembic logs each plugin and context it sets up; bot.db.migrate logs the upgrades.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wijkwijzer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="import a municipality (CONTRACT.md section 4)")
    imp.add_argument("directory", type=Path)
    imp.set_defaults(handler=_cmd_import)

    train = commands.add_parser("train", help="train a model into models/ when data changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(handler=_cmd_train)

    serve = commands.add_parser("serve", help="run the Rasa server and the action server")
    serve.add_argument("--port", type=int, default=5005)
    serve.add_argument("--actions-port", type=int, default=5055)
    serve.add_argument("--host", default=settings().host)
    serve.add_argument("--web-port", type=int, default=None, help="also serve the demo page")
    serve.add_argument(
        "--staff-port", type=int, default=None, help="also serve the staff workspace"
    )
    serve.add_argument("--model", type=Path, default=MODELS_DIR)
    serve.add_argument(
        "--rasa-only",
        action="store_true",
        help="run no action server of its own; use the one at --actions-url",
    )
    serve.add_argument(
        "--actions-url",
        default=settings().actions_url,
        help="webhook of a separate action server, e.g. http://10.0.0.5:5055/webhook",
    )
    serve.set_defaults(handler=_cmd_serve)

    actions = commands.add_parser("actions", help="run only the action server")
    actions.add_argument("--port", type=int, default=5055)
    actions.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; only an internal one (the Rasa servers' network)",
    )
    actions.set_defaults(handler=_cmd_actions)

    evaluate = commands.add_parser("eval", help="send a question file to a running bot")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--url", default="http://127.0.0.1:5005")
    evaluate.set_defaults(handler=_cmd_eval)

    migrate = commands.add_parser(
        "migrate", help="schema migrations of the database at WIJKWIJZER_DATABASE_URL"
    )
    steps = migrate.add_subparsers(dest="step", required=True)
    upgrade = steps.add_parser("upgrade", help="bring the database to a revision (default: head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=_cmd_migrate_upgrade)
    downgrade = steps.add_parser("downgrade", help="go back to an older revision")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=_cmd_migrate_downgrade)
    current = steps.add_parser("current", help="the database's revision and the newest one")
    current.set_defaults(handler=_cmd_migrate_current)
    history = steps.add_parser("history", help="all revisions, newest first")
    history.set_defaults(handler=_cmd_migrate_history)
    revision = steps.add_parser(
        "revision", help="write a new revision from the difference between models and head"
    )
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument(
        "--empty", action="store_true", help="an empty revision, e.g. for a data migration"
    )
    revision.set_defaults(handler=_cmd_migrate_revision)

    purge = commands.add_parser(
        "purge", help="delete conversations without activity in the retention period"
    )
    purge.add_argument(
        "--older-than",
        metavar="DAYS",
        default=None,
        help="retention in days (default: WIJKWIJZER_RETENTION_DAYS, else 90)",
    )
    purge.add_argument("--dry-run", action="store_true", help="only count, delete nothing")
    purge.set_defaults(handler=_cmd_purge)

    nlp = commands.add_parser("build-nlp", help="build the Dutch spaCy pipeline")
    nlp.set_defaults(handler=_cmd_build_nlp)

    texts = commands.add_parser(
        "texts", help="write domain.yml's responses from bot/core/texts (--check: only compare)"
    )
    texts.add_argument("--check", action="store_true", help="exit 1 when domain.yml is stale")
    texts.set_defaults(handler=_cmd_texts)

    listing = commands.add_parser(
        "settings", help="the environment variables Wijkwijzer reads, as a Markdown table"
    )
    listing.set_defaults(handler=_cmd_settings)

    from bot.staff.commands import add_staff_parsers  # its imports stay lazy

    add_staff_parsers(commands)
    return parser


def _cmd_texts(args: argparse.Namespace) -> int:
    from bot.core.texts import domain_with_responses

    domain = PROJECT_ROOT / "domain.yml"
    current = domain.read_text(encoding="utf-8")
    wanted = domain_with_responses(current)
    if current == wanted:
        print("domain.yml is bij: de teksten zijn gelijk.")
        return 0
    if args.check:
        print("domain.yml is niet bij: voer `wijkwijzer texts` uit.", file=sys.stderr)
        return 1
    domain.write_text(wanted, encoding="utf-8")
    print("domain.yml: de antwoorden zijn opnieuw geschreven uit bot/core/texts.")
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    print(markdown_table(), end="")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from bot.db.importer import ImportFailed, import_directory
    from bot.db.session import create_schema, make_session_factory

    session_factory = make_session_factory()
    create_schema(session_factory.kw["bind"])
    try:
        report = import_directory(args.directory, session_factory)
    except ImportFailed as failure:
        print(f"Import geweigerd: {len(failure.problems)} fout(en). Er is niets veranderd.")
        for problem in failure.problems:
            print(f"  {problem}")
        return 1
    print(report)
    return 0


def _cmd_migrate_upgrade(args: argparse.Namespace) -> int:
    from bot.db.session import create_schema, make_engine

    engine = make_engine()
    try:
        if args.revision == "head":
            # The same path as import and serve take: migrations plus the default roles.
            create_schema(engine)
        else:
            from bot.db.migrate import upgrade

            upgrade(engine, args.revision)
        return _cmd_migrate_current(args, engine)
    finally:
        engine.dispose()


def _cmd_migrate_downgrade(args: argparse.Namespace) -> int:
    from bot.db.migrate import downgrade
    from bot.db.session import make_engine

    engine = make_engine()
    try:
        downgrade(engine, args.revision)
        return _cmd_migrate_current(args, engine)
    finally:
        engine.dispose()


def _cmd_migrate_current(args: argparse.Namespace, engine: Any = None) -> int:
    from bot.db.migrate import current_revision, head_revision
    from bot.db.session import make_engine

    own_engine = engine is None
    engine = engine or make_engine()
    try:
        with engine.connect() as connection:
            current = current_revision(connection)
    finally:
        if own_engine:
            engine.dispose()
    head = head_revision()
    state = "bijgewerkt" if current == head else "niet bijgewerkt: wijkwijzer migrate upgrade"
    print(f"Database: {current or 'geen migraties'}; nieuwste: {head} ({state})")
    return 0


def _cmd_migrate_history(args: argparse.Namespace) -> int:
    from bot.db.migrate import history

    print("\n".join(history()))
    return 0


def _cmd_migrate_revision(args: argparse.Namespace) -> int:
    from bot.db.migrate import new_revision

    path = new_revision(args.message, autogenerate=not args.empty)
    print(f"Nieuwe migratie: {path.relative_to(PROJECT_ROOT)} (lees en test hem voor u commit)")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from bot.ops.retention import RetentionError, purge_from_environment, retention_days

    try:
        days = retention_days(args.older_than)
    except RetentionError as error:
        print(f"Niet gestart: {error}", file=sys.stderr)
        return 2
    print(purge_from_environment(days=days, dry_run=args.dry_run))
    return 0


def _cmd_build_nlp(args: argparse.Namespace) -> int:
    from bot.core.spacy_pipeline import build_pipeline

    print(build_pipeline(SPACY_DIR))
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from bot.core.spacy_pipeline import build_pipeline

    build_pipeline(SPACY_DIR)
    command = [
        _rasa(),
        "train",
        "--config", "config.yml",
        "--domain", "domain.yml",
        "--data", "data",
        "--out", str(MODELS_DIR),
    ]  # fmt: skip
    if args.force:
        command.append("--force")
    # Rasa compares the fingerprint with the newest model and skips unchanged parts.
    return subprocess.call(command, cwd=PROJECT_ROOT)


def _rasa() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def allowed_origins(web_port: int | None) -> list[str]:
    """CORS origins of the Rasa server: the configured ones and the demo page's own."""
    origins = settings().origins
    if web_port:
        origins += [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"]
    return origins


def _cmd_serve(args: argparse.Namespace) -> int:
    from bot.db.conversations import tracker_store_settings
    from bot.db.session import create_schema, make_engine
    from bot.handover.settings import mail_status_line
    from bot.ops.retention import RetentionError, retention_days, start_daily_purge

    if args.rasa_only and not args.actions_url:
        print("--rasa-only heeft --actions-url nodig (de webhook van de actieserver).")
        return 2
    if not args.rasa_only or args.staff_port:
        # A Rasa-only server never reads the neighbourhood database; the others do.
        create_schema(make_engine())

    env = dict(os.environ)
    try:
        retention_days()
        env.update(tracker_store_settings())
    except RetentionError as error:
        print(f"Niet gestart: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"Gesprekken kunnen niet bewaard worden: {error}", file=sys.stderr)
        return 2
    env["WIJKWIJZER_ACTIONS_URL"] = (
        args.actions_url if args.rasa_only else f"http://127.0.0.1:{args.actions_port}/webhook"
    )
    # Conversations older than the retention period go at start and then once a day.
    start_daily_purge()
    # WHATSAPP_API_URL is optional (the channel has a default); the other four switch it on.
    missing = [name for name in WHATSAPP_VARIABLES[:4] if not env.get(name)]
    if missing:
        print(f"WhatsApp-kanaal staat uit: niet ingesteld: {', '.join(missing)}")
    # Where callback requests go: the workspace, and mail when WIJKWIJZER_SMTP_URL is set.
    print(mail_status_line())
    for name in WHATSAPP_VARIABLES:
        env.setdefault(name, "")
    actions_command = [
        sys.executable, "-m", "bot.ops.cli", "actions",
        "--port", str(args.actions_port),
    ]  # fmt: skip
    # `rasa run` with calm answers when an action fails (bot/rasa/server.py).
    rasa_command = [
        sys.executable, "-m", "bot.rasa.server",
        "--model", str(args.model),
        "--interface", args.host,
        "--port", str(args.port),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
    ]  # fmt: skip
    origins = allowed_origins(args.web_port)
    if origins:
        rasa_command += ["--cors", *origins]
    # The HTTP API is switched on by bot/rasa/server.py from the environment, so that the
    # token never shows in the process list.

    processes = []
    if not args.rasa_only:
        processes.append(subprocess.Popen(actions_command, cwd=PROJECT_ROOT, env=env))
    processes.append(subprocess.Popen(rasa_command, cwd=PROJECT_ROOT, env=env))
    if args.web_port:
        web_command = [
            sys.executable, "-m", "bot.ops.demo_server",
            "--host", args.host,
            "--port", str(args.web_port),
            "--bot-url", f"http://{_public_host(args.host)}:{args.port}",
        ]  # fmt: skip
        processes.append(subprocess.Popen(web_command, cwd=PROJECT_ROOT, env=env))
    if args.staff_port:
        # The workspace's "accept" loads new models into this server, from this folder.
        staff_env = dict(env)
        staff_env.setdefault("WIJKWIJZER_RASA_URLS", f"http://127.0.0.1:{args.port}")
        if args.model.is_dir():
            staff_env.setdefault("WIJKWIJZER_MODELS_DIR", str(args.model.resolve()))
        staff_command = [
            sys.executable, "-m", "bot.staff",
            "--host", args.host,
            "--port", str(args.staff_port),
        ]  # fmt: skip
        processes.append(subprocess.Popen(staff_command, cwd=PROJECT_ROOT, env=staff_env))
    return _supervise(processes, args)


def _cmd_actions(args: argparse.Namespace) -> int:
    """Become the action server (actions/server.py), so that this pid is the server's."""
    command = [
        sys.executable, "-m", "actions.server",
        "--host", args.host,
        "--port", str(args.port),
    ]  # fmt: skip
    os.chdir(PROJECT_ROOT)
    sys.stdout.flush()
    os.execv(sys.executable, command)


def _public_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def _supervise(processes: list[subprocess.Popen], args: argparse.Namespace) -> int:
    """Run until SIGTERM/SIGINT or until one process dies; then stop them all."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    announced = False
    exit_code = 0
    while not stopping:
        for process in processes:
            if process.poll() is not None:
                name = " ".join(str(arg) for arg in list(process.args)[:3])  # type: ignore[arg-type]
                print(f"Gestopt: {name} (code {process.returncode})", file=sys.stderr)
                exit_code = process.returncode or 1
                stopping = True
        if not announced and _answers(f"http://127.0.0.1:{args.port}/"):
            announced = True
            host = _public_host(args.host)
            print(f"Wijkwijzer is klaar: http://{host}:{args.port}/webhooks/rest/webhook")
            if args.web_port:
                print(f"Demopagina: http://{host}:{args.web_port}/")
            if args.staff_port:
                print(f"Werkplek medewerkers: http://{host}:{args.staff_port}/")
            sys.stdout.flush()
        time.sleep(0.2)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _cmd_eval(args: argparse.Namespace) -> int:
    from bot.ops.evaluation import evaluate_file

    try:
        report = evaluate_file(args.file, args.url)
    except (OSError, ValueError) as error:
        print(f"De bot op {args.url} is niet bereikbaar of antwoordt niet goed: {error}")
        return 1
    print(report.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
