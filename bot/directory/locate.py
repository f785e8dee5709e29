"""Where a resident lives: a message or a location pin resolved to a buurt, wijk or gemeente.

A message goes through five strategies, most precise first: full postcode, street and
number, four-digit postcode, place name, street without a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.core.cards import Area, LocationResult
from bot.core.constants import (
    LEVEL_BUURT,
    LEVEL_GEMEENTE,
    LEVEL_WIJK,
    STATUS_AMBIGUOUS,
    STATUS_FOUND,
    STATUS_OUTSIDE,
    STATUS_UNKNOWN,
)
from bot.core.location import (
    NameCandidate,
    ParsedLocation,
    StreetCandidate,
    looks_like_street,
)
from bot.core.text import name_key
from bot.db.repositories import AddressRepository, StreetPlace
from bot.directory.names import NameIndex, NameIndexCache, NameMatch, closest

MAX_QUERY_CHARS = 200
# An ambiguous answer lists at most this many areas to choose from.
MAX_OPTIONS = 12

_LEVEL_RANK = {LEVEL_BUURT: 0, LEVEL_WIJK: 1, LEVEL_GEMEENTE: 2}


def query_text(text: str) -> str:
    """The text as echoed in a result: single spaces, at most MAX_QUERY_CHARS."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def unknown(text: object) -> LocationResult:
    return LocationResult(STATUS_UNKNOWN, query_text(text) if isinstance(text, str) else "")


def ambiguous(query: str, areas: Sequence[Area], prefer: str | None = None) -> LocationResult:
    """Several areas fit: the one in the serving municipality if there is one, else a choice."""
    own = [area for area in areas if prefer and area.gemeente_code == prefer]
    if len(own) == 1:
        return LocationResult(STATUS_FOUND, query_text(query), own[0])
    areas = own or areas
    options = tuple(sorted(areas, key=lambda area: (area.name.casefold(), area.code)))
    return LocationResult(STATUS_AMBIGUOUS, query_text(query), None, options[:MAX_OPTIONS])


def fuzzy_matches(index: NameIndex, candidate: NameCandidate) -> list[NameMatch]:
    """The areas whose name is within the allowed typos of the candidate."""
    return [
        NameMatch(typos, candidate, entry.area)
        for other, typos in closest(index.by_letter, candidate.key)
        for entry in index.by_key[other]
    ]


def resolve_point(
    session: Session, names: NameIndexCache, lat: float, lon: float
) -> LocationResult:
    """A pin (WGS84, already checked to be finite and on earth): the buurt it lies in."""
    query = f"{lat:.5f}, {lon:.5f}"
    from bot.db import geometry

    outlines = geometry.has_geometry(session)
    if outlines:
        buurt_code = geometry.find_buurt_at(session, lat, lon)
        areas = names.areas(session, [buurt_code]) if buurt_code else []
        if areas:
            return LocationResult(STATUS_FOUND, query, areas[0])
    coordinates = geometry.has_coordinates(session)
    nearest = geometry.nearest_address(session, lat, lon) if coordinates else None
    areas = names.areas(session, nearest.buurt_codes) if nearest else []
    if len(areas) == 1:
        return LocationResult(STATUS_FOUND, query, areas[0])
    if areas:
        return ambiguous(query, areas)
    if outlines or coordinates:
        return LocationResult(STATUS_OUTSIDE, query)
    return LocationResult(STATUS_UNKNOWN, query)


