"""Reading inputs into raw ``Article`` records.

An input is a plain-text, HTML, feed (RSS/Atom), JSONL, CSV or Parquet file, a
directory of them (recursive, optionally filtered by a glob), an ``http(s)://``
URL, ``-`` for standard input, an in-memory text, or an ``Article``. The reader
is chosen by file ending, then Content-Type, then the first bytes. Each
unusable input (or corpus record) becomes an ``InputError`` naming it and
saying what is wrong; the others are still read.

Metadata precedence (highest first):

1. what the document itself declares in structure: HTML ``<meta>``/JSON-LD/
   ``<title>`` (trafilatura), feed entry fields, corpus columns;
2. what the cleaner reads from the text header (headline line, byline,
   "Source: X | 2017-07-06", dateline agency);
3. what the file name says (``2017-07-06-some-headline-words.txt``).

A later level only fills fields the earlier ones left empty. Dates are
normalized to ISO 8601 (``YYYY-MM-DD``).
"""

from newsbrief.clean import filename_metadata
from newsbrief.ingest._batch import Batch
from newsbrief.ingest._dates import normalize_date
from newsbrief.ingest._options import (
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    Columns,
    ReadOptions,
)
from newsbrief.ingest._read import (
    STDIN,
    SUFFIX_KINDS,
    InputLike,
    ReadResult,
    expand_directory,
    read_bytes,
    read_inputs,
    read_stream,
    read_url,
    reader_for,
    sniff_kind,
)
from newsbrief.ingest._text import (
    DEFAULT_MAX_BYTES,
    TEXT_SUFFIXES,
    article_from_text,
    decode_bytes,
    read_text_file,
)


def __getattr__(name: str) -> object:
    # http.client and ssl load only when a URL is read (start-up time of the CLI).
    if name in {"fetch", "FetchResult"}:
        from newsbrief.ingest import _fetch

        return getattr(_fetch, name)
    raise AttributeError(f"module 'newsbrief.ingest' has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "STDIN",
    "SUFFIX_KINDS",
    "TEXT_SUFFIXES",
    "Batch",
    "Columns",
    "FetchResult",
    "InputLike",
    "ReadOptions",
    "ReadResult",
    "article_from_text",
    "decode_bytes",
    "expand_directory",
    "fetch",
    "filename_metadata",
    "normalize_date",
    "read_bytes",
    "read_inputs",
    "read_stream",
    "read_text_file",
    "read_url",
    "reader_for",
    "sniff_kind",
]
