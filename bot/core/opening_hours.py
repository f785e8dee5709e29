"""Opening hours: reading a contact's free-text spreekuur, and when that contact is reachable.

The `spreekuur` field is typed by people ("di 10-12, do 14-16", "werkdagen 9.00 - 17.00 uur",
"elke eerste maandag van de maand van 10 tot 12 in het wijkbureau Noord").
`parse_opening_hours` turns it into sessions. It reads conservatively: every word must be
understood, or the value counts as not read and residents see only the text as written,
because a wrong "Nu bereikbaar" is worse than none. What it does not model:

- exceptions ("behalve in de schoolvakanties", "niet in juli"), dates, "om de week" (no
  known first week), a time without an end ("vanaf 19.00 uur"), a part of the day without
  times ("dinsdagochtend"), night hours (a start before 06:00, most likely "1-3" meant
  13-15): not read, so no open_now or next_open, and staff get a warning saying what;
- "op afspraak" without times: read as by appointment only, with no sessions;
- "gesloten op feestdagen": read; Dutch public holidays are closed days anyway.

Times are local to Europe/Amsterdam. `availability` takes the current time as an argument,
so callers inject their clock.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Final
from zoneinfo import ZoneInfo

import holidays

from bot.core.texts import DEFAULT_LANGUAGE, say

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")

# The database column holds 500 characters; longer text is not read at all.
MAX_TEXT_CHARS: Final = 500
MAX_PLACE_CHARS: Final = 100
EARLIEST_START: Final = 6 * 60
# How far `availability` looks ahead: a monthly session with a holiday on it still fits.
HORIZON_DAYS: Final = 100
LAST_WEEK: Final = -1
# A note for staff quotes at most this many parts it could not read.
MAX_UNKNOWN_SHOWN: Final = 3
MINUTES_PER_DAY: Final = 24 * 60

DAY_NAMES: Final = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES: Final = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
# What residents read in an English conversation ("Next office hours: Tuesday 10:00–12:00").
_CALENDAR_NAMES: Final = {
    "en": (
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"),
    ),
}  # fmt: skip
ORDINAL_NAMES: Final = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", 5: "vijfde"}

WORKDAYS: Final = frozenset(range(5))
ALL_DAYS: Final = frozenset(range(7))
WEEKEND: Final = frozenset({5, 6})

_DAY_WORDS: Final = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    **{name + "s": index for index, name in enumerate(DAY_NAMES)},
    **{name + "en": index for index, name in enumerate(DAY_NAMES)},
    "ma": 0, "di": 1, "din": 1, "wo": 2, "woe": 2, "do": 3, "don": 3,
    "vr": 4, "vrij": 4, "za": 5, "zat": 5, "zo": 6,
}  # fmt: skip
_DAY_SET_WORDS: Final = {
    "werkdag": WORKDAYS, "werkdagen": WORKDAYS, "weekdagen": WORKDAYS,
    "doordeweeks": WORKDAYS, "doordeweekse": WORKDAYS,
    "weekend": WEEKEND, "weekenden": WEEKEND, "weekends": WEEKEND,
    "dagelijks": ALL_DAYS, "dag": ALL_DAYS, "dagen": ALL_DAYS,
}  # fmt: skip
_PARTS_OF_DAY: Final = ("ochtend", "morgen", "middag", "avond")
_ORDINALS: Final = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "laatste": LAST_WEEK,
}  # fmt: skip
_APPOINTMENT_WORDS: Final = frozenset({"afspraak", "afspraken", "overleg"})
_PLACE_WORDS: Final = frozenset({"in", "bij", "op"})
_PLACE_HEADS: Final = frozenset({"locatie", "adres", "plaats", "waar"})
# A capitalised word with one of these endings starts a place without "in" ("Buurthuis De Kroon").
_PLACE_NOUN_ENDINGS: Final = (
    "huis", "centrum", "bureau", "gebouw", "punt", "post", "kantoor", "bibliotheek",
    "school", "kerk", "moskee", "zaal", "loods", "honk", "kamer", "kantine",
)  # fmt: skip
# After "in" or "op" these are times of year, not places: "in de schoolvakanties".
_NOT_PLACES: Final = frozenset(
    {
        "vakantie", "vakanties", "schoolvakantie", "schoolvakanties", "zomer", "zomervakantie",
        "winter", "feestdagen", "feestdag", "maand", "maanden", "week", "weken", *MONTH_NAMES,
    }
)  # fmt: skip
# Words without a schedule of their own ("spreekuur", "'s ochtends", "op", "uur").
_FILLERS: Final = frozenset(
    {
        "spreekuur", "spreekuren", "inloopspreekuur", "inloopspreekuren", "inloop",
        "inloopuur", "vrije", "open", "geopend", "bereikbaar", "telefonisch", "telefonische",
        "uur", "u", "h", "elke", "iedere", "ieder", "alle", "op", "van", "de", "het", "tussen",
        "wekelijks", "s", "maand", "week", "weken", "na", "volgens", "alleen", "ook",
        "daarbuiten", "verder", "of", "en", "met", "in", "bij",
        *_PARTS_OF_DAY, *(part + "s" for part in _PARTS_OF_DAY),
    }
)  # fmt: skip
# Words that may stand between a start time and its end ("9 uur tot 12 uur").
_INSIDE_TIME_RANGE: Final = frozenset({"uur", "u", "h", "tot", "en"})
_PUNCTUATION: Final = frozenset(":.()[]!'’`\"")

_DASHES: Final = dict.fromkeys(map(ord, "‐‑‒–—―−﹘﹣－"), "-")
_TOKEN: Final = re.compile(
    r"""
    (?P<tm>t\s?/\s?m\b|t\.m\.|tm\b)
    |(?P<ordinal>[1-5](?:e|ste|de)\b)
    |(?P<time>[0-9]{1,2}(?:[:.][0-9]{2}|[uh][0-9]{2})?)(?![0-9])
    |(?P<number>[0-9]+)
    |(?P<word>[^\W\d_]+)\.?
    |(?P<dash>-)
    |(?P<separator>[,;|\n•·/&+])
    |(?P<other>\S)
    """,
    re.VERBOSE,
)
_CLOCK: Final = re.compile(r"([0-9]{1,2})(?:[:.uh]([0-9]{2}))?")
_FEESTDAGEN: Final = r"(?:de\s+)?(?:algemene\s+|officiële\s+|erkende\s+)?feestdag(?:en)?"
# "Gesloten op feestdagen" says what `availability` does anyway, so it counts as read.
_HOLIDAYS_CLOSED: Final = re.compile(
    rf"\(?\b(?:(?:behalve|niet|gesloten|uitgezonderd)\s+(?:op\s+|tijdens\s+)?{_FEESTDAGEN}"
    rf"(?:\s+gesloten)?|op\s+{_FEESTDAGEN}\s+gesloten)\b\)?"
)


@dataclass(frozen=True)
class Session:
    """One recurring session: weekday 0 is Monday; start and end in minutes after midnight."""

    weekday: int
    start: int
    end: int
    place: str = ""
    # Empty: every week. Otherwise the weeks of the month it falls in (1-5, LAST_WEEK).
    weeks_of_month: frozenset[int] = frozenset()
    # None: every week; 0 or 1: only in even or odd ISO weeks.
    week_parity: int | None = None

    def falls_on(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.week_parity is not None and day.isocalendar()[1] % 2 != self.week_parity:
            return False
        if not self.weeks_of_month:
            return True
        is_last = day.day + 7 > calendar.monthrange(day.year, day.month)[1]
        return (day.day - 1) // 7 + 1 in self.weeks_of_month or (
            is_last and LAST_WEEK in self.weeks_of_month
        )


@dataclass(frozen=True)
class OpeningHours:
    """What a spreekuur text says. `problems` (Dutch, for staff) is empty when fully read."""

    text: str
    sessions: tuple[Session, ...] = ()
    by_appointment: bool = False
    problems: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @property
    def is_read(self) -> bool:
        """Fully understood: sessions, "op afspraak" or both, and nothing left over."""
        has_content = bool(self.sessions or self.by_appointment)
        return not self.is_empty and not self.problems and has_content

    @property
    def has_schedule(self) -> bool:
        """Fully understood with sessions, so `availability` can say when it is open."""
        return self.is_read and bool(self.sessions)


@dataclass(frozen=True)
class Opening:
    """One concrete session, in Europe/Amsterdam time."""

    start: datetime
    end: datetime
    place: str = ""


@dataclass(frozen=True)
class Availability:
    """Whether a contact is reachable at `now`, and from when next."""

    now: datetime
    current: Opening | None = None
    next: Opening | None = None

    @property
    def open_now(self) -> bool:
        return self.current is not None

    def to_payload(self) -> dict[str, bool | str]:
        """`open_now` and `next_open` (CONTRACT.md section 2), and `open_until` while open."""
        payload: dict[str, bool | str] = {"open_now": self.open_now}
        if self.current is not None:
            payload["open_until"] = self.current.end.isoformat()
        if self.next is not None:
            payload["next_open"] = self.next.start.isoformat()
        return payload


def parse_opening_hours(text: str | None) -> OpeningHours:
    """Read a spreekuur text. Never raises: what it cannot read ends up in `problems`."""
    text = text or ""
    if not text.strip():
        return OpeningHours(text=text)
    if len(text) > MAX_TEXT_CHARS:
        too_long = f"de tekst is langer dan {MAX_TEXT_CHARS} tekens"
        return OpeningHours(text=text, problems=(too_long,))
    return _Parser(text).parse()


@dataclass
class _Token:
    kind: str
    text: str  # lower case, accents removed
    start: int
    end: int
    value: int | frozenset[int] = 0


@dataclass
class _Group:
    """Days with their times and place: "ma, di en do 9-12 in De Wieken"."""

    days: set[int] = field(default_factory=set)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    weeks: set[int] = field(default_factory=set)
    parity: int | None = None
    # "9-12 op ma en wo": the days after the times belong to them.
    times_first: bool = False
    bad_range: bool = False


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        # The same length as `text`, so token offsets quote what staff typed.
        self.clean = "".join(
            " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char != "\n" else char
            for char in text.translate(_DASHES)
        )
        self.problems: list[str] = []
        self.unknown: list[_Token] = []
        self.by_appointment = False
        self.leading_place = ""

    def parse(self) -> OpeningHours:
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in self.clean)
        lowered = _HOLIDAYS_CLOSED.sub(lambda match: " " * len(match.group()), lowered)
        tokens = [_token(match) for match in _TOKEN.finditer(lowered)]
        sessions = self._sessions(self._groups(tokens))
        self._report_unknown()
        if not sessions and not self.by_appointment and not self.problems:
            self.problems.append("geen dag en tijd gevonden")
        return OpeningHours(
            text=self.text,
            sessions=sessions,
            by_appointment=self.by_appointment,
            problems=tuple(dict.fromkeys(self.problems)),
        )

    def _groups(self, tokens: list[_Token]) -> list[_Group]:
        groups = [_Group()]
        pending_weeks: set[int] = set()
        last_day: int | None = None
        day_range_open = False
        time_start: _Token | None = None
        time_range_open = False
        previous = ""  # the kind of the last token that meant something
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind, word = token.kind, token.text
            group = groups[-1]
            if kind in ("day", "dayset"):
                if group.days and group.ranges and not group.times_first:
                    group = _Group()
                    groups.append(group)
                days = set(token.value) if isinstance(token.value, frozenset) else {token.value}
                if day_range_open and last_day is not None and kind == "day":
                    days = _day_range(last_day, token.value)  # type: ignore[arg-type]
                group.days |= days
                group.weeks |= pending_weeks
                pending_weeks = set()
                last_day = token.value if kind == "day" else None  # type: ignore[assignment]
                day_range_open = False
                previous = "day"
            elif kind == "time":
                if time_start is not None and time_range_open:
                    if group.times_first and group.days:
                        group = _Group(times_first=True)
                        groups.append(group)
                    self._add_range(group, time_start, token)
                    time_start, previous = None, "range"
                else:
                    if time_start is not None:
                        self._problem(time_start, token, "twee tijden zonder 'tot' ertussen")
                    time_start, previous = token, "time"
                time_range_open = day_range_open = False
            elif kind in ("dash", "tm") or word == "tot":
                if previous == "time":
                    time_range_open = True
                elif previous == "day" and last_day is not None:
                    day_range_open = True
                elif kind == "tm":
                    self.unknown.append(token)
                if word == "tot" and _following(tokens, index, 2) == ("en", "met"):
                    index += 2
            elif word == "en" and previous == "time" and time_start is not None:
                time_range_open = True  # "tussen 9 en 12"
            elif kind == "ordinal":
                pending_weeks.add(token.value)  # type: ignore[arg-type]
            elif kind == "parity":
                group.parity = token.value  # type: ignore[assignment]
            elif kind == "appointment":
                self.by_appointment = True
            elif (
                (word in _PLACE_WORDS and self._starts_place(tokens, index))
                or word in _PLACE_HEADS
                or (self.clean[token.start].isupper() and word.endswith(_PLACE_NOUN_ENDINGS))
            ):
                place, index = self._place(tokens, index)
                if place:
                    group.places.append(place)
                    if len(groups) == 1 and not group.days and not group.ranges:
                        self.leading_place = place
                previous = "place"
                continue
            elif (
                kind not in ("separator", "dash")
                and word not in _FILLERS
                and not (kind == "other" and word in _PUNCTUATION)
            ):
                self.unknown.append(token)
            in_time_range = kind in ("time", "dash", "tm") or word in _INSIDE_TIME_RANGE
            if time_start is not None and not in_time_range:
                self._problem(time_start, None, "een begintijd zonder eindtijd")
                time_start, time_range_open = None, False
            index += 1
        if time_start is not None:
            self._problem(time_start, None, "een begintijd zonder eindtijd")
        if pending_weeks:
            self.problems.append("'eerste' of 'laatste' zonder dag erbij")
        return groups

    def _add_range(self, group: _Group, first: _Token, last: _Token) -> None:
        start, end = first.value, last.value
        assert isinstance(start, int) and isinstance(end, int)
        if start < 0 or end < 0 or start >= MINUTES_PER_DAY:
            self._problem(first, last, "geen geldige tijd")
        elif end <= start:
            self._problem(first, last, "de eindtijd ligt voor de begintijd")
        elif start < EARLIEST_START:
            self._problem(first, last, "een tijd in de nacht (voor 6:00)")
        else:
            group.times_first = group.times_first or not group.days
            group.ranges.append((start, end))
            return
        group.bad_range = True

    def _problem(self, first: _Token, last: _Token | None, problem: str) -> None:
        self.problems.append(f"{problem}: '{self._quote(first.start, (last or first).end)}'")

    def _starts_place(self, tokens: list[_Token], index: int) -> bool:
        """'in het wijkbureau', not 'op dinsdag', 'op afspraak' or 'in de even weken'."""
        following = tokens[index + 1 : index + 3]
        if following and following[0].text in ("de", "het") and len(following) > 1:
            following = following[1:]
        return (
            bool(following)
            and following[0].kind == "word"
            and following[0].text not in _NOT_PLACES
            and not _is_schedule_word(following[0])
        )

    def _place(self, tokens: list[_Token], index: int) -> tuple[str, int]:
        """The place starting at tokens[index] ('in het wijkbureau Noord'), and the index after it.

        It runs to a separator, a time, a bracket, or a day written in lower case or
        followed by a time: 'Di' in 'buurthuis Di Maria' stays part of the name.
        """
        head = tokens[index]
        end = index + 1
        while end < len(tokens):
            token = tokens[end]
            after = tokens[end + 1] if end + 1 < len(tokens) else None
            if (token.kind == "separator" and token.text != "&") or token.kind in ("time", "tm"):
                break
            if token.text == "(" and (close := _place_remark(tokens, end)):
                end = close + 1  # "in Dorpshuis De Veenster (Wolderveen)"
                continue
            if token.kind == "other" and token.text in "()[]":
                break
            if token.kind == "dash" and after is not None and after.kind in ("time", "day"):
                break
            if token.kind in ("day", "dayset", "ordinal", "parity", "appointment") and (
                self.clean[token.start].islower()
                or (after is not None and after.kind in ("time", "dash", "tm"))
            ):
                break
            if token.text in ("en", "of", "van", "tussen", "op", "tot") and (
                after is None or after.kind == "time" or _is_schedule_word(after)
            ):
                break
            end += 1
        words = [token for token in tokens[index + 1 : end] if token.text != ":"]
        if not words and head.text in _PLACE_WORDS | _PLACE_HEADS:
            self.unknown.append(head)
            return "", end
        if head.text not in _PLACE_HEADS:
            words.insert(0, head)
        phrase = " ".join(self.clean[words[0].start : words[-1].end].split()).strip(" .:-")
        if head.text in _PLACE_WORDS:
            phrase = head.text + phrase[len(head.text) :]  # "In het wijkbureau: ..." mid-sentence
        if len(phrase) > MAX_PLACE_CHARS:
            self.problems.append(f"de plaats is langer dan {MAX_PLACE_CHARS} tekens")
            return "", end
        return phrase, end

    def _sessions(self, groups: list[_Group]) -> tuple[Session, ...]:
        places = [place for group in groups for place in group.places]
        # The only place, said first or last ("di 10-12 en do 14-16 in De Wieken"), counts
        # for all days; said in the middle it counts for its own days only.
        shared_place = ""
        if len(places) == 1 and (groups[-1].places or self.leading_place):
            shared_place = places[0]
        sessions: list[Session] = []
        for group in groups:
            if len(group.places) > 1:
                self.problems.append("meer dan één plaats bij dezelfde tijden")
            if group.days and not group.ranges and not group.bad_range:
                days = " en ".join(DAY_NAMES[day] for day in sorted(group.days))
                self.problems.append(f"geen tijd bij {days}")
            elif group.ranges and not group.days and not group.bad_range:
                self.problems.append("een tijd zonder dag")
            place = group.places[0] if group.places else shared_place
            sessions.extend(
                Session(day, start, end, place, frozenset(group.weeks), group.parity)
                for day in sorted(group.days)
                for start, end in group.ranges
            )
        return tuple(sessions)

    def _report_unknown(self) -> None:
        spans: list[list[int]] = []
        for token in self.unknown:
            if spans and not self.clean[spans[-1][1] : token.start].strip():
                spans[-1][1] = token.end
            else:
                spans.append([token.start, token.end])
        for start, end in spans[:MAX_UNKNOWN_SHOWN]:
            self.problems.append(f"niet begrepen: '{self._quote(start, end)}'")

    def _quote(self, start: int, end: int) -> str:
        shown = " ".join(self.clean[start:end].split())
        return shown if len(shown) <= 40 else shown[:39] + "…"


def _token(match: re.Match[str]) -> _Token:
    kind = match.lastgroup or "other"
    text = _fold(match.group(kind))
    token = _Token(kind, text, match.start(), match.end())
    if kind == "time":
        token.value = _minutes(text)
    elif kind == "ordinal":
        token.value = int(text[0])
    elif kind == "word":
        token.kind, token.value = _classify(text)
    return token


def _fold(text: str) -> str:
    """Lower case without accents, so 'Woensdag' and 'wóensdag' read alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _minutes(text: str) -> int:
    """'9', '9:30', '09.30', '13u30' as minutes after midnight; -1 for no time of day."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return -1
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return -1
    return hour * 60 + minute


def _classify(word: str) -> tuple[str, int | frozenset[int]]:
    if word in _DAY_WORDS:
        return "day", _DAY_WORDS[word]
    if word in _DAY_SET_WORDS:
        return "dayset", _DAY_SET_WORDS[word]
    for index, name in enumerate(DAY_NAMES):
        # "dinsdagochtend", "woensdagmiddagen": the day; the times must be given as well.
        part = word.removeprefix(name)
        if part != word and (part.removesuffix("s").removesuffix("en") in _PARTS_OF_DAY):
            return "day", index
    if word in _ORDINALS:
        return "ordinal", _ORDINALS[word]
    if word in ("even", "oneven"):
        return "parity", 0 if word == "even" else 1
    if word in _APPOINTMENT_WORDS:
        return "appointment", 1
    return "word", 0


def _is_schedule_word(token: _Token) -> bool:
    return token.kind in ("day", "dayset", "ordinal", "parity", "appointment", "time") or (
        token.text in ("elke", "iedere", "alle", *_PARTS_OF_DAY)
    )


def _place_remark(tokens: list[_Token], index: int) -> int | None:
    """The index of the ')' closing a bracket of plain words at tokens[index], else None."""
    for close in range(index + 1, min(index + 8, len(tokens))):
        token = tokens[close]
        if token.text == ")":
            return close if close > index + 1 else None
        if token.kind != "word" or token.text in _NOT_PLACES or _is_schedule_word(token):
            return None
    return None


def _following(tokens: list[_Token], index: int, count: int) -> tuple[str, ...]:
    return tuple(token.text for token in tokens[index + 1 : index + 1 + count])


def _day_range(first: int, last: int) -> set[int]:
    """'ma-vr' is Monday to Friday, both included; 'vr-ma' wraps over the weekend."""
    return {(first + offset) % 7 for offset in range((last - first) % 7 + 1)}


ClosedDays = Callable[[date], bool]


def amsterdam_now() -> datetime:
    return datetime.now(AMSTERDAM)


@functools.lru_cache(maxsize=16)
def _dutch_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_dutch_holiday(day: date) -> bool:
    """Nieuwjaarsdag, Goede Vrijdag, Pasen, Koningsdag, Bevrijdingsdag (every fifth year),
    Hemelvaart, Pinksteren and Kerst: the `holidays` package's list for NL."""
    return day in _dutch_holidays(day.year)


