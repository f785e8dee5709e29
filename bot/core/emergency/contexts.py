"""Context markers: the precedence list that decides between acute and not acute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.core.emergency.normalisation import TAG_EXCLAIM, TAG_PRESENT_DANGER
from bot.core.emergency.verdict import Level


@dataclass(frozen=True)
class Context:
    """A group of context markers and the level it stands for.

    `concrete_only`: the group says nothing about abstract danger words ("wat moet ik
    doen bij huiselijk geweld" asks for help, not for 112).
    """

    name: str
    level: Level
    regex: re.Pattern[str]
    concrete_only: bool = False


def _context(name: str, level: Level, *patterns: str, concrete_only: bool = False) -> Context:
    regex = re.compile("|".join(f"(?:{p})" for p in patterns))
    return Context(name, level, regex, concrete_only)


# The context named in the verdict when only `ongoing` dangers were found.
CONTEXT_ONGOING: Final = "ongoing_problem"
# The context named when only `device` dangers were found, and the device is the problem.
CONTEXT_DEVICE_PROBLEM: Final = "device_problem"
DEVICE_PROBLEM: Final = re.compile(
    r"\b(?:kapot|stuk|defect|hangt los|hangen los|doet het niet|doen het niet|werkt niet"
    r"|werken niet|vervang\w*|ophangen|installeren|plaatsen|kopen|koop|gekocht|haal|halen"
    r"|batterij\w*|piep\w*|verplicht|nodig|hebben|controleren|testen|onderhoud"
    r"|brandt? (?:\w+ )?(?:niet|nooit|de hele|dag en nacht|overdag)|gaat niet aan"
    r"|(?:gaat|gaan|ging) (?:\w+ ){0,4}af|loopt|de hele (?:tijd|nacht|dag))\b"
)

# Precedence list: the first group that matches decides. Stronger evidence first, so
# that "nu", "net" and "help" win over "vorige week", and prevention or a hypothetical
# wins over present-tense danger words ("hoe voorkom ik dat er wordt ingebroken").
CONTEXTS: Final[tuple[Context, ...]] = (
    _context(
        "call_for_help",
        Level.ACUTE,
        # "help" as a cry, not "ik help", "help bij", "hulp nodig met"
        r"\bhelp\b(?<!\bik help)(?<!\bkan help)(?<!\bwe help)(?<!\bwij help)(?<!\bu help)"
        r"(?<!\bje help)"
        r"(?! (?:bij|met|van|nodig|desk|pagina|functie))",
        r"\bsos\b",
        r"\bkom\b(?<!\bik kom) (?:\w+ )?(?:snel|nu|direct|meteen|alsjeblieft|aub|gauw)\b",
        r"\bstuur (?:\w+ ){0,2}(?:politie|brandweer|ambulance|hulp|iemand)\b",
        r"\bred (?:ons|mij|me|hem|haar)\b",
        r"\bbel (?!ik |je |u |we |men |jij )(?:\w+ )?(?:112|de brandweer|brandweer"
        r"|een ambulance|de ambulance|ambulance)\b",
    ),
    _context(
        "prevention",
        Level.NOT_ACUTE,
        r"\bvoorkom\w*|\bpreventie\w*|\bpreventief\b|\btips?\b|\badvies\b|\badviezen\b",
        r"\bhoe (?:houd|hou) ik\b|\bweghouden\b|\bveilig maken\b",
        r"\bbeveilig\w*|\binbraakwerend\w*|\bbrandveilig\w*|\bbrandpreventie\b",
        r"\bbrandblusser\w*|\bblusdeken\w*|\bvluchtplan\w*|\bvluchtroute\w*|\bnooduitgang\w*",
        r"\bbescherm\w*|\bveiliger\b|\bbuurtpreventie\w*|\bbuurtwhatsapp\w*|\bbuurtapp\w*",
        r"\bwhatsapp ?groep\w*|\bhang en sluitwerk\b|\bpolitiekeurmerk\b|\bzwemles\w*",
    ),
    _context(
        "learning_or_fiction",
        Level.NOT_ACUTE,
        r"\bcursus\w*|\btraining\w*|\bleren\b|\bhoe leer\b|\baanleren\b",
        r"\bworkshop\w*|\bvoorlichting\w*",
        r"\bles\b|\blessen\b|\binformatieavond\w*|\boefening\w*|\bbrandoefening\w*|\bontruimingsoefening\w*",
        r"\bfilm\b|\bserie\b|\bspelletje\b|\bgame\b|\bboek\b|\bdocumentaire\b|\btv\b",
        r"\bin de krant\b|\bop het nieuws\b|\bin het nieuws\b",
    ),
    _context(
        "about_emergency_services",
        Level.NOT_ACUTE,
        r"\bwanneer (?:bel|moet|mag|kan|kun|bellen|moeten|mogen) (?:\w+ ){0,3}"
        r"(?:112|alarmnummer|noodnummer|politie|brandweer|ambulance)\b",
        r"\b(?:telefoonnummer|nummer) van (?:de )?(?:politie|brandweer|wijkagent|ambulance)\b",
        r"\b0900 ?8844\b",
        r"\bwat (?:doet|is|doen) (?:de |een )?(?:brandweer|politie|wijkagent|ambulance|112"
        r"|alarmnummer|noodgeval)\b",
        r"\bwaarom (?:\w+ ){0,8}(?:politie|brandweer|ambulance|112)\b",
        r"\bhoe werkt (?:de |het )?(?:112|alarmnummer|brandweer|politie|meldkamer)\b",
        r"\bis 112\b|\b112 (?:ook )?voor\b",
        r"\bwat valt onder\b|\bwanneer is (?:iets|het) een noodgeval\b",
    ),
    _context(
        "not_urgent",
        Level.NOT_ACUTE,
        r"\bgeen spoed\b|\bniet dringend\b|\bgeen haast\b|\bgeen noodgeval\b|\bniet acuut\b",
        r"\bniet urgent\b|\bgeen 112\b|\bniet (?:voor )?112\b|\bgeen gewonden\b",
        r"\bniemand (?:is |raakte |werd )?gewond\b|\bblikschade\b|\balleen (?:wat )?schade\b",
    ),
    _context(
        "hypothetical",
        Level.NOT_ACUTE,
        # a question about a situation, not a report of one ("wat moet ik doen als de
        # rookmelder afgaat"); only as the message's opening, so that "er ligt iemand,
        # wat moet ik doen als hij niet ademt" stays acute
        r"^(?:\w+ ){0,3}wat (?:moet|kan|moeten|kunnen|zal|doe|doen|moet je|moet u) "
        r"(?:\w+ ){0,3}(?:als|wanneer|zodra)\b",
        r"^(?:\w+ ){0,3}wat te doen (?:als|wanneer|zodra)\b",
        r"^als (?:er|de|het|iemand|mijn|ik|je|u|we|een)\b|\bmoet (?:ik|je|we|u) dan\b",
        r"\bals (?:ik|je|u|we|hij|ze) (?:\w+ ){0,3}(?:aanzet|aandoe|gebruik|aanzetten|aandoen"
        r"|gebruiken|opstook|stook)\b",
        r"\bstel (?:dat|je voor|nou|er)\b|\bmocht(?:en)? (?:er|iemand|het|u|je|ik)\b",
        r"\bvoor het geval\b|\bin (?:het )?geval van\b|\bwat als\b|\bwat gebeurt er als\b",
        r"\b(?:zou|zouden) (?:\w+ ){0,3}(?:kunnen|gaan)\b",
        r"\bvoordat er\b|\bvoor er\b|\btot(?:dat)? er\b|\bwacht(?:en)? (?:\w+ ){0,2}tot\b",
        r"\bnog (?:eens|een keer) (?:een |iets )?(?:ongeluk|brand|inbraak|ongelukken)\b",
        r"\bgaat (?:\w+ ){0,2}(?:nog|ooit) (?:\w+ ){0,2}(?:mis|gebeuren)\b",
        r"\bkan (?:er )?(?:zomaar )?(?:een )?(?:ongeluk|brand) (?:ontstaan|gebeuren|komen)\b",
        r"\bgevaar (?:op|voor) (?:brand|ongelukken?|inbraak)\b|\bbrandgevaar\w*|\brisico op\b",
    ),
    _context(
        "happening_now",
        Level.ACUTE,
        # "nu" only with danger in the present tense: "vorige week beroofd, nu durft hij
        # niet meer" speaks of the consequences, "nu staat de schuur in brand" of now.
        r"\bnu\b(?<!\btot nu)(?<!\bwat nu)(?<!\bniet nu)(?! (?:toe|eenmaal|al|pas|ook|weten|ik|wel"
        r"|de (?:tweede|derde|vierde|vijfde|zoveelste)|voor de|is (?:het|alles) (?:\w+ )?rustig"
        r"|niks|niets|rustig"
        r"|is er (?:niks|niets|niemand)|(?:is|zijn) (?:hij|ze|zij|die|het)"
        r" (?:er )?(?:niet|weg)))"
        rf"(?=.*{re.escape(TAG_PRESENT_DANGER)})",
        r"\bop (?:dit|het) (?:moment|ogenblik)\b(?! dat)",
        r"\b(?:zojuist|zonet|daarnet|zo net|zo juist)\b",
        r"\b(?:ben|is|zijn|word|wordt|worden|voel|voelt|voelen|krijg|krijgt|heb|heeft|hebben) "
        r"(?:\w+ ){0,2}(?:duizelig|misselijk|suf|sufferig|benauwd|hoofdpijn)\b"
        rf"(?=.*{re.escape(TAG_PRESENT_DANGER)})",
        r"\bnet\b(?<!\bhet net)(?! (?:als|zo|niet|wat|zoals|iets|een beetje|genoeg|op tijd|verhuisd"
        r"|nieuw|begonnen|komen wonen|gekocht))",
        r"\b(?:een|paar|enkele|\d+|vijf|tien|twee|drie) minuten? geleden\b|\beven geleden\b",
        r"\bnog (?:steeds |altijd )?(?:binnen|in huis|in de woning|in de tuin|boven|beneden"
        r"|op straat|op de grond"
        r"|in de buurt|bezig|aan de gang|in brand|bewusteloos|in het water)\b",
        r"\b(?:ze|hij|zij|die) (?:zijn|is|zit|zitten|staat|staan) er nog\b",
        r"\baan de gang\b|\bop heterdaad\b|\bterwijl ik (?:dit )?(?:typ|schrijf|app)\w*",
    ),
    _context(
        "over_or_recurring",
        Level.NOT_ACUTE,
        # over: time words
        r"\bvorig(?:e)? (?:jaar|week|maand|keer|nacht|weekend|zomer|winter|dag)\b",
        r"\bgister(?:en|avond|nacht|ochtend|middag|morgen)?\b|\beergisteren\b|\bvannacht\b",
        r"\bafgelopen (?:\w+ )?(?:nacht|week|weken|maand|maanden|jaar|jaren|weekend|dagen"
        r"|zomer|winter|tijd)\b",
        r"\bvanochtend\b|\bvanmorgen\b|\bdeze (?:week|maand)\b|\bdit jaar\b|\bgeleden\b",
        r"\booit\b|\bvroeger\b|\bdestijds\b|\btoen\b|\blaatst\b|\bonlangs\b|\brecent\w*",
        r"\bin (?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober"
        r"|november|december)\b|\bin (?:19|20)\d\d\b|\bmet oud en nieuw\b",
        r"\b(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
        r"(?:avond|nacht|ochtend|middag|morgen)?\b",
        # over: the event is finished or being dealt with afterwards
        r"\b(?:is|zijn|was|waren) (?:\w+ ){0,5}(?:ingebroken|afgebrand|uitgebrand|geblust"
        r"|geforceerd|opengebroken)\b",
        r"\b(?:ingebroken|afgebrand|uitgebrand) (?:is|was|zijn|waren|geweest)\b",
        r"\bsinds (?:de|die|het|al die) (?:\w+ )?(?:brand|branden|inbraak|inbraken|overval"
        r"|overvallen|ongeluk|explosie|explosies|aanrijding|schietpartij|steekpartij)\b",
        r"\bgeblust\b|\bonder controle\b|\bvoorbij\b",
        # "er is een explosie geweest" is usually said right after the bang
        r"\b(?:is|zijn|was|waren) (?!(?:\w+ ){0,2}(?:explosie|ontploffing|gasexplosie|knal)\b)"
        r"(?:\w+ ){0,3}geweest\b",
        # "na een inbraak" is after the event, unless danger is still present ("ligt
        # bewusteloos na een aanrijding")
        rf"\b(?:na (?:een|de|het|die|afloop)|nadat)\b(?!.*{re.escape(TAG_PRESENT_DANGER)})",
        r"\bachteraf\b|\baangifte\b",
        r"\bverzekering\w*|\bopgepakt\b|\bgearresteerd\b",
        # recurring: frequency, trends
        # "steeds erger" is how bad it is now, not how often
        r"\bsteeds\b(?<!\bnog steeds)(?! (?:erger|sterker|dikker|zwarter|benauwder|heter))",
        r"\bvaak\b|\bregelmatig\b|\btelkens\b|\bherhaaldelijk\b",
        r"\bstructureel\b|\bkeer op keer\b|\bweer (?:eens )?een keer\b",
        r"\bmeerdere (?:keren|malen|inbraken|branden)\b|\bweer eens\b|\bzoveel\b",
        r"\b(?:elke|iedere|elk|ieder) (?:dag|nacht|week|avond|ochtend|keer|maand|jaar|weekend"
        r"|zaterdag|zondag|vrijdag|zomer|winter)\b",
        # "al heel lang" of an alarm that is going off now is how long it has been going
        r"\bal (?:\w+ )?(?:jaren|maanden|weken|dagen|een tijd|tijden|tijdje)\b",
        rf"\bal (?:\w+ )?lang\b(?!.*{re.escape(TAG_PRESENT_DANGER)})",
        r"\bde laatste (?:tijd|jaren|maanden|weken)\b|\btoename\b|\bneemt toe\b",
        r"\bveel (?:inbraken|inbraak|branden|ongelukken|geweld|overlast)\b|\bwordt (?:er )?veel\b",
        r"\b(?:tweede|derde|vierde|vijfde|zoveelste) keer\b|\bactief in\b|\bop zak\b",
        r"\bbij zich\b",
    ),
    _context(
        "urgent",
        Level.ACUTE,
        re.escape(TAG_PRESENT_DANGER),
        re.escape(TAG_EXCLAIM),
        r"\bsnel\b|\bdirect\b|\bmeteen\b|\bonmiddellijk\b|\bdringend\b|\burgent\b|\bspoed\b",
        r"\basap\b|\bhaast\b|\bpls\b|\bplease\b|\bnoodgeval\b",
    ),
    _context(
        "what_to_do",
        Level.ACUTE,
        r"\bwat (?:moet|kan|moeten|kunnen|zal) (?:ik|we|wij|je|u) (?:\w+ )?doen\b",
        r"\bwat te doen\b|\bwat nu\b|\bwat doe ik\b|\bwie (?:moet|kan|moeten) (?:ik|we) bellen\b",
        r"\bmoet ik (?:\w+ ){0,2}bellen\b|\bkan (?:er )?iemand (?:komen|helpen)\b",
        concrete_only=True,
    ),
    _context(
        "past_or_general",
        Level.NOT_ACUTE,
        # past tense
        r"\b(?:was|waren|werd|werden|had|hadden|stond|stonden|lag|lagen|zat|zaten|brandde"
        r"|brandden|gebeurde|kwam|kwamen|probeerde|probeerden|sloeg|sloegen|vocht|vochten"
        r"|ontplofte)\b",
        r"\b(?:heb|hebben|heeft) (?:\w+ ){0,3}(?:gehad|meegemaakt|gebrand)\b|\bmeegemaakt\b",
        # a condition rather than a fact
        r"\bals (?:er|iemand|je|u|ik|mijn|ons|het|de|een|jouw)\b|\bindien\b",
        r"\bwanneer (?:er|iemand|je|u)\b",
        # looking for a contact, a worry, general information
        r"\bwaar kan ik (?:\w+ ){0,2}(?:terecht|melden|aangeven|heen|hulp|informatie)\b",
        r"\b(?:met|bij) wie kan ik\b|\bwie kan ik (?:\w+ )?(?:aanspreken|benaderen|spreken)\b",
        r"\bhoe kan ik\b|\bhoe (?:regel|krijg|vraag) ik\b",
        r"\bzorgen (?:over|om)\b|\b(?:bang|angst) (?:voor|dat)\b|\bongerust\b",
        r"\bonveilig\w*|\bgevaarlijk\w*|\bik wil (?:\w+ ){0,2}(?:praten|weten|vragen|bespreken)\b",
        r"\binformatie\b|\bvraag over\b|\bwie (?:is|zijn) (?:er )?verantwoordelijk\b",
        r"\bwie betaalt\b|\bwijkagent\b",
    ),
)
