"""Opening hours (bot/core/opening_hours.py): reading spreekuur texts, DST, holidays, boundaries."""

from __future__ import annotations

import calendar
import time as wall_time
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.opening_hours import (
    AMSTERDAM,
    MAX_TEXT_CHARS,
    Availability,
    OpeningHours,
    availability,
    availability_text,
    is_dutch_holiday,
    parse_opening_hours,
    understanding_note,
)

ABBREVIATIONS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def expand(spec: str) -> list[str]:
    """'ma-vr 09:00-17:00 @in De Wieken; za 10:00-12:00' as one line per day and time."""
    lines = []
    for part in spec.split("; "):
        days, _, rest = part.partition(" ")
        if "-" in days:
            first, last = (ABBREVIATIONS.index(day) for day in days.split("-"))
            indexes = [(first + offset) % 7 for offset in range((last - first) % 7 + 1)]
        else:
            indexes = [ABBREVIATIONS.index(day) for day in days.split(",")]
        lines.extend(f"{ABBREVIATIONS[index]} {rest}" for index in indexes)
    return sorted(lines)


def spec_of(hours: OpeningHours) -> list[str]:
    lines = []
    for session in hours.sessions:
        line = f"{ABBREVIATIONS[session.weekday]} {hhmm(session.start)}-{hhmm(session.end)}"
        if session.weeks_of_month:
            line += " w" + ",".join(str(week) for week in sorted(session.weeks_of_month))
        if session.week_parity is not None:
            line += " even" if session.week_parity == 0 else " oneven"
        if session.place:
            line += f" @{session.place}"
        lines.append(line)
    return sorted(lines)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def at(text: str) -> datetime:
    """A wall-clock time in Amsterdam ('2026-03-24 11:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


READ = [
    # The demo municipality's values.
    ("dinsdag 10.00-12.00 uur in wijkcentrum De Haven", "di 10:00-12:00 @in wijkcentrum De Haven"),
    ("donderdag 14.00-16.00 uur in De Wieken", "do 14:00-16:00 @in De Wieken"),
    ("werkdagen 9.00-17.00 uur", "ma-vr 09:00-17:00"),
    ("inloop woensdag 9.00-12.00 uur", "wo 09:00-12:00"),
    ("maandag 13.00-15.00 uur in Het Nest", "ma 13:00-15:00 @in Het Nest"),
    (
        "woensdag 9.00-11.00 uur in Dorpshuis De Veenster",
        "wo 09:00-11:00 @in Dorpshuis De Veenster",
    ),
    (
        "vrijdag 15.00-18.00 uur in jongerencentrum De Loods",
        "vr 15:00-18:00 @in jongerencentrum De Loods",
    ),
    # Ranges of days, and times written in every usual way.
    ("ma-vr 9:00-17:00", "ma-vr 09:00-17:00"),
    ("MA-VR 9-17", "ma-vr 09:00-17:00"),
    ("ma–vr 09:00–17:00", "ma-vr 09:00-17:00"),
    ("maandag t/m vrijdag van 9 tot 17 uur", "ma-vr 09:00-17:00"),
    ("Maandag tot en met vrijdag 08:30 – 17:00 uur", "ma-vr 08:30-17:00"),
    ("maandag tot vrijdag 9.00 - 12.30 uur", "ma-vr 09:00-12:30"),
    ("ma tm do 9-17", "ma-do 09:00-17:00"),
    ("doordeweeks 8.30-16.30", "ma-vr 08:30-16:30"),
    ("dagelijks 9-21", "ma-zo 09:00-21:00"),
    ("in het weekend van 10 tot 16 uur", "za-zo 10:00-16:00"),
    ("vr-ma 10-12", "vr-ma 10:00-12:00"),
    ("di. 10.00-12.00u.", "di 10:00-12:00"),
    ("wo 13u30-15u", "wo 13:30-15:00"),
    ("10u-12u op vrijdag", "vr 10:00-12:00"),
    ("dinsdag van 10.00 uur tot 12.00 uur", "di 10:00-12:00"),
    ("tussen 9 en 12 uur op dinsdag", "di 09:00-12:00"),
    ("van 10 tot 12 op donderdag", "do 10:00-12:00"),
    ("ma 20:00-24:00", "ma 20:00-24:00"),
    ("Spreekuur - di 10-12", "di 10:00-12:00"),
    ("telefonisch spreekuur ma t/m vr 9.00-10.00 uur", "ma-vr 09:00-10:00"),
    ("Wóensdag 9-11", "wo 09:00-11:00"),
    # Several parts.
    ("di 10-12, do 14-16", "di 10:00-12:00; do 14:00-16:00"),
    ("di 10-12 do 14-16", "di 10:00-12:00; do 14:00-16:00"),
    ("ma t/m do 9-17, vr 9-12", "ma-do 09:00-17:00; vr 09:00-12:00"),
    ("ma 9-12; wo 9-12; vr 9-12", "ma,wo,vr 09:00-12:00"),
    ("ma/wo/vr 10:00-12:00", "ma,wo,vr 10:00-12:00"),
    ("ma, di en do: 9:00 - 12:00", "ma,di,do 09:00-12:00"),
    ("ma 9-12 en 13-17", "ma 09:00-12:00; ma 13:00-17:00"),
    ("ma-vr 8.30-12.30 en 13.00-17.00", "ma-vr 08:30-12:30; ma-vr 13:00-17:00"),
    ("Maandag: 09:00 – 12:00 uur\nWoensdag: 13:00 – 15:00 uur", "ma 09:00-12:00; wo 13:00-15:00"),
    ("9.00 - 12.30 uur op maandag en woensdag", "ma,wo 09:00-12:30"),
    ("9-12 ma, 13-17 di", "ma 09:00-12:00; di 13:00-17:00"),
    ("09:00-12:00 & 13:00-17:00 (ma-vr)", "ma-vr 09:00-12:00; ma-vr 13:00-17:00"),
    # Places.
    (
        "di 10-12 en do 14-16 in het wijkbureau Noord",
        "di 10:00-12:00 @in het wijkbureau Noord; do 14:00-16:00 @in het wijkbureau Noord",
    ),
    (
        "In het wijkbureau Noord: di 10-12 en do 14-16",
        "di 10:00-12:00 @in het wijkbureau Noord; do 14:00-16:00 @in het wijkbureau Noord",
    ),
    ("di 10-12 in De Wieken, do 14-16", "di 10:00-12:00 @in De Wieken; do 14:00-16:00"),
    (
        "di 10-12 in De Wieken, do 14-16 in Het Nest",
        "di 10:00-12:00 @in De Wieken; do 14:00-16:00 @in Het Nest",
    ),
    (
        "Dinsdagochtend 9.30 - 11.30 uur, Buurthuis De Kroon",
        "di 09:30-11:30 @Buurthuis De Kroon",
    ),
    ("locatie: wijkbureau Noord, di 10-12", "di 10:00-12:00 @wijkbureau Noord"),
    (
        "elke woensdagmiddag van 14.00 tot 16.00 uur in de bibliotheek",
        "wo 14:00-16:00 @in de bibliotheek",
    ),
    ("iedere dinsdag 10-12 op het politiebureau", "di 10:00-12:00 @op het politiebureau"),
    ("do 19:00-21:00 bij de jongerenwerkplaats", "do 19:00-21:00 @bij de jongerenwerkplaats"),
    ("za 10-12 in De Zon", "za 10:00-12:00 @in De Zon"),
    (
        "Woensdag 13.00 - 16.00 uur in Dorpshuis De Veenster (Wolderveen)",
        "wo 13:00-16:00 @in Dorpshuis De Veenster (Wolderveen)",
    ),
    # Monthly and fortnightly, and the holidays the bot closes on anyway.
    ("elke eerste maandag van de maand van 10 tot 12", "ma 10:00-12:00 w1"),
    ("elke laatste vrijdag van de maand 15:00-17:00 uur", "vr 15:00-17:00 w-1"),
    ("1e en 3e dinsdag van de maand 19.00-20.30 u", "di 19:00-20:30 w1,3"),
    ("dinsdag 10-12 (oneven weken)", "di 10:00-12:00 oneven"),
    ("op dinsdag en donderdag van 9 tot 11 uur in de even weken", "di,do 09:00-11:00 even"),
    ("di 10-12, gesloten op feestdagen", "di 10:00-12:00"),
    ("elke donderdag 14:00-16:00, niet op feestdagen", "do 14:00-16:00"),
    ("ma 9-12 (behalve op feestdagen)", "ma 09:00-12:00"),
]


@pytest.mark.parametrize(("text", "spec"), READ)
def test_reads_real_looking_spreekuur_texts(text: str, spec: str) -> None:
    hours = parse_opening_hours(text)

    assert hours.problems == ()
    assert hours.is_read and hours.has_schedule
    assert spec_of(hours) == expand(spec)
    assert understanding_note(hours).startswith("Spreekuur begrepen als:")


@pytest.mark.parametrize(
    "text", ["op afspraak", "Alleen op afspraak.", "na afspraak", "in overleg", "Op afspraak"]
)
def test_by_appointment_only_is_read_without_a_schedule(text: str) -> None:
    hours = parse_opening_hours(text)

    assert hours.is_read and hours.by_appointment
    assert not hours.has_schedule
    assert availability(hours, at("2026-03-24 11:00")) is None
    assert "op afspraak" in understanding_note(hours)


def test_sessions_and_appointments_together() -> None:
    hours = parse_opening_hours("di 10-12, daarbuiten op afspraak")

    assert hours.has_schedule and hours.by_appointment
    assert spec_of(hours) == ["di 10:00-12:00"]


NOT_READ = [
    # Says no schedule, or no time, or no day.
    ("geen spreekuur", "geen"),
    ("n.v.t.", "n.v.t"),
    ("-", "geen dag en tijd"),
    ("?", "?"),
    ("spreekuur", "geen dag en tijd"),
    ("maandag", "geen tijd bij maandag"),
    ("dinsdagochtend", "geen tijd bij dinsdag"),
    ("'s ochtends", "geen dag en tijd"),
    ("van 10 tot 12", "een tijd zonder dag"),
    ("di - do", "geen tijd bij"),
    ("ma 9-12, 13-17 di", "geen tijd bij dinsdag"),
    ("eerste 10-12", "zonder dag"),
    # Times that are no times.
    ("di 17-9", "de eindtijd ligt voor de begintijd: '17-9'"),
    ("di 1-3", "in de nacht"),
    ("di 25:00-26:00", "geen geldige tijd"),
    ("di 10:75-12:00", "geen geldige tijd"),
    ("di 10 12", "twee tijden zonder 'tot'"),
    ("vanaf 19.00 uur op dinsdag", "een begintijd zonder eindtijd: '19.00'"),
    ("di om 10 uur", "een begintijd zonder eindtijd"),
    # What the model cannot hold: exceptions, dates, "om de week".
    ("di 10-12 behalve in de schoolvakanties", "niet begrepen: 'behalve'"),
    ("di 10-12, niet in juli en augustus", "niet begrepen: 'niet'"),
    ("di 10-12 in het wijkbureau (niet in juli)", "niet begrepen: 'niet'"),
    ("om de week op dinsdag 10-12", "niet begrepen: 'om'"),
    ("di 10-12 (vanaf 1 maart)", "vanaf"),
    ("1 januari 10-12", "januari"),
    ("bel 0900-8844", "bel"),
    ("zie website www.politie.nl", "zie website www"),
    ("Dinsdag 10-12 met lunchpauze 12.30-13.00", "lunchpauze"),
    # Hostile or broken text.
    ("<script>alert(1)</script>", "niet begrepen: '<script>alert'"),
    ("'; DROP TABLE contacts; --", "DROP TABLE contacts"),
    ("{{7*7}} di 10-12", "niet begrepen: '{{'"),
    ("🙂🙂🙂", "🙂🙂🙂"),
    ("مرحبا 10-12", "مرحبا"),
    ("di 10-12 " + "x" * 120, "niet begrepen: 'xxxx"),
    ("di 10-12 in " + "Noord " * 20, "de plaats is langer dan 100 tekens"),
    ("ma " * 200, f"langer dan {MAX_TEXT_CHARS} tekens"),
    ("9" * 600, f"langer dan {MAX_TEXT_CHARS} tekens"),
]


@pytest.mark.parametrize(("text", "problem"), NOT_READ)
def test_text_that_cannot_be_read_says_why_and_gets_no_schedule(text: str, problem: str) -> None:
    hours = parse_opening_hours(text)

    assert not hours.is_read
    assert hours.text == text  # shown to residents as written
    assert any(problem in found for found in hours.problems), hours.problems
    assert availability(hours, at("2026-03-24 11:00")) is None
    note = understanding_note(hours)
    assert note.startswith("Spreekuur niet helemaal begrepen")
    assert len(note) < 600


def test_the_note_keeps_what_was_read_beside_what_was_not() -> None:
    hours = parse_opening_hours("di 10-12 behalve in de schoolvakanties")

    assert spec_of(hours) == ["di 10:00-12:00"]
    assert "Wel begrepen: dinsdag 10:00–12:00" in understanding_note(hours)


@pytest.mark.parametrize("text", ["", "   ", None, "\n"])
def test_an_empty_spreekuur_has_no_note(text: str | None) -> None:
    hours = parse_opening_hours(text)

    assert hours.is_empty and not hours.is_read and hours.problems == ()
    assert understanding_note(hours) == ""


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("ma\x00 10-12", "ma 10:00-12:00"),
        ("di 10-12\u202e in het wijkbureau", "di 10:00-12:00 @in het wijkbureau"),
        ("wo\u200b 9-11", "wo 09:00-11:00"),
        ("do\t14-16\r\n", "do 14:00-16:00"),
    ],
)
def test_control_and_invisible_characters_are_not_kept(text: str, spec: str) -> None:
    hours = parse_opening_hours(text)

    assert spec_of(hours) == expand(spec)
    assert all(char.isprintable() for session in hours.sessions for char in session.place)


def test_reading_stays_fast_on_long_hostile_text() -> None:
    texts = ["(" * MAX_TEXT_CHARS, "ma-" * 166, "in " * 166, "9-" * 250, "a" * MAX_TEXT_CHARS]
    started = wall_time.perf_counter()
    for text in texts:
        parse_opening_hours(text)
    assert wall_time.perf_counter() - started < 1.0


FRAGMENTS = [
    "ma", "di", "Wo", "do.", "vr", "za", "zo", "werkdagen", "-", "–", "t/m", "tot", "en", "van",
    "tussen", ",", ";", "9", "10:00", "12.30", "17u", "24:00", "uur", "in", "het", "wijkbureau",
    "Noord", "op", "afspraak", "eerste", "laatste", "van de maand", "even", "weken", "(", ")",
    "behalve", "feestdagen", "gesloten", "Buurthuis", "\n", "🙂", "0", "99:99",
]  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14) | st.text(max_size=80).map(lambda t: [t]))
def test_any_text_reads_without_error_and_only_into_valid_sessions(parts: list[str]) -> None:
    hours = parse_opening_hours(" ".join(parts))

    assert hours.is_read == (not hours.is_empty and not hours.problems)
    for session in hours.sessions:
        assert 0 <= session.weekday < 7
        assert 6 * 60 <= session.start < session.end <= 24 * 60
        assert len(session.place) <= 100
    found = availability(hours, at("2026-10-25 02:30"))
    assert (found is not None) == hours.has_schedule
    if found is not None:
        availability_text(found)
        understanding_note(hours)


def elapsed(start: datetime, end: datetime) -> timedelta:
    # Subtracting datetimes that share a tzinfo ignores a DST change between them.
    return end.astimezone(timezone.utc) - start.astimezone(timezone.utc)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_summer_time_week_in_march(year: int) -> None:
    sunday = last_sunday(year, 3)
    hours = parse_opening_hours("ma-vr 9:00-17:00, zo 10-12")

    found = in_week(hours, utc(sunday - timedelta(days=2), 17, 0))  # Friday 18:00 winter time
    assert found.next is not None
    assert found.next.start.isoformat() == f"{sunday.isoformat()}T10:00:00+02:00"

    found = in_week(hours, utc(sunday, 0, 30))  # 01:30, before the clocks go forward
    assert found.next is not None
    assert elapsed(found.now, found.next.start) == timedelta(hours=7, minutes=30)  # one hour lost

    monday = sunday + timedelta(days=1)
    found = in_week(hours, utc(monday, 7, 30))
    assert found.open_now  # 09:30 summer time
    assert found.to_payload()["open_until"] == f"{monday.isoformat()}T17:00:00+02:00"


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_winter_time_week_in_october(year: int) -> None:
    sunday = last_sunday(year, 10)
    hours = parse_opening_hours("ma-vr 9:00-17:00, zo 10-12")
    friday = sunday - timedelta(days=2)

    assert in_week(hours, utc(friday, 14, 59)).open_now  # 16:59 summer time
    assert not in_week(hours, utc(friday, 15, 0)).open_now  # 17:00 summer time

    # 02:30 comes twice; the second time, after the clocks went back, is 01:30 UTC.
    for utc_hour, hours_to_wait in ((0, 8), (1, 7)):
        found = in_week(hours, utc(sunday, utc_hour, 30))
        assert found.next is not None
        assert (found.now.hour, found.now.minute) == (2, 30)
        assert found.next.start.isoformat() == f"{sunday.isoformat()}T10:00:00+01:00"
        assert elapsed(found.now, found.next.start) == timedelta(hours=hours_to_wait, minutes=30)

    monday = sunday + timedelta(days=1)
    found = in_week(hours, utc(monday, 7, 30))
    assert not found.open_now  # 08:30 winter time
    assert found.to_payload()["next_open"] == f"{monday.isoformat()}T09:00:00+01:00"


def in_week(hours: OpeningHours, now: datetime) -> Availability:
    # Without holidays: Easter is on the last Sunday of March in 2027; holidays have own tests.
    found = availability(hours, now, closed=lambda day: False)
    assert found is not None
    return found


def utc(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def test_friday_17_00_summer_time_is_closing_time() -> None:
    hours = parse_opening_hours("ma-vr 9:00-17:00")

    found = availability(hours, at("2026-10-23 17:00"))

    assert found is not None and not found.open_now
    assert found.to_payload()["next_open"] == "2026-10-26T09:00:00+01:00"


@pytest.mark.parametrize(
    ("spreekuur", "now", "next_open"),
    [
        # Koningsdag: Monday 27 April 2026; on Saturday 26 April in 2025 (the 27th was a Sunday).
        ("ma 10-12", "2026-04-27 09:00", "2026-05-04T10:00:00+02:00"),
        ("za 10-12", "2025-04-26 09:00", "2025-05-03T10:00:00+02:00"),
        # Kerst: Thursday and Friday in 2025.
        ("do 14-16", "2025-12-24 12:00", "2026-01-08T14:00:00+01:00"),
        ("vr 9-12", "2025-12-24 12:00", "2026-01-02T09:00:00+01:00"),
        # Nieuwjaarsdag 2026 is a Thursday, so the Thursday after Kerst is closed too.
        ("do 14-16", "2025-12-31 17:00", "2026-01-08T14:00:00+01:00"),
        # Hemelvaart: Thursday 14 May 2026.
        ("do 14-16", "2026-05-13 09:00", "2026-05-21T14:00:00+02:00"),
        # Pasen: Sunday 5 and Monday 6 April 2026.
        ("zo 10-12", "2026-04-04 12:00", "2026-04-12T10:00:00+02:00"),
        ("ma 9-12", "2026-04-05 12:00", "2026-04-13T09:00:00+02:00"),
        # Pinksteren: Sunday 24 and Monday 25 May 2026.
        ("ma 9-12", "2026-05-22 12:00", "2026-06-01T09:00:00+02:00"),
        # The first Monday of April 2026 is Tweede Paasdag: the next first Monday is in May.
        ("elke eerste maandag van de maand 10-12", "2026-04-01 09:00", "2026-05-04T10:00:00+02:00"),
    ],
)
def test_dutch_public_holidays_are_closed(spreekuur: str, now: str, next_open: str) -> None:
    found = availability(parse_opening_hours(spreekuur), at(now))

    assert found is not None and found.to_payload()["next_open"] == next_open


def test_on_a_holiday_during_opening_hours_it_is_closed() -> None:
    hours = parse_opening_hours("ma 10-12")

    on_koningsdag = availability(hours, at("2026-04-27 10:30"))
    without_holidays = availability(hours, at("2026-04-27 10:30"), closed=lambda day: False)

    assert on_koningsdag is not None and not on_koningsdag.open_now
    assert without_holidays is not None and without_holidays.open_now


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 27), "Koningsdag"),
        (date(2025, 4, 26), "Koningsdag"),
        (date(2026, 12, 25), "Eerste Kerstdag"),
        (date(2026, 12, 26), "Tweede Kerstdag"),
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 4, 5), "Eerste Paasdag"),
        (date(2026, 4, 6), "Tweede Paasdag"),
        (date(2026, 5, 24), "Eerste Pinksterdag"),
        (date(2026, 5, 25), "Tweede Pinksterdag"),
        (date(2027, 1, 1), "Nieuwjaarsdag"),
    ],
)
def test_holiday_calendar(day: date, name: str) -> None:
    assert is_dutch_holiday(day), name
    assert not is_dutch_holiday(day - timedelta(days=14))


@pytest.mark.parametrize(
    ("now", "open_now", "payload"),
    [
        ("2026-03-24 09:59:59", False, {"next_open": "2026-03-24T10:00:00+01:00"}),
        ("2026-03-24 10:00", True, {"open_until": "2026-03-24T12:00:00+01:00"}),
        ("2026-03-24 11:59:59", True, {"next_open": "2026-03-26T14:00:00+01:00"}),
        ("2026-03-24 12:00", False, {"next_open": "2026-03-26T14:00:00+01:00"}),
        ("2026-03-26 16:00", False, {"next_open": "2026-03-31T10:00:00+02:00"}),
    ],
)
def test_open_now_and_next_open_around_the_boundaries(
    now: str, open_now: bool, payload: dict[str, str]
) -> None:
    hours = parse_opening_hours("di 10-12 en do 14-16 in het wijkbureau Noord")

    found = availability(hours, at(now))

    assert found is not None and found.open_now is open_now
    assert found.to_payload()["open_now"] is open_now
    assert payload.items() <= found.to_payload().items()
    assert ("open_until" in found.to_payload()) is open_now
    next_open = datetime.fromisoformat(found.to_payload()["next_open"])  # type: ignore[arg-type]
    assert (
        next_open > found.now
        and next_open.utcoffset() == next_open.astimezone(AMSTERDAM).utcoffset()
    )


def test_adjoining_sessions_at_one_place_are_one_opening() -> None:
    found = availability(parse_opening_hours("ma 9-12 en 12-17"), at("2026-03-23 11:00"))

    assert found is not None and found.current is not None
    assert found.to_payload()["open_until"] == "2026-03-23T17:00:00+01:00"
    assert found.to_payload()["next_open"] == "2026-03-30T09:00:00+02:00"


def test_sessions_at_two_places_stay_apart() -> None:
    hours = parse_opening_hours("ma 9-12 in het wijkbureau, ma 12-14 in de bibliotheek")

    found = availability(hours, at("2026-03-23 11:00"))

    assert availability_text(found) == "Nu bereikbaar tot 12:00 in het wijkbureau"
    assert found is not None and found.next is not None and found.next.place == "in de bibliotheek"


def test_monthly_and_fortnightly_sessions() -> None:
    first_monday = parse_opening_hours("elke eerste maandag van de maand 10-12")
    last_friday = parse_opening_hours("laatste vrijdag van de maand 15-17")
    odd_weeks = parse_opening_hours("di 10-12 (oneven weken)")

    assert next_open(first_monday, "2026-06-02 09:00") == "2026-07-06T10:00:00+02:00"
    assert next_open(last_friday, "2026-05-01 09:00") == "2026-05-29T15:00:00+02:00"
    # ISO week 2 of 2026 is even: Tuesday 6 January is skipped, Tuesday 13 January (week 3) is not.
    assert next_open(odd_weeks, "2026-01-05 09:00") == "2026-01-13T10:00:00+01:00"


def next_open(hours: OpeningHours, now: str) -> str:
    found = availability(hours, at(now))
    assert found is not None
    return str(found.to_payload()["next_open"])


def test_the_clock_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError):
        availability(parse_opening_hours("ma 9-12"), datetime(2026, 3, 23, 10, 0))


@pytest.mark.parametrize(
    ("now", "text"),
    [
        ("2026-03-24 11:00", "Nu bereikbaar tot 12:00 in het wijkbureau Noord"),
        ("2026-03-23 11:00", "Volgende spreekuur: morgen 10:00–12:00 in het wijkbureau Noord"),
        ("2026-03-24 08:00", "Volgende spreekuur: vandaag 10:00–12:00 in het wijkbureau Noord"),
        ("2026-03-26 17:00", "Volgende spreekuur: dinsdag 10:00–12:00 in het wijkbureau Noord"),
        (
            "2026-04-21 12:30",
            "Volgende spreekuur: dinsdag 28 april 10:00–12:00 in het wijkbureau Noord",
        ),
    ],
)
def test_resident_text(now: str, text: str) -> None:
    hours = parse_opening_hours("dinsdag 10-12 in het wijkbureau Noord")

    assert availability_text(availability(hours, at(now))) == text


def test_resident_text_without_place_and_until_midnight() -> None:
    assert availability_text(
        availability(parse_opening_hours("di 10-12"), at("2026-03-24 11:00"))
    ) == ("Nu bereikbaar tot 12:00")
    late = availability(parse_opening_hours("ma 20:00-24:00"), at("2026-03-23 21:00"))
    assert availability_text(late) == "Nu bereikbaar tot 24:00"
    assert availability_text(None) == ""


def test_nothing_within_the_horizon() -> None:
    found = availability(
        parse_opening_hours("ma 9-12"), at("2026-03-23 13:00"), closed=lambda day: True
    )

    assert found == Availability(now=at("2026-03-23 13:00"))
    assert found.to_payload() == {"open_now": False}
    assert availability_text(found) == ""


def test_an_english_conversation_reads_when_the_contact_is_reachable_in_english() -> None:
    hours = parse_opening_hours("di 10-12 in het wijkbureau, do 14-16")

    now_open = availability(hours, at("2026-03-24 11:00"))
    later = availability(hours, at("2026-03-24 13:00"))
    next_week = availability(
        parse_opening_hours("elke eerste maandag van de maand 10-12"), at("2026-03-24 11:00")
    )

    assert availability_text(now_open, "en") == "Available now until 12:00 in het wijkbureau"
    assert availability_text(later, "en") == "Next office hours: Thursday 14:00–16:00"
    assert availability_text(later, "nl") == "Volgende spreekuur: donderdag 14:00–16:00"
    # Monday 6 April 2026 is Easter Monday: the first Monday after it with a session is 4 May.
    assert availability_text(next_week, "en") == "Next office hours: Monday 4 May 10:00–12:00"
