"""The demo page server: security headers, file serving, the bot URL, a clean stop."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ops.demo_server import (
    DEMO_DIR,
    LAYOUT_PREFIX,
    BackgroundSite,
    SiteConfig,
    content_security_policy,
    origin_of,
    security_headers,
)

ROOT = Path(__file__).resolve().parents[2]
BOT_URL = "http://127.0.0.1:5999"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, int]]:
    demo = tmp_path / "demo"
    widget = tmp_path / "widget"
    demo.mkdir()
    widget.mkdir()
    (demo / "index.html").write_text('<script data-bot-url="{{ bot_url }}"></script>')
    (demo / "style.css").write_text("p {}")
    (demo / "notes.md").write_text("not served")
    (widget / "wijkwijzer-widget.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("secret")
    config = SiteConfig(bot_url='http://127.0.0.1:5999/"x', demo_dir=demo, widget_dir=widget)
    server = BackgroundSite(config).start()
    yield "127.0.0.1", server.port
    server.stop()


def fetch(site: tuple[str, int], path: str, method: str = "GET") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*site, timeout=5)
    connection.request(method, path)  # sent as is: no client-side ../ clean-up
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_csp_allows_only_own_files_and_the_bot() -> None:
    policy = content_security_policy("http://127.0.0.1:5005/some/path")
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "http://127.0.0.1:5005"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.parametrize("url", ["javascript:alert(1)", "127.0.0.1:5005", "ftp://x", ""])
def test_bot_url_must_be_http(url: str) -> None:
    with pytest.raises(ValueError):
        origin_of(url)


def test_pages_carry_security_headers_and_the_escaped_bot_url(site) -> None:
    response = fetch(site, "/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in response.headers
    assert response.body == b'<script data-bot-url="http://127.0.0.1:5999/&#34;x"></script>'


def test_widget_and_assets_are_served_with_their_types(site) -> None:
    script = fetch(site, "/widget/wijkwijzer-widget.js")
    assert script.status == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "Content-Security-Policy" in script.headers
    assert fetch(site, "/style.css").headers["Content-Type"] == "text/css; charset=utf-8"
    head = fetch(site, "/style.css", method="HEAD")
    assert head.status == 200 and head.body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/widget/../secret.txt",
        "/widget/%2e%2e/secret.txt",
        "/%2e%2e/secret.txt",
        "/notes.md",
        "/missing.html",
        "/widget/",
    ],
)
def test_nothing_outside_the_served_folders(site, path: str) -> None:
    response = fetch(site, path)
    assert response.status == 404
    assert b"secret" not in response.body


def test_only_get_and_head(site) -> None:
    response = fetch(site, "/", method="POST")
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_entry_point_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.demo_server", "--port", "0", "--bot-url", BOT_URL,
         "--widget-dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Demo page: http://127.0.0.1:")
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", first_line).group(1))
        assert fetch(("127.0.0.1", port), "/").status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "stopped" in stdout
    assert "no widget bundle" in stderr  # the empty --widget-dir is reported


def test_bad_bot_url_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.demo_server", "--bot-url", "localhost:5005"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr


def test_demo_pages_give_the_general_number_the_bot_gives(demo_directory) -> None:
    """The footer's "Bel 14 ..." is the demo municipality's own number, as the bot says it."""
    from bot.core.replies import general_contact_text

    gemeente = demo_directory.gemeente("GM9200")
    assert gemeente is not None and gemeente.phone
    assert f"op {gemeente.phone}" in general_contact_text(gemeente)
    digits = re.sub(r"\D", "", gemeente.phone)
    pages = [page.name for page in sorted(DEMO_DIR.glob("*.html"))]
    assert "index.html" in pages, "no demo pages found"
    server = BackgroundSite(SiteConfig(bot_url=BOT_URL)).start()
    try:
        for page in pages:
            response = fetch(("127.0.0.1", server.port), "/" + page)
            if page.startswith(LAYOUT_PREFIX):
                assert response.status == 404, page
                continue
            html = response.body.decode("utf-8")
            numbers = re.findall(r"Bel (?:<a [^>]*>)?(14 ?\d+)", html)
            assert numbers == [gemeente.phone], page
            assert f'href="tel:{digits}"' in html, page
    finally:
        server.stop()


def test_demo_pages_share_one_layout_and_mark_their_own_menu_link() -> None:
    """Each page extends _base.html, which is not served itself; the menu marks the page."""
    server = BackgroundSite(SiteConfig(bot_url=BOT_URL)).start()
    try:
        site = ("127.0.0.1", server.port)
        assert fetch(site, "/_base.html").status == 404
        for path, link in [
            ("/", "/"),
            ("/wonen.html", "/wonen.html"),
            ("/privacy.html", "/privacy.html"),
        ]:
            html = fetch(site, path).body.decode("utf-8")
            assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == [link], path
            assert html.count('class="site-footer"') == 1 and "{%" not in html, path
            assert f'data-bot-url="{BOT_URL}"' in html, path
    finally:
        server.stop()


def test_every_page_and_file_of_the_real_demo_site_carries_the_headers() -> None:
    """Every file under bot/ops/demo (the one catch-all route serves them all), a missing
    page and a refused method: the same strict headers, and no cookie is ever set."""
    config = SiteConfig(bot_url=BOT_URL)
    demo = DEMO_DIR.resolve()
    paths = [
        "/" + file.relative_to(demo).as_posix()
        for file in sorted(demo.rglob("*"))
        if file.is_file()
    ]
    assert "/index.html" in paths and len(paths) >= 4
    server = BackgroundSite(config).start()
    try:
        site = ("127.0.0.1", server.port)
        for path, method in [
            *((path, "GET") for path in ["/", *paths, "/bestaat-niet", "/widget/x.js"]),
            ("/", "POST"),
            ("/", "DELETE"),
        ]:
            response = fetch(site, path, method)
            assert response.status in (200, 404, 405), (method, path)
            headers = security_headers(BOT_URL)
            for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
                assert response.getheader(name) == headers[name], (name, method, path)
            assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
            assert response.getheader("X-Frame-Options") == "DENY"
            assert response.getheader("Set-Cookie") is None, path
    finally:
        server.stop()
