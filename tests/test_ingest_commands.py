"""``newsbrief clean`` and the input options of ``newsbrief brief``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from newsbrief.cli import main

DATA = Path(__file__).parent / "data" / "ingest"


def test_clean_jsonl_shows_metadata_text_removed_and_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.html"
    copy.write_bytes((DATA / "article.html").read_bytes().replace(b"2025-03-07", b"2025-03-09"))
    code = main(
        ["clean", str(DATA / "multipost.txt"), str(DATA / "article.html"), str(copy), "-f", "jsonl"]
    )
    captured = capsys.readouterr()
    assert code == 0
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == 6  # four posts, the page, its copy
    for record in records:
        assert {"text", "title", "outlet", "date", "url", "duplicate_of", "removed"} <= set(record)
    by_title = {r["title"]: r for r in records if r["source"].endswith(".html")}
    assert len(by_title) == 1  # both HTML pages carry the same headline
    html = [r for r in records if r["source"].endswith(".html")]
    assert html[0]["duplicate_of"] is None
    assert html[1]["duplicate_of"] == str(DATA / "article.html")
    posts = [r for r in records if "#post-" in r["source"]]
    assert posts[0]["title"] == "Harborton footbridge closed after cable snaps"
    assert any("appeared first on" in line for line in posts[0]["removed"])
    assert captured.err.strip().splitlines()[-1] == "newsbrief: used 6 inputs, skipped 0"


def test_clean_text_format_and_bad_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"text": "The council approved the budget on Monday, officials said."}\n{oops\n'
    )
    code = main(["clean", str(corpus), str(tmp_path / "missing.txt")])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith(f"=== {corpus}: line 1\n")
    assert "The council approved the budget" in captured.out
    err = captured.err.strip().splitlines()
    assert (
        f"newsbrief: {corpus}: line 2: invalid JSON (Expecting property name enclosed in double quotes)"
        in err
    )
    assert err[-1] == "newsbrief: used 1 input, skipped 2 (1 invalid JSON, 1 not found)"


def test_brief_reads_stdin_and_corpus_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "c.csv"
    corpus.write_text(
        "headline,body\n"
        'Bridge closed,"The Harbor Street footbridge closed on Tuesday after a cable snapped, '
        'the city said. Engineers will inspect every cable."\n'
    )
    html = (DATA / "article.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(html)))
    code = main(["brief", "-", str(corpus), "--text-column", "body", "--title-column", "headline"])
    captured = capsys.readouterr()
    assert code == 0
    assert "Harbor Herald" in captured.out and "Bridge closed" in captured.out
    assert captured.err.strip().splitlines()[-1] == "newsbrief: used 2 inputs, skipped 0"


def test_clean_with_nothing_usable_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", str(tmp_path / "nope.txt")]) == 2
    assert "used 0 inputs, skipped 1 (1 not found)" in capsys.readouterr().err
