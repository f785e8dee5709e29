"""Tests of `wijkwijzer import DIR`: checks with line numbers, all-or-nothing, atomic re-import."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.db import importer
from bot.db.importer import ImportFailed, ImportProblem, import_directory, validation, writing
from bot.db.models import Address, Buurt, Contact, ContactArea, Gemeente, Role, Wijk
from bot.directory import ContactDirectory

# Lines of the sample's contacten.csv (line 1 is the header).
LINE_RUBEN = 3
LINE_GERRIT = 5


@pytest.fixture
def source(tmp_path: Path, voorbeeld_dir: Path) -> Path:
    """A writable copy of the sample municipality."""
    target = tmp_path / "rivierstad"
    shutil.copytree(voorbeeld_dir, target)
    return target


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def set_line(path: Path, number: int, text: str) -> None:
    content = lines(path)
    content[number - 1] = text
    path.write_text("\n".join(content) + "\n", encoding="utf-8")


def add_line(path: Path, text: str) -> int:
    """Append a line and return its line number."""
    content = lines(path)
    content.append(text)
    path.write_text("\n".join(content) + "\n", encoding="utf-8")
    return len(content)


def snapshot(session_factory: Callable[[], Session]) -> dict[str, Any]:
    """Everything an import can change, in comparable form."""
    with session_factory() as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Gemeente, Wijk, Buurt, Address, Contact, ContactArea)
        }
        contacts = sorted(
            session.execute(
                select(Contact.gemeente_code, Contact.name, Contact.role_code, Contact.phone)
            ).all()
        )
        gemeenten = sorted(
            session.execute(select(Gemeente.code, Gemeente.name, Gemeente.phone)).all()
        )
        buurten = sorted(session.execute(select(Buurt.code, Buurt.name)).all())
    return {"counts": counts, "contacts": contacts, "gemeenten": gemeenten, "buurten": buurten}


def problems_of(path: Path, session_factory: Callable[[], Session]) -> tuple[ImportProblem, ...]:
    with pytest.raises(ImportFailed) as failure:
        import_directory(path, session_factory)
    return failure.value.problems


def assert_problem(
    problems: tuple[ImportProblem, ...], file: str, line: int, fragment: str
) -> ImportProblem:
    matching = [
        problem
        for problem in problems
        if problem.file == file and problem.line == line and fragment in problem.message
    ]
    assert matching, f"no problem {file}:{line} with {fragment!r} in {problems}"
    return matching[0]


# -- a good import ---------------------------------------------------------------------------


def test_imports_the_sample_municipality(
    session_factory: sessionmaker, voorbeeld_dir: Path
) -> None:
    report = import_directory(voorbeeld_dir, session_factory)

    assert (report.gemeenten, report.wijken, report.buurten) == (("GM9100",), 2, 4)
    assert (report.addresses, report.contacts) == (195, 13)
    assert "GM9100" in str(report)
    with session_factory() as session:
        address = session.scalars(
            select(Address).where(Address.postcode == "8101AA", Address.house_number == 4)
        ).one()
        assert (address.street, address.street_norm, address.city, address.buurt_code) == (
            "Kerkstraat",
            "kerkstraat",
            "Rivierstad",
            "BU91000101",
        )
        assert session.get(Buurt, "BU91000202").name_norm == "weiden"
        roles = dict(session.execute(select(Contact.name, Contact.role_code)).all())
        assert roles["Ruben Koster"] == "wijkagent"
        assert roles["Gerrit Hoekstra"] == "buurtcoordinator"
        assert roles["Samira Haddou"] == "sociaal_makelaar"
        assert roles["Mila de Graaf"] == "ideeenmakelaar"
        assert roles["Wijkteam Rivierstad"] == "wijkteam"
        samira = session.scalars(select(Contact).where(Contact.name == "Samira Haddou")).one()
        assert sorted((area.area_code, area.level) for area in samira.areas) == [
            ("BU91000101", "buurt"),
            ("BU91000102", "buurt"),
        ]
        assert samira.gemeente_code == "GM9100"
        assert samira.active


def test_the_report_says_how_each_spreekuur_was_read_and_imports_what_it_cannot(
    session_factory: sessionmaker, source: Path
) -> None:
    contacten = source / "contacten.csv"
    ruben = lines(contacten)[LINE_RUBEN - 1].split(",")
    ruben[5] = '"di 10-12, niet in de zomervakantie"'
    set_line(contacten, LINE_RUBEN, ",".join(ruben))

    report = import_directory(source, session_factory)

    assert report.contacts == 13
    assert [(note.line, note.message) for note in report.hours_read] == [
        (2, "Spreekuur begrepen als: donderdag 13:00–15:00."),
        (7, "Spreekuur begrepen als: maandag t/m vrijdag 9:00–17:00."),
    ]
    (warning,) = report.hours_warnings
    assert warning.line == LINE_RUBEN
    assert "niet begrepen: 'niet'" in warning.message
    assert f"contacten.csv, regel {LINE_RUBEN}: Spreekuur niet helemaal begrepen" in str(report)
    assert "Spreekuur: 2 begrepen, 1 niet helemaal begrepen" in str(report)
    with session_factory() as session:
        stored = session.scalar(select(Contact.hours).where(Contact.name == "Ruben Koster"))
    assert stored == "di 10-12, niet in de zomervakantie"


def test_imports_the_demo_municipality_with_its_general_details(
    session_factory: sessionmaker, demo_dir: Path
) -> None:
    report = import_directory(demo_dir, session_factory)

    assert report.gemeenten == ("GM9200",)
    assert report.buurten >= 8 and report.addresses >= 300
    with session_factory() as session:
        gemeente = session.get(Gemeente, "GM9200")
        assert gemeente.name == "Weidehaven"
        assert gemeente.phone.startswith("14 ")
        assert gemeente.website.startswith("https://")
        assert gemeente.report_url.startswith("https://")
        assert gemeente.hours


def test_demo_gives_every_buurt_a_contact_for_every_role_with_local_work(
    demo_directory: ContactDirectory, demo_dir: Path
) -> None:
    buurten = [line.split(",")[0] for line in lines(demo_dir / "buurten.csv")[1:]]
    local = [role.code for role in demo_directory.roles() if role.needs_location]
    assert len(local) == 11
    levels = set()
    for role in local:
        for buurt in buurten:
            card = demo_directory.find_contacts(role, buurt)
            assert card is not None, (role, buurt)
            levels.add(card.area.level)
    assert levels == {"buurt", "wijk", "gemeente"}


@pytest.mark.parametrize(
    ("rol", "code"),
    [
        ("Buurtcoördinator", "buurtcoordinator"),
        ("buurtcoordinator", "buurtcoordinator"),
        ("BUURT COORDINATOR", "buurtcoordinator"),
        ("Sociaal Makelaar", "sociaal_makelaar"),
        ("sociaal-makelaar", "sociaal_makelaar"),
        ("de wijkagent", "wijkagent"),
        ("Wijkmanager", "wijkregisseur"),
        ("boa", "handhaving"),
    ],
)
def test_role_names_are_normalised(
    source: Path, session_factory: sessionmaker, rol: str, code: str
) -> None:
    set_line(
        source / "contacten.csv",
        LINE_GERRIT,
        f"Gerrit Hoekstra,{rol},Gemeente Rivierstad,06-10000001,g@rivierstad.example,,WK910001",
    )
    import_directory(source, session_factory)
    with session_factory() as session:
        stored = session.scalar(select(Contact.role_code).where(Contact.name == "Gerrit Hoekstra"))
    assert stored == code


def test_a_role_staff_added_to_the_database_is_accepted(
    source: Path, session_factory: sessionmaker
) -> None:
    with session_factory() as session, session.begin():
        session.add(Role(code="dorpsconsulent", name="de dorpsconsulent", needs_location=True))
    add_line(source / "contacten.csv", "Els Boer,Dorpsconsulent,Gemeente,,,,GM9100")
    import_directory(source, session_factory)
    with session_factory() as session:
        assert session.scalar(select(Contact.role_code).where(Contact.name == "Els Boer")) == (
            "dorpsconsulent"
        )


def test_bom_crlf_and_quoted_commas_are_read(source: Path, session_factory: sessionmaker) -> None:
    path = source / "contacten.csv"
    content = lines(path)
    content.append('Ans Kuiper,wijkteam,Wijkteam,0910-1,,"ma, di en do 9:00-12:00",WK910001')
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(content).encode("utf-8") + b"\r\n")

    report = import_directory(source, session_factory)

    assert report.contacts == 14
    with session_factory() as session:
        hours = session.scalar(select(Contact.hours).where(Contact.name == "Ans Kuiper"))
    assert hours == "ma, di en do 9:00-12:00"


def test_house_numbers_with_an_addition(source: Path, session_factory: sessionmaker) -> None:
    add_line(source / "adressen.csv", "8101 AA,4a,Kerkstraat,Rivierstad,BU91000101")
    add_line(source / "adressen.csv", "8101 AA,4-2,Kerkstraat,Rivierstad,BU91000101")
    import_directory(source, session_factory)
    with session_factory() as session:
        additions = session.scalars(
            select(Address.addition).where(Address.postcode == "8101AA", Address.house_number == 4)
        ).all()
    assert sorted(additions) == ["", "2", "a"]


# -- refused imports -------------------------------------------------------------------------

HEADER_ADRESSEN = "postcode,huisnummer,straat,woonplaats,buurtcode"


def _contact(line: int, **changes: str) -> Callable[[Path], tuple[str, int]]:
    fields = ["naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gebied"]

    def mutate(directory: Path) -> tuple[str, int]:
        path = directory / "contacten.csv"
        values = dict(zip(fields, lines(path)[line - 1].split(","), strict=True))
        values.update(changes)
        set_line(path, line, ",".join(values[field] for field in fields))
        return "contacten.csv", line

    return mutate


def _address(text: str) -> Callable[[Path], tuple[str, int]]:
    def mutate(directory: Path) -> tuple[str, int]:
        return "adressen.csv", add_line(directory / "adressen.csv", text)

    return mutate


def _buurt(text: str) -> Callable[[Path], tuple[str, int]]:
    def mutate(directory: Path) -> tuple[str, int]:
        return "buurten.csv", add_line(directory / "buurten.csv", text)

    return mutate


def _write(name: str, content: bytes, line: int) -> Callable[[Path], tuple[str, int]]:
    def mutate(directory: Path) -> tuple[str, int]:
        (directory / name).write_bytes(content)
        return name, line

    return mutate


def _latin1_contact(directory: Path) -> tuple[str, int]:
    path = directory / "contacten.csv"
    content = path.read_bytes().split(b"\n")
    content[LINE_GERRIT - 1] = content[LINE_GERRIT - 1].replace(
        "coördinator".encode(), "coördinator".encode("latin-1")
    )
    path.write_bytes(b"\n".join(content))
    return "contacten.csv", LINE_GERRIT


def _remove(name: str) -> Callable[[Path], tuple[str, int]]:
    def mutate(directory: Path) -> tuple[str, int]:
        (directory / name).unlink()
        return name, 0

    return mutate


REFUSALS = {
    "unknown role": (_contact(LINE_RUBEN, rol="Wijkchef"), "onbekende rol"),
    "unknown area": (_contact(LINE_RUBEN, gebied="WK919999"), "onbekend gebied"),
    "malformed area": (_contact(LINE_RUBEN, gebied="Oost"), "onbekend gebied"),
    "one bad area among good": (
        _contact(LINE_RUBEN, gebied="WK910002;BU91009999"),
        "BU91009999",
    ),
    "missing name": (_contact(LINE_RUBEN, naam=""), "verplicht veld leeg: naam"),
    "missing area": (_contact(LINE_RUBEN, gebied=""), "verplicht veld leeg: gebied"),
    "bad email": (_contact(LINE_RUBEN, email="ruben.politie.example"), "e-mailadres"),
    "buurtcode not in buurten": (
        _address("8101 AA,99,Kerkstraat,Rivierstad,BU91009999"),
        "staat niet in buurten.csv",
    ),
    "bad postcode": (_address("810 AA,99,Kerkstraat,Rivierstad,BU91000101"), "ongeldige postcode"),
    "postcode letters never issued": (
        _address("8101 SS,99,Kerkstraat,Rivierstad,BU91000101"),
        "ongeldige postcode",
    ),
    "bad house number": (
        _address("8101 AA,twaalf,Kerkstraat,Rivierstad,BU91000101"),
        "ongeldig huisnummer",
    ),
    "house number zero": (
        _address("8101 AA,0,Kerkstraat,Rivierstad,BU91000101"),
        "ongeldig huisnummer",
    ),
    "missing street": (_address("8101 AA,99,,Rivierstad,BU91000101"), "verplicht veld leeg"),
    "duplicate address": (
        _address("8101 AA,4,Kerkstraat,Rivierstad,BU91000101"),
        "staat al op regel 5",
    ),
    "too few fields": (_address("8101 AA,99,Kerkstraat"), "verwacht 5 velden"),
    "duplicate buurt": (
        _buurt("BU91000101,Kerkbuurt,WK910001,Binnenstad,GM9100,Rivierstad"),
        "staat al op regel 2",
    ),
    "buurt in the wrong wijk": (
        _buurt("BU91000301,Havenbuurt,WK910002,Oost,GM9100,Rivierstad"),
        "passen niet bij elkaar",
    ),
    "wijk with two names": (
        _buurt("BU91000203,Akkers,WK910002,Oost-Zuid,GM9100,Rivierstad"),
        "heet hier 'Oost-Zuid'",
    ),
    "bad buurtcode": (
        _buurt("BUURT1,Akkers,WK910002,Oost,GM9100,Rivierstad"),
        "ongeldige buurtcode",
    ),
    "missing buurt name": (_buurt("BU91000203,,WK910002,Oost,GM9100,Rivierstad"), "buurtnaam"),
    "semicolon header": (
        _write("adressen.csv", HEADER_ADRESSEN.replace(",", ";").encode() + b"\n", 1),
        "kopregel",
    ),
    "missing column": (
        _write("contacten.csv", b"naam,rol,organisatie,telefoon,email,spreekuur\n", 1),
        "Ontbreekt: gebied",
    ),
    "not utf-8": (_latin1_contact, "UTF-8"),
    "nul byte in the header": (
        _write("contacten.csv", b"naam,rol\x00,organisatie,telefoon,email,spreekuur,gebied\n", 1),
        "geen geldige CSV",
    ),
    "empty file": (_write("buurten.csv", b"", 1), "leeg"),
    "only a header": (
        _write(
            "buurten.csv", b"buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n", 1
        ),
        "geen buurten",
    ),
    "missing file": (_remove("contacten.csv"), "ontbreekt"),
    "gemeenten.csv of another municipality": (
        _write(
            "gemeenten.csv",
            b"gemeentecode,telefoon,website,meldingen_url,openingstijden\nGM0344,14 030,,,\n",
            2,
        ),
        "staat niet in buurten.csv",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_with_file_line_and_message(
    case: tuple[Callable[[Path], tuple[str, int]], str],
    source: Path,
    session_factory: sessionmaker,
) -> None:
    mutate, fragment = case
    file, line = mutate(source)

    problem = assert_problem(problems_of(source, session_factory), file, line, fragment)

    assert str(problem).startswith(file)
    if line:
        assert f"regel {line}" in str(problem)


def test_all_problems_are_reported_at_once(source: Path, session_factory: sessionmaker) -> None:
    address_line = add_line(source / "adressen.csv", "8101 AA,x,Kerkstraat,Rivierstad,BU91000101")
    bad_postcode_line = add_line(source / "adressen.csv", "8101,1,Kerkstraat,Rivierstad,BU91000101")
    _contact(LINE_RUBEN, rol="Wijkchef")(source)
    _contact(LINE_GERRIT, gebied="WK999999")(source)

    problems = problems_of(source, session_factory)

    assert_problem(problems, "adressen.csv", address_line, "huisnummer")
    assert_problem(problems, "adressen.csv", bad_postcode_line, "postcode")
    assert_problem(problems, "contacten.csv", LINE_RUBEN, "rol")
    assert_problem(problems, "contacten.csv", LINE_GERRIT, "gebied")
    assert len(problems) == 4


def test_a_broken_row_of_buurten_does_not_flood_adressen_with_follow_up_problems(
    source: Path, session_factory: sessionmaker
) -> None:
    set_line(source / "buurten.csv", 2, "BU91000101,,WK910001,Binnenstad,GM9100,Rivierstad")
    problems = problems_of(source, session_factory)
    assert [(problem.file, problem.line) for problem in problems] == [("buurten.csv", 2)]


def test_a_refused_import_leaves_the_database_as_it_was(
    source: Path, session_factory: sessionmaker, voorbeeld_dir: Path, demo_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    import_directory(demo_dir, session_factory)
    before = snapshot(session_factory)
    _contact(LINE_RUBEN, naam="Iemand Anders")(source)
    add_line(source / "adressen.csv", "8101 AA,4,Kerkstraat,Rivierstad,BU91000101")

    problems_of(source, session_factory)

    assert snapshot(session_factory) == before


def test_a_refused_first_import_leaves_the_database_empty(
    source: Path, session_factory: sessionmaker
) -> None:
    _contact(LINE_RUBEN, rol="Wijkchef")(source)
    problems_of(source, session_factory)
    counts = snapshot(session_factory)["counts"]
    assert set(counts.values()) == {0}


def test_a_failure_while_writing_rolls_everything_back(
    source: Path,
    session_factory: sessionmaker,
    voorbeeld_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    before = snapshot(session_factory)
    _contact(LINE_RUBEN, naam="Fatima El Idrissi")(source)

    def fail(*_args: object) -> int:
        raise RuntimeError("disk full")

    # The last step of the write: everything before it has been deleted and inserted.
    monkeypatch.setattr(writing, "import_shapes", fail)
    with pytest.raises(RuntimeError):
        import_directory(source, session_factory)

    assert snapshot(session_factory) == before


# -- re-import -------------------------------------------------------------------------------


def test_reimport_replaces_the_municipality_and_leaves_others_alone(
    source: Path, session_factory: sessionmaker, voorbeeld_dir: Path, demo_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    import_directory(demo_dir, session_factory)
    demo_before = _demo_part(snapshot(session_factory))
    _contact(LINE_RUBEN, naam="Fatima El Idrissi")(source)
    # De Weiden disappears: its buurt row and its addresses.
    weiden = [line for line in lines(source / "adressen.csv") if "BU91000202" not in line]
    (source / "adressen.csv").write_text("\n".join(weiden) + "\n", encoding="utf-8")
    buurten = [line for line in lines(source / "buurten.csv") if "BU91000202" not in line]
    (source / "buurten.csv").write_text("\n".join(buurten) + "\n", encoding="utf-8")

    report = import_directory(source, session_factory)

    after = snapshot(session_factory)
    names = [contact.name for contact in after["contacts"]]
    assert "Fatima El Idrissi" in names and "Ruben Koster" not in names
    assert names.count("Samira Haddou") == 1
    assert ("BU91000202", "De Weiden") not in after["buurten"]
    assert report.addresses == 195 - 34
    with session_factory() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Address).where(Address.buurt_code.like("BU9100%"))
            )
            == 195 - 34
        )
        # No area rows of replaced contacts stay behind.
        orphans = session.scalar(
            select(func.count())
            .select_from(ContactArea)
            .where(ContactArea.contact_id.not_in(select(Contact.id)))
        )
        assert orphans == 0
    assert _demo_part(after) == demo_before


def _demo_part(state: dict[str, Any]) -> dict[str, Any]:
    return {
        "contacts": [c for c in state["contacts"] if c.gemeente_code == "GM9200"],
        "buurten": [b for b in state["buurten"] if b[0].startswith("BU9200")],
        "gemeenten": [g for g in state["gemeenten"] if g[0] == "GM9200"],
    }


def test_reimport_twice_gives_the_same_database(
    session_factory: sessionmaker, voorbeeld_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    first = snapshot(session_factory)
    import_directory(voorbeeld_dir, session_factory)
    assert snapshot(session_factory) == first


def test_general_details_stay_when_gemeenten_csv_is_left_out(
    session_factory: sessionmaker, demo_dir: Path, tmp_path: Path
) -> None:
    import_directory(demo_dir, session_factory)
    without = tmp_path / "zonder"
    shutil.copytree(demo_dir, without)
    (without / "gemeenten.csv").unlink()

    import_directory(without, session_factory)

    with session_factory() as session:
        assert session.get(Gemeente, "GM9200").phone == "14 0599"


def test_directory_sees_a_reimport_after_its_cache_is_cleared(
    source: Path, session_factory: sessionmaker, voorbeeld_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    directory = ContactDirectory(session_factory)
    assert directory.resolve_location("Parkzicht").status == "found"
    set_line(source / "buurten.csv", 4, "BU91000201,Parkzijde,WK910002,Oost,GM9100,Rivierstad")

    import_directory(source, session_factory)
    directory.invalidate_cache()

    result = directory.resolve_location("Ik woon in Parkzijde")
    assert result.area is not None and result.area.code == "BU91000201"
    assert directory.resolve_location("Ik woon in Parkzicht").status == "unknown"


# -- CBS postcode-huisnummer file ------------------------------------------------------------

PC6HNR_HEADER = "PC6;Huisnummer;Buurt2023;Wijk2023;Gemeente2023"


def _pc6hnr(
    directory: Path, rows: list[str], *, name: str = "pc6hnr20230801_gwb.csv", separator: str = ";"
) -> Path:
    path = directory / name
    header = PC6HNR_HEADER.replace(";", separator)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("separator", [";", ","])
def test_reads_the_cbs_postcode_huisnummer_file(
    source: Path,
    session_factory: sessionmaker,
    separator: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Several batches, both of adressen.csv and of the streamed CBS file.
    monkeypatch.setattr(writing, "BATCH_SIZE", 2)
    monkeypatch.setattr(validation, "BATCH_SIZE", 2)
    rows = [
        "8101AA;4;91000101;910001;9100",  # already in adressen.csv: keeps its street
        "8101AE;1;91000101;910001;9100",
        "8101AE;1;91000101;910001;9100",  # the same address twice in a row
        "8101AE;2;91000101;910001;9100",
        "8103CA;1;91000202;910002;9100",
        "8103CA;3;91000202;910002;9100",
        "1011AB;1;0363AF01;0363AF;0363",  # another municipality in the national file
    ]
    _pc6hnr(source, [row.replace(";", separator) for row in rows], separator=separator)

    report = import_directory(source, session_factory)

    assert report.addresses == 195 + 4
    with session_factory() as session:
        kerkstraat = session.scalars(
            select(Address.street).where(Address.postcode == "8101AA", Address.house_number == 4)
        ).all()
        assert kerkstraat == ["Kerkstraat"]
        assert session.scalar(select(func.count()).where(Address.postcode == "1011AB")) == 0
    result = ContactDirectory(session_factory).resolve_location("8103 CA", expecting=True)
    assert result.area is not None and result.area.code == "BU91000202"


def test_postcode_huisnummer_file_instead_of_adressen(
    source: Path, session_factory: sessionmaker
) -> None:
    (source / "adressen.csv").unlink()
    _pc6hnr(source, ["8101AA;1;91000101;910001;9100", "8102BA;7;91000201;910002;9100"])
    report = import_directory(source, session_factory)
    assert report.addresses == 2


def test_postcode_huisnummer_file_with_only_known_addresses_is_accepted(
    source: Path, session_factory: sessionmaker
) -> None:
    # Every CBS row is already in adressen.csv: nothing new, but nothing wrong either.
    _pc6hnr(source, ["8101AA;4;91000101;910001;9100"])

    report = import_directory(source, session_factory)

    assert report.addresses == 195


def test_problems_in_the_postcode_huisnummer_file_have_line_numbers(
    source: Path, session_factory: sessionmaker
) -> None:
    path = _pc6hnr(
        source,
        [
            "8101AE;1;91000101;910001;9100",
            "8101AE;x;91000101;910001;9100",
            "8101AE;3;91009999;910099;9100",
        ],
    )
    problems = problems_of(source, session_factory)
    assert_problem(problems, path.name, 3, "huisnummer")
    assert_problem(problems, path.name, 4, "BU91009999")


def test_postcode_huisnummer_file_of_another_year_is_refused(
    source: Path, session_factory: sessionmaker
) -> None:
    path = _pc6hnr(source, ["1011AB;1;0363AF01;0363AF;0363"])
    assert_problem(problems_of(source, session_factory), path.name, 0, "geen adressen")


def test_codes_without_prefix_lose_no_leading_zeros() -> None:
    assert importer.parse_area_code("3440100", "BU") == ("BU03440100", "buurt")
    assert importer.parse_area_code("0363AF01", "BU") == ("BU0363AF01", "buurt")
    assert importer.parse_area_code("wk034401") == ("WK034401", "wijk")
    assert importer.parse_area_code("344", "GM") == ("GM0344", "gemeente")
    assert importer.parse_area_code("GM03AB") is None
    assert importer.parse_area_code("Oost") is None


def test_a_problem_late_in_the_cbs_file_leaves_the_database_as_it_was(
    source: Path,
    session_factory: sessionmaker,
    voorbeeld_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    before = snapshot(session_factory)
    # Small batches: several have been written when the bad row comes along.
    monkeypatch.setattr(validation, "BATCH_SIZE", 1)
    good = [f"8101AE;{number};91000101;910001;9100" for number in range(1, 6)]
    path = _pc6hnr(source, [*good, "8101AE;6;91000101;910001;XX", "8101AE;7;91000101;910001;9100"])

    assert_problem(problems_of(source, session_factory), path.name, 7, "gemeentecode")

    assert snapshot(session_factory) == before


def test_problems_in_the_csv_files_and_the_cbs_file_are_reported_together(
    source: Path, session_factory: sessionmaker
) -> None:
    _contact(LINE_RUBEN, rol="Wijkchef")(source)
    path = _pc6hnr(source, ["8101AE;x;91000101;910001;9100"])
    problems = problems_of(source, session_factory)
    assert_problem(problems, "contacten.csv", LINE_RUBEN, "rol")
    assert_problem(problems, path.name, 2, "huisnummer")


def test_import_refreshes_the_planner_statistics(
    source: Path, session_factory: sessionmaker
) -> None:
    import_directory(source, session_factory)

    with session_factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            analyzed = session.scalar(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'address'")
            )
            assert analyzed is not None
        else:
            tables = set(session.scalars(text("SELECT tbl FROM sqlite_stat1")))
            assert "address" in tables
