"""Serves the demo municipality's web page with the chat widget under a strict CSP.

    python -m bot.ops.demo_server --host 127.0.0.1 --port 8080 --bot-url http://127.0.0.1:5005

Pages come from bot/ops/demo/, the widget bundle from web/dist/ (``npm --prefix web run
build``). Blocking; stops cleanly on SIGTERM and SIGINT.
"""

from __future__ import annotations

import argparse
import html
import logging
import signal
import sys
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = Path(__file__).resolve().parent / "demo"
WIDGET_DIR = PROJECT_ROOT / "web" / "dist"
WIDGET_PREFIX = "/widget/"
BOT_URL_PLACEHOLDER = "{{ bot_url }}"

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
    }


@dataclass(frozen=True)
class SiteConfig:
    bot_url: str
    demo_dir: Path = DEMO_DIR
    widget_dir: Path = WIDGET_DIR


def _inside(root: Path, relative: str) -> Path | None:
    """The file ``relative`` under ``root``, or None if it escapes root or does not exist."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


class DemoRequestHandler(BaseHTTPRequestHandler):
    server_version = "WijkwijzerDemo"
    sys_version = ""

    def __init__(self, *args, config: SiteConfig, **kwargs) -> None:
        self.config = config
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _not_allowed(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"Method not allowed\n",
            ".txt",
            True,
            extra={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(WIDGET_PREFIX):
            return _inside(self.config.widget_dir, path[len(WIDGET_PREFIX) :])
        if path.endswith("/"):
            path += "index.html"
        return _inside(self.config.demo_dir, path.lstrip("/"))

    def _serve(self, send_body: bool) -> None:
        file = self._resolve()
        if file is None or file.suffix not in CONTENT_TYPES:
            self._send(HTTPStatus.NOT_FOUND, b"Niet gevonden\n", ".txt", send_body)
            return
        body = file.read_bytes()
        if file.suffix == ".html":
            bot_url = html.escape(self.config.bot_url, quote=True)
            body = body.replace(BOT_URL_PLACEHOLDER.encode(), bot_url.encode())
        self._send(HTTPStatus.OK, body, file.suffix, send_body)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        suffix: str,
        send_body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES[suffix])
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**security_headers(self.config.bot_url), **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)


class _Stop(Exception):
    """Raised from the signal handler to leave serve_forever() in the main thread."""


def make_server(host: str, port: int, config: SiteConfig) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), partial(DemoRequestHandler, config=config))
    server.daemon_threads = True
    return server


def serve(host: str, port: int, config: SiteConfig) -> None:
    server = make_server(host, port, config)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    port = server.server_address[1]  # the real one when asked for port 0
    print(f"Demo page: http://{host}:{port}/  (bot: {config.bot_url})", flush=True)
    if not (config.widget_dir / "wijkwijzer-widget.js").is_file():
        print(
            f"Warning: no widget bundle in {config.widget_dir}; "
            "build it with: npm --prefix web ci && npm --prefix web run build",
            file=sys.stderr,
            flush=True,
        )
    try:
        server.serve_forever(poll_interval=0.2)
    except _Stop:
        pass
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
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
    serve(
        args.host,
        args.port,
        SiteConfig(bot_url=bot_url, demo_dir=args.demo_dir, widget_dir=args.widget_dir),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
