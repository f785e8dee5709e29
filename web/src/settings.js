// Widget settings: defaults, the script tag's data-* attributes, then window.WijkwijzerSettings.
import { conversationLanguage } from "./strings.js";

export const DEFAULTS = Object.freeze({
  // Base URL of the Rasa server; "" means the page's own origin (a reverse proxy).
  botUrl: "",
  title: "Wijkwijzer",
  // The municipality this widget serves: a CBS code ("GM0344") or a name. Sent with every
  // message, so the bot uses that municipality's routing table and contacts.
  gemeente: "",
  // Shown in the header and the opening text; defaults to `gemeente` when that is a name.
  gemeenteName: "",
  // The language the conversation starts in, "nl" or "en"; "" means the page's own
  // (<html lang>), Dutch when that is neither. Sent to the bot, which answers in it.
  lang: "",
  // null: the interface language's default opening text.
  openingText: null,
  launcherText: null,
  privacyUrl: "",
  primaryColor: "",
  primaryTextColor: "",
  position: "right",
  cssUrl: "",
  requestTimeout: 20000,
});

// data-* attribute name (without "data-") → setting.
const ATTRIBUTES = {
  "bot-url": "botUrl",
  title: "title",
  gemeente: "gemeente",
  "gemeente-name": "gemeenteName",
  lang: "lang",
  "opening-text": "openingText",
  "launcher-text": "launcherText",
  "privacy-url": "privacyUrl",
  "primary-color": "primaryColor",
  "primary-text-color": "primaryTextColor",
  position: "position",
  "css-url": "cssUrl",
  "request-timeout": "requestTimeout",
};

const NUMERIC = new Set(["requestTimeout"]);

function coerce(key, value) {
  if (value === undefined || value === null) return undefined;
  if (NUMERIC.has(key)) {
    const number = Number(value);
    return Number.isFinite(number) && number >= 0 ? number : undefined;
  }
  return typeof value === "string" ? value.trim() : undefined;
}

function isHttpUrl(value, base) {
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function readSettings(script, override) {
  const settings = { ...DEFAULTS };
  if (script && script.dataset) {
    for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
      const raw = script.getAttribute(`data-${attribute}`);
      const value = coerce(key, raw);
      if (value !== undefined) settings[key] = value;
    }
  }
  if (override && typeof override === "object") {
    for (const key of Object.keys(DEFAULTS)) {
      const value = coerce(key, override[key]);
      if (value !== undefined) settings[key] = value;
    }
  }

  settings.lang =
    conversationLanguage(settings.lang) || conversationLanguage(document.documentElement.lang) || "nl";
  settings.position = settings.position === "left" ? "left" : "right";
  settings.botUrl = settings.botUrl.replace(/\/+$/, "");
  settings.gemeente = settings.gemeente.slice(0, 100);
  if (!settings.gemeenteName && settings.gemeente && !/^(GM)?\d{1,4}$/i.test(settings.gemeente)) {
    settings.gemeenteName = settings.gemeente;
  }
  settings.gemeenteName = settings.gemeenteName.slice(0, 100);
  if (settings.botUrl && !isHttpUrl(settings.botUrl)) {
    console.warn("Wijkwijzer: botUrl must be an http(s) URL; using this site's own origin.");
    settings.botUrl = "";
  }
  if (settings.privacyUrl && !isHttpUrl(settings.privacyUrl, document.baseURI)) {
    settings.privacyUrl = "";
  }
  for (const key of ["primaryColor", "primaryTextColor"]) {
    if (settings[key] && !(window.CSS && CSS.supports("color", settings[key]))) {
      console.warn(`Wijkwijzer: ${key} is not a CSS colour; using the default.`);
      settings[key] = "";
    }
  }
  if (!settings.cssUrl) {
    const scriptUrl = script && script.src ? script.src : document.baseURI;
    settings.cssUrl = new URL("wijkwijzer-widget.css", scriptUrl).href;
  }
  return settings;
}
