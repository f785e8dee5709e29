"""The name index: every buurt, wijk and gemeente by code and by name key, with fuzzy lookup.

Loaded from the database once and cached; a cheap data-version query tells when staff
changed the data, so another process's edits reach the bot within a second.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.cards import Area
from bot.core.constants import LEVEL_BUURT, LEVEL_GEMEENTE, LEVEL_WIJK
from bot.core.location import NameCandidate
from bot.core.text import normalize_name
from bot.db.repositories import AddressRepository, AreaRepository, DataVersionRepository

# How long the name index may be out of date when the data version cannot be read.
NAME_INDEX_TTL_SECONDS = 60.0
# How often the cached name index is compared with the data version: staff edits in the
# workspace (another process) reach the bot within this time, for one cheap query.
VERSION_CHECK_SECONDS = 1.0

# The most typos any name may have (see typos_allowed).
MAX_TYPOS = 2


@dataclass(frozen=True)
class NameEntry:
    key: str
    area: Area


@dataclass
class FuzzyKeys:
    """The distinct name keys that start with one letter, shortest first, for rapidfuzz."""

    keys: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def near(self, length: int, spread: int) -> list[str]:
        """Keys whose length differs at most `spread` from `length`."""
        low = bisect.bisect_left(self.lengths, length - spread)
        high = bisect.bisect_right(self.lengths, length + spread)
        return self.keys[low:high]


@dataclass
class NameIndex:
    """Every area by code and by name key, loaded at once so fuzzy matching needs no query."""

    areas: dict[str, Area] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_key: dict[str, list[NameEntry]] = field(default_factory=dict)
    # First letter -> the keys beginning with it, built once per data version by `seal`:
    # a fuzzy lookup compares only keys of nearly the same length with that first letter.
    by_letter: dict[str, FuzzyKeys] = field(default_factory=dict)
    # The same for street names, read on the first street that is not found as written.
    street_keys: dict[str, FuzzyKeys] | None = None
    max_words: int = 1
    loaded_at: float = 0.0
    # The data version the index was loaded at; None when it could not be read.
    version: int | None = None
    checked_at: float = 0.0

    def add(self, area: Area, name_norm: str) -> None:
        key = name_norm.replace(" ", "")
        if not key:
            return
        self.by_key.setdefault(key, []).append(NameEntry(key, area))
        self.max_words = max(self.max_words, len(name_norm.split()))

    def seal(self) -> None:
        """Build the fuzzy lookup tables once every name has been added."""
        self.by_letter = by_letter(self.by_key)


def by_letter(keys: Iterable[str]) -> dict[str, FuzzyKeys]:
    """Keys grouped by first letter, shortest first, for `closest`."""
    grouped: dict[str, FuzzyKeys] = {}
    for key in sorted(keys, key=len):
        if not key:
            continue
        group = grouped.setdefault(key[0], FuzzyKeys())
        group.keys.append(key)
        group.lengths.append(len(key))
    return grouped


def closest(keys_by_letter: dict[str, FuzzyKeys], key: str) -> list[tuple[str, int]]:
    """(key, typos) of the known keys within the typos a key of that length allows.

    Typos rarely hit the first letter, and requiring it keeps "meiden" from "Weiden".
    rapidfuzz's OSA distance is the edit distance with adjacent transpositions that
    bot.core.text.edit_distance gives, computed in C over every near key at once.
    """
    if len(key) < 4:
        return []
    keys = keys_by_letter.get(key[0])
    if keys is None:
        return []
    found = []
    near = keys.near(len(key), MAX_TYPOS)
    for other, distance, _position in process.extract(
        key, near, scorer=OSA.distance, score_cutoff=MAX_TYPOS, limit=None
    ):
        allowed = typos_allowed(other)
        if abs(len(other) - len(key)) <= allowed and distance <= allowed:
            found.append((other, int(distance)))
    return found


def typos_allowed(key: str) -> int:
    """One typo in names of 6+ characters, two in names of 10+; short names must be exact."""
    if len(key) >= 10:
        return MAX_TYPOS
    if len(key) >= 6:
        return 1
    return 0


@dataclass(frozen=True)
class NameMatch:
    typos: int
    candidate: NameCandidate
    area: Area

    @property
    def start(self) -> int:
        return self.candidate.start

    @property
    def end(self) -> int:
        return self.candidate.start + len(self.candidate.text)

    def covers(self, other: NameMatch) -> bool:
        """True when `other` lies inside this longer match."""
        return (
            self.start <= other.start
            and other.end <= self.end
            and self.end - self.start > other.end - other.start
        )


def data_version(session: Session) -> int | None:
    """The data version, or None for a database without the counter (then the TTL rules)."""
    try:
        return DataVersionRepository(session).current()
    except SQLAlchemyError:
        # Only reads ran in this transaction; PostgreSQL needs it ended after an error.
        session.rollback()
        return None


def load_name_index(session: Session) -> NameIndex:
    # The version first: a change during loading makes the next check reload again.
    version = data_version(session)
    areas = AreaRepository(session)
    index = NameIndex(version=version)
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


class NameIndexCache:
    """The current name index, shared by the threads of one process."""

    def __init__(
        self,
        *,
        ttl: float = NAME_INDEX_TTL_SECONDS,
        version_check_interval: float = VERSION_CHECK_SECONDS,
    ) -> None:
        self._ttl = ttl
        self._version_check_interval = version_check_interval
        self._index: NameIndex | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._index = None

    def get(self, session: Session, *, refresh: bool = False) -> NameIndex:
        with self._lock:
            index = self._index
            if index is not None and not refresh and self._still_current(session, index):
                return index
            index = load_name_index(session)
            self._index = index
            return index

    def _still_current(self, session: Session, index: NameIndex) -> bool:
        now = time.monotonic()
        if now - index.loaded_at >= self._ttl:
            return False
        if index.version is None or now - index.checked_at < self._version_check_interval:
            return True
        index.checked_at = now
        return data_version(session) == index.version

    def areas(self, session: Session, codes: Iterable[str]) -> list[Area]:
        """Areas for codes, reloading the index once when a code is newer than the cache."""
        codes = list(codes)
        index = self.get(session)
        if any(code not in index.areas for code in codes):
            index = self.get(session, refresh=True)
        return [index.areas[code] for code in codes if code in index.areas]

    def street_keys(self, session: Session) -> dict[str, FuzzyKeys]:
        """Street names for fuzzy lookup, read once per index on the first need."""
        index = self.get(session)
        if index.street_keys is None:
            names = AddressRepository(session).street_names()
            with self._lock:
                if index.street_keys is None:
                    index.street_keys = by_letter(names)
        return index.street_keys
