"""The default role catalogue, role-name normalisation and finding role mentions in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.constants import ROUTE_CODES
from bot.core.text import edit_distance, fold


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    description: str
    organisation_type: str
    needs_location: bool
    # Other words residents and staff use for this role; matched like the name.
    synonyms: tuple[str, ...] = ()


DEFAULT_ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        code="wijkagent",
        name="de wijkagent",
        description=(
            "De wijkagent is de politieagent van uw wijk. "
            "U kunt bij de wijkagent terecht met zorgen over veiligheid, inbraak, drugs "
            "of overlast van personen. Bij gevaar belt u altijd direct 112."
        ),
        organisation_type="politie",
        needs_location=True,
        synonyms=("wijkagente", "agent", "politieagent", "politie", "wijkbrigadier"),
    ),
    RoleDefinition(
        code="wijkregisseur",
        name="de wijkregisseur",
        description=(
            "De wijkregisseur werkt bij de gemeente en kent de plannen voor uw wijk. "
            "Denk aan nieuwe huizen, groen of speelplekken. "
            "De wijkregisseur vertelt u hoe u kunt meepraten over die plannen."
        ),
        organisation_type="gemeente",
        needs_location=True,
        synonyms=("wijkmanager", "gebiedsregisseur", "gebiedsmanager", "wijkregisseuse"),
    ),
    RoleDefinition(
        code="buurtcoordinator",
        name="de buurtcoördinator",
        description=(
            "De buurtcoördinator is uw vaste aanspreekpunt bij de gemeente voor de buurt. "
            "Gaat het minder goed met de buurt, of blijft er rommel liggen? "
            "De buurtcoördinator zorgt dat de gemeente en andere organisaties samen aan de slag "
            "gaan."
        ),
        organisation_type="gemeente",
        needs_location=True,
        synonyms=("buurtcoordinatrice",),
    ),
    RoleDefinition(
        code="sociaal_makelaar",
        name="de sociaal makelaar",
        description=(
            "De sociaal makelaar brengt mensen in de buurt met elkaar in contact. "
            "Wilt u buren ontmoeten, meedoen aan een activiteit of vrijwilliger worden? "
            "De sociaal makelaar helpt u op weg."
        ),
        organisation_type="welzijnsorganisatie",
        needs_location=True,
        synonyms=("sociale makelaar",),
    ),
    RoleDefinition(
        code="opbouwwerker",
        name="de opbouwwerker",
        description=(
            "De opbouwwerker helpt bewoners om samen iets te regelen. "
            "Bijvoorbeeld een bewonerscommissie starten, of samen een probleem aanpakken. "
            "De opbouwwerker steunt u ook als dat langer duurt."
        ),
        organisation_type="welzijnsorganisatie",
        needs_location=True,
        synonyms=("opbouwwerk", "opbouwwerkster", "samenlevingsopbouwer"),
    ),
    RoleDefinition(
        code="ideeenmakelaar",
        name="de ideeënmakelaar",
        description=(
            "De ideeënmakelaar helpt u om een idee voor de buurt uit te werken tot een plan. "
            "U hoort ook waar u geld voor uw idee kunt aanvragen, bijvoorbeeld uit het "
            "buurtbudget."
        ),
        organisation_type="gemeente of welzijnsorganisatie",
        needs_location=True,
        synonyms=("ideemakelaar", "initiatievenmakelaar"),
    ),
    RoleDefinition(
        code="scharrelambtenaar",
        name="de scharrelambtenaar",
        description=(
            "De scharrelambtenaar helpt als u vastloopt bij de gemeente. "
            "Bijvoorbeeld als u steeds wordt doorgestuurd, of als regels elkaar tegenspreken. "
            "De scharrelambtenaar zoekt uit wie uw vraag kan oplossen."
        ),
        organisation_type="gemeente",
        needs_location=True,
    ),
    RoleDefinition(
        code="buurtbemiddeling",
        name="buurtbemiddeling",
        description=(
            "Buurtbemiddeling helpt als u een conflict heeft met uw buren. "
            "Bijvoorbeeld over geluid, rook, huisdieren of een schutting. "
            "Getrainde vrijwilligers helpen u en uw buren om samen een oplossing te vinden."
        ),
        organisation_type="welzijnsorganisatie",
        needs_location=True,
        synonyms=("buurtbemiddelaar", "bemiddelaar", "bemiddeling", "buurtmediator"),
    ),
    RoleDefinition(
        code="wijkteam",
        name="het wijkteam",
        description=(
            "Het wijkteam helpt u met persoonlijke vragen. "
            "Bijvoorbeeld over geldzorgen, zorg, mantelzorg, opvoeden of formulieren. "
            "U kunt ook bellen als u zich zorgen maakt over iemand in uw buurt."
        ),
        organisation_type="gemeente en zorg",
        needs_location=True,
        synonyms=(
            "sociaal wijkteam",
            "sociale wijkteam",
            "buurtteam",
            "sociaal team",
            "wijkzorgteam",
        ),
    ),
    RoleDefinition(
        code="jongerenwerker",
        name="de jongerenwerker",
        description=(
            "De jongerenwerker is er voor jongeren in de wijk. "
            "Voor activiteiten, een plek om elkaar te zien of hulp bij een eigen plan. "
            "U kunt ook bij de jongerenwerker terecht als u zich zorgen maakt over een jongere."
        ),
        organisation_type="welzijnsorganisatie",
        needs_location=True,
        synonyms=("jongerenwerk", "jongerenwerkster", "jeugdwerker", "jongerencoach"),
    ),
    RoleDefinition(
        code="handhaving",
        name="handhaving",
        description=(
            "Handhaving let op de regels op straat en in het park. "
            "U kunt de boa bellen bij fout parkeren, afval naast de container, "
            "hondenpoep of fietswrakken."
        ),
        organisation_type="gemeente",
        needs_location=True,
        synonyms=(
            "handhaver",
            "boa",
            "buitengewoon opsporingsambtenaar",
            "stadswacht",
            "toezichthouder",
        ),
    ),
    RoleDefinition(
        code="noodgeval",
        name="112",
        description=(
            "Is er nu gevaar voor u of een ander? Bel dan direct 112. "
            "Bijvoorbeeld bij brand, geweld, een inbraak die nu bezig is of iemand die "
            "bewusteloos is."
        ),
        organisation_type="hulpdiensten",
        needs_location=False,
        synonyms=("alarmnummer", "noodnummer", "hulpdiensten"),
    ),
    RoleDefinition(
        code="melding",
        name="melding openbare ruimte",
        description=(
            "Is er iets kapot of vies op straat? Denk aan een lantaarnpaal die niet brandt, "
            "een losse stoeptegel of een volle container. "
            "Dat meldt u bij de gemeente, met het meldformulier of de app."
        ),
        organisation_type="gemeente",
        needs_location=False,
        synonyms=("meldpunt openbare ruimte", "meldpunt", "melding buitenruimte"),
    ),
    RoleDefinition(
        code="gemeente",
        name="de gemeente",
        description=(
            "Voor gewone vragen aan de gemeente belt u 14 met het netnummer, of u kijkt op de "
            "website. Bijvoorbeeld over een paspoort, verhuizen, afval of een vergunning."
        ),
        organisation_type="gemeente",
        needs_location=False,
        synonyms=("gemeente algemeen", "gemeenteloket", "klantcontactcentrum"),
    ),
    RoleDefinition(
        code="medewerker",
        name="een medewerker",
        description=(
            "Wilt u liever met een mens praten? Bel dan de gemeente tijdens de openingstijden. "
            "Een medewerker helpt u verder."
        ),
        organisation_type="gemeente",
        needs_location=False,
        synonyms=("medewerker", "medewerkster"),
    ),
)

ROLES_BY_CODE: dict[str, RoleDefinition] = {role.code: role for role in DEFAULT_ROLES}
assert tuple(ROLES_BY_CODE) == ROUTE_CODES, "every route code needs exactly one default role"

_ARTICLES = ("de", "het", "een", "t")
_WORD_RE = re.compile(r"[a-z0-9]+")

# Inflections residents write: plurals (wijkagenten, opbouwwerkers, boa's) and "-e".
_SUFFIXES = ("en", "s", "n", "e", "es")
# A word of at least this length may carry one typo ("buurtcoordinater").
_TYPO_MIN_LENGTH = 8
# Compounds of up to this many words are tried as one ("sociaal makelaar").
_MAX_WINDOW = 3
# Said of any professional ("een medewerker van het wijkteam"): counts only on its own.
_GENERIC_CODES = frozenset({"medewerker"})


def role_key(text: str) -> str:
    """Folded, without a leading article and without spaces, underscores or hyphens."""
    words = _WORD_RE.findall(fold(text).replace("'", ""))
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return "".join(words)


def _forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for role in DEFAULT_ROLES:
        for text in (role.code, role.name, *role.synonyms):
            key = role_key(text)
            if key and key != "gemeente":
                forms.setdefault(key, role.code)
    return forms


# Every written form of a role, as a key: code, display name and synonyms.
_FORMS: dict[str, str] = _forms()
# "de gemeente" on its own is how people talk, not a request for the general desk;
# only explicit names count for the `gemeente` route, but the code itself is accepted.
_NORMALIZE_FORMS: dict[str, str] = {**_FORMS, "gemeente": "gemeente"}
_TYPO_FORMS: tuple[tuple[str, str], ...] = tuple(
    (form, code) for form, code in _FORMS.items() if len(form) >= _TYPO_MIN_LENGTH
)


def normalize_role(text: object) -> str | None:
    """Route code for a code, a Dutch name or a synonym ('Sociaal Makelaar'); None if unknown."""
    if not isinstance(text, str):
        return None
    return _NORMALIZE_FORMS.get(role_key(text))


@lru_cache(maxsize=4096)
def _match_word(word: str) -> str | None:
    if word in _FORMS:
        return _FORMS[word]
    stems = [word[: -len(suffix)] for suffix in _SUFFIXES if word.endswith(suffix)]
    for stem in stems:
        if stem in _FORMS:
            return _FORMS[stem]
    if len(word) < _TYPO_MIN_LENGTH - 1:
        return None
    best: tuple[int, str] | None = None
    for form, code in _TYPO_FORMS:
        for candidate in (word, *stems):
            if abs(len(candidate) - len(form)) > 1 or candidate[0] != form[0]:
                continue
            distance = edit_distance(candidate, form, 1)
            if distance <= 1 and (best is None or distance < best[0]):
                best = (distance, code)
    return best[1] if best else None


def _scan_roles(words: list[str]) -> list[tuple[int, int, str]]:
    """(first word, number of words, route code) of each role named in the folded words."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WINDOW, len(words) - i), 0, -1):
            code = _match_word("".join(words[i : i + size]))
            if code:
                found.append((i, size, code))
                i += size
                break
        else:
            i += 1
    return found


