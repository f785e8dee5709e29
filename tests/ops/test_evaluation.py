"""`wijkwijzer eval` against a small fake bot: accuracy per route, confusion and latency."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.ops.cli import main
from bot.ops.evaluation import evaluate_file

ANSWERS = {
    "drugs op de hoek": [{"custom": {"route": {"role": "wijkagent", "topic": "ask_safety"}}}],
    "ruzie met de buren": [{"custom": {"route": {"role": "wijkagent", "topic": "ask_safety"}}}],
    "wat doet een opbouwwerker": [{"custom": {"explain": {"roles": ["opbouwwerker"]}}}],
    "wie is wie": [
        {
            "custom": {
                "explain": {
                    "roles": [
                        "wijkagent",
                        "wijkteam",
                        "opbouwwerker",
                        "sociaal_makelaar",
                        "wijkregisseur",
                    ]
                }
            }
        }
    ],
}


class FakeBot(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        reply = json.dumps(ANSWERS.get(body["message"], [{"text": "?"}])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_bot() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    path = tmp_path / "questions.yml"
    path.write_text(
        """cases:
  - {text: "drugs op de hoek", expect: [wijkagent]}
  - {text: "ruzie met de buren", expect: [buurtbemiddeling]}
  - {text: "niets bekends", expect: [wijkteam]}
  - {text: "wat doet een opbouwwerker", expect: [opbouwwerker], kind: explain}
  - {text: "wie is wie", expect: [overzicht], kind: explain}
""",
        encoding="utf-8",
    )
    return path


def test_accuracy_confusion_and_latency(fake_bot: str, questions: Path) -> None:
    report = evaluate_file(questions, fake_bot)
    assert (report.correct, report.total) == (3, 5)
    assert report.per_route["wijkagent"]["ok"] == 1
    assert report.per_route["buurtbemiddeling"]["miss"] == 1
    assert report.confusion[("buurtbemiddeling", "wijkagent")] == 1
    assert report.confusion[("wijkteam", "-")] == 1
    assert len(report.latencies) == 5
    rendered = report.render()
    assert re.search(r"buurtbemiddeling\s+-> wijkagent\s+1", rendered)
    assert "Accuracy: 3/5 = 0.600" in rendered


def test_eval_command_prints_the_report(fake_bot: str, questions: Path, capsys) -> None:
    assert main(["eval", str(questions), "--url", fake_bot]) == 0
    out = capsys.readouterr().out
    assert "Accuracy per route:" in out and "Latency: p50" in out


def test_eval_command_explains_an_unreachable_bot(questions: Path, capsys) -> None:
    assert main(["eval", str(questions), "--url", "http://127.0.0.1:9"]) == 1
    assert "niet bereikbaar" in capsys.readouterr().out
