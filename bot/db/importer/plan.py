"""What passed the checks, ready to be written: areas, addresses, contacts, routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.db.importer.formats import BUURTEN_FILE
from bot.db.importer.problems import ImportProblem


@dataclass
class PlannedArea:
    code: str
    name: str
    parent: str
    gemeente_code: str
    line: int


@dataclass
class PlannedContact:
    name: str
    role_code: str
    organisation: str
    phone: str
    email: str
    hours: str
    gemeente_code: str
    areas: list[tuple[str, str]]


@dataclass
class Plan:
    """Everything that passed the checks, ready to be written."""

    gemeenten: dict[str, PlannedArea] = field(default_factory=dict)
    wijken: dict[str, PlannedArea] = field(default_factory=dict)
    buurten: dict[str, PlannedArea] = field(default_factory=dict)
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
    contacts: list[PlannedContact] = field(default_factory=list)
    # How each spreekuur was read ("contacten.csv, regel 4: Spreekuur begrepen als: ...").
    hours_warnings: list[ImportProblem] = field(default_factory=list)
    hours_read: list[ImportProblem] = field(default_factory=list)
    geojson_file: Path | None = None
    # Where known area codes come from, for messages about unknown ones.
    area_source: str = BUURTEN_FILE