def _role_words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text).replace("'", ""))


def find_role_mentions(text: object) -> list[str]:
    """Route codes of the roles named in `text`, in order of first appearance, each once."""
    if not isinstance(text, str):
        return []
    found = list(dict.fromkeys(code for _, _, code in _scan_roles(_role_words(text))))
    specific = [code for code in found if code not in _GENERIC_CODES]
    return specific or found


@lru_cache(maxsize=1)
def _english_role_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    from bot.core.texts import role_texts

    patterns = []
    for code, texts in role_texts("en").items():
        for phrase in texts.get("words") or ():
            words = [re.escape(word) for word in phrase.lower().split()]
            # Whole words only, a plural allowed: no typo tolerance, so "mediation" is
            # never "medication".
            body = r"\s+".join(words[:-1] + [words[-1] + "s?"])
            patterns.append((re.compile(rf"\b{body}\b", re.IGNORECASE), code))
    return tuple(patterns)


def english_role_mentions(text: object) -> list[str]:
    """Route codes of the roles named in English words in `text` ("the police officer",
    "a youth worker"; bot/core/texts/en.yml), in order of appearance, each once; as
    find_role_mentions, "a staff member" counts only on its own."""
    if not isinstance(text, str):
        return []
    found = sorted(
        (match.start(), code)
        for pattern, code in _english_role_patterns()
        for match in [pattern.search(text)]
        if match
    )
    codes = list(dict.fromkeys(code for _, code in found))
    specific = [code for code in codes if code not in _GENERIC_CODES]
    return specific or codes


def role_mentions(text: object) -> list[str]:
    """The roles a resident names: by their Dutch names (as on the cards), else in English."""
    return find_role_mentions(text) or english_role_mentions(text)


def words_besides_roles(text: object) -> list[str]:
    """The folded words of `text` that are not part of a role's name."""
    if not isinstance(text, str):
        return []
    words = _role_words(text)
    taken = {i + offset for i, size, _ in _scan_roles(words) for offset in range(size)}
    return [word for index, word in enumerate(words) if index not in taken]


def role_spans(text: object) -> list[tuple[int, int]]:
    """(start, end) in `text` of each role's name, for removing them from a sentence."""
    if not isinstance(text, str):
        return []
    tokens = [
        (match.start(), match.end(), fold(match.group(0)).replace("'", ""))
        for match in re.finditer(r"[^\W_]+(?:'[^\W_]+)?", text)
    ]
    words = [word for _, _, word in tokens]
    return [
        (tokens[first][0], tokens[first + size - 1][1]) for first, size, _ in _scan_roles(words)
    ]
