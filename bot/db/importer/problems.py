"""Problems found in the files: every one is collected, then the import is refused."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

# A file with a systematic mistake would otherwise produce one problem per line.
MAX_PROBLEMS_PER_FILE = 1000


@dataclass(frozen=True)
class ImportProblem:
    """One reason to refuse an import; line 0 is about the file as a whole."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}, regel {self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class ImportFailed(Exception):
    """The files were refused; nothing in the database changed."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(
            f"Import geweigerd: {len(self.problems)} probleem/problemen gevonden. "
            f"Er is niets veranderd.\n{lines}"
        )


class Problems:
    def __init__(self) -> None:
        self.items: list[ImportProblem] = []
        self._per_file: Counter[str] = Counter()

    def add(self, file: str, line: int, message: str) -> None:
        self._per_file[file] += 1
        if self._per_file[file] <= MAX_PROBLEMS_PER_FILE:
            self.items.append(ImportProblem(file, line, message))

    def count(self, file: str) -> int:
        return self._per_file[file]

    def finished(self) -> list[ImportProblem]:
        items = list(self.items)
        for file, count in self._per_file.items():
            if count > MAX_PROBLEMS_PER_FILE:
                items.append(
                    ImportProblem(
                        file, 0, f"en nog {count - MAX_PROBLEMS_PER_FILE} problemen meer."
                    )
                )
        return items

    def __bool__(self) -> bool:
        return bool(self.items)
