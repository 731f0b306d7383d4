"""URLs and feeds against a local HTTP server the tests start on 127.0.0.1 and stop."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.ingest import ReadOptions, fetch, read_inputs

DATA = Path(__file__).parent / "data" / "ingest"
ARTICLE = (DATA / "article.html").read_bytes()


def _feed(base: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Entry {n}</title><link>{base}{link}</link>"
        "<pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate>"
        f"<description>Entry {n} says the footbridge inspection found one broken cable "
        "and that engineers will replace it before the weekend.</description></item>"
        for n, link in enumerate(links, start=1)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(
        self, status: int, body: bytes, content_type: str = "text/html", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/article": lambda: self._send(200, ARTICLE, "text/html; charset=utf-8"),
            "/missing": lambda: self._send(404, b"not here"),
            "/redirect": lambda: self._send(301, b"", Location="/article"),
            "/loop-a": lambda: self._send(302, b"", Location="/loop-b"),
            "/loop-b": lambda: self._send(302, b"", Location="/loop-a"),
            "/feed.xml": lambda: self._send(
                200, _feed(base, ["/article", "/missing"]), "application/rss+xml"
            ),
            "/empty-feed": lambda: self._send(
                200,
                b'<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>',
                "application/rss+xml",
            ),
            "/gzip": lambda: self._send(200, gzip.compress(ARTICLE), Content_Encoding="gzip"),
            "/ua": lambda: self._send(
                200, self.headers.get("User-Agent", "").encode(), "text/plain"
            ),
        }
        if self.path in routes:
            routes[self.path]()
        elif self.path.startswith("/chain"):
            hops = int(self.path.removeprefix("/chain"))
            self._send(302, b"", Location=f"/chain{hops + 1}")
        elif self.path == "/slow":
            time.sleep(1.5)
            # The client gives up first, as the test wants.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(200, ARTICLE)
        elif self.path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(2 * 1024**3))
            self.end_headers()
        elif self.path == "/big-streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"<p>" + b"x" * 16_000 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, b"no route")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


LOCAL = ReadOptions(allow_private_urls=True, timeout=0.5, max_bytes=512 * 1024)


def test_private_addresses_are_refused_by_default(server: str) -> None:
    result = read_inputs([f"{server}/article"])
    assert result.articles == ()
    (problem,) = result.problems
    assert problem.source == f"{server}/article"
    assert "refusing private/loopback address 127.0.0.1" in problem.reason


def test_url_is_fetched_and_extracted(server: str) -> None:
    (article,) = read_inputs([f"{server}/article"], options=LOCAL).articles
    assert article.source == f"{server}/article"
    assert (article.title, article.outlet, article.date) == (
        "Harborton footbridge reopens after repairs",
        "Harbor Herald",
        "2025-03-07",
    )
    assert article.url == f"{server}/article"


def test_redirect_is_followed_and_gzip_decoded(server: str) -> None:
    (article,) = read_inputs([f"{server}/redirect"], options=LOCAL).articles
    assert article.url == f"{server}/article"
    assert read_inputs([f"{server}/gzip"], options=LOCAL).articles[0].outlet == "Harbor Herald"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404"),
        ("/loop-a", "redirect loop"),
        ("/chain0", "more than 5 redirects"),
        ("/slow", "timed out"),
        ("/big-declared", "over the 524,288-byte limit"),
        ("/big-streamed", "over the 524,288-byte limit"),
        ("/empty-feed", "feed has no entries"),
    ],
)
def test_bad_urls_are_one_line_errors(server: str, path: str, reason: str) -> None:
    result = read_inputs([f"{server}{path}", f"{server}/article"], options=LOCAL)
    assert len(result.articles) == 1  # the good URL is still read
    (problem,) = result.problems
    assert problem.source == f"{server}{path}"
    assert reason in problem.reason and "\n" not in str(problem)


def test_user_agent_is_sent(server: str) -> None:
    page = fetch(f"{server}/ua", LOCAL)
    assert page.body.decode().startswith("newsbrief/")


def test_non_http_urls_are_refused() -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch("ftp://example.com/x", LOCAL)


def test_feed_entries_fetch_pages_and_fall_back_to_entry_text(server: str) -> None:
    result = read_inputs([f"{server}/feed.xml"], options=LOCAL)
    assert result.problems == ()
    first, second = result.articles
    assert first.outlet == "Harbor Herald"  # the page's own metadata wins
    assert "snapped support cable" in first.text
    assert second.source == f"{server}/missing"
    assert (second.title, second.outlet, second.date) == ("Entry 2", "Harbor Wire", "2025-03-05")
    assert second.text.startswith("Entry 2 says the footbridge inspection")
    (note,) = result.notes
    assert note.startswith(f"{server}/missing: page unavailable (HTTP 404")
    assert "used the feed entry's own text" in note


def test_cli_brief_reads_urls_and_prints_summary(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsbrief.cli import main

    code = main(
        [
            "brief",
            f"{server}/feed.xml",
            f"{server}/missing",
            "--allow-private-urls",
            "--timeout",
            "1",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "Harborton footbridge" in captured.out
    lines = captured.err.strip().splitlines()
    assert any("page unavailable" in line for line in lines)
    assert lines[-1] == "newsbrief: used 2 inputs, skipped 1 (1 HTTP error)"
