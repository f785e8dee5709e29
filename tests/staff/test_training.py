"""Training pages without a Rasa server: sign-in, CSRF, one run at a time, refusals on accept."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from bot.staff.app import StaffSettings
from bot.staff.rasa_servers import (
    ACCESS_REFUSED,
    NO_ACCESS,
    UNREACHABLE,
    problems_for_staff,
    server_status,
)
from bot.staff.training import (
    KIND_TRAIN,
    STAGE_DONE,
    STAGE_FAILED,
    TrainingBusy,
    TrainingRun,
    TrainingRuns,
    TrainingSettings,
    evaluation_path,
    is_worse_on_conversations,
)
from bot.staff.training_runs import compare
from tests.support.servers import free_port
from tests.support.staff import csrf_of


@pytest.fixture
def training(staff_settings: StaffSettings, tmp_path: Path) -> TrainingSettings:
    """Training settings on temporary folders; the Rasa URL has nobody listening."""
    settings = TrainingSettings(
        models_dir=tmp_path / "models",
        nlu_dir=staff_settings.nlu.directory,
        stories_dir=staff_settings.stories_dir,
        rasa_urls=[f"http://127.0.0.1:{free_port()}"],
        api_token=None,
    )
    settings.models_dir.mkdir()
    staff_settings.training = settings
    return settings


def _count(session_factory: sessionmaker) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(TrainingRun)) or 0)


def _evaluation(passed: int, total: int, accuracy: float = 0.9) -> dict[str, Any]:
    return {
        "nlu": {"accuracy": accuracy, "macro_f1": accuracy - 0.05,
                "per_intent": {"ask_safety": accuracy, "youth": 0.8}, "data": "current"},
        "conversations": {"passed": passed, "total": total, "failed": total - passed,
                          "failed_stories": []},
    }  # fmt: skip


def _model(folder: Path, name: str, evaluation: dict[str, Any] | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.tar.gz"
    model.write_bytes(b"not loaded in these tests")
    if evaluation is not None:
        evaluation_path(model).write_text(json.dumps(evaluation), encoding="utf-8")
    return model


def _finished_run(
    runs: TrainingRuns, settings: TrainingSettings, model: Path, stage: str = STAGE_DONE
) -> int:
    run = runs.create(KIND_TRAIN, "bert", settings)
    runs.set_stage(run.id, stage, model_path=str(model))
    return run.id


async def test_training_pages_require_sign_in(
    client: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    paths = ["/training/start", "/training/meten", "/training/1/accepteren"]
    gets = [("GET", "/training"), ("GET", "/training/1/stand")]
    for method, path in [*gets, *(("POST", p) for p in paths)]:
        response = await client.request(method, path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/aanmelden"
    assert _count(session_factory) == 0


async def test_start_without_a_valid_csrf_token_is_refused(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    for data in ({}, {"csrf_token": "vervalst"}):
        response = await signed_in.post("/training/start", data=data, allow_redirects=False)
        assert response.status == 403
    assert _count(session_factory) == 0


async def test_a_second_training_is_refused_while_one_runs(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    runs = TrainingRuns(session_factory)
    busy = runs.create(KIND_TRAIN, "bert", training)
    with pytest.raises(TrainingBusy):
        runs.create(KIND_TRAIN, "carla", training)

    token = await csrf_of(signed_in, "/training")
    response = await signed_in.post(
        "/training/start", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 409
    assert "Er loopt al een training" in await response.text()
    response = await signed_in.post(
        "/training/meten", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 409
    assert _count(session_factory) == 1
    # While it runs, the page follows the stage with its one static script, which the CSP
    # allows on this page only.
    response = await signed_in.get("/training")
    page = await response.text()
    assert '<script src="/static/training.js" defer></script>' in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    inbox = await signed_in.get("/inbox")
    assert "script-src" not in inbox.headers["Content-Security-Policy"]
    state = await (await signed_in.get(f"/training/{busy.id}/stand")).json()
    assert state["stage"] == "waiting" and state["running"] is True
    assert (await signed_in.get("/training/999/stand")).status == 404
    assert runs.running() == runs.get(busy.id)


async def test_a_run_without_heartbeat_is_recorded_as_failed_and_frees_the_slot(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    runs = TrainingRuns(session_factory)
    dead = runs.create(KIND_TRAIN, "bert", training)
    with session_factory() as session:
        session.execute(
            update(TrainingRun)
            .where(TrainingRun.id == dead.id)
            .values(heartbeat_at=datetime.utcnow() - timedelta(hours=1))
        )
        session.commit()
    response = await signed_in.get("/training")
    assert response.status == 200
    assert 'data-stage="failed"' in await response.text()
    stored = runs.get(dead.id)
    assert stored is not None and stored.stage == STAGE_FAILED and stored.finished_at
    assert runs.running() is None
    runs.create(KIND_TRAIN, "bert", training)  # the slot is free again


async def test_accepting_a_candidate_that_is_worse_needs_the_override(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    _model(training.models_dir, "running", _evaluation(passed=5, total=5))
    candidate = _model(training.candidates_dir / "run-x", "candidate", _evaluation(4, 5))
    runs = TrainingRuns(session_factory)
    run_id = _finished_run(runs, training, candidate)

    page = await (await signed_in.get("/training")).text()
    assert 'name="toch_gebruiken"' in page
    token = await csrf_of(signed_in, "/training")
    response = await signed_in.post(
        f"/training/{run_id}/accepteren", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 409
    assert "minder gesprekstests" in await response.text()

    # With the override it gets further, and stops at the missing API token: no crash.
    response = await signed_in.post(
        f"/training/{run_id}/accepteren",
        data={"csrf_token": token, "toch_gebruiken": "ja"},
        allow_redirects=False,
    )
    assert response.status == 503
    text = await response.text()
    assert "niet in gebruik genomen" in text and NO_ACCESS in text
    assert "WIJKWIJZER_API_TOKEN" not in text
    stored = runs.get(run_id)
    assert stored is not None and stored.accepted_by is None
    assert sorted(p.name for p in training.models_dir.glob("*.tar.gz")) == ["running.tar.gz"]


async def test_a_failed_evaluation_needs_the_override_and_no_model_cannot_be_accepted(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    runs = TrainingRuns(session_factory)
    no_evaluation = _model(training.candidates_dir / "run-a", "half", None)
    run_id = _finished_run(runs, training, no_evaluation, stage=STAGE_FAILED)
    token = await csrf_of(signed_in, "/training")
    response = await signed_in.post(
        f"/training/{run_id}/accepteren", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 409
    assert "mislukt" in await response.text()

    missing = training.candidates_dir / "run-b" / "gone.tar.gz"
    run_id = _finished_run(runs, training, missing, stage=STAGE_FAILED)
    response = await signed_in.post(
        f"/training/{run_id}/accepteren",
        data={"csrf_token": token, "toch_gebruiken": "ja"},
        allow_redirects=False,
    )
    assert response.status == 409
    assert "geen nieuw model" in await response.text()
    response = await signed_in.post(
        "/training/999/accepteren", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 404


async def test_the_page_compares_both_models_and_offers_to_measure_an_unmeasured_one(
    signed_in: TestClient, training: TrainingSettings, session_factory: sessionmaker
) -> None:
    _model(training.models_dir, "running", None)
    candidate = _model(training.candidates_dir / "run-x", "candidate", _evaluation(5, 5, 0.93))
    _finished_run(TrainingRuns(session_factory), training, candidate)
    page = await (await signed_in.get("/training")).text()
    assert "93.0%" in page and "5 van 5 geslaagd" in page
    assert 'action="/training/meten"' in page
    assert "<script" not in page


def test_worse_on_conversations_compares_the_share_that_passes() -> None:
    assert is_worse_on_conversations(_evaluation(9, 10), _evaluation(10, 10))
    assert not is_worse_on_conversations(_evaluation(11, 12), _evaluation(9, 10))
    assert not is_worse_on_conversations(_evaluation(3, 10), None)
    assert is_worse_on_conversations({"conversations": None}, None)


def test_compare_lists_the_biggest_loss_first() -> None:
    rows = compare(_evaluation(1, 1, accuracy=0.7), _evaluation(1, 1, accuracy=0.9))
    assert [row["intent"] for row in rows] == ["ask_safety", "youth"]
    assert rows[0]["change"] == pytest.approx(-0.2)


async def test_without_a_token_staff_read_what_is_wrong_and_the_log_has_the_detail(
    signed_in: TestClient, training: TrainingSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.staff.rasa_servers")
    page = await (await signed_in.get("/training")).text()
    assert NO_ACCESS in page
    assert "technisch beheerder" in page
    # Nothing technical for staff: no addresses, no setting names.
    assert training.rasa_urls[0] not in page and "http://" not in page
    assert "WIJKWIJZER_API_TOKEN" not in page and "API" not in page
    assert "WIJKWIJZER_API_TOKEN" in caplog.text and training.rasa_urls[0] in caplog.text


async def test_a_server_that_does_not_answer_is_said_plainly(
    signed_in: TestClient, training: TrainingSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.staff.rasa_servers")
    training.api_token = "een-sleutel"
    page = await (await signed_in.get("/training")).text()
    assert UNREACHABLE in page and "http://" not in page
    assert training.rasa_urls[0] in caplog.text and "ClientConnectorError" in caplog.text


async def test_a_refused_token_is_said_plainly() -> None:
    async def status(request: web.Request) -> web.Response:
        return web.json_response({"message": "unauthorized"}, status=401)

    app = web.Application()
    app.router.add_get("/status", status)
    async with TestServer(app) as server:
        url = str(server.make_url("")).rstrip("/")
        answer = await server_status(url, "verkeerde-sleutel")
    assert (answer.model_file, answer.problem) == (None, ACCESS_REFUSED)


def test_problems_of_several_servers_are_said_once() -> None:
    assert problems_for_staff([NO_ACCESS, NO_ACCESS], 2) == [NO_ACCESS]
    assert problems_for_staff([ACCESS_REFUSED, ""], 2) == [
        f"Bij 1 van de 2 botservers: {ACCESS_REFUSED}"
    ]
    assert problems_for_staff(["", ""], 2) == []