class LocationResolver:
    """The five strategies on one session; the first `found` wins."""

    def __init__(self, session: Session, names: NameIndexCache, prefer: str | None) -> None:
        self._session = session
        self._names = names
        # The municipality the channel serves: it wins when a name exists in several.
        self._prefer = prefer

    def resolve(self, text: str, parsed: ParsedLocation, expecting: bool) -> LocationResult:
        addresses = AddressRepository(self._session)
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
                result = keep(self._from_buurten(codes, postcode.text, parsed))
            elif postcode.certain and addresses.buurt_codes_for_pc4(postcode.postcode[:4]):
                # "9281 ZZ" where 9281 is ours: no address outside, but a postcode to check.
                result = keep(
                    LocationResult(
                        STATUS_UNKNOWN, query_text(postcode.text), postcode_not_found=True
                    )
                )
            elif postcode.certain:
                result = keep(LocationResult(STATUS_OUTSIDE, query_text(postcode.text)))
            else:
                result = None
            if result:
                return result

        for street in parsed.streets:
            result = keep(self._from_street(street, parsed))
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
                result = keep(self._from_buurten(codes, pc4.text, parsed))
            elif expecting:
                result = keep(LocationResult(STATUS_OUTSIDE, query_text(pc4.text)))
            else:
                result = None
            if result:
                return result

        result = keep(self._from_names(parsed.names))
        if result:
            return result

        result = keep(self._from_street_names(parsed))
        if result:
            return result

        return fallback or unknown(text)

    def _from_buurten(
        self, codes: Sequence[str], query: str, parsed: ParsedLocation
    ) -> LocationResult:
        areas = self._names.areas(self._session, codes)
        if len(areas) > 1:
            # "8102 ... Parkzicht": a name in the same message settles it.
            named = self._named_areas(parsed.names)
            narrowed = [area for area in areas if area.code in named]
            if narrowed:
                areas = narrowed
        if len(areas) == 1:
            return LocationResult(STATUS_FOUND, query_text(query), areas[0])
        if not areas:
            return LocationResult(STATUS_UNKNOWN, query_text(query))
        return ambiguous(query, areas, self._prefer)

    def _from_street(
        self, street: StreetCandidate, parsed: ParsedLocation, *, fuzzy: bool = False
    ) -> LocationResult | None:
        addresses = AddressRepository(self._session)
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
                corrected = None if fuzzy else self._corrected_street(street)
                if corrected is None:
                    return None
                return self._from_street(corrected, parsed, fuzzy=True)
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
        return self._from_buurten(codes, query, parsed)

    def _named_areas(self, names: Sequence[NameCandidate]) -> set[str]:
        index = self._names.get(self._session)
        found: set[str] = set()
        for candidate in names:
            for entry in index.by_key.get(candidate.key, ()):
                found.add(entry.area.code)
        return found

    def _from_names(self, names: Sequence[NameCandidate]) -> LocationResult | None:
        index = self._names.get(self._session)
        # One extra word for names written apart: "Kade kwartier" for "Kadekwartier".
        usable = [candidate for candidate in names if candidate.words <= index.max_words + 1]
        matches = [
            NameMatch(0, candidate, entry.area)
            for candidate in usable
            for entry in index.by_key.get(candidate.key, ())
        ]
        if not matches:
            matches = [match for candidate in usable for match in fuzzy_matches(index, candidate)]
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
            return LocationResult(STATUS_FOUND, query_text(query), areas[0])
        return ambiguous(query, areas, self._prefer)

    def _corrected_street(self, street: StreetCandidate) -> StreetCandidate | None:
        """The street with a typo put right ("kerkstrat 9" -> Kerkstraat 9), when exactly
        one known street is that close to one of the ways the words can be read."""
        keys = self._names.street_keys(self._session)
        options: list[tuple[str, str]] = []
        for norm, raw in street.streets:
            near = closest(keys, norm)
            best = min((typos for _, typos in near), default=None)
            names = [name for name, typos in near if typos == best]
            if len(names) == 1:
                options.append((names[0], raw))
        return replace(street, streets=tuple(options)) if options else None

    def _from_street_names(self, parsed: ParsedLocation) -> LocationResult | None:
        """A street without a number ("aan de Parklaan"): found when the street is in one buurt."""
        streets: dict[str, str] = {}
        for candidate in parsed.names:
            if looks_like_street(candidate.norm):
                streets.setdefault(candidate.norm, candidate.text)
        if not streets:
            return None
        places = AddressRepository(self._session).street_places(list(streets))
        if not places:
            return None
        best = max({place.street_norm for place in places}, key=len)
        codes = sorted({place.buurt_code for place in places if place.street_norm == best})
        return self._from_buurten(codes, streets[best], parsed)
