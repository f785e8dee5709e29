"""Stable identifiers shared by bot/, actions/ and channels: route codes, payload keys, slots."""

from typing import Final

# Route codes of CONTRACT.md section 1, in the order residents see them explained.
ROUTE_CODES: Final = (
    "wijkagent",
    "wijkregisseur",
    "buurtcoordinator",
    "sociaal_makelaar",
    "opbouwwerker",
    "ideeenmakelaar",
    "scharrelambtenaar",
    "buurtbemiddeling",
    "wijkteam",
    "jongerenwerker",
    "handhaving",
    "noodgeval",
    "melding",
    "gemeente",
    "medewerker",
)

# Routes answered without a local contact: they never ask where the resident lives.
EMERGENCY_ROUTE: Final = "noodgeval"

# Custom payload keys of CONTRACT.md section 2.
PAYLOAD_ROUTE: Final = "route"
PAYLOAD_CONTACT_CARD: Final = "contact_card"
PAYLOAD_LOCATION: Final = "location"
PAYLOAD_EXPLAIN: Final = "explain"
# The bot asks where the resident lives (utter_ask_location); WhatsApp sends a location request.
PAYLOAD_ASK_LOCATION: Final = "ask_location"

# Location statuses of CONTRACT.md section 2.
STATUS_FOUND: Final = "found"
STATUS_OUTSIDE: Final = "outside"
STATUS_AMBIGUOUS: Final = "ambiguous"
STATUS_UNKNOWN: Final = "unknown"

# Area levels, most local first.
LEVEL_BUURT: Final = "buurt"
LEVEL_WIJK: Final = "wijk"
LEVEL_GEMEENTE: Final = "gemeente"
AREA_LEVELS: Final = (LEVEL_BUURT, LEVEL_WIJK, LEVEL_GEMEENTE)

# Intents (topics) the classifier predicts, mapped to their default route.
# The routing table in the database can override this per municipality.
DEFAULT_TOPIC_ROUTES: Final = {
    "ask_safety": "wijkagent",
    "neighbourhood_plans": "wijkregisseur",
    "liveability": "buurtcoordinator",
    "meet_neighbours": "sociaal_makelaar",
    "organise_residents": "opbouwwerker",
    "neighbourhood_idea": "ideeenmakelaar",
    "stuck_between_departments": "scharrelambtenaar",
    "neighbour_conflict": "buurtbemiddeling",
    "personal_help": "wijkteam",
    "youth": "jongerenwerker",
    "public_space_rules": "handhaving",
    "emergency": "noodgeval",
    "report_defect": "melding",
    "municipal_service": "gemeente",
    "ask_human": "medewerker",
}
ROUTING_INTENTS: Final = tuple(DEFAULT_TOPIC_ROUTES)

# Other intents.
INTENT_ASK_ROLE_CONTACT: Final = "ask_role_contact"
INTENT_EXPLAIN_ROLE: Final = "explain_role"
INTENT_EXPLAIN_ALL_ROLES: Final = "explain_all_roles"
INTENT_INFORM_LOCATION: Final = "inform_location"
INTENT_EMERGENCY: Final = "emergency"

# While the bot asks where the resident lives, a confident new question of one of these
# intents is answered as a question, not read as an address.
QUESTION_INTENTS: Final = frozenset(
    {*ROUTING_INTENTS, INTENT_ASK_ROLE_CONTACT, INTENT_EXPLAIN_ROLE, INTENT_EXPLAIN_ALL_ROLES}
)

# Slots.
SLOT_ROLE: Final = "role"
SLOT_TOPIC: Final = "topic"
SLOT_LOCATION: Final = "location"
SLOT_LOCATION_STATUS: Final = "location_status"
SLOT_LOCATION_ATTEMPTS: Final = "location_attempts"
SLOT_LOCATION_OPTIONS: Final = "location_options"
SLOT_AREA_CODE: Final = "area_code"
SLOT_AREA_NAME: Final = "area_name"
SLOT_AREA_LEVEL: Final = "area_level"
SLOT_GEMEENTE_CODE: Final = "gemeente_code"
# True while the location form still has to ask where the resident lives; the rules
# branch on it after action_route_question.
SLOT_LOCATION_NEEDED: Final = "location_needed"

