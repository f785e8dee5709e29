"""The retention period (WIJKWIJZER_RETENTION_DAYS): read by the purge and told to residents."""

from __future__ import annotations

import os
from typing import Final

ENV_RETENTION_DAYS: Final = "WIJKWIJZER_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS: Final = 90


class RetentionError(ValueError):
    """A retention setting that cannot be used; the message is Dutch."""


def retention_days(value: str | None = None) -> int:
    """Days to keep conversations: `value`, else WIJKWIJZER_RETENTION_DAYS, else 90."""
    raw = (value if value is not None else os.environ.get(ENV_RETENTION_DAYS, "")).strip()
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
