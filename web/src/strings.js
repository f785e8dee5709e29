// Interface texts (Dutch B1 with "u", and plain English) and the Dutch names of the route codes.
// The interface speaks the conversation's language: the page's at the start, then the language
// of the bot's latest answer (its `lang`, issue 14).

export const LANGUAGES = ["nl", "en"];

// "nl" or "en" from a language tag ("en-GB", "NL"), or "" for anything else.
export function conversationLanguage(tag) {
  const primary = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.includes(primary) ? primary : "";
}

export const STRINGS = {
  nl: {
    launcher: "Stel uw vraag",
    opening:
      "Hallo! Ik ben Wijkwijzer. Ik zoek voor u uit wie in uw wijk kan helpen. Waar gaat uw vraag over?",
    openingFor: (name) =>
      `Hallo! Ik ben Wijkwijzer van de gemeente ${name}. Ik zoek voor u uit wie in uw wijk kan helpen. Waar gaat uw vraag over?`,
    serves: (name) => `Gemeente ${name}`,
    restart: "Opnieuw beginnen",
    close: "Sluiten",
    logLabel: "Gesprek",
    inputLabel: "Uw vraag",
    hintDefault: "Bijvoorbeeld: mijn buren maken elke avond veel lawaai.",
    hintLocation: "Typ uw postcode, bijvoorbeeld 1234 AB. Of uw straat en huisnummer.",
    send: "Versturen",
    you: "U:",
    bot: "Wijkwijzer:",
    typing: "Wijkwijzer schrijft een antwoord…",
    choices: "Kies een antwoord",
    notSent: "Niet verstuurd",
    unreachable:
      "Wijkwijzer is nu niet bereikbaar. Uw bericht is niet verstuurd. Probeer het over een paar minuten opnieuw.",
    unreachableUrgent: "Is er nu gevaar? Bel dan direct 112.",
    retry: "Opnieuw proberen",
    restarted: "U bent een nieuw gesprek begonnen.",
    privacy: "Geef geen persoonlijke gegevens, zoals uw BSN.",
    privacyLink: "Lees hoe wij met uw gegevens omgaan",
    routeIntro: "Hier helpt:",
    emergency: "Bel nu 112.",
    emergencyCall: "Bel 112",
    cardFor: { buurt: "Voor de buurt", wijk: "Voor de wijk", gemeente: "Voor de gemeente" },
    foundArea: { buurt: "Uw buurt:", wijk: "Uw wijk:", gemeente: "Uw gemeente:" },
    phone: "Telefoon",
    email: "E-mail",
    hours: "Bereikbaar",
    organisation: "Organisatie",
    noContacts: "Er is nog geen contactpersoon bekend voor dit gebied.",
    explainTitle: "Wie doet wat?",
  },
  en: {
    launcher: "Ask your question",
    opening:
      "Hello! I am Wijkwijzer. I find out who in your neighbourhood can help you. What is your question about?",
    openingFor: (name) =>
      `Hello! I am Wijkwijzer of the municipality of ${name}. I find out who in your neighbourhood can help you. What is your question about?`,
    serves: (name) => `Municipality of ${name}`,
    restart: "Start over",
    close: "Close",
    logLabel: "Conversation",
    inputLabel: "Your question",
    hintDefault: "For example: my neighbours make a lot of noise every evening.",
    hintLocation: "Type your postcode, for example 1234 AB. Or your street and house number.",
    send: "Send",
    you: "You:",
    bot: "Wijkwijzer:",
    typing: "Wijkwijzer is writing an answer…",
    choices: "Choose an answer",
    notSent: "Not sent",
    unreachable:
      "Wijkwijzer cannot be reached right now. Your message was not sent. Please try again in a few minutes.",
    unreachableUrgent: "Is there danger right now? Call 112 at once.",
    retry: "Try again",
    restarted: "You started a new conversation.",
    privacy: "Do not share personal details, such as your citizen service number (BSN).",
    privacyLink: "Read how we handle your data",
    routeIntro: "Who can help:",
    emergency: "Call 112 now.",
    emergencyCall: "Call 112",
    cardFor: { buurt: "For the neighbourhood", wijk: "For the district", gemeente: "For the municipality" },
    foundArea: { buurt: "Your neighbourhood:", wijk: "Your district:", gemeente: "Your municipality:" },
    phone: "Phone",
    email: "Email",
    hours: "Available",
    organisation: "Organisation",
    noContacts: "No contact person is known for this area yet.",
    explainTitle: "Who does what?",
  },
};

