"""Readers: text, HTML, JSONL, CSV, Parquet, stdin, directories; metadata and bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from newsbrief.clean import TextCleaner, filename_metadata
from newsbrief.errors import InputError
from newsbrief.ingest import (
    Columns,
    ReadOptions,
    decode_bytes,
    normalize_date,
    read_inputs,
    read_text_file,
    sniff_kind,
)
from newsbrief.model import Article

DATA = Path(__file__).parent / "data" / "ingest"
PROSE = (
    "The city council approved the new budget on Monday after a long debate about "
    "school funding. Officials said the vote would let work on the bridge begin in spring."
)


def test_existing_api_still_works(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(PROSE, encoding="utf-8")
    assert read_text_file(path).text == PROSE
    assert decode_bytes("\ufeffcafé".encode(), "x") == "café"
    result = read_inputs([path, PROSE + "\n", Article.from_text("x", source="s")])
    assert len(result.articles) == 3 and result.problems == ()


def test_html_file_text_and_metadata() -> None:
    result = read_inputs([DATA / "article.html"])
    assert result.problems == ()
    (article,) = result.articles
    assert article.title == "Harborton footbridge reopens after repairs"
    assert article.outlet == "Harbor Herald"
    assert article.author == "Mara Quill"
    assert article.date == "2025-03-07"
    assert article.language == "en-gb"
    assert "snapped support cable" in article.text
    assert "Follow us" not in article.text and "Sport" not in article.text


def test_html_meta_wins_over_text_header_and_file_name(tmp_path: Path) -> None:
    page = tmp_path / "2020-01-02-some-other-headline-words.html"
    page.write_bytes((DATA / "article.html").read_bytes())
    (raw,) = read_inputs([page]).articles
    (clean,) = TextCleaner().run(raw)
    assert clean.title == "Harborton footbridge reopens after repairs"
    assert clean.date == "2025-03-07"


def test_text_header_wins_over_file_name_which_is_the_last_resort(tmp_path: Path) -> None:
    with_header = tmp_path / "2020-01-02-name-given-title.txt"
    with_header.write_text(f"Council passes budget after debate\n\nMarch 3, 2021\n\n{PROSE}\n")
    bare = tmp_path / "2020-01-02-name-given-title-two.txt"
    bare.write_text(PROSE + "\n")
    first, second = (TextCleaner().run(a)[0] for a in read_inputs([with_header, bare]).articles)
    assert (first.title, first.date) == ("Council passes budget after debate", "2021-03-03")
    assert (second.title, second.date) == ("Name given title two", "2020-01-02")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "/a/2017-07-06-us-russia-reach-deal.txt",
            {"date": "2017-07-06", "title": "Us russia reach deal"},
        ),
        ("/a/000_6955e563a14b0204.txt", {}),
        ("herald.txt", {}),
        ("https://example.com/a-b-c-d", {}),
        (
            "20170706_bridge_closed_today.html",
            {"date": "2017-07-06", "title": "Bridge closed today"},
        ),
    ],
)
def test_filename_metadata(name: str, expected: dict[str, str]) -> None:
    assert filename_metadata(name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-07-06T10:34:13Z", "2017-07-06"),
        ("Thu, 06 Jul 2017 10:34:13 GMT", "2017-07-06"),
        ("July 8, 2017", "2017-07-08"),
        ("8 July 2017", "2017-07-08"),
        ("2017-13-45", None),
        ("no date here", None),
        ("", None),
        (None, None),
        (1499337600, "2017-07-06"),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_jsonl_reads_records_and_names_the_bad_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"text": PROSE, "title": "Budget", "date": "July 8, 2017", "source": "Gazette"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": PROSE + " Second.", "url": "https://example.com/b"}),
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_inputs([corpus])
    assert [a.title for a in result.articles] == ["Budget", None]
    first = result.articles[0]
    assert (first.date, first.outlet, first.source) == (
        "2017-07-08",
        "Gazette",
        f"{corpus}: line 1",
    )
    assert result.articles[1].url == "https://example.com/b"
    messages = [str(p) for p in result.problems]
    assert messages[0].startswith(f"{corpus}: line 2: invalid JSON")
    assert messages[1] == f"{corpus}: line 3: missing 'text' field"
    assert "line 4" in messages[2] and "JSON object" in messages[2]


def test_jsonl_gzip_and_custom_columns(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl.gz"
    record = {"body": PROSE, "headline": "Budget passes", "published": "2019-05-01"}
    corpus.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    options = ReadOptions(columns=Columns(text="body", title="headline", date="published"))
    (article,) = read_inputs([corpus], options=options).articles
    assert (article.title, article.date, article.text) == ("Budget passes", "2019-05-01", PROSE)


def test_csv_reader_and_missing_text_column(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(f'title,text,date\nBudget,"{PROSE}",2017-07-06\nEmpty,,2017-07-07\n')
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body\nA,b\n")
    tsv = tmp_path / "t.tsv"
    tsv.write_text(f"content\theadline\n{PROSE}\tTab\n")
    result = read_inputs([good, bad], options=ReadOptions())
    assert [(a.title, a.date) for a in result.articles] == [("Budget", "2017-07-06")]
    assert [str(p) for p in result.problems] == [
        f"{good}: line 3: empty 'text' field",
        f"{bad}: no 'text' column (columns: 'title', 'body')",
    ]
    tab = read_inputs([tsv], options=ReadOptions(columns=Columns(text="content", title="headline")))
    assert [a.title for a in tab.articles] == ["Tab"]


def test_parquet_reader(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    pq.write_table(
        pa.table({"text": [PROSE, ""], "title": ["P", "Q"], "date": ["2018-02-03", None]}), path
    )
    result = read_inputs([path])
    assert [(a.title, a.date) for a in result.articles] == [("P", "2018-02-03")]
    assert [str(p) for p in result.problems] == [f"{path}: row 2: empty 'text' field"]
    missing = tmp_path / "m.parquet"
    pq.write_table(pa.table({"body": ["x"]}), missing)
    assert "no 'text' column" in str(read_inputs([missing]).problems[0])
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really parquet")
    assert "cannot read Parquet" in str(read_inputs([broken]).problems[0])


def test_stdin_is_sniffed() -> None:
    html = (DATA / "article.html").read_bytes()
    (article,) = read_inputs(["-"], stdin=io.BytesIO(html)).articles
    assert (article.source, article.outlet) == ("<stdin>", "Harbor Herald")
    (text,) = read_inputs(["-"], stdin=io.BytesIO(PROSE.encode())).articles
    assert text.text == PROSE
    jsonl = json.dumps({"text": PROSE}).encode()
    assert read_inputs(["-"], stdin=io.BytesIO(jsonl)).articles[0].source == "<stdin>: line 1"
    empty = read_inputs(["-"], stdin=io.BytesIO(b"  \n"))
    assert [str(p) for p in empty.problems] == ["<stdin>: empty input"]
    big = read_inputs(["-"], stdin=io.BytesIO(b"x" * 101), options=ReadOptions(max_bytes=100))
    assert "over the 100-byte limit" in str(big.problems[0])


def test_directory_is_recursive_and_glob_filters(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(PROSE)
    (tmp_path / "sub" / "b.html").write_bytes((DATA / "article.html").read_bytes())
    (tmp_path / "sub" / "deeper" / "c.jsonl").write_text(json.dumps({"text": PROSE}) + "\n")
    (tmp_path / "sub" / "notes.bin").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.txt").write_text(PROSE)
    everything = read_inputs([tmp_path])
    assert len(everything.articles) == 3 and everything.problems == ()
    only_html = read_inputs([tmp_path], options=ReadOptions(glob="*.html"))
    assert [Path(a.source).name for a in only_html.articles] == ["b.html"]
    nothing = read_inputs([tmp_path], options=ReadOptions(glob="*.xml"))
    assert "no article files (*.xml)" in str(nothing.problems[0])


def test_bad_inputs_are_one_line_errors_and_others_still_read(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("   ")
    (tmp_path / "junk.html").write_text("<html><body><div></div></body></html>")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "empty.xml").write_text(
        '<?xml version="1.0"?><rss><channel><title>t</title></channel></rss>'
    )
    (tmp_path / "ok.txt").write_text(PROSE)
    names = ["empty.html", "junk.html", "binary.txt", "empty.xml", "missing.txt", "ok.txt"]
    result = read_inputs([tmp_path / n for n in names])
    assert [Path(a.source).name for a in result.articles] == ["ok.txt"]
    messages = [str(p) for p in result.problems]
    assert len(messages) == 5
    assert all("\n" not in m for m in messages)
    assert messages[0].endswith("empty.html: empty file")
    assert messages[1].endswith("junk.html: no article text found in the HTML")
    assert messages[2].endswith("binary.txt: binary file, not text")
    assert messages[3].endswith("empty.xml: feed has no entries")
    assert messages[4].endswith("missing.txt: no such file or directory")


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<p>" + "word " * 100 + "</p>")
    result = read_inputs([path], max_bytes=50)
    assert "over the 50-byte limit" in str(result.problems[0])


def test_local_feed_file_uses_entry_text_without_fetching(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>River Desk</title>'
        "<item><title>Bridge shut</title><link>https://news.example/a</link>"
        "<pubDate>Tue, 04 Mar 2025 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{PROSE}&lt;/p&gt;</description></item></channel></rss>"
    )
    result = read_inputs([feed], options=ReadOptions(fetch_feed_links=False))
    (article,) = result.articles
    assert (article.title, article.outlet, article.date) == (
        "Bridge shut",
        "River Desk",
        "2025-03-04",
    )
    assert article.url == "https://news.example/a" and article.text == PROSE


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"<!DOCTYPE html><html>", "x", "html"),
        (b'<?xml version="1.0"?><rss>', "x", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "page.html", "feed"),
        (b"PAR1....", "x", "parquet"),
        (b'{"text": "a"}', "x", "jsonl"),
        (b"Plain words.", "x", "text"),
        (b"Plain words.", "x.csv", "csv"),
        (b"<p>hi</p>", "x.txt", "text"),
    ],
)
def test_sniff_kind(head: bytes, name: str, kind: str) -> None:
    assert sniff_kind(head, name=name) == kind


def test_input_error_carries_source_and_reason() -> None:
    error = InputError("a.csv", "no 'text' column")
    assert (error.source, error.reason, str(error)) == (
        "a.csv",
        "no 'text' column",
        "a.csv: no 'text' column",
    )
