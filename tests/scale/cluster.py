"""Several Wijkwijzer processes on loopback for tests: action servers, Rasa servers, databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from redis_support import free_port
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PROJECT_ROOT = Path(__file__).parents[2]
VOORBEELD_DIR = PROJECT_ROOT.parent / "shared" / "eval" / "voorbeeld"
WIJKWIJZER = str(Path(sys.executable).with_name("wijkwijzer"))
POSTGRES_SERVER_URL = os.environ.get(
    "WIJKWIJZER_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
# Four processes load TensorFlow at once on a shared two-core machine.
START_TIMEOUT = 420
WHATSAPP = ("VERIFY_TOKEN", "APP_SECRET", "ACCESS_TOKEN", "PHONE_NUMBER_ID", "API_URL")


def require_model() -> None:
    if not list((PROJECT_ROOT / "models").glob("*.tar.gz")):
        message = "no trained model in models/ (run `make train`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


# -- PostgreSQL ------------------------------------------------------------------------------


def _server_engine() -> Any:
    return create_engine(
        POSTGRES_SERVER_URL,
        future=True,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )


def create_database(label: str) -> str:
    """A fresh database on the local PostgreSQL; skips the test when none is reachable."""
    server = _server_engine()
    try:
        with server.connect() as connection:
            name = f"wijkwijzer_{label}_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        pytest.skip(f"PostgreSQL not reachable at {server.url!r}: {reason}")
    finally:
        server.dispose()
    return str(server.url.set(database=name).render_as_string(hide_password=False))


def _database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def drop_database(url: str) -> None:
    server = _server_engine()
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)'))
    server.dispose()


def set_database_online(url: str, online: bool) -> None:
    """Take a database down as its users see it: no new connections, current ones cut."""
    name = _database_name(url)
    server = _server_engine()
    with server.connect() as connection:
        allow = "true" if online else "false"
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}'))
        if not online:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
    server.dispose()


# -- processes -------------------------------------------------------------------------------


@dataclass
class Process:
    """One `wijkwijzer actions` or `wijkwijzer serve --rasa-only`, in its own process group."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stop it with its children
            )

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            assert self.popen is not None
            os.killpg(self.popen.pid, signum)

    def stop(self) -> None:
        if self.popen is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=30)
        self.popen = None

    def kill(self) -> None:
        """SIGKILL to the whole group: a crash, with no chance to clean up."""
        assert self.popen is not None
        self.signal(signal.SIGKILL)
        self.popen.wait(timeout=30)
        self.popen = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def start_all(processes: Iterable[Process]) -> None:
    """Launch together (they load in parallel) and wait until every one answers."""
    pending = [process for process in processes]
    for process in pending:
        process.launch()
    deadline = time.monotonic() + START_TIMEOUT
    while pending:
        for process in list(pending):
            if not process.alive():
                pytest.fail(f"{process.name} stopped while starting:\n{process.tail()}")
            if process.is_ready():
                pending.remove(process)
        if time.monotonic() > deadline:
            names = ", ".join(process.name for process in pending)
            pytest.fail(f"not ready in {START_TIMEOUT} s: {names}\n{pending[0].tail()}")
        time.sleep(0.5)


@dataclass
class Deployment:
    """The settings every process of one test deployment shares."""

    workdir: Path
    env: dict[str, str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    processes: list[Process] = field(default_factory=list)

    @classmethod
    def create(cls, workdir: Path, **settings: str) -> Deployment:
        env = dict(os.environ)
        for name in WHATSAPP:
            env[f"WHATSAPP_{name}"] = ""
        env.update(settings)
        deployment = cls(workdir, env)
        deployment.env["WIJKWIJZER_API_TOKEN"] = deployment.token
        return deployment

    def import_data(self) -> None:
        for directory in (VOORBEELD_DIR, PROJECT_ROOT / "demo"):
            if directory.is_dir():
                subprocess.run(
                    [WIJKWIJZER, "import", str(directory)],
                    env=self.env,
                    check=True,
                    capture_output=True,
                )

    def action_server(self, name: str, **env: str) -> Process:
        port = free_port()
        command = [WIJKWIJZER, "actions", "--port", str(port)]
        return self._add(name, command, port, "/health", env)

    def rasa_server(self, name: str, actions: Process, **env: str) -> Process:
        port = free_port()
        command = [
            WIJKWIJZER, "serve", "--rasa-only", "--port", str(port),
            "--actions-url", f"{actions.url}/webhook",
        ]  # fmt: skip
        return self._add(name, command, port, "/", env)

    def _add(
        self, name: str, command: list[str], port: int, ready: str, env: dict[str, str]
    ) -> Process:
        process = Process(
            name, command, dict(self.env, **env), port, ready, self.workdir / f"{name}.log"
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


# -- talking to a Rasa server ----------------------------------------------------------------


def say(server: Process, sender: str, message: str, timeout: float = 120) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        server.url + "/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200
        result: list[dict[str, Any]] = json.loads(response.read())
        return result


def custom(messages: list[dict[str, Any]], key: str) -> list[Any]:
    return [m["custom"][key] for m in messages if key in (m.get("custom") or {})]


def tracker(server: Process, sender: str, token: str) -> dict[str, Any]:
    url = f"{server.url}/conversations/{sender}/tracker?token={token}"
    with urllib.request.urlopen(url, timeout=60) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def user_turns(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each user message with the number of bot messages that answered it."""
    turns: list[tuple[str, int]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", 0))
        elif event["event"] == "bot" and turns:
            message, answers = turns[-1]
            turns[-1] = (message, answers + 1)
    return turns
