"""The checks of each file, one function per file; what passes goes into the plan."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.core.constants import DEFAULT_TOPIC_ROUTES, LEVEL_BUURT, LEVEL_GEMEENTE, LEVEL_WIJK
from bot.core.location import normalize_postcode, normalize_street, parse_house_number
from bot.core.opening_hours import parse_opening_hours, understanding_note
from bot.core.roles import normalize_role, role_key
from bot.core.topics import TOPIC_LABELS
from bot.db.contact_fields import email_problem, length_problems, phone_problem
from bot.db.importer.formats import (
    ADRESSEN_COLUMNS,
    ADRESSEN_COORDINATE_COLUMNS,
    ADRESSEN_FILE,
    BATCH_SIZE,
    BUURTEN_COLUMNS,
    BUURTEN_FILE,
    CONTACTEN_COLUMNS,
    CONTACTEN_FILE,
    DEFAULT_GEMEENTE_CODE,
    GEMEENTEN_COLUMNS,
    GEMEENTEN_FILE,
    PC6HNR_COLUMNS,
    ROLLEN_COLUMNS,
    ROLLEN_FILE,
    ROUTES_COLUMNS,
    ROUTES_FILE,
)
from bot.db.importer.plan import Plan, PlannedArea, PlannedContact
from bot.db.importer.problems import ImportProblem, Problems
from bot.db.importer.reading import pc6hnr_canonical, read_records, read_rows

# CBS code shapes: BU + 8, WK + 6, GM + 4 characters; recent buurt/wijk codes hold letters.
_CODE_SHAPES = {"BU": (8, LEVEL_BUURT), "WK": (6, LEVEL_WIJK), "GM": (4, LEVEL_GEMEENTE)}
# Where Dutch latitudes and longitudes lie (with a margin), to notice swapped columns.
_NL_LAT = (50.5, 53.8)
_NL_LON = (3.0, 7.5)
# Column sizes of the area and address tables (PostgreSQL refuses longer values).
MAX_NAME_LENGTH = 200
MAX_GEMEENTE_DETAIL_LENGTHS = {"telefoon": 100, "website": 500, "meldingen_url": 500,
                               "openingstijden": 500}  # fmt: skip


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


def _required(
    row: dict[str, str], columns: tuple[str, ...], name: str, line: int, problems: Problems
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


def check_buurten(path: Path, plan: Plan, problems: Problems) -> None:
    name = BUURTEN_FILE
    for line, row in read_rows(path, name, BUURTEN_COLUMNS, problems):
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
            gemeente_code, PlannedArea(gemeente_code, row["gemeentenaam"], "", gemeente_code, line)
        )
        plan.wijken.setdefault(
            wijk_code, PlannedArea(wijk_code, row["wijknaam"], gemeente_code, gemeente_code, line)
        )
        plan.buurten[buurt_code] = PlannedArea(
            buurt_code, row["buurtnaam"], wijk_code, gemeente_code, line
        )
    if not plan.buurten and not problems.count(name):
        problems.add(name, 1, "het bestand bevat geen buurten, alleen een kopregel.")


def check_gemeenten(path: Path, plan: Plan, problems: Problems) -> None:
    name = GEMEENTEN_FILE
    lines: dict[str, int] = {}
    for line, row in read_rows(path, name, GEMEENTEN_COLUMNS, problems):
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


def check_routes(path: Path, plan: Plan, roles: dict[str, str], problems: Problems) -> None:
    name = ROUTES_FILE
    topics = _topic_lookup()
    lines: dict[str, int] = {}
    plan.routes = {}
    for line, row in read_rows(path, name, ROUTES_COLUMNS, problems):
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


def check_rollen(path: Path, plan: Plan, roles: dict[str, str], problems: Problems) -> None:
    name = ROLLEN_FILE
    lines: dict[str, int] = {}
    plan.role_texts = {}
    for line, row in read_rows(path, name, ROLLEN_COLUMNS, problems):
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


def _buurt_problem(raw: str, plan: Plan) -> tuple[str | None, str | None]:
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


def check_adressen(path: Path, plan: Plan, problems: Problems) -> None:
    name = ADRESSEN_FILE
    first_line: dict[tuple[str, int, str], int] = {}
    reported_half_pair = False
    rows = read_rows(path, name, ADRESSEN_COLUMNS, problems, optional=ADRESSEN_COORDINATE_COLUMNS)
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


def _pc6hnr_addresses(path: Path, plan: Plan, problems: Problems) -> Iterator[dict[str, Any]]:
    """Stream CBS's postcode-huisnummer rows of the imported municipalities; checks as it goes."""
    name = path.name
    previous: tuple[str, int] | None = None
    for line, (pc6, house_number, buurt_raw, _wijk, gemeente_raw) in read_records(
        path, name, PC6HNR_COLUMNS, problems, delimiter=None, canonical=pc6hnr_canonical
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


def scan_pc6hnr(
    path: Path,
    plan: Plan,
    problems: Problems,
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


def check_contacten(path: Path, plan: Plan, roles: dict[str, str], problems: Problems) -> None:
    name = CONTACTEN_FILE
    known_roles = sorted(set(roles.values()))
    for line, row in read_rows(path, name, CONTACTEN_COLUMNS, problems):
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
            PlannedContact(
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
