// The conversation kept in sessionStorage: the sender id, the transcript and its language.
// sessionStorage lives as long as the browser tab, survives reloads and navigation
// within the site, and is never sent to a server (unlike a cookie).

import { LANGUAGES } from "./strings.js";

const VERSION = 1;
const MAX_ENTRIES = 300;

// 128 random bits as 32 hex characters: unguessable, and within what the REST channel
// accepts (16..128 of [A-Za-z0-9_.:-]). randomUUID would give only 122 random bits.
function newSenderId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// An id kept from an older widget (or edited by hand) that the server would refuse starts
// a new conversation instead of failing every message.
function validSender(sender) {
  return typeof sender === "string" && /^[A-Za-z0-9_.:-]{16,128}$/.test(sender);
}

function storage() {
  try {
    const s = window.sessionStorage;
    const probe = "wijkwijzer:probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    // Storage blocked (privacy settings): the conversation lasts as long as the page.
    return null;
  }
}

export class ConversationStore {
  // `startLang`: the language a new conversation starts in (the page's).
  constructor(botUrl, startLang = "nl") {
    this.key = `wijkwijzer:v${VERSION}:${botUrl || location.origin}`;
    this.startLang = startLang;
    this.storage = storage();
    this.state = this.load() || this.fresh();
  }

  fresh() {
    return { sender: newSenderId(), entries: [], open: false, lang: this.startLang };
  }

  load() {
    if (!this.storage) return null;
    try {
      const state = JSON.parse(this.storage.getItem(this.key) || "null");
      if (state && validSender(state.sender) && Array.isArray(state.entries)) {
        // A transcript of an older widget: the conversation is in the page's language.
        if (!LANGUAGES.includes(state.lang)) state.lang = this.startLang;
        // A message still on its way when the page unloaded never got its answer.
        for (const entry of state.entries) {
          if (entry.t === "user" && entry.status === "pending") entry.status = "failed";
        }
        return state;
      }
    } catch {
      // A damaged value: start a new conversation.
    }
    return null;
  }

  save() {
    if (!this.storage) return;
    if (this.state.entries.length > MAX_ENTRIES) {
      this.state.entries.splice(0, this.state.entries.length - MAX_ENTRIES);
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // Quota exceeded: keep going without persistence.
    }
  }

  reset() {
    this.state = { ...this.fresh(), open: this.state.open };
    this.save();
  }

  get sender() {
    return this.state.sender;
  }

  get entries() {
    return this.state.entries;
  }

  add(entry) {
    this.state.entries.push(entry);
    this.save();
    return entry;
  }

  // A number for the next reply of the bot, so its messages can be shown as one.
  nextReply() {
    this.state.replies = (this.state.replies || 0) + 1;
    return this.state.replies;
  }

  // The conversation's language: the bot's latest answer says it.
  get lang() {
    return this.state.lang;
  }

  setLang(lang) {
    this.state.lang = lang;
    this.save();
  }

  setOpen(open) {
    this.state.open = open;
    this.save();
  }
}
