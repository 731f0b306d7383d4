"""Choosing a reader for each input and reading them all, problems collected, never fatal.

Readers share one signature, ``reader(data: bytes, source: str, options) -> Batch``,
and are registered by versioned name in ``newsbrief.registry.readers``. Which one
reads an input is decided by its file ending, else the server's Content-Type,
else the first bytes (``sniff_kind``).
"""

from __future__ import annotations

import fnmatch
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsbrief.errors import InputError
from newsbrief.ingest._batch import Batch
from newsbrief.ingest._corpus import csv_articles, jsonl_articles, parquet_articles
from newsbrief.ingest._feed import feed_articles, looks_like_feed
from newsbrief.ingest._html import html_article
from newsbrief.ingest._options import DEFAULT_OPTIONS, ReadOptions
from newsbrief.ingest._text import (
    DEFAULT_MAX_BYTES,
    article_from_text,
    read_file_bytes,
    text_article,
)
from newsbrief.model import Article
from newsbrief.registry import readers

#: Name of standard input among the inputs.
STDIN = "-"
# A string input longer than this, or with a line break, is article text, not a path.
_MAX_PATH_LENGTH = 400

InputLike = str | os.PathLike[str] | Article
Reader = Callable[[bytes, str, ReadOptions], Batch]

#: Reader kind of each file ending (``.gz`` is removed first).
SUFFIX_KINDS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
}
_CONTENT_TYPE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "text/plain": "text",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "jsonl",
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
}


def _single(make: Callable[[bytes, str], Article]) -> Reader:
    def read(data: bytes, source: str, options: ReadOptions) -> Batch:
        return Batch(articles=[make(data, source)])

    return read


readers.register("text.v1")(_single(text_article))
readers.register("html.v1")(_single(lambda data, source: html_article(data, source)))
readers.register("feed.v1")(feed_articles)
readers.register("jsonl.v1")(jsonl_articles)
readers.register("csv.v1")(csv_articles)
readers.register("parquet.v1")(parquet_articles)


def reader_for(kind: str) -> Reader:
    """The registered reader of ``kind`` (``"html"`` -> ``readers["html.v1"]``)."""
    return readers.get(f"{kind}.v1")  # type: ignore[return-value]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadResult:
    """Articles read, the inputs (or records) that could not be used, and notes."""

    articles: tuple[Article, ...]
    problems: tuple[InputError, ...]
    notes: tuple[str, ...] = ()


def _suffix(name: str) -> str:
    lowered = name.lower().split("?", 1)[0].split("#", 1)[0]
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return os.path.splitext(lowered)[1]


def sniff_kind(head: bytes, *, name: str = "", content_type: str = "") -> str:
    """Reader kind: unmistakable content first (Parquet magic, a feed's root element),
    then file ending, then Content-Type, then what the first bytes look like."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if looks_like_feed(head):
        return "feed"
    kind = SUFFIX_KINDS.get(_suffix(name))
    if kind:
        return kind
    by_type = _CONTENT_TYPE_KINDS.get(content_type)
    if by_type:
        return by_type
    sample = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        sample.startswith(b"<") and (b"<p" in sample or b"<div" in sample or b"<body" in sample)
    ):
        return "html"
    if sample.startswith(b"{"):
        return "jsonl"
    return "text"


def _gunzip(data: bytes, source: str, limit: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as error:
        raise InputError(source, f"bad gzip data ({error})") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise InputError(source, f"decompressed size is over the {limit:,}-byte limit")
    return out


def read_bytes(
    data: bytes,
    source: str,
    options: ReadOptions = DEFAULT_OPTIONS,
    *,
    content_type: str = "",
    url: str | None = None,
    charset: str | None = None,
) -> Batch:
    """Read one input's bytes with the reader its name/type/content calls for."""
    if source.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source, options.max_bytes)
    kind = sniff_kind(data[:4096], name=source, content_type=content_type)
    if kind == "html":
        return Batch(articles=[html_article(data, source, url=url, charset=charset)])
    return reader_for(kind)(data, source, options)


