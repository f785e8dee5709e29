"""Languages in the workspace (issue 14): the inbox shows each message's language, English
examples go to data/nlu/en, other languages are never annotated, statistics per language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff.labels import language_label
from bot.staff.nlu_files import NluData
from bot.staff.review import (
    OTHER_LANGUAGES,
    InboxFilter,
    NotTrainableLanguage,
    ReviewInbox,
    decide,
)
from bot.staff.statistics import compute, language_bars, other_language_bars
from tests.support.staff import conversations, csrf_of, language_conversations

ENGLISH_QUESTION = "My neighbours play loud music every night, my name is John Smith"
TURKISH = "Merhaba, komşum çok gürültü yapıyor"
# Every message to review, whatever its confidence.
ALL = 1.01


@pytest.fixture
def stored_conversations() -> dict[str, list[Any]]:
    """The staff fixtures' Dutch conversations plus English, Turkish and mixed ones."""
    return {**conversations(), **language_conversations()}


@pytest.fixture
def no_english_yet(nlu_dir: Path) -> Path:
    """The copy of data/nlu as it was before any English examples (no data/nlu/en)."""
    shutil.rmtree(nlu_dir / "en", ignore_errors=True)
    return nlu_dir


@pytest.fixture
def inbox(tracker_engine: Engine, session_factory: sessionmaker) -> ReviewInbox:
    return ReviewInbox(tracker_engine, session_factory)


def _event_id(inbox: ReviewInbox, sender: str, text: str) -> int:
    events = inbox.events_of([sender])[sender]
    return next(e.id for e in events if e.type_name == "user" and e.data.get("text") == text)


def _languages(inbox: ReviewInbox, wanted: InboxFilter) -> dict[str, str]:
    return {item.text: item.language for item in inbox.items(wanted)}


def _examples(path: Path, intent: str) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    block = next(b for b in document["nlu"] if b["intent"] == intent)
    return [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]


def _nlu_snapshot(nlu_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(nlu_dir)): p.read_bytes() for p in nlu_dir.rglob("*.yml")}


# --------------------------------------------------------------------------- the inbox


def test_each_message_has_its_language(inbox: ReviewInbox) -> None:
    languages = _languages(inbox, InboxFilter(threshold=ALL))
    # Decided by the detector (entity), named by it (other_language), or the slot so far.
    assert languages["My neighbours play loud music every night, my name is Sam de Vries"] == "en"
    assert languages["and the dog?"] == "en"  # undecided: the conversation is English
    assert languages["hello??"] == "en"  # the web page's language set the slot
    assert languages[TURKISH] == "tr"
    assert languages["Nederlands graag, de lantaarnpaal is kapot"] == "nl"
    assert languages["die lamp bij het speeltuintje doet het niet meer"] == "nl"  # nothing said


def test_the_inbox_filters_on_language(inbox: ReviewInbox) -> None:
    english = inbox.items(InboxFilter(language="en", threshold=ALL))
    assert {item.text for item in english} == {
        "My neighbours play loud music every night, my name is Sam de Vries",
        "and the dog?",
        "hello??",
        "Can we speak English?",
    }
    other = inbox.items(InboxFilter(language=OTHER_LANGUAGES, threshold=ALL))
    assert [item.text for item in other] == [TURKISH]
    dutch = inbox.items(InboxFilter(language="nl", threshold=ALL))
    assert all(item.language == "nl" for item in dutch) and dutch


def test_only_dutch_and_english_messages_are_trainable(inbox: ReviewInbox) -> None:
    turkish = inbox.item(_event_id(inbox, "inwoner-turks", TURKISH))
    english = inbox.item(_event_id(inbox, "resident-english", ENGLISH_QUESTION))
    assert turkish is not None and english is not None
    assert not turkish.trainable and turkish.lang_attribute == "tr"
    assert english.trainable and english.lang_attribute == "en"
    assert language_label(turkish.language) == "Turks"
    assert language_label("xx") == "andere taal (xx)"


def test_an_english_example_goes_to_a_new_file_in_data_nlu_en(
    inbox: ReviewInbox, no_english_yet: Path
) -> None:
    nlu_dir = no_english_yet
    dutch_before = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    nlu = NluData(nlu_dir)
    event_id = _event_id(inbox, "resident-english", ENGLISH_QUESTION)

    decision = decide(inbox, nlu, event_id, "neighbour_conflict", "anna")

    path = nlu_dir / "en" / "neighbour_conflict.yml"
    assert decision.outcome == "added"
    # The format of data/nlu, masked like every example.
    assert path.read_text(encoding="utf-8") == (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: neighbour_conflict\n"
        "  examples: |\n"
        "    - My neighbours play loud music every night, my name is Sam de Vries\n"
    )
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == dutch_before
    # The next English example of that topic joins the file; the same text is a duplicate.
    second = decide(
        inbox,
        nlu,
        _event_id(inbox, "resident-english", "and the dog?"),
        "neighbour_conflict",
        "anna",
    )
    assert second.outcome == "added"
    assert _examples(path, "neighbour_conflict")[-1] == "and the dog?"
    assert nlu.in_language("en").add_example("neighbour_conflict", "AND the  dog?").outcome == (
        "duplicate"
    )


