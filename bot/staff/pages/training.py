"""The workspace's training pages: start a training, follow it, compare, accept the new model."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Final

from aiohttp import web

from bot.staff.labels import topic_label
from bot.staff.pages.common import (
    StaffSettings,
    error_page,
    notice,
    render,
    requires,
    see_other,
    settings,
    user,
)
from bot.staff.rasa_servers import LoadResult, no_token_problem, problems_for_staff
from bot.staff.roles import Permission
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
    load_evaluation,
    log_tail,
    start_run,
)
from bot.staff.training_runs import (
    compare,
    database_url,
    keep_child,
    load_everywhere,
    reap_children,
    refusal,
    running_model,
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
# Acceptances under way (a reference keeps a shielded task from being collected).
_TASKS: set[asyncio.Future[tuple[list[LoadResult], int]]] = set()


def add_routes(app: web.Application) -> None:
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


def _settings(request: web.Request) -> tuple[StaffSettings, TrainingSettings, TrainingRuns]:
    staff = settings(request)
    return staff, staff.training, TrainingRuns(staff.session_factory)


def format_elapsed(run: RunView) -> str:
    seconds = int(run.elapsed().total_seconds())
    minutes, seconds = divmod(seconds, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} uur {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d-%m-%Y %H:%M") + " (UTC)" if moment else ""


@requires(Permission.TRAINING)
async def training_page(
    request: web.Request, status: int = 200, error: str | None = None
) -> web.StreamResponse:
    reap_children()
    _, training, runs = _settings(request)
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
    return render(
        request,
        "training.html",
        status=status,
        error=error,
        notice=notice(request.query, NOTICES),
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
        topic_label=topic_label,
        token_missing=not training.api_token,
        servers=training.rasa_urls,
    )


@requires(Permission.TRAINING)
async def run_state(request: web.Request) -> web.StreamResponse:
    """The stage of one run, for static/training.js."""
    reap_children()
    _, _, runs = _settings(request)
    run = runs.get(int(request.match_info["run_id"]))
    if run is None:
        raise web.HTTPNotFound()
    return web.json_response(
        {"stage": run.stage, "running": run.running, "elapsed": format_elapsed(run)}
    )


@requires(Permission.TRAINING)
async def start_training(request: web.Request) -> web.StreamResponse:
    staff, training, runs = _settings(request)
    try:
        run, process = start_run(runs, training, user(request), database_url(staff.session_factory))
    except TrainingBusy:
        return await training_page(request, status=409, error=BUSY_MESSAGE)
    except OSError:
        return await training_page(request, status=500, error="De training kon niet starten.")
    keep_child(process)
    raise see_other("/training", run=run.id, uitkomst="started")


@requires(Permission.TRAINING)
async def measure_running_model(request: web.Request) -> web.StreamResponse:
    staff, training, runs = _settings(request)
    model, _ = await running_model(training)
    if model is None or not model.is_file():
        return await training_page(request, status=409, error=(
            "Het model dat nu draait is niet gevonden in de map met modellen. "
            "Het kan daarom niet gemeten worden."
        ))  # fmt: skip
    try:
        run, process = start_run(
            runs, training, user(request), database_url(staff.session_factory),
            kind=KIND_MEASURE, model_path=model,
        )  # fmt: skip
    except TrainingBusy:
        return await training_page(request, status=409, error=BUSY_MESSAGE)
    keep_child(process)
    raise see_other("/training", run=run.id, uitkomst="measuring")


@requires(Permission.TRAINING)
async def accept_candidate(request: web.Request) -> web.StreamResponse:
    _, training, runs = _settings(request)
    form = await request.post()
    run = runs.get(int(request.match_info["run_id"]))
    if run is None or run.kind != KIND_TRAIN:
        return error_page(request, 404, "Deze training bestaat niet.")
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
    task = asyncio.ensure_future(load_everywhere(training, runs, run.id, run.model, user(request)))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    failed, total = await asyncio.shield(task)
    if failed:
        problems = " ".join(problems_for_staff([result.problem for result in failed], total))
        return await training_page(request, status=502, error=(
            f"Het nieuwe model is niet overal in gebruik genomen "
            f"(gelukt op {total - len(failed)} van de {total} botservers). {problems}"
        ))  # fmt: skip
    raise see_other("/training", run=run.id, uitkomst="accepted")
