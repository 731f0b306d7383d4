"""``newsbrief serve``: an HTTP API and a web page in front of the pipeline.

A thin layer: requests become ``Article`` objects, ``Pipeline`` makes the brief,
and the response is exactly ``Brief.to_dict()`` (the CLI's JSON). What this
module adds is what a server needs and a library does not:

* limits (body size, number of articles, text length, words, time per request),
  each answered with a 413 or 422 and ``{"error": "..."}``, never a 500;
* the pipeline runs in a small worker pool with a timeout, so a slow request
  cannot hold the event loop (and ``/healthz`` keeps answering);
* uploaded files and URLs are read by ``newsbrief.ingest`` as on the command
  line (plain text, HTML, feeds), URLs under the CLI's safety rule: no private
  or loopback addresses unless the server was started with ``--allow-private-urls``;
* ``?include=source_sentences`` adds each source's sentences (outside the brief
  schema) so the page can show a cited sentence in its context;
* the page at ``/`` and the API docs at ``/docs`` are served by the app itself
  (the machine may be offline: nothing loads from a CDN).

FastAPI is imported inside ``create_app`` so ``newsbrief brief`` starts fast.
"""

# asyncio, fastapi and the thread pool are imported where used: this module is
# imported by every ``newsbrief`` command to register ``serve``.
import argparse
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from newsbrief.errors import MissingExtraError, NewsbriefError, NoUsableInputError
from newsbrief.model import Article, Budget, Skipped

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

    from newsbrief.pipeline import Pipeline

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: ``?include=`` values the brief endpoints understand.
INCLUDE_OPTIONS = ("source_sentences",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerLimits:
    """What one request may ask of the server; over a limit is a 413/422, not a 500."""

    #: Whole request body, JSON or multipart.
    max_body_bytes: int = 5 * 1024 * 1024
    #: Texts + URLs + files in one request.
    max_articles: int = 50
    #: Characters of one article's text (pasted or uploaded, after decoding).
    max_text_chars: int = 200_000
    #: Largest word budget a request may ask for.
    max_words: int = 2000
    #: Seconds one request may spend waiting for and running the pipeline.
    timeout_s: float = 30.0
    #: Threads running pipelines; more would only contend for the same cores.
    n_workers: int = 4

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_articles", "max_text_chars", "max_words", "n_workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")


DEFAULT_LIMITS = ServerLimits()
DEFAULT_WORDS = 150


class ApiError(Exception):
    """A request the server refuses, with its HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON error document: ``{"error": "..."}`` plus any details."""
        return {"error": self.message, **self.extra}


# -- request body size ------------------------------------------------------------------


class BodySizeLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` with a JSON 413.

    It checks ``Content-Length`` first, then counts the bytes actually received
    (chunked uploads have no length), buffering at most ``max_bytes`` before
    handing the body to the app.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _send_json(send, 400, {"error": "invalid Content-Length header"})
                return
            if too_big:
                await self._refuse(send, int(declared))
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, None)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, size: int | None) -> None:
        got = f"{size:,} bytes" if size is not None else "more than that"
        message = f"request body is {got}; the limit is {self.max_bytes:,} bytes"
        await _send_json(send, 413, {"error": message})


async def _send_json(send: Send, status: int, document: dict[str, Any]) -> None:
    payload = json.dumps(document).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


# -- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Inputs:
    """A request's inputs, checked for shape and size but not yet read.

    Decoding files and fetching URLs happen later, in a worker thread under the
    request's time limit, so a slow site cannot stall the event loop.
    """

    texts: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...]  # (file name, contents)
    urls: tuple[str, ...]
    words: int
    method: str | None


def _check_words(value: Any, limits: ServerLimits) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # multipart form fields are strings
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(422, f"'words' must be a whole number, got {value!r}")
    if not 1 <= value <= limits.max_words:
        raise ApiError(422, f"'words' must be between 1 and {limits.max_words}, got {value}")
    return value


def _check_count(n_items: int, limits: ServerLimits) -> None:
    if n_items == 0:
        raise ApiError(422, "no articles given: send at least one text, URL or file")
    if n_items > limits.max_articles:
        raise ApiError(
            422, f"{n_items} articles in one request; the limit is {limits.max_articles}"
        )


def _check_text(text: str, where: str, limits: ServerLimits) -> str:
    if len(text) > limits.max_text_chars:
        raise ApiError(
            413, f"{where} is {len(text):,} characters; the limit is {limits.max_text_chars:,}"
        )
    return text


def _check_url(url: str, where: str) -> str:
    if not url.strip().lower().startswith(("http://", "https://")):
        raise ApiError(422, f"{where} must be an http:// or https:// URL, got {url!r}")
    return url.strip()


def _check_method(value: Any) -> str | None:
    if value is None:
        return None
    from newsbrief.registry import summarizers

    if not isinstance(value, str) or value not in summarizers:
        raise ApiError(
            422, f"unknown method {value!r}; choose from {', '.join(summarizers.names())}"
        )
    return value


def parse_json_body(raw: bytes, limits: ServerLimits) -> _Inputs:
    """Check a JSON request: ``{"articles": [{"text": ...} | {"url": ...}], "words": n}``."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise ApiError(400, f"malformed JSON: {problem}") from None
    if not isinstance(document, dict):
        raise ApiError(422, 'the body must be a JSON object like {"articles": [...]}')
    unknown = sorted(set(document) - {"articles", "words", "method"})
    if unknown:
        raise ApiError(422, f"unknown key(s) {', '.join(map(repr, unknown))}")
    items = document.get("articles")
    if not isinstance(items, list):
        raise ApiError(422, '\'articles\' must be a list of {"text": ...} or {"url": ...}')
    _check_count(len(items), limits)
    words = _check_words(document.get("words", DEFAULT_WORDS), limits)
    texts: list[str] = []
    urls: list[str] = []
    for index, item in enumerate(items):
        where = f"articles[{index}]"
        if not isinstance(item, dict) or len(item) != 1 or not set(item) <= {"text", "url"}:
            raise ApiError(422, f'{where} must be {{"text": "..."}} or {{"url": "..."}}')
        ((key, value),) = item.items()
        if not isinstance(value, str):
            raise ApiError(422, f"{where}.{key} must be a string")
        if key == "text":
            texts.append(_check_text(value, f"{where}.text", limits))
        else:
            urls.append(_check_url(value, f"{where}.url"))
    method = _check_method(document.get("method"))
    return _Inputs(tuple(texts), (), tuple(urls), words, method)


async def parse_form(request: "Request", limits: ServerLimits) -> _Inputs:
    """Check a multipart request: files (any field name), ``text``/``url`` fields, ``words``."""
    from starlette.datastructures import UploadFile

    try:
        form = await request.form(
            max_files=limits.max_articles + 1, max_fields=limits.max_articles + 10
        )
    except Exception as problem:  # starlette raises several types for bad multipart
        raise ApiError(400, f"malformed multipart form: {problem}") from None
    entries = list(form.multi_items())
    fields = {k for k, v in entries if not isinstance(v, UploadFile)}
    unknown = sorted(fields - {"text", "url", "words", "method"})
    if unknown:
        raise ApiError(422, f"unknown form field(s) {', '.join(map(repr, unknown))}")
    n_inputs = sum(1 for k, v in entries if isinstance(v, UploadFile) or k in ("text", "url"))
    _check_count(n_inputs, limits)
    words = _check_words(form.get("words", DEFAULT_WORDS), limits)
    method = _check_method(form.get("method"))
    texts: list[str] = []
    files: list[tuple[str, bytes]] = []
    urls: list[str] = []
    for index, (key, value) in enumerate(entries, start=1):
        if isinstance(value, UploadFile):
            # The body limit already bounds the size of every file.
            files.append((value.filename or f"upload {index}", await value.read()))
        elif key == "text":
            texts.append(_check_text(value, f"text field {index}", limits))
        elif key == "url":
            urls.append(_check_url(value, f"url field {index}"))
    return _Inputs(tuple(texts), tuple(files), tuple(urls), words, method)


def read_articles(
    inputs: _Inputs, limits: ServerLimits, *, allow_private_urls: bool
) -> tuple[tuple[Article, ...], tuple[Skipped, ...]]:
    """The request's articles, read by the shared ingest readers, and the inputs skipped.

    Files and pages go through ``newsbrief.ingest`` exactly as on the command line
    (plain text, HTML, feeds...), URLs under the same private-address rule.
    """
    from newsbrief.ingest import ReadOptions, article_from_text, read_bytes, read_url

    options = ReadOptions(max_bytes=limits.max_body_bytes, allow_private_urls=allow_private_urls)
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for text in inputs.texts:
        if text.strip():
            articles.append(article_from_text(text))
        else:
            skipped.append(Skipped(source="text input", reason="empty text"))
    batches: list[tuple[str, Callable[[], Any]]] = [
        (name, partial(read_bytes, data, name, options)) for name, data in inputs.files
    ]
    batches += [(url, partial(read_url, url, options)) for url in inputs.urls]
    for name, read in batches:
        try:
            batch = read()
        except NewsbriefError as problem:
            skipped.append(
                Skipped(source=getattr(problem, "source", name), reason=_reason(problem))
            )
            continue
        skipped += [Skipped(source=p.source, reason=p.reason) for p in batch.problems]
        for article in batch.articles:
            if len(article.text) > limits.max_text_chars:
                reason = f"article text is over the {limits.max_text_chars:,}-character limit"
                skipped.append(Skipped(source=article.source, reason=reason))
            else:
                articles.append(article)
    return tuple(articles), tuple(skipped)


def _reason(problem: NewsbriefError) -> str:
    return str(getattr(problem, "reason", problem))


# -- running the pipeline ----------------------------------------------------------------


def _with_skipped(document: dict[str, Any], skipped: tuple[Skipped, ...]) -> dict[str, Any]:
    if skipped:
        extra = [{"source": s.source, "reason": s.reason} for s in skipped]
        document["skipped"] = sorted(
            [*document["skipped"], *extra], key=lambda s: (s["source"], s["reason"])
        )
    return document


def _no_input_error(problem: NoUsableInputError, skipped: tuple[Skipped, ...]) -> ApiError:
    problems = [{"source": p.source, "reason": p.reason} for p in problem.problems]
    problems += [{"source": s.source, "reason": s.reason} for s in skipped]
    return ApiError(422, str(problem), problems=problems)


def brief_document(
    pipeline: "Pipeline",
    articles: tuple[Article, ...],
    skipped: tuple[Skipped, ...] = (),
    *,
    words: int = DEFAULT_WORDS,
    include: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The response of ``POST /v1/brief``: ``Brief.to_dict()`` (plus what ``include`` asks).

    ``skipped`` are inputs the server could not read; they join the brief's own list.
    """
    if not articles:
        raise _no_input_error(NoUsableInputError(), skipped)
    try:
        result = pipeline.run(articles, words=words)
    except NoUsableInputError as problem:
        raise _no_input_error(problem, skipped) from None
    document = _with_skipped(result.to_dict(), skipped)
    if "source_sentences" in include:
        from newsbrief.render_html import source_sentences

        # Outside the brief schema on purpose, and only on request: the page needs the
        # sources' sentences to show a citation in context; API users mostly do not.
        cleaned, _ = pipeline.clean(articles)
        wanted = {s.article_id for s in result.sources}
        document["source_sentences"] = source_sentences(a for a in cleaned if a.id in wanted)
    return document


def stories_document(
    pipeline: "Pipeline",
    articles: tuple[Article, ...],
    skipped: tuple[Skipped, ...] = (),
    *,
    words: int = DEFAULT_WORDS,
) -> dict[str, Any]:
    """The response of ``POST /v1/stories``: one brief per story found, largest first."""
    from newsbrief.cluster import group_stories
    from newsbrief.pipeline import build_story

    cleaned, dropped = pipeline.clean(articles)
    skipped = (*skipped, *dropped)
    if not cleaned:
        raise _no_input_error(NoUsableInputError(), skipped)
    grouping = group_stories(cleaned)
    by_id = {a.id: a for a in cleaned}
    stories = []
    budget = Budget(max_words=words)
    for group in grouping.stories:
        story = build_story(by_id[i] for i in group.article_ids if i in by_id)
        if not story.sentences:
            continue
        result = pipeline.run_story(story, budget)
        stories.append(
            {"id": group.id, "label": group.label, "size": group.size, "brief": result.to_dict()}
        )
    set_aside = [
        {"source": by_id[i].source if i in by_id else i, "reason": g.non_article}
        for g in grouping.non_articles
        for i in g.article_ids
    ]
    return {
        "stories": stories,
        "non_articles": set_aside,
        "notes": list(grouping.notes),
        "skipped": [{"source": s.source, "reason": s.reason} for s in skipped],
    }


class _Runner:
    """Runs pipeline work in a bounded thread pool, with a time limit per request."""

    def __init__(self, limits: ServerLimits) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.limits = limits
        self.executor = ThreadPoolExecutor(limits.n_workers, thread_name_prefix="newsbrief")

    async def run(self, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        import asyncio

        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        try:
            return await asyncio.wait_for(future, self.limits.timeout_s)
        except TimeoutError:
            # The worker thread cannot be interrupted; it finishes in the background and
            # its result is dropped. Queued work that never started is cancelled.
            raise ApiError(
                422,
                f"the brief took longer than the {self.limits.timeout_s:g} s limit; "
                "send fewer or shorter articles",
            ) from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


# -- the app ----------------------------------------------------------------------------

_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newsbrief API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:30px auto;padding:0 20px;color:#1c2430}
h2{font-size:16px;margin-top:26px}code,pre{background:#f2f4f7;border-radius:4px;padding:1px 4px}
pre{padding:10px;overflow:auto;font-size:12px}.m{font-weight:700;color:#1f5fbf;margin-right:8px}</style>
</head><body><h1>newsbrief API</h1>
<p>The machine-readable description is at <a href="openapi.json"><code>/openapi.json</code></a>.
Errors are always <code>{"error": "..."}</code> with a 4xx status.</p>
<div id="ops">Loading…</div>
<script>
fetch("openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
  var box = document.getElementById("ops"); box.textContent = "";
  Object.keys(spec.paths).forEach(function (path) {
    Object.keys(spec.paths[path]).forEach(function (method) {
      var op = spec.paths[path][method], h = document.createElement("h2");
      var m = document.createElement("span"); m.className = "m"; m.textContent = method.toUpperCase();
      h.appendChild(m); h.appendChild(document.createTextNode(path)); box.appendChild(h);
      var p = document.createElement("p");
      // `code` spans of the description become <code>, the rest stays plain text.
      ((op.summary || "") + (op.description ? ". " + op.description : "")).split("`").forEach(function (part, i) {
        var node = i % 2 ? document.createElement("code") : document.createTextNode(part);
        if (i % 2) node.textContent = part;
        p.appendChild(node);
      });
      box.appendChild(p);
      var content = op.requestBody && op.requestBody.content;
      Object.keys(content || {}).forEach(function (type) {
        var details = document.createElement("details"), summary = document.createElement("summary");
        var pre = document.createElement("pre");
        summary.textContent = "Request body: " + type;
        pre.textContent = JSON.stringify(content[type].schema || {}, null, 2);
        details.appendChild(summary); details.appendChild(pre); box.appendChild(details);
      });
    });
  });
});
</script></body></html>
"""

_ARTICLES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["articles"],
    "additionalProperties": False,
    "properties": {
        "articles": {
            "type": "array",
            "minItems": 1,
            "items": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["text"],
                        "properties": {"text": {"type": "string"}},
                    },
                    {
                        "type": "object",
                        "required": ["url"],
                        "properties": {"url": {"type": "string"}},
                    },
                ]
            },
        },
        "words": {"type": "integer", "minimum": 1, "default": DEFAULT_WORDS},
        "method": {"type": "string", "description": "registered summarizer name"},
    },
}
_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "text": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "array", "items": {"type": "string"}},
        "words": {"type": "integer"},
        "method": {"type": "string"},
    },
}
_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _ARTICLES_SCHEMA},
            "multipart/form-data": {"schema": _FORM_SCHEMA},
        },
    }
}


def _import_fastapi() -> Any:
    try:
        import fastapi
    except ImportError:
        raise MissingExtraError("fastapi", "server") from None
    return fastapi


def create_app(
    *,
    allow_private_urls: bool = False,
    limits: ServerLimits = DEFAULT_LIMITS,
    pipeline: "Pipeline | None" = None,
) -> "FastAPI":
    """The newsbrief web app: API under ``/v1``, page at ``/``, docs at ``/docs``."""
    fastapi = _import_fastapi()
    from contextlib import asynccontextmanager

    # Real imports, not postponed annotations: FastAPI reads the handlers' annotations
    # (``request: Request``) at definition time to know what to inject.
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.exceptions import HTTPException

    from newsbrief import __version__
    from newsbrief.pipeline import Pipeline
    from newsbrief.registry import summarizers
    from newsbrief.render_html import render_page

    base = pipeline or Pipeline.default()
    runner = _Runner(limits)
    page = render_page(None, mode="app")

    def pipeline_for(method: str | None) -> "Pipeline":
        if method is None:
            return base
        return base.replace("summarize", summarizers.get(method)())

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        yield
        runner.close()

    app = fastapi.FastAPI(
        title="newsbrief",
        version=__version__,
        description="Many news articles in, one short brief out, every sentence cited.",
        docs_url=None,  # the default Swagger UI loads from a CDN; /docs below is self-contained
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, problem: ApiError) -> JSONResponse:
        return JSONResponse(problem.body(), status_code=problem.status)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, problem: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": str(problem.detail)}, status_code=problem.status_code, headers=problem.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, problem: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in problem.errors()
        )
        return JSONResponse({"error": f"invalid request: {details}"}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, problem: Exception) -> JSONResponse:
        # A bug, not bad input; still JSON so clients can report it.
        name = type(problem).__name__
        return JSONResponse({"error": f"internal error: {name}: {problem}"}, status_code=500)

    async def read_inputs(request: Request) -> _Inputs:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            return parse_json_body(await request.body(), limits)
        if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return await parse_form(request, limits)
        raise ApiError(
            415, "send application/json or multipart/form-data", got=kind or "no Content-Type"
        )

    def parse_include(request: Request) -> frozenset[str]:
        wanted = {
            part.strip()
            for value in request.query_params.getlist("include")
            for part in value.split(",")
            if part.strip()
        }
        unknown = sorted(wanted - set(INCLUDE_OPTIONS))
        if unknown:
            raise ApiError(
                422,
                f"unknown include {', '.join(unknown)}; choose from {', '.join(INCLUDE_OPTIONS)}",
            )
        return frozenset(wanted)

    async def guarded(inputs: _Inputs, make: Callable[..., dict[str, Any]]) -> JSONResponse:
        """Read the inputs and make the document in a worker thread, under the time limit."""
        pipeline = pipeline_for(inputs.method)

        def run() -> dict[str, Any]:
            try:
                articles, skipped = read_articles(
                    inputs, limits, allow_private_urls=allow_private_urls
                )
                return make(pipeline, articles, skipped, words=inputs.words)
            except NewsbriefError as problem:
                raise ApiError(422, str(problem)) from None

        return JSONResponse(await runner.run(run))

    @app.post(
        "/v1/brief", summary="Brief a pile of articles about one story", openapi_extra=_REQUEST_BODY
    )
    async def post_brief(request: Request) -> JSONResponse:
        """JSON `{"articles": [{"text": ...} | {"url": ...}], "words": 150}`, or a multipart
        form of files plus `text`, `url`, `words` fields; answers with the brief JSON
        (`Brief.to_dict()`, the CLI's `--format json`). `?include=source_sentences` adds
        each source's sentences, outside the brief schema."""
        include = parse_include(request)
        inputs = await read_inputs(request)
        return await guarded(inputs, partial(brief_document, include=include))

    @app.post(
        "/v1/stories",
        summary="Group a mixed pile into stories and brief each",
        openapi_extra=_REQUEST_BODY,
    )
    async def post_stories(request: Request) -> JSONResponse:
        """Same inputs as `/v1/brief`; answers `{"stories": [{"id", "label", "size",
        "brief"}], "non_articles", "notes", "skipped"}`, largest story first."""
        inputs = await read_inputs(request)
        return await guarded(inputs, stories_document)

    @app.get("/healthz", summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page)

    app.add_middleware(BodySizeLimit, max_bytes=limits.max_body_bytes)
    return app


# -- the command -------------------------------------------------------------------------


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``newsbrief serve`` to the command line."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP API and web page",
        description="Serve the briefing API (POST /v1/brief, /v1/stories), a web page at / "
        "and API docs at /docs. Binds to loopback unless --host says otherwise.",
        epilog="example: newsbrief serve --port 8000, then open http://127.0.0.1:8000/",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URL inputs point at private, loopback and link-local addresses",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default: 1); each runs briefs on its own core",
    )
    parser.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    parser.set_defaults(handler=_run_serve)


# Settings for app factories started in worker processes (uvicorn --workers re-imports
# the app by name, so the options travel through the environment).
_ENV_PRIVATE = "NEWSBRIEF_ALLOW_PRIVATE_URLS"


def app_from_environment() -> "FastAPI":
    """App factory for uvicorn worker processes (reads ``NEWSBRIEF_ALLOW_PRIVATE_URLS``)."""
    return create_app(allow_private_urls=os.environ.get(_ENV_PRIVATE) == "1")


def _run_serve(args: argparse.Namespace) -> int:
    _import_fastapi()
    try:
        import uvicorn
    except ImportError:
        raise MissingExtraError("uvicorn", "server") from None
    if args.workers > 1:
        os.environ[_ENV_PRIVATE] = "1" if args.allow_private_urls else "0"
        uvicorn.run(
            "newsbrief.server:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
        )
    else:
        app = create_app(allow_private_urls=args.allow_private_urls)
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


__all__ = [
    "DEFAULT_LIMITS",
    "ApiError",
    "BodySizeLimit",
    "ServerLimits",
    "create_app",
    "register",
]
