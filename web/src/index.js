// Entry point: reads the settings of the embedding <script> tag and mounts the widget.
import { readSettings } from "./settings.js";
import { mountWidget } from "./widget.js";

// document.currentScript is only set while this classic script runs, so read it now.
const script = document.currentScript;

function start() {
  const settings = readSettings(script, window.WijkwijzerSettings);
  mountWidget(settings);
}

if (document.body) {
  start();
} else {
  document.addEventListener("DOMContentLoaded", start, { once: true });
}
