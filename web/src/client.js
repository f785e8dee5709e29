// The Rasa REST channel: POST {sender, message} and get the list of bot messages back.
import { LANGUAGES } from "./strings.js";

export class BotUnreachable extends Error {}

// `metadata` travels with the message (Rasa passes it to the actions), e.g. the gemeente.
export async function sendToBot(botUrl, sender, message, { timeout = 20000, metadata = null } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(`${botUrl}/webhooks/rest/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(metadata ? { sender, message, metadata } : { sender, message }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
  } catch (error) {
    throw new BotUnreachable(error && error.message);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw new BotUnreachable(`HTTP ${response.status}`);
  let body;
  try {
    body = await response.json();
  } catch {
    throw new BotUnreachable("invalid JSON");
  }
  if (!Array.isArray(body)) throw new BotUnreachable("unexpected answer");
  return body.map(cleanMessage).filter(Boolean);
}

// Keep only what the widget renders, in a shape safe to store and render.
export function cleanMessage(message) {
  if (!message || typeof message !== "object") return null;
  const clean = {};
  if (typeof message.text === "string" && message.text.trim()) clean.text = message.text;
  if (Array.isArray(message.buttons)) {
    const buttons = message.buttons
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .slice(0, 12)
      .map((b) => ({ title: b.title, payload: b.payload }));
    if (buttons.length) clean.buttons = buttons;
  }
  if (message.custom && typeof message.custom === "object" && !Array.isArray(message.custom)) {
    clean.custom = message.custom;
  }
  if (!Object.keys(clean).length) return null;
  // The conversation's language after the resident's message ("nl" or "en"); the REST channel
  // puts it on every message. Absent from an older server: the widget keeps its language.
  if (LANGUAGES.includes(message.lang)) clean.lang = message.lang;
  return clean;
}
