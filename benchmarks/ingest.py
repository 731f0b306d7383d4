"""Ingestion throughput: articles per second read from HTML files and from a JSONL corpus.

Article texts come from Multi-News (``val`` by default). Each is written once as
an HTML page (head metadata, navigation, the paragraphs in ``<article>``, a
footer) and once as a line of a JSONL corpus, into a temporary folder; then
``read_inputs`` reads them (HTML through trafilatura), and separately the read
articles are split and cleaned by the default pipeline's article stages.
Timings are wall-clock seconds of one run after one warm-up read of a few files.

    python benchmarks/ingest.py ../shared/data/multinews/val.jsonl.gz --docs 500
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import tempfile
import time
from pathlib import Path

from newsbrief.ingest import read_inputs
from newsbrief.pipeline import Pipeline
from newsbrief.text import split_sentences

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "val.jsonl.gz"
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Gazette</title>
<meta property="og:site_name" content="Bench Gazette"><meta name="author" content="Staff">
<meta property="article:published_time" content="2017-07-{day:02d}T10:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/politics">Politics</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<aside><h3>Related</h3><ul><li><a href="/a">Another story</a></li><li><a href="/b">More news</a></li></ul></aside>
<footer>Share this article | Copyright 2017 Bench Gazette. All rights reserved.</footer></body></html>
"""


def load_documents(path: Path, n_docs: int) -> list[str]:
    """The first ``n_docs`` documents of at least 80 words."""
    opener = gzip.open if path.suffix == ".gz" else open
    documents: list[str] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            documents += [d for d in json.loads(line)["documents"] if len(d.split()) >= 80]
            if len(documents) >= n_docs:
                break
    return documents[:n_docs]


def write_inputs(documents: list[str], folder: Path) -> tuple[Path, Path]:
    """An HTML page per document in ``folder/html`` and one JSONL corpus of them all."""
    pages = folder / "html"
    pages.mkdir()
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for index, document in enumerate(documents):
            sentences = split_sentences(document)
            title = " ".join(sentences[0].split()[:10]) if sentences else f"Story {index}"
            paragraphs = "".join(
                f"<p>{html.escape(' '.join(sentences[i : i + 3]))}</p>"
                for i in range(0, len(sentences), 3)
            )
            page = PAGE.format(title=html.escape(title), paragraphs=paragraphs, day=index % 28 + 1)
            (pages / f"page-{index:05d}.html").write_text(page, encoding="utf-8")
            record = {"text": document, "title": title, "date": f"2017-07-{index % 28 + 1:02d}"}
            out.write(json.dumps(record) + "\n")
    return pages, corpus


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=int, default=500)
    args = parser.parse_args(argv)
    documents = load_documents(args.data, args.docs)
    pipeline = Pipeline.default()
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        pages, corpus = write_inputs(documents, Path(temp))
        read_inputs(sorted(pages.iterdir())[:5])  # warm-up: imports trafilatura
        for label, source in (("HTML files (trafilatura)", pages), ("JSONL corpus", corpus)):
            read, read_seconds = timed(read_inputs, [source])
            (cleaned, _), clean_seconds = timed(pipeline.clean, read.articles)
            problems = len(read.problems)
            n = len(read.articles)
            rows.append(
                (
                    label,
                    n,
                    problems,
                    n / read_seconds,
                    len(cleaned) / clean_seconds,
                    n / (read_seconds + clean_seconds),
                )
            )
    print(f"{len(documents)} Multi-News documents")
    print()
    print(
        "| input | articles read | problems | read articles/s | split+clean articles/s | end-to-end articles/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, n, problems, read_rate, clean_rate, total in rows:
        print(
            f"| {label} | {n:,} | {problems} | {read_rate:,.0f} | {clean_rate:,.0f} | {total:,.0f} |"
        )
    print()
    print(
        "command: python benchmarks/ingest.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
