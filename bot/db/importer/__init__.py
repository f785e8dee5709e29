"""`wijkwijzer import DIR`: check all CSV files of a municipality, then replace its data at once.

The stages, one module each: `reading` (CSV files: encoding, header, fields), `validation`
(the checks of each file), `planning` (every file of a directory checked into one `plan`)
and `writing` (the plan written in one transaction). `formats` names the files and their
columns; `problems` collects what is wrong, in Dutch, with line numbers.
"""

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
    GEOJSON_FILE,
    PC6HNR_COLUMNS,
    PC6HNR_PATTERN,
    ROLLEN_COLUMNS,
    ROLLEN_FILE,
    ROUTES_COLUMNS,
    ROUTES_FILE,
)
from bot.db.importer.planning import check_contacts_file, check_directory
from bot.db.importer.problems import MAX_PROBLEMS_PER_FILE, ImportFailed, ImportProblem
from bot.db.importer.validation import (
    MAX_GEMEENTE_DETAIL_LENGTHS,
    MAX_NAME_LENGTH,
    parse_area_code,
)
from bot.db.importer.writing import (
    ANALYZED_TABLES,
    ImportReport,
    import_directory,
    import_shapes,
    replace_areas,
)

__all__ = [
    "ADRESSEN_COLUMNS",
    "ADRESSEN_COORDINATE_COLUMNS",
    "ADRESSEN_FILE",
    "ANALYZED_TABLES",
    "BATCH_SIZE",
    "BUURTEN_COLUMNS",
    "BUURTEN_FILE",
    "CONTACTEN_COLUMNS",
    "CONTACTEN_FILE",
    "DEFAULT_GEMEENTE_CODE",
    "GEMEENTEN_COLUMNS",
    "GEMEENTEN_FILE",
    "GEOJSON_FILE",
    "MAX_GEMEENTE_DETAIL_LENGTHS",
    "MAX_NAME_LENGTH",
    "MAX_PROBLEMS_PER_FILE",
    "PC6HNR_COLUMNS",
    "PC6HNR_PATTERN",
    "ROLLEN_COLUMNS",
    "ROLLEN_FILE",
    "ROUTES_COLUMNS",
    "ROUTES_FILE",
    "ImportFailed",
    "ImportProblem",
    "ImportReport",
    "check_contacts_file",
    "check_directory",
    "import_directory",
    "import_shapes",
    "parse_area_code",
    "replace_areas",
]
