"""Reading inputs into raw ``Article`` records.

An input is a file path, a directory (searched recursively for article files),
an in-memory text, or an ``Article``. Each unusable input becomes an
``InputError`` naming it and saying what is wrong; the others are still read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from newsbrief.errors import InputError
from newsbrief.model import Article, stable_id

#: Files larger than this are refused unless the caller raises the limit.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: File endings read as plain-text articles.
TEXT_SUFFIXES = (".txt", ".text", ".md")
# A string input longer than this, or with a line break, is article text, not a path.
_MAX_PATH_LENGTH = 400

InputLike = str | os.PathLike[str] | Article


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadResult:
    """Articles read, and the inputs that could not be used."""

    articles: tuple[Article, ...]
    problems: tuple[InputError, ...]


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


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """One plain-text file as a raw article (cleaning comes later)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(source, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(source, error.strerror or str(error)) from None
    text = decode_bytes(data, source)
    if not text.strip():
        raise InputError(source, "empty file")
    return Article.from_text(text, source=source)


def article_from_text(text: str) -> Article:
    """An in-memory text as a raw article; its source name depends only on the text."""
    return Article.from_text(text, source=f"text:{stable_id(text, length=8)}")


def _expand_directory(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(TEXT_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def read_inputs(inputs: Iterable[InputLike], *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read every input; collect articles and per-input problems, never stop early."""
    articles: list[Article] = []
    problems: list[InputError] = []
    for item in inputs:
        if isinstance(item, Article):
            articles.append(item)
            continue
        if isinstance(item, str) and ("\n" in item or len(item) > _MAX_PATH_LENGTH):
            if item.strip():
                articles.append(article_from_text(item))
            else:
                problems.append(InputError("text input", "empty text"))
            continue
        path = Path(item)
        if path.is_dir():
            files = list(_expand_directory(path))
            if not files:
                suffixes = ", ".join(TEXT_SUFFIXES)
                problems.append(
                    InputError(str(path), f"directory has no article files ({suffixes})")
                )
            paths = files
        elif path.exists():
            paths = [path]
        else:
            problems.append(InputError(str(path), "no such file or directory"))
            continue
        for file_path in paths:
            try:
                articles.append(read_text_file(file_path, max_bytes=max_bytes))
            except InputError as error:
                problems.append(error)
    return ReadResult(articles=tuple(articles), problems=tuple(problems))
