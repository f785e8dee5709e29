"""Adds a reviewed resident message to the NLU data, keeping each file's layout.

Dutch examples live in data/nlu/*.yml, English ones in data/nlu/en/*.yml under the same
intent names and in files of the same names (issue 14; tests/data/test_nlu_data.py). No
example is written twice, nor in two intents, in either language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.staff.labels import is_machine_text
from bot.staff.privacy import mask

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
DEFAULT_LANGUAGE = "nl"
# The other languages the bot learns, each in a folder of data/nlu named after it.
OTHER_LANGUAGES = ("en",)

INTENT_LINE = re.compile(r"^- intent:\s*(?P<name>[\w-]+)\s*$")
EXAMPLES_LINE = re.compile(r"^\s+examples:\s*\|[-+]?\s*$")


def normalise(text: str) -> str:
    """The form duplicates are compared in: case and runs of whitespace do not count."""
    return " ".join(text.split()).casefold()


def clean_example(text: str) -> str:
    """One masked line, safe inside a block of `- example` lines."""
    text = " ".join(mask(text).split())
    # Square brackets would be read as entity annotations ("[Lindelaan](location)").
    text = text.replace("[", "(").replace("]", ")")
    return text.lstrip("-").strip()


@dataclass(frozen=True)
class AddResult:
    outcome: str  # "added" or "duplicate"
    text: str
    path: Path
    intent: str


class NluData:
    """The example files of one language: data/nlu (Dutch), or a folder in it (English)."""

    def __init__(self, directory: Path = NLU_DIR, *, dutch: NluData | None = None) -> None:
        self.directory = directory
        # The Dutch data this language's intents and file names follow; None: this is it.
        self.dutch = dutch

    def in_language(self, language: str) -> NluData:
        """The examples of `language`: this directory for Dutch, its `en/` folder for English."""
        if language == DEFAULT_LANGUAGE:
            return self
        if language not in OTHER_LANGUAGES or self.dutch is not None:
            raise ValueError(f"Geen voorbeeldzinnen in deze taal: {language}")
        return NluData(self.directory / language, dutch=self)

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.yml"))

    def _files_of_every_language(self) -> list[Path]:
        root = (self.dutch or self).directory
        folders = [root, *(root / language for language in OTHER_LANGUAGES)]
        return [path for folder in folders for path in sorted(folder.glob("*.yml"))]

    def intents(self) -> dict[str, Path]:
        """Every intent with the file that holds its examples."""
        found: dict[str, Path] = {}
        for path in self.files():
            for line in path.read_text(encoding="utf-8").splitlines():
                match = INTENT_LINE.match(line)
                if match:
                    found.setdefault(match.group("name"), path)
        return found

    def find_example(self, text: str) -> tuple[str, Path] | None:
        """The intent and file already holding `text` (compared normalised), if any, in the
        examples of every language."""
        wanted = normalise(text)
        for path in self._files_of_every_language():
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in document.get("nlu") or []:
                examples = str(block.get("examples") or "")
                for line in examples.splitlines():
                    example = line.strip()
                    if example.startswith("- ") and normalise(example[2:]) == wanted:
                        return str(block.get("intent", "")), path
        return None

    def add_example(self, intent: str, text: str) -> AddResult:
        """Append the masked text to the intent's examples block, unless it is there already."""
        cleaned = clean_example(text)
        if is_machine_text(text) or is_machine_text(cleaned):
            raise ValueError("Een klik op een knop is geen voorbeeldzin.")
        if not cleaned:
            raise ValueError("Er is geen tekst om toe te voegen.")
        path = self.intents().get(intent)
        dutch_path = self.dutch.intents().get(intent) if self.dutch is not None else None
        if path is None and dutch_path is None:
            raise ValueError(f"Onbekend onderwerp: {intent}")
        existing = self.find_example(cleaned)
        if existing is not None:
            return AddResult("duplicate", cleaned, existing[1], existing[0])
        if path is None and dutch_path is not None:
            # This language has no examples of the intent yet: a block in the file named
            # like the Dutch one.
            return self._add_intent_block(intent, cleaned, self.directory / dutch_path.name)
        assert path is not None
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        index = _end_of_examples(lines, intent)
        indent = _example_indent(lines, index)
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        if index > 0 and not lines[index - 1].endswith(("\n", "\r")):
            lines[index - 1] += newline
        lines.insert(index, f"{indent}- {cleaned}{newline}")
        path.write_text("".join(lines), encoding="utf-8")
        return AddResult("added", cleaned, path, intent)

    def _add_intent_block(self, intent: str, cleaned: str, path: Path) -> AddResult:
        """The intent with this first example, at the end of `path` (made in the layout of
        data/nlu when it does not exist)."""
        block = f"- intent: {intent}\n  examples: |\n    - {cleaned}\n"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            separator = "" if text.endswith("\n") or not text else "\n"
            path.write_text(f"{text}{separator}{block}", encoding="utf-8")
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_text(f'version: "3.1"\nnlu:\n{block}', encoding="utf-8")
        return AddResult("added", cleaned, path, intent)


def _end_of_examples(lines: list[str], intent: str) -> int:
    """The index just after the last example line of the intent's examples block."""
    start = next(
        (i for i, line in enumerate(lines) if (m := INTENT_LINE.match(line.rstrip("\r\n")))
         and m.group("name") == intent),
        None,
    )  # fmt: skip
    if start is None:
        raise ValueError(f"Onbekend onderwerp: {intent}")
    block = next((i for i in range(start + 1, len(lines)) if EXAMPLES_LINE.match(lines[i])), None)
    if block is None:
        raise ValueError(f"Geen voorbeelden gevonden voor {intent}")
    last = block
    for i in range(block + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if not lines[i].startswith((" ", "\t")) or not stripped.startswith("- "):
            break
        # Keys of the same block (e.g. "metadata:") have less indent than the examples.
        if len(lines[i]) - len(lines[i].lstrip()) <= len(lines[block]) - len(lines[block].lstrip()):
            break
        last = i
    return last + 1


def _example_indent(lines: list[str], index: int) -> str:
    previous = lines[index - 1]
    if previous.lstrip().startswith("- "):
        return previous[: len(previous) - len(previous.lstrip())]
    return " " * (len(previous) - len(previous.lstrip()) + 2)