// Route codes of CONTRACT.md section 1. Residents see the Dutch names; the English
// interface adds a short gloss (nl: [name, description], en: [gloss, description]).
// Descriptions are B1 summaries of the contract's table.
export const ROLES = {
  wijkagent: {
    nl: ["de wijkagent", "De politie in uw wijk. Voor veiligheid, criminaliteit en overlast door personen."],
    en: ["neighbourhood police officer", "The police officer for your area: safety and crime."],
  },
  wijkregisseur: {
    nl: ["de wijkregisseur", "Werkt bij de gemeente. Weet welke plannen er zijn voor uw wijk en hoe u kunt meepraten."],
    en: ["area manager", "Works for the municipality: plans for your area and how to have a say."],
  },
  buurtcoordinator: {
    nl: ["de buurtcoördinator", "Werkt bij de gemeente. Voor een prettige buurt: rommel, verwaarloosde plekken, leegstand."],
    en: ["neighbourhood coordinator", "Works for the municipality: liveability of your neighbourhood."],
  },
  sociaal_makelaar: {
    nl: ["de sociaal makelaar", "Brengt bewoners met elkaar in contact. Voor activiteiten, vrijwilligerswerk en nieuwe contacten."],
    en: ["community connector", "Connects residents: activities, volunteering, meeting people."],
  },
  opbouwwerker: {
    nl: ["de opbouwwerker", "Helpt bewoners om samen iets aan te pakken, bijvoorbeeld met een bewonersgroep."],
    en: ["community worker", "Helps residents tackle a shared problem together."],
  },
  ideeenmakelaar: {
    nl: ["de ideeënmakelaar", "Helpt u van een idee voor de buurt een plan te maken. Ook voor geld uit het buurtbudget."],
    en: ["ideas broker", "Helps turn your idea for the neighbourhood into a plan, and find money for it."],
  },
  scharrelambtenaar: {
    nl: ["de scharrelambtenaar", "Helpt als u vastloopt tussen afdelingen van de gemeente."],
    en: ["go-between official", "Helps when you are stuck between municipal departments."],
  },
  buurtbemiddeling: {
    nl: ["buurtbemiddeling", "Helpt bij ruzie of problemen met de buren, zoals geluid, een heg of een schutting."],
    en: ["neighbour mediation", "Helps with conflicts between neighbours, such as noise."],
  },
  wijkteam: {
    nl: ["het wijkteam", "Persoonlijke hulp: bij geldzorgen, zorg, mantelzorg, opvoeden en formulieren."],
    en: ["social team", "Personal help: debts, care, parenting, forms and allowances."],
  },
  jongerenwerker: {
    nl: ["de jongerenwerker", "Voor jongeren: activiteiten, een plek om af te spreken, en zorgen over een tiener."],
    en: ["youth worker", "For young people: activities, a place to meet, worries about a teenager."],
  },
  handhaving: {
    nl: ["handhaving (de boa)", "Let op de regels op straat: fout parkeren, afval naast de container, honden."],
    // The Dutch name in English answers, when it is not the Dutch interface's.
    en: ["municipal enforcement officer", "Rules in public space: parking, dumped waste, dogs.", "handhaving"],
  },
  noodgeval: {
    nl: ["112", "Bij direct gevaar: bel meteen 112."],
    en: ["", "In acute danger: call 112 at once."],
  },
  melding: {
    nl: ["melding openbare ruimte", "Is er iets kapot op straat? Doe een melding bij de gemeente."],
    en: ["report a defect", "Something broken in the street? Report it to the municipality."],
  },
  gemeente: {
    nl: ["de gemeente", "Voor paspoort, verhuizen, afval, vergunningen en belastingen."],
    en: ["municipality", "For passports, moving house, waste, permits and taxes."],
  },
  medewerker: {
    nl: ["een medewerker", "Wilt u iemand spreken? Een medewerker helpt u verder."],
    en: ["a staff member", "Want to talk to a person? A staff member will help you."],
  },
};

// The Dutch name of a role and, in English, its gloss: [name, gloss or ""]. Roles are data: a
// municipality may add its own codes, shown as words.
export function roleParts(code, lang) {
  const role = ROLES[code];
  if (!role) return [String(code || "").replace(/_/g, " "), ""];
  return lang === "en" ? [role.en[2] || role.nl[0], role.en[0]] : [role.nl[0], ""];
}

export function roleName(code, lang) {
  const [name, gloss] = roleParts(code, lang);
  return gloss ? `${name} (${gloss})` : name;
}

export function roleDescription(code, lang) {
  const role = ROLES[code];
  return role ? role[lang][1] : "";
}

export function capitalize(text) {
  return text ? text.charAt(0).toLocaleUpperCase("nl") + text.slice(1) : text;
}