def test_an_english_example_joins_the_file_that_already_holds_its_intent(
    inbox: ReviewInbox, no_english_yet: Path
) -> None:
    english = no_english_yet / "en"
    english.mkdir()
    existing = english / "neighbour_conflict.yml"
    existing.write_text(
        'version: "3.1"\nnlu:\n- intent: neighbour_conflict\n  examples: |\n'
        "    - the people upstairs stomp around all night\n",
        encoding="utf-8",
    )
    event_id = _event_id(inbox, "resident-english", ENGLISH_QUESTION)
    decide(inbox, NluData(no_english_yet), event_id, "neighbour_conflict", "anna")
    assert [p.name for p in english.iterdir()] == ["neighbour_conflict.yml"]
    assert len(_examples(existing, "neighbour_conflict")) == 2


def test_an_english_intent_goes_to_the_file_named_like_the_dutch_one(
    no_english_yet: Path,
) -> None:
    """Dutch keeps greet, deny, ... in smalltalk.yml: English does the same
    (tests/data/test_nlu_data.py holds both languages to it)."""
    english = no_english_yet / "en"
    english.mkdir()
    smalltalk = english / "smalltalk.yml"
    smalltalk.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi there\n',
        encoding="utf-8",
    )
    nlu = NluData(no_english_yet).in_language("en")
    assert nlu.add_example("deny", "no, that did not help at all").outcome == "added"
    assert nlu.add_example("affirm", "yes that was exactly it").outcome == "added"
    assert [p.name for p in english.iterdir()] == ["smalltalk.yml"]
    assert _examples(smalltalk, "greet") == ["hi there"]
    assert _examples(smalltalk, "deny") == ["no, that did not help at all"]
    assert _examples(smalltalk, "affirm") == ["yes that was exactly it"]
    # A topic of its own file makes that file.
    nlu.add_example("youth", "is there anything for teenagers to do around here")
    assert (english / "youth.yml").exists()


def test_no_example_is_written_twice_across_the_languages(nlu_dir: Path) -> None:
    """An English example that is a Dutch one already (or the other way round) is a duplicate:
    the data tests forbid an example in two intents or twice."""
    nlu = NluData(nlu_dir)
    dutch_example = _examples(nlu_dir / "ask_safety.yml", "ask_safety")[0]
    english = nlu.in_language("en").add_example("neighbour_conflict", dutch_example.upper())
    assert english.outcome == "duplicate" and english.intent == "ask_safety"
    nlu.in_language("en").add_example("youth", "Any youth club in this area?")
    dutch = nlu.add_example("youth", "any youth club in this  area?")
    assert dutch.outcome == "duplicate" and dutch.path.parent.name == "en"


def test_a_message_in_another_language_is_never_an_example(
    inbox: ReviewInbox, nlu_dir: Path
) -> None:
    snapshot = _nlu_snapshot(nlu_dir)
    event_id = _event_id(inbox, "inwoner-turks", TURKISH)
    with pytest.raises(NotTrainableLanguage):
        decide(inbox, NluData(nlu_dir), event_id, "neighbour_conflict", "anna")
    assert _nlu_snapshot(nlu_dir) == snapshot
    # Closing it without a topic is fine.
    assert decide(inbox, NluData(nlu_dir), event_id, None, "anna").outcome == "no_topic"


def test_a_dutch_example_still_goes_to_data_nlu(inbox: ReviewInbox, nlu_dir: Path) -> None:
    english_before = _nlu_snapshot(nlu_dir / "en") if (nlu_dir / "en").exists() else {}
    text = "Nederlands graag, de lantaarnpaal is kapot"
    decide(
        inbox,
        NluData(nlu_dir),
        _event_id(inbox, "inwoner-terug-naar-nederlands", text),
        "report_defect",
        "anna",
    )
    assert _examples(nlu_dir / "report_defect.yml", "report_defect")[-1] == text
    english_after = _nlu_snapshot(nlu_dir / "en") if (nlu_dir / "en").exists() else {}
    assert english_after == english_before


