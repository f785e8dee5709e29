"""`wijkwijzer import DIR`: check all CSV files of a municipality, then replace its data at once."""

from __future__ import annotations

import csv
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.core.constants import DEFAULT_TOPIC_ROUTES, LEVEL_BUURT, LEVEL_GEMEENTE, LEVEL_WIJK
from bot.core.location import (
    normalize_name,
    normalize_postcode,
    normalize_street,
    parse_house_number,
)
from bot.core.opening_hours import parse_opening_hours, understanding_note
from bot.core.roles import normalize_role, role_key
from bot.core.topics import TOPIC_LABELS
from bot.db.contact_fields import email_problem, length_problems, phone_problem
from bot.db.models import (
    DEFAULT_CONTACT_ID,
    Address,
    Buurt,
    Contact,
    ContactArea,
    Gemeente,
    GeneralContactDefault,
    RoleOverride,
    RouteRule,
    Wijk,
)
from bot.db.repositories import AreaRepository, DataVersionRepository, RoleRepository
from bot.db.session import create_schema

logger = logging.getLogger(__name__)

BUURTEN_FILE = "buurten.csv"
ADRESSEN_FILE = "adressen.csv"
CONTACTEN_FILE = "contacten.csv"
GEMEENTEN_FILE = "gemeenten.csv"
# Optional: the municipalities' own routing table and role names (docs/import.md).
ROUTES_FILE = "routes.csv"
ROLLEN_FILE = "rollen.csv"
# Optional buurt outlines for location pins, read by bot.db.geometry.
GEOJSON_FILE = "buurten.geojson"
PC6HNR_PATTERN = "pc6hnr*.csv"

BUURTEN_COLUMNS = ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam")
ADRESSEN_COLUMNS = ("postcode", "huisnummer", "straat", "woonplaats", "buurtcode")
# Optional WGS84 coordinates of each address, for location pins without buurt outlines.
ADRESSEN_COORDINATE_COLUMNS = ("lat", "lon")
CONTACTEN_COLUMNS = ("naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gebied")
GEMEENTEN_COLUMNS = ("gemeentecode", "telefoon", "website", "meldingen_url", "openingstijden")
# A gemeenten.csv row with this code holds the deployment's default general contact details.
DEFAULT_GEMEENTE_CODE = "standaard"
ROUTES_COLUMNS = ("onderwerp", "rol")
ROLLEN_COLUMNS = ("rol", "naam", "beschrijving")
# CBS names the area columns after the year of the division: Buurt2023, Wijk2023, ...
PC6HNR_COLUMNS = ("pc6", "huisnummer", "buurt", "wijk", "gemeente")

BATCH_SIZE = 10_000
# A file with a systematic mistake would otherwise produce one problem per line.
MAX_PROBLEMS_PER_FILE = 1000
# The import report lists every spreekuur it could not fully read, and this many it could.
MAX_HOURS_READ_SHOWN = 20

# CBS code shapes: BU + 8, WK + 6, GM + 4 characters; recent buurt/wijk codes hold letters.
_CODE_SHAPES = {"BU": (8, LEVEL_BUURT), "WK": (6, LEVEL_WIJK), "GM": (4, LEVEL_GEMEENTE)}
# Where Dutch latitudes and longitudes lie (with a margin), to notice swapped columns.
_NL_LAT = (50.5, 53.8)
_NL_LON = (3.0, 7.5)
# Column sizes of the area and address tables (PostgreSQL refuses longer values).
MAX_NAME_LENGTH = 200
MAX_GEMEENTE_DETAIL_LENGTHS = {"telefoon": 100, "website": 500, "meldingen_url": 500,
                               "openingstijden": 500}  # fmt: skip


@dataclass(frozen=True)
class ImportProblem:
    """One reason to refuse an import; line 0 is about the file as a whole."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}, regel {self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class ImportFailed(Exception):
    """The files were refused; nothing in the database changed."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(
            f"Import geweigerd: {len(self.problems)} probleem/problemen gevonden. "
            f"Er is niets veranderd.\n{lines}"
        )


@dataclass(frozen=True)
class ImportReport:
    gemeenten: tuple[str, ...]
    wijken: int
    buurten: int
    addresses: int
    contacts: int
    shapes: int = 0
    # Addresses with coordinates (the optional lat,lon columns of adressen.csv).
    located: int = 0
    # How each spreekuur was read: warnings (not fully read, shown to residents as written)
    # and the values that were read. They never refuse an import.
    hours_warnings: tuple[ImportProblem, ...] = ()
    hours_read: tuple[ImportProblem, ...] = ()

    def __str__(self) -> str:
        shapes = f", {self.shapes} buurtgrenzen" if self.shapes else ""
        located = f" ({self.located} met coördinaten)" if self.located else ""
        text = (
            f"Import gelukt voor {', '.join(self.gemeenten)}: {self.wijken} wijken, "
            f"{self.buurten} buurten, {self.addresses} adressen{located}, "
            f"{self.contacts} contacten{shapes}."
        )
        if self.hours_warnings or self.hours_read:
            text += (
                f"\nSpreekuur: {len(self.hours_read)} begrepen, "
                f"{len(self.hours_warnings)} niet helemaal begrepen (waarschuwing)."
            )
        shown = [*self.hours_warnings, *self.hours_read[:MAX_HOURS_READ_SHOWN]]
        text += "".join(f"\n- {note}" for note in shown)
        if len(self.hours_read) > MAX_HOURS_READ_SHOWN:
            text += f"\n- en nog {len(self.hours_read) - MAX_HOURS_READ_SHOWN} begrepen spreekuren."
        return text


