"""Which button titles a resident was offered, so a typed number or title can be read."""

from __future__ import annotations

import logging
from collections import OrderedDict

logger = logging.getLogger(__name__)


class ChoiceMemory:
    """The payloads of the last numbered list per sender, so "2" can be mapped back.

    In memory only: a numbered list is answered within minutes, and losing it on a
    restart just means the resident types the choice in words.
    """

    def __init__(self, size: int = 1000) -> None:
        self._size = size
        self._choices: OrderedDict[str, list[str]] = OrderedDict()

    def remember(self, sender_id: str, payloads: list[str]) -> None:
        self._choices[sender_id] = payloads
        self._choices.move_to_end(sender_id)
        while len(self._choices) > self._size:
            self._choices.popitem(last=False)

    def resolve(self, sender_id: str, text: str) -> str:
        """The payload for a typed number; the list is used up by any next message."""
        payloads = self._choices.pop(sender_id, None)
        number = text.strip().rstrip(".")
        if payloads and number.isdigit() and 1 <= int(number) <= len(payloads):
            return payloads[int(number) - 1]
        return text
