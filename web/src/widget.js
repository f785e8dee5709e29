// The chat widget: a launcher button and a non-modal dialog inside a Shadow DOM, so the
// host page's styles stay out and ours stay in.
import { sendToBot } from "./client.js";
import { h, icon, ICONS } from "./dom.js";
import { asksLocation, replyContext, richText, utteranceParts, utterances } from "./render.js";
import { ConversationStore } from "./store.js";
import { LANGUAGES, STRINGS } from "./strings.js";

const HOST_ATTRIBUTE = "data-wijkwijzer";
const OPEN_EVENT = "wijkwijzer:open";

export function mountWidget(settings) {
  // The snippet pasted twice must not give two chat buttons.
  if (document.querySelector(`[${HOST_ATTRIBUTE}]`)) return null;
  const host = document.createElement("div");
  host.setAttribute(HOST_ATTRIBUTE, "");
  document.body.append(host);
  // Open, so that assistive technology checks (axe) and tests can look inside.
  const root = host.attachShadow({ mode: "open" });
  return new ChatWidget(root, settings);
}

class ChatWidget {
  constructor(root, settings) {
    this.root = root;
    this.settings = settings;
    // settings.lang: the page's language, which a conversation starts in. The widget's own
    // strings follow the conversation (this.lang); each message keeps the language it is in.
    this.store = new ConversationStore(settings.botUrl, settings.lang);
    this.lang = this.store.lang;
    this.t = STRINGS[this.lang];
    // Setters of the widget's own strings outside the log, run again on a language change.
    this.labels = [];
    // Entry -> its DOM: a user message's node, or a bot message's group of buttons.
    this.nodes = new WeakMap();
    this.queue = Promise.resolve();
    this.generation = 0;
    this.busy = 0;
    this.build();
    this.renderTranscript();
    if (this.store.state.open) this.open({ focus: false });
    document.addEventListener(OPEN_EVENT, () => this.open());
  }

  // ---- construction -------------------------------------------------------------

  // An element whose text (or attribute) is one of the widget's strings in the current language.
  label(element, text, attribute = null) {
    const apply = () => {
      const value = text(this.t);
      if (attribute) element.setAttribute(attribute, value);
      else element.textContent = value;
    };
    apply();
    this.labels.push(apply);
    return element;
  }

  build() {
    const { settings } = this;
    const stylesheet = h("link", { rel: "stylesheet", href: settings.cssUrl });

    this.launcher = h(
      "button",
      {
        type: "button",
        class: "utrecht-button utrecht-button--primary-action ww-launcher",
        "aria-haspopup": "dialog",
        "aria-expanded": "false",
        "aria-controls": "ww-dialog",
        onclick: () => this.open(),
      },
      icon(ICONS.chat),
      settings.launcherText
        ? h("span", { lang: settings.lang, text: settings.launcherText })
        : this.label(h("span"), (t) => t.launcher),
    );

    this.log = this.label(
      h("div", {
        class: "ww-log",
        role: "log",
        "aria-live": "polite",
        // Scrollable, so keyboard users must be able to reach it to scroll.
        tabindex: "0",
      }),
      (t) => t.logLabel,
      "aria-label",
    );
    this.typing = h("div", { class: "ww-typing", role: "status" });
    this.alert = h("div", { class: "ww-alert-region", role: "alert" });
    this.status = h("div", { class: "ww-sr", role: "status" });

    this.hint = h("p", { id: "ww-hint", class: "ww-hint" });
    this.input = h("input", {
      id: "ww-input",
      class: "utrecht-textbox utrecht-textbox--html-input ww-input",
      type: "text",
      name: "message",
      autocomplete: "off",
      maxlength: "500",
      enterkeyhint: "send",
      "aria-describedby": "ww-hint",
    });
    const form = h(
      "form",
      {
        class: "ww-form",
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          this.submitText();
        },
      },
      this.label(h("label", { class: "utrecht-form-label ww-label", for: "ww-input" }), (t) => t.inputLabel),
      this.hint,
      h(
        "div",
        { class: "ww-form__row" },
        this.input,
        h(
          "button",
          { type: "submit", class: "utrecht-button utrecht-button--primary-action ww-send" },
          icon(ICONS.send),
          this.label(h("span"), (t) => t.send),
        ),
      ),
    );

