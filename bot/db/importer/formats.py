"""The files of an import (CONTRACT.md section 4): their names and columns."""

BUURTEN_FILE = "buurten.csv"
ADRESSEN_FILE = "adressen.csv"
CONTACTEN_FILE = "contacten.csv"
GEMEENTEN_FILE = "gemeenten.csv"
# Optional: the municipalities' own routing table and role names (docs/import.md).
ROUTES_FILE = "routes.csv"
ROLLEN_FILE = "rollen.csv"
# Optional buurt outlines for location pins, read by bot.db.geometry.
GEOJSON_FILE = "buurten.geojson"
PC6HNR_PATTERN = "pc6hnr*.csv"

BUURTEN_COLUMNS = ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam")
ADRESSEN_COLUMNS = ("postcode", "huisnummer", "straat", "woonplaats", "buurtcode")
# Optional WGS84 coordinates of each address, for location pins without buurt outlines.
ADRESSEN_COORDINATE_COLUMNS = ("lat", "lon")
CONTACTEN_COLUMNS = ("naam", "rol", "organisatie", "telefoon", "email", "spreekuur", "gebied")
GEMEENTEN_COLUMNS = ("gemeentecode", "telefoon", "website", "meldingen_url", "openingstijden")
# A gemeenten.csv row with this code holds the deployment's default general contact details.
DEFAULT_GEMEENTE_CODE = "standaard"
ROUTES_COLUMNS = ("onderwerp", "rol")
ROLLEN_COLUMNS = ("rol", "naam", "beschrijving")
# CBS names the area columns after the year of the division: Buurt2023, Wijk2023, ...
PC6HNR_COLUMNS = ("pc6", "huisnummer", "buurt", "wijk", "gemeente")

# Rows per INSERT statement while writing.
BATCH_SIZE = 10_000