def read_url(url: str, options: ReadOptions = DEFAULT_OPTIONS) -> Batch:
    """Fetch ``url`` (see ``fetch``) and read the page, feed or corpus it returns."""
    from newsbrief.ingest._fetch import fetch

    page = fetch(url, options)
    return read_bytes(
        page.body, url, options, content_type=page.content_type, url=page.url, charset=page.charset
    )


def read_stream(
    stream: BinaryIO, options: ReadOptions = DEFAULT_OPTIONS, *, name: str = "<stdin>"
) -> Batch:
    """Read a byte stream (standard input) under the size cap, sniffing what it holds."""
    try:
        data = stream.read(options.max_bytes + 1)
    except (OSError, ValueError) as error:  # closed or unreadable stream
        raise InputError(name, f"cannot read ({error})") from None
    if len(data) > options.max_bytes:
        raise InputError(name, f"input is over the {options.max_bytes:,}-byte limit")
    if not data.strip():
        raise InputError(name, "empty input")
    return read_bytes(data, name, options)


def expand_directory(directory: Path, pattern: str | None = None) -> Iterator[Path]:
    """Files under ``directory`` (recursively, sorted) matching ``pattern`` or a known ending."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if pattern is None:
                # A README describes the folder (examples/README.md); it is not an article.
                if _suffix(name) in SUFFIX_KINDS and not name.lower().startswith("readme"):
                    yield path
            elif fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(
                path.relative_to(directory).as_posix(), pattern
            ):
                yield path


def _read_one(item: InputLike, options: ReadOptions, stdin: BinaryIO | None) -> Batch:
    if isinstance(item, Article):
        return Batch(articles=[item])
    if isinstance(item, str):
        if item == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            return read_stream(stream, options)
        if item.startswith(("http://", "https://")) and not any(c.isspace() for c in item):
            return read_url(item, options)
        if "\n" in item or len(item) > _MAX_PATH_LENGTH:
            if not item.strip():
                raise InputError("text input", "empty text")
            return Batch(articles=[article_from_text(item)])
    path = Path(item)
    try:
        is_dir = path.is_dir()
    except OSError as error:  # a one-line text too long for a file name (ENAMETOOLONG), say
        text = str(item)
        name = text if len(text) <= 60 else f"{text[:30]}...{text[-27:]}"
        raise InputError(name, error.strerror or str(error)) from None
    if is_dir:
        batch = Batch()
        files = list(expand_directory(path, options.glob))
        if not files:
            wanted = options.glob or ", ".join(sorted(set(SUFFIX_KINDS)))
            raise InputError(str(path), f"directory has no article files ({wanted})")
        for file_path in files:
            try:
                batch.extend(_read_file(file_path, options))
            except InputError as error:
                batch.problems.append(error)
        return batch
    if not path.exists():
        raise InputError(str(path), "no such file or directory")
    return _read_file(path, options)


def _read_file(path: Path, options: ReadOptions) -> Batch:
    data = read_file_bytes(path, max_bytes=options.max_bytes)
    if not data.strip():
        raise InputError(str(path), "empty file")
    return read_bytes(data, str(path), options)


def read_inputs(
    inputs: Iterable[InputLike],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: ReadOptions | None = None,
    stdin: BinaryIO | None = None,
) -> ReadResult:
    """Read every input; collect articles and per-input problems, never stop early.

    An input is a file (any kind in ``SUFFIX_KINDS``, or sniffed), a directory
    (recursive, ``options.glob``), an ``http(s)://`` URL, ``-`` for standard
    input, an article text, or an ``Article``. ``options`` defaults to
    ``ReadOptions(max_bytes=max_bytes)``.
    """
    options = options or ReadOptions(max_bytes=max_bytes)
    batch = Batch()
    for item in inputs:
        try:
            batch.extend(_read_one(item, options, stdin))
        except InputError as error:
            batch.problems.append(error)
        except RecursionError:
            batch.problems.append(InputError(str(item), "input nested too deeply to read"))
    return ReadResult(
        articles=tuple(batch.articles), problems=tuple(batch.problems), notes=tuple(batch.notes)
    )
