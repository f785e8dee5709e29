"""Start, wait for and stop the real servers the tests and benchmarks talk to.

Every server runs in its own process group, so that stopping it also stops what it started
(`wijkwijzer serve` starts `rasa run` and the action server as children), and a test that
fails while a server starts leaves nothing running behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
VOORBEELD_DIR = EVAL_DIR / "voorbeeld"
DEMO_DIR = PROJECT_ROOT / "demo"
WIJKWIJZER = str(Path(sys.executable).with_name("wijkwijzer"))
# The one start timeout. Rasa alone loads in ~15-40 s on an idle machine; four processes
# loading TensorFlow together on a loaded two-core CI machine have needed several minutes.
START_TIMEOUT = 600
# How long a server may take to stop on SIGTERM before its whole group is killed.
STOP_TIMEOUT = 30
# The channel settings a developer's shell may hold; a test bot starts without WhatsApp.
WHATSAPP_SETTINGS = ("VERIFY_TOKEN", "APP_SECRET", "ACCESS_TOKEN", "PHONE_NUMBER_ID", "API_URL")


class ServerError(RuntimeError):
    """A server stopped while starting or was not ready in time; the message holds its log."""


def refuse_in_fast_lane(what: str, marker: str) -> None:
    """`make test-fast` sets WIJKWIJZER_TEST_LANE=fast and deselects the slow markers; a test
    that still gets here lacks its marker and would make the fast lane slow without a word."""
    if os.environ.get("WIJKWIJZER_TEST_LANE") == "fast":
        raise ServerError(f"{what} in the fast lane: mark the test `{marker}` (pyproject.toml)")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports (the probes stay bound until all are picked)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def answers(url: str, timeout: float = 2) -> bool:
    """True when a GET of `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:  # refused, reset, timed out, or an HTTP error status
        return False


def has_model(models_dir: Path = PROJECT_ROOT / "models") -> bool:
    return any(models_dir.glob("*.tar.gz"))


@dataclass
class Server:
    """One process (`wijkwijzer serve`, `wijkwijzer actions`, a demo site...) on loopback.

    Ready when a GET of `ready_path` on `port` answers 200, or when `ready` says so for a
    server that does not speak HTTP. It may be stopped and launched again on the same port;
    the log keeps growing.
    """

    name: str
    command: list[str]
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    ready_path: str = "/"
    cwd: Path = PROJECT_ROOT
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} is not running"
        return self.popen.pid

    def launch(self) -> None:
        """Start the process and return at once (see wait_until_ready)."""
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with its children
            )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def is_ready(self) -> bool:
        if self.ready is not None:
            return self.ready()
        return answers(self.url + self.ready_path)

    def start(self) -> Server:
        """Launch and wait until ready; on failure nothing of it is left running."""
        start_all([self])
        return self

    def signal(self, signum: int) -> None:
        """Send `signum` to the whole process group (SIGSTOP hangs every part of it)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def stop(self) -> int | None:
        """SIGTERM to the process (serve stops its own servers), then SIGKILL to whatever of
        the group is left. Returns the exit code, None when it was not running."""
        if self.popen is None:
            return None
        popen, self.popen = self.popen, None
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
        try:
            return popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None
        finally:
            # Nothing of the group may outlive the test, also when the leader did not stop.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGKILL)
            popen.wait(timeout=STOP_TIMEOUT)

    def kill(self) -> None:
        """SIGKILL to the whole group: a crash, with no chance to clean up."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT)
        self.popen = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, characters: int = 4000) -> str:
        return self.log_text()[-characters:]


def start_all(servers: Iterable[Server], timeout: float = START_TIMEOUT) -> None:
    """Launch together (they load in parallel) and wait until every one is ready."""
    servers = list(servers)
    for server in servers:
        server.launch()
    wait_until_ready(servers, timeout)


def wait_until_ready(servers: Iterable[Server], timeout: float = START_TIMEOUT) -> None:
    """Wait for launched servers. When one stops or the time is up, all of them are stopped
    and ServerError names the server with the end of its log."""
    servers = list(servers)
    pending = list(servers)
    deadline = time.monotonic() + timeout
    try:
        while pending:
            for server in list(pending):
                if not server.alive():
                    raise ServerError(f"{server.name} stopped while starting:\n{server.tail()}")
                if server.is_ready():
                    pending.remove(server)
            if pending and time.monotonic() > deadline:
                names = ", ".join(server.name for server in pending)
                raise ServerError(f"not ready in {timeout:.0f} s: {names}\n{pending[0].tail()}")
            if pending:
                time.sleep(0.5)
    except BaseException:
        for server in servers:
            server.stop()
        raise


@contextlib.contextmanager
def running(*servers: Server) -> Iterator[tuple[Server, ...]]:
    """Start the servers for a `with` block and stop them afterwards."""
    start_all(servers)
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


# -- Wijkwijzer's own commands ---------------------------------------------------------------


def bot_env(workdir: Path, **settings: str) -> dict[str, str]:
    """A bot in `workdir`: its own neighbourhood database and conversations, no WhatsApp."""
    env = dict(
        os.environ,
        WIJKWIJZER_DATABASE_URL=f"sqlite:///{workdir / 'wijkwijzer.db'}",
        WIJKWIJZER_TRACKER_STORE_URL=f"sqlite:///{workdir / 'trackers.db'}",
    )
    for name in WHATSAPP_SETTINGS:
        env[f"WHATSAPP_{name}"] = ""
    env.update(settings)
    return env


def import_municipalities(env: dict[str, str], directories: Sequence[Path]) -> str:
    """`wijkwijzer import` each directory into the database of `env`; what it reported."""
    reports = []
    for directory in directories:
        result = subprocess.run(
            [WIJKWIJZER, "import", str(directory)], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise ServerError(
                f"wijkwijzer import {directory} failed:\n{result.stdout}{result.stderr}"
            )
        reports.append(result.stdout)
    return "".join(reports)


def serve(workdir: Path, env: dict[str, str], *args: str, name: str = "serve") -> Server:
    """`wijkwijzer serve` with the Rasa server on a free port (not started yet).

    Without --rasa-only the action server gets a free port too, and the bot is ready when
    both answer. `args` are passed on, e.g. ("--model", DIR)."""
    refuse_in_fast_lane("a Rasa server (wijkwijzer serve)", "server")
    port = free_port()
    command = [WIJKWIJZER, "serve", "--port", str(port), *args]
    server = Server(name, command, port, workdir / f"{name}.log", env)
    if "--rasa-only" not in args:
        server.command += ["--actions-port", str(free_port())]
        server.ready = lambda: answers(server.url) and answers(
            f"http://127.0.0.1:{actions_port(server)}/health"
        )
    return server


def actions(workdir: Path, env: dict[str, str], name: str = "actions") -> Server:
    """`wijkwijzer actions` (the action server) on a free port (not started yet)."""
    port = free_port()
    command = [WIJKWIJZER, "actions", "--port", str(port)]
    return Server(name, command, port, workdir / f"{name}.log", env, "/health")


def actions_port(server: Server) -> int:
    """The action server's port of a `wijkwijzer serve` Server."""
    return int(server.command[server.command.index("--actions-port") + 1])


def demo_site(port: int, bot_url: str, logdir: Path) -> Server:
    """The demo page served by its real entry point (bot.ops.demo_server), not started."""
    command = [sys.executable, "-m", "bot.ops.demo_server", "--host", "127.0.0.1",
               "--port", str(port), "--bot-url", bot_url]  # fmt: skip
    return Server("demo", command, port, logdir / "demo.log")
