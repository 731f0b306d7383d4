"""``newsbrief clean``, and the input options every command that reads articles shares.

Registering is cheap: nothing heavier than argparse is imported until a handler runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsbrief.ingest import ReadOptions
    from newsbrief.model import Article, Skipped

_REASON_KINDS: tuple[tuple[str, str], ...] = (
    (r"off-topic", "off-topic"),
    (r"no article text left|no article text found|feed entry has no text", "no article text"),
    (r"timed out", "timeout"),
    (r"^HTTP \d+", "HTTP error"),
    (r"redirect", "redirects"),
    (r"private/loopback", "private address"),
    (r"over the .*limit", "too large"),
    (r"invalid JSON", "invalid JSON"),
    (r"no '.*' column|missing '.*' field|empty '.*' field", "missing column"),
    (r"no such file", "not found"),
    (r"feed has no entries", "empty feed"),
    (r"empty", "empty"),
    (r"binary|cannot decode", "not text"),
    (r"cannot parse|cannot read|bad CSV|bad gzip", "unparsable"),
)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """Options for reading inputs: size cap, URL policy, directory glob, corpus columns."""
    from newsbrief.cli import megabytes

    group = parser.add_argument_group("input")
    group.add_argument(
        "--max-size",
        type=megabytes,
        default=None,
        metavar="MB",
        help="skip inputs larger than this (default: 20)",
    )
    group.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="allow URLs that resolve to loopback, private or link-local addresses",
    )
    group.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="URL timeout in seconds (10)"
    )
    group.add_argument(
        "--no-fetch-links",
        action="store_true",
        help="use feed entries' own text instead of fetching each linked page",
    )
    group.add_argument(
        "--glob",
        default=None,
        metavar="PATTERN",
        help="files to read in directories (e.g. '*.html')",
    )
    for name in ("text", "title", "url", "date", "source"):
        group.add_argument(
            f"--{name}-column",
            default=name,
            metavar="NAME",
            help=f"corpus column (JSONL key) holding the {name} (default: {name})",
        )


def read_options(args: argparse.Namespace) -> ReadOptions:
    """``ReadOptions`` from the arguments ``add_input_arguments`` defined."""
    from newsbrief.ingest import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Columns, ReadOptions

    return ReadOptions(
        max_bytes=args.max_size or DEFAULT_MAX_BYTES,
        timeout=args.timeout or DEFAULT_TIMEOUT,
        allow_private_urls=args.allow_private_urls,
        fetch_feed_links=not args.no_fetch_links,
        glob=args.glob,
        columns=Columns(
            text=args.text_column,
            title=args.title_column,
            url=args.url_column,
            date=args.date_column,
            source=args.source_column,
        ),
    )


def reason_kind(reason: str) -> str:
    """A short category of a skip reason, for the summary line."""
    for pattern, kind in _REASON_KINDS:
        if re.search(pattern, reason, re.I):
            return kind
    return "other"


def summary_line(n_used: int, skipped: Iterable[Skipped]) -> str:
    """ "used 7 inputs, skipped 2 (1 off-topic, 1 no article text)"."""
    kinds = Counter(reason_kind(s.reason) for s in skipped)
    n_skipped = sum(kinds.values())
    line = f"used {n_used} input{'s' if n_used != 1 else ''}, skipped {n_skipped}"
    if kinds:
        line += " (" + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ")"
    return line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``newsbrief clean``."""
    parser = subparsers.add_parser(
        "clean",
        help="show what survives reading and cleaning",
        description=(
            "Read inputs (text, HTML, URLs, feeds, JSONL/CSV/Parquet corpora, '-' for stdin), "
            "split multi-post pages, strip page furniture and mark copies; print each "
            "article's metadata and cleaned text."
        ),
        epilog="example: newsbrief clean page.html feed.xml --format jsonl",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="inputs to read")
    parser.add_argument(
        "-f", "--format", choices=("text", "jsonl"), default="text", help="output format"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    add_input_arguments(parser)
    parser.set_defaults(handler=run_clean)


def clean_articles(
    read_articles: Iterable[Article],
) -> tuple[tuple[Article, ...], tuple[Skipped, ...]]:
    """Split, clean and mark copies the way ``Pipeline.default()`` does (no topic filter)."""
    from newsbrief.dedup import NearDuplicates
    from newsbrief.pipeline import Pipeline

    pipeline = Pipeline.default()
    articles, skipped = pipeline.clean(read_articles)
    copies = NearDuplicates().find(articles) if len(articles) > 1 else {}
    from dataclasses import replace

    marked = tuple(
        replace(a, duplicate_of=copies[a.id].duplicate_of, derived_from=copies[a.id].derived_from)
        if a.id in copies
        else a
        for a in articles
    )
    return marked, skipped


def article_record(article: Article, sources: dict[str, str]) -> dict[str, Any]:
    """One article of ``newsbrief clean --format jsonl``."""
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "date": article.date,
        "url": article.url,
        "language": article.language,
        "duplicate_of": sources.get(article.duplicate_of) if article.duplicate_of else None,
        "derived_from": [sources.get(i, i) for i in article.derived_from],
        "text": article.text,
        "removed": list(article.removed),
    }


def run_clean(args: argparse.Namespace) -> int:
    """Handler of ``newsbrief clean``."""
    from newsbrief.cli import EXIT_NO_INPUT, EXIT_OK, error, write_output
    from newsbrief.ingest import read_inputs
    from newsbrief.model import Skipped

    read = read_inputs(args.paths, options=read_options(args))
    for note in read.notes:
        error(f"note: {note}")
    articles, dropped = clean_articles(read.articles)
    skipped = [Skipped(source=p.source, reason=p.reason) for p in read.problems] + list(dropped)
    for item in skipped:
        error(f"{item.source}: {item.reason}")
    sources = {a.id: a.source for a in articles}
    records = [article_record(a, sources) for a in articles]
    if args.format == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        text = "\n".join(_text_block(r) for r in records)
    write_output(text, args.output)
    print(f"newsbrief: {summary_line(len(articles), skipped)}", file=sys.stderr)
    return EXIT_OK if articles else EXIT_NO_INPUT


def _text_block(record: dict[str, Any]) -> str:
    lines = [f"=== {record['source']}"]
    for key in ("title", "outlet", "author", "date", "url", "language", "duplicate_of"):
        if record[key]:
            lines.append(f"{key}: {record[key]}")
    lines.append(f"removed: {len(record['removed'])} line(s)")
    lines += ["", record["text"], ""]
    return "\n".join(lines)
