"""Planning an import: every file present is checked, all problems at once, into one plan."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from bot.core.roles import role_key
from bot.db.importer.formats import (
    ADRESSEN_FILE,
    BUURTEN_FILE,
    CONTACTEN_FILE,
    GEMEENTEN_FILE,
    GEOJSON_FILE,
    PC6HNR_PATTERN,
    ROLLEN_FILE,
    ROUTES_FILE,
)
from bot.db.importer.plan import Plan, PlannedArea
from bot.db.importer.problems import ImportFailed, ImportProblem, Problems
from bot.db.importer.validation import (
    check_adressen,
    check_buurten,
    check_contacten,
    check_gemeenten,
    check_rollen,
    check_routes,
    scan_pc6hnr,
)
from bot.db.repositories import AreaRepository, RoleRepository


def role_lookup(session: Session) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for role in RoleRepository(session).all():
        lookup.setdefault(role_key(role.code), role.code)
        lookup.setdefault(role_key(role.name), role.code)
    return lookup


def check_directory(path: Path | str, session: Session) -> Plan:
    """Read and check every file; raises ImportFailed with all problems found."""
    directory = Path(path)
    problems = Problems()
    plan = Plan()
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
        check_buurten(buurten, plan, problems)
        plan.areas_unknown = any(
            problem.file == BUURTEN_FILE and problem.line <= 1 for problem in problems.items
        )

    gemeenten = present(GEMEENTEN_FILE)
    if gemeenten is not None:
        check_gemeenten(gemeenten, plan, problems)

    plan.pc6hnr_files = sorted(directory.glob(PC6HNR_PATTERN))
    adressen = present(ADRESSEN_FILE)
    if adressen is not None:
        check_adressen(adressen, plan, problems)
        if not plan.addresses and not problems.count(ADRESSEN_FILE) and not plan.pc6hnr_files:
            problems.add(ADRESSEN_FILE, 1, "het bestand bevat geen adressen, alleen een kopregel.")
    elif not plan.pc6hnr_files:
        problems.add(ADRESSEN_FILE, 0, "het bestand ontbreekt.")

    plan.geojson_file = present(GEOJSON_FILE)
    roles = role_lookup(session)
    contacten = present(CONTACTEN_FILE)
    if contacten is None:
        problems.add(CONTACTEN_FILE, 0, "het bestand ontbreekt.")
    else:
        check_contacten(contacten, plan, roles, problems)
    routes = present(ROUTES_FILE)
    if routes is not None:
        check_routes(routes, plan, roles, problems)
    rollen = present(ROLLEN_FILE)
    if rollen is not None:
        check_rollen(rollen, plan, roles, problems)

    if problems:
        # Otherwise the CBS file is checked while it is written, in one pass.
        if not plan.areas_unknown:
            for pc6hnr in plan.pc6hnr_files:
                scan_pc6hnr(pc6hnr, plan, problems)
        raise ImportFailed(problems.finished())
    return plan


def check_contacts_file(path: Path | str, session: Session) -> Plan:
    """Check a contacten.csv on its own against the areas already in the database.

    Raises ImportFailed with every problem; the plan holds the contacts, nothing else.
    """
    problems = Problems()
    plan = Plan(area_source="de gebieden die bekend zijn (upload ook buurten.csv als de "
                 "indeling is veranderd)")  # fmt: skip
    areas = AreaRepository(session)
    for gemeente in areas.gemeenten():
        plan.gemeenten[gemeente.code] = PlannedArea(
            gemeente.code, gemeente.name, "", gemeente.code, 0
        )
    for wijk in areas.wijken():
        plan.wijken[wijk.code] = PlannedArea(
            wijk.code, wijk.name, wijk.gemeente_code, wijk.gemeente_code, 0
        )
    for buurt in areas.buurten():
        plan.buurten[buurt.code] = PlannedArea(
            buurt.code, buurt.name, buurt.wijk_code, buurt.gemeente_code, 0
        )
    if not Path(path).is_file():
        raise ImportFailed([ImportProblem(CONTACTEN_FILE, 0, "het bestand ontbreekt.")])
    check_contacten(Path(path), plan, role_lookup(session), problems)
    if not plan.contacts and not problems:
        problems.add(CONTACTEN_FILE, 1, "het bestand bevat geen contacten, alleen een kopregel.")
    if problems:
        raise ImportFailed(problems.finished())
    return plan
