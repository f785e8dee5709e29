"""ContactDirectory: resolving where a resident lives and finding the local contacts for a role."""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.cards import (
    Area,
    ContactCard,
    ContactInfo,
    GemeenteInfo,
    LocationResult,
    RoleInfo,
)
from bot.core.constants import (
    DEFAULT_TOPIC_ROUTES,
    LEVEL_BUURT,
    LEVEL_GEMEENTE,
    LEVEL_WIJK,
    ROUTE_CODES,
    STATUS_AMBIGUOUS,
    STATUS_FOUND,
    STATUS_OUTSIDE,
    STATUS_UNKNOWN,
)
from bot.core.location import (
    MAX_PARSE_CHARS,
    NameCandidate,
    ParsedLocation,
    StreetCandidate,
    looks_like_street,
    name_key,
    normalize_name,
    parse_location,
)
from bot.core.opening_hours import amsterdam_now, availability, parse_opening_hours
from bot.core.roles import ROLES_BY_CODE, normalize_role
from bot.db.models import Gemeente
from bot.db.repositories import (
    AddressRepository,
    AreaRepository,
    ContactRepository,
    DataVersionRepository,
    RoleRepository,
    RouteRepository,
    StreetPlace,
)

MAX_QUERY_CHARS = 200
# An ambiguous answer lists at most this many areas to choose from.
MAX_OPTIONS = 12
# How long the name index may be out of date when the data version cannot be read.
NAME_INDEX_TTL_SECONDS = 60.0
# How often the cached name index is compared with the data version: staff edits in the
# workspace (another process) reach the bot within this time, for one cheap query.
VERSION_CHECK_SECONDS = 1.0

# The most typos any name may have (see _typos_allowed).
MAX_TYPOS = 2

_LEVEL_RANK = {LEVEL_BUURT: 0, LEVEL_WIJK: 1, LEVEL_GEMEENTE: 2}


@dataclass(frozen=True)
class _NameEntry:
    key: str
    area: Area


@dataclass
class _FuzzyKeys:
    """The distinct name keys that start with one letter, shortest first, for rapidfuzz."""

    keys: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def near(self, length: int, spread: int) -> list[str]:
        """Keys whose length differs at most `spread` from `length`."""
        low = bisect.bisect_left(self.lengths, length - spread)
        high = bisect.bisect_right(self.lengths, length + spread)
        return self.keys[low:high]


@dataclass
class _NameIndex:
    """Every area by code and by name key, loaded at once so fuzzy matching needs no query."""

    areas: dict[str, Area] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_key: dict[str, list[_NameEntry]] = field(default_factory=dict)
    # First letter -> the keys beginning with it, built once per data version by `seal`:
    # a fuzzy lookup compares only keys of nearly the same length with that first letter.
    by_letter: dict[str, _FuzzyKeys] = field(default_factory=dict)
    # The same for street names, read on the first street that is not found as written.
    street_keys: dict[str, _FuzzyKeys] | None = None
    max_words: int = 1
    loaded_at: float = 0.0
    # The data version the index was loaded at; None when it could not be read.
    version: int | None = None
    checked_at: float = 0.0

    def add(self, area: Area, name_norm: str) -> None:
        key = name_norm.replace(" ", "")
        if not key:
            return
        self.by_key.setdefault(key, []).append(_NameEntry(key, area))
        self.max_words = max(self.max_words, len(name_norm.split()))

    def seal(self) -> None:
        """Build the fuzzy lookup tables once every name has been added."""
        self.by_letter = _by_letter(self.by_key)


def _by_letter(keys: Iterable[str]) -> dict[str, _FuzzyKeys]:
    """Keys grouped by first letter, shortest first, for `_closest`."""
    grouped: dict[str, _FuzzyKeys] = {}
    for key in sorted(keys, key=len):
        if not key:
            continue
        group = grouped.setdefault(key[0], _FuzzyKeys())
        group.keys.append(key)
        group.lengths.append(len(key))
    return grouped


def _closest(by_letter: dict[str, _FuzzyKeys], key: str) -> list[tuple[str, int]]:
    """(key, typos) of the known keys within the typos a key of that length allows.

    Typos rarely hit the first letter, and requiring it keeps "meiden" from "Weiden".
    rapidfuzz's OSA distance is the edit distance with adjacent transpositions that
    bot.core.location.edit_distance gives, computed in C over every near key at once.
    """
    if len(key) < 4:
        return []
    keys = by_letter.get(key[0])
    if keys is None:
        return []
    found = []
    near = keys.near(len(key), MAX_TYPOS)
    for other, distance, _position in process.extract(
        key, near, scorer=OSA.distance, score_cutoff=MAX_TYPOS, limit=None
    ):
        allowed = _typos_allowed(other)
        if abs(len(other) - len(key)) <= allowed and distance <= allowed:
            found.append((other, int(distance)))
    return found


