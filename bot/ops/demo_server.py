"""Serves the demo municipality's web page with the chat widget under a strict CSP.

    python -m bot.ops.demo_server --host 127.0.0.1 --port 8080 --bot-url http://127.0.0.1:5005

Pages come from bot/ops/demo/ (Jinja2 templates that extend one layout, `_base.html`, and
take `{{ bot_url }}`), the widget bundle from web/dist/ (``npm --prefix web run build``).
aiohttp, as the staff workspace. Blocking; stops cleanly on SIGTERM and SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

import jinja2
from aiohttp import web

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = Path(__file__).resolve().parent / "demo"
WIDGET_DIR = PROJECT_ROOT / "web" / "dist"
WIDGET_PREFIX = "/widget/"
ALLOWED_METHODS: Final = ("GET", "HEAD")
# Templates the pages extend (bot/ops/demo/_base.html): not pages themselves.
LAYOUT_PREFIX: Final = "_"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


def origin_of(url: str) -> str:
    """The scheme://host[:port] of an http(s) URL; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(bot_url: str) -> str:
    """No inline scripts or styles, nothing from elsewhere; fetch() only to the bot."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"connect-src {origin_of(bot_url)}",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def security_headers(bot_url: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(bot_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        # The demo is for development: always serve the latest build.
        "Cache-Control": "no-cache",
        "Server": "WijkwijzerDemo",
    }


@dataclass(frozen=True)
class SiteConfig:
    bot_url: str
    demo_dir: Path = DEMO_DIR
    widget_dir: Path = WIDGET_DIR


CONFIG: Final = web.AppKey("config", SiteConfig)
PAGES: Final = web.AppKey("pages", jinja2.Environment)


def _inside(root: Path, relative: str) -> Path | None:
    """The file ``relative`` under ``root``, or None if it escapes root or does not exist."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def create_app(config: SiteConfig) -> web.Application:
    app = web.Application()
    app[CONFIG] = config
    # Pages extend one layout (_base.html) and take the bot URL; autoescape keeps a quote in
    # it harmless. The loader checks modification times, so an edited page shows on the next
    # reload. A line that holds only a tag leaves nothing in the page.
    app[PAGES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.demo_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    headers = security_headers(config.bot_url)

    async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)

    # Every response, the 404 and 405 as well. aiohttp types this signal wrongly.
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]
    # One catch-all route: a path the router does not know must still get the headers and
    # the same plain 404, and every method but GET and HEAD the same 405.
    app.router.add_route("*", "/{path:.*}", serve_file)
    return app


def _plain(status: int, text: str, **headers: str) -> web.Response:
    return web.Response(
        status=status,
        body=text.encode(),
        headers={"Content-Type": CONTENT_TYPES[".txt"], **headers},
    )


def _resolve(config: SiteConfig, raw_path: str) -> Path | None:
    # The raw path, decoded here: a "%2e%2e" must meet the same check as a "..".
    path = unquote(urlsplit(raw_path).path)
    if path.startswith(WIDGET_PREFIX):
        return _inside(config.widget_dir, path[len(WIDGET_PREFIX) :])
    if path.endswith("/"):
        path += "index.html"
    return _inside(config.demo_dir, path.lstrip("/"))


async def serve_file(request: web.Request) -> web.StreamResponse:
    if request.method not in ALLOWED_METHODS:
        return _plain(405, "Method not allowed\n", Allow=", ".join(ALLOWED_METHODS))
    config = request.app[CONFIG]
    file = _resolve(config, request.raw_path)
    if file is None or file.suffix not in CONTENT_TYPES or file.name.startswith(LAYOUT_PREFIX):
        return _plain(404, "Niet gevonden\n")
    if file.suffix == ".html":
        page = file.relative_to(config.demo_dir.resolve()).as_posix()
        body = request.app[PAGES].get_template(page).render(bot_url=config.bot_url).encode()
    else:
        body = file.read_bytes()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPES[file.suffix]})


class BackgroundSite:
    """The demo site on its own event loop in a daemon thread (tests, screenshot scripts).

    `start()` returns once the site listens; `port` is the real one when asked for port 0.
    """

    def __init__(self, config: SiteConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config, self.host, self.port = config, host, port
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(create_app(config), access_log=None)
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> BackgroundSite:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()


async def serve(host: str, port: int, config: SiteConfig, verbose: bool = False) -> None:
    """Serve until SIGTERM or SIGINT."""
    runner = web.AppRunner(create_app(config), access_log=log if verbose else None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    port = runner.addresses[0][1]  # the real one when asked for port 0
    print(f"Demo page: http://{host}:{port}/  (bot: {config.bot_url})", flush=True)
    if not (config.widget_dir / "wijkwijzer-widget.js").is_file():
        print(
            f"Warning: no widget bundle in {config.widget_dir}; "
            "build it with: npm --prefix web ci && npm --prefix web run build",
            file=sys.stderr,
            flush=True,
        )
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await runner.cleanup()
    print("Demo page stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--bot-url",
        default="http://127.0.0.1:5005",
        help="base URL of the Rasa server (REST channel)",
    )
    parser.add_argument(
        "--demo-dir",
        type=Path,
        default=DEMO_DIR,
        help="folder with the pages to serve (default: the Weidehaven demo)",
    )
    parser.add_argument(
        "--widget-dir",
        type=Path,
        default=WIDGET_DIR,
        help="folder with the built widget (default: web/dist)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s"
    )
    bot_url = args.bot_url.rstrip("/")
    try:
        origin_of(bot_url)
    except ValueError as error:
        parser.error(str(error))
    config = SiteConfig(bot_url=bot_url, demo_dir=args.demo_dir, widget_dir=args.widget_dir)
    asyncio.run(serve(args.host, args.port, config, verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
