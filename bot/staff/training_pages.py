"""The workspace's training pages: start a training, follow it, compare, accept the new model."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from aiohttp import web

from bot.staff.rasa_servers import (
    LoadResult,
    ServerStatus,
    load_model,
    no_token_problem,
    problems_for_staff,
    server_status,
)
from bot.staff.training import (
    KIND_MEASURE,
    KIND_TRAIN,
    STAGE_CONVERSATION_TESTS,
    STAGE_CROSS_VALIDATION,
    STAGE_DONE,
    STAGE_FAILED,
    STAGE_TRAINING,
    STAGE_WAITING,
    RunView,
    TrainingBusy,
    TrainingRuns,
    TrainingSettings,
    evaluation_path,
    is_worse_on_conversations,
    load_evaluation,
    log_tail,
    start_run,
)

log = logging.getLogger(__name__)

REFRESH_SECONDS: Final = 5
STAGE_LABELS: Final = {
    STAGE_WAITING: "Wacht op start",
    STAGE_TRAINING: "Trainen",
    STAGE_CROSS_VALIDATION: "Kruisvalidatie",
    STAGE_CONVERSATION_TESTS: "Gesprekstests",
    STAGE_DONE: "Klaar",
    STAGE_FAILED: "Mislukt",
}
STEPS: Final = (STAGE_TRAINING, STAGE_CROSS_VALIDATION, STAGE_CONVERSATION_TESTS, STAGE_DONE)
BUSY_MESSAGE: Final = (
    "Er loopt al een training. Er kan er maar één tegelijk lopen. "
    "Wacht tot deze klaar is en probeer het dan opnieuw."
)
NOTICES: Final = {
    "started": "De training is gestart. Deze pagina laat vanzelf zien hoe ver hij is.",
    "measuring": "Het huidige model wordt gemeten. Deze pagina laat vanzelf zien hoe ver dat is.",
    "accepted": "Het nieuwe model is in gebruik. De bot antwoordt nu met het nieuwe model.",
}
# Popen objects of runs this process started: polling them reaps finished runners.
_CHILDREN: set[subprocess.Popen[bytes]] = set()
# Acceptances under way (a reference keeps a shielded task from being collected).
_TASKS: set[asyncio.Future[tuple[list[LoadResult], int]]] = set()


def add_training_routes(app: web.Application) -> None:
    app.router.add_get("/training", training_page)
    app.router.add_post("/training/start", start_training)
    app.router.add_post("/training/meten", measure_running_model)
    app.router.add_post("/training/{run_id:\\d+}/accepteren", accept_candidate)
    app.router.add_get("/training/{run_id:\\d+}/stand", run_state)
    # aiohttp types this signal wrongly (a callback of a callback); the call is as documented.
    app.on_response_prepare.append(allow_own_script)  # type: ignore[arg-type]


async def allow_own_script(request: web.Request, response: web.StreamResponse) -> None:
    """The training page may run its one static script (and ask for the stage); no other page."""
    csp = response.headers.get("Content-Security-Policy")
    if csp and request.path == "/training":
        response.headers["Content-Security-Policy"] = (
            csp + "; script-src 'self'; connect-src 'self'"
        )


def _staff() -> Any:
    # Imported late: bot.staff.app imports this module while it is being set up.
    from bot.staff import app as staff_app

    return staff_app


def _settings(request: web.Request) -> tuple[Any, TrainingSettings, TrainingRuns]:
    staff = _staff()
    settings = request.app[staff.SETTINGS]
    return settings, settings.training, TrainingRuns(settings.session_factory)


def _database_url(settings: Any) -> str:
    with settings.session_factory() as session:
        url = session.get_bind().url
    return str(url.render_as_string(hide_password=False))


def _reap() -> None:
    for child in list(_CHILDREN):
        if child.poll() is not None:
            _CHILDREN.discard(child)


def format_elapsed(run: RunView) -> str:
    seconds = int(run.elapsed().total_seconds())
    minutes, seconds = divmod(seconds, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} uur {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d-%m-%Y %H:%M") + " (UTC)" if moment else ""


async def running_model(training: TrainingSettings) -> tuple[Path | None, list[ServerStatus]]:
    """The model the Rasa servers run, as a file in models/ or a candidate directory."""
    statuses = [await server_status(url, training.api_token) for url in training.rasa_urls]
    name = next((s.model_file for s in statuses if s.model_file), None)
    if name:
        for folder in (training.models_dir, *sorted(training.candidates_dir.glob("run-*"))):
            if (folder / name).is_file():
                return folder / name, statuses
        return Path(name), statuses
    # No server answered: the newest model in models/ is what a (re)start would load.
    newest = max(
        training.models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, default=None
    )
    return newest, statuses


def compare(
    candidate: dict[str, Any] | None, running: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per-intent F1 of both models, worst change first."""
    new = ((candidate or {}).get("nlu") or {}).get("per_intent") or {}
    old = ((running or {}).get("nlu") or {}).get("per_intent") or {}
    rows = []
    for intent in sorted(set(new) | set(old)):
        change = new[intent] - old[intent] if intent in new and intent in old else None
        rows.append({"intent": intent, "candidate": new.get(intent), "running": old.get(intent),
                     "change": change})  # fmt: skip
    rows.sort(key=lambda row: (row["change"] is None, row["change"] or 0.0))
    return rows


