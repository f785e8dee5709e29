"""Steps a resident takes in the widget, for the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

FOCUSED_IN_WIDGET = """() => {
  const host = document.querySelector('[data-wijkwijzer]');
  const active = host && host.shadowRoot && host.shadowRoot.activeElement;
  return active ? (active.getAttribute('class') || active.tagName) : '';
}"""

# Every visible element of the widget that sticks out of the viewport sideways, and every
# element that needs horizontal scrolling.
HORIZONTAL_OVERFLOW = """() => {
  const root = document.querySelector('[data-wijkwijzer]').shadowRoot;
  const width = document.documentElement.clientWidth;
  const problems = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('[hidden]') || el.tagName === 'LINK') continue;
    // Visually hidden text for screen readers.
    if ([el, el.parentElement].some((e) => e && getComputedStyle(e).clipPath !== 'none')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const name = el.tagName + '.' + (el.getAttribute('class') || '');
    if (rect.left < -0.5 || rect.right > width + 0.5) {
      problems.push(`${name} ${rect.left}..${rect.right}`);
    }
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      problems.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  return { width, documentScrollWidth: document.documentElement.scrollWidth, problems };
}"""


def focused_in_widget(page: Page) -> str:
    return page.evaluate(FOCUSED_IN_WIDGET)


def open_by_keyboard(page: Page) -> None:
    """Tab to the chat button the way a keyboard user does, and press Enter."""
    expect(page.locator(".ww-launcher")).to_be_visible()
    for _ in range(60):
        page.keyboard.press("Tab")
        if "ww-launcher" in focused_in_widget(page):
            break
    else:
        raise AssertionError("the chat button cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page.locator(".ww-dialog")).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.locator(".ww-input").fill(text)
    page.locator(".ww-input").press("Enter")


def wait_until_idle(page: Page) -> None:
    expect(page.locator(".ww-typing")).to_be_empty()
    expect(page.locator(".ww-msg--user[data-status='pending']")).to_have_count(0)


def log_texts(page: Page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator(".ww-log > .ww-msg").all_inner_texts()]


def ask_routed_question_and_postcode(page: Page, postcode: str = "9401 AB") -> None:
    ask(page, "Mijn buren maken elke nacht lawaai")
    expect(page.locator(".ww-hint")).to_contain_text("postcode")
    wait_until_idle(page)
    ask(page, postcode)
    expect(page.locator(".ww-card")).to_be_visible()
    wait_until_idle(page)


# Times, on the page's own clock (ms): when the last answer of the bot had arrived
# (responseEnd of the last POST to the webhook), when a complete routed answer (a contact
# card and the feedback buttons) was in the log, and when its fade-in had finished.
WATCH_REPLY = """() => {
  const root = document.querySelector('[data-wijkwijzer]').shadowRoot;
  const log = root.querySelector('.ww-log');
  const before = log.querySelectorAll('.ww-card').length;
  window.__wwTiming = {};
  const observer = new MutationObserver(() => {
    const reply = log.lastElementChild;
    const complete = log.querySelectorAll('.ww-card').length > before && reply
      && reply.querySelector('.ww-card') && reply.querySelector('[data-payload="/affirm"]');
    if (!complete || window.__wwTiming.shown) return;
    window.__wwTiming.shown = performance.now();
    observer.disconnect();
    Promise.all(reply.getAnimations({ subtree: true }).map((a) => a.finished)).then(() => {
      window.__wwTiming.settled = performance.now();
    });
  });
  observer.observe(log, { childList: true, subtree: true });
}"""

REPLY_TIMING = """() => {
  const posts = performance.getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('/webhooks/rest/webhook'));
  const answered = posts[posts.length - 1].responseEnd;
  const { shown, settled } = window.__wwTiming;
  return { shown: shown - answered, settled: settled - answered };
}"""


def time_routed_answer(page: Page, question: str) -> dict[str, float]:
    """Ask `question` and return how long after the server's reply the card and the
    feedback buttons were shown (`shown`) and had stopped moving (`settled`), in ms."""
    page.evaluate(WATCH_REPLY)
    ask(page, question)
    page.wait_for_function("() => window.__wwTiming && window.__wwTiming.settled")
    return page.evaluate(REPLY_TIMING)
