"""Review, annotate, retrain and accept against a real `wijkwijzer serve` and a real training.

One Rasa server (with an API token) and one quick training (configs/training-quick.yml,
2 folds) are shared by the module: the browser test walks the whole flow, the other test
checks what the training left behind. The Rasa server swaps the model while a resident's
conversation goes on.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tarfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from aiohttp import web
from sqlalchemy import create_engine, select

from bot.db.session import create_schema, make_engine, make_session_factory
from bot.staff.app import StaffSettings, create_app
from bot.staff.nlu_files import NluData
from bot.staff.training import (
    KIND_TRAIN,
    STAGE_DONE,
    TrainingRun,
    TrainingRuns,
    TrainingSettings,
    evaluation_path,
    load_evaluation,
    persisted_nlu_data,
)
from bot.staff.users import add_or_update_user
from tests.support.browser import chromium, run_axe
from tests.support.requirements import require_model
from tests.support.rest import say
from tests.support.servers import (
    DEMO_DIR,
    PROJECT_ROOT,
    Server,
    bot_env,
    free_port,
    import_municipalities,
    serve,
    wait_until_ready,
)
from tests.support.staff import (
    CSRF,
    SECRET,
    STAFF_NAME,
    STAFF_PASSWORD,
    conversations,
    copy_nlu_trimmed,
)

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.training]

TOKEN = "een-geheime-api-sleutel"
# A quick training plus 2-fold cross-validation and the conversation tests: minutes, more on
# a loaded machine.
TRAINING_TIMEOUT = 30 * 60
QUICK_CONFIG = PROJECT_ROOT / "configs" / "training-quick.yml"
# Trained on a part of data/nlu: the test needs a real model, not a good one, in minutes.
EXAMPLES_PER_INTENT = 15
ANNOTATED = "die lamp bij het speeltuintje doet het niet meer"


def model_status(rasa: Server) -> dict[str, Any]:
    """Rasa's /status (needs the API token): which model it runs."""
    with urllib.request.urlopen(f"{rasa.url}/status?token={TOKEN}", timeout=30) as answer:
        result: dict[str, Any] = json.loads(answer.read())
        return result


@dataclass
class Workspace:
    url: str
    settings: StaffSettings
    runs: TrainingRuns
    workdir: Path
    servers: list[Any] = field(default_factory=list)

    def serve_another(self) -> str:
        """A second workspace process on the same database: what a restart would show."""
        url, stop = _serve(self.settings)
        self.servers.append(stop)
        return url


def _serve(settings: StaffSettings) -> tuple[str, Any]:
    port = free_port()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    # Set up on the server's own loop: Playwright's loop may be running in this thread.
    runner = web.AppRunner(create_app(settings))
    asyncio.run_coroutine_threadsafe(runner.setup(), loop).result(timeout=60)
    site = web.TCPSite(runner, "127.0.0.1", port)
    asyncio.run_coroutine_threadsafe(site.start(), loop).result(timeout=60)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("training-flow")