def availability(
    hours: OpeningHours, now: datetime, closed: ClosedDays = is_dutch_holiday
) -> Availability | None:
    """Open at `now` (an aware datetime) and the next session; None without a schedule."""
    if now.tzinfo is None:
        raise ValueError("availability needs a time zone on `now`")
    if not hours.has_schedule:
        return None
    now = now.astimezone(AMSTERDAM)
    current: Opening | None = None
    for offset in range(HORIZON_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        if closed(day):
            continue
        for opening in _openings_on(hours.sessions, day):
            if _instant(opening.end) <= _instant(now):
                continue
            if _instant(opening.start) <= _instant(now):
                current = opening
                continue
            return Availability(now=now, current=current, next=opening)
    return Availability(now=now, current=current)


def _openings_on(sessions: tuple[Session, ...], day: date) -> list[Opening]:
    """The day's sessions in time order; overlapping ones at one place become one."""
    merged: list[tuple[int, int, str]] = []
    for session in sorted((s for s in sessions if s.falls_on(day)), key=lambda s: s.start):
        if merged and merged[-1][2] == session.place and session.start <= merged[-1][1]:
            start, end, place = merged[-1]
            merged[-1] = (start, max(end, session.end), place)
        else:
            merged.append((session.start, session.end, session.place))
    return [Opening(_local(day, start), _local(day, end), place) for start, end, place in merged]


def _local(day: date, minutes: int) -> datetime:
    """A wall-clock time on `day`; one in the spring-forward gap moves to after it."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return datetime.fromtimestamp(wall.replace(tzinfo=AMSTERDAM).timestamp(), AMSTERDAM)


def _instant(moment: datetime) -> datetime:
    # Aware datetimes that share a tzinfo compare by wall clock, which is wrong in the hour
    # that October repeats; in UTC they compare as instants.
    return moment.astimezone(timezone.utc)


def availability_text(found: Availability | None, language: str = DEFAULT_LANGUAGE) -> str:
    """'Nu bereikbaar tot 12:00' or 'Volgende spreekuur: dinsdag 10:00–12:00 in ...', in the
    conversation's language (the place stays as the municipality wrote it)."""
    if found is None:
        return ""
    if found.current is not None:
        until = _end_clock(found.current)
        text = say("hours.open_until", language, until=until)
        return _with_place(text, found.current.place)
    if found.next is not None:
        opening = found.next
        day = _day_phrase(opening.start.date(), found.now.date(), language)
        text = say("hours.next_session", language, when=f"{day} {_times(opening)}")
        return _with_place(text, opening.place)
    return ""


def describe(hours: OpeningHours) -> str:
    """How the sessions were read, for staff: 'maandag t/m vrijdag 9:00–17:00; ...'."""
    by_kind: dict[tuple[str, frozenset[int], int | None], dict[int, list[tuple[int, int]]]] = {}
    for session in hours.sessions:
        days = by_kind.setdefault((session.place, session.weeks_of_month, session.week_parity), {})
        days.setdefault(session.weekday, []).append((session.start, session.end))
    parts: list[str] = []
    for (place, weeks, parity), days in by_kind.items():
        by_ranges: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day, day_ranges in sorted(days.items()):
            by_ranges.setdefault(tuple(sorted(day_ranges)), []).append(day)
        for ranges, same_days in by_ranges.items():
            times = " en ".join(f"{_hhmm(start)}–{_hhmm(end)}" for start, end in ranges)
            text = f"{_days_phrase(same_days, weeks)} {times}"
            if parity is not None:
                text += " (even weken)" if parity == 0 else " (oneven weken)"
            parts.append(_with_place(text, place))
    return "; ".join(parts)


def understanding_note(hours: OpeningHours) -> str:
    """How a spreekuur was read, in Dutch for staff (importer, contact form); '' when empty."""
    if hours.is_empty:
        return ""
    read = "; ".join(
        part for part in (describe(hours), "op afspraak" if hours.by_appointment else "") if part
    )
    if hours.is_read and not hours.sessions:
        return "Spreekuur begrepen als: op afspraak (geen vaste tijden)."
    if hours.is_read:
        return f"Spreekuur begrepen als: {read}."
    note = (
        f"Spreekuur niet helemaal begrepen ({'; '.join(hours.problems)}). Bewoners zien de "
        "tekst zoals die er staat, zonder 'nu bereikbaar'."
    )
    return f"{note} Wel begrepen: {read}." if read else note


def _with_place(text: str, place: str) -> str:
    if not place:
        return text
    joiner = " " if place.split()[0].lower() in _PLACE_WORDS else ", "
    return f"{text}{joiner}{place}"


def _times(opening: Opening) -> str:
    return f"{_clock(opening.start)}–{_end_clock(opening)}"


def _end_clock(opening: Opening) -> str:
    return "24:00" if opening.end.date() > opening.start.date() else _clock(opening.end)


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _day_phrase(day: date, today: date, language: str = DEFAULT_LANGUAGE) -> str:
    days_ahead = (day - today).days
    if days_ahead == 0:
        return say("hours.today", language)
    if days_ahead == 1:
        return say("hours.tomorrow", language)
    day_names, month_names = _CALENDAR_NAMES.get(language, (DAY_NAMES, MONTH_NAMES))
    if days_ahead < 7:
        return day_names[day.weekday()]
    return f"{day_names[day.weekday()]} {day.day} {month_names[day.month - 1]}"


def _days_phrase(days: list[int], weeks: frozenset[int]) -> str:
    if weeks:
        # LAST_WEEK (-1) sorts after the fifth.
        in_order = sorted(weeks, key=lambda week: week % 6)
        ordinals = [ORDINAL_NAMES.get(week, "laatste") for week in in_order]
        names = _join([DAY_NAMES[day] for day in days])
        return f"elke {_join(ordinals)} {names} van de maand"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} t/m {DAY_NAMES[days[-1]]}"
    return _join([DAY_NAMES[day] for day in days])


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} en {words[-1]}"
