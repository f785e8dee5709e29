"""Headless Chromium for the browser tests: launching it, watching a page, axe-core."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.requirements import unavailable
from tests.support.servers import PROJECT_ROOT, refuse_in_fast_lane

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run scripts/install-web-deps.sh"
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' >>> ')),
  }));
}"""


def missing(reason: str) -> None:
    """Browser tooling absent: skipped here, an install error in CI."""
    unavailable(f"{reason} ({INSTALL_HINT})")


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium through Playwright's sync API, closed afterwards."""
    refuse_in_fast_lane("Chromium", "browser")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is missing")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@functools.cache
def axe_source() -> str:
    if not AXE.is_file():
        missing("axe-core is missing from web/node_modules")
    return AXE.read_text(encoding="utf-8")


def run_axe(page: Any, source: str | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (empty when it is accessible)."""
    page.evaluate(source if source is not None else axe_source())
    assert page.evaluate("typeof axe.run") == "function"
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return violations


@dataclass
class PageLog:
    """What the page said on its console, and requests that left loopback."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        """Web requests to anywhere but this machine (tel: and mailto: are not requests)."""
        return [
            url
            for url in self.requests
            if url.startswith(("http:", "https:", "ws:", "wss:"))
            and not url.startswith("http://127.0.0.1:")
        ]

    @property
    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


def new_page(browser: Any, page_log: PageLog, **context_options: Any) -> Any:
    """A page in a context of its own that writes what it sees into `page_log`."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda message: page_log.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page_log.errors.append(str(error)))
    page.on("request", lambda request: page_log.requests.append(request.url))
    return page
