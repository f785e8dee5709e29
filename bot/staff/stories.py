"""Turns a reviewed conversation into a Rasa test story in tests/stories/, so it never regresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import select

from bot.db.conversations import events_table
from bot.db.models.staff import ReviewDecision
from bot.staff.review import FALLBACK_ACTIONS, FALLBACK_INTENT, ConversationEvent, ReviewInbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STORIES_DIR = PROJECT_ROOT / "tests" / "stories"
# Rasa runs these itself at every turn or session start; a story does not list them.
SKIPPED_ACTIONS: Final = frozenset({"action_listen", "action_session_start"})


class StoryRefused(ValueError):
    """A Dutch reason why this conversation cannot become a test story as it is."""


def story_steps(events: list[ConversationEvent], corrections: dict[int, str]) -> list[Any]:
    """Intents and actions as Rasa recorded them; staff's corrected intents replace the bot's."""
    steps: list[Any] = []
    for event in events:
        if event.type_name == "user":
            intent = corrections.get(event.id) or event.intent_name
            if not intent or intent == FALLBACK_INTENT:
                raise StoryRefused(
                    "Een bericht in dit gesprek heeft nog geen onderwerp. "
                    "Beoordeel eerst alle berichten van dit gesprek."
                )
            steps.append({"intent": intent})
        elif event.type_name == "action" and event.action_name not in SKIPPED_ACTIONS:
            if event.action_name in FALLBACK_ACTIONS:
                raise StoryRefused(
                    "De bot begreep de inwoner hier niet. Zo'n gesprek kan niet vanzelf een "
                    "test worden: schrijf het verhaal zelf of gebruik 'rasa interactive'."
                )
            steps.append({"action": event.action_name})
        elif event.type_name == "active_loop":
            steps.append({"active_loop": event.data.get("name")})
            if event.data.get("name") is None:
                # What the conversation tests of tests/stories/ expect after a form ends.
                steps.append({"slot_was_set": [{"requested_slot": None}]})
    # A last message the bot never answered: `rasa test` would expect it to stay silent.
    while steps and "intent" in steps[-1]:
        steps.pop()
    return steps


def write_test_story(inbox: ReviewInbox, event_id: int, directory: Path = STORIES_DIR) -> Path:
    """Write tests/stories/test_reviewed_<event_id>.yml for the conversation of `event_id`."""
    with inbox.tracker_engine.connect() as connection:
        sender = connection.execute(
            select(events_table.c.sender_id).where(events_table.c.id == event_id)
        ).scalar()
    if sender is None:
        raise LookupError(f"Geen bericht met nummer {event_id}")
    events = inbox.events_of([sender])[sender]
    with inbox.session_factory() as session:
        decisions = session.scalars(
            select(ReviewDecision).where(ReviewDecision.sender_id == sender)
        ).all()
    corrections = {d.event_id: d.intent for d in decisions if d.intent}
    steps = story_steps(events, corrections)
    if not steps:
        raise StoryRefused("In dit gesprek gebeurde niets dat getest kan worden.")
    # The sender id can be a phone number (WhatsApp): the story names only the message number.
    document = {
        "version": "3.1",
        "stories": [{"story": f"reviewed conversation {event_id}", "steps": steps}],
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"test_reviewed_{event_id}.yml"
    header = "# Written by the staff workspace from a reviewed conversation.\n"
    path.write_text(
        header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, indent=2),
        encoding="utf-8",
    )
    return path