class _Problems:
    def __init__(self) -> None:
        self.items: list[ImportProblem] = []
        self._per_file: Counter[str] = Counter()

    def add(self, file: str, line: int, message: str) -> None:
        self._per_file[file] += 1
        if self._per_file[file] <= MAX_PROBLEMS_PER_FILE:
            self.items.append(ImportProblem(file, line, message))

    def count(self, file: str) -> int:
        return self._per_file[file]

    def finished(self) -> list[ImportProblem]:
        items = list(self.items)
        for file, count in self._per_file.items():
            if count > MAX_PROBLEMS_PER_FILE:
                items.append(
                    ImportProblem(
                        file, 0, f"en nog {count - MAX_PROBLEMS_PER_FILE} problemen meer."
                    )
                )
        return items

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class _Area:
    code: str
    name: str
    parent: str
    gemeente_code: str
    line: int


@dataclass
class _Contact:
    name: str
    role_code: str
    organisation: str
    phone: str
    email: str
    hours: str
    gemeente_code: str
    areas: list[tuple[str, str]]


@dataclass
class _Plan:
    """Everything that passed the checks, ready to be written."""

    gemeenten: dict[str, _Area] = field(default_factory=dict)
    wijken: dict[str, _Area] = field(default_factory=dict)
    buurten: dict[str, _Area] = field(default_factory=dict)
    # Raw codes of buurten.csv, even of rows with mistakes, to avoid follow-up problems.
    seen_buurt_codes: set[str] = field(default_factory=set)
    # buurten.csv could not be read at all: codes elsewhere cannot be checked against it.
    areas_unknown: bool = False
    gemeente_details: dict[str, dict[str, str]] = field(default_factory=dict)
    # The `standaard` row of gemeenten.csv, for every municipality that leaves a field empty.
    default_details: dict[str, str] | None = None
    # routes.csv and rollen.csv apply to every municipality of the import; None: no file.
    routes: dict[str, str] | None = None
    role_texts: dict[str, tuple[str, str]] | None = None
    addresses: list[dict[str, Any]] = field(default_factory=list)
    address_keys: set[tuple[str, int]] = field(default_factory=set)
    pc6hnr_files: list[Path] = field(default_factory=list)
    # Valid CBS rows of the imported municipalities, also those adressen.csv already has.
    pc6hnr_matched: int = 0
    contacts: list[_Contact] = field(default_factory=list)
    hours_warnings: list[ImportProblem] = field(default_factory=list)
    hours_read: list[ImportProblem] = field(default_factory=list)
    geojson_file: Path | None = None
    # Where known area codes come from, for messages about unknown ones.
    area_source: str = BUURTEN_FILE


class _StopFile(Exception):
    pass


@lru_cache(maxsize=65_536)
def parse_area_code(raw: str, prefix: str | None = None) -> tuple[str, str] | None:
    """('BU03440100', 'buurt') for 'BU03440100', '03440100' or '3440100' with prefix 'BU'."""
    value = raw.strip().upper().replace(" ", "")
    if prefix is None:
        prefix = value[:2]
        if prefix not in _CODE_SHAPES:
            return None
    body = value[2:] if value.startswith(prefix) else value
    length, level = _CODE_SHAPES[prefix]
    # Spreadsheets drop leading zeros of numeric codes.
    if body.isdigit() and len(body) < length:
        body = body.zfill(length)
    if len(body) != length or not body.isascii() or not body.isalnum():
        return None
    if prefix == "GM" and not body.isdigit():
        return None
    return prefix + body, level


def _decoded_lines(path: Path, name: str, problems: _Problems) -> Iterator[str]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.add(
                    name,
                    number,
                    "het bestand is geen UTF-8 (teken op positie "
                    f"{error.start + 1} van de regel). Sla het op als 'CSV UTF-8'.",
                )
                raise _StopFile from error
            if number == 1:
                line = line.removeprefix("\ufeff")
            yield line


def _canonical(column: str) -> str:
    return column.strip().lstrip("\ufeff").strip().lower()


def _pc6hnr_canonical(column: str) -> str:
    return re.sub(r"\d{4}$", "", _canonical(column))


