"""A real `wijkwijzer serve` (Rasa server + action server) on free loopback ports."""

from __future__ import annotations

import importlib.util
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.requirements import require_model, require_path
from tests.support.servers import (
    DEMO_DIR,
    EVAL_DIR,
    VOORBEELD_DIR,
    Server,
    actions,
    actions_port,
    bot_env,
    import_municipalities,
    running,
    serve,
)


@dataclass
class RunningBot:
    """`wijkwijzer serve` (Rasa server and action server) with its own databases."""

    server: Server
    workdir: Path
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def actions_port(self) -> int:
        return actions_port(self.server)


def start_bot(
    workdir: Path,
    imports: Sequence[Path] = (VOORBEELD_DIR, DEMO_DIR),
    serve_args: tuple[str, ...] = (),
    env_extra: dict[str, str] | None = None,
) -> RunningBot:
    """Import the municipalities (default: the sample and the demo) into a fresh SQLite file
    and serve (with `env_extra` on top of the test environment)."""
    require_model()
    env = bot_env(workdir, **(env_extra or {}))
    import_municipalities(env, imports)
    return RunningBot(serve(workdir, env, *serve_args).start(), workdir, env)


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    running_bot = start_bot(tmp_path_factory.mktemp("e2e"))
    yield running_bot
    running_bot.server.stop()


@pytest.fixture
def launch_bot() -> Iterator[Callable[[Path], RunningBot]]:
    """Start extra bots in a test (each stopped at the end if still running)."""
    started: list[RunningBot] = []

    def launch(workdir: Path) -> RunningBot:
        running_bot = start_bot(workdir)
        started.append(running_bot)
        return running_bot

    yield launch
    for running_bot in started:
        running_bot.server.stop()


@pytest.fixture(scope="module")
def voorbeeld_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """A bot whose database holds only the sample municipality, as the public scorer assumes."""
    require_path(VOORBEELD_DIR / "buurten.csv")
    running_bot = start_bot(tmp_path_factory.mktemp("voorbeeld"), imports=(VOORBEELD_DIR,))
    yield running_bot
    running_bot.server.stop()


@pytest.fixture(scope="session")
def public_scorer() -> ModuleType:
    """../shared/eval/score.py itself, so a gate measures exactly what the public scorer does."""
    path = EVAL_DIR / "score.py"
    require_path(path)
    spec = importlib.util.spec_from_file_location("public_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The shared folder's public evaluation sets."""
    require_path(EVAL_DIR)
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
    require_model()
    workdir = tmp_path_factory.mktemp("counted")
    env = bot_env(workdir)
    import_municipalities(env, (VOORBEELD_DIR, DEMO_DIR))
    action_server = actions(workdir, env)
    proxy = CountingProxy(action_server.url)
    rasa = serve(workdir, env, "--rasa-only", "--actions-url", proxy.url + "/webhook")
    try:
        with running(action_server, rasa):
            yield CountedBot(RunningBot(rasa, workdir, env), proxy)
    finally:
        proxy.close()