def refusal(
    run: RunView | None, candidate: dict[str, Any] | None, running: dict[str, Any] | None
) -> str:
    """Why accepting needs the explicit override; empty when it does not."""
    if run is None or run.model is None or not run.model.is_file():
        return "Er is geen nieuw model om in gebruik te nemen."
    if run.stage == STAGE_FAILED or candidate is None:
        return "De controle van het nieuwe model is mislukt of niet afgemaakt."
    if is_worse_on_conversations(candidate, running):
        return "Het nieuwe model slaagt voor minder gesprekstests dan het huidige model."
    return ""


async def training_page(
    request: web.Request, status: int = 200, error: str | None = None
) -> web.StreamResponse:
    _reap()
    staff = _staff()
    settings, training, runs = _settings(request)
    run_id = request.query.get("run", "")
    run = runs.get(int(run_id)) if run_id.isdigit() else runs.latest(KIND_TRAIN)
    current = runs.running()
    running_file, statuses = await running_model(training)
    running_eval = load_evaluation(running_file) if running_file else None
    candidate_eval = load_evaluation(run.model) if run and run.model else None
    can_accept = bool(
        run and run.kind == KIND_TRAIN and run.model and run.model.is_file() and not run.running
        and not run.accepted_by and (running_file is None or run.model.name != running_file.name)
    )  # fmt: skip
    return staff.render(
        request,
        "training.html",
        status=status,
        error=error,
        notice=NOTICES.get(request.query.get("uitkomst", "")),
        run=run,
        current=current,
        refresh=REFRESH_SECONDS if current else None,
        steps=STEPS,
        stage_labels=STAGE_LABELS,
        elapsed=format_elapsed,
        when=_when,
        running_file=running_file,
        running_eval=running_eval,
        server_problems=problems_for_staff([s.problem for s in statuses], len(statuses)),
        candidate_eval=candidate_eval,
        rows=compare(candidate_eval, running_eval),
        refusal=refusal(run, candidate_eval, running_eval) if can_accept else "",
        can_accept=can_accept,
        history=runs.recent(),
        log_tail=log_tail(run) if run and run.stage == STAGE_FAILED else "",
        topic_label=staff.topic_label,
        token_missing=not training.api_token,
        servers=training.rasa_urls,
    )


async def load_everywhere(
    training: TrainingSettings, runs: TrainingRuns, run_id: int, model: Path, user: str
) -> tuple[list[LoadResult], int]:
    """Load the model into every server; when all did, keep it in models/ and record who."""
    assert training.api_token
    results: list[LoadResult] = []
    # One server after the other: the others keep answering at full speed meanwhile.
    for url in training.rasa_urls:
        results.append(await load_model(url, training.api_token, model))
    failed = [result for result in results if not result.ok]
    if failed:
        log.warning("accepting run %d failed on %d server(s): %s", run_id, len(failed), failed)
        return failed, len(results)
    # In models/ as well, so that a restart of the servers loads it again.
    training.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, training.models_dir / model.name)
    evaluation = evaluation_path(model)
    if evaluation.is_file():
        shutil.copy2(evaluation, training.models_dir / evaluation.name)
    # copy2 keeps the old time stamp; Rasa starts with the newest file in models/.
    (training.models_dir / model.name).touch()
    runs.mark_accepted(run_id, user)
    log.info("%s accepted run %d (%s)", user, run_id, model.name)
    return [], len(results)