    const privacy = h(
      "p",
      { class: "ww-privacy" },
      this.label(h("span"), (t) => t.privacy),
      settings.privacyUrl
        ? [
            " ",
            this.label(h("a", { class: "utrecht-link utrecht-link--html-a", href: settings.privacyUrl }), (t) => t.privacyLink),
            ".",
          ]
        : null,
    );

    const header = h(
      "div",
      { class: "ww-header" },
      h(
        "div",
        { class: "ww-header__titles" },
        // The host's own title, in its page's language whatever the conversation speaks.
        h("h2", { id: "ww-title", class: "ww-title", lang: settings.lang, text: settings.title }),
        settings.gemeenteName
          ? this.label(h("p", { class: "ww-gemeente" }), (t) => t.serves(settings.gemeenteName))
          : null,
      ),
      h(
        "div",
        { class: "ww-header__actions" },
        h(
          "button",
          { type: "button", class: "utrecht-button utrecht-button--subtle ww-restart", onclick: () => this.restart() },
          icon(ICONS.restart),
          this.label(h("span"), (t) => t.restart),
        ),
        h(
          "button",
          { type: "button", class: "utrecht-button utrecht-button--subtle ww-close", onclick: () => this.close() },
          icon(ICONS.close),
          this.label(h("span", { class: "ww-close__text" }), (t) => t.close),
        ),
      ),
    );

