"""Reading the CSV files: encoding, header and field count checked, rows with line numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.db.importer.problems import Problems


class StopFile(Exception):
    """The rest of the file cannot be read; its problem is recorded."""


def decoded_lines(path: Path, name: str, problems: Problems) -> Iterator[str]:
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
                raise StopFile from error
            if number == 1:
                line = line.removeprefix("\ufeff")
            yield line


def canonical_column(column: str) -> str:
    return column.strip().lstrip("\ufeff").strip().lower()


def pc6hnr_canonical(column: str) -> str:
    return re.sub(r"\d{4}$", "", canonical_column(column))


def read_rows(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    problems: Problems,
    *,
    delimiter: str | None = ",",
    optional: tuple[str, ...] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts of `columns` (and of the `optional` ones present) with their line numbers."""
    present: list[str] = []
    records = read_records(
        path, name, columns, problems, delimiter=delimiter, optional=optional, present=present
    )
    for line, values in records:
        yield line, dict(zip((*columns, *present), values, strict=True))


def read_records(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    problems: Problems,
    *,
    delimiter: str | None = ",",
    canonical: Callable[[str], str] = canonical_column,
    optional: tuple[str, ...] = (),
    present: list[str] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Values of `columns` in that order, with line numbers; other columns are ignored.

    Those of the `optional` columns that the header has follow, and are listed in
    `present`. Problems with the header, the encoding or the number of fields are recorded.
    """
    try:
        lines = decoded_lines(path, name, problems)
        first = next(lines, None)
        if first is None or not first.strip():
            problems.add(name, 1, "het bestand is leeg: de kopregel ontbreekt.")
            return
        if delimiter is None:
            delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            fields = next(csv.reader([first], delimiter=delimiter))
        except csv.Error as error:  # a NUL byte, for one: Python 3.10's csv refuses it
            problems.add(name, 1, f"de kopregel is geen geldige CSV: {error}.")
            return
        header = [canonical(column) for column in fields]
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
    except StopFile:
        return
