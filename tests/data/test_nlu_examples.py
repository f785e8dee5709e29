"""data/nlu (Dutch) and data/nlu/en (English) hold only what residents could write: no button
payloads, no channel messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.staff.labels import is_machine_text

PROJECT_ROOT = Path(__file__).parents[2]
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
ENGLISH_NLU_DIR = NLU_DIR / "en"


def _examples(directory: Path) -> list[tuple[str, str, str]]:
    """(file, intent, example) for every example line in the directory."""
    found = []
    for path in sorted(directory.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    found.append((path.name, str(block.get("intent")), line.strip()[2:]))
    return found


def test_the_check_finds_payloads(tmp_path: Path) -> None:
    (tmp_path / "stuck.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: stuck_between_departments\n  examples: |\n'
        "    - ik word van het kastje naar de muur gestuurd\n"
        "    - /stuck_between_departments\n",
        encoding="utf-8",
    )
    bad = [example for _, _, example in _examples(tmp_path) if is_machine_text(example)]
    assert bad == ["/stuck_between_departments"]


def test_no_example_is_a_button_payload_or_channel_message() -> None:
    dutch, english = _examples(NLU_DIR), _examples(ENGLISH_NLU_DIR)
    assert len(dutch) > 500 and len(english) > 500  # the files were read
    machine = [item for item in dutch + english if is_machine_text(item[2])]
    assert machine == [], "button payloads or channel messages in data/nlu"
