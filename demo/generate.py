"""Writes the invented demo municipality Weidehaven (GM9200) as import CSVs next to this file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

GEMEENTE_CODE = "GM9200"
GEMEENTE_NAME = "Weidehaven"
GEMEENTE_DETAILS = {
    "telefoon": "14 0599",
    "website": "https://www.weidehaven.example",
    "meldingen_url": "https://www.weidehaven.example/melding",
    "openingstijden": "maandag tot en met vrijdag 8.30-17.00 uur",
}

# Letters PostNL uses in postcodes; SA, SD and SS are never issued.
_LETTERS = "ABCEGHJKLMNPRSTVWXZ"
# Houses per postcode: about one block of a street.
_BLOCK = 12
# Houses stand this far (about 7 m) north or south of the middle of their street.
_SIDE_DEGREES = 0.00006


@dataclass(frozen=True)
class Street:
    name: str
    first: int
    last: int
    pc4: str
    # House numbers with letters next to the plain number ("12a", "12b").
    additions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Buurt:
    code: str
    name: str
    city: str
    streets: tuple[Street, ...]
    # (south, west, north, east) in WGS84 degrees: where its houses stand, inside the
    # buurt's outline in buurten.geojson (clear of enclaves such as the Kloosterbuurt).
    houses: tuple[float, float, float, float]


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str
    buurten: tuple[Buurt, ...]


WIJKEN = (
    Wijk(
        "WK920001",
        "Centrum",
        (
            Buurt(
                "BU92000101",
                "Oude Haven",
                "Weidehaven",
                (
                    Street("Havenstraat", 1, 40, "9281"),
                    Street("Oude Kade", 1, 24, "9281"),
                    Street("Vissersgang", 1, 12, "9281"),
                ),
                (53.026, 6.886, 53.034, 6.899),
            ),
            Buurt(
                "BU92000102",
                "Marktkwartier",
                "Weidehaven",
                (
                    Street("Markt", 1, 20, "9281"),
                    Street("Kerkstraat", 1, 30, "9281"),
                    # The Stationsweg runs on into the Vogelbuurt (numbers 21-40).
                    Street("Stationsweg", 1, 20, "9281"),
                ),
                (53.0255, 6.9005, 53.0275, 6.9145),
            ),
            Buurt(
                "BU92000103",
                "Kloosterbuurt",
                "Weidehaven",
                (
                    Street("Kloosterlaan", 1, 30, "9281"),
                    Street("Abdijstraat", 1, 18, "9281"),
                ),
                (53.0285, 6.9035, 53.0315, 6.9085),
            ),
        ),
    ),
    Wijk(
        "WK920002",
        "Weidehaven-Noord",
        (
            Buurt(
                "BU92000201",
                "Vogelbuurt",
                "Weidehaven",
                (
                    Street("Merelstraat", 1, 30, "9282"),
                    Street("Lijsterlaan", 1, 24, "9282"),
                    Street("Spreeuwenhof", 1, 12, "9282"),
                    Street("Stationsweg", 21, 40, "9282"),
                ),
                (53.036, 6.886, 53.042, 6.899),
            ),
            Buurt(
                "BU92000202",
                "Bloemenbuurt",
                "Weidehaven",
                (
                    Street("Tulpstraat", 1, 28, "9282"),
                    Street("Rozenlaan", 1, 24, "9282"),
                    Street("Irisplein", 1, 10, "9282"),
                ),
                (53.036, 6.901, 53.042, 6.914),
            ),
            Buurt(
                "BU92000203",
                "De Gaarden",
                "Weidehaven",
                (
                    Street("Lindelaan", 1, 30, "9282", additions=("12a", "12b", "14a")),
                    Street("Eikenlaan", 1, 20, "9282"),
                    Street("Beukenhof", 1, 10, "9282"),
                ),
                (53.044, 6.886, 53.049, 6.914),
            ),
        ),
    ),
    Wijk(
        "WK920003",
        "Zuiderpolder",
        (
            Buurt(
                "BU92000301",
                "Molenhoek",
                "Weidehaven",
                (
                    Street("Molenweg", 1, 30, "9283"),
                    Street("Burgemeester de Withstraat", 1, 24, "9283"),
                    Street("Wiekenpad", 1, 10, "9283"),
                ),
                (53.011, 6.886, 53.024, 6.899),
            ),
            Buurt(
                "BU92000302",
                "Rietlanden",
                "Weidehaven",
                (
                    Street("Rietzoom", 1, 24, "9283"),
                    Street("Lisdoddestraat", 1, 20, "9283"),
                    Street("Kievitsweg", 1, 16, "9283"),
                ),
                (53.011, 6.901, 53.024, 6.914),
            ),
        ),
    ),
    Wijk(
        "WK920004",
        "Wolderveen",
        (
            Buurt(
                "BU92000401",
                "Wolderveen-Dorp",
                "Wolderveen",
                (
                    Street("Dorpsstraat", 1, 30, "9285"),
                    Street("Schoolstraat", 1, 16, "9285"),
                ),
                (53.027, 6.936, 53.033, 6.944),
            ),
            Buurt(
                "BU92000402",
                "Buitengebied Wolderveen",
                "Wolderveen",
                (
                    Street("Veenweg", 1, 20, "9286"),
                    Street("Polderdijk", 1, 10, "9286"),
                ),
                (53.012, 6.920, 53.024, 6.958),
            ),
        ),
    ),
)

POLITIE = "Politie basisteam Weidehaven"
GEMEENTE = "Gemeente Weidehaven"
WELZIJN = "Stichting Welzijn Weidehaven"

# (naam, rol, organisatie, telefoon, email, spreekuur, gebied). Some roles are organised
# per buurt, some per wijk and some only for the whole municipality, as in real life.
CONTACTS = (
    (
        "Sanne de Vries",
        "wijkagent",
        POLITIE,
        "0900-8844",
        "sanne.devries@politie.example",
        "dinsdag 10.00-12.00 uur in wijkcentrum De Haven",
        "WK920001",
    ),
    (
        "Mehmet Yilmaz",
        "Wijkagent",
        POLITIE,
        "0900-8844",
        "mehmet.yilmaz@politie.example",
        "",
        "WK920002",
    ),
    (
        "Peter van Dijk",
        "wijkagent",
        POLITIE,
        "0900-8844",
        "peter.vandijk@politie.example",
        "donderdag 14.00-16.00 uur in De Wieken",
        "WK920003",
    ),
    (
        "Ingrid Postma",
        "wijkagent",
        POLITIE,
        "0900-8844",
        "ingrid.postma@politie.example",
        "",
        "WK920004",
    ),
    (
        "Fleur Jansen",
        "wijkregisseur",
        GEMEENTE,
        "14 0599",
        "f.jansen@weidehaven.example",
        "",
        "WK920001;WK920002",
    ),
    (
        "Bas Mulder",
        "Wijkregisseur",
        GEMEENTE,
        "14 0599",
        "b.mulder@weidehaven.example",
        "",
        "WK920003;WK920004",
    ),
    (
        "Yvonne Smit",
        "Buurtcoördinator",
        GEMEENTE,
        "06-20000101",
        "y.smit@weidehaven.example",
        "",
        "BU92000101;BU92000102",
    ),
    (
        "Kees Visser",
        "buurtcoordinator",
        GEMEENTE,
        "06-20000102",
        "k.visser@weidehaven.example",
        "",
        "WK920002",
    ),
    (
        "Jelle Hoekstra",
        "buurtcoördinator",
        GEMEENTE,
        "06-20000103",
        "j.hoekstra@weidehaven.example",
        "woensdag 9.00-11.00 uur in Dorpshuis De Veenster",
        "BU92000401",
    ),
    (
        "Team Leefbaarheid",
        "buurtcoordinator",
        GEMEENTE,
        "14 0599",
        "leefbaarheid@weidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Amira Benali",
        "sociaal makelaar",
        WELZIJN,
        "06-20000201",
        "a.benali@welzijnweidehaven.example",
        "",
        "WK920001",
    ),
    (
        "Eva Hendriks",
        "Sociaal Makelaar",
        WELZIJN,
        "06-20000202",
        "e.hendriks@welzijnweidehaven.example",
        "maandag 13.00-15.00 uur in Het Nest",
        "BU92000201",
    ),
    (
        "Jasper Kok",
        "sociaal_makelaar",
        WELZIJN,
        "06-20000203",
        "j.kok@welzijnweidehaven.example",
        "",
        "BU92000202;BU92000203",
    ),
    (
        "Welzijnspunt Weidehaven",
        "sociaal_makelaar",
        WELZIJN,
        "0599-200200",
        "welzijnspunt@welzijnweidehaven.example",
        "werkdagen 9.00-17.00 uur",
        "GM9200",
    ),
    (
        "Lotte Bakker",
        "opbouwwerker",
        WELZIJN,
        "06-20000301",
        "l.bakker@welzijnweidehaven.example",
        "",
        "WK920002;WK920003",
    ),
    (
        "Opbouwwerk Weidehaven",
        "Opbouwwerker",
        WELZIJN,
        "0599-200200",
        "opbouwwerk@welzijnweidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Ideeënpunt Weidehaven",
        "ideeënmakelaar",
        GEMEENTE,
        "14 0599",
        "ideeen@weidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Hanneke Dijkstra",
        "scharrelambtenaar",
        GEMEENTE,
        "06-20000401",
        "h.dijkstra@weidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Buurtbemiddeling Weidehaven",
        "buurtbemiddeling",
        WELZIJN,
        "0599-200210",
        "buurtbemiddeling@welzijnweidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Wijkteam Centrum",
        "wijkteam",
        "Sociaal Wijkteam Weidehaven",
        "0599-200300",
        "centrum@wijkteamweidehaven.example",
        "inloop woensdag 9.00-12.00 uur",
        "WK920001",
    ),
    (
        "Wijkteam Noord",
        "Sociaal wijkteam",
        "Sociaal Wijkteam Weidehaven",
        "0599-200310",
        "noord@wijkteamweidehaven.example",
        "",
        "WK920002",
    ),
    (
        "Wijkteam Zuid en Wolderveen",
        "het wijkteam",
        "Sociaal Wijkteam Weidehaven",
        "0599-200320",
        "zuid@wijkteamweidehaven.example",
        "",
        "WK920003;WK920004",
    ),
    (
        "Daan Willems",
        "jongerenwerker",
        WELZIJN,
        "06-20000501",
        "d.willems@welzijnweidehaven.example",
        "",
        "WK920001",
    ),
    (
        "Yara Bouzid",
        "Jongerenwerker",
        WELZIJN,
        "06-20000502",
        "y.bouzid@welzijnweidehaven.example",
        "vrijdag 15.00-18.00 uur in jongerencentrum De Loods",
        "WK920002;WK920003",
    ),
    (
        "Jongerenwerk Weidehaven",
        "jongerenwerker",
        WELZIJN,
        "0599-200220",
        "jongerenwerk@welzijnweidehaven.example",
        "",
        "GM9200",
    ),
    (
        "Team Handhaving",
        "handhaving",
        GEMEENTE,
        "14 0599",
        "handhaving@weidehaven.example",
        "",
        "GM9200",
    ),
)


def _postcode_letters() -> list[str]:
    pairs = [a + b for a in _LETTERS for b in _LETTERS]
    return [pair for pair in pairs if pair not in ("SA", "SD", "SS")]


def house_position(buurt: Buurt, street_index: int, street: Street, number: int) -> tuple[str, str]:
    """(lat, lon) of a house: streets run west to east across the buurt, one above the
    other; odd numbers on the north side, even numbers on the south side."""
    south, west, north, east = buurt.houses
    lat = south + (street_index + 0.5) * (north - south) / len(buurt.streets)
    lat += _SIDE_DEGREES if number % 2 else -_SIDE_DEGREES
    lon = west + (number - street.first + 0.5) * (east - west) / (street.last - street.first + 1)
    return f"{lat:.6f}", f"{lon:.6f}"


def address_rows() -> list[tuple[str, ...]]:
    """One row per address; each block of a street gets the next postcode of its PC4."""
    letters = _postcode_letters()
    next_letter: dict[str, int] = {}
    rows = []
    for wijk in WIJKEN:
        for buurt in wijk.buurten:
            for street_index, street in enumerate(buurt.streets):
                for block_start in range(street.first, street.last + 1, _BLOCK):
                    index = next_letter.get(street.pc4, 0)
                    next_letter[street.pc4] = index + 1
                    postcode = f"{street.pc4} {letters[index]}"
                    for number in range(block_start, min(block_start + _BLOCK, street.last + 1)):
                        numbers = [str(number)]
                        numbers += [
                            a for a in street.additions if a.rstrip("abcdefgh") == str(number)
                        ]
                        # "12a" stands in the same building as 12.
                        lat, lon = house_position(buurt, street_index, street, number)
                        for house in numbers:
                            rows.append(
                                (postcode, house, street.name, buurt.city, buurt.code, lat, lon)
                            )
    return rows


def write(directory: Path = HERE) -> None:
    def writer(name: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        with (directory / name).open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(header)
            out.writerows(rows)

    writer(
        "buurten.csv",
        ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam"),
        [
            (buurt.code, buurt.name, wijk.code, wijk.name, GEMEENTE_CODE, GEMEENTE_NAME)
            for wijk in WIJKEN
            for buurt in wijk.buurten
        ],
    )
    writer(
        "adressen.csv",
        ("postcode", "huisnummer", "straat", "woonplaats", "buurtcode", "lat", "lon"),
        address_rows(),
    )
    writer(
        "contacten.csv",
        ("naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gebied"),
        list(CONTACTS),
    )
    writer(
        "gemeenten.csv",
        ("gemeentecode", *GEMEENTE_DETAILS),
        [(GEMEENTE_CODE, *GEMEENTE_DETAILS.values())],
    )


if __name__ == "__main__":
    write()
