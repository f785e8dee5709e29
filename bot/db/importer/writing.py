"""Writing a plan: the municipalities' data replaced in one transaction, then the statistics."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.core.text import normalize_name
from bot.db.importer.formats import BATCH_SIZE, GEOJSON_FILE
from bot.db.importer.plan import Plan
from bot.db.importer.planning import check_directory
from bot.db.importer.problems import ImportFailed, ImportProblem, Problems
from bot.db.importer.validation import scan_pc6hnr
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
from bot.db.repositories import DataVersionRepository
from bot.db.session import create_schema

logger = logging.getLogger(__name__)
# The import report lists every spreekuur it could not fully read, and this many it could.
MAX_HOURS_READ_SHOWN = 20


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


def _replace(session: Session, plan: Plan) -> tuple[int, int]:
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


def replace_areas(session: Session, plan: Plan) -> int:
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
    problems = Problems()

    def insert_batch(batch: list[dict[str, Any]]) -> None:
        session.execute(insert(Address), batch)

    for path in plan.pc6hnr_files:
        addresses += scan_pc6hnr(path, plan, problems, insert_batch)
    if problems:
        raise ImportFailed(problems.finished())
    return addresses


def _replace_routes_and_roles(session: Session, plan: Plan, codes: list[str]) -> None:
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


def import_shapes(session: Session, plan: Plan) -> int:
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


def _record_import(session: Session, path: Path | str, plan: Plan, addresses: int) -> None:
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