    this.dialog = h(
      "section",
      {
        id: "ww-dialog",
        class: "ww-dialog",
        role: "dialog",
        "aria-labelledby": "ww-title",
        hidden: true,
        onkeydown: (event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            this.close();
          }
        },
      },
      header,
      this.log,
      this.typing,
      this.alert,
      form,
      privacy,
      this.status,
    );

    this.container = h(
      "div",
      { class: `wijkwijzer-theme ww-root ww-root--${settings.position}`, lang: this.lang, hidden: true },
      this.launcher,
      this.dialog,
    );
    // Custom properties through the CSSOM are allowed under a strict CSP (no inline styles).
    if (settings.primaryColor) this.container.style.setProperty("--wijkwijzer-primary-color", settings.primaryColor);
    if (settings.primaryTextColor) {
      this.container.style.setProperty("--wijkwijzer-primary-text-color", settings.primaryTextColor);
    }

    // Show nothing until our stylesheet is in, so the page never flashes an unstyled widget.
    const reveal = () => {
      this.container.hidden = false;
      this.checkContrast();
      // Only now is there a layout to scroll (a reload opens the dialog before this).
      if (!this.dialog.hidden) this.showNewest();
    };
    stylesheet.addEventListener("load", reveal, { once: true });
    stylesheet.addEventListener(
      "error",
      () => {
        console.error(`Wijkwijzer: could not load ${settings.cssUrl}`);
        reveal();
      },
      { once: true },
    );
    this.root.append(stylesheet, this.container);
  }

  checkContrast() {
    const style = getComputedStyle(this.launcher);
    const ratio = contrastRatio(style.color, style.backgroundColor);
    if (ratio !== null && ratio < 4.5) {
      console.warn(`Wijkwijzer: the colours give a contrast of ${ratio.toFixed(2)}:1; WCAG AA needs 4.5:1.`);
    }
  }

  // ---- rendering ------------------------------------------------------------------

  renderTranscript() {
    // The widget's own first message, in the language the conversation started in.
    const lang = this.settings.lang;
    const opening = h(
      "div",
      { class: "ww-msg ww-msg--bot", lang },
      h("span", { class: "ww-sr", text: STRINGS[lang].bot }),
      h("div", { class: "ww-bubble" }, richText(this.openingText(STRINGS[lang]))),
    );
    this.log.replaceChildren(opening);
    for (const group of replyGroups(this.store.entries)) {
      const node = group[0].t === "user" ? this.userNode(group[0]) : this.replyNode(group);
      if (node) this.log.append(node);
    }
    this.updateHint();
    if (this.failedEntries().length) this.showUnreachable();
    else this.alert.replaceChildren();
    this.showNewest();
  }

  openingText(t) {
    const { settings } = this;
    if (settings.openingText) return settings.openingText;
    return settings.gemeenteName ? t.openingFor(settings.gemeenteName) : t.opening;
  }

  // The resident's message, in the conversation's language when it was sent; its text in the
  // language of the bot's answer to it (`said`), which is the language the bot read it in.
  userNode(entry) {
    const lang = entryLanguage(entry, this.settings.lang);
    const t = STRINGS[lang];
    const said = entry.said && entry.said !== lang ? entry.said : null;
    const node = h(
      "div",
      { class: "ww-msg ww-msg--user", lang, "data-status": entry.status },
      h("span", { class: "ww-sr", text: t.you }),
      h("div", { class: "ww-bubble", lang: said }, h("p", { class: "ww-text", text: entry.text })),
      entry.status === "failed" ? h("p", { class: "ww-msg__status", text: t.notSent }) : null,
    );
    this.nodes.set(entry, node);
    return node;
  }

  // One reply of the bot as one message: its utterances in order, each with its buttons, and
  // the widget's own words in it in the reply's language.
  replyNode(entries) {
    const { settings } = this;
    const lang = entryLanguage(entries[entries.length - 1], settings.lang);
    const t = STRINGS[lang];
    const reply = replyContext(entries.map((entry) => entry.msg));
    const body = [];
    for (const group of utterances(entries.map((entry) => entry.msg))) {
      body.push(...utteranceParts(group, t, lang, settings, reply));
      for (const message of group) {
        const entry = entries.find((candidate) => candidate.msg === message);
        if (!message.buttons || entry.answered) continue;
        const choices = this.choicesNode(message.buttons, t);
        this.nodes.set(entry, choices);
        body.push(choices);
      }
    }
    if (!body.length) return null;
    const route = entries.map((entry) => entry.msg.custom && entry.msg.custom.route).find(Boolean);
    return h(
      "div",
      { class: "ww-msg ww-msg--bot", lang, "data-route": route && route.role },
      h("span", { class: "ww-sr", text: t.bot }),
      body,
    );
  }

  choicesNode(buttons, t) {
    return h(
      "div",
      { class: "ww-choices", role: "group", "aria-label": t.choices },
      buttons.map((button) =>
        h(
          "button",
          {
            type: "button",
            class: "utrecht-button utrecht-button--secondary-action ww-choice",
            "data-payload": button.payload,
            onclick: () => this.choose(button),
          },
          button.title,
        ),
      ),
    );
  }

  append(node) {
    if (!node) return;
    this.log.append(node);
    this.bringIntoView(node);
  }

  // Show a message: its start when it is taller than the view, else its end. Without
  // `exact` the view only moves down (a new message); with it, also up (after a reload).
  bringIntoView(node, { exact = false } = {}) {
    for (const scroller of [this.log, this.dialog]) {
      if (scroller.scrollHeight <= scroller.clientHeight + 1) continue;
      const view = scroller.getBoundingClientRect();
      const rect = node.getBoundingClientRect();
      const delta = rect.height > view.height ? rect.top - view.top : rect.bottom - view.bottom;
      if (delta > 0 || (exact && delta < 0 && rect.height > view.height)) scroller.scrollTop += delta;
    }
  }

  // The newest message and its buttons in sight (opening the dialog, a reload).
  showNewest() {
    this.log.scrollTop = this.log.scrollHeight;
    const newest = this.log.lastElementChild;
    if (newest) this.bringIntoView(newest, { exact: true });
  }

  updateHint() {
    let askingLocation = false;
    for (let i = this.store.entries.length - 1; i >= 0; i--) {
      const entry = this.store.entries[i];
      if (entry.t === "user") break;
      if (asksLocation(entry.msg)) askingLocation = true;
    }
    this.hint.textContent = askingLocation ? this.t.hintLocation : this.t.hintDefault;
    this.hint.classList.toggle("ww-hint--location", askingLocation);
  }

  setTyping(on) {
    if (on && !this.typing.childElementCount) {
      this.typing.replaceChildren(
        h("span", { class: "ww-typing__dots", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
        h("span", { class: "ww-typing__text", text: this.t.typing }),
      );
    } else if (!on) {
      this.typing.replaceChildren();
    }
  }

  setBusy(delta) {
    this.busy = Math.max(0, this.busy + delta);
    this.setTyping(this.busy > 0);
  }

  showUnreachable() {
    if (this.alert.childElementCount) return;
    this.alert.replaceChildren(
      h(
        "div",
        { class: "ww-alert" },
        h("p", { class: "ww-text", text: this.t.unreachable }),
        h("p", { class: "ww-text ww-alert__urgent", text: this.t.unreachableUrgent }),
        h(
          "button",
          {
            type: "button",
            class: "utrecht-button utrecht-button--secondary-action ww-retry",
            onclick: () => {
              this.retry();
              this.input.focus();
            },
          },
          this.t.retry,
        ),
      ),
    );
  }

  setUserStatus(entry, status) {
    entry.status = status;
    this.store.save();
    const node = this.nodes.get(entry);
    if (!node) return;
    node.dataset.status = status;
    const label = node.querySelector(".ww-msg__status");
    const notSent = STRINGS[entryLanguage(entry, this.settings.lang)].notSent;
    if (status === "failed" && !label) node.append(h("p", { class: "ww-msg__status", text: notSent }));
    if (status !== "failed" && label) label.remove();
  }

  // The alert takes room from the log: keep the message it is about ("Niet verstuurd") in view.
  showFailed() {
    const failed = this.failedEntries();
    const node = failed.length ? this.nodes.get(failed[failed.length - 1]) : null;
    if (node) this.bringIntoView(node);
  }

  // ---- conversation -----------------------------------------------------------------

  submitText() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.send(text, text);
  }

  choose(button) {
    this.send(button.payload, button.title);
    this.input.focus();
  }

  // Buttons answer the bot's last question only; once the resident replies they go.
  retireChoices() {
    let changed = false;
    for (const entry of this.store.entries) {
      if (entry.t === "bot" && entry.msg.buttons && !entry.answered) {
        entry.answered = true;
        changed = true;
        const choices = this.nodes.get(entry);
        if (choices) choices.remove();
      }
    }
    if (changed) this.store.save();
  }

  failedEntries() {
    return this.store.entries.filter((entry) => entry.t === "user" && entry.status === "failed");
  }

  send(message, shown) {
    this.retireChoices();
    // Earlier messages that failed go first, so the bot hears everything in order.
    if (this.failedEntries().length) this.retry();
    const entry = this.store.add({ t: "user", text: shown, message, status: "pending", lang: this.lang });
    this.append(this.userNode(entry));
    this.updateHint();
    this.enqueue(entry);
  }

  retry() {
    this.alert.replaceChildren();
    for (const entry of this.failedEntries()) {
      this.setUserStatus(entry, "pending");
      this.enqueue(entry);
    }
  }

  enqueue(entry) {
    const generation = this.generation;
    this.queue = this.queue.then(() => this.deliver(entry, generation));
  }

  async deliver(entry, generation) {
    if (generation !== this.generation || entry.status !== "pending") return;
    this.setBusy(1);
    try {
      let messages;
      try {
        messages = await sendToBot(this.settings.botUrl, this.store.sender, entry.message, {
          timeout: this.settings.requestTimeout,
          metadata: this.metadata(),
        });
      } catch (error) {
        if (generation !== this.generation) return;
        console.warn("Wijkwijzer: the bot could not be reached.", error.message);
        this.setUserStatus(entry, "failed");
        this.showUnreachable();
        this.showFailed();
        return;
      }
      if (generation !== this.generation) return;
      this.setUserStatus(entry, "sent");
      // The conversation's language after this message; a server that does not say keeps it.
      const tagged = messages.filter((msg) => msg.lang);
      const lang = tagged.length ? tagged[tagged.length - 1].lang : this.lang;
      this.markSaid(entry, lang);
      // The whole reply at once: a card with its line of why, not a drip of bubbles.
      const reply = this.store.nextReply();
      const entries = messages.map((msg) => this.store.add({ t: "bot", r: reply, msg, lang: msg.lang || lang }));
      if (entries.length) this.append(this.replyNode(entries));
      this.setLanguage(lang);
    } finally {
      if (generation === this.generation) this.setBusy(-1);
    }
  }

  // REST metadata: the municipality, and the conversation's language, which starts a new Rasa
  // session (the first message, or one after the session expired) in the language spoken.
  metadata() {
    const metadata = { language: this.lang };
    if (this.settings.gemeente) metadata.gemeente = this.settings.gemeente;
    return metadata;
  }

  // The language the bot read the resident's message in: on its text, for screen readers.
  markSaid(entry, lang) {
    if (entry.said === lang) return;
    entry.said = lang;
    this.store.save();
    const bubble = this.nodes.get(entry)?.querySelector(".ww-bubble");
    if (!bubble) return;
    // lang="" would mean "unknown": without its own, the text is in its message's language.
    if (lang === entryLanguage(entry, this.settings.lang)) bubble.removeAttribute("lang");
    else bubble.lang = lang;
  }

  // The widget's own strings in the conversation's language.
  setLanguage(lang) {
    if (lang !== this.store.lang) this.store.setLang(lang);
    this.lang = lang;
    this.t = STRINGS[lang];
    this.container.lang = lang;
    for (const apply of this.labels) apply();
    this.updateHint();
  }

  restart() {
    this.generation += 1;
    this.queue = Promise.resolve();
    this.busy = 0;
    this.setTyping(false);
    this.store.reset();
    this.setLanguage(this.store.lang);
    this.renderTranscript();
    this.input.value = "";
    this.status.textContent = this.t.restarted;
    setTimeout(() => {
      this.status.textContent = "";
    }, 5000);
    this.input.focus();
  }

  // ---- dialog -------------------------------------------------------------------------

  open({ focus = true } = {}) {
    this.dialog.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.setOpen(true);
    this.showNewest();
    if (focus) this.input.focus();
  }

  close() {
    this.dialog.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.setOpen(false);
    this.launcher.focus();
  }
}

// The language a transcript entry is in; entries of older transcripts are in the page's.
function entryLanguage(entry, fallback) {
  return entry && LANGUAGES.includes(entry.lang) ? entry.lang : fallback;
}

// The transcript as the log shows it: each user message alone, the bot's messages grouped
// per reply (entries of older transcripts, without a reply number, each alone).
function replyGroups(entries) {
  const groups = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    const sameReply = last && entry.t === "bot" && last[0].t === "bot" && entry.r && last[0].r === entry.r;
    if (sameReply) last.push(entry);
    else groups.push([entry]);
  }
  return groups;
}

// WCAG contrast ratio of two computed "rgb(...)" colours, or null when unparsable.
function contrastRatio(foreground, background) {
  const parse = (value) => {
    const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value);
    if (!match || (match[4] !== undefined && Number(match[4]) < 1)) return null;
    return match.slice(1, 4).map(Number);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const fg = parse(foreground);
  const bg = parse(background);
  if (!fg || !bg) return null;
  const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}
