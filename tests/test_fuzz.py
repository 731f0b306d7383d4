"""Property-based fuzzing: every reader gives articles or clean ``InputError``s, never a crash."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsbrief.errors import InputError
from newsbrief.ingest import Batch, ReadOptions, read_bytes, read_inputs

FUZZ = settings(
    max_examples=40,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
OPTIONS = ReadOptions(fetch_feed_links=False, max_bytes=256 * 1024)
KINDS = ("x.txt", "x.html", "x.xml", "x.jsonl", "x.csv", "x.parquet", "x.jsonl.gz", "unknown")


def _read_or_clean_error(data: bytes, name: str) -> None:
    try:
        batch = read_bytes(data, name, OPTIONS)
    except InputError as error:
        assert error.source and error.reason and "\n" not in str(error)
        return
    assert isinstance(batch, Batch)
    for article in batch.articles:
        assert isinstance(article.text, str) and article.text.strip()
        assert article.date is None or len(article.date) == 10
    for problem in batch.problems:
        assert isinstance(problem, InputError) and "\n" not in str(problem)


@FUZZ
@given(data=st.binary(max_size=2048), name=st.sampled_from(KINDS))
def test_random_bytes(data: bytes, name: str) -> None:
    _read_or_clean_error(data, name)


_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "html",
        "body",
        "head",
        "title",
        "script",
        "article",
        "meta",
        "a",
        "br",
        "!--",
        "?xml",
    ]
)
_HTML_PIECE = st.one_of(
    _TAGS.map(lambda t: f"<{t}>"),
    _TAGS.map(lambda t: f"</{t}>"),
    _TAGS.map(lambda t: f'<{t} lang="en" content="2017-07-0'),
    st.text(max_size=80),
    st.just("The council approved the budget on Monday after a long debate, officials said. "),
    st.sampled_from(["&amp;", "&#0;", "&#xD800;", "]]>", "<![CDATA[", "\x00", "\ufeff"]),
)


@FUZZ
@given(pieces=st.lists(_HTML_PIECE, max_size=40), name=st.sampled_from(["x.html", "x.xml", "-"]))
def test_random_html_and_feeds(pieces: list[str], name: str) -> None:
    _read_or_clean_error("".join(pieces).encode("utf-8", "surrogatepass"), name)


_JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_JSON_LINE = st.one_of(
    st.dictionaries(
        st.sampled_from(["text", "title", "url", "date", "source", "other"]),
        _JSON_VALUE,
        max_size=6,
    ).map(json.dumps),
    _JSON_VALUE.map(json.dumps),
    st.text(max_size=60),
)


@FUZZ
@given(lines=st.lists(_JSON_LINE, max_size=12))
def test_random_json_lines(lines: list[str]) -> None:
    _read_or_clean_error("\n".join(lines).encode("utf-8", "surrogatepass"), "x.jsonl")


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["text", "title", "date", "url", "source", "x", ""]), max_size=5
    ),
    rows=st.lists(st.lists(st.text(max_size=40), max_size=6), max_size=8),
    raw_tail=st.text(max_size=40),
)
def test_random_csv(header: list[str], rows: list[list[str]], raw_tail: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = (buffer.getvalue() + raw_tail).encode("utf-8", "surrogatepass")
    _read_or_clean_error(data, "x.csv")


@FUZZ
@given(
    items=st.lists(
        # Paths and texts only: "-" would read the test's stdin and URLs would go to the network.
        st.text(max_size=30).filter(lambda t: t != "-" and not t.startswith("http")),
        max_size=5,
    )
)
def test_read_inputs_never_raises(items: list[str]) -> None:
    result = read_inputs(items, options=OPTIONS)
    assert all(isinstance(p, InputError) for p in result.problems)
