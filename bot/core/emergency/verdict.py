"""What the safety net says about a message: how urgent it is, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    """How urgent a message is; a str so it can go into Rasa's message data as it is."""

    ACUTE = "acute"
    NOT_ACUTE = "not_acute"
    NONE = "none"


@dataclass(frozen=True)
class EmergencyVerdict:
    """The outcome of `assess`, with the names of the patterns that decided it."""

    level: Level
    reason: str
    danger: str | None = None
    context: str | None = None

    @property
    def is_acute(self) -> bool:
        return self.level is Level.ACUTE

    def as_dict(self) -> dict[str, str | None]:
        return {
            "level": self.level.value,
            "reason": self.reason,
            "danger": self.danger,
            "context": self.context,
        }
