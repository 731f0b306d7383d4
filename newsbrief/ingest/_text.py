"""Plain text: decoding bytes, reading files under a size cap, text articles."""

from __future__ import annotations

from pathlib import Path

import charset_normalizer

from newsbrief.errors import InputError
from newsbrief.model import Article, stable_id

#: Files larger than this are refused unless the caller raises the limit.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: File endings read as plain-text articles.
TEXT_SUFFIXES = (".txt", ".text", ".md")


def decode_bytes(data: bytes, source: str) -> str:
    """Text of ``data``: UTF-8 when valid, else the encoding charset-normalizer detects.

    Raises ``InputError`` for binary data or bytes no encoding explains.
    """
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise InputError(source, "cannot decode: not UTF-8 and no known encoding fits")
    return str(match)


def read_file_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path``, refusing files over ``max_bytes`` before reading them."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(source, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        return path.read_bytes()
    except OSError as error:
        raise InputError(source, error.strerror or str(error)) from None


def text_article(data: bytes | str, source: str) -> Article:
    """Raw article of plain text (metadata is read from its header by the cleaner)."""
    text = decode_bytes(data, source) if isinstance(data, bytes) else data
    if not text.strip():
        raise InputError(source, "empty file")
    return Article.from_text(text, source=source)


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """One plain-text file as a raw article (cleaning comes later)."""
    return text_article(read_file_bytes(path, max_bytes=max_bytes), str(path))


def article_from_text(text: str) -> Article:
    """An in-memory text as a raw article; its source name depends only on the text."""
    return Article.from_text(text, source=f"text:{stable_id(text, length=8)}")
