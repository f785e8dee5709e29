// Turns transcript entries into DOM: bot text, buttons and the custom payloads of
// CONTRACT.md section 2 (route, contact_card, location, explain, foreign_language).
import { h } from "./dom.js";
import { capitalize, roleDescription, roleParts } from "./strings.js";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
// Dutch phone numbers as the bot writes them: 112, 14 + area code ("14 0599"), 0800/0900
// numbers, and ten-digit numbers with or without spaces or a hyphen ("0599 123 456").
const PHONE_PATTERN =
  /(?<![\w+/-])(?:112|14 ?0\d{2,3}|0[89]00[ -]?\d{4,7}|(?:\+31[ -]?|0)\d(?:[ -]?\d){8})(?![\w/-])/g;

// Web addresses and phone numbers in a piece of text, as links.
function linkify(text, { phones }) {
  const pieces = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    pieces.push(...linkPhones(text.slice(last, match.index), phones));
    pieces.push(h("a", { class: "utrecht-link utrecht-link--html-a", href: match[0] }, match[0]));
    last = match.index + match[0].length;
  }
  pieces.push(...linkPhones(text.slice(last), phones));
  return pieces;
}

function linkPhones(text, phones) {
  if (!phones) return [text];
  const pieces = [];
  let last = 0;
  for (const match of text.matchAll(PHONE_PATTERN)) {
    pieces.push(text.slice(last, match.index));
    pieces.push(link(telHref(match[0]), match[0], "ww-tel"));
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

// Bot text as paragraphs with web addresses and phone numbers made clickable.
export function richText(text, { phones = true } = {}) {
  const fragment = document.createDocumentFragment();
  for (const paragraph of text.split(/\n{2,}/)) {
    fragment.append(h("p", { class: "ww-text" }, linkify(paragraph, { phones })));
  }
  return fragment;
}

export function telHref(phone) {
  const digits = String(phone).replace(/[^\d+]/g, "");
  return digits ? `tel:${digits}` : null;
}

export function mailtoHref(email) {
  const address = String(email).trim();
  return EMAIL_PATTERN.test(address) ? `mailto:${address}` : null;
}

function link(href, text, extraClass = "") {
  if (!href) return document.createTextNode(text);
  return h("a", { class: `utrecht-link utrecht-link--html-a ${extraClass}`.trim(), href }, text);
}

// A role's Dutch name (the municipality's own when the bot sends one) and, in English, its
// gloss. In an English answer the Dutch name is marked Dutch, so a screen reader says it right.
function roleLabel(code, lang, { ownName = "", capital = false } = {}) {
  const [usual, gloss] = roleParts(code, lang);
  const own = typeof ownName === "string" ? ownName.trim() : "";
  const name = capital ? capitalize(own || usual) : own || usual;
  if (lang !== "en") return [name];
  const dutch = h("span", { lang: "nl" }, name);
  return gloss ? [dutch, ` (${gloss})`] : [dutch];
}

function shownRole(payload, lang, capital = false) {
  return roleLabel(payload.role, lang, { ownName: payload.role_name, capital });
}

// Whether a card's municipality is another one than the widget serves (code or name).
function otherGemeente(gemeente, settings) {
  if (!gemeente || typeof gemeente.name !== "string" || !gemeente.name) return false;
  const served = [settings.gemeente, settings.gemeenteName].map((value) => String(value || "").toLowerCase());
  return !served.includes(String(gemeente.code || "").toLowerCase()) && !served.includes(gemeente.name.toLowerCase());
}

// An e-mail address that wraps only after its "@" or before a dot, never inside a word.
function emailText(email) {
  return email.split(/(?<=@)|(?=\.)/).flatMap((piece, index) => (index ? [h("wbr"), piece] : [piece]));
}

function emergency(text, t) {
  return h(
    "div",
    { class: "ww-emergency", "data-role": "noodgeval" },
    h("div", { class: "ww-emergency__text" }, text ? richText(text, { phones: false }) : t.emergency),
    link("tel:112", t.emergencyCall, "ww-emergency__call"),
  );
}

// "Hier helpt: ..." only where the bot's own text does not already say it: the bot answers in
// the language the widget speaks, and names the professional itself.
function route(payload, t, lang, settings, context) {
  const code = payload && payload.role;
  if (!code) return null;
  if (code === "noodgeval") return emergency(context.emergencyText, t);
  if (context.replyHasText) return null;
  return h(
    "p",
    { class: "ww-route", "data-role": code },
    h("span", { class: "ww-route__label" }, t.routeIntro),
    " ",
    h("strong", { class: "ww-route__role" }, shownRole(payload, lang)),
  );
}

function areaLine(prefixes, area) {
  if (!area || !area.name) return null;
  const prefix = prefixes[area.level] || prefixes.gemeente;
  return `${prefix} ${area.name}`;
}

let cardCounter = 0;

function contactCard(payload, t, lang, settings) {
  if (!payload || !payload.role) return null;
  const headingId = `ww-card-${++cardCounter}`;
  const contacts = Array.isArray(payload.contacts) ? payload.contacts : [];
  const area = areaLine(t.cardFor, payload.area);
  const gemeente = otherGemeente(payload.gemeente, settings) ? t.serves(payload.gemeente.name) : null;
  const items = contacts.map((contact) => {
    const rows = [];
    const row = (label, value) => rows.push(h("dt", { text: label }), h("dd", {}, value));
    if (contact.organisation) row(t.organisation, contact.organisation);
    if (contact.phone) row(t.phone, link(telHref(contact.phone), contact.phone, "ww-card__phone"));
    if (contact.email) {
      const href = mailtoHref(contact.email);
      const address = href ? h("a", { class: "utrecht-link utrecht-link--html-a ww-card__email", href }, emailText(contact.email)) : contact.email;
      row(t.email, address);
    }
    // The municipality's own (Dutch) words for when they can be reached.
    if (contact.hours) row(t.hours, lang === "nl" ? contact.hours : h("span", { lang: "nl" }, contact.hours));
    // The bot's own sentence for open_now / next_open ("Nu bereikbaar tot 12:00").
    const reachable = typeof contact.reachable === "string" ? contact.reachable : "";
    return h(
      "li",
      { class: "ww-card__contact" },
      contact.name ? h("p", { class: "ww-card__name" }, contact.name) : null,
      rows.length ? h("dl", { class: "ww-card__details" }, rows) : null,
      reachable
        ? h("p", { class: "ww-card__reachable", "data-open": contact.open_now === true ? "true" : "false" }, reachable)
        : null,
    );
  });
  return h(
    "article",
    { class: "ww-card", "data-role": payload.role, "aria-labelledby": headingId },
    h("h3", { class: "ww-card__title", id: headingId }, shownRole(payload, lang, true)),
    area ? h("p", { class: "ww-card__area" }, area) : null,
    gemeente ? h("p", { class: "ww-card__gemeente" }, gemeente) : null,
    items.length
      ? h("ul", { class: "ww-card__contacts" }, items)
      : h("p", { class: "ww-text" }, t.noContacts),
  );
}

// "Uw buurt: ..." only when no card in the same reply names the area already.
function location(payload, t, lang, settings, context) {
  if (!payload || payload.status !== "found" || context.replyHasCard) return null;
  const line = areaLine(t.foundArea, payload.area);
  return line ? h("p", { class: "ww-note", "data-status": payload.status }, line) : null;
}

// The widget's own short descriptions, only when the bot sent no text that explains.
function explain(payload, t, lang, settings, context) {
  const roles = payload && Array.isArray(payload.roles) ? payload.roles : [];
  if (!roles.length || context.utteranceText) return null;
  return h(
    "div",
    { class: "ww-explain" },
    roles.length > 2 ? h("p", { class: "ww-explain__title" }, t.explainTitle) : null,
    h(
      "dl",
      { class: "ww-explain__list" },
      roles.flatMap((code) => [
        h("dt", { "data-role": code }, roleLabel(code, lang, { capital: true })),
        h("dd", { text: roleDescription(code, lang) }),
      ]),
    ),
  );
}

const CUSTOM_RENDERERS = {
  route,
  contact_card: contactCard,
  location,
  explain,
};

// One reply (the bot's messages for one resident message) as utterances: Rasa sends a text
// (with its buttons) and the custom payload said with it as separate messages, so messages
// without text belong to the text before them. Each utterance: its messages, in order.
export function utterances(messages) {
  const groups = [];
  for (const message of messages) {
    const current = groups[groups.length - 1];
    if (!current || message.text) groups.push([message]);
    else current.push(message);
  }
  return groups;
}

export function replyContext(messages) {
  return {
    replyHasText: messages.some((message) => Boolean(message.text)),
    replyHasCard: messages.some((message) => Boolean(message.custom && message.custom.contact_card)),
  };
}

// Scripts written right to left, among the languages the bot may answer a foreign message in.
const RIGHT_TO_LEFT = new Set(["ar", "fa", "he", "ur"]);

// The bot's fixed answer to a message in a language it does not serve is in that language;
// `foreign_language` beside it names it, so the text gets its own `lang` (and direction).
function foreignLanguage(messages) {
  for (const message of messages) {
    const payload = message.custom && message.custom.foreign_language;
    const code = payload && typeof payload.code === "string" ? payload.code : "";
    if (/^[a-z]{2,3}$/.test(code)) return code;
  }
  return null;
}

function isEmergency(message) {
  const route = message.custom && message.custom.route;
  return Boolean(route && route.role === "noodgeval");
}

// The visible parts of one utterance (without its buttons); [] when nothing shows.
export function utteranceParts(messages, t, lang, settings = {}, reply = replyContext(messages)) {
  const text = messages.map((message) => message.text || "").join("\n\n").trim();
  // The emergency box carries the bot's own 112 text, so it is said once.
  const emergencyText = messages.some(isEmergency) ? text : "";
  const context = { ...reply, utteranceText: text, emergencyText };
  const parts = [];
  const foreign = foreignLanguage(messages);
  const direction = foreign ? (RIGHT_TO_LEFT.has(foreign) ? "rtl" : "ltr") : null;
  if (text && !emergencyText) {
    parts.push(h("div", { class: "ww-bubble", lang: foreign, dir: direction }, richText(text)));
  }
  for (const message of messages) {
    for (const [key, value] of Object.entries(message.custom || {})) {
      const renderer = CUSTOM_RENDERERS[key];
      const part = renderer ? renderer(value, t, lang, settings, context) : null;
      if (part) parts.push(part);
    }
  }
  return parts;
}

export function asksLocation(message) {
  return Boolean(message && message.custom && "ask_location" in message.custom);
}
