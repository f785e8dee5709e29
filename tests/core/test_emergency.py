"""Tests for bot.core.emergency: acute danger is recognised, near-misses are not."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from bot.core.emergency import (
    CONTEXT_DEVICE_PROBLEM,
    CONTEXT_ONGOING,
    DANGERS,
    FUZZY_WORDS,
    NOT_TYPOS,
    TYPOS,
    EmergencyVerdict,
    Level,
    assess,
    normalise,
)
from bot.core.text import one_edit_apart

ACUTE = [
    # fire
    "de schuur achter ons huis staat in brand",
    "BRAND BIJ DE BUREN!!!",
    "er is brant in de flat",
    "help mijn keuken staat in de fik",
    "vlam in de pan en ik krijg het niet uit",
    "er komt rook uit het raam van nummer 12",
    "ik zie zwarte rook boven de loods aan het eind van de straat",
    "de container op het plein brandt",
    "het brandt bij de bovenburen",
    "er is een grote brand bij de sporthal",
    "brand in de meterkast",
    "de rookmelder bij de buren gaat al een kwartier af en niemand doet open",
    "Brandd!! snel",
    "brandlucht in het trappenhuis",
    "de auto voor de deur staat in lichterlaaie",
    "er is net een explosie geweest bij de garageboxen",
    "een scooter vliegt in brand bij de ingang van de flat",
    "HEEEELP brand!!",
    # gas
    "ik ruik gas in het portiek",
    "het stinkt hier heel erg naar gas",
    "gaslucht op de galerij!!",
    "de graafmachine heeft een gasleiding geraakt en het sist",
    "de co melder gaat af en we worden duizelig",
    "er lekt gas uit de meter in de kelder",
    "gaslugt in de keuken",
    # burglary in progress
    "er wordt nu ingebroken bij de buren",
    "er zit een inbreker in mijn huis",
    "ik hoor iemand beneden volgens mij zijn er inbrekers binnen",
    "iemand probeert de achterdeur open te breken",
    "er rommelt iemand aan mijn voordeur, het is 3 uur snachts",
    "inbrekers in de tuin van de buren, ze zijn nog bezig",
    "er is net ingebroken en ze rennen richting het park",
    "er staan twee mannen met bivakmutsen bij de schuur van de buren",
    "ze breken in bij nummer 8 ik zie ze met een zaklamp",
    "er loopt een vreemde man door onze tuin en hij kijkt naar binnen",
    "er is iemand in mijn huis die ik niet ken",
    "inbreker!!!",
    "inbrekr bij de buren",
    "op dit moment staan er inbrekers in de tuin van de buren",
    "vorige week was er al een inbraak en nu staan ze weer in de tuin",
    # violence
    "er wordt een jongen in elkaar geslagen bij de bushalte",
    "twee mannen zijn aan het vechten op straat en eentje bloedt erg",
    "mijn vriend slaat me, ik zit opgesloten in de wc",
    "de buurman slaat zijn vrouw, ik hoor haar gillen",
    "er gilt een vrouw om hulp in het park",
    "ik word achtervolgd door een groep jongens",
    "ze schoppen een man die al op de grond ligt",
    "vechtpartij voor de snackbar er worden stoelen gegooid",
    "mijn ex staat voor de deur en dreigt me dood te maken",
    "mijn man slaat de kinderen",
    "er rijdt iemand met een auto op mensen in op de markt",
    # weapons
    "er loopt een man met een mes over het schoolplein",
    "iemand bedreigt de kassiere met een pistool",
    "hij heeft een mes getrokken",
    "er staat een gast met een machete bij de flat",
    "gewapende man in de supermarkt",
    "Help iemand probeert mijn fiets te stelen en hij heeft een mes",
    # shots
    "er wordt geschoten bij het winkelcentrum",
    "ik hoorde net schoten in de straat",
    "iemand schiet met een pistool in het rond",
    "er is iemand neergeschoten voor de deur",
    "schote gehoord bij de snackbar!!",
    # unconscious, not breathing, medical
    "er ligt een man bewusteloos bij de voordeur",
    "mijn buurvrouw ademt niet meer",
    "hij ademd niet!!",
    "mijn opa is in elkaar gezakt en reageert niet",
    "er ligt iemand op de grond en hij reageert nergens op",
    "de buurman heeft een hartaanval denk ik",
    "ik denk dat mijn moeder een beroerte heeft",
    "mijn kind krijgt geen lucht",
    "er ligt een jongen in een plas bloed",
    "mijn buurvrouw is van de trap gevallen en komt niet meer overeind",
    "de buurman is gestruikeld en kan niet meer opstaan",
    "meisje bewustloos in het fietsenhok",
    "man bewusteloss op de stoep",
    "moet ik gaan reanimeren? hij ligt stil",
    "iemand heeft een overdosis genomen in het portiek",
    "iemand is flauwgevallen in de bus en komt niet bij",
    "mijn vader heeft ineens pijn op de borst en wordt grauw",
    "de buurvrouw greep ineens naar haar borst en zakte op de bank",
    "de buurman was aan het klussen en ligt nu onder de ladder, hij reageert niet",
    "er ligt iemand bewusteloos, wat moet ik doen",
    "iemand heeft zich opgehangen in de berging, snel",
    "een man dreigt van het viaduct te springen",
    "we zijn ons zoontje kwijt bij de haven",
    "de jongen naast me heeft pillen geslikt en wordt heel suf",
    # drowning
    "er is een kind in de vijver gevallen",
    "iemand verdrinkt in de gracht!!",
    "er ligt iemand in het water bij de brug en hij beweegt niet",
    "een jongen is door het ijs gezakt",
    "er is een auto het kanaal in gereden",
    "mijn vader was aan het zwemmen en is kopje onder gegaan",
    # accident
    "zwaar ongeluk op de kruising, er liggen mensen op de weg",
    "een fietser is net aangereden door een bus",
    "er is een ongeluk gebeurd en iemand zit bekneld",
    "auto ongeluk bij de rotonde, twee gewonden",
    "een kind is onder een auto gekomen",
    "er is een bestelbus in een winkel gereden, er liggen mensen onder het puin",
    "een scooter is tegen een fietser aangereden en de fietser ligt op het fietspad",
    # WhatsApp style: short forms, no punctuation, typos
    "er staat n bus in de fik bij t station",
    "m'n opa is flauw gevallen en reageert nie",
    "er is n vent met n mes bij de ingang",
    "ik ruik gaz in de hal",
    "gaslukt bij de buren",
    "er word iemand mishandelt op straat",
    "inbrekkers in de schuur!!",
    "ze ademt nie meer",
    # danger without the words "brand" or "help", by kind (issue 10)
    "Er rookt iets heel erg uit het raam van de bovenburen en het alarm gaat af",
    "er rookt iets uit het raam van de bovenburen",
    "brandalarm loopt",
    "brandalram loopt in de flat",
    "rookmelde gaat af bij de buren",
    "ruik gas",
    "gaslucht in het trappenhuis",
    "koolmonoxidemelder piept",
    "hij beweegt niet meer",
    "ligt op de grond en reageert niet",
    "kind alleen op het balkon",
    "peuter alleen bij het water",
    "man met mes staat voor de deur",
    "dreigt met een pistool",
    "iemand wordt in elkaar geslagen",
    "inbreker is nu binnen",
    "rook komt onder de deur door",
    "vlammen",
    "het smeult",
    "vlamme uit de schuur",
    "ik krijg mn moeder niet wakker",
    "baby alleen in de auto in de zon",
    "er wordt een auto aangestoken voor mijn deur",
    "mijn ex bedreigt me en hij staat met een mes voor de deur",
    "er komt zwarte rook uit de houtkachel van de buren en het huis staat vol rook",
    # emergency services asked for
    "bel 112!! er ligt iemand op straat",
    "stuur snel een ambulance naar de Lindelaan",
    "we hebben een ambulance nodig bij de speeltuin",
    "inbrekers bij de buren bel de politie",
]

# The borderline decisions documented at the top of bot/core/emergency/assessment.py.
BORDERLINE_ACUTE = [
    "wat moet ik doen bij gaslucht?",
    "wat moet ik doen bij brand in huis",
    "de rookmelder in het portiek gaat af en er doet niemand open",
    "rookmelder gaat af",
    "de koolmonoxidemelder piept",
    "er ligt iemand bewusteloos, wat moet ik doen als hij niet ademt",
]
BORDERLINE_NOT_ACUTE = [
    "wat te doen als ik gas ruik",
    "wat moet ik doen als iemand niet meer ademt",
    "wat moet ik doen als de rookmelder afgaat",
    "de rookmelder piept, moet ik de batterij vervangen",
]

NOT_EMERGENCY = [
    # over
    "er was vorig jaar brand in onze straat",
    "vorige week is er ingebroken bij de buren",
    "gisteren is er een auto uitgebrand op het parkeerterrein",
    "twee jaar geleden is er iemand neergestoken bij het station, is het daar nu veiliger?",
    "er is bij ons ingebroken, hoe doe ik aangifte",
    "ooit was hier een grote brand",
    "de brand van vorige maand heeft veel schade gedaan",
    "ik heb vroeger eens een overval meegemaakt",
    "de inbrekers van vorige week zijn opgepakt",
    "is 112 ook voor een inbraak die al voorbij is",
    "de brand is geblust maar wie ruimt de rommel op",
    "in de film die ik gisteren zag brandde een heel huis af",
    # recurring, trends
    "er wordt veel ingebroken in onze wijk",
    "er zijn de laatste tijd vaak vechtpartijen bij het station",
    "er gebeuren regelmatig ongelukken op dit kruispunt",
    "elke nacht wordt er in autos ingebroken",
    "jongeren lopen hier met messen op zak",
    "de buren stoken hun houtkachel en ik ruik steeds rook",
    "er wordt steeds vaker geschoten met vuurwerk",
    # prevention, information, learning
    "hoe voorkom ik inbraak in mijn schuur",
    "tips voor brandveiligheid in huis",
    "hoe kan ik mijn huis beter beveiligen tegen inbrekers",
    "waar kan ik een cursus reanimeren volgen",
    "hoe voorkom ik een gaslek bij mijn cv ketel",
    "is er een buurtpreventie whatsapp groep tegen inbraak",
    "krijg ik subsidie voor inbraakwerend hang en sluitwerk",
    "ik wil leren hoe je iemand moet reanimeren",
    "wat kan ik doen om brand te voorkomen",
    # hypothetical
    "stel dat er brand uitbreekt in de flat, waar is de nooduitgang?",
    "als er ooit een inbraak is, wie moet ik dan bellen",
    "mocht er iemand flauwvallen tijdens het buurtfeest, is er een AED?",
    "wat als er een ongeluk gebeurt op het nieuwe fietspad",
    "het kruispunt is zo gevaarlijk, er gaat nog eens een ongeluk gebeuren",
    # other meanings
    "ik brand van nieuwsgierigheid wat er met het oude schoolgebouw gebeurt",
    "de straatlantaarn brandt niet",
    "het vuurwerk knalt de hele nacht",
    "de wijkagent schiet tekort",
    "ik ben de sleutel kwijt",
    "rookmelder piept",
    "de rookmelder bij de buren piept al dagen, de batterij is leeg",
    "de lampen in het portiek branden de hele dag",
    "het licht in de brandgang brandt dag en nacht",
    "ik heb per ongeluk mijn afval verkeerd aangeboden",
    "er is een kat aangereden in onze straat",
    "mijn hond is in de sloot gevallen",
    "ik verdrink in de formulieren van de gemeente",
    "dat slaat nergens op",
    "de prijzen zijn ontploft",
    "ik kreeg bijna een hartaanval toen ik de rekening zag",
    "de gemeente schiet niet op met de reparatie van de stoep",
    "de buurman geeft gas op zijn scooter midden in de nacht",
    "we willen in onze wijk van het gas af",
    "de bewoners vechten tegen de sloop van hun flat",
    "ik ben gestoken door een wesp in het park",
    "er staat een kaars te branden voor het raam",
    "ik heb de was opgehangen op het balkon",
    "mijn zoon wil van de duikplank springen",
    "ik ben mijn kind zijn knuffel kwijt in de speeltuin",
    "er drijft afval in het water van de vijver",
    "de jongens op het plein slaan elkaar voor de lol",
    "er komt gaslucht uit de rioolput",
    "een les reanimatie in het buurthuis",
    "er ligt een matras op straat",
    "kan de wijkagent een keer langskomen, ik word bedreigd door de overburen",
    "mijn zoon heeft een mes gevonden in de bosjes",
    # ongoing, a matter for the wijkagent (issue 10)
    "niet nu maar elke week staat er een container in brand",
    "niet nu maar elke week wordt er brand gesticht bij de flat",
    "ik denk dat er een drugspand is",
    "ik denk dat er een drugspant is in de straat",
    "hennepkwekerij vermoed",
    "hennepkweekerij vermoed bij de buren",
    "ik word bedreigd via instagram",
    "ik wordt bedreigd via insta",
    "mijn ex bedreigt mij via whatsapp",
    "er wordt gedeald vanuit de flat, nu ook weer",
    # past, prevention, hypothetical, defects (issue 10)
    "vorige week was er brand",
    "hoe voorkom ik brand",
    "rookmelder kapot",
    "de rookmelder in de hal doet het niet meer",
    "brandalarm in de flat is stuk",
    "mijn rookmelder gaat af als ik kook",
    "de rookmelder ging af maar het was loos alarm",
    "het autoalarm van de buren gaat de hele nacht af",
    "de co melder moet vervangen worden",
    "mijn puber is s ochtends niet wakker te krijgen voor school",
    "de gemeente reageert nergens meer op",
    "dat slaat nergens op",
    "er werd vorig weekend geschoten, nu is het rustig maar de buurt is bang",
    # consequences of something that is over
    "mijn zoon is vorige week beroofd en hij is nog erg geschrokken",
    "mijn kinderen zijn in het zwembad gesprongen",
    "de slagboom bij de parkeergarage beweegt niet meer",
    "ik ben bang dat de jongeren op het plein gaan vechten",
    "mijn zoon is vorige week beroofd, nu durft hij niet meer alleen naar buiten",
    # questions about the police and 112
    "wanneer moet ik 112 bellen en wanneer 0900-8844",
    "wat is het telefoonnummer van de wijkagent",
    "wat doet de brandweer bij een brand",
    "hoe bereik ik de politie als het geen spoed heeft",
    "bij wie kan ik terecht over huiselijk geweld bij mijn zus",
    "geen spoed, maar er is een aanrijding geweest met alleen blikschade",
    "wat doet de wijkagent eigenlijk bij een inbraak?",
    "mag ik de politie bellen als er jongeren hangen",
    "is 112 gratis",
]

# Near-misses that still name a danger, so the guard may demote a wrong `emergency`.
CLEARLY_NOT_ACUTE = [
    "er was vorig jaar brand in onze straat",
    "vorige week is er ingebroken bij de buren",
    "hoe voorkom ik inbraak in mijn schuur",
    "er wordt veel ingebroken in onze wijk",
    "stel dat er brand uitbreekt in de flat, waar is de nooduitgang?",
    "er is bij ons ingebroken, hoe doe ik aangifte",
]


def test_there_are_many_phrasings() -> None:
    assert len(ACUTE) + len(BORDERLINE_ACUTE) >= 60
    assert len(NOT_EMERGENCY) >= 40


@pytest.mark.parametrize("text", ACUTE + BORDERLINE_ACUTE)
def test_acute_danger_is_recognised(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is Level.ACUTE, verdict.reason
    assert verdict.danger is not None


@pytest.mark.parametrize("text", NOT_EMERGENCY + BORDERLINE_NOT_ACUTE)
def test_near_misses_are_not_acute(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is not Level.ACUTE, verdict.reason


@pytest.mark.parametrize("text", CLEARLY_NOT_ACUTE)
def test_clear_non_acute_context_names_the_danger(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is Level.NOT_ACUTE, verdict.reason
    assert verdict.danger is not None and verdict.context is not None


@pytest.mark.parametrize(
    "text",
    ["ik ben de sleutel kwijt", "de wijkagent schiet tekort", "is 112 gratis"],
)
def test_words_that_only_look_dangerous_give_none(text: str) -> None:
    assert assess(text).level is Level.NONE


@pytest.mark.parametrize("text", ["", None, "   ", "!!!", "/greet"])
def test_empty_or_meaningless_input_is_none(text: str | None) -> None:
    assert assess(text).level is Level.NONE


@pytest.mark.parametrize(
    "text",
    [
        "waar kan ik terecht met vragen over huiselijk geweld",
        "wat moet ik doen bij huiselijk geweld in de straat",
        "hoe praat je met jongeren over zelfmoord",
        "huiselijk geweld bij de buren",
    ],
)
def test_words_for_a_kind_of_danger_alone_are_not_acute(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is Level.NOT_ACUTE, verdict.reason


def test_words_for_a_kind_of_danger_without_context_name_no_context() -> None:
    # No clear sign either way: the guard leaves such messages to the classifier.
    assert assess("huiselijk geweld bij de buren").context is None


@pytest.mark.parametrize(
    "text",
    ["huiselijk geweld bij de buren, hij slaat haar nu", "HUISELIJK GEWELD HELP"],
)
def test_words_for_a_kind_of_danger_with_acute_markers_are_acute(text: str) -> None:
    assert assess(text).level is Level.ACUTE


@pytest.mark.parametrize(
    "text",
    [
        "ik denk dat er een drugspand is",
        "hennepkwekerij vermoed",
        "ik word bedreigd via instagram",
        "help er wordt nu gedeald voor mijn deur!!",
        "kan de wijkagent kijken naar een verdacht pand",
        "de buurman rookt op zijn balkon en de rook komt bij mij binnen",
        "de buren stoken elke avond hun houtkachel en alles stinkt naar rook!!",
    ],
)
def test_ongoing_crime_is_for_the_wijkagent_even_when_urgent(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is Level.NOT_ACUTE, verdict.reason
    # a named context, so that the guard takes back a classifier's `emergency`
    assert verdict.context == CONTEXT_ONGOING


@pytest.mark.parametrize(
    "text",
    [
        "de hennepkwekerij bij de buren staat in brand",
        "ik word bedreigd via insta en nu staat hij met een mes voor de deur",
        "het drugspand ontploft, er liggen gewonden",
        "de buurman rookte op zijn balkon en nu staat het in brand",
    ],
)
def test_ongoing_crime_with_acute_danger_is_acute(text: str) -> None:
    assert assess(text).level is Level.ACUTE


@pytest.mark.parametrize(
    "text",
    [
        "rookmelder piept",
        "rookmelder kapot",
        "het brandalarm in de school is stuk",
        "waar koop ik een brandblusser",
        "moet ik een co melder ophangen",
        "de rookmelder in de hal hangt los",
        "de verlichting op het pleintje brand niet meer",
        "het autoalarm van de buurman gaat af",
    ],
)
def test_a_safety_device_as_a_thing_is_not_acute(text: str) -> None:
    verdict = assess(text)
    assert verdict.level is Level.NOT_ACUTE, verdict.reason
    # a named context, so that the guard takes back a classifier's `emergency`
    assert verdict.context == CONTEXT_DEVICE_PROBLEM


@pytest.mark.parametrize(
    ("calm", "acute"),
    [
        ("hoe houd ik mijn peuter weg van de sloot", "peuter alleen bij de sloot"),
        ("rookmelder piept", "de rookmelder gaat af en piept heel hard"),
        ("de lantaarn brandt niet", "er komt rook uit de lantaarnpaal"),
    ],
)
def test_a_danger_sign_turns_a_thing_into_an_emergency(calm: str, acute: str) -> None:
    assert assess(calm).level is Level.NOT_ACUTE
    assert assess(acute).level is Level.ACUTE


def test_help_alone_is_no_danger_word() -> None:
    # "help" is how residents ask how the bot works; the classifier handles it.
    assert assess("help").level is Level.NONE


@pytest.mark.parametrize(
    ("past", "now"),
    [
        ("vorige week is er ingebroken bij de buren", "er wordt nu ingebroken bij de buren"),
        ("er was vorig jaar brand in de schuur", "de schuur staat in brand"),
        ("hoe voorkom ik brand in de keuken", "help brand in de keuken"),
        ("er is gisteren iemand neergestoken", "er is net iemand neergestoken"),
    ],
)
def test_context_flips_the_same_danger(past: str, now: str) -> None:
    assert assess(past).level is Level.NOT_ACUTE
    assert assess(now).level is Level.ACUTE


def test_acute_marker_beats_past_time_words() -> None:
    verdict = assess("vorig jaar brandde de schuur af en nu staat hij weer in brand")
    assert verdict.level is Level.ACUTE
    assert verdict.context == "happening_now"


def test_prevention_beats_present_tense() -> None:
    verdict = assess("hoe voorkom ik dat er bij mij wordt ingebroken")
    assert verdict.level is Level.NOT_ACUTE
    assert verdict.context == "prevention"


def test_verdict_says_which_patterns_decided() -> None:
    verdict = assess("Er staat een auto in brand!!")
    assert verdict == EmergencyVerdict(
        Level.ACUTE, verdict.reason, danger="fire.on_fire", context="urgent"
    )
    assert "fire.on_fire" in verdict.reason
    assert verdict.as_dict()["level"] == "acute"
    assert verdict.is_acute


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Brand!!! Bij de BUREN", "brand bij de buren"),
        ("Buurcoördinator café", "buurcoordinator cafe"),
        ("heeeeelp", "help"),
        ("brant", "brand"),
        ("bewustloos", "bewusteloos"),
        ("bewusteloooos", "bewusteloos"),
        ("ingebrokken", "ingebroken"),
        ("inbrekres", "inbrekers"),
        ("politiek positie", "politiek positie"),
        ("m'n kind, z'n fiets", "mijn kind zijn fiets"),
        ("t is n inbreker", "het is een inbreker"),
        ("verdringt", "verdringt"),
        ("geslapen", "geslapen"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("brand", "brant", True),
        ("inbreker", "inbrekr", True),
        ("inbrekers", "inbrekres", True),
        ("bewusteloos", "bewustloos", True),
        ("brand", "brand", False),
        ("brand", "bran", True),
        ("brand", "grant", False),
    ],
)
def test_one_edit_apart(a: str, b: str, expected: bool) -> None:
    assert one_edit_apart(a, b) is expected


def test_typo_table_points_at_words_the_patterns_use() -> None:
    vocabulary = set(" ".join(d.regex.pattern for d in DANGERS).replace("|", " ").split())
    assert FUZZY_WORDS.isdisjoint(NOT_TYPOS)
    assert "brand" in TYPOS.values()
    assert any("bewusteloos" in word for word in vocabulary)


def _dutch_words() -> set[str]:
    spacy_lookups_data = pytest.importorskip("spacy_lookups_data")
    table = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    if not table.exists():
        pytest.skip("spaCy's Dutch lemma table is not installed")
    with gzip.open(table, "rt", encoding="utf-8") as f:
        lookup = json.load(f)
    return set(lookup) | set(lookup.values())


def test_real_dutch_words_are_not_corrected_into_danger_words() -> None:
    # Only words that could be one letter away from a key word; normalising all
    # 300,000 would take seconds.
    lengths = {len(word) + delta for word in FUZZY_WORDS for delta in (-1, 0, 1)}
    initials = {word[0] for word in FUZZY_WORDS} | {word[0] for word in TYPOS}
    candidates = (
        word
        for word in _dutch_words()
        if (len(word) in lengths or word in TYPOS)
        and word[:1] in initials
        and word.isascii()
        and word.isalpha()
        and word not in FUZZY_WORDS
    )
    key_words = FUZZY_WORDS | set(TYPOS.values())
    corrected = sorted(
        word for word in candidates if normalise(word) != word and normalise(word) in key_words
    )
    assert corrected == [], "add these to NOT_TYPOS"


def test_fast_enough() -> None:
    texts = ACUTE + BORDERLINE_ACUTE + NOT_EMERGENCY
    # Best of several rounds, so that other work on a shared machine does not count;
    # fresh texts each round, so that the typo cache does not make it look fast.
    per_message = []
    for i in range(5):
        start = time.perf_counter()
        for text in texts:
            assess(f"{text} {i}")
        per_message.append((time.perf_counter() - start) / len(texts))
    assert min(per_message) < 0.001
