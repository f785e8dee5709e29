// Turns transcript entries into DOM: bot text, buttons and the custom payloads of
// CONTRACT.md section 2 (route, contact_card, location, explain).
import { h } from "./dom.js";
import { capitalize, roleDescription, roleName } from "./strings.js";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

// Bot text as paragraphs with web addresses made clickable.
export function richText(text) {
  const fragment = document.createDocumentFragment();
  const paragraphs = text.split(/\n{2,}/);
  for (const paragraph of paragraphs) {
    const p = h("p", { class: "ww-text" });
    let last = 0;
    for (const match of paragraph.matchAll(URL_PATTERN)) {
      p.append(paragraph.slice(last, match.index));
      p.append(h("a", { class: "utrecht-link utrecht-link--html-a", href: match[0] }, match[0]));
      last = match.index + match[0].length;
    }
    p.append(paragraph.slice(last));
    fragment.append(p);
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

// The municipality's own name of the role when the bot sends one, else the usual name.
function shownRoleName(payload, lang) {
  const own = payload && typeof payload.role_name === "string" ? payload.role_name.trim() : "";
  return own || roleName(payload.role, lang);
}

// Whether a card's municipality is another one than the widget serves (code or name).
function otherGemeente(gemeente, settings) {
  if (!gemeente || typeof gemeente.name !== "string" || !gemeente.name) return false;
  const served = [settings.gemeente, settings.gemeenteName].map((value) => String(value || "").toLowerCase());
  return !served.includes(String(gemeente.code || "").toLowerCase()) && !served.includes(gemeente.name.toLowerCase());
}

function route(payload, t, lang) {
  const code = payload && payload.role;
  if (!code) return null;
  if (code === "noodgeval") {
    return h(
      "div",
      { class: "ww-emergency", "data-role": code },
      h("p", { class: "ww-text ww-emergency__text" }, t.emergency),
      link("tel:112", t.emergencyCall, "ww-emergency__call"),
    );
  }
  return h(
    "p",
    { class: "ww-route", "data-role": code },
    h("span", { class: "ww-route__label" }, t.routeIntro),
    " ",
    h("strong", { class: "ww-route__role" }, shownRoleName(payload, lang)),
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
  const role = shownRoleName(payload, lang);
  const area = areaLine(t.cardFor, payload.area);
  const gemeente = otherGemeente(payload.gemeente, settings) ? t.serves(payload.gemeente.name) : null;
  const items = contacts.map((contact) => {
    const rows = [];
    const row = (label, value) => rows.push(h("dt", { text: label }), h("dd", {}, value));
    if (contact.organisation) row(t.organisation, contact.organisation);
    if (contact.phone) row(t.phone, link(telHref(contact.phone), contact.phone, "ww-card__phone"));
    if (contact.email) row(t.email, link(mailtoHref(contact.email), contact.email, "ww-card__email"));
    if (contact.hours) row(t.hours, contact.hours);
    return h(
      "li",
      { class: "ww-card__contact" },
      contact.name ? h("p", { class: "ww-card__name" }, contact.name) : null,
      rows.length ? h("dl", { class: "ww-card__details" }, rows) : null,
    );
  });
  return h(
    "article",
    { class: "ww-card", "data-role": payload.role, "aria-labelledby": headingId },
    h("h3", { class: "ww-card__title", id: headingId }, capitalize(role)),
    area ? h("p", { class: "ww-card__area" }, area) : null,
    gemeente ? h("p", { class: "ww-card__gemeente" }, gemeente) : null,
    items.length
      ? h("ul", { class: "ww-card__contacts" }, items)
      : h("p", { class: "ww-text" }, t.noContacts),
  );
}

function location(payload, t) {
  if (!payload || payload.status !== "found") return null;
  const line = areaLine(t.foundArea, payload.area);
  return line ? h("p", { class: "ww-note", "data-status": payload.status }, line) : null;
}

function explain(payload, t, lang) {
  const roles = payload && Array.isArray(payload.roles) ? payload.roles : [];
  if (!roles.length) return null;
  return h(
    "div",
    { class: "ww-explain" },
    roles.length > 2 ? h("p", { class: "ww-explain__title" }, t.explainTitle) : null,
    h(
      "dl",
      { class: "ww-explain__list" },
      roles.flatMap((code) => [
        h("dt", { "data-role": code }, capitalize(roleName(code, lang))),
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

// Renders one bot message's body parts; returns [] when there is nothing visible.
export function botParts(message, t, lang, settings = {}) {
  const parts = [];
  if (message.text) parts.push(h("div", { class: "ww-bubble" }, richText(message.text)));
  if (message.custom) {
    for (const [key, value] of Object.entries(message.custom)) {
      const renderer = CUSTOM_RENDERERS[key];
      const part = renderer ? renderer(value, t, lang, settings) : null;
      if (part) parts.push(part);
    }
  }
  return parts;
}

export function asksLocation(message) {
  return Boolean(message && message.custom && "ask_location" in message.custom);
}