@dataclass(frozen=True)
class _NameMatch:
    typos: int
    candidate: NameCandidate
    area: Area

    @property
    def start(self) -> int:
        return self.candidate.start

    @property
    def end(self) -> int:
        return self.candidate.start + len(self.candidate.text)

    def covers(self, other: _NameMatch) -> bool:
        """True when `other` lies inside this longer match."""
        return (
            self.start <= other.start
            and other.end <= self.end
            and self.end - self.start > other.end - other.start
        )


def _typos_allowed(key: str) -> int:
    """One typo in names of 6+ characters, two in names of 10+; short names must be exact."""
    if len(key) >= 10:
        return MAX_TYPOS
    if len(key) >= 6:
        return 1
    return 0


def _query(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def _unknown(text: object) -> LocationResult:
    return LocationResult(STATUS_UNKNOWN, _query(text) if isinstance(text, str) else "")


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
        self._name_index_ttl = name_index_ttl
        self._version_check_interval = version_check_interval
        self._index: _NameIndex | None = None
        self._lock = threading.Lock()

    # -- sessions and the cached name index ------------------------------------------------

    def _session(self) -> Session:
        if self._session_factory is None:
            # Created on first use, never at import: importing must not touch a database.
            from bot.db.session import make_session_factory

            self._session_factory = make_session_factory()
        return self._session_factory()

    def invalidate_cache(self) -> None:
        """Forget the name index, e.g. right after an import in the same process."""
        with self._lock:
            self._index = None

    def _name_index(self, session: Session, *, refresh: bool = False) -> _NameIndex:
        with self._lock:
            index = self._index
            if index is not None and not refresh and self._still_current(session, index):
                return index
            index = self._load_name_index(session)
            self._index = index
            return index

    def _still_current(self, session: Session, index: _NameIndex) -> bool:
        now = time.monotonic()
        if now - index.loaded_at >= self._name_index_ttl:
            return False
        if index.version is None or now - index.checked_at < self._version_check_interval:
            return True
        index.checked_at = now
        return self._data_version(session) == index.version

    @staticmethod
    def _data_version(session: Session) -> int | None:
        """The data version, or None for a database without the counter (then the TTL rules)."""
        try:
            return DataVersionRepository(session).current()
        except SQLAlchemyError:
            # Only reads ran in this transaction; PostgreSQL needs it ended after an error.
            session.rollback()
            return None

    @classmethod
    def _load_name_index(cls, session: Session) -> _NameIndex:
        # The version first: a change during loading makes the next check reload again.
        version = cls._data_version(session)
        areas = AreaRepository(session)
        index = _NameIndex(version=version)
        for gemeente in areas.gemeenten():
            area = Area(gemeente.code, gemeente.name, LEVEL_GEMEENTE, gemeente.code)
            index.areas[area.code] = area
            index.parents[area.code] = ()
            index.add(area, normalize_name(gemeente.name))
        for wijk in areas.wijken():
            area = Area(wijk.code, wijk.name, LEVEL_WIJK, wijk.gemeente_code)
            index.areas[area.code] = area
            index.parents[area.code] = (wijk.gemeente_code,)
            index.add(area, wijk.name_norm)
        for buurt in areas.buurten():
            area = Area(buurt.code, buurt.name, LEVEL_BUURT, buurt.gemeente_code)
            index.areas[area.code] = area
            index.parents[area.code] = (buurt.wijk_code, buurt.gemeente_code)
            index.add(area, buurt.name_norm)
        index.seal()
        index.loaded_at = index.checked_at = time.monotonic()
        return index

    def _areas(self, session: Session, codes: Iterable[str]) -> list[Area]:
        """Areas for codes, reloading the index once when a code is newer than the cache."""
        codes = list(codes)
        index = self._name_index(session)
        if any(code not in index.areas for code in codes):
            index = self._name_index(session, refresh=True)
        return [index.areas[code] for code in codes if code in index.areas]

    def area(self, code: str) -> Area | None:
        """The buurt, wijk or gemeente with this code."""
        if not isinstance(code, str) or not code:
            return None
        with self._session() as session:
            found = self._areas(session, [code.strip().upper()])
        return found[0] if found else None

    def most_precise(self, areas: Sequence[Area]) -> list[Area]:
        """`areas` without those that contain another of them ("Weidepad 5 in Rivierstad":
        the buurt, not the whole gemeente), each once, in the order given."""
        with self._session() as session:
            index = self._name_index(session)
        codes = {area.code for area in areas}
        inner_parents = {
            parent for area in areas for parent in index.parents.get(area.code, ())
        } & codes
        kept = {area.code: area for area in areas if area.code not in inner_parents}
        return list(kept.values())

    # -- location resolution ------------------------------------------------------------------

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
            return _unknown(text)
        text = text[:MAX_PARSE_CHARS]
        parsed = parse_location(text)
        with self._session() as session:
            return self._resolve(session, text, parsed, expecting, prefer_gemeente)

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
        query = f"{lat:.5f}, {lon:.5f}"
        from bot.db import geometry

        with self._session() as session:
            outlines = geometry.has_geometry(session)
            if outlines:
                buurt_code = geometry.find_buurt_at(session, lat, lon)
                areas = self._areas(session, [buurt_code]) if buurt_code else []
                if areas:
                    return LocationResult(STATUS_FOUND, query, areas[0])
            coordinates = geometry.has_coordinates(session)
            nearest = geometry.nearest_address(session, lat, lon) if coordinates else None
            areas = self._areas(session, nearest.buurt_codes) if nearest else []
        if len(areas) == 1:
            return LocationResult(STATUS_FOUND, query, areas[0])
        if areas:
            return self._ambiguous(query, areas)
        if outlines or coordinates:
            return LocationResult(STATUS_OUTSIDE, query)
        return LocationResult(STATUS_UNKNOWN, query)

    def _resolve(
        self,
        session: Session,
        text: str,
        parsed: ParsedLocation,
        expecting: bool,
        prefer: str | None = None,
    ) -> LocationResult:
        addresses = AddressRepository(session)
        # Stages from most to least precise; the first `found` wins, otherwise the most
        # precise other outcome ("1012 AB" is outside even if a word looks like a name).
        fallback: LocationResult | None = None

        def keep(result: LocationResult | None) -> LocationResult | None:
            nonlocal fallback
            if result is None:
                return None
            if result.status == STATUS_FOUND:
                return result
            if fallback is None:
                fallback = result
            return None

        for postcode in parsed.postcodes:
            codes = addresses.buurt_codes_for_postcode(postcode.postcode)
            if codes:
                result = keep(self._from_buurten(session, codes, postcode.text, parsed, prefer))
            elif postcode.certain and addresses.buurt_codes_for_pc4(postcode.postcode[:4]):
                # "9281 ZZ" where 9281 is ours: no address outside, but a postcode to check.
                result = keep(
                    LocationResult(STATUS_UNKNOWN, _query(postcode.text), postcode_not_found=True)
                )
            elif postcode.certain:
                result = keep(LocationResult(STATUS_OUTSIDE, _query(postcode.text)))
            else:
                result = None
            if result:
                return result

        for street in parsed.streets:
            result = keep(self._from_street(session, street, parsed, prefer))
            if result:
                return result

        for pc4 in parsed.pc4s:
            # "sinds 2019", "8101 euro": the words around it say it is no postcode. In a
            # question a bare year-like number is a year too; as the answer to "where do
            # you live?" it is meant as a postcode.
            if pc4.weak or (pc4.year_like and not expecting):
                continue
            codes = addresses.buurt_codes_for_pc4(pc4.pc4)
            if codes:
                result = keep(self._from_buurten(session, codes, pc4.text, parsed, prefer))
            elif expecting:
                result = keep(LocationResult(STATUS_OUTSIDE, _query(pc4.text)))
            else:
                result = None
            if result:
                return result

        result = keep(self._from_names(session, parsed.names, prefer))
        if result:
            return result

        result = keep(self._from_street_names(session, parsed, prefer))
        if result:
            return result

        return fallback or _unknown(text)

    def _from_buurten(
        self,
        session: Session,
        codes: Sequence[str],
        query: str,
        parsed: ParsedLocation,
        prefer: str | None = None,
    ) -> LocationResult:
        areas = self._areas(session, codes)
        if len(areas) > 1:
            # "8102 ... Parkzicht": a name in the same message settles it.
            named = self._named_areas(session, parsed.names)
            narrowed = [area for area in areas if area.code in named]
            if narrowed:
                areas = narrowed
        if len(areas) == 1:
            return LocationResult(STATUS_FOUND, _query(query), areas[0])
        if not areas:
            return LocationResult(STATUS_UNKNOWN, _query(query))
        return self._ambiguous(query, areas, prefer)

    @staticmethod
    def _ambiguous(query: str, areas: Sequence[Area], prefer: str | None = None) -> LocationResult:
        """Several areas fit: the one in the serving municipality if there is one, else a choice."""
        own = [area for area in areas if prefer and area.gemeente_code == prefer]
        if len(own) == 1:
            return LocationResult(STATUS_FOUND, _query(query), own[0])
        areas = own or areas
        options = tuple(sorted(areas, key=lambda area: (area.name.casefold(), area.code)))
        return LocationResult(STATUS_AMBIGUOUS, _query(query), None, options[:MAX_OPTIONS])

    def _from_street(
        self,
        session: Session,
        street: StreetCandidate,
        parsed: ParsedLocation,
        prefer: str | None = None,
        *,
        fuzzy: bool = False,
    ) -> LocationResult | None:
        addresses = AddressRepository(session)
        norms = [norm for norm, _raw in street.streets]
        hits = addresses.on_street(norms, street.number)
        if hits:
            # The longest street name that exists: "Burgemeester de Withstraat", not "Withstraat".
            best = max({hit.street_norm for hit in hits}, key=len)
            hits = [hit for hit in hits if hit.street_norm == best]
            if street.addition:
                exact = [hit for hit in hits if hit.addition == street.addition]
                hits = exact or hits
            places = [StreetPlace(hit.street_norm, hit.city, hit.buurt_code) for hit in hits]
        else:
            places = addresses.street_places(norms)
            if not places:
                corrected = None if fuzzy else self._corrected_street(session, street)
                if corrected is None:
                    return None
                return self._from_street(session, corrected, parsed, prefer, fuzzy=True)
            best = max({place.street_norm for place in places}, key=len)
            places = [place for place in places if place.street_norm == best]
        raw = next(raw for norm, raw in street.streets if norm == best)
        query = f"{raw} {street.number_text}" if hits else raw
        codes = sorted({place.buurt_code for place in places})
        if len(codes) > 1:
            # The same street in several places: a place name in the message may settle it.
            mentioned = {candidate.key for candidate in parsed.names}
            cities = {place.city for place in places}
            cities = {city for city in cities if name_key(city) in mentioned}
            if cities:
                codes = sorted({place.buurt_code for place in places if place.city in cities})
        return self._from_buurten(session, codes, query, parsed, prefer)

    def _named_areas(self, session: Session, names: Sequence[NameCandidate]) -> set[str]:
        index = self._name_index(session)
        found: set[str] = set()
        for candidate in names:
            for entry in index.by_key.get(candidate.key, ()):
                found.add(entry.area.code)
        return found

    def _from_names(
        self, session: Session, names: Sequence[NameCandidate], prefer: str | None = None
    ) -> LocationResult | None:
        index = self._name_index(session)
        # One extra word for names written apart: "Kade kwartier" for "Kadekwartier".
        usable = [candidate for candidate in names if candidate.words <= index.max_words + 1]
        matches = [
            _NameMatch(0, candidate, entry.area)
            for candidate in usable
            for entry in index.by_key.get(candidate.key, ())
        ]
        if not matches:
            matches = [match for candidate in usable for match in self._fuzzy(index, candidate)]
        if not matches:
            return None
        # "Oude Haven" holds the name "Haven": a name inside a longer matched name is no match.
        matches = [match for match in matches if not any(other.covers(match) for other in matches)]
        # Exact before fuzzy, a buurt before a wijk of the same name, then the first mentioned.
        matches.sort(key=lambda match: (match.typos, _LEVEL_RANK[match.area.level], match.start))
        top = matches[0]
        same_name = [
            match
            for match in matches
            if match.candidate.key == top.candidate.key
            and (match.typos, match.area.level) == (top.typos, top.area.level)
        ]
        areas = list({match.area.code: match.area for match in same_name}.values())
        if len(areas) > 1:
            # The same name in several places: another name in the text may settle it.
            context = {match.area.code for match in matches} - {area.code for area in areas}
            narrowed = [
                area
                for area in areas
                if context & {area.gemeente_code, *index.parents.get(area.code, ())}
            ]
            areas = narrowed or areas
        query = top.candidate.text
        if len(areas) == 1:
            return LocationResult(STATUS_FOUND, _query(query), areas[0])
        return self._ambiguous(query, areas, prefer)

    @staticmethod
    def _fuzzy(index: _NameIndex, candidate: NameCandidate) -> list[_NameMatch]:
        return [
            _NameMatch(typos, candidate, entry.area)
            for other, typos in _closest(index.by_letter, candidate.key)
            for entry in index.by_key[other]
        ]

    def _street_keys(self, session: Session) -> dict[str, _FuzzyKeys]:
        index = self._name_index(session)
        if index.street_keys is None:
            names = AddressRepository(session).street_names()
            with self._lock:
                if index.street_keys is None:
                    index.street_keys = _by_letter(names)
        return index.street_keys

    def _corrected_street(
        self, session: Session, street: StreetCandidate
    ) -> StreetCandidate | None:
        """The street with a typo put right ("kerkstrat 9" -> Kerkstraat 9), when exactly
        one known street is that close to one of the ways the words can be read."""
        by_letter = self._street_keys(session)
        options: list[tuple[str, str]] = []
        for norm, raw in street.streets:
            closest = _closest(by_letter, norm)
            best = min((typos for _, typos in closest), default=None)
            names = [name for name, typos in closest if typos == best]
            if len(names) == 1:
                options.append((names[0], raw))
        return replace(street, streets=tuple(options)) if options else None

    def _from_street_names(
        self, session: Session, parsed: ParsedLocation, prefer: str | None = None
    ) -> LocationResult | None:
        """A street without a number ("aan de Parklaan"): found when the street is in one buurt."""
        streets: dict[str, str] = {}
        for candidate in parsed.names:
            if looks_like_street(candidate.norm):
                streets.setdefault(candidate.norm, candidate.text)
        if not streets:
            return None
        places = AddressRepository(session).street_places(list(streets))
        if not places:
            return None
        best = max({place.street_norm for place in places}, key=len)
        codes = sorted({place.buurt_code for place in places if place.street_norm == best})
        return self._from_buurten(session, codes, streets[best], parsed, prefer)

    # -- contacts, roles and routes -----------------------------------------------------------

    def find_contacts(self, role: str, area_code: str) -> ContactCard | None:
        """Active contacts of `role` for the area: its buurt, else its wijk, else its gemeente."""
        if not isinstance(role, str) or not isinstance(area_code, str) or not area_code:
            return None
        role_code = role if role in ROLES_BY_CODE else (normalize_role(role) or role)
        with self._session() as session:
            areas = self._areas(session, [area_code.strip().upper()])
            if not areas:
                return None
            area = areas[0]
            index = self._name_index(session)
            chain = [area, *self._areas(session, index.parents.get(area.code, ()))]
            # One query for the buurt, its wijk and its gemeente; the nearest level wins.
            rows = ContactRepository(session).active_for_areas(
                role_code, [level_area.code for level_area in chain]
            )
        now = self._clock()
        for level_area in chain:
            found = [row for row in rows if row.area_code == level_area.code]
            if found:
                return ContactCard(
                    role=role_code,
                    area=level_area,
                    contacts=tuple(
                        ContactInfo(
                            name=row.name,
                            organisation=row.organisation or "",
                            phone=row.phone or "",
                            email=row.email or "",
                            hours=row.hours or "",
                            availability=availability(parse_opening_hours(row.hours), now),
                        )
                        for row in found
                    ),
                )
        return None

    def role_for_topic(self, topic: str, gemeente_code: str | None = None) -> str | None:
        """The route for a topic: the municipality's own rule, else the default rule."""
        if not isinstance(topic, str):
            return None
        with self._session() as session:
            found = RouteRepository(session).role_for_topic(topic, gemeente_code)
        return found or DEFAULT_TOPIC_ROUTES.get(topic)

    def role(self, code: str, gemeente_code: str | None = None) -> RoleInfo | None:
        """A role as stored, with the municipality's own name and description if it has them.

        Accepts a Dutch name or synonym too.
        """
        if not isinstance(code, str):
            return None
        with self._session() as session:
            repository = RoleRepository(session)
            stored = repository.get(code) or repository.get(normalize_role(code) or "")
            if stored is not None:
                role = RoleInfo(
                    stored.code,
                    stored.name,
                    stored.description,
                    stored.organisation_type,
                    bool(stored.needs_location),
                )
                return self._localised([role], session, gemeente_code)[0]
        default = ROLES_BY_CODE.get(normalize_role(code) or code)
        if default is None:
            return None
        return RoleInfo(
            default.code,
            default.name,
            default.description,
            default.organisation_type,
            default.needs_location,
        )

    def roles(self, gemeente_code: str | None = None) -> list[RoleInfo]:
        """All roles: the route codes in their fixed order, then roles staff added."""
        with self._session() as session:
            stored = {
                role.code: RoleInfo(
                    role.code,
                    role.name,
                    role.description,
                    role.organisation_type,
                    bool(role.needs_location),
                )
                for role in RoleRepository(session).all()
            }
            for code in ROUTE_CODES:
                if code not in stored:
                    default = ROLES_BY_CODE[code]
                    stored[code] = RoleInfo(
                        code,
                        default.name,
                        default.description,
                        default.organisation_type,
                        default.needs_location,
                    )
            roles = self._localised(list(stored.values()), session, gemeente_code)
        order = {code: position for position, code in enumerate(ROUTE_CODES)}
        return sorted(roles, key=lambda role: (order.get(role.code, len(order)), role.name))

    @staticmethod
    def _localised(
        roles: list[RoleInfo], session: Session, gemeente_code: str | None
    ) -> list[RoleInfo]:
        """The roles with the municipality's own names and descriptions where it set them."""
        if not isinstance(gemeente_code, str) or not gemeente_code:
            return roles
        overrides = RoleRepository(session).overrides(gemeente_code.strip().upper())
        localised = []
        for role in roles:
            override = overrides.get(role.code)
            if override is not None:
                role = replace(
                    role,
                    name=override.name or role.name,
                    description=override.description or role.description,
                )
            localised.append(role)
        return localised

    def gemeente_names(self) -> list[str]:
        """Names of the municipalities in the database, for "I only know ..." answers."""
        with self._session() as session:
            index = self._name_index(session)
        return sorted(
            (area.name for area in index.areas.values() if area.level == LEVEL_GEMEENTE),
            key=str.casefold,
        )

    def gemeente(self, code: str | None = None) -> GemeenteInfo | None:
        """A municipality's general details, empty fields filled from the deployment default.

        Without a code: the only municipality, or, when the deployment serves several, the
        default details under no name (None when there are none).
        """
        with self._session() as session:
            areas = AreaRepository(session)
            stored: Gemeente | None = None
            if code:
                stored = areas.gemeente(code.strip().upper()) if isinstance(code, str) else None
                if stored is None:
                    return None
            else:
                all_gemeenten = areas.gemeenten()
                if len(all_gemeenten) == 1:
                    stored = all_gemeenten[0]
            default = areas.general_default()
            if stored is None and default is None:
                return None

            def field_value(name: str) -> str:
                own = getattr(stored, name, "") if stored is not None else ""
                return str(own or (getattr(default, name, "") if default is not None else ""))

            return GemeenteInfo(
                code=stored.code if stored is not None else "",
                name=stored.name if stored is not None else "",
                phone=field_value("phone"),
                website=field_value("website"),
                report_url=field_value("report_url"),
                hours=field_value("hours"),
            )

    def gemeente_count(self) -> int:
        """How many municipalities this deployment serves."""
        with self._session() as session:
            index = self._name_index(session)
        return sum(1 for area in index.areas.values() if area.level == LEVEL_GEMEENTE)

    def find_gemeente(self, value: object) -> Area | None:
        """A served municipality by CBS code ('GM0344', '0344') or by name ('Rivierstad')."""
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()[:MAX_QUERY_CHARS]
        with self._session() as session:
            index = self._name_index(session)
        code = text.upper()
        if code.isdigit():
            code = f"GM{code.zfill(4)}"
        area = index.areas.get(code)
        if area is not None and area.level == LEVEL_GEMEENTE:
            return area
        key = normalize_name(text).replace(" ", "")
        for entry in index.by_key.get(key, ()):
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
            index = self._name_index(session)
        labels = []
        for area, name in zip(options, names, strict=True):
            gemeente = index.areas.get(area.gemeente_code)
            if names.count(name) == 1 or area.level == LEVEL_GEMEENTE or gemeente is None:
                labels.append(area.name)
            else:
                labels.append(f"{area.name} ({gemeente.name})")
        return labels
