"""A real `wijkwijzer serve` (Rasa server + action server) on free loopback ports."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

PROJECT_ROOT = Path(__file__).parents[2]
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
VOORBEELD_DIR = EVAL_DIR / "voorbeeld"
DEMO_DIR = PROJECT_ROOT / "demo"
WIJKWIJZER = str(Path(sys.executable).with_name("wijkwijzer"))
# Rasa alone needs ~40 s on an idle machine; a loaded CI machine has been seen to need minutes.
START_TIMEOUT = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_model() -> None:
    if not list((PROJECT_ROOT / "models").glob("*.tar.gz")):
        message = "no trained model in models/ (run `make train`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def bot_env(workdir: Path) -> dict[str, str]:
    """The environment of a bot in `workdir`: its own neighbourhood database and conversations."""
    return dict(
        os.environ,
        WIJKWIJZER_DATABASE_URL=f"sqlite:///{workdir / 'e2e.db'}",
        WIJKWIJZER_TRACKER_STORE_URL=f"sqlite:///{workdir / 'trackers.db'}",
    )


@dataclass
class RunningBot:
    url: str
    process: subprocess.Popen
    log: Path
    port: int
    actions_port: int


def require_shared(path: Path) -> None:
    """The shared folder beside the checkout (public eval sets); CI always has it."""
    if not path.exists():
        message = f"{path} not found (the shared folder belongs beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def start_bot(
    workdir: Path,
    env_extra: dict[str, str] | None = None,
    imports: Sequence[Path] = (VOORBEELD_DIR, DEMO_DIR),
    serve_args: tuple[str, ...] = (),
) -> RunningBot:
    """Import the municipalities (default: the sample and the demo) into a fresh SQLite file
    and serve."""
    require_model()
    env = bot_env(workdir)
    env.update(env_extra or {})
    for directory in imports:
        subprocess.run(
            [WIJKWIJZER, "import", str(directory)], env=env, check=True, capture_output=True
        )
    port, actions_port = free_port(), free_port()
    log = workdir / "serve.log"
    process = subprocess.Popen(
        [
            WIJKWIJZER,
            "serve",
            "--port",
            str(port),
            "--actions-port",
            str(actions_port),
            *serve_args,
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        # Its own process group, so a failed start can take the children down with it.
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"wijkwijzer serve stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=1) as response:
                if response.status == 200:
                    return RunningBot(url, process, log, port, actions_port)
        except OSError:
            time.sleep(0.5)
    _kill_group(process)
    pytest.fail(f"wijkwijzer serve not ready in {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def _kill_group(process: subprocess.Popen) -> None:
    """SIGTERM to serve (it stops its servers), then SIGKILL to whatever of the group is left."""
    process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop_bot(bot: RunningBot) -> int:
    bot.process.send_signal(signal.SIGTERM)
    try:
        return bot.process.wait(timeout=30)
    finally:
        # Nothing of the group may outlive the test, also when serve did not stop in time.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(bot.process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    running = start_bot(tmp_path_factory.mktemp("e2e"))
    yield running
    if running.process.poll() is None:
        stop_bot(running)


@pytest.fixture
def launch_bot() -> Iterator:
    """Start extra bots in a test (each stopped at the end if still running)."""
    started: list[RunningBot] = []

    def launch(workdir: Path) -> RunningBot:
        running = start_bot(workdir)
        started.append(running)
        return running

    yield launch
    for running in started:
        if running.process.poll() is None:
            stop_bot(running)


@pytest.fixture(scope="module")
def voorbeeld_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """A bot whose database holds only the sample municipality, as the public scorer assumes."""
    require_shared(VOORBEELD_DIR / "buurten.csv")
    running = start_bot(tmp_path_factory.mktemp("voorbeeld"), imports=(VOORBEELD_DIR,))
    yield running
    if running.process.poll() is None:
        stop_bot(running)


@pytest.fixture(scope="session")
def public_scorer() -> ModuleType:
    """../shared/eval/score.py itself, so a gate measures exactly what the public scorer does."""
    path = EVAL_DIR / "score.py"
    require_shared(path)
    spec = importlib.util.spec_from_file_location("public_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The shared folder's public evaluation sets."""
    require_shared(EVAL_DIR)
    return EVAL_DIR


class CountingProxy:
    """In front of an action server: passes every call on and counts them per conversation."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.calls: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = json.loads(body or b"{}")
                with proxy._lock:
                    proxy.calls.setdefault(call.get("sender_id", ""), []).append(
                        call.get("next_action", "")
                    )
                request = urllib.request.Request(
                    proxy.target + self.path,
                    data=body,
                    headers={"Content-Type": "application/json"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, answer = response.status, response.read()
                except urllib.error.HTTPError as error:  # a form's rejection is a 400
                    status, answer = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls_of(self, sender: str) -> list[str]:
        with self._lock:
            return list(self.calls.get(sender, []))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class CountedBot:
    bot: RunningBot
    proxy: CountingProxy


@pytest.fixture(scope="module")
def counted_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountedBot]:
    """A Rasa server whose action server sits behind a CountingProxy."""
    workdir = tmp_path_factory.mktemp("counted")
    actions_port = free_port()
    proxy = CountingProxy(f"http://127.0.0.1:{actions_port}")
    running = start_bot(
        workdir, serve_args=("--rasa-only", "--actions-url", proxy.url + "/webhook")
    )
    actions = subprocess.Popen(
        [WIJKWIJZER, "actions", "--port", str(actions_port)],
        env=bot_env(workdir),
        cwd=PROJECT_ROOT,
        stdout=(workdir / "actions.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"http://127.0.0.1:{actions_port}/health"):
            if actions.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"action server not ready:\n{(workdir / 'actions.log').read_text()}")
            time.sleep(0.5)
        yield CountedBot(running, proxy)
    finally:
        _kill_group(actions)
        if running.process.poll() is None:
            stop_bot(running)
        proxy.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False
