"""Fuzzy name matching on rapidfuzz gives the same answers as the hand-written matcher it replaced.

The reference below is the pure-Python code that served until the rapidfuzz index: an edit
distance with adjacent transpositions, and a scan of (first letter, length) buckets. Generated
names with generated typos must resolve to the same payload through both.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.core.location import NameCandidate
from bot.core.text import edit_distance
from bot.db.importer import import_directory
from bot.directory import ContactDirectory, locate
from bot.directory.names import NameIndex, NameMatch, typos_allowed

SYLLABLES = (
    "ber ken lin de wa ter hol land rij zand veen broek dijk hei bos mo len kerk es ha ven "
    "gra lo sten ho ren zee vel ster wol mer ach wes oos zui noor vo gel bloe men bou we ei"
).split()
SUFFIXES = "buurt wijk hof park kwartier dorp veld haven es hoek rijk".split()
PREFIXES = ("", "", "", "De ", "Het ", "Oude ", "Nieuw ")
LETTERS = "abcdefghijklmnopqrstuvwxyzé"


def reference_edit_distance(a: str, b: str, limit: int) -> int:
    """The hand-written edit distance that bot/ used before rapidfuzz."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            value = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def reference_fuzzy_matches(index: NameIndex, candidate: NameCandidate) -> list[NameMatch]:
    """The fuzzy search before the rapidfuzz index: a scan of (first letter, length) buckets."""
    key = candidate.key
    if len(key) < 4:
        return []
    buckets: dict[tuple[str, int], list[tuple[str, list]]] = {}  # type: ignore[type-arg]
    for other, entries in index.by_key.items():
        buckets.setdefault((other[0], len(other)), []).append((other, entries))
    found = []
    for length in range(len(key) - 2, len(key) + 3):
        for other, entries in buckets.get((key[0], length), ()):
            allowed = typos_allowed(other)
            if abs(len(other) - len(key)) > allowed:
                continue
            distance = reference_edit_distance(key, other, allowed)
            if distance <= allowed:
                found.extend(NameMatch(distance, candidate, entry.area) for entry in entries)
    return found


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def write_municipalities(directory: Path, seed: int, gemeenten: int = 6) -> list[str]:
    """Import files for a few municipalities with look-alike names; returns every area name."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    buurt_rows = ["buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam"]
    address_rows = ["postcode,huisnummer,straat,woonplaats,buurtcode"]
    names: list[str] = []
    postcode = 1000
    for number in range(1, gemeenten + 1):
        gemeente_code = f"{9000 + number:04d}"
        gemeente = _word(rng, rng.randint(2, 3))
        names.append(gemeente)
        for wijk_number in range(1, rng.randint(3, 6)):
            wijk_code = f"{gemeente_code}{wijk_number:02d}"
            wijk = rng.choice(PREFIXES) + _word(rng, rng.randint(1, 3))
            names.append(wijk)
            taken: set[str] = set()
            for buurt_number in range(1, rng.randint(3, 12)):
                # Short, middle and long names; some recur in other municipalities.
                name = rng.choice(PREFIXES) + _word(rng, rng.randint(1, 2))
                name += rng.choice(("", *SUFFIXES))
                if names and rng.random() < 0.1:
                    name = rng.choice(names)
                if name.casefold() in taken or name == wijk:
                    continue
                taken.add(name.casefold())
                names.append(name)
                buurt_code = f"BU{wijk_code}{buurt_number:02d}"
                buurt_rows.append(
                    f"{buurt_code},{name},WK{wijk_code},{wijk},GM{gemeente_code},{gemeente}"
                )
                postcode += 1
                address_rows.append(f"{postcode} AB,1,Dorpsstraat,{gemeente},{buurt_code}")
    (directory / "buurten.csv").write_text("\n".join(buurt_rows) + "\n", encoding="utf-8")
    (directory / "adressen.csv").write_text("\n".join(address_rows) + "\n", encoding="utf-8")
    (directory / "contacten.csv").write_text(
        "naam,rol,organisatie,telefoon,email,spreekuur,gebied\n", encoding="utf-8"
    )
    return names


def with_typos(rng: random.Random, text: str, typos: int) -> str:
    """`text` with that many random edits: a letter dropped, added, changed or swapped."""
    for _ in range(typos):
        position = rng.randrange(len(text) + 1)
        kind = rng.choice(("drop", "add", "change", "swap"))
        if kind == "add" or not text:
            text = text[:position] + rng.choice(LETTERS) + text[position:]
        elif position == len(text):
            continue
        elif kind == "drop":
            text = text[:position] + text[position + 1 :]
        elif kind == "change":
            text = text[:position] + rng.choice(LETTERS) + text[position + 1 :]
        elif position + 1 < len(text):
            text = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text


def test_edit_distance_agrees_with_the_hand_written_one() -> None:
    rng = random.Random(12)
    for _ in range(20_000):
        a = "".join(rng.choice("abcdé") for _ in range(rng.randint(0, 12)))
        b = with_typos(rng, a, rng.randint(0, 4)) if rng.random() < 0.8 else "x" + a[::-1]
        limit = rng.randint(0, 3)
        assert edit_distance(a, b, limit) == reference_edit_distance(a, b, limit), (a, b, limit)


def test_fuzzy_names_give_the_same_answers_as_the_hand_written_matcher(
    session_factory: sessionmaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = write_municipalities(tmp_path / "data", seed=11)
    import_directory(tmp_path / "data", session_factory)
    directory = ContactDirectory(session_factory)
    rng = random.Random(7)
    templates = ("{}", "ik woon in de {}", "{} in {}", "Wie is de wijkagent van {}?", "{} {}")
    cases = []
    for _ in range(1500):
        typos = rng.choice((0, 1, 1, 2, 2, 3))
        name = with_typos(rng, rng.choice(names), typos)
        if rng.random() < 0.3:
            name = name.lower()
        cases.append((typos, rng.choice(templates).format(name, rng.choice(names))))
    with monkeypatch.context() as patch:
        patch.setattr(locate, "fuzzy_matches", reference_fuzzy_matches)
        expected = [directory.resolve_location(text).to_payload() for _, text in cases]
    statuses: dict[tuple[int, str], int] = {}
    for (typos, text), reference in zip(cases, expected, strict=True):
        assert directory.resolve_location(text).to_payload() == reference, text
        statuses[typos, reference["status"]] = statuses.get((typos, reference["status"]), 0) + 1
    # The comparison means something only when typos were both found and refused.
    assert statuses.get((1, "found"), 0) > 100, statuses
    assert statuses.get((2, "found"), 0) > 50, statuses
    assert statuses.get((3, "unknown"), 0) > 20, statuses
    assert statuses.get((2, "ambiguous"), 0) > 0, statuses


@pytest.mark.parametrize("typo", ["Zandvoorbuurt", "Zandvoortbuur", "zandvoortbuurrt"])
def test_a_re_import_rebuilds_the_fuzzy_index(
    session_factory: sessionmaker, tmp_path: Path, typo: str
) -> None:
    old = tmp_path / "old"
    write_municipalities(old, seed=3, gemeenten=1)
    rows = (old / "buurten.csv").read_text(encoding="utf-8").splitlines()
    code = rows[1].split(",")[0]
    rows[1] = ",".join([code, "Zandvoortbuurt", *rows[1].split(",")[2:]])
    (old / "buurten.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    new = tmp_path / "new"
    new.mkdir()
    for name in ("adressen.csv", "contacten.csv"):
        (new / name).write_bytes((old / name).read_bytes())
    renamed = ",".join([code, "Kastanjebuurt", *rows[1].split(",")[2:]])
    (new / "buurten.csv").write_text(
        "\n".join([rows[0], renamed, *rows[2:]]) + "\n", encoding="utf-8"
    )
    import_directory(old, session_factory)
    # No time-based grace: every lookup compares the data version.
    directory = ContactDirectory(session_factory, version_check_interval=0.0)
    before = directory.resolve_location(f"ik woon in de {typo}")
    assert before.status == "found" and before.area is not None and before.area.code == code

    import_directory(new, session_factory)

    assert directory.resolve_location(f"ik woon in de {typo}").status == "unknown"
    after = directory.resolve_location("ik woon in de Kastanjebuurd")
    assert after.status == "found" and after.area is not None and after.area.code == code
