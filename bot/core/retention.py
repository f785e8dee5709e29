"""The retention period: how a setting's value becomes a number of days, with Dutch errors.

The value itself comes from WIJKWIJZER_RETENTION_DAYS through bot/settings.py
(bot.ops.retention.retention_days); the consent text of a callback request tells it.
"""

from __future__ import annotations

from typing import Final

DEFAULT_RETENTION_DAYS: Final = 90


class RetentionError(ValueError):
    """A retention setting that cannot be used; the message is Dutch."""


def parse_retention_days(raw: str) -> int:
    """Days to keep conversations from a setting's text; empty means the default (90)."""
    raw = raw.strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise RetentionError(f"bewaartermijn '{raw}' is geen heel aantal dagen.") from None
    if days < 1:
        # 0 would delete the conversation a resident is having right now.
        raise RetentionError(f"bewaartermijn {days}: gebruik minstens 1 dag.")
    return days