@pytest.fixture(scope="module")
def rasa(workdir: Path) -> Iterator[Server]:
    """`wijkwijzer serve` with an API token, running a copy of the project's model."""
    require_model()
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    models_dir = workdir / "models"
    models_dir.mkdir()
    shutil.copy2(models[-1], models_dir / models[-1].name)
    env = bot_env(workdir, WIJKWIJZER_API_TOKEN=TOKEN)
    import_municipalities(env, [DEMO_DIR])
    server = serve(workdir, env, "--model", str(models_dir))
    # Launched, not waited for: the training in the test needs no server until "accept".
    server.launch()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workspace(workdir: Path, rasa: Server) -> Iterator[Workspace]:
    """The staff workspace with the quick training config, on a copy of data/nlu and stories."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    # The review inbox reads conversations as Rasa stores them.
    store = SQLTrackerStore(
        Domain.load(str(PROJECT_ROOT / "domain.yml")), dialect="sqlite",
        db=str(workdir / "review-trackers.db"),
    )  # fmt: skip

    async def fill() -> None:
        for sender, events in conversations().items():
            await store.save(DialogueStateTracker.from_events(sender, events))

    asyncio.run(fill())
    store.engine.dispose()
    nlu_dir = workdir / "nlu"
    copy_nlu_trimmed(PROJECT_ROOT / "data" / "nlu", nlu_dir, EXAMPLES_PER_INTENT)
    stories_dir = workdir / "stories"
    shutil.copytree(PROJECT_ROOT / "tests" / "stories", stories_dir)
    engine = make_engine(f"sqlite:///{workdir / 'staff.db'}")
    create_schema(engine)
    session_factory = make_session_factory(engine)
    add_or_update_user(session_factory, STAFF_NAME, STAFF_PASSWORD, "beheerder")
    add_or_update_user(session_factory, "bert", STAFF_PASSWORD, "beheerder")
    settings = StaffSettings(
        session_factory=session_factory,
        tracker_engine=create_engine(f"sqlite:///{workdir / 'review-trackers.db'}", future=True),
        nlu=NluData(nlu_dir),
        stories_dir=stories_dir,
        secret=SECRET,
        training=TrainingSettings(
            config=QUICK_CONFIG,
            folds=2,
            models_dir=workdir / "models",
            nlu_dir=nlu_dir,
            stories_dir=stories_dir,
            rasa_urls=[rasa.url],
            api_token=TOKEN,
        ),
    )
    url, stop = _serve(settings)
    runs = TrainingRuns(session_factory)
    space = Workspace(url, settings, runs, workdir)
    yield space
    for run in runs.recent(100):
        if run.running:
            from bot.staff.training import stop_run

            stop_run(run, runs)
    for stop_other in space.servers:
        stop_other()
    stop()
    engine.dispose()


def _signed_in(url: str, name: str = STAFF_NAME) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(f"{url}/aanmelden", timeout=30).text)
    assert token
    answer = session.post(
        f"{url}/aanmelden",
        data={"naam": name, "wachtwoord": STAFF_PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 303
    return session


def _csrf(session: requests.Session, url: str) -> str:
    match = CSRF.search(session.get(url, timeout=60).text)
    assert match
    return match.group(1)


def _wait_for_the_end(runs: TrainingRuns, run_id: int) -> None:
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while time.monotonic() < deadline:
        run = runs.get(run_id)
        assert run is not None
        if not run.running:
            return
        time.sleep(5)
    pytest.fail(f"training {run_id} not finished in {TRAINING_TIMEOUT} s")


class Resident(threading.Thread):
    """Keeps a conversation going, so that we see it is answered while the model swaps."""

    def __init__(self, rasa: Server) -> None:
        super().__init__(daemon=True)
        self.rasa = rasa
        self.answers: list[tuple[float, float, list[dict[str, Any]] | Exception]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        questions = ["Wie is de wijkagent?", "Mijn buren maken elke nacht lawaai"]
        turn = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                reply: list[dict[str, Any]] | Exception = say(
                    self.rasa, f"inwoner-wissel-{turn}", questions[turn % 2], timeout=300
                )
            except Exception as error:  # recorded: the test shows what went wrong
                reply = error
            self.answers.append((started, time.monotonic(), reply))
            turn += 1
            time.sleep(0.3)


@pytest.fixture(scope="module")
def page(workspace: Workspace) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        browser_page = context.new_page()
        csp_errors: list[str] = []
        browser_page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        browser_page.csp_errors = csp_errors
        yield browser_page


def test_review_annotate_retrain_and_accept_in_the_browser(
    page: Any, workspace: Workspace, rasa: Server
) -> None:
    from playwright.sync_api import expect

    url = workspace.url

    # Review and annotate.
    page.goto(f"{url}/aanmelden")
    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{url}/inbox")
    page.get_by_role("link", name=ANNOTATED).click()
    page.get_by_label("Onderwerp").select_option("report_defect")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("toegevoegd")

    # Retrain.
    page.get_by_role("link", name="Opnieuw trainen").click()
    expect(page.get_by_role("heading", name="Opnieuw trainen", level=1)).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Training starten").click()
    expect(page.get_by_role("status")).to_contain_text("gestart")
    expect(page.get_by_role("heading", name="Training loopt")).to_be_visible()
    assert page.locator('script[src="/static/training.js"]').count() == 1
    assert run_axe(page) == []
    run = workspace.runs.latest(KIND_TRAIN)
    assert run is not None and run.running and run.started_by == STAFF_NAME

    # A colleague who starts one too is refused; nothing new is started.
    colleague = _signed_in(url, "bert")
    refused = colleague.post(
        f"{url}/training/start",
        data={"csrf_token": _csrf(colleague, f"{url}/training")},
        allow_redirects=False,
        timeout=60,
    )
    assert refused.status_code == 409
    assert [r.id for r in workspace.runs.recent(100)] == [run.id]

    # A restarted workspace (another process on the same database) shows the same training.
    other = workspace.serve_another()
    shown = _signed_in(other).get(f"{other}/training", timeout=60).text
    assert f"Training {run.id}:" in shown and f"/training/{run.id}/stand" in shown

    # The page follows the stages by itself until the evaluation is done.
    expect(page.locator(".run-stage")).to_have_attribute(
        "data-stage", re.compile("done|failed"), timeout=TRAINING_TIMEOUT * 1000
    )
    finished = workspace.runs.get(run.id)
    assert finished is not None
    assert finished.stage == STAGE_DONE, finished.message + "\n" + _rasa_log(finished.work_dir)
    expect(page.get_by_role("heading", name="In gebruik nemen")).to_be_visible()
    assert page.locator('script[src="/static/training.js"]').count() == 0
    assert run_axe(page) == []

    wait_until_ready([rasa])
    old_model = model_status(rasa)["model_file"]
    page.reload()
    # Accept with a wrong token: a Dutch error, the old model keeps running.
    workspace.settings.training.api_token = "verkeerde-sleutel"
    try:
        page.get_by_role("button", name="In gebruik nemen").click(timeout=300_000)
        expect(page.get_by_role("alert")).to_contain_text("weigert de werkplek toegang")
        assert run_axe(page) == []
    finally:
        workspace.settings.training.api_token = TOKEN
    assert model_status(rasa)["model_file"] == old_model

    # Accept: Rasa swaps the model while the resident's conversation goes on.
    resident = Resident(rasa)
    resident.start()
    time.sleep(2)
    swap_started = time.monotonic()
    page.goto(f"{url}/training?run={run.id}")
    # Rasa answers PUT /model only when the model is loaded: minutes on a busy machine.
    page.get_by_role("button", name="In gebruik nemen").click(timeout=900_000)
    expect(page.get_by_role("status")).to_contain_text("in gebruik", timeout=60_000)
    swap_ended = time.monotonic()
    time.sleep(2)
    resident.stopping.set()
    resident.join(timeout=300)
    assert run_axe(page) == []
    assert page.csp_errors == []

    assert finished.model is not None
    assert model_status(rasa)["model_file"] == finished.model.name != old_model
    failures = [a for _, _, a in resident.answers if isinstance(a, Exception) or not a]
    assert failures == []
    during = [a for start, end, a in resident.answers if end > swap_started and start < swap_ended]
    assert during, "no message was sent while the model was swapped"
    accepted = workspace.runs.get(run.id)
    assert accepted is not None and accepted.accepted_by == STAFF_NAME and accepted.accepted_at
    # In models/ too, so that a restart of the servers keeps the new model.
    assert (workspace.settings.training.models_dir / finished.model.name).is_file()


def _rasa_log(work_dir: str) -> str:
    path = Path(work_dir) / "rasa.log"
    return path.read_text(errors="replace")[-3000:] if path.is_file() else ""


def test_the_training_left_a_candidate_and_its_evaluation(workspace: Workspace) -> None:
    run = next((r for r in workspace.runs.recent(100) if r.stage == STAGE_DONE), None)
    if run is None:
        pytest.skip("the browser test made no finished training")
    assert run.model is not None and run.model.is_file()
    assert run.model.parent == workspace.settings.training.candidates_dir / f"run-{run.id}"
    evaluation = load_evaluation(run.model)
    assert evaluation is not None and evaluation_path(run.model).is_file()
    assert evaluation["model"] == run.model.name

    nlu = evaluation["nlu"]
    assert nlu["folds"] == 2
    assert 0.0 <= nlu["macro_f1"] <= 1.0 and 0.0 <= nlu["accuracy"] <= 1.0
    assert set(nlu["per_intent"]) >= set(workspace.settings.nlu.intents()) - {"nlu_fallback"}

    stories = workspace.settings.training.stories_dir
    expected = sum(
        len((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("stories") or [])
        for p in stories.glob("*.yml")
    )
    conversations_result = evaluation["conversations"]
    assert conversations_result["total"] == expected
    assert conversations_result["passed"] + conversations_result["failed"] == expected
    assert len(conversations_result["failed_stories"]) == conversations_result["failed"]

    # The candidate was trained on the annotated example (kept inside the model).
    persisted = persisted_nlu_data(run.model, workspace.workdir)
    assert persisted is not None
    assert ANNOTATED in persisted.read_text(encoding="utf-8")

    with workspace.settings.session_factory() as session:
        stored = session.scalars(select(TrainingRun).where(TrainingRun.id == run.id)).one()
        assert stored.started_by == STAFF_NAME and stored.finished_at and stored.active is None
    with tarfile.open(run.model) as archive:
        assert any(name.endswith("metadata.json") for name in archive.getnames())