# Entity the NLU pipeline sets for every place it finds in a message.
ENTITY_LOCATION: Final = "location"

# Settings.
ENV_DATABASE_URL: Final = "WIJKWIJZER_DATABASE_URL"

# Message metadata key naming the municipality a channel serves (widget setting, WhatsApp
# number); a CBS code ("GM0344") or a name.
METADATA_GEMEENTE: Final = "gemeente"
# Rasa fills this slot with the metadata of the message that started the session.
SLOT_SESSION_STARTED_METADATA: Final = "session_started_metadata"

# The conversation's language (issue 14, CONTRACT.md section 7): a slot, the REST metadata
# key that sets it at the start, and the `lang` of every message the REST channel returns.
LANGUAGE_NL: Final = "nl"
LANGUAGE_EN: Final = "en"
CONVERSATION_LANGUAGES: Final = (LANGUAGE_NL, LANGUAGE_EN)
DEFAULT_LANGUAGE: Final = LANGUAGE_NL
SLOT_LANGUAGE: Final = "language"
METADATA_LANGUAGE: Final = "language"
MESSAGE_LANG: Final = "lang"
# Extra key of the contact_card payload in deployments for several municipalities.
CARD_GEMEENTE: Final = "gemeente"
# Extra key of route and contact_card payloads when a municipality renamed the role.
PAYLOAD_ROLE_NAME: Final = "role_name"

# The hand-over to a professional (issue 13).
INTENT_ASK_CALLBACK: Final = "ask_callback"
INTENT_CANCEL_CALLBACK: Final = "cancel_callback"
INTENT_ASK_HUMAN: Final = "ask_human"
PAYLOAD_CALLBACK: Final = "callback"
CALLBACK_CONSENT_ASKED: Final = "consent_asked"
CALLBACK_REQUESTED: Final = "requested"
CALLBACK_DECLINED: Final = "declined"
CALLBACK_CANCELLED: Final = "cancelled"
ENTITY_REFERENCE: Final = "reference"
SLOT_CALLBACK_READY: Final = "callback_ready"
SLOT_CALLBACK_CONSENT: Final = "callback_consent"
SLOT_CALLBACK_NAME: Final = "callback_name"
SLOT_CALLBACK_CONTACT: Final = "callback_contact"
SLOT_CALLBACK_TIME: Final = "callback_time"
SLOT_CALLBACK_QUESTION: Final = "callback_question"
SLOT_CALLBACK_CONFIRMED: Final = "callback_confirmed"
CALLBACK_SLOTS: Final = (
    SLOT_CALLBACK_CONSENT,
    SLOT_CALLBACK_NAME,
    SLOT_CALLBACK_CONTACT,
    SLOT_CALLBACK_TIME,
    SLOT_CALLBACK_QUESTION,
    SLOT_CALLBACK_CONFIRMED,
)

# Languages (issue 14). The NLU pipeline's LanguageDetector sets `language` (nl/en) on a
# decisive message, predicts `switch_language` for an explicit request and `other_language`
# with `foreign_language` (an ISO 639-1 code) for a message in a language we do not serve.
INTENT_SWITCH_LANGUAGE: Final = "switch_language"
INTENT_OTHER_LANGUAGE: Final = "other_language"
ENTITY_LANGUAGE: Final = "language"
ENTITY_FOREIGN_LANGUAGE: Final = "foreign_language"
# Roles already named with their English gloss in this conversation ("the wijkagent, your
# neighbourhood police officer"): the gloss is said once.
SLOT_GLOSSED_ROLES: Final = "glossed_roles"
# Beside the fixed answer to a message in a language we do not serve: that language's code,
# so a channel can mark the text's language (`lang`) and direction.
PAYLOAD_FOREIGN_LANGUAGE: Final = "foreign_language"
