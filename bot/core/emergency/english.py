"""English danger words and context markers (issue 14): the same judgement as the Dutch tables.

The Dutch tables (dangers.py, contexts.py) hold many years of residents' phrasings; these are
fewer, for the words English-speaking residents use in an emergency. They follow the same
rules (assessment.py): danger words alone count as acute, the first matching context group
decides, and a past event, prevention, a hypothetical or a question about the emergency
services is not acute. The text is normalised without the Dutch typo table: lower case,
no diacritics, apostrophes dropped ("isn't" -> "isnt"), letter runs shortened.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core.emergency.contexts import Context
from bot.core.emergency.dangers import Danger
from bot.core.emergency.normalisation import TAG_EXCLAIM, TAG_PRESENT_DANGER
from bot.core.emergency.verdict import Level
from bot.core.text import fold

_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_APOSTROPHES: Final = re.compile(r"['’‘`]")
_LETTER_RUN: Final = re.compile(r"([a-z])\1{2,}")
_PRESENT: Final = re.escape(TAG_PRESENT_DANGER)


def normalise_english(text: str) -> str:
    """Lower case, ASCII letters and digits, single spaces, apostrophes dropped."""
    text = _APOSTROPHES.sub("", fold(text))
    text = _NON_WORD.sub(" ", text)
    return " ".join(_LETTER_RUN.sub(r"\1", text).split())


def _gap(n: int) -> str:
    return rf"(?:\w+ ){{0,{n}}}"


def _danger(
    name: str, pattern: str, *, present: bool = False, abstract: bool = False, unless: str = ""
) -> Danger:
    return Danger(
        name, re.compile(pattern), present, abstract, re.compile(unless) if unless else None
    )


def _context(name: str, level: Level, *patterns: str, concrete_only: bool = False) -> Context:
    return Context(name, level, re.compile("|".join(f"(?:{p})" for p in patterns)), concrete_only)


_PERSON: Final = (
    r"(?:someone|somebody|an? (?:\w+ )?(?:man|woman|boy|girl|child|kid|person|cyclist|neighbour"
    r"|neighbor|lady|guy)|my (?:\w+ )?(?:husband|wife|partner|mother|mom|mum|father|dad"
    r"|son|daughter|child|baby|grandmother|grandfather|neighbour|neighbor|friend)"
    r"|he|she|they|the (?:\w+ )?(?:man|woman|boy|girl|child|neighbour|neighbor))"
)
_YOUNG_CHILD_EN: Final = (
    r"\b(?:child|small child|little child|kid|little kid|toddler|baby|little (?:boy|girl)"
    r"|(?:two|three|four|2|3|4) year old|preschooler|young child|children|kids)\b"
)
_UNWATCHED_EN: Final = (
    r"\b(?:alone|on (?:his|her|their) own|by (?:himself|herself|themselves)|without"
    r" (?:parents?|an adult|adults|supervision)|no (?:parents?|adults?) (?:around|in sight"
    r"|anywhere)|unsupervised|unattended|nobody (?:is )?(?:watching|with))\b"
)
# Where an unwatched small child can fall, drown or be hit.
_CHILD_DANGER_SPOTS_EN: Final = (
    r"\b(?:balcony|window|windowsill|railing|roof|edge|ice|water|waterside|canal|ditch|pond"
    r"|river|harbou?r|quay|quayside|jetty|road|busy street|motorway|highway|railway|tracks"
    r"|crossing|roundabout)\b"
)
_SMOKING: Final = (
    r"\b(?:cigarettes?|cigars?|smoking weed|weed|joints?|barbecues?|bbq|wood ?stoves?"
    r"|fireplaces?|wood burners?|chimneys?|smokes? (?:on|in) (?:the|his|her|their) (?:balcony"
    r"|garden)|(?:he|she|they|neighbours?|neighbors?) smokes?)\b"
)

DANGERS_EN: Final[tuple[Danger, ...]] = (
    _danger(
        "services.call_112",
        # "please call 112", not "when should I call 112" or "do I have to call 112"
        r"\b(?<!\bi )(?<!\bwe )(?<!\bto )(?:call|ring|phone) (?:an ambulance|112"
        r"|the fire (?:brigade|department)|the police|emergency services)\b(?! (?:when|if|for))"
        r"|\bsend (?:\w+ ){0,2}(?:ambulance|police|fire (?:brigade|department|engine)|help)\b"
        r"|\bneed (?:an ambulance|the fire brigade|the fire department|the police now)\b",
        present=True,
    ),
    _danger(
        "fire.on_fire",
        r"\bon fire\b|\bin flames\b|\bablaze\b|\b(?:caught|catching|catches) fire\b"
        r"|\b(?:is|are|its|theyre) (?:\w+ )?burning\b|\bburning (?:house|building|car|flat"
        r"|shed|garage|kitchen)\b|\b(?:there is|theres|there s) (?:a )?(?:\w+ )?fire\b"
        r"|\bfire (?:in|at|on) (?:the|my|our|a|his|her|their|number) \w+"
        r"|\bflames (?:coming|everywhere|out)\b",
        present=True,
        unless=r"\bfire (?:in|at) (?:the|a) (?:fireplace|stove|barbecue|bbq|fire pit)\b"
        r"|\bon fire for\b|\bcamp ?fire\b|\bbon ?fire\b",
    ),
    _danger(
        "fire.smoke",
        r"\b(?:see|smell|smells|smelling|theres|there is|lots of|thick|black|so much) smoke\b"
        r"|\bsmoke (?:is )?(?:coming|pouring|everywhere|from|out of|under|in the)\b"
        r"|\b(?:full of|filled with|filling with) smoke\b"
        r"|\bsmells? (?:\w+ )?(?:of )?burning\b|\bburning smell\b",
        present=True,
        unless=_SMOKING,
    ),
    _danger(
        "fire.alarm",
        r"\b(?:smoke|fire|co|carbon monoxide) (?:alarm|detector)s? (?:\w+ ){0,3}"
        r"(?:going off|is going off|went off|goes off|keeps going|sounding|ringing)\b",
        present=True,
        unless=r"\bbatter(?:y|ies)\b|\bchirp\w*|\bcooking\b|\bcooked\b|\btoast\b|\btest\w*"
        r"|\bfalse alarm\b|\bshower\b|\bsteam\b|\bbroken\b",
    ),
    _danger(
        "fire.word",
        r"\b(?:fire|fires|blaze)\b",
        unless=r"\bfire (?:station|stations|brigade\w*|department|fighters?|safety|hazard"
        r"|extinguishers?|blankets?|drill|escape|exit|exits|door|doors|risk|alarms? (?:for|in"
        r"|installed|battery|check)|works|place|pit|wood)\b|\bfireworks?\b|\bbon ?fire\b"
        r"|\bcamp ?fire\b|\bcease ?fire\b|\b(?:got|get|was|were|be) fired\b|\bfire (?:me|him|her"
        r"|them|someone)\b|\bopen fire (?:in|place)\b",
    ),
    _danger(
        "fire.explosion",
        r"\b(?:explosion|exploded|explosions|blast)\b",
        unless=r"\bhad a blast\b|\bblast from the past\b|\bphone exploded with\b",
    ),
    _danger(
        "gas.smell",
        r"\b(?:smell|smells|smelling|stinks|reeks|stinking) (?:\w+ ){0,2}(?:of )?gas\b"
        r"|\bgas (?:smell|leak|leaking|is leaking|escaping)\b|\bleaking gas\b"
        r"|\b(?:co|carbon monoxide) (?:alarm|detector|meter)s? (?:\w+ ){0,2}(?:beeping"
        r"|going off|sounding)\b",
        present=True,
        unless=r"\bsewers?\b|\bdrains?\b|\bgas (?:bill|price|prices|meter reading|company"
        r"|contract|supplier)\b",
    ),
    _danger(
        "gas.word",
        r"\b(?:gas leak|gas leaks|smelled gas|smelt gas|carbon monoxide|co poisoning)\b",
        unless=r"\bsewers?\b|\bdrains?\b",
    ),
    _danger(
        "burglary.in_progress",
        rf"\b(?:someone|somebody|people|men|a man|burglars?|intruders?|thie(?:f|ves)|they|he)"
        rf" (?:is |are )?(?:\w+ )?(?:breaking|trying to break|trying to get) (?:in|into)\b"
        r"|\bbreak ?in (?:is )?(?:happening|going on|right now|now|in progress)\b"
        r"|\b(?:burglars?|intruders?|thie(?:f|ves)|robbers?) (?:is |are )?(?:in|inside|still"
        r"|upstairs|downstairs) (?:my|our|the)\b"
        r"|\b(?:someone|somebody|a stranger|strangers|a man|men) (?:is |are )?(?:in|inside)"
        r" (?:my|our) (?:house|home|flat|apartment|garden|bedroom|shed)\b"
        r"|\bintruders?\b|\bbeing (?:burgled|robbed)\b"
        rf"|\b(?:hear|hearing) (?:someone|somebody|glass breaking|people) {_gap(3)}"
        r"(?:downstairs|inside|in (?:my|our|the) (?:house|home|flat))\b",
        present=True,
    ),
    _danger(
        "burglary.word",
        r"\b(?:burglary|burglaries|burglar|burglars|break ins?|breakins?|burgled|robbed"
        r"|robbery|mugged|mugging)\b",
        abstract=True,
    ),
    _danger(
        "violence.weapon",
        r"\b(?:stabbed|stabbing|being stabbed|knifed)\b"
        r"|\b(?:shooting|shots fired|gunshots?|gun shots?|been shot|was shot|got shot"
        r"|shot (?:at|him|her|someone|somebody))\b"
        r"|\b(?:with|has|have|holding|waving|pulled) (?:a |an )?(?:knife|knives|gun|guns"
        r"|pistol|machete|axe|weapon)\b",
        present=True,
        unless=r"\b(?:photo|film|video) ?shoot\w*|\bshooting (?:range|club|a film|a video"
        r"|photos|hoops|star)\b|\bknife (?:sharpening|crime prevention)\b",
    ),
    _danger(
        "violence.assault",
        rf"\b(?:is|are|keeps|been) (?:\w+ )?(?:hitting|beating|kicking|strangling|choking"
        rf"|attacking) {_PERSON}?"
        r"|\b(?:being|getting) (?:attacked|beaten|beaten up|hit|strangled|assaulted)\b"
        r"|\b(?:attacking|beating up|beating) (?:me|her|him|someone|somebody|my|a)\b"
        r"|\bfight (?:with|in) (?:knives|the street right now)\b",
        present=True,
    ),
    _danger(
        "violence.word",
        r"\bdomestic (?:violence|abuse)\b|\babuse\b|\bviolence\b|\bthreaten\w*",
        abstract=True,
    ),
    _danger(
        "medical.unconscious",
        rf"\b{_PERSON} (?:\w+ )?(?:collapsed|passed out|fainted|fell down|is lying|lying)"
        r"\b(?! (?:in bed|on the (?:sofa|couch) watching))"
        r"|\b(?:unconscious|unresponsive|not responding|isnt responding|wont wake up"
        r"|cant wake (?:him|her|them)|not breathing|isnt breathing|stopped breathing"
        r"|cant breathe|can not breathe|cannot breathe|no pulse|turning blue)\b"
        r"|\b(?:having|has) (?:a )?(?:heart attack|stroke|seizure|fit|epileptic)\b"
        r"|\b(?:chest pains?|pain in (?:his|her|my) chest)\b|\boverdos\w*"
        r"|\b(?:choking|is choking)\b|\bbleeding (?:heavily|badly|a lot|everywhere|from)\b"
        r"|\b(?:lots|a lot|pool) of blood\b|\b(?:hit|knocked down|run over) by a (?:car|bus"
        r"|truck|van|tram|scooter)\b",
        present=True,
        unless=r"\bbatter(?:y|ies)\b|\bphone\b(?=.*\bdead\b)"
        # a thing hit by a vehicle is a defect to report, not a casualty
        r"|\b(?:lamp ?posts?|street ?lights?|poles?|signs?|fences?|bollards?|walls?|trees?"
        r"|bins?|containers?|benches?|railings?|bus stops?) (?:\w+ ){0,2}(?:got |was |has been )?"
        r"(?:hit|knocked down|run over)\b",
    ),
    _danger(
        "medical.word",
        r"\b(?:heart attack|stroke|seizure|unconscious|ambulance)\b",
        unless=r"\bstroke of (?:luck|genius)\b|\bstroke (?:the|a|my) (?:cat|dog)\b",
    ),
    _danger(
        "drowning",
        r"\bdrowning\b|\b(?:fell|fallen|has fallen|is|went|gone) (?:\w+ )?(?:in|into) the (?:water"
        r"|canal|river|pond|lake|sea|harbour|harbor|ditch)\b|\b(?:child|kid|someone|somebody"
        r"|person|man|woman) in the (?:water|canal|river|pond)\b",
        present=True,
        unless=r"\bdrowning in (?:debts?|work|bills|paperwork|letters|paper|admin|stress|forms)\b"
        r"|\b(?:dog|cat|duck|swan|bird|animal|bike|bicycle|car|phone|keys)s? "
        r"(?:\w+ ){0,3}(?:in|into) the\b",
    ),
    _danger(
        "child.unwatched",
        # A small child alone near water, traffic or a height (the Dutch table's kind):
        # child, alone and the dangerous place anywhere in the message, in any order.
        rf"^(?=.*{_YOUNG_CHILD_EN})(?=.*{_UNWATCHED_EN})(?=.*{_CHILD_DANGER_SPOTS_EN})",
        present=True,
        unless=r"\bplayground\b|\bschoolyard\b|\bswimming (?:lesson|class)\w*",
    ),
    _danger(
        "self_harm",
        r"\b(?:kill|hurt|harm) (?:my ?self|himself|herself|themselves)\b"
        r"|\b(?:end|take) (?:my|his|her) (?:own )?life\b|\bsuicid\w*",
        present=True,
        # an injury risk of a thing ("kids can hurt themselves on it") is no self-harm
        unless=r"\bhurt (?:himself|herself|themselves|yourself|myself) (?:on|with) (?:it|that|this"
        r"|the|those|these)\b",
    ),
)

CONTEXTS_EN: Final[tuple[Context, ...]] = (
    _context(
        "call_for_help",
        Level.ACUTE,
        r"\bhelp\b(?<!\bi help)(?<!\bcan help)(?<!\bwe help)"
        r"(?! (?:with|me with|me find|me understand|me to|finding|desk|page|you|us find))",
        r"\bsos\b|\bplease come\b|\bcome (?:quick|quickly|fast|now|asap)\b|\bhurry\b",
        r"\bsend (?:\w+ ){0,2}(?:police|fire brigade|ambulance|help|someone)\b",
        r"\b(?<!\bi )(?<!\bwe )(?<!\bto )call (?:an ambulance|112|the fire brigade|the police)\b"
        r"(?! (?:when|if|for))",
    ),
    _context(
        "prevention",
        Level.NOT_ACUTE,
        r"\bprevent\w*|\btips?\b|\badvice\b|\bsafety\b|\bsafer\b|\bprotect\w*|\bsecur\w*",
        r"\binstall\w*|\bextinguishers?\b|\bfire blankets?\b|\bescape (?:plan|route)s?\b",
        r"\bhow (?:do|can) (?:i|we) (?:keep|avoid|stop)\b|\bneighbourhood watch\b",
    ),
    _context(
        "learning_or_fiction",
        Level.NOT_ACUTE,
        r"\bcourses?\b|\btraining\b|\bworkshops?\b|\blessons?\b|\bdrills?\b|\bfirst aid\b",
        r"\bfilm\b|\bmovie\b|\bseries\b|\bgame\b|\bbook\b|\bdocumentary\b|\bon tv\b",
        r"\bin the news\b|\bon the news\b|\bin the paper\b",
    ),
    _context(
        "about_emergency_services",
        Level.NOT_ACUTE,
        r"\bwhen (?:should|do|can|must|may) (?:i|we|you|people) (?:\w+ ){0,2}(?:call|ring|phone)\b",
        r"\b(?:phone )?number (?:of|for) (?:the )?(?:police|fire brigade|ambulance|wijkagent)\b",
        r"\b0900 ?8844\b|\bnon emergency\b",
        r"\bwhat (?:does|do|is) (?:the |a )?(?:police|fire brigade|ambulance|112|emergency)\b",
        r"\bhow does 112\b|\bis 112 (?:for|only)\b|\bwhat counts as an emergency\b",
    ),
    _context(
        "not_urgent",
        Level.NOT_ACUTE,
        r"\bnot urgent\b|\bno rush\b|\bno hurry\b|\bnot an emergency\b|\bno emergency\b",
        r"\b(?:nobody|no one|noone) (?:was |is |got )?(?:hurt|injured)\b|\bno injuries\b",
    ),
    _context(
        "hypothetical",
        Level.NOT_ACUTE,
        r"^(?:\w+ ){0,3}what (?:should|do|can|must|would) (?:i|we|you|one) do"
        r" (?:if|when|in case)\b",
        r"\bwhat if\b|\bin case (?:of|there)\b|\bsuppose\b|\bimagine\b|\bwhat happens if\b",
        r"^(?:\w+ ){0,2}if (?:there|someone|somebody|my|i|we|you|the|a)\b",
        r"\b(?:risk|danger) of\b|\bcould (?:\w+ ){0,2}(?:catch fire|cause|start)\b",
        r"\bbefore (?:something|someone|a fire|an accident)\b",
    ),
    _context(
        "calm_now",
        Level.NOT_ACUTE,
        r"\b(?:not|isnt|arent|wasnt|no longer) (?:\w+ ){0,2}(?:there|here|around|happening"
        r"|going on) (?:any ?more|now)\b|\bnot (?:right )?now\b|\b(?:gone|over) now\b",
        r"\b(?:its|it is|all|everything is|everything s) (?:\w+ )?(?:quiet|calm|over|fine) now\b",
    ),
    _context(
        "happening_now",
        Level.ACUTE,
        rf"\bnow\b(?<!\buntil now)(?<!\bby now)(?=.*{_PRESENT})",
        r"\bright now\b|\bat the moment\b|\bcurrently\b|\bjust now\b|\bas we speak\b",
        r"\b(?:a few|two|five|ten|\d+) minutes? ago\b|\bjust (?:happened|collapsed|fell)\b",
        r"\bstill (?:inside|in the house|in our|in my|burning|on fire|there|unconscious"
        r"|not breathing|lying|in the water|going on)\b",
        r"\bhappening\b|\bin progress\b|\bas i (?:type|write)\b",
    ),
    _context(
        "over_or_recurring",
        Level.NOT_ACUTE,
        r"\blast (?:week|night|month|year|weekend|time|summer|winter|monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday)\b|\byesterday\b|\bago\b|\bearlier (?:today|this)\b",
        r"\bthis morning\b|\bin the past\b|\bused to\b|\bonce\b|\brecently\b|\blately\b",
        r"\b(?:was|were|been|got|is|are|has been|have been) (?:\w+ )?(?:fixed|repaired|solved"
        r"|put out|extinguished|resolved|sorted|arrested|caught)\b",
        r"\bafter (?:the|a|that)\b|\bsince the\b|\binsurance\b|\b(?:police )?report\b",
        r"\bevery (?:day|night|week|weekend|evening|morning)\b|\boften\b|\bregularly\b",
        r"\bkeeps happening\b|\bagain and again\b|\bfor (?:weeks|months|years)\b",
        r"\bthis (?:week|month|year)\b|\b(?:several|many|a few|three|four) times\b"
        r"|\bkeep hearing\b|\bhear(?:ing)? (?:a lot )?about\b",
        r"\b(?:a lot of|many|lots of|more) (?:burglaries|break ins|fires|robberies)\b",
    ),
    _context(
        "urgent",
        Level.ACUTE,
        _PRESENT,
        re.escape(TAG_EXCLAIM),
        r"\bquick\b|\bquickly\b|\bimmediately\b|\burgent\w*|\bemergency\b|\basap\b",
    ),
    _context(
        "what_to_do",
        Level.ACUTE,
        r"\bwhat (?:should|do|can|must) (?:i|we) do\b|\bwho (?:should|do|can) (?:i|we) call\b",
        r"\bshould (?:i|we) call\b|\bcan (?:someone|somebody) come\b",
        concrete_only=True,
    ),
    _context(
        "past_or_general",
        Level.NOT_ACUTE,
        r"\b(?:was|were|had|happened|came|tried|burned|burnt|smelled|smelt|caught|there was)\b",
        r"\bif\b|\bwhen (?:there|someone|you)\b|\bwhere can i\b|\bwho can i\b|\bhow can i\b",
        r"\bworried\b|\bafraid\b|\bscared\b|\bunsafe\b|\bdangerous\b|\binformation\b",
        r"\bquestion about\b|\bwijkagent\b|\bneighbourhood (?:officer|police)\b",
    ),
)

__all__ = ["CONTEXTS_EN", "DANGERS_EN", "normalise_english"]