async def run_state(request: web.Request) -> web.StreamResponse:
    """The stage of one run, for static/training.js."""
    _reap()
    _, _, runs = _settings(request)
    run = runs.get(int(request.match_info["run_id"]))
    if run is None:
        raise web.HTTPNotFound()
    return web.json_response(
        {"stage": run.stage, "running": run.running, "elapsed": format_elapsed(run)}
    )


async def start_training(request: web.Request) -> web.StreamResponse:
    settings, training, runs = _settings(request)
    user = request["session"].user
    try:
        run, process = start_run(runs, training, user, _database_url(settings))
    except TrainingBusy:
        return await training_page(request, status=409, error=BUSY_MESSAGE)
    except OSError:
        return await training_page(request, status=500, error="De training kon niet starten.")
    _CHILDREN.add(process)
    raise web.HTTPSeeOther("/training?" + urlencode({"run": run.id, "uitkomst": "started"}))


async def measure_running_model(request: web.Request) -> web.StreamResponse:
    settings, training, runs = _settings(request)
    model, _ = await running_model(training)
    if model is None or not model.is_file():
        return await training_page(request, status=409, error=(
            "Het model dat nu draait is niet gevonden in de map met modellen. "
            "Het kan daarom niet gemeten worden."
        ))  # fmt: skip
    try:
        run, process = start_run(
            runs, training, request["session"].user, _database_url(settings),
            kind=KIND_MEASURE, model_path=model,
        )  # fmt: skip
    except TrainingBusy:
        return await training_page(request, status=409, error=BUSY_MESSAGE)
    _CHILDREN.add(process)
    raise web.HTTPSeeOther("/training?" + urlencode({"run": run.id, "uitkomst": "measuring"}))


async def accept_candidate(request: web.Request) -> web.StreamResponse:
    settings, training, runs = _settings(request)
    form = await request.post()
    run = runs.get(int(request.match_info["run_id"]))
    if run is None or run.kind != KIND_TRAIN:
        staff = _staff()
        return staff.render(
            request, "error.html", status=404, message="Deze training bestaat niet."
        )
    if run.running:
        return await training_page(request, status=409, error=(
            "Deze training is nog niet klaar. Wacht tot de controle klaar is."
        ))  # fmt: skip
    if run.accepted_by:
        return await training_page(request, status=409, error=(
            f"Dit model is al in gebruik genomen door {run.accepted_by}."
        ))  # fmt: skip
    running_file, _ = await running_model(training)
    reason = refusal(
        run,
        load_evaluation(run.model) if run.model else None,
        load_evaluation(running_file) if running_file else None,
    )
    if reason and (run.model is None or not run.model.is_file()):
        return await training_page(request, status=409, error=reason)
    if reason and form.get("toch_gebruiken") != "ja":
        return await training_page(request, status=409, error=(
            f"{reason} Wilt u het toch gebruiken? Vink dan 'Toch in gebruik nemen' aan."
        ))  # fmt: skip
    if not training.api_token:
        problem = no_token_problem(training.rasa_urls[0] if training.rasa_urls else "")
        return await training_page(request, status=503, error=(
            f"Het nieuwe model is niet in gebruik genomen. {problem}"
        ))  # fmt: skip
    assert run.model is not None
    # Shielded: staff closing the browser while Rasa loads must not leave the servers half
    # done and the acceptance unrecorded (aiohttp cancels a handler whose client went away).
    task = asyncio.ensure_future(
        load_everywhere(training, runs, run.id, run.model, request["session"].user)
    )
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    failed, total = await asyncio.shield(task)
    if failed:
        problems = " ".join(problems_for_staff([result.problem for result in failed], total))
        return await training_page(request, status=502, error=(
            f"Het nieuwe model is niet overal in gebruik genomen "
            f"(gelukt op {total - len(failed)} van de {total} botservers). {problems}"
        ))  # fmt: skip
    raise web.HTTPSeeOther("/training?" + urlencode({"run": run.id, "uitkomst": "accepted"}))
