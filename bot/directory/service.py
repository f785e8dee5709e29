"""ContactDirectory: the one object actions and channels ask about places, roles and contacts.

It owns the sessions and the cached name index; the work is done in `names`, `locate` and
`contacts`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.cards import Area, ContactCard, GemeenteInfo, LocationResult, RoleInfo
from bot.core.constants import LEVEL_GEMEENTE, STATUS_UNKNOWN
from bot.core.location import MAX_PARSE_CHARS, parse_location
from bot.core.opening_hours import amsterdam_now
from bot.core.text import name_key
from bot.directory import contacts, locate
from bot.directory.locate import MAX_QUERY_CHARS
from bot.directory.names import NAME_INDEX_TTL_SECONDS, VERSION_CHECK_SECONDS, NameIndexCache


class ContactDirectory:
    """Location resolution and contact lookup on the neighbourhood database."""

    def __init__(
        self,
        session_factory: Callable[[], Session] | None = None,
        *,
        name_index_ttl: float = NAME_INDEX_TTL_SECONDS,
        version_check_interval: float = VERSION_CHECK_SECONDS,
        clock: Callable[[], datetime] = amsterdam_now,
    ) -> None:
        self._session_factory = session_factory
        # Tells cards whether a contact is reachable now; tests pass a fixed moment.
        self._clock = clock
        self._names = NameIndexCache(
            ttl=name_index_ttl, version_check_interval=version_check_interval
        )

    def _session(self) -> Session:
        if self._session_factory is None:
            # Created on first use, never at import: importing must not touch a database.
            from bot.db.session import make_session_factory

            self._session_factory = make_session_factory()
        return self._session_factory()

    def invalidate_cache(self) -> None:
        """Forget the name index, e.g. right after an import in the same process."""
        self._names.invalidate()

    # -- places -------------------------------------------------------------------------------

    def area(self, code: str) -> Area | None:
        """The buurt, wijk or gemeente with this code."""
        if not isinstance(code, str) or not code:
            return None
        with self._session() as session:
            found = self._names.areas(session, [code.strip().upper()])
        return found[0] if found else None

    def most_precise(self, areas: Sequence[Area]) -> list[Area]:
        """`areas` without those that contain another of them ("Weidepad 5 in Rivierstad":
        the buurt, not the whole gemeente), each once, in the order given."""
        with self._session() as session:
            index = self._names.get(session)
        codes = {area.code for area in areas}
        inner_parents = {
            parent for area in areas for parent in index.parents.get(area.code, ())
        } & codes
        kept = {area.code: area for area in areas if area.code not in inner_parents}
        return list(kept.values())

    def resolve_location(
        self, text: str | None, *, expecting: bool = False, prefer_gemeente: str | None = None
    ) -> LocationResult:
        """Where `text` says the resident lives: found, outside, ambiguous or unknown.

        `expecting` means the text answers "where do you live?": then a four-digit number
        that is no postcode here counts as `outside` instead of being ignored. Every
        municipality in the database counts; when a name or street exists in several,
        the one in `prefer_gemeente` (the municipality the channel serves) wins.
        """
        if not isinstance(text, str) or not text.strip():
            return locate.unknown(text)
        text = text[:MAX_PARSE_CHARS]
        parsed = parse_location(text)
        with self._session() as session:
            resolver = locate.LocationResolver(session, self._names, prefer_gemeente)
            return resolver.resolve(text, parsed, expecting)

    def resolve_point(self, latitude: float, longitude: float) -> LocationResult:
        """A shared location pin (WhatsApp): the buurt it lies in.

        Buurt outlines (the optional buurten.geojson of an import) decide first. Where a
        municipality has no outlines, the buurt of the nearest address with coordinates
        counts, up to NEAREST_ADDRESS_MAX_M away; equally near addresses in different
        buurten make the pin `ambiguous`. A pin that neither places is `outside`; with
        neither outlines nor coordinates loaded, every pin is `unknown`.
        """
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return LocationResult(STATUS_UNKNOWN, "")
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return LocationResult(STATUS_UNKNOWN, "")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return LocationResult(STATUS_UNKNOWN, "")
        with self._session() as session:
            return locate.resolve_point(session, self._names, lat, lon)

    def gemeente_names(self) -> list[str]:
        """Names of the municipalities in the database, for "I only know ..." answers."""
        with self._session() as session:
            index = self._names.get(session)
        return sorted(
            (area.name for area in index.areas.values() if area.level == LEVEL_GEMEENTE),
            key=str.casefold,
        )

    def gemeente_count(self) -> int:
        """How many municipalities this deployment serves."""
        with self._session() as session:
            index = self._names.get(session)
        return sum(1 for area in index.areas.values() if area.level == LEVEL_GEMEENTE)

    def find_gemeente(self, value: object) -> Area | None:
        """A served municipality by CBS code ('GM0344', '0344') or by name ('Rivierstad')."""
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()[:MAX_QUERY_CHARS]
        with self._session() as session:
            index = self._names.get(session)
        code = text.upper()
        if code.isdigit():
            code = f"GM{code.zfill(4)}"
        area = index.areas.get(code)
        if area is not None and area.level == LEVEL_GEMEENTE:
            return area
        for entry in index.by_key.get(name_key(text), ()):
            if entry.area.level == LEVEL_GEMEENTE:
                return entry.area
        return None

    def option_labels(self, options: Sequence[Area]) -> list[str]:
        """Names to choose from; a name found in several municipalities says which one.

        Each label, sent back as the answer, resolves to its own option again.
        """
        names = [area.name.casefold() for area in options]
        if len(set(names)) == len(names):
            return [area.name for area in options]
        with self._session() as session:
            index = self._names.get(session)
        labels = []
        for area, name in zip(options, names, strict=True):
            gemeente = index.areas.get(area.gemeente_code)
            if names.count(name) == 1 or area.level == LEVEL_GEMEENTE or gemeente is None:
                labels.append(area.name)
            else:
                labels.append(f"{area.name} ({gemeente.name})")
        return labels

    # -- contacts, roles and routes -----------------------------------------------------------

    def find_contacts(self, role: str, area_code: str) -> ContactCard | None:
        """Active contacts of `role` for the area: its buurt, else its wijk, else its gemeente."""
        if not isinstance(role, str) or not isinstance(area_code, str) or not area_code:
            return None
        with self._session() as session:
            return contacts.find_contacts(session, self._names, role, area_code, self._clock())

    def role_for_topic(self, topic: str, gemeente_code: str | None = None) -> str | None:
        """The route for a topic: the municipality's own rule, else the default rule."""
        if not isinstance(topic, str):
            return None
        with self._session() as session:
            return contacts.role_for_topic(session, topic, gemeente_code)

    def role(self, code: str, gemeente_code: str | None = None) -> RoleInfo | None:
        """A role as stored, with the municipality's own name and description if it has them.

        Accepts a Dutch name or synonym too.
        """
        if not isinstance(code, str):
            return None
        with self._session() as session:
            return contacts.role(session, code, gemeente_code)

    def roles(self, gemeente_code: str | None = None) -> list[RoleInfo]:
        """All roles: the route codes in their fixed order, then roles staff added."""
        with self._session() as session:
            return contacts.roles(session, gemeente_code)

    def gemeente(self, code: str | None = None) -> GemeenteInfo | None:
        """A municipality's general details, empty fields filled from the deployment default.

        Without a code: the only municipality, or, when the deployment serves several, the
        default details under no name (None when there are none).
        """
        with self._session() as session:
            return contacts.gemeente(session, code)
