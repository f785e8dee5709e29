"""What the directory answers: areas, location results, contact cards, roles and municipalities.

Plain values with their CONTRACT.md payload forms; the directory builds them, replies and
actions read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.opening_hours import Availability, availability_text
from bot.core.texts import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    gemeente_code: str

    def to_payload(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "level": self.level}


@dataclass(frozen=True)
class LocationResult:
    status: str
    query: str
    area: Area | None = None
    options: tuple[Area, ...] = ()
    # `unknown` for a full postcode whose area (PC4) lies here but which has no addresses:
    # most likely a typing error, so the resident is asked to check it. Not in the payload.
    postcode_not_found: bool = False

    def to_payload(self) -> dict[str, Any]:
        """The `location` payload of CONTRACT.md section 2 (plus `options` when ambiguous)."""
        payload: dict[str, Any] = {"status": self.status, "query": self.query}
        if self.area is not None:
            payload["area"] = self.area.to_payload()
        if self.options:
            payload["options"] = [option.to_payload() for option in self.options]
        return payload


@dataclass(frozen=True)
class ContactInfo:
    name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    # Reachable now and from when next, at the time the card was made; None when the
    # spreekuur could not be read (then only `hours` is shown, as written).
    availability: Availability | None = None

    def to_payload(self, language: str = DEFAULT_LANGUAGE) -> dict[str, str | bool]:
        """CONTRACT.md section 2, with `open_now` and `next_open` when the spreekuur was read;
        also `open_until` while open and `reachable`, the sentence channels show for it (in
        the conversation's `language`)."""
        fields = {
            "name": self.name,
            "organisation": self.organisation,
            "phone": self.phone,
            "email": self.email,
            "hours": self.hours,
        }
        payload: dict[str, str | bool] = {key: value for key, value in fields.items() if value}
        if self.availability is not None:
            payload.update(self.availability.to_payload())
            reachable = availability_text(self.availability, language)
            if reachable:
                payload["reachable"] = reachable
        return payload


@dataclass(frozen=True)
class ContactCard:
    role: str
    area: Area
    contacts: tuple[ContactInfo, ...]

    def to_payload(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The `contact_card` payload of CONTRACT.md section 2; empty fields are left out."""
        return {
            "role": self.role,
            "area": self.area.to_payload(),
            "contacts": [contact.to_payload(language) for contact in self.contacts],
        }


@dataclass(frozen=True)
class RoleInfo:
    code: str
    name: str
    description: str
    organisation_type: str
    needs_location: bool


@dataclass(frozen=True)
class GemeenteInfo:
    code: str
    name: str
    phone: str = ""
    website: str = ""
    report_url: str = ""
    hours: str = ""
