"""A reviewed conversation becomes a conversation test (here in a temporary stories folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff.nlu_files import NluData
from bot.staff.review import ReviewInbox, decide
from bot.staff.stories import StoryRefused, write_test_story
from tests.support.staff import PROJECT_ROOT, csrf_of


@pytest.fixture
def inbox(tracker_engine: Engine, session_factory: sessionmaker) -> ReviewInbox:
    return ReviewInbox(tracker_engine, session_factory)


def _event_of(inbox: ReviewInbox, sender: str) -> int:
    return next(i.event_id for i in inbox.items() if i.sender_id == sender)


def test_story_has_intents_actions_and_form_ends(inbox: ReviewInbox, tmp_path: Path) -> None:
    event_id = _event_of(inbox, "inwoner-niet-geholpen")
    path = write_test_story(inbox, event_id, tmp_path)
    assert path == tmp_path / f"test_reviewed_{event_id}.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["stories"][0]["steps"] == [
        {"intent": "neighbour_conflict"},
        {"action": "action_route_question"},
        {"action": "location_form"},
        {"active_loop": "location_form"},
        {"intent": "inform_location"},
        {"action": "location_form"},
        {"active_loop": None},
        {"slot_was_set": [{"requested_slot": None}]},
        {"action": "action_give_contact"},
    ]  # the last "nee" got no answer in this recording, so it is left out
    assert "inwoner" not in path.read_text(encoding="utf-8")  # no sender id (phone numbers)


def test_story_is_valid_rasa_test_data(inbox: ReviewInbox, tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    path = write_test_story(inbox, _event_of(inbox, "inwoner-niet-geholpen"), tmp_path)
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    steps = YAMLStoryReader(domain).read_from_file(path)
    assert len(steps) == 1
    assert steps[0].block_name == f"reviewed conversation {path.stem.rsplit('_', 1)[1]}"


def test_corrected_intent_replaces_the_guess(
    inbox: ReviewInbox, tmp_path: Path, nlu_dir: Path
) -> None:
    event_id = _event_of(inbox, "inwoner-twijfel")
    decide(inbox, NluData(nlu_dir), event_id, "liveability", "anna")
    document = yaml.safe_load(write_test_story(inbox, event_id, tmp_path).read_text())
    assert document["stories"][0]["steps"][:2] == [
        {"intent": "liveability"},
        {"action": "action_route_question"},
    ]


def test_a_fallback_conversation_is_refused(inbox: ReviewInbox, tmp_path: Path) -> None:
    with pytest.raises(StoryRefused):
        write_test_story(inbox, _event_of(inbox, "inwoner-fallback"), tmp_path)
    assert not list(tmp_path.glob("*.yml"))


async def test_story_button_in_the_workspace(signed_in: TestClient, tmp_path: Path) -> None:
    inbox = await (await signed_in.get("/inbox?route=buurtbemiddeling")).text()
    event_id = inbox.split('href="/inbox/')[1].split('"')[0]
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    wrong = await signed_in.post(f"/inbox/{event_id}/testverhaal", data={"csrf_token": "x"})
    assert wrong.status == 403
    response = await signed_in.post(
        f"/inbox/{event_id}/testverhaal", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 303
    assert (tmp_path / "stories" / f"test_reviewed_{event_id}.yml").is_file()


async def test_story_needs_sign_in(client: TestClient, tmp_path: Path) -> None:
    token = await csrf_of(client, "/aanmelden")
    response = await client.post(
        "/inbox/1/testverhaal", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.headers["Location"] == "/aanmelden"
    assert not (tmp_path / "stories").exists()
