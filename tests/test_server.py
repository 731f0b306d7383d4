"""The HTTP API: every endpoint, every limit, bad input answered with a clear 4xx."""

from __future__ import annotations

import http.server
import json
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import pytest

from newsbrief import brief
from newsbrief.errors import MissingExtraError
from newsbrief.ingest import article_from_text
from newsbrief.model import Story
from newsbrief.pipeline import Pipeline
from newsbrief.server import ServerLimits, create_app

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    # starlette warns on import that its test client will move to httpx2 one day.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ARTICLES = Path(__file__).parent / "data" / "server"
FERRY = [(ARTICLES / n).read_text("utf-8") for n in ("ferry-gazette.txt", "coast-radio.txt")]
# A different story, so that /v1/stories has something to tell apart.
ORCHARD = """Hail flattens orchards across the Velden valley
Valley Courier
May 2, 2024

A ten-minute hailstorm destroyed much of the apple blossom in the Velden valley on Wednesday.

Growers said hailstones the size of marbles stripped leaves and flowers from trees in more than 40 orchards.

The regional farmers' union estimated that a third of this year's apple crop had been lost.

Agriculture officer Pieter Laan said growers could apply for emergency grants from next week.

Several growers said they had not insured their trees against hail because premiums had doubled.
"""


def _client(**options: Any) -> TestClient:
    return TestClient(create_app(**options), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with _client() as test_client:
        yield test_client


def _json(*texts: str, **extra: Any) -> dict[str, Any]:
    return {"articles": [{"text": t} for t in texts], **extra}


def _assert_error(response: Any, status: int, *fragments: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    for fragment in fragments:
        assert fragment in body["error"], body["error"]
    return body


# -- the happy paths ---------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_brief_is_exactly_the_public_api_result(client: TestClient) -> None:
    response = client.post("/v1/brief", json=_json(*FERRY, words=80))
    assert response.status_code == 200, response.text
    expected = brief([article_from_text(t) for t in FERRY], words=80).to_dict()
    assert response.json() == expected


def test_brief_follows_the_published_schema(client: TestClient) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("newsbrief").joinpath("data/brief.schema.json").read_text())
    document = client.post("/v1/brief", json=_json(*FERRY)).json()
    jsonschema.validate(document, schema)
    assert document["max_words"] == 150  # the default budget


def test_include_source_sentences_resolves_every_citation(client: TestClient) -> None:
    document = client.post("/v1/brief?include=source_sentences", json=_json(*FERRY)).json()
    sentences = document.pop("source_sentences")
    assert set(sentences) == {s["article_id"] for s in document["sources"]}
    for sentence in document["sentences"]:
        article_id, position = sentence["sentence_id"].rsplit(":", 1)
        assert sentences[article_id][int(position)] == sentence["text"]


def test_multipart_upload_of_files_and_fields(client: TestClient) -> None:
    files = [("files", ("gazette.txt", FERRY[0].encode(), "text/plain"))]
    response = client.post(
        "/v1/brief", files=files, data={"text": FERRY[1], "words": "70", "method": "lead.v1"}
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["method"] == "lead.v1" and document["max_words"] == 70
    assert {s["source"] for s in document["sources"]} >= {"gazette.txt"}


def test_binary_upload_is_skipped_and_the_rest_briefed(client: TestClient) -> None:
    files = [
        ("files", ("gazette.txt", FERRY[0].encode(), "text/plain")),
        ("files", ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50, "image/jpeg")),
    ]
    document = client.post("/v1/brief", files=files).json()
    assert document["sentences"]
    assert [s["source"] for s in document["skipped"]] == ["photo.jpg"]


def test_only_binary_upload_is_a_clear_422(client: TestClient) -> None:
    files = [("files", ("photo.jpg", b"\x89PNG\r\n\x1a\n\x00\x00" * 40, "image/png"))]
    body = _assert_error(client.post("/v1/brief", files=files), 422, "no usable article text")
    assert body["problems"][0]["source"] == "photo.jpg"


def test_stories_groups_a_mixed_pile(client: TestClient) -> None:
    response = client.post("/v1/stories", json=_json(*FERRY, ORCHARD, words=60))
    assert response.status_code == 200, response.text
    document = response.json()
    sizes = [story["size"] for story in document["stories"]]
    assert sum(sizes) == 3 and sizes[0] == 2  # largest first: the ferry story
    ferry = document["stories"][0]["brief"]
    assert "Lornewick" in " ".join(s["text"] for s in ferry["sentences"])
    assert all(story["brief"]["max_words"] == 60 for story in document["stories"])


def test_docs_and_openapi_are_served_without_a_cdn(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/brief", "/v1/stories", "/healthz"} <= set(spec["paths"])
    body = spec["paths"]["/v1/brief"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    for path in ("/docs", "/"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "cdn" not in page.text.lower()
        assert "src=" not in page.text and "<link" not in page.text
    assert client.get("/redoc").status_code == 404


def test_page_is_the_app_mode_of_the_shared_template(client: TestClient) -> None:
    page = client.get("/").text
    assert 'data-mode="app"' in page and 'id="nb-paste"' in page


# -- limits -------------------------------------------------------------------------------


def test_oversize_body_by_content_length_is_413() -> None:
    small = _client(limits=ServerLimits(max_body_bytes=1_000))
    _assert_error(small.post("/v1/brief", json=_json(*FERRY)), 413, "limit is 1,000 bytes")


def test_oversize_chunked_body_is_413() -> None:
    small = _client(limits=ServerLimits(max_body_bytes=1_000))

    def chunks() -> Iterator[bytes]:  # a generator body is sent without Content-Length
        yield b'{"articles": [{"text": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}]}'

    response = small.post(
        "/v1/brief", content=chunks(), headers={"content-type": "application/json"}
    )
    _assert_error(response, 413, "limit")


def test_too_many_articles_is_422() -> None:
    few = _client(limits=ServerLimits(max_articles=2))
    _assert_error(few.post("/v1/brief", json=_json("a.", "b.", "c.")), 422, "limit is 2")
    files = [("files", (f"{i}.txt", b"Some text.", "text/plain")) for i in range(3)]
    _assert_error(few.post("/v1/brief", files=files), 422, "limit is 2")


def test_too_long_text_is_413() -> None:
    short = _client(limits=ServerLimits(max_text_chars=500))
    _assert_error(short.post("/v1/brief", json=_json(FERRY[0])), 413, "articles[0].text")


def test_too_long_uploaded_article_is_skipped() -> None:
    short = _client(limits=ServerLimits(max_text_chars=500))
    files = [("files", ("long.txt", FERRY[0].encode(), "text/plain"))]
    body = _assert_error(short.post("/v1/brief", files=files), 422, "no usable")
    assert "character limit" in body["problems"][0]["reason"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _SlowStage:
    """A story stage that takes its time, to trip the per-request time limit."""

    name: ClassVar[str] = "slow.v1"
    kind: ClassVar[str] = "story"
    seconds: float = 1.0

    def run(self, story: Story) -> Story:
        time.sleep(self.seconds)
        return story


def test_slow_request_is_422_and_the_server_stays_responsive() -> None:
    pipeline = Pipeline.default().insert_after("support", "slow", _SlowStage())
    with _client(pipeline=pipeline, limits=ServerLimits(timeout_s=0.2)) as slow:
        started = time.monotonic()
        _assert_error(slow.post("/v1/brief", json=_json(*FERRY)), 422, "0.2 s limit")
        assert time.monotonic() - started < 0.9
        assert slow.get("/healthz").status_code == 200


# -- bad input ----------------------------------------------------------------------------

BAD_JSON: list[tuple[bytes, int, str]] = [
    (b"{not json", 400, "malformed JSON"),
    (b"\xff\xfe\x00", 400, "malformed JSON"),
    (b"", 400, "malformed JSON"),
    (b"[]", 422, "JSON object"),
    (b'{"articles": []}', 422, "no articles"),
    (b'{"articles": "text"}', 422, "must be a list"),
    (b'{"articles": [{"txt": "x"}]}', 422, "articles[0]"),
    (b'{"articles": [{"text": "a", "url": "b"}]}', 422, "articles[0]"),
    (b'{"articles": [{"text": 5}]}', 422, "must be a string"),
    (b'{"articles": ["plain string"]}', 422, "articles[0]"),
    (b'{"articles": [{"text": "x"}], "words": 0}', 422, "between 1"),
    (b'{"articles": [{"text": "x"}], "words": 999999}', 422, "between 1"),
    (b'{"articles": [{"text": "x"}], "words": "ten"}', 422, "whole number"),
    (b'{"articles": [{"text": "x"}], "words": true}', 422, "whole number"),
    (b'{"articles": [{"text": "x"}], "method": "nope.v9"}', 422, "unknown method"),
    (b'{"articles": [{"text": "x"}], "extra": 1}', 422, "unknown key"),
    (b'{"articles": [{"text": "   "}]}', 422, "no usable"),
    (b'{"articles": [{"url": "ftp://example.com/a"}]}', 422, "http:// or https://"),
    (b'{"articles": [{"url": "/etc/passwd"}]}', 422, "http:// or https://"),
]


@pytest.mark.parametrize("endpoint", ["/v1/brief", "/v1/stories"])
@pytest.mark.parametrize(("body", "status", "fragment"), BAD_JSON)
def test_bad_json_is_a_clear_4xx(
    client: TestClient, endpoint: str, body: bytes, status: int, fragment: str
) -> None:
    response = client.post(endpoint, content=body, headers={"content-type": "application/json"})
    _assert_error(response, status, fragment)


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/v1/brief", content=b"hello", headers={"content-type": "text/plain"})
    _assert_error(response, 415, "application/json")


def test_bad_multipart_is_a_clear_4xx(client: TestClient) -> None:
    _assert_error(client.post("/v1/brief", data={"colour": "red"}), 422, "unknown form field")
    _assert_error(client.post("/v1/brief", data={"words": "5"}), 422, "no articles")
    broken = client.post(
        "/v1/brief",
        content=b"--xyz\r\nnot a part",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert 400 <= broken.status_code < 500 and broken.json()["error"]


def test_unknown_include_is_422(client: TestClient) -> None:
    response = client.post("/v1/brief?include=everything", json=_json(*FERRY))
    _assert_error(response, 422, "unknown include")


def test_unknown_route_and_method_are_json_errors(client: TestClient) -> None:
    _assert_error(client.get("/v2/nothing"), 404, "Not Found")
    _assert_error(client.get("/v1/brief"), 405, "Method Not Allowed")


# -- URLs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article_site() -> Iterator[str]:
    """A loopback web server with one article page, stopped after the tests."""
    page = "<html><head><title>Ferry towed home</title></head><body><article>{}</article></body></html>"
    paragraphs = "".join(f"<p>{p}</p>" for p in FERRY[1].split("\n\n")[3:])
    body = page.format(paragraphs).encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ferry.html"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_private_url_is_refused_by_default(client: TestClient, article_site: str) -> None:
    body = _assert_error(
        client.post("/v1/brief", json={"articles": [{"url": article_site}]}), 422, "no usable"
    )
    assert body["problems"][0]["source"] == article_site
    assert "private" in body["problems"][0]["reason"]


def test_private_url_is_read_when_allowed(article_site: str) -> None:
    with _client(allow_private_urls=True) as allowed:
        response = allowed.post(
            "/v1/brief", json={"articles": [{"url": article_site}, {"text": FERRY[0]}]}
        )
    assert response.status_code == 200, response.text
    sources = response.json()["sources"]
    assert article_site in {s["url"] or s["source"] for s in sources}


# -- the command and the extra -------------------------------------------------------------


def test_serve_is_a_registered_subcommand() -> None:
    from newsbrief.cli import build_parser

    args = build_parser().parse_args(["serve", "--port", "9999", "--allow-private-urls"])
    assert args.port == 9999 and args.allow_private_urls and args.host == "127.0.0.1"


def test_missing_fastapi_gives_the_pip_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'newsbrief\[server\]'"):
        create_app()


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_articles"):
        ServerLimits(max_articles=0)
    with pytest.raises(ValueError, match="timeout_s"):
        ServerLimits(timeout_s=0)