def _read_rows(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    problems: _Problems,
    *,
    delimiter: str | None = ",",
    optional: tuple[str, ...] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts of `columns` (and of the `optional` ones present) with their line numbers."""
    present: list[str] = []
    records = _read_records(
        path, name, columns, problems, delimiter=delimiter, optional=optional, present=present
    )
    for line, values in records:
        yield line, dict(zip((*columns, *present), values, strict=True))


def _read_records(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    problems: _Problems,
    *,
    delimiter: str | None = ",",
    canonical: Callable[[str], str] = _canonical,
    optional: tuple[str, ...] = (),
    present: list[str] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Values of `columns` in that order, with line numbers; other columns are ignored.

    Those of the `optional` columns that the header has follow, and are listed in
    `present`. Problems with the header, the encoding or the number of fields are recorded.
    """
    try:
        lines = _decoded_lines(path, name, problems)
        first = next(lines, None)
        if first is None or not first.strip():
            problems.add(name, 1, "het bestand is leeg: de kopregel ontbreekt.")
            return
        if delimiter is None:
            delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [canonical(column) for column in next(csv.reader([first], delimiter=delimiter))]
        missing = [column for column in columns if column not in header]
        doubled = sorted({column for column in header if header.count(column) > 1})
        if missing or doubled:
            expected = delimiter.join(columns)
            found = first.strip()[:200]
            hint = ""
            if delimiter == "," and ";" in first and "," not in first:
                hint = " Gebruik komma's als scheidingsteken, geen puntkomma's."
            problems.add(
                name,
                1,
                f"de kopregel klopt niet: verwacht '{expected}', gevonden '{found}'."
                + (f" Ontbreekt: {', '.join(missing)}." if missing else "")
                + (f" Dubbel: {', '.join(doubled)}." if doubled else "")
                + hint,
            )
            return

        def with_first() -> Iterator[str]:
            yield first
            yield from lines

        reader = csv.reader(with_first(), delimiter=delimiter)
        next(reader)
        found_optional = [column for column in optional if column in header]
        if present is not None:
            present.extend(found_optional)
        positions = [header.index(column) for column in (*columns, *found_optional)]
        try:
            for row in reader:
                if not "".join(row).strip():
                    continue
                if len(row) != len(header):
                    problems.add(
                        name,
                        reader.line_num,
                        f"verwacht {len(header)} velden, gevonden {len(row)}. "
                        "Staat er een komma in een veld? Zet het veld dan tussen "
                        "aanhalingstekens.",
                    )
                    continue
                yield reader.line_num, [row[position].strip() for position in positions]
        except csv.Error as error:
            problems.add(name, reader.line_num, f"de regel is geen geldige CSV: {error}.")
    except _StopFile:
        return


def _required(
    row: dict[str, str], columns: tuple[str, ...], name: str, line: int, problems: _Problems
) -> bool:
    empty = [column for column in columns if not row.get(column)]
    if empty:
        label = "veld" if len(empty) == 1 else "velden"
        problems.add(name, line, f"verplicht {label} leeg: {', '.join(empty)}.")
    return not empty


def _too_long(row: dict[str, str], limits: dict[str, int]) -> list[str]:
    return [
        f"{column} is te lang ({len(row[column])} tekens, hooguit {limit})."
        for column, limit in limits.items()
        if len(row.get(column, "")) > limit
    ]


def _check_buurten(path: Path, plan: _Plan, problems: _Problems) -> None:
    name = BUURTEN_FILE
    for line, row in _read_rows(path, name, BUURTEN_COLUMNS, problems):
        plan.seen_buurt_codes.add(row["buurtcode"].strip().upper())
        if not _required(row, BUURTEN_COLUMNS, name, line, problems):
            continue
        too_long = _too_long(
            row, dict.fromkeys(("buurtnaam", "wijknaam", "gemeentenaam"), MAX_NAME_LENGTH)
        )
        if too_long:
            problems.add(name, line, " ".join(too_long))
            continue
        buurt = parse_area_code(row["buurtcode"], "BU")
        wijk = parse_area_code(row["wijkcode"], "WK")
        gemeente = parse_area_code(row["gemeentecode"], "GM")
        bad = [
            f"{label} '{row[column]}' (verwacht bijvoorbeeld {example})"
            for parsed, label, column, example in (
                (buurt, "buurtcode", "buurtcode", "BU03440100"),
                (wijk, "wijkcode", "wijkcode", "WK034401"),
                (gemeente, "gemeentecode", "gemeentecode", "GM0344"),
            )
            if parsed is None
        ]
        if bad or buurt is None or wijk is None or gemeente is None:
            problems.add(name, line, "ongeldige " + "; ongeldige ".join(bad) + ".")
            continue
        buurt_code, wijk_code, gemeente_code = buurt[0], wijk[0], gemeente[0]
        plan.seen_buurt_codes.add(buurt_code)
        if buurt_code[2:8] != wijk_code[2:] or wijk_code[2:6] != gemeente_code[2:]:
            problems.add(
                name,
                line,
                f"de codes passen niet bij elkaar: buurt {buurt_code} hoort bij wijk "
                f"WK{buurt_code[2:8]} en gemeente GM{buurt_code[2:6]}, "
                f"niet bij {wijk_code} en {gemeente_code}.",
            )
            continue
        if buurt_code in plan.buurten:
            problems.add(
                name,
                line,
                f"buurtcode {buurt_code} staat al op regel {plan.buurten[buurt_code].line}.",
            )
            continue
        known_gemeente = plan.gemeenten.get(gemeente_code)
        if known_gemeente and known_gemeente.name != row["gemeentenaam"]:
            problems.add(
                name,
                line,
                f"gemeente {gemeente_code} heet hier '{row['gemeentenaam']}', maar op regel "
                f"{known_gemeente.line} '{known_gemeente.name}'.",
            )
            continue
        known_wijk = plan.wijken.get(wijk_code)
        if known_wijk and known_wijk.name != row["wijknaam"]:
            problems.add(
                name,
                line,
                f"wijk {wijk_code} heet hier '{row['wijknaam']}', maar op regel "
                f"{known_wijk.line} '{known_wijk.name}'.",
            )
            continue
        plan.gemeenten.setdefault(
            gemeente_code, _Area(gemeente_code, row["gemeentenaam"], "", gemeente_code, line)
        )
        plan.wijken.setdefault(
            wijk_code, _Area(wijk_code, row["wijknaam"], gemeente_code, gemeente_code, line)
        )
        plan.buurten[buurt_code] = _Area(
            buurt_code, row["buurtnaam"], wijk_code, gemeente_code, line
        )
    if not plan.buurten and not problems.count(name):
        problems.add(name, 1, "het bestand bevat geen buurten, alleen een kopregel.")


def _check_gemeenten(path: Path, plan: _Plan, problems: _Problems) -> None:
    name = GEMEENTEN_FILE
    lines: dict[str, int] = {}
    for line, row in _read_rows(path, name, GEMEENTEN_COLUMNS, problems):
        if not _required(row, ("gemeentecode",), name, line, problems):
            continue
        details = {
            "phone": row["telefoon"],
            "website": row["website"],
            "report_url": row["meldingen_url"],
            "hours": row["openingstijden"],
        }
        if row["gemeentecode"].strip().casefold() == DEFAULT_GEMEENTE_CODE:
            if DEFAULT_GEMEENTE_CODE in lines:
                previous = lines[DEFAULT_GEMEENTE_CODE]
                problems.add(name, line, f"de standaardregel staat al op regel {previous}.")
                continue
            lines[DEFAULT_GEMEENTE_CODE] = line
            plan.default_details = details
            continue
        parsed = parse_area_code(row["gemeentecode"], "GM")
        if parsed is None:
            problems.add(name, line, f"ongeldige gemeentecode '{row['gemeentecode']}'.")
            continue
        code = parsed[0]
        if code not in plan.gemeenten:
            problems.add(name, line, f"gemeente {code} staat niet in {BUURTEN_FILE}.")
            continue
        if code in lines:
            problems.add(name, line, f"gemeente {code} staat al op regel {lines[code]}.")
            continue
        too_long = _too_long(row, MAX_GEMEENTE_DETAIL_LENGTHS)
        if too_long:
            problems.add(name, line, " ".join(too_long))
            continue
        lines[code] = line
        plan.gemeente_details[code] = details


def _topic_lookup() -> dict[str, str]:
    """Topics by intent name and by their Dutch label, compared like role names."""
    lookup = {role_key(topic): topic for topic in DEFAULT_TOPIC_ROUTES}
    for topic, label in TOPIC_LABELS.items():
        if topic in DEFAULT_TOPIC_ROUTES:
            lookup.setdefault(role_key(label), topic)
    return lookup


def _check_routes(path: Path, plan: _Plan, roles: dict[str, str], problems: _Problems) -> None:
    name = ROUTES_FILE
    topics = _topic_lookup()
    lines: dict[str, int] = {}
    plan.routes = {}
    for line, row in _read_rows(path, name, ROUTES_COLUMNS, problems):
        if not _required(row, ROUTES_COLUMNS, name, line, problems):
            continue
        topic = topics.get(role_key(row["onderwerp"]))
        role_code = roles.get(role_key(row["rol"]))
        messages = []
        if topic is None:
            known = ", ".join(sorted(DEFAULT_TOPIC_ROUTES))
            messages.append(f"onbekend onderwerp '{row['onderwerp']}' (bekend: {known}).")
        if role_code is None:
            known = ", ".join(sorted(set(roles.values())))
            messages.append(f"onbekende rol '{row['rol']}' (bekend: {known}).")
        if messages:
            problems.add(name, line, " ".join(messages))
            continue
        assert topic is not None and role_code is not None
        if topic in lines:
            problems.add(name, line, f"onderwerp {topic} staat al op regel {lines[topic]}.")
            continue
        lines[topic] = line
        plan.routes[topic] = role_code


def _check_rollen(path: Path, plan: _Plan, roles: dict[str, str], problems: _Problems) -> None:
    name = ROLLEN_FILE
    lines: dict[str, int] = {}
    plan.role_texts = {}
    for line, row in _read_rows(path, name, ROLLEN_COLUMNS, problems):
        if not _required(row, ("rol",), name, line, problems):
            continue
        role_code = roles.get(role_key(row["rol"]))
        if role_code is None:
            known = ", ".join(sorted(set(roles.values())))
            problems.add(name, line, f"onbekende rol '{row['rol']}' (bekend: {known}).")
            continue
        if role_code in lines:
            problems.add(name, line, f"rol {role_code} staat al op regel {lines[role_code]}.")
            continue
        if not row["naam"] and not row["beschrijving"]:
            problems.add(name, line, "vul een naam, een beschrijving of allebei in.")
            continue
        lines[role_code] = line
        plan.role_texts[role_code] = (row["naam"], row["beschrijving"])


def _buurt_problem(raw: str, plan: _Plan) -> tuple[str | None, str | None]:
    """(buurt code, None) when known, else (None, message or None for a follow-up problem)."""
    parsed = parse_area_code(raw, "BU")
    if parsed is None:
        return None, f"ongeldige buurtcode '{raw}'."
    if parsed[0] in plan.buurten:
        return parsed[0], None
    if (
        plan.areas_unknown
        or parsed[0] in plan.seen_buurt_codes
        or raw.strip().upper() in plan.seen_buurt_codes
    ):
        return None, None
    return None, f"buurtcode {parsed[0]} staat niet in {BUURTEN_FILE}."


def _degrees(raw: str) -> float | None:
    """A number of degrees as a spreadsheet writes it ("52.0907" or "52,0907")."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _coordinates(row: dict[str, str]) -> tuple[float | None, float | None, str | None]:
    """(latitude, longitude, None) from the optional lat,lon fields, or a Dutch problem.

    Both empty is fine (no coordinates for this address); one of them is not.
    """
    raw_lat, raw_lon = row.get("lat", ""), row.get("lon", "")
    if not raw_lat and not raw_lon:
        return None, None, None
    if not raw_lat or not raw_lon:
        return None, None, "vul lat en lon allebei in, of laat ze allebei leeg."
    lat, lon = _degrees(raw_lat), _degrees(raw_lon)
    if lat is None or lon is None:
        bad = raw_lat if lat is None else raw_lon
        return None, None, f"ongeldige coördinaat '{bad}' (verwacht een getal zoals 53.03)."
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return (
            None,
            None,
            (
                f"de coördinaten ({raw_lat}, {raw_lon}) zijn geen graden. Gebruik WGS84: "
                "lat is de breedtegraad (zoals 52.09), lon de lengtegraad (zoals 5.12)."
            ),
        )
    if _NL_LAT[0] <= lon <= _NL_LAT[1] and _NL_LON[0] <= lat <= _NL_LON[1]:
        return (
            None,
            None,
            (
                f"lat {raw_lat} en lon {raw_lon} lijken verwisseld: in Nederland is lat "
                "ongeveer 51 tot 53,5 en lon ongeveer 3,5 tot 7."
            ),
        )
    return lat, lon, None


def _check_adressen(path: Path, plan: _Plan, problems: _Problems) -> None:
    name = ADRESSEN_FILE
    first_line: dict[tuple[str, int, str], int] = {}
    reported_half_pair = False
    rows = _read_rows(path, name, ADRESSEN_COLUMNS, problems, optional=ADRESSEN_COORDINATE_COLUMNS)
    for line, row in rows:
        if ("lat" in row) != ("lon" in row):
            # A header with one coordinate column: say so once, not on every line.
            if not reported_half_pair:
                reported_half_pair = True
                problems.add(
                    name,
                    1,
                    "de kopregel heeft lat of lon, maar niet allebei. Voeg de "
                    "andere kolom toe of laat ze allebei weg.",
                )
            continue
        if not _required(
            row, ("postcode", "huisnummer", "straat", "buurtcode"), name, line, problems
        ):
            continue
        messages = _too_long(row, dict.fromkeys(("straat", "woonplaats"), MAX_NAME_LENGTH))
        postcode = normalize_postcode(row["postcode"])
        if postcode is None:
            messages.append(
                f"ongeldige postcode '{row['postcode']}' (verwacht 4 cijfers en 2 letters, "
                "zoals 8101 AA)."
            )
        number = parse_house_number(row["huisnummer"])
        if number is None:
            messages.append(
                f"ongeldig huisnummer '{row['huisnummer']}' (verwacht een getal vanaf 1, "
                "eventueel met toevoeging, zoals 12 of 12a)."
            )
        buurt_code, buurt_message = _buurt_problem(row["buurtcode"], plan)
        if buurt_message:
            messages.append(buurt_message)
        latitude, longitude, coordinate_message = _coordinates(row)
        if coordinate_message:
            messages.append(coordinate_message)
        if messages:
            problems.add(name, line, " ".join(messages))
            continue
        if postcode is None or number is None or buurt_code is None:
            continue
        key = (postcode, number[0], number[1])
        if key in first_line:
            problems.add(
                name,
                line,
                f"dit adres ({postcode} {row['huisnummer']}) staat al op regel {first_line[key]}.",
            )
            continue
        first_line[key] = line
        plan.address_keys.add((postcode, number[0]))
        gemeente_code = plan.buurten[buurt_code].gemeente_code
        plan.addresses.append(
            {
                "postcode": postcode,
                "house_number": number[0],
                "addition": number[1],
                "street": row["straat"],
                "street_norm": normalize_street(row["straat"]),
                "city": row["woonplaats"] or plan.gemeenten[gemeente_code].name,
                "buurt_code": buurt_code,
                "latitude": latitude,
                "longitude": longitude,
            }
        )


def _pc6hnr_addresses(path: Path, plan: _Plan, problems: _Problems) -> Iterator[dict[str, Any]]:
    """Stream CBS's postcode-huisnummer rows of the imported municipalities; checks as it goes."""
    name = path.name
    previous: tuple[str, int] | None = None
    for line, (pc6, house_number, buurt_raw, _wijk, gemeente_raw) in _read_records(
        path, name, PC6HNR_COLUMNS, problems, delimiter=None, canonical=_pc6hnr_canonical
    ):
        gemeente = parse_area_code(gemeente_raw, "GM")
        # The national file holds every municipality; only the imported ones matter.
        if gemeente is None or gemeente[0] not in plan.gemeenten:
            if gemeente is None:
                problems.add(name, line, f"ongeldige gemeentecode '{gemeente_raw}'.")
            continue
        postcode = normalize_postcode(pc6)
        number = parse_house_number(house_number)
        buurt = parse_area_code(buurt_raw, "BU")
        messages = []
        if postcode is None:
            messages.append(f"ongeldige postcode '{pc6}'.")
        if number is None or number[1]:
            messages.append(f"ongeldig huisnummer '{house_number}'.")
        if buurt is None:
            messages.append(f"ongeldige buurtcode '{buurt_raw}'.")
        elif buurt[0] not in plan.buurten:
            messages.append(f"buurtcode {buurt[0]} staat niet in {BUURTEN_FILE}.")
        if messages:
            problems.add(name, line, " ".join(messages))
            continue
        if postcode is None or number is None or buurt is None:
            continue
        plan.pc6hnr_matched += 1
        key = (postcode, number[0])
        # The file is sorted; an address from adressen.csv keeps its street name.
        if key == previous or key in plan.address_keys:
            continue
        previous = key
        yield {
            "postcode": postcode,
            "house_number": number[0],
            "addition": "",
            "street": "",
            "street_norm": "",
            "city": "",
            "buurt_code": buurt[0],
            "latitude": None,
            "longitude": None,
        }


def _scan_pc6hnr(
    path: Path,
    plan: _Plan,
    problems: _Problems,
    insert: Callable[[list[dict[str, Any]]], None] | None = None,
) -> int:
    """Check the file in one streaming pass, inserting batches while no problem is found.

    Reading millions of rows twice costs minutes, so the checks run during the write;
    after the first problem it only checks on, and the caller rolls the transaction back.
    """
    count = 0
    matched_before = plan.pc6hnr_matched
    batch: list[dict[str, Any]] = []
    for row in _pc6hnr_addresses(path, plan, problems):
        count += 1
        if insert is None or problems:
            continue
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            insert(batch)
            batch = []
    if batch and insert is not None and not problems:
        insert(batch)
    # Rows that adressen.csv already holds count too: a file that adds nothing new is fine.
    if plan.pc6hnr_matched == matched_before and not problems.count(path.name):
        problems.add(
            path.name,
            0,
            "het bestand bevat geen adressen van "
            f"{', '.join(sorted(plan.gemeenten))}. Past het jaar van de indeling bij "
            f"{BUURTEN_FILE}?",
        )
    return count


def _role_lookup(session: Session) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for role in RoleRepository(session).all():
        lookup.setdefault(role_key(role.code), role.code)
        lookup.setdefault(role_key(role.name), role.code)
    return lookup


def _check_contacten(path: Path, plan: _Plan, roles: dict[str, str], problems: _Problems) -> None:
    name = CONTACTEN_FILE
    known_roles = sorted(set(roles.values()))
    for line, row in _read_rows(path, name, CONTACTEN_COLUMNS, problems):
        if not _required(row, ("naam", "rol", "gebied"), name, line, problems):
            continue
        messages = []
        role_code = roles.get(role_key(row["rol"]))
        if role_code is None:
            synonym = normalize_role(row["rol"])
            role_code = synonym if synonym in known_roles else None
        if role_code is None:
            messages.append(
                f"onbekende rol '{row['rol']}'. Gebruik een van: {', '.join(known_roles)}."
            )
        areas: list[tuple[str, str]] = []
        for raw in row["gebied"].split(";"):
            if not raw.strip():
                continue
            parsed = parse_area_code(raw)
            if parsed is None:
                messages.append(
                    f"onbekend gebied '{raw.strip()}': gebruik een buurt-, wijk- of "
                    "gemeentecode zoals BU03440100, WK034401 of GM0344."
                )
                continue
            code, level = parsed
            known = {LEVEL_BUURT: plan.buurten, LEVEL_WIJK: plan.wijken}.get(level, plan.gemeenten)
            if code not in known:
                # A buurt whose own row was refused already has its problem reported.
                if not plan.areas_unknown and code not in plan.seen_buurt_codes:
                    messages.append(
                        f"onbekend gebied '{code}': deze code staat niet in {plan.area_source}."
                    )
                continue
            if (code, level) not in areas:
                areas.append((code, level))
        if not areas and not messages and not plan.areas_unknown:
            messages.append("verplicht veld leeg: gebied.")
        email = row["email"]
        for problem in (email_problem(email), phone_problem(row["telefoon"])):
            if problem:
                messages.append(problem)
        messages += length_problems(
            {
                "name": row["naam"],
                "organisation": row["organisatie"],
                "phone": row["telefoon"],
                "email": email,
                "hours": row["spreekuur"],
            }
        )
        if messages:
            problems.add(name, line, " ".join(messages))
            continue
        if role_code is None or not areas:
            continue
        first_code, first_level = areas[0]
        gemeente_code = (
            first_code
            if first_level == LEVEL_GEMEENTE
            else {**plan.buurten, **plan.wijken}[first_code].gemeente_code
        )
        hours = parse_opening_hours(row["spreekuur"])
        if not hours.is_empty:
            notes = plan.hours_read if hours.is_read else plan.hours_warnings
            notes.append(ImportProblem(name, line, understanding_note(hours)))
        plan.contacts.append(
            _Contact(
                name=row["naam"],
                role_code=role_code,
                organisation=row["organisatie"],
                phone=row["telefoon"],
                email=email,
                hours=row["spreekuur"],
                gemeente_code=gemeente_code,
                areas=areas,
            )
        )


def check_directory(path: Path | str, session: Session) -> _Plan:
    """Read and check every file; raises ImportFailed with all problems found."""
    directory = Path(path)
    problems = _Problems()
    plan = _Plan()
    if not directory.is_dir():
        raise ImportFailed([ImportProblem(str(directory), 0, "deze map bestaat niet.")])

    def present(file: str) -> Path | None:
        candidate = directory / file
        if candidate.is_file():
            return candidate
        return None

    buurten = present(BUURTEN_FILE)
    if buurten is None:
        problems.add(BUURTEN_FILE, 0, "het bestand ontbreekt.")
        plan.areas_unknown = True
    else:
        _check_buurten(buurten, plan, problems)
        plan.areas_unknown = any(
            problem.file == BUURTEN_FILE and problem.line <= 1 for problem in problems.items
        )

    gemeenten = present(GEMEENTEN_FILE)
    if gemeenten is not None:
        _check_gemeenten(gemeenten, plan, problems)

    plan.pc6hnr_files = sorted(directory.glob(PC6HNR_PATTERN))
    adressen = present(ADRESSEN_FILE)
    if adressen is not None:
        _check_adressen(adressen, plan, problems)
        if not plan.addresses and not problems.count(ADRESSEN_FILE) and not plan.pc6hnr_files:
            problems.add(ADRESSEN_FILE, 1, "het bestand bevat geen adressen, alleen een kopregel.")
    elif not plan.pc6hnr_files:
        problems.add(ADRESSEN_FILE, 0, "het bestand ontbreekt.")

    plan.geojson_file = present(GEOJSON_FILE)
    roles = _role_lookup(session)
    contacten = present(CONTACTEN_FILE)
    if contacten is None:
        problems.add(CONTACTEN_FILE, 0, "het bestand ontbreekt.")
    else:
        _check_contacten(contacten, plan, roles, problems)
    routes = present(ROUTES_FILE)
    if routes is not None:
        _check_routes(routes, plan, roles, problems)
    rollen = present(ROLLEN_FILE)
    if rollen is not None:
        _check_rollen(rollen, plan, roles, problems)

    if problems:
        # Otherwise the CBS file is checked while it is written, in one pass.
        if not plan.areas_unknown:
            for pc6hnr in plan.pc6hnr_files:
                _scan_pc6hnr(pc6hnr, plan, problems)
        raise ImportFailed(problems.finished())
    return plan


def check_contacts_file(path: Path | str, session: Session) -> _Plan:
    """Check a contacten.csv on its own against the areas already in the database.

    Raises ImportFailed with every problem; the plan holds the contacts, nothing else.
    """
    problems = _Problems()
    plan = _Plan(area_source="de gebieden die bekend zijn (upload ook buurten.csv als de "
                 "indeling is veranderd)")  # fmt: skip
    areas = AreaRepository(session)
    for gemeente in areas.gemeenten():
        plan.gemeenten[gemeente.code] = _Area(gemeente.code, gemeente.name, "", gemeente.code, 0)
    for wijk in areas.wijken():
        plan.wijken[wijk.code] = _Area(wijk.code, wijk.name, wijk.gemeente_code,
                                       wijk.gemeente_code, 0)  # fmt: skip
    for buurt in areas.buurten():
        plan.buurten[buurt.code] = _Area(buurt.code, buurt.name, buurt.wijk_code,
                                         buurt.gemeente_code, 0)  # fmt: skip
    if not Path(path).is_file():
        raise ImportFailed([ImportProblem(CONTACTEN_FILE, 0, "het bestand ontbreekt.")])
    _check_contacten(Path(path), plan, _role_lookup(session), problems)
    if not plan.contacts and not problems:
        problems.add(CONTACTEN_FILE, 1, "het bestand bevat geen contacten, alleen een kopregel.")
    if problems:
        raise ImportFailed(problems.finished())
    return plan


def _replace(session: Session, plan: _Plan) -> tuple[int, int]:
    """Replace the municipalities' data; the caller owns the transaction. (addresses, shapes)"""
    codes = list(plan.gemeenten)
    old_buurten = select(Buurt.code).where(Buurt.gemeente_code.in_(codes))
    old_wijken = select(Wijk.code).where(Wijk.gemeente_code.in_(codes))
    old_contacts = select(Contact.id).where(Contact.gemeente_code.in_(codes))
    no_sync = {"synchronize_session": False}
    session.execute(
        delete(ContactArea)
        .where(
            or_(
                ContactArea.contact_id.in_(old_contacts),
                ContactArea.area_code.in_(old_buurten),
                ContactArea.area_code.in_(old_wijken),
                ContactArea.area_code.in_(codes),
            )
        )
        .execution_options(**no_sync)
    )
    session.execute(
        delete(Contact).where(Contact.gemeente_code.in_(codes)).execution_options(**no_sync)
    )
    addresses = replace_areas(session, plan)
    for contact in plan.contacts:
        session.add(
            Contact(
                gemeente_code=contact.gemeente_code,
                name=contact.name,
                role_code=contact.role_code,
                organisation=contact.organisation,
                phone=contact.phone,
                email=contact.email,
                hours=contact.hours,
                active=True,
                areas=[ContactArea(area_code=code, level=level) for code, level in contact.areas],
            )
        )
    session.flush()
    return addresses, import_shapes(session, plan)


def replace_areas(session: Session, plan: _Plan) -> int:
    """Replace the municipalities' wijken, buurten and addresses; contacts are left alone.

    The caller owns the transaction. Returns the number of addresses written.
    """
    codes = list(plan.gemeenten)
    old_buurten = select(Buurt.code).where(Buurt.gemeente_code.in_(codes))
    no_sync = {"synchronize_session": False}
    session.execute(
        delete(Address).where(Address.buurt_code.in_(old_buurten)).execution_options(**no_sync)
    )
    session.execute(
        delete(Buurt).where(Buurt.gemeente_code.in_(codes)).execution_options(**no_sync)
    )
    session.execute(delete(Wijk).where(Wijk.gemeente_code.in_(codes)).execution_options(**no_sync))

    for code, area in plan.gemeenten.items():
        gemeente = session.get(Gemeente, code)
        if gemeente is None:
            gemeente = Gemeente(code=code, name=area.name)
            session.add(gemeente)
        gemeente.name = area.name
        # Without gemeenten.csv the general contact details stay as they were.
        for attribute, value in plan.gemeente_details.get(code, {}).items():
            setattr(gemeente, attribute, value)
    if plan.default_details is not None:
        default = session.get(GeneralContactDefault, DEFAULT_CONTACT_ID)
        if default is None:
            default = GeneralContactDefault(id=DEFAULT_CONTACT_ID)
            session.add(default)
        for attribute, value in plan.default_details.items():
            setattr(default, attribute, value)
    session.flush()
    _replace_routes_and_roles(session, plan, codes)

    session.execute(
        insert(Wijk),
        [
            {
                "code": wijk.code,
                "name": wijk.name,
                "name_norm": normalize_name(wijk.name),
                "gemeente_code": wijk.gemeente_code,
            }
            for wijk in plan.wijken.values()
        ],
    )
    session.execute(
        insert(Buurt),
        [
            {
                "code": buurt.code,
                "name": buurt.name,
                "name_norm": normalize_name(buurt.name),
                "wijk_code": buurt.parent,
                "gemeente_code": buurt.gemeente_code,
            }
            for buurt in plan.buurten.values()
        ],
    )
    addresses = 0
    for start in range(0, len(plan.addresses), BATCH_SIZE):
        batch = plan.addresses[start : start + BATCH_SIZE]
        session.execute(insert(Address), batch)
        addresses += len(batch)
    problems = _Problems()

    def insert_batch(batch: list[dict[str, Any]]) -> None:
        session.execute(insert(Address), batch)

    for path in plan.pc6hnr_files:
        addresses += _scan_pc6hnr(path, plan, problems, insert_batch)
    if problems:
        raise ImportFailed(problems.finished())
    return addresses


def _replace_routes_and_roles(session: Session, plan: _Plan, codes: list[str]) -> None:
    """The municipalities' own routes and role texts; without the file they stay as they were."""
    no_sync = {"synchronize_session": False}
    if plan.routes is not None:
        session.execute(
            delete(RouteRule).where(RouteRule.gemeente_code.in_(codes)).execution_options(**no_sync)
        )
        session.add_all(
            RouteRule(topic=topic, role_code=role_code, gemeente_code=code)
            for code in codes
            for topic, role_code in plan.routes.items()
        )
    if plan.role_texts is not None:
        session.execute(
            delete(RoleOverride)
            .where(RoleOverride.gemeente_code.in_(codes))
            .execution_options(**no_sync)
        )
        session.add_all(
            RoleOverride(gemeente_code=code, role_code=role_code, name=name, description=text)
            for code in codes
            for role_code, (name, text) in plan.role_texts.items()
        )
    session.flush()


def import_shapes(session: Session, plan: _Plan) -> int:
    """Buurt outlines from buurten.geojson; its checks run here, inside the transaction."""
    if plan.geojson_file is None:
        return 0
    from bot.db import geometry

    try:
        report = geometry.import_geojson(plan.geojson_file, session, list(plan.buurten))
    except geometry.GeometryImportFailed as failure:
        raise ImportFailed(
            [ImportProblem(GEOJSON_FILE, line, message) for line, message in failure.problems]
        ) from None
    return int(report.shapes)


def _record_import(session: Session, path: Path | str, plan: _Plan, addresses: int) -> None:
    """One line in the contacts' audit trail: a command-line import replaced the contacts."""
    from bot.db.audit import record_change

    for code, gemeente in plan.gemeenten.items():
        record_change(
            session,
            actor="opdrachtregel",
            action="import",
            gemeente_code=code,
            contact_name=gemeente.name,
            after={
                "map": str(path),
                "contacten": sum(1 for c in plan.contacts if c.gemeente_code == code),
                "buurten": sum(1 for b in plan.buurten.values() if b.gemeente_code == code),
                "adressen": addresses,
            },
        )


# Tables a bulk import rewrites; the lookups' query plans depend on their statistics.
ANALYZED_TABLES = ("address", "buurt", "wijk", "gemeente", "contact", "contact_area")


def _refresh_statistics(session: Session) -> None:
    """Let the query planner see the new data at once instead of after autovacuum's next look.

    Right after millions of rows arrive, PostgreSQL may still plan lookups for empty tables;
    SQLite's planner reads `sqlite_stat1`, which ANALYZE fills as well.
    """
    dialect = session.get_bind().dialect.name
    try:
        with session.begin():
            if dialect == "postgresql":
                session.execute(text(f"ANALYZE {', '.join(ANALYZED_TABLES)}"))
            elif dialect == "sqlite":
                session.execute(text("ANALYZE"))
    except DBAPIError as error:
        # The data is in; only the planner's numbers are stale. Not worth failing the import.
        logger.warning("Statistics after the import not refreshed: %s", type(error).__name__)


def import_directory(path: Path | str, session_factory: Callable[[], Session]) -> ImportReport:
    """Import DIR (CONTRACT.md section 4) all-or-nothing; raises ImportFailed with every problem."""
    with session_factory() as session:
        create_schema(session.get_bind())
    with session_factory() as session:
        plan = check_directory(path, session)
        session.rollback()
        with session.begin():
            addresses, shapes = _replace(session, plan)
            # The action server's cached area names follow within seconds.
            DataVersionRepository(session).bump()
            _record_import(session, path, plan, addresses)
        _refresh_statistics(session)
    return ImportReport(
        gemeenten=tuple(sorted(plan.gemeenten)),
        wijken=len(plan.wijken),
        buurten=len(plan.buurten),
        addresses=addresses,
        contacts=len(plan.contacts),
        shapes=shapes,
        located=sum(1 for address in plan.addresses if address["latitude"] is not None),
        hours_warnings=tuple(plan.hours_warnings),
        hours_read=tuple(plan.hours_read),
    )
