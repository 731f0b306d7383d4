"""The web page in a real browser: Debian's chromium driven by Playwright.

Never ``playwright install`` (it downloads browsers; the machine is offline):
the test uses the system chromium and skips, saying why, when it is missing.
The server is started by the test on 127.0.0.1 and stopped at the end.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "out" / "screenshots"
ARTICLES = Path(__file__).parent / "data" / "server"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from newsbrief.server import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot saved: {path}")
    return path


def test_paste_two_articles_and_open_a_citation(server_url: str, browser: object) -> None:
    texts = [
        (ARTICLES / name).read_text("utf-8") for name in ("ferry-gazette.txt", "coast-radio.txt")
    ]
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    # Everything the page needs comes from the app: any other host is a failure.
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server_url) else outside.append(r.url))
    page.goto(server_url + "/")
    page.fill("#nb-paste", texts[0] + "\n---\n" + texts[1])
    page.fill("#nb-words", "90")
    page.click("#nb-submit")
    page.wait_for_selector("#nb-sentences li", timeout=20_000)

    sentences = page.locator("#nb-sentences li")
    assert sentences.count() >= 2
    assert page.locator("#nb-sources li").count() == 2
    assert "Lornewick" in page.inner_text("#nb-title")

    # A citation of another source than the sentence's own, when there is one, shows
    # that source's supporting sentence; otherwise the first marker is used.
    multi = page.locator("#nb-sentences li:has(.cite + .cite) .cite").nth(1)
    marker = multi if multi.count() else page.locator("#nb-sentences .cite").first
    number = marker.get_attribute("data-source")
    marker.click()
    quote = page.locator("#nb-source-quote")
    quote.wait_for(state="visible")
    shown = quote.inner_text().strip()
    assert shown and any(shown in " ".join(t.split()) for t in texts), shown
    assert page.locator(f'#nb-sources li.active[data-source="{number}"]').count() == 1
    assert page.locator("#nb-source-body .context mark").count() == 1

    page.click("#nb-copy")
    assert int(page.get_attribute("#nb-copy", "data-markdown-length") or 0) > 100

    page.evaluate("window.scrollTo(0, 0)")  # the side panel is sticky: show it beside the brief
    page.wait_for_timeout(300)
    _screenshot(page, "brief.png")
    assert outside == []
    page.close()


def test_dropped_files_are_uploaded_and_briefed(server_url: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server_url + "/")
    page.set_input_files(
        "#nb-file-input", [str(ARTICLES / "ferry-gazette.txt"), str(ARTICLES / "coast-radio.txt")]
    )
    assert "coast-radio.txt" in page.inner_text("#nb-files")
    page.click("#nb-submit")
    page.wait_for_selector("#nb-sentences li", timeout=20_000)
    sources = page.inner_text("#nb-sources")
    assert "ferry-gazette.txt" in sources and "coast-radio.txt" in sources
    page.close()


def test_bad_input_shows_the_servers_error(server_url: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server_url + "/")
    page.fill("#nb-urls", "http://127.0.0.1:9/private")
    page.click("#nb-submit")
    error = page.locator("#nb-error")
    error.wait_for(state="visible", timeout=20_000)
    assert "no usable article text" in error.inner_text()
    page.close()
