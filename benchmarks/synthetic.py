"""A national-size synthetic data set in the import format, written streaming to disk.

The shape follows the Netherlands: about 8 million addresses, 350 gemeenten, 3,300 wijken,
14,000 buurten, some 17 addresses per six-character postcode. Every address is in CBS's
postcode-huisnummer file (`PC6;Huisnummer;Buurt2023;Wijk2023;Gemeente2023`, codes without
prefix, sorted by postcode as CBS ships it). CBS's file has no street names, so the first
gemeenten also get an `adressen.csv` with streets (a municipality's own address file) for
street lookups; `street_addresses` says how many.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.location import FORBIDDEN_POSTCODE_LETTERS

NATIONAL_ADDRESSES = 8_000_000
# Netherlands 2023: ~8.0 M addresses in ~14,000 buurten, ~3,300 wijken, 342 gemeenten.
ADDRESSES_PER_BUURT = 570
BUURTEN_PER_WIJK = (1, 8)
WIJKEN_PER_GEMEENTE = (3, 15)
HOUSES_PER_POSTCODE = (4, 30)
POSTCODES_PER_PC4 = 120
POSTCODES_PER_STREET = (1, 5)
PC6HNR_FILE = "pc6hnr20230801_gwb.csv"

_SYLLABLES = (
    "ber ken lin de wa ter hol land rij zand veen broek dijk hei bos mo len kerk es "
    "ha ven gra ven lo sten ho ren zee vel ster wol mer ach wes oos zui noor vo gel "
    "bloe men bou we ei ken wil gen ro zen lin den ap pel vlas"
).split()
_BUURT_SUFFIXES = (
    "buurt wijk hof park kwartier dorp veld haven dreef kamp es hoek rijk eiland "
    "weide akker tuinen polder"
).split()
_WIJK_NAMES = (
    "Centrum,Noord,Oost,Zuid,West,Binnenstad,Buitengebied,Dorpskern,Bedrijventerrein,"
    "Stationsgebied,Nieuwbouw,Oude Kern,Haven,Landelijk Gebied"
).split(",")
_STREET_SUFFIXES = "straat laan weg plein hof singel kade dreef pad steeg".split()
_COMMON_STREETS = (
    "Kerkstraat Schoolstraat Molenweg Dorpsstraat Julianastraat Beatrixstraat Stationsweg "
    "Kastanjelaan Eikenlaan Nieuwstraat Parallelweg Wilhelminastraat Marktplein Kerkplein"
).split()


@dataclass(frozen=True)
class Buurt:
    code: str  # BU + 8
    name: str
    wijk_code: str
    wijk_name: str
    gemeente_code: str
    gemeente_name: str


@dataclass
class DataSet:
    """What was written, with samples for lookups."""

    directory: Path
    addresses: int = 0
    street_addresses: int = 0
    gemeenten: int = 0
    wijken: int = 0
    buurten: int = 0
    contacts: int = 0
    # Samples for the lookup benchmark: postcodes, (street, number, place), (buurt, gemeente).
    postcodes: list[str] = field(default_factory=list)
    streets: list[tuple[str, int, str]] = field(default_factory=list)
    buurt_names: list[tuple[str, str]] = field(default_factory=list)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def _areas(rng: random.Random, buurt_count: int) -> list[Buurt]:
    """Gemeenten, wijken and buurten with CBS-shaped codes and names, until `buurt_count`."""
    buurten: list[Buurt] = []
    gemeente_names: set[str] = set()
    number = 0
    while len(buurten) < buurt_count:
        number += 1
        gemeente_code = f"{number:04d}"
        gemeente_name = _word(rng, 3)
        while gemeente_name in gemeente_names:
            gemeente_name = _word(rng, 3)
        gemeente_names.add(gemeente_name)
        wijk_names = rng.sample(_WIJK_NAMES, k=len(_WIJK_NAMES))
        buurt_names: set[str] = set()
        for wijk_number in range(rng.randint(*WIJKEN_PER_GEMEENTE)):
            wijk_code = f"{gemeente_code}{wijk_number:02d}"
            wijk_name = wijk_names[wijk_number] if wijk_number < len(wijk_names) else _word(rng, 2)
            for buurt_number in range(rng.randint(*BUURTEN_PER_WIJK)):
                # Some names recur across the country ("Centrum", "Vogelbuurt"), as in reality.
                name = _word(rng, 2) + rng.choice(_BUURT_SUFFIXES)
                while name in buurt_names:
                    name = _word(rng, 2) + rng.choice(_BUURT_SUFFIXES)
                buurt_names.add(name)
                buurten.append(
                    Buurt(
                        code=f"{wijk_code}{buurt_number:02d}",
                        name=name,
                        wijk_code=wijk_code,
                        wijk_name=wijk_name,
                        gemeente_code=gemeente_code,
                        gemeente_name=gemeente_name,
                    )
                )
                if len(buurten) == buurt_count:
                    return buurten
    return buurten


def _postcode_letters() -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [a + b for a in letters for b in letters if a + b not in FORBIDDEN_POSTCODE_LETTERS]


def _addresses(
    rng: random.Random, buurten: list[Buurt], total: int
) -> Iterator[tuple[str, int, str, Buurt]]:
    """(postcode, house number, street, buurt) in postcode order, `total` in all."""
    letters = _postcode_letters()
    pc4, letter_index = 1000, 0
    written = 0
    per_buurt, extra = divmod(total, len(buurten))
    for position, buurt in enumerate(buurten):
        remaining = per_buurt + (1 if position < extra else 0)
        street, street_left = "", 0
        while remaining > 0:
            if letter_index >= min(POSTCODES_PER_PC4, len(letters)):
                pc4, letter_index = pc4 + 1, 0
            if pc4 > 9999:
                raise ValueError("more addresses than six-character postcodes")
            postcode = f"{pc4}{letters[letter_index]}"
            letter_index += 1
            if street_left == 0:
                if rng.random() < 0.15:
                    street = rng.choice(_COMMON_STREETS)
                else:
                    street = _word(rng, 2) + rng.choice(_STREET_SUFFIXES)
                street_left = rng.randint(*POSTCODES_PER_STREET)
            street_left -= 1
            houses = min(remaining, rng.randint(*HOUSES_PER_POSTCODE))
            for house_number in range(1, houses + 1):
                yield postcode, house_number, street, buurt
            remaining -= houses
            written += houses
        # A new buurt starts in a new postcode, so a postcode lies in one buurt.
    assert written == total


def generate(
    directory: Path,
    addresses: int = NATIONAL_ADDRESSES,
    *,
    street_addresses: int = 100_000,
    seed: int = 2023,
    samples: int = 2000,
    addresses_per_buurt: int = ADDRESSES_PER_BUURT,
) -> DataSet:
    """Write buurten.csv, gemeenten.csv, contacten.csv, adressen.csv and the CBS file."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    buurten = _areas(rng, max(4, round(addresses / addresses_per_buurt)))
    data = DataSet(directory)
    gemeenten: dict[str, str] = {}
    wijken: set[str] = set()
    with open(directory / "buurten.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam"]
        )
        for buurt in buurten:
            writer.writerow(
                [
                    "BU" + buurt.code,
                    buurt.name,
                    "WK" + buurt.wijk_code,
                    buurt.wijk_name,
                    "GM" + buurt.gemeente_code,
                    buurt.gemeente_name,
                ]
            )
            gemeenten[buurt.gemeente_code] = buurt.gemeente_name
            wijken.add(buurt.wijk_code)
    data.gemeenten, data.wijken, data.buurten = len(gemeenten), len(wijken), len(buurten)

    with open(directory / "gemeenten.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gemeentecode", "telefoon", "website", "meldingen_url", "openingstijden"])
        for code, name in gemeenten.items():
            site = f"https://www.{name.lower()}.example"
            writer.writerow([f"GM{code}", f"14 0{code[1:]}", site, site + "/melding", "ma-vr"])

    with open(directory / "contacten.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gebied"])
        for wijk_code in sorted(wijken):
            writer.writerow(
                [
                    f"Agent {wijk_code}",
                    "wijkagent",
                    "Politie",
                    "0900-8844",
                    "",
                    "",
                    f"WK{wijk_code}",
                ]
            )
            data.contacts += 1
        for code in gemeenten:
            for role in ("buurtcoordinator", "wijkteam", "opbouwwerker", "buurtbemiddeling"):
                writer.writerow(
                    [
                        f"{role} {code}",
                        role,
                        f"Gemeente {code}",
                        f"14 0{code[1:]}",
                        "",
                        "",
                        f"GM{code}",
                    ]
                )
                data.contacts += 1

    sample_every = max(1, addresses // samples)
    # Its own generator, so the data set does not depend on how many samples are taken.
    street_rng = random.Random(seed + 1)
    with (
        open(directory / PC6HNR_FILE, "w", encoding="utf-8", newline="") as cbs,
        open(directory / "adressen.csv", "w", encoding="utf-8", newline="") as own,
    ):
        cbs.write("PC6;Huisnummer;Buurt2023;Wijk2023;Gemeente2023\n")
        own.write("postcode,huisnummer,straat,woonplaats,buurtcode\n")
        street_gemeente, streets_done = "", street_addresses <= 0
        for index, (postcode, number, street, buurt) in enumerate(
            _addresses(rng, buurten, addresses)
        ):
            cbs.write(f"{postcode};{number};{buurt.code};{buurt.wijk_code};{buurt.gemeente_code}\n")
            # Whole gemeenten only: a municipality's own file covers all its addresses.
            if not streets_done and buurt.gemeente_code != street_gemeente:
                streets_done = data.street_addresses >= street_addresses
                street_gemeente = buurt.gemeente_code
            if not streets_done:
                own.write(f"{postcode},{number},{street},{buurt.gemeente_name},BU{buurt.code}\n")
                data.street_addresses += 1
                if street_rng.random() < samples / street_addresses:
                    data.streets.append((street, number, buurt.gemeente_name))
            if index % sample_every == 0:
                data.postcodes.append(f"{postcode[:4]} {postcode[4:]}")
            data.addresses += 1
    step = max(1, len(buurten) // samples)
    data.buurt_names = [(buurt.name, buurt.gemeente_name) for buurt in buurten[::step]]
    return data
