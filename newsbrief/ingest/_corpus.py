"""Corpora: JSON lines, CSV and Parquet files holding one article per record.

Column names are configurable (``Columns``); only the text column is required.
A record that cannot be used is reported with its line (JSONL, CSV) or row
(Parquet) number and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from newsbrief.errors import InputError
from newsbrief.ingest._batch import Batch
from newsbrief.ingest._dates import normalize_date
from newsbrief.ingest._options import DEFAULT_OPTIONS, Columns, ReadOptions
from newsbrief.ingest._text import decode_bytes
from newsbrief.model import Article

# CSV fields can hold whole articles; the csv module's default limit is 128 KiB.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024


def _text_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _record_article(record: Mapping[str, Any], source: str, columns: Columns) -> Article:
    text = record.get(columns.text)
    if not isinstance(text, str) or not text.strip():
        kind = "missing" if text is None else "empty" if isinstance(text, str) else "not text"
        raise InputError(source, f"{kind} {columns.text!r} field")
    return Article.from_text(
        text,
        source=source,
        title=_text_value(record.get(columns.title)),
        url=_text_value(record.get(columns.url)),
        date=normalize_date(record.get(columns.date)),
        outlet=_text_value(record.get(columns.source)),
    )


def _records(rows: Iterable[tuple[str, Any]], columns: Columns) -> Batch:
    batch = Batch()
    for name, record in rows:
        try:
            if not isinstance(record, Mapping):
                raise InputError(name, f"expected a JSON object, got {type(record).__name__}")
            batch.articles.append(_record_article(record, name, columns))
        except InputError as error:
            batch.problems.append(error)
    return batch


def jsonl_articles(data: bytes, source: str, options: ReadOptions = DEFAULT_OPTIONS) -> Batch:
    """One article per JSON object line; a bad line is reported as ``<source>: line N: ...``."""
    text = decode_bytes(data, source)
    batch = Batch()
    rows: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((f"{source}: line {number}", json.loads(line)))
        except (json.JSONDecodeError, RecursionError) as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
            batch.problems.append(
                InputError(f"{source}: line {number}", f"invalid JSON ({reason})")
            )
    if not rows and not batch.problems:
        raise InputError(source, "no records in the corpus")
    batch.extend(_records(rows, options.columns))
    return batch


def csv_articles(data: bytes, source: str, options: ReadOptions = DEFAULT_OPTIONS) -> Batch:
    """One article per CSV row (header row names the columns; tab-separated if ``.tsv``)."""
    text = decode_bytes(data, source)
    delimiter = "\t" if source.lower().endswith(".tsv") else ","
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise InputError(source, f"cannot read CSV header ({error})") from None
    if not header:
        raise InputError(source, "empty CSV file")
    if options.columns.text not in header:
        shown = ", ".join(repr(h) for h in header[:8])
        raise InputError(source, f"no {options.columns.text!r} column (columns: {shown})")
    rows: list[tuple[str, Any]] = []
    batch = Batch()
    try:
        for row in reader:
            rows.append((f"{source}: line {reader.line_num}", row))
    except csv.Error as error:
        batch.problems.append(InputError(f"{source}: line {reader.line_num}", f"bad CSV ({error})"))
    batch.extend(_records(rows, options.columns))
    return batch


def parquet_articles(data: bytes, source: str, options: ReadOptions = DEFAULT_OPTIONS) -> Batch:
    """One article per Parquet row (pyarrow imported only here)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - core dependency
        from newsbrief.errors import MissingExtraError

        raise MissingExtraError("pyarrow", "parquet") from None
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... on bad files
        raise InputError(source, f"cannot read Parquet ({type(error).__name__})") from None
    if options.columns.text not in table.column_names:
        shown = ", ".join(repr(h) for h in table.column_names[:8])
        raise InputError(source, f"no {options.columns.text!r} column (columns: {shown})")
    wanted = [c for c in vars_of(options.columns) if c in table.column_names]
    records = table.select(wanted).to_pylist()
    return _records(
        ((f"{source}: row {number}", record) for number, record in enumerate(records, start=1)),
        options.columns,
    )


def vars_of(columns: Columns) -> list[str]:
    """The distinct column names ``columns`` refers to."""
    names = [columns.text, columns.title, columns.url, columns.date, columns.source]
    return list(dict.fromkeys(names))
