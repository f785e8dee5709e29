// Demo page behaviour: the "Start de chat" button opens the widget through its event.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-open-chat]")) {
    button.addEventListener("click", () => document.dispatchEvent(new CustomEvent("wijkwijzer:open")));
  }
});
