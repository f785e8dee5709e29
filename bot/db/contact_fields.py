"""Checks of a contact's fields, shared by the CSV importer and the staff workspace's forms."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# The column sizes of bot.db.models.Contact: PostgreSQL refuses longer values.
MAX_LENGTHS: Final = {
    "name": 200,
    "organisation": 200,
    "phone": 100,
    "email": 200,
    "hours": 500,
}
FIELD_LABELS: Final = {
    "name": "naam",
    "role_code": "rol",
    "organisation": "organisatie",
    "phone": "telefoon",
    "email": "e-mail",
    "hours": "spreekuur",
    "gemeente_code": "gemeente",
    "areas": "gebieden",
    "active": "actief",
}

EMAIL_RE: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Dutch numbers as people write them: "14 0599", "0900-8844", "+31 (0)6 12 34 56 78".
_PHONE_SEPARATORS: Final = re.compile(r"[\s\-./()]")
MIN_PHONE_DIGITS: Final = 3
MAX_PHONE_DIGITS: Final = 15


def phone_problem(phone: str) -> str | None:
    """A Dutch reason why `phone` is no phone number, or None (empty is allowed)."""
    if not phone:
        return None
    digits = _PHONE_SEPARATORS.sub("", phone)
    digits = digits[1:] if digits.startswith("+") else digits
    if not digits.isascii() or not digits.isdigit():
        return (
            f"ongeldig telefoonnummer '{phone}': gebruik alleen cijfers, spaties, streepjes "
            "en eventueel een + vooraan, zoals 14 0599 of 06-12345678."
        )
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        return (
            f"ongeldig telefoonnummer '{phone}': een nummer heeft {MIN_PHONE_DIGITS} tot "
            f"{MAX_PHONE_DIGITS} cijfers."
        )
    return None


def email_problem(email: str) -> str | None:
    """A Dutch reason why `email` is no e-mail address, or None (empty is allowed)."""
    if email and not EMAIL_RE.fullmatch(email):
        return f"ongeldig e-mailadres '{email}' (verwacht iets als naam@organisatie.nl)."
    return None


def length_problems(values: dict[str, str]) -> list[str]:
    """Fields longer than the database holds, as Dutch messages."""
    return [
        f"{FIELD_LABELS[field]} is te lang ({len(value)} tekens, hooguit {MAX_LENGTHS[field]})."
        for field, value in values.items()
        if field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]
    ]


def has_control_characters(text: str) -> bool:
    """Invisible characters (other than a plain space) have no place in a contact card."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text)
