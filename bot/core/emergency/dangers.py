"""Danger words: the patterns for fire, gas, burglary, violence, weapons, drowning, accidents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


def _gap(n: int) -> str:
    """Up to n filler words between two parts of a pattern ("staat [helemaal] in brand")."""
    return rf"(?:\w+ ){{0,{n}}}"


_ANIMALS: Final = (
    r"\b(?:hond|honden|hondje|kat|katten|poes|poezen|kitten|vogel\w*|eend\w*|zwaan|zwanen"
    r"|egel\w*|konijn\w*|dier|dieren|dier\w+|paard\w*|koe|koeien|schaap|schapen|vos|ree"
    r"|reeen|hert|duif|duiven|meeuw\w*|reiger\w*|kip|kippen|cavia\w*|hamster\w*)\b"
)
_LIGHTS: Final = (
    r"\b(?:licht|lichten|lamp\w*|lantaarn\w*|straatlantaarn\w*|straatverlichting|verlichting"
    r"|kaars\w*|led|leds|lampje\w*|lichtje\w*|kachel\w*|oven)\b|\bbrandt niet\b"
)
_STOKING: Final = (
    r"\b(?:hout)?kachel\w*|\bstook\w*|\bstoken\b|\bbarbecue\w*|\bbbq\b|\bvuurkorf\w*"
    r"|\bopen haard\b|\bhoutrook\b|\bsigaret\w*|\bsigaar\w*|\bjoint\w*|\bwiet\b|\bblow\w*"
    r"|\bvuurtje\b|\bpaasvuur\b|\bkampvuur\b|\broken\b|\broker\w*|\brookoverlast\b"
    r"|\b(?:hij|zij|ze|buurman|buurvrouw|buren|buurjongen|mensen) (?:\w+ )?(?:rookt|roken)\b"
)
_PERSON: Final = (
    r"(?:iemand|(?:een|mijn|onze|de|die|deze) (?:\w+ )?(?:man|vrouw|jongen|meisje|kind"
    r"|persoon|fietser|voetganger|scooterrijder|bejaarde|meneer|mevrouw|oudere|buurman"
    r"|buurvrouw|moeder|vader|opa|oma|zoon|dochter|broer|zus|vriend|vriendin|partner"
    r"|baby|peuter))"
)
# Sewer smells are a defect to report, not a gas leak.
_SEWER: Final = r"\briool\w*|\bputje\w*|\bputten\b"
_FIRE_THINGS: Final = (
    r"(?:huis|woning|schuur|schuurtje|garage|auto|keuken|flat|zolder|dak|container"
    r"|kliko|scooter|brommer|bus|boom|heg|schutting|balkon|kamer|pan|meterkast"
    r"|wasmachine|droger|berging|gebouw|school|winkel|loods|caravan|camper|boot)"
)
_WEAPONS: Final = (
    r"(?:mes|messen|pistool|pistolen|vuurwapen\w*|wapen|wapens|geweer|geweren|machete"
    r"|bijl|hakmes|knuppel|honkbalknuppel|stiletto|vlindermes|zwaard|kapmes|luchtbuks)"
)
_WATER: Final = (
    r"(?:te water|in het water|in de sloot|in de gracht|in de vijver|in de vaart|in de plas"
    r"|in het kanaal|in de rivier|in de haven|in zee)"
)
_VICTIMS: Final = (
    r"(?:me|mij|ons|haar|hem|iemand|elkaar|zijn vrouw|zijn vriendin|zijn kind|zijn kinderen"
    r"|de kinderen|mijn moeder|mijn vader|mijn zus|mijn broer|een vrouw|een man|een kind"
    r"|een jongen|een meisje|een oude man|een oude vrouw|de buurvrouw|de buurman|mensen)"
)
_PARTNERS: Final = (
    r"(?:man|vriend|partner|ex|vader|moeder|zoon|dochter|broer|vrouw|vriendin|stiefvader"
    r"|schoonvader|oom)"
)
_YOUNG_CHILD: Final = (
    r"\b(?:kind|kindje|kleintje|peuter\w*|kleuter\w*|baby\w*|dreumes\w*|jongetje|meisje"
    r"|zoontje|dochtertje|jochie|hummel\w*|kinderen|kindjes|(?:twee|drie|vier)jarige)\b"
)
_UNWATCHED: Final = (
    r"\balleen\b|\bin (?:zijn|haar|zn|dr|hun) (?:een|eentje|uppie)\b|\bzonder (?:ouders"
    r"|ouder|toezicht|begeleiding|volwassenen?)\b|\bgeen (?:ouders?|volwassenen?) (?:te zien"
    r"|in de buurt|bij)\b|\bniemand (?:let|kijkt|is) (?:er )?(?:op|naar|bij)\b|\bonbeheerd\b"
)
# Places where an unwatched small child is in danger of falling, drowning or being hit.
_CHILD_DANGER_SPOTS: Final = (
    r"\b(?:balkon|raam|open raam|vensterbank|reling|dak|rand|ijs|water|waterkant|sloot|gracht"
    r"|vijver|vaart|kanaal|haven|rivier|kade|rijbaan|rijweg|weg|snelweg|ringweg|spoor|rails"
    r"|spoorlijn|kruispunt|rotonde|drukke straat|steiger)\b"
)
# A small child doing something that can kill it in seconds, watched or not.
_CHILD_VERBS: Final = (
    r"\b(?:hangt|hangen|klimt|klimmen|staat|staan|zit|zitten|loopt|lopen|kruipt|kruipen"
    r"|balanceert|speelt|spelen)\b"
)
_CHILD_PERILS: Final = (
    r"(?:uit (?:het|een) raam|op (?:de|het|een) (?:vensterbank|reling|dak|rand|balkonrand"
    r"|rijbaan|snelweg|ringweg|spoor|rails)|over (?:de|het) (?:reling|spoor|balkon\w*|rails"
    r"|balustrade)"
    r"|op (?:de )?rand van)"
)
# Written messages and social media: a threat that arrives there is a police matter,
# not a 112 call (unless something else in the message is acute).
_ONLINE: Final = (
    r"\b(?:via|op|over|in) (?:de |het |een )?(?:instagram|insta|snapchat|snap|whatsapp|app|apps"
    r"|appjes|sms|smsjes|tiktok|facebook|fb|twitter|telegram|internet|social media|sociale media"
    r"|mail|email|e mail|berichtjes|berichten|dm|dms|chat|groepsapp|discord|telefoon)\b"
    r"|\bonline\b|\bdreigbericht\w*|\bdreigende (?:berichten|appjes|mails|sms)\b"
)
_ROOMS: Final = (
    r"(?:huis|woning|woonkamer|keuken|gang|hal|slaapkamer|kamer|schuur|garage|zolder|kelder"
    r"|berging|tuin|achtertuin|badkamer|kinderkamer|auto|bus|busje|caravan|camper)"
)
_STRANGER: Final = (
    r"\bken (?:hem|haar|ze|die|hen) niet\b|\bniet ken\b|\bvreemde?\b|\bonbekende?\b"
    r"|\bdoorzoekt\b|\bdoorzoeken\b|\balleen thuis\b|\bs nachts\b|\bmidden in de nacht\b"
    r"|\bverstopt\b|\bik ben bang\b|\bhoort hier niet\b|\bwoont hier niet\b"
)
_FIRE_ALARMS: Final = (
    r"\b(?:rookmeld\w*|brandmeld\w*|brandalarm\w*|rookalarm\w*|rook melder\w*"
    r"|brand (?:alarm|melder)\w*|alarm van de (?:rookmelder|brandmelder)\w*)"
)
_CO_ALARMS: Final = r"\b(?:co|k\w{1,3}mon\w{2,6}) ?(?:melder|alarm|meter)\w*"
# An alarm that is going off, as opposed to one that beeps for its battery.
_GOING_OFF: Final = (
    r"\b(?:af|afgaat|afgaan|afging|loeit|loeien|loopt|lopen|gilt|tettert|blijft (?:maar )?"
    r"(?:gaan|loeien|afgaan)|slaat alarm|slaan alarm|slaat aan|slaan aan|aangeslagen"
    r"|gaat (?:al|de hele tijd|maar door|steeds door)|gaan (?:al|de hele tijd|maar door)"
    r"|(?:gaat|gaan) (?:\w+ ){1,3}(?:al|de hele tijd|maar door|nog steeds))\b"
    r"|\b(?:onafgebroken|continu|constant|aan een stuk|non ?stop|minutenlang|al minuten)\b"
    r"|\b(?:gaat|gaan) (?:\w+ ){0,2}(?:rookmeld|brandmeld|brandalarm|rookalarm|co melder"
    r"|koolmonoxide)\w*$"
)
# Persons who can carry a weapon in "een man met een mes".
_HOLDERS: Final = (
    r"(?:man|mannen|vent|venten|gast|gasten|jongen|jongens|iemand|persoon|personen|vrouw"
    r"|figuur|type|gozer|kerel|buurman|buurjongen|hij|ze|zij|groep|jongeren)"
)


@dataclass(frozen=True)
class Danger:
    """A danger pattern, void when `unless` also matches.

    `present`: the wording itself says it is happening now ("staat in brand").
    `abstract`: a word for a kind of danger ("huiselijk geweld") that residents use when
    they ask about it; alone it is not taken as an emergency.
    `ongoing`: a problem for the wijkagent or buurtbemiddeling even while it goes on (a drug
    house, threats on Instagram, a neighbour's smoke); alone it is never an emergency.
    `device`: a safety device (a smoke alarm, an extinguisher) named as a thing; alone it
    is a kind of danger, and a defect or a purchase (DEVICE_PROBLEM) is not acute.
    """

    name: str
    regex: re.Pattern[str]
    present: bool = False
    abstract: bool = False
    unless: re.Pattern[str] | None = None
    ongoing: bool = False
    device: bool = False

    def found_in(self, text: str) -> bool:
        if not self.regex.search(text):
            return False
        return self.unless is None or not self.unless.search(text)


def _danger(
    name: str,
    pattern: str,
    *,
    present: bool = False,
    abstract: bool = False,
    unless: str | None = None,
    ongoing: bool = False,
    device: bool = False,
) -> Danger:
    return Danger(
        name,
        re.compile(pattern),
        present,
        abstract or ongoing or device,
        re.compile(unless) if unless else None,
        ongoing,
        device,
    )


# In order of priority: the first match names the danger in the verdict.
DANGERS: Final[tuple[Danger, ...]] = (
    # --- emergency services asked for outright
    _danger(
        "services.call_112",
        r"\bbel (?!ik |je |u |we |men |jij )(?:\w+ )?"
        r"(?:112|de brandweer|brandweer|een ambulance|de ambulance|ambulance|de politie|politie)\b"
        r"|\bstuur (?:\w+ ){0,2}(?:politie|brandweer|ambulance|hulpdiensten)\b"
        r"|\b(?:ambulance|brandweer|traumaheli|mmt) (?:\w+ )?nodig\b"
        r"|\bhulpdiensten (?:nodig|sturen)\b",
        present=True,
    ),
    # --- fire
    _danger(
        "fire.on_fire",
        rf"\b(?:staat|staan|gaat|gaan|vliegt|vliegen) {_gap(3)}in (?:de )?"
        r"(?:brand|fik|vlammen|lichterlaaie|hens)\b"
        r"|\bin (?:de )?(?:brand|fik|lichterlaaie|hens) (?:staat|staan)\b"
        r"|\b(?:vat|vatten|vatte|vatten) vlam\b|\bvlam gevat\b|\bvlam in de pan\b"
        r"|\ber (?:is|woedt) (?:een )?(?:\w+ )?brand\b(?! geweest)"
        r"|\bbrand (?:is )?uitgebroken\b|\bbreekt (?:\w+ )?brand uit\b"
        r"|\bvuur (?:slaat|komt|springt) (?:\w+ ){0,2}(?:uit|over)\b"
        rf"|\b(?:wordt|worden|steekt|steken) {_gap(4)}in (?:de )?(?:brand|fik)\b"
        rf"|\b(?:wordt|worden) {_gap(4)}aangestoken\b",
        present=True,
    ),
    _danger(
        "fire.set_alight",
        r"\bin (?:de )?(?:brand|fik) (?:gezet|gestoken|gevlogen|geraakt)\b",
    ),
    _danger(
        "fire.burns",
        rf"\b(?:het|er|alles|{_FIRE_THINGS}\w{{0,4}}) (?:\w+ )?brandt\b"
        r"|\bbrandt (?:het|er|alles)\b"
        r"|\bbrandende (?!(?:vraag|vragen|kwestie|dorst|zon|liefde|verlangen|kaars|lamp)\w*)\w+"
        r"|\baan het (?:branden|smeulen|fikken)\b"
        r"|\b(?:vuur|vuurtje|brand|brandje|vlammen|vlam) (?:\w+ ){0,3}(?:ontstaan|ontstaat"
        r"|uitgebroken|wordt groter|worden groter|verspreidt|slaat over|grijpt om zich heen)\b"
        r"|\b(?:staat|staan|ligt|liggen) (?:\w+ )?te branden\b",
        present=True,
        unless=_LIGHTS,
    ),
    _danger(
        "fire.smoke",
        rf"\b(?:er komt|komt er|ik zie|zie|ik ruik|ruik|ruiken|ruikt|stinkt) {_gap(3)}"
        r"(?:rook|brandlucht)\b"
        r"|\brook (?:komt|uit|onder|overal|in)\b|\b(?:veel|dikke|zwarte|witte|grijze) rook\b"
        r"|\b(?:staat|staan|hangt|hangen|zit|zitten) (?:\w+ ){0,2}vol (?:met )?rook\b"
        r"|\bvol rook\b|\brookontwikkeling\b|\bbrandlucht\b|\bschroeilucht\b"
        r"|\bruik(?:t|en)? (?:\w+ ){0,2}(?:brand|verbrand|schroei)\w*"
        r"|\brook(?:wolk|wolken|pluim|pluimen|kolom|walm|walmen)\b|\bwalm(?:t|en)\b"
        # "rookt" of things, not of people smoking (those are in _STOKING)
        rf"|\b(?:er|het|iets|wat|alles) {_gap(3)}rookt\b"
        rf"|\b(?:{_FIRE_THINGS}|kelder|meterkast|motorkap|motor|dakgoot|stopcontact|ketel"
        rf"|cv ketel|boiler|afzuigkap|vuilnisbak|prullenbak)\w{{0,4}} {_gap(3)}rookt\b"
        r"|\brookt (?:\w+ ){0,3}(?:uit|onder) (?:de|het|een)\b"
        r"|\brookt (?:heel |erg |zo )?(?:helemaal|enorm|flink|hevig|heel erg)\b",
        present=True,
        unless=_STOKING,
    ),
    _danger(
        "fire.smoke_word",
        # smoke itself, whatever the verb; not "rook" as the past tense of "ruiken"
        r"\brook\b(?! (?:het|er|ik|hij|zij|ze|je|u|we|naar|zonder vuur)\b)",
        unless=_STOKING + r"|\bvuurwerk\w*|\brookworst\w*|\brookmachine\w*|\bschoorsteen\w*"
        r"|\bfabriek\w*|\buitlaat\w*|\blast van\b|\boverlast\b|\bstank\w*|\brookvrij\w*",
    ),
    _danger(
        "fire.smoke_filled",
        # a home or stairwell full of smoke is danger, whatever the smoke comes from
        r"\b(?:staat|staan|hangt|hangen|zit|zitten) (?:\w+ ){0,2}vol (?:met )?rook\b"
        r"|\bvol (?:met )?rook (?:\w+ ){0,2}(?:staat|staan|hangt|zit)\b"
        r"|\brook onder (?:de|het) deur",
        present=True,
    ),
    _danger(
        "nuisance.smoke",
        # smoke from stoking or smoking: a neighbour matter, which fire.smoke leaves alone
        rf"^(?=.*\b(?:rook|rookt|roken|walm\w*|stank)\b)(?=.*(?:{_STOKING}))",
        ongoing=True,
        # signs of a fire: leave those to the classifier rather than take its `emergency` back
        unless=r"\bvol (?:met )?rook\b|\b(?:dikke|zwarte) rook\b|\brookmeld\w*|\balarm\w*"
        r"|\bvlam\w*|\bvuur\b|\bbrand\w*|\bfik\b|\bademen\b|\bbenauwd\b|\bstikken\b",
    ),
    _danger(
        "fire.smoulder",
        r"\b(?:smeult|smeulen|smeulend|smeulende|smeulde|smeulden|gloeit|gloeien)\b",
        present=True,
        unless=r"\b(?:conflict|ruzie|onvrede|spanning\w*|sigaret\w*|peuk\w*|kolen|barbecue"
        r"|bbq|vuurkorf|houtskool|kachel)\b",
    ),
    _danger(
        "fire.alarm",
        # a fire alarm and a sign that it is going off, anywhere in the message: a beep
        # ("piept") is its battery, a cooking fume is a false alarm the resident knows
        rf"^(?=.*{_FIRE_ALARMS})(?=.*(?:{_GOING_OFF}))",
        present=True,
        unless=r"\bbatterij\w*|\bkoken\b|\bkook\w*|\baangebrand\w*|\btest\w*"
        r"|\bloos alarm\b|\bvals alarm\b|\bkapot\b|\bdoet het niet\b|\bdouche\w*|\bstoom\b",
    ),
    _danger(
        "fire.word",
        r"\b(?:brand|brandje|fikkie|vuurzee|vlammetjes|vlammetje|woningbrand|schuurbrand|autobrand|containerbrand"
        r"|keukenbrand|binnenbrand|schoorsteenbrand|uitslaande brand|vlammen|vuur|vonken)\b"
        r"|\bde fik\b",
        # "ik brand van nieuwsgierigheid", "brand maar los" (go ahead), "de lamp brand niet"
        # (d/t error), "in vuur en vlam" (enthusiastic)
        unless=r"^ik brand\b|\bik brand (?:van|me|mijn|helemaal|echt|erg)\b|\bbrand (?:maar )?los\b"
        r"|\bbrand van (?:nieuwsgierigheid|verlangen|ongeduld|liefde|woede|spanning|ergernis)\b"
        r"|\bbrand (?:\w+ )?(?:niet|nooit|altijd|de hele)\b|\bvuur en vlam\b|\bvuur aan de schenen"
        r"|\bvuur (?:stoken|maken|aansteken)\b"
        # the English "brand" of a make ("which brand of smoke alarm")
        r"|\b(?:what|which|this|that|same|new|good|cheap|favourite|favorite|other) brand\b"
        r"|\bbrand (?:of|new|name|names)\b"
        r"|\bvlammetjes? van (?:de|het|een|mijn) (?:kaars\w*|aansteker|gasfornuis|kookplaat)"
        r"|" + _STOKING,
    ),
    _danger(
        "fire.device",
        rf"{_FIRE_ALARMS}|{_CO_ALARMS}|\bbrandblusser\w*|\bblusdeken\w*",
        device=True,
    ),
    _danger(
        "device.other",
        # things that burn, beep or go off without danger: lights, car alarms
        r"\b(?:lantaarn\w*|straatlantaarn\w*|lantaarnpa\w*|straatverlichting|verlichting"
        r"|lamp|lampen|lampje\w*|autoalarm\w*|auto alarm\w*)\b"
        r"|\balarm van (?:de|een|zijn|haar|hun) (?:\w+ )?auto\b",
        device=True,
    ),
    _danger(
        "fire.topic",
        # arson and fires told in the past tense: the context says whether it goes on
        r"\b(?:brandstichting|brandstichter\w*|brand gesticht|brandgesticht|aangestoken"
        r"|brandde|brandden|afgebrand|uitgebrand)\b",
        abstract=True,
    ),
    _danger(
        "fire.explosion",
        r"\b(?:explosie|ontploffing|ontploft|ontploffen|ontplofte|gasexplosie|steekvlam)\b",
        unless=r"\b(?:hoofd|kop|telefoon|inbox|mailbox|prijzen|kosten|huur|rekening)\w* "
        r"(?:\w+ ){0,2}(?:ontploft|ontploffen)\b|\bik ontplof",
    ),
    # --- gas
    _danger(
        "gas.smell",
        rf"\b(?:ruik|ruikt|ruiken|stinkt|stinken) {_gap(3)}(?:naar )?gas\b"
        r"|\bgas (?:ruik|ruikt|ruiken)\b"
        r"|\bgas (?:lekt|lekken|ontsnapt|stroomt|lucht)\b|\blekt (?:er )?gas\b"
        rf"|\bgas(?:leiding|fles|kraan|meter)\w* {_gap(2)}(?:geraakt|kapot|lek|lekt|gebroken"
        r"|doorgeboord|beschadigd|afgebroken)\b"
        rf"|\b(?:co|koolmonoxide)(?: ?melder| ?alarm)\w* {_gap(3)}(?:gaat|ging|loopt|piept) af\b"
        r"|\b(?:co|koolmonoxide)(?: ?melder| ?alarm)\w* (?:gaat|loopt) ",
        present=True,
        unless=_SEWER,
    ),
    _danger(
        "gas.word",
        r"\blekkage van gas\b|\brook (?:het|er) (?:\w+ ){0,2}naar gas\b"
        r"|\b(?:gaslucht|gasgeur|gaslek|gaslekken|gaslekkage|gaslekkages|koolmonoxide"
        r"|koolmonoxidevergiftiging"
        r"|co vergiftiging|gasexplosie)\b",
        unless=_SEWER,
    ),
    _danger(
        "gas.co_alarm",
        # a carbon monoxide alarm that beeps is an alarm: it has no battery chirp to confuse
        rf"^(?=.*{_CO_ALARMS})(?=.*(?:{_GOING_OFF}|\bpiep(?:t|en)\b|\balarm\b(?!\w)))",
        present=True,
        unless=r"\bbatterij\w*|\bkapot\b|\btest\w*|\bophangen\b|\bkopen\b|\bvervang\w*",
    ),
    # --- burglary, intruders
    _danger(
        "burglary.in_progress",
        rf"\b(?:wordt|worden|word) {_gap(4)}ingebroken\b"
        rf"|\b(?:breekt|breken) {_gap(4)}in\b(?! (?:op|het gesprek))"
        rf"|\b(?:probeert|proberen|wil|willen) {_gap(6)}(?:in te breken|binnen te komen"
        r"|open te wrikken|open te trappen|in te trappen|in te slaan|open te krijgen"
        r"|open te breken|te forceren|open te maken|te stelen)\b"
        r"|\b(?:aan het|bezig met|bezig om) (?:in te breken|inbreken)\b"
        rf"|\b(?:inbreker|inbrekers|insluiper|insluipers|dief|dieven|overvaller|overvallers)"
        rf" {_gap(2)}(?:in|bij|op|staat|staan|zit|zitten|is|zijn|loopt|lopen|rommelt|rommelen"
        r"|binnen|boven|beneden)\b"
        rf"|\b(?:rommelt|rommelen|morrelt|morrelen|wrikt|wrikken|forceert|forceren|peutert"
        rf"|prutst|trapt|trappen|ramt|rammen) {_gap(4)}(?:deur|voordeur|achterdeur|raam|ramen"
        r"|slot|sloten|schuur|schuurdeur|balkondeur|ruit|ruiten)\b"
        rf"|\b(?:vreemde|onbekende|gemaskerde) (?:man|vrouw|mannen|persoon|personen|mensen"
        rf"|jongen|jongens|figuur|figuren)\b {_gap(3)}(?:in|door) (?:mijn|ons|onze|het|de) "
        r"(?:huis|woning|tuin|achtertuin|schuur|gang|trappenhuis|slaapkamer)\b"
        r"|\b(?:er (?:is|zit|zitten|staat|staan|loopt|lopen)|hoor|hoort|horen|zie|ziet|dat er)"
        rf" iemand {_gap(2)}in (?:mijn|ons|onze|de|het) "
        r"(?:huis|woning|tuin|achtertuin|schuur|slaapkamer|kamer|berging)\b"
        rf"|\b(?:trapt|trappen|ramt|rammen|beukt|beuken) {_gap(2)}(?:\w+ )?deur in\b"
        rf"|\b(?:hebben|heeft) {_gap(2)}deur {_gap(3)}(?:ingetrapt|ingeramd|opengebroken)\b"
        r"|\bbivakmuts\w*"
        r"|^(?=.*\bzaklamp\w*)(?=.*\b(?:huis|woning|schuur|binnen|slaapkamer|kamer)\b)"
        r"|^(?=.*\b(?:ingeslagen|ingegooid|ingetrapt|opengebroken|geforceerd|opengewrikt)\b)"
        r"(?=.*\b(?:is|zijn|nu|nog) (?:\w+ )?binnen\b)"
        r"|\b(?:iemand|man|vrouw|jongen|vent|gast|figuur|mannen|hij|persoon|inbreker\w*|dief"
        r"|dieven) (?:\w+ ){0,3}(?:door|via) (?:het|de|een) (?:\w+ ){0,4}(?:naar binnen )?"
        r"(?:klimmen|kruipen|klimt|kruipt|stappen|springen)\b"
        r"|\b(?:hoor|hoorde|horen) (?:\w+ ){0,2}(?:glas|ruit|ruiten|een ruit) (?:breken|rinkelen"
        r"|sneuvelen|kapot)\b"
        r"|\biemand (?:\w+ ){0,2}(?:loopt|lopen|sluipt|rommelt|scharrelt) (?:\w+ )?(?:beneden"
        r"|binnen|in huis|in de woonkamer|in de keuken|rond in (?:ons|mijn))\b"
        # climbing in, forcing a way in
        rf"|\b(?:klimt|klimmen|kruipt|kruipen|stapt|stappen) {_gap(4)}(?:door|via|over|in) "
        r"(?:het|de|een|ons|onze|mijn) (?:\w+ )?(?:raam|ramen|dakraam|balkon|schutting"
        r"|achterdeur|keukenraam|slaapkamerraam|wc raam)\b"
        r"|\b(?:binnengedrongen|binnengeklommen|ingeklommen|naar binnen geklommen"
        r"|binnengeslopen|naar binnen geslopen)\b"
        r"|\bbinnengegaan via (?:het|de|een) (?:raam|achterdeur|balkon|dakraam|schuur|tuin)\b"
        # a stranger in one's home: place and a sign that it is a stranger
        rf"|^(?=.*\b(?:iemand|een (?:\w+ )?(?:man|vrouw|persoon|jongen|vent|gast|figuur)"
        rf"|mannen|vreemden?) (?:\w+ ){{0,2}}in (?:mijn|ons|onze|de) {_ROOMS}\b)"
        rf"(?=.*(?:{_STRANGER}))"
        rf"|\b(?:hoor|hoort|horen|hoorde) iemand {_gap(2)}(?:in|op) (?:(?:mijn|ons|onze|de|het) )?"
        rf"{_ROOMS}\b"
        # "ze" are the burglars when the message speaks of burglary
        r"|^(?=.*\b(?:inbraak|inbreker|inbrekers|ingebroken|dieven)\b).*\b(?:staan|zitten|lopen"
        r"|zijn) ze (?:\w+ )?(?:in|bij|op) (?:de|onze|mijn|ons|het) (?:tuin|achtertuin|schuur"
        r"|huis|dak|balkon|deur|voordeur|achterdeur)\b",
        present=True,
        unless=r"\binbreker\w* (?:in|op) (?:de|het|het nieuws|de krant|de wijk|de buurt)\b"
        r"|^(?:de|onze|mijn|ons) (?:kat|poes|kater|hond|katten|honden)\b",
    ),
    _danger(
        "burglary.word",
        r"\b(?:inbraak|inbraakpoging|inbreker|inbrekers|ingebroken|inbreken|insluiper"
        r"|insluipers|overval|overvallen|overvaller|overvallers|beroofd|beroving|straatroof"
        r"|ramkraak|plofkraak)\b",
        unless=r"\boverval(?:len)? door (?:de )?(?:regen|storm|slaap|vragen|emoties)",
    ),
    # --- violence, weapons, shots
    _danger(
        "violence.assault",
        rf"\b(?:wordt|worden|word) {_gap(4)}(?:geslagen|geschopt|getrapt|mishandeld|aangevallen"
        r"|gevochten|geknokt|mishandelt"
        r"|neergestoken|gestoken|gewurgd|beroofd|overvallen|achtervolgd|verkracht|gemolesteerd"
        r"|ontvoerd|gegijzeld|in elkaar geslagen|in elkaar getrapt)\b"
        r"|\b(?:geslagen|geschopt|mishandeld|aangevallen|neergestoken|gewurgd)"
        r" (?:wordt|worden)\b"
        rf"|\b(?:slaat|slaan|steekt|steken|schopt|schoppen|rijdt|rijden) {_gap(4)}op "
        r"(?:mensen|iemand|hem|haar|ons|mij|elkaar|de mensen|omstanders) in\b"
        rf"|\b(?:slaat|slaan|schopt|schoppen|trapt|trappen|mishandelt|mishandelen|wurgt|wurgen"
        rf"|steekt|steken) {_gap(3)}{_VICTIMS}\b"
        rf"|\bmijn {_PARTNERS} {_gap(3)}(?:slaat|schopt|mishandelt|wurgt|steekt|sloeg"
        rf"|bedreigt(?!.*(?:{_ONLINE})))\b"
        rf"|\b(?:zijn|is|ze|zij|jongens|mannen|mensen|twee|groep|jongeren) {_gap(3)}"
        r"(?:aan het )?(?:vechten|knokken)\b(?! (?:tegen|voor|om|met de))"
        rf"|\b(?:roept|roepen|schreeuwt|schreeuwen|gilt|gillen) {_gap(2)}om hulp\b"
        r"|\bgevecht (?:\w+ )?(?:gaande|aan de gang|bezig)\b"
        r"|\baan het (?:mishandelen|slaan|schoppen|trappen|steken|wurgen|aftuigen)\b"
        r"|\ber (?:vecht|vechten|knokt|knokken)\b"
        r"|\b(?:er is|is er|zie) (?:een )?(?:gevecht|vechtpartij|knokpartij)\b(?! geweest)"
        rf"|\b(?:slaat|slaan|schopt|schoppen|trapt|trappen|beukt|beuken) {_gap(2)}op "
        r"(?:een|de|die|twee|mijn|onze) (?:\w+ ){0,2}in\b"
        r"|\b(?:slaat|slaan|sloeg) (?:\w+ )?met (?:een |zijn |haar )?\w+ op (?:voorbijgangers"
        r"|mensen|iemand|omstanders|bezoekers|klanten|kinderen|de mensen|hem|haar|ons|mij)\b"
        r"|\bacuut gevaar\b"
        rf"|\b(?:schopt|schoppen|trapt|trappen|slaat|slaan) {_gap(3)}tegen (?:het|zijn|haar|z n)"
        r" (?:hoofd|kop|lijf|gezicht)\b"
        r"|\bhulpgeroep\b|\bdreigt (?:\w+ ){0,3}(?:te vermoorden|dood te maken|neer te steken"
        r"|te slaan|iets aan te doen)\b"
        r"|\bin (?:een|de|zijn|hun) (?:auto|busje|bus|bestelbus) (?:getrokken|gesleurd|geduwd"
        r"|meegesleurd)\b",
        present=True,
        # figures of speech, play, worries about what might happen, animals
        unless=r"\bslaa?t (?:nergens|niet|niks|helemaal niet|echt nergens) op\b|\b(?:dat|dit|het) "
        r"slaat op\b|\bwaar slaat\b|\bslaat (?:alarm|toe|aan)\b|\bvoor de (?:lol|grap)\b"
        r"|\bstoeien\b|\b(?:gaan|gaat|willen|wil|zullen|zal) (?:\w+ ){0,2}(?:vechten|knokken)\b|"
        + _ANIMALS,
    ),
    _danger(
        "violence.word",
        r"\b(?:vechtpartij|knokpartij|steekpartij|massale vechtpartij|mishandeld"
        r"|in elkaar geslagen|in elkaar getrapt|in elkaar geschopt|neergestoken|gestoken)\b",
        unless=r"\bgestoken door (?:een )?(?:wesp|bij|mug|insect)\w*|\bin (?:het|de) "
        r"(?:pak|nieuwe kleren) gestoken\b|\b(?:geld|tijd|energie|moeite) in\b",
    ),
    _danger(
        "violence.threat",
        rf"\b(?:wordt|worden|word) {_gap(4)}bedreigd\b|\bbedreigd (?:wordt|worden)\b",
        unless=_ONLINE,
    ),
    _danger(
        "threat.online",
        rf"^(?=.*\b(?:bedreig\w*|dreig\w*|gestalkt|stalkt|stalken|stalker|lastiggevallen"
        rf"|lastig gevallen|gepest|uitgescholden|geintimideerd|afgeperst|chantage|chanteert))"
        rf"(?=.*(?:{_ONLINE}))",
        ongoing=True,
    ),
    _danger(
        "crime.drugs",
        r"\b(?:drugspand|drugshuis|drugswoning|drugshandel|drugsdealer\w*|dealer|dealers|dealen"
        r"|gedeald|deal(?:t|en) (?:\w+ ){0,2}(?:drugs|wiet|coke)|hennep\w*|wietplantage\w*"
        r"|wietkwekerij\w*|kwekerij|drugslab\w*|xtc lab|(?:wiet|hennep) (?:kweken|kweekt|teelt)"
        r"|(?:kweken|kweekt) (?:\w+ )?wiet|ondermijning|drugsoverlast|drugsafval"
        r"|drugs (?:\w+ )?(?:verkocht|verkopen|verkoopt|verhandeld|dealen))\b",
        ongoing=True,
    ),
    _danger(
        "crime.premises",
        r"\bverdacht(?:e)? (?:pand|panden|woning|huis|loods|garagebox|bedrijf|winkel)\b"
        r"|\bmensenhandel\b|\bheling\b|\bwitwassen\b",
        ongoing=True,
    ),
    _danger(
        "violence.topic",
        r"\b(?:huiselijk geweld|geweld|mishandeling|gijzeling|ontvoering|verkrachting"
        r"|kindermishandeling|ouderenmishandeling|straatroof)\b",
        abstract=True,
    ),
    _danger(
        "weapon.threat",
        rf"\b(?:dreigt|dreigen|bedreigt|bedreigen|zwaait|zwaaien|loopt|lopen|staat|staan|rent"
        rf"|rennen|zit|zitten|trekt|trekken|steekt|komt|komen|wappert|is|zijn) {_gap(4)}met "
        rf"(?:een |zijn |haar |hun )?(?:groot |grote )?{_WEAPONS}\b"
        rf"|\b{_WEAPONS} (?:getrokken|gepakt|tevoorschijn)\b"
        rf"|\b(?:trekt|pakt|richt) {_gap(2)}(?:een |zijn |haar )?{_WEAPONS}\b"
        r"|\bgewapende? (?:man|mannen|overval|overvaller\w*|persoon|personen|jongen\w*)\b"
        rf"|\b(?:heeft|hebben|had) (?:een |zijn |haar |hun )?{_WEAPONS}\b"
        rf"|\b{_HOLDERS} (?:\w+ ){{0,2}}met (?:een |zijn |haar |hun |een groot |een grote )?"
        rf"{_WEAPONS}\b"
        rf"|\b(?:houdt|hield|drukt|zet|duwt) {_gap(3)}{_WEAPONS} (?:tegen|op|bij)\b"
        rf"|\bmet (?:een |zijn |haar |z n )?{_WEAPONS} {_gap(2)}(?:zwaait|zwaaien|dreigt|dreigen"
        r"|loopt|lopen|rent|rennen|staat|staan|achtervolgt|achtervolgen|zit|zitten|slaat|slaan"
        r"|rondloopt|rondlopen|bedreigt|bedreigen|richt|prikt)\b"
        rf"|\b{_WEAPONS} (?:in (?:zijn|haar|z n|de|hun) (?:hand|handen|jas|broek)"
        r"|(?:op|tegen) (?:de|zijn|haar|mijn|m n) (?:keel|nek|hals|hoofd|buik))\b",
        present=True,
        unless=r"\b(?:brood|groente|vlees|aardappel\w*|snijden|slijpen|koken|gevonden|gekocht"
        r"|verzamel\w*|nepwapen\w*|speelgoed\w*)\b",
    ),
    _danger(
        "shots.fired",
        rf"\b(?:wordt|worden|werd) {_gap(3)}geschoten\b"
        rf"|\b(?:schiet|schieten) {_gap(2)}(?:op (?:mij|ons|iemand|mensen|hem|haar|de )"
        r"|met (?:een )?(?:pistool|geweer|wapen|vuurwapen|luchtbuks|kogels)|in het rond"
        r"|om zich heen|iemand neer|mensen neer)"
        r"|\b(?:schoten|schot) (?:gehoord|gelost|hoor|horen|gevallen)\b"
        r"|\b(?:hoor|hoorde|horen|hoort) (?:\w+ ){0,2}(?:schoten|schieten|een schot)\b"
        r"|\b(?:schietpartij|neergeschoten|beschoten|vuurgevecht)\b"
        r"|\b(?:te|aan het) schieten\b",
        present=True,
        unless=r"\bvuurwerk\w*|\bwaterpistool\w*|\bpaintball\w*|\bairsoft\w*|\bklappertje\w*"
        r"|\bkatapult\w*|\bbal\b|\bballen\b|\bdoel\b|\bfoto\w*",
    ),
    # --- someone unconscious, not breathing, collapsed, bleeding
    _danger(
        "medical.unconscious",
        rf"\b(?:ligt|is|raakt|zit|lijkt|raakte) {_gap(3)}(?:bewusteloos|buiten bewustzijn"
        r"|niet (?:meer )?aanspreekbaar)\b"
        rf"|\b(?:ademt|ademen) {_gap(2)}niet\b|\bniet (?:meer )?(?:ademt|ademen)\b"
        r"|\bgeen (?:adem|ademhaling|hartslag|pols)\b|\b(?:stopt|gestopt) met ademen\b"
        r"|\bkrijgt geen (?:lucht|adem)\b|\bkrijg geen lucht\b"
        # lying or fallen, and no longer reacting, speaking or moving (either order)
        r"|\b(?:ligt|liggen|gevallen|op de grond|op de vloer|in elkaar gezakt|ingestort"
        r"|neergevallen|op de stoep|op straat|op het fietspad|op de weg|in (?:zijn|haar) stoel"
        r"|in (?:zijn|haar) rolstoel|op de bank|in bed)\b.*(?:\b(?:reageert"
        r"|reageren|zegt|praat|beweegt) (?:\w+ )?(?:niet|nergens op|niks|niets|nergens)\b"
        r"|\b(?:niet|nergens op|niks|niets) (?:meer )?(?:reageert|reageren|beweegt|bewegen)\b)"
        # a short message that is only this
        r"|^(?:hij|zij|ze|(?:mijn|mn|m n|onze|de) (?:\w+ )?(?:man|vrouw|vader|moeder|opa|oma|zoon"
        r"|dochter|kind|baby|buurman|buurvrouw|vriend|vriendin|broer|zus|zoontje|dochtertje))"
        r" (?:reageert|beweegt) (?:nergens|niet|niks)(?: meer)?(?: op)?$"
        r"|\b(?:reageert|reageren|zegt|praat|beweegt) (?:\w+ )?(?:niet|nergens op|niks|niets)\b"
        r".*\b(?:ligt|liggen|op de grond|op de vloer|op straat)\b"
        # no reaction to being spoken to or touched
        r"|\b(?:reageert (?:\w+ )?(?:niet|nergens op|niks)|geeft geen (?:antwoord|reactie|kik"
        r"|teken van leven))\b (?:\w+ ){0,3}(?:als|wanneer|terwijl)"
        r" (?:ik|we|wij|iemand) (?:\w+ ){0,3}(?:klop|klopt|kloppen|roep|roepen|schud|schudden"
        r"|aanspreek|aanraak|tik|tikken|bel|praat|spreek|porren|por)\w*"
        r"|\b(?:ligt|liggen|gevallen|op de grond|op de vloer)\b.*\bgeeft geen (?:antwoord|reactie"
        r"|kik|teken van leven)\b"
        r"|\bniet (?:meer )?wakker te (?:krijgen|maken)\b"
        r"|\bkrijg(?:en)? (?:\w+ ){0,3}niet (?:meer )?wakker\b"
        rf"|\b(?:{_PERSON}|hij|zij|ze|man|vrouw|jongen|meisje|kind|persoon|fietser|oudere)"
        rf" {_gap(4)}(?:ligt|liggen) {_gap(3)}(?:stil|roerloos"
        r"|levenloos)\b"
        r"|\b(?:ligt|liggen) (?:er )?(?:een )?(?:\w+ )?(?:man|vrouw|jongen|meisje|kind|persoon"
        r"|iemand) (?:\w+ ){0,3}(?:stil|roerloos|levenloos)\b"
        r"|\bblauw aangelopen\b|\broerloos\b|\blippen (?:\w+ )?(?:zijn|worden) (?:\w+ )?blauw\b"
        rf"|\b(?:ademt|ademen) {_gap(2)}(?:raar|vreemd|moeilijk|zwaar|nauwelijks|onregelmatig"
        r"|piepend|heel snel)\b"
        rf"|\b{_PERSON} {_gap(3)}(?:ligt|liggen) {_gap(3)}(?:op straat|op de grond|op de stoep"
        r"|op het fietspad|op de weg|in het gras|in de struiken)\b"
        rf"|\b(?:ligt|liggen) (?:er )?{_PERSON} {_gap(3)}(?:op straat|op de grond|op de stoep"
        r"|op het fietspad|op de weg|in het gras|in de struiken)\b",
        present=True,
        unless=r"\bslaap\w*|\bslapen\b|\bzonnen\b|\bzwerver\w*|\bdakloze\w*"
        r"|\bs ochtends\b|\bwekker\b|\bschool\b|\bpuber\w*",
    ),
    _danger(
        "medical.poisoning",
        rf"\b(?:pillen|medicijnen|tabletten|gif|schoonmaakmiddel|bleek|drugs) {_gap(2)}"
        r"(?:geslikt|ingenomen|gedronken|opgegeten|binnengekregen)\b",
        present=True,
    ),
    _danger(
        "medical.word",
        r"\b(?:bewusteloos|bewusteloze|buiten bewustzijn|buiten westen|flauwgevallen"
        r"|flauw gevallen|valt flauw|knock out"
        r"|in elkaar gezakt|zakt (?:\w+ )?in elkaar|onwel|hartaanval|hartstilstand|hartinfarct"
        r"|beroerte|herseninfarct|epileptische aanval|overdosis|reanimeren|reanimeert"
        r"|reanimatie|verslikt|stikt|ingestort|pijn op de borst|scheve mond)\b"
        # Clutching the chest: how a heart attack looks to the one who sees it.
        r"|\b(?:grijpt|greep|grijpen|klemt) (?:\w+ )?naar (?:zijn|z'n|haar|d'r) (?:borst|hart)\b"
        r"|\baed (?:nodig|halen|brengen)\b|\bhaal (?:\w+ )?(?:de |een )?aed\b",
        unless=r"\bbijna (?:een )?hartaanval\b|\bhartaanval van (?:de|het|die)\b"
        r"|\bstikt? (?:van het|van de|van het lachen|maar)\b",
    ),
    _danger(
        "medical.bleeding",
        r"\b(?:bloedt|bloeden) (?:\w+ ){0,2}(?:erg|hevig|veel|flink|heftig|enorm|hard)\b"
        r"|\bligt te bloeden\b|\baan het bloeden\b|\bveel bloed\b"
        r"|\b(?:ligt|liggen) in (?:zijn|haar|een plas) bloed\b"
        r"|\bplas bloed\b|\bvloeit (?:\w+ )?bloed\b|\bbloed vloeit\b|\boveral bloed\b"
        r"|\bonder het bloed\b|\bzwaar gewond\b|\bzwaargewond\w*|\bernstig gewond\b",
        present=True,
        unless=_ANIMALS,
    ),
    _danger(
        "medical.fall",
        r"\b(?:van|vanaf) (?:de|een|het) (?:trap|dak|ladder|steiger|balkon) (?:af )?gevallen\b"
        rf"|\b(?:gevallen|gestruikeld|uitgegleden|ligt op de grond|op de grond) {_gap(3)}"
        r"(?:kan|komt) (?:niet|nt) "
        r"(?:meer )?(?:op|overeind|omhoog|opstaan)\b"
        rf"|\b(?:hij|zij|ze|{_PERSON}) {_gap(6)}beweegt (?:niet meer|nergens meer|niet)\b"
        r"(?! (?:van|uit|op|mee|zonder))",
        present=True,
        unless=_ANIMALS,
    ),
    # --- drowning
    _danger(
        "drowning",
        r"\b(?:verdrinkt|verdrinken|verdronken|verdrinkend|aan het verdrinken)\b"
        # not "gesprongen": jumping into the water is also how people swim
        rf"|\b{_WATER} {_gap(1)}(?:geraakt|gevallen|gereden|beland|gegaan|gegleden|gezakt)\b"
        r"|\b(?:gevallen|geraakt|gereden|beland|spartelt|gegleden|valt|vallen|glijdt"
        rf"|zakt|weggedreven|afgedreven) {_gap(2)}{_WATER}\b"
        # lying or floating in the water: only a person ("er drijft afval in het water")
        rf"|\b{_PERSON} {_gap(3)}(?:ligt|drijft|is|verdwenen|zinkt) {_gap(1)}{_WATER}\b"
        rf"|\b(?:ligt|drijft|spartelt) (?:er )?{_PERSON} {_gap(1)}{_WATER}\b"
        r"|\b(?:de sloot|het water|de gracht|het kanaal|de vaart|de rivier|de vijver) in "
        r"(?:gereden|gevallen|gegleden)\b"
        r"|\bdoor het ijs (?:gezakt|gegaan|gevallen)\b|\bzakt door het ijs\b|\bkopje onder\b"
        r"|\bkomt niet (?:meer )?boven\b"
        r"|\b(?:auto|busje|bus|wagen|vrachtwagen|scooter|scootmobiel) (?:\w+ ){0,2}(?:staat|ligt"
        rf"|rijdt|is|zit|drijft) {_gap(1)}{_WATER}\b"
        r"|\b(?:staat|ligt|rijdt|drijft) (?:er )?(?:een|de) (?:auto|busje|bus|wagen|vrachtwagen"
        rf"|scooter|scootmobiel) {_WATER}\b",
        present=True,
        unless=_ANIMALS + r"|\bverdrink\w* in (?:de |het )?(?:papier\w*|werk|regels|formulieren"
        r"|bureaucratie|zorgen|schulden|mail\w*)",
    ),
    # --- someone about to harm themselves; a young child missing
    _danger(
        "self_harm",
        rf"\b(?:wil|dreigt|staat klaar om) {_gap(4)}(?:van|vanaf|eraf|ervan ?af|naar beneden)"
        rf" {_gap(3)}(?:springen|te springen)\b"
        rf"|\b(?:wil|gaat|dreigt) {_gap(3)}(?:zichzelf (?:iets aan te doen|van kant te maken"
        r"|dood te maken)|zelfmoord te plegen|een einde aan (?:zijn|haar) leven te maken)\b"
        rf"|\b(?:{_PERSON}|staat) {_gap(2)}op de rand van (?:het|de|een) "
        r"(?:dak|flatdak|brug|balkon|galerij|flat|viaduct)\w*"
        r"|\b(?:zich|heeft zich) (?:\w+ )?opgehangen\b"
        r"|\b(?:heeft|is) (?:\w+ )?(?:geprobeerd|proberen) (?:zelfmoord te plegen|zichzelf "
        r"(?:iets aan te doen|van kant te maken|op te hangen))\b"
        r"|\bheeft zich (?:\w+ )?(?:iets aangedaan|gesneden|van kant gemaakt)\b",
        present=True,
        unless=r"\b(?:duikplank|trampoline|springkussen|zwembad|parachute|bungee)\w*",
    ),
    _danger(
        "self_harm.topic",
        r"\b(?:zelfmoord|suicide|zelfdoding|zelfmoordpoging)\b",
        abstract=True,
    ),
    _danger(
        "child.unwatched",
        # a small child alone near water, traffic or a height, or doing something that can
        # kill it in seconds ("hangt uit het raam"); either order, anywhere in the message
        rf"^(?=.*{_YOUNG_CHILD})(?=.*(?:{_UNWATCHED}))(?=.*{_CHILD_DANGER_SPOTS})"
        rf"|{_YOUNG_CHILD} {_gap(3)}{_CHILD_VERBS} {_gap(3)}{_CHILD_PERILS}"
        rf"|{_CHILD_VERBS} {_gap(3)}{_YOUNG_CHILD} {_gap(2)}{_CHILD_PERILS}"
        # left behind in a car in the heat
        rf"|^(?=.*{_YOUNG_CHILD})(?=.*\bauto\b)(?=.*\b(?:zon|hitte|heet|hete|warm|warme"
        r"|snikhet\w*|bloedhet\w*|benauwd)\b)(?=.*\b(?:alleen|opgesloten|achtergelaten"
        r"|ouders nergens|niemand bij)\b)",
        present=True,
        unless=r"\bspeeltuin\w*|\bspeelplaats\w*|\bschoolplein\b|\bzwemles\w*|\bschaats\w*",
    ),
    _danger(
        "child.topic",
        # a small child and a dangerous place, without a sign that it is alone there
        rf"^(?=.*{_YOUNG_CHILD})(?=.*{_CHILD_DANGER_SPOTS})",
        abstract=True,
        unless=r"\bspeeltuin\w*|\bspeelplaats\w*|\bschoolplein\b",
    ),
    _danger(
        "missing_child",
        r"\b(?:kind|kindje|zoontje|dochtertje|peuter|kleuter|kleine) (?:is|raakt|lijkt) "
        r"(?:\w+ )?(?:kwijt|vermist|weggelopen|zoek|nergens te vinden|verdwenen"
        r"|weg\b(?! (?:naar|met|uit|van|gegaan naar)))\b"
        r"|\bkwijt (?:\w+ )?(?:mijn |ons |het )?(?:kind|kindje|zoontje|dochtertje|peuter)\b"
        r"|\b(?:mijn|ons) (?:kind|kindje|zoontje|dochtertje|peuter|zoon|dochter) kwijt\b",
    ),
    # --- serious accident
    _danger(
        "accident",
        r"\b(?:ongeluk|ongeval|verkeersongeluk|verkeersongeval|auto ongeluk|autoongeluk"
        r"|fietsongeluk|aanrijding|botsing|kettingbotsing|aangereden|overreden|geschept"
        r"|omvergereden|gewond|gewonden|gewonde|bekneld)\b"
        r"|\bonder (?:de|een) (?:auto|bus|tram|trein|vrachtwagen|truck) "
        r"(?:gekomen|beland|geraakt|ligt)\b"
        r"|\bin (?:een|het|de) (?:huis|woning|gebouw|winkel|gevel|terras|menigte|etalage) "
        r"(?:gereden|gecrasht|geknald)\b|\bonder (?:het )?puin\b"
        r"|\bonder stroom (?:gekomen|komen te staan|gestaan|staat)\b|\bgeelektrocuteerd\b"
        r"|\brijdt (?:\w+ ){0,5}op mensen in\b|\bzit (?:\w+ )?vast in (?:de|zijn|haar|een) auto\b"
        r"|\b(?:tegen|op) (?:een|de) (?:boom|paal|lantaarnpaal|muur|gevel|huis|auto|bus"
        r"|vrachtwagen|tram|trein|fietser|voetganger|kind|scooter|scooterrijder|motor"
        r"|motorrijder|brommer|fiets|man|vrouw|jongen|meisje|groep) "
        r"(?:aan)?(?:gereden|gebotst|geknald|geklapt|gecrasht|ingereden)\b",
        unless=r"\bper ongeluk\b|\bongeluk zit in een klein hoekje\b|" + _ANIMALS,
    ),
)