def test_no_english_example_for_a_topic_dutch_does_not_have(nlu_dir: Path) -> None:
    snapshot = _nlu_snapshot(nlu_dir)
    with pytest.raises(ValueError):
        NluData(nlu_dir).in_language("en").add_example("../../evil", "hello there")
    with pytest.raises(ValueError):
        NluData(nlu_dir).in_language("en").add_example("ask_weather", "is it going to rain")
    with pytest.raises(ValueError):
        NluData(nlu_dir).in_language("tr")
    assert _nlu_snapshot(nlu_dir) == snapshot
    assert not (nlu_dir.parent / "evil.yml").exists()


# --------------------------------------------------------------------------- the pages


async def test_the_inbox_page_shows_the_language_of_each_message(signed_in: TestClient) -> None:
    page = await (await signed_in.get("/inbox?taal=en")).text()
    assert '<p class="inbox__text" lang="en">' in page
    assert 'data-language="en">Engels<' in page
    assert 'data-language="nl"' not in page
    assert '<option value="en" selected>Engels</option>' in page
    everything = await (await signed_in.get("/inbox")).text()
    assert 'data-language="nl">Nederlands<' in everything


async def test_a_turkish_message_can_only_be_closed_without_a_topic(
    signed_in: TestClient, inbox: ReviewInbox, nlu_dir: Path
) -> None:
    snapshot = _nlu_snapshot(nlu_dir)
    event_id = _event_id(inbox, "inwoner-turks", TURKISH)
    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    assert "Taal: " in page and ">Turks<" in page and 'lang="tr"' in page
    assert '<select class="select" id="onderwerp"' not in page
    assert "Afhandelen zonder onderwerp" in page
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp",
        data={"csrf_token": token, "onderwerp": "neighbour_conflict"},
    )
    assert response.status == 409
    assert "alleen van Nederlandse en Engelse berichten" in await response.text()
    assert _nlu_snapshot(nlu_dir) == snapshot
    closed = await signed_in.post(
        f"/inbox/{event_id}/onderwerp",
        data={"csrf_token": token, "onderwerp": "__geen__"},
        allow_redirects=False,
    )
    assert closed.status == 303


async def test_annotating_an_english_message_on_the_page_writes_english_data(
    signed_in: TestClient, inbox: ReviewInbox, nlu_dir: Path
) -> None:
    event_id = _event_id(inbox, "resident-english", ENGLISH_QUESTION)
    page = await (await signed_in.get(f"/inbox/{event_id}")).text()
    assert "Engelse voorbeeldzin" in page
    # The resident's English lines in the conversation are marked for screen readers.
    assert '<span lang="en">and the dog?</span>' in page
    token = await csrf_of(signed_in, f"/inbox/{event_id}")
    response = await signed_in.post(
        f"/inbox/{event_id}/onderwerp",
        data={"csrf_token": token, "onderwerp": "neighbour_conflict"},
        allow_redirects=False,
    )
    assert response.status == 303
    path = next(p for p in (nlu_dir / "en").glob("*.yml") if "neighbour_conflict" in p.read_text())
    assert _examples(path, "neighbour_conflict")[-1] == (
        "My neighbours play loud music every night, my name is Sam de Vries"
    )


# --------------------------------------------------------------------------- statistics


def test_statistics_count_messages_and_conversations_per_language(tracker_engine: Engine) -> None:
    stats = compute(tracker_engine)
    # The Dutch fixtures hold 6 messages in 4 conversations.
    assert dict(stats.per_language) == {"nl": 7, "en": 4, "tr": 1}
    assert sum(stats.per_language.values()) == stats.messages
    # A conversation counts in the language it ended in ("Nederlands graag").
    assert dict(stats.conversations_per_language) == {"nl": 5, "en": 2, OTHER_LANGUAGES: 1}
    bars = [(bar.key, bar.label, bar.count) for bar in language_bars(stats.per_language)]
    assert bars == [("nl", "Nederlands", 7), ("en", "Engels", 4), ("other", "Andere talen", 1)]
    assert [(b.key, b.label, b.count) for b in other_language_bars(stats, language_label)] == [
        ("tr", "Turks", 1)
    ]


def _chart(html: str, chart_id: str) -> dict[str, int]:
    match = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id}"
    return {
        key: int(count)
        for key, count in re.findall(r'data-key="([^"]+)" data-count="(\d+)"', match.group(0))
    }


async def test_the_statistics_page_shows_the_languages(signed_in: TestClient) -> None:
    html = await (await signed_in.get("/statistieken")).text()
    assert _chart(html, "grafiek-talen-berichten") == {"nl": 7, "en": 4, "other": 1}
    assert _chart(html, "grafiek-talen-gesprekken") == {"nl": 5, "en": 2, "other": 1}
    assert '<th scope="row">Engels</th><td>4</td>' in html
    assert '<th scope="row">Turks</th><td>1</td>' in html
    assert "12 berichten: 7 nederlands, 4 engels, 1 andere talen." in html
