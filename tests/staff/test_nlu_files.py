"""Reviewed messages become examples in data/nlu: masked, deduplicated, layout kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.staff.nlu_files import NluData, clean_example


def _examples(path: Path, intent: str) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    block = next(b for b in document["nlu"] if b["intent"] == intent)
    return [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]


def test_every_intent_is_found_in_its_file(nlu_dir: Path) -> None:
    intents = NluData(nlu_dir).intents()
    assert intents["ask_safety"] == nlu_dir / "ask_safety.yml"
    assert intents["deny"] == nlu_dir / "smalltalk.yml"
    assert intents["out_of_scope"] == nlu_dir / "smalltalk.yml"


def test_example_is_appended_as_one_line(nlu_dir: Path) -> None:
    path = nlu_dir / "ask_safety.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    result = NluData(nlu_dir).add_example("ask_safety", "Er wordt  gedeald bij de\nschool")
    assert result.outcome == "added"
    after = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before]
    assert added == ["    - Er wordt gedeald bij de school"]
    assert len(after) == len(before) + 1
    assert _examples(path, "ask_safety")[-1] == "Er wordt gedeald bij de school"


def test_example_lands_in_the_right_block_of_a_shared_file(nlu_dir: Path) -> None:
    path = nlu_dir / "smalltalk.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    deny_before = _examples(path, "deny")
    oos_before = _examples(path, "out_of_scope")
    NluData(nlu_dir).add_example("deny", "nee hoor daar heb ik niks aan gehad")
    assert _examples(path, "deny") == [*deny_before, "nee hoor daar heb ik niks aan gehad"]
    assert _examples(path, "out_of_scope") == oos_before
    after = path.read_text(encoding="utf-8").splitlines()
    # Only one line more; everything else (comments, order, quoting) is as it was.
    assert [line for line in after if line not in before] == [
        "    - nee hoor daar heb ik niks aan gehad"
    ]


def test_duplicates_are_found_across_files_ignoring_case_and_spaces(nlu_dir: Path) -> None:
    existing = _examples(nlu_dir / "ask_safety.yml", "ask_safety")[0]
    shouting = "  " + existing.upper().replace(" ", "   ") + " "
    data = NluData(nlu_dir)
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    result = data.add_example("neighbour_conflict", shouting)
    assert result.outcome == "duplicate"
    assert result.intent == "ask_safety"
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot


def test_a_second_add_is_a_duplicate(nlu_dir: Path) -> None:
    data = NluData(nlu_dir)
    assert data.add_example("youth", "hangjongeren bij de skatebaan").outcome == "added"
    assert data.add_example("youth", "Hangjongeren bij de  skatebaan").outcome == "duplicate"


def test_personal_data_is_replaced_before_writing(nlu_dir: Path) -> None:
    result = NluData(nlu_dir).add_example(
        "neighbour_conflict", "ik ben Karin, buurman Piet op 3511 AB 12 bel 06-12345678"
    )
    text = (nlu_dir / "neighbour_conflict.yml").read_text(encoding="utf-8")
    for personal in ("Karin", "Piet", "3511 AB 12", "06-12345678"):
        assert personal not in text
    assert result.text == "ik ben Sam, buurman Robin op 1234 AB 5 bel 06 12345678"


def test_brackets_cannot_become_entity_annotations() -> None:
    assert (
        clean_example("[de Lindelaan](location) is donker") == "(de Lindelaan)(location) is donker"
    )


def test_unknown_intent_and_empty_text_are_refused(nlu_dir: Path) -> None:
    with pytest.raises(ValueError):
        NluData(nlu_dir).add_example("no_such_intent", "iets")
    with pytest.raises(ValueError):
        NluData(nlu_dir).add_example("youth", "   ")


def test_the_file_stays_valid_rasa_data(nlu_dir: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    NluData(nlu_dir).add_example("deny", "nee: dat hielp niet # echt niet")
    data = load_data(str(nlu_dir / "smalltalk.yml"))
    texts = {m.get("text") for m in data.intent_examples if m.get("intent") == "deny"}
    assert "nee: dat hielp niet # echt niet" in texts
