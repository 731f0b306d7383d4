"""``newsbrief stories``, ``newsbrief cluster`` (batch and --stream) and ``brief`` on a mixed pile."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from newsbrief.cli import main
from newsbrief.stories_commands import CLUSTER_FIELDS, STREAM_FIELDS

STORIES = Path(__file__).parent / "data" / "stories"


def corpus_lines() -> list[str]:
    lines = []
    for path in sorted(STORIES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0]
        lines.append(json.dumps({"id": path.stem, "text": text, "title": title}))
    return lines


def test_stories_markdown_lists_stories_largest_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stories", str(STORIES), "--words", "40"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# 2 stories")
    bridge, election = out.index("## 1. "), out.index("## 2. ")
    assert bridge < election
    assert "3 articles:" in out[bridge:election] and "2 articles:" in out[election:]
    assert "## Single articles" in out and "penguin" in out.split("## Single articles")[1].lower()
    assert "archive-notice.txt: not an article: web-archive notice" in out
    assert "[1]" in out  # each story has a cited brief
    assert "2 stories of two or more" in err


def test_stories_json_and_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stories", str(STORIES), "--format", "json", "--words", "40"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [s["size"] for s in document["stories"]] == [3, 2]
    story = document["stories"][0]
    assert set(story) == {"kind", "id", "label", "size", "article_ids", "sources", "brief"}
    assert story["brief"]["sentences"]
    assert len(document["singletons"]) == 1 and document["singletons"][0]["brief"] is None
    assert document["skipped"][0]["reason"].startswith("not an article")
    assert main(["stories", str(STORIES), "--format", "jsonl", "--no-briefs"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["kind"] for r in records] == ["story", "story", "singleton", "skipped"]


def test_cluster_writes_one_line_per_article(tmp_path: Path, capsys) -> None:
    lines = corpus_lines()
    corpus = tmp_path / "in.jsonl"
    bad = ["not json", json.dumps({"id": "no-text"}), lines[0]]  # duplicate id
    corpus.write_text("\n".join([*lines, *bad]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["cluster", str(corpus), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{corpus}:{len(lines) + 1}: not valid JSON" in err
    assert "no 'text' field" in err and "repeat an id" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(lines) + 2  # every readable line gets a story id
    assert all(tuple(r) == CLUSTER_FIELDS for r in records)
    story = {r["id"]: r for r in records}
    assert story["bridge-herald"]["story_id"] == story["bridge-wire"]["story_id"]
    assert story["bridge-herald"]["story_size"] == 3
    assert story["election-post"]["story_id"] == story["election-times"]["story_id"]
    assert story["penguins"]["story_size"] == 1 and story["penguins"]["non_article"] is None
    assert story["archive-notice"]["non_article"] == "not an article: web-archive notice"
    assert story["no-text"]["non_article"] == "empty text"


def test_cluster_stream_reads_stdin_and_emits_assignments(monkeypatch, capsys) -> None:
    payload = "\n".join(corpus_lines()) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.encode("utf-8"))))
    assert main(["cluster", "--stream", "--window", "100"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == [json.loads(line)["id"] for line in corpus_lines()]
    assert all(tuple(r) == STREAM_FIELDS for r in records)
    story = {r["id"]: r for r in records}
    assert story["bridge-herald"]["new_story"] and not story["bridge-radio"]["new_story"]
    assert story["bridge-radio"]["story_id"] == story["bridge-herald"]["story_id"]
    assert story["bridge-wire"]["story_size"] == 3


def test_cluster_errors(tmp_path: Path, capsys) -> None:
    assert main(["cluster", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["cluster", str(empty)]) == 2
    assert "no articles" in capsys.readouterr().err
    assert main(["cluster", str(empty), "--threshold", "2"]) == 2


def test_brief_refuses_a_mixed_pile_or_briefs_the_largest(capsys) -> None:
    paths = [str(p) for p in sorted(STORIES.glob("*.txt"))]
    assert main(["brief", *paths]) == 2
    err = capsys.readouterr().err
    assert "2 separate stories" in err and "newsbrief stories" in err
    assert main(["brief", "--largest", "--words", "40", *paths]) == 0
    out, err = capsys.readouterr()
    summary = out.split("## Sources")[0]
    assert "footbridge" in summary.lower() and "Ostberg" not in summary
    assert "another story" in err
