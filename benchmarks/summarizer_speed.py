"""Speed of newsbrief's summarizer: a large cluster, and end to end on Multi-News.

1. A 10-document, ~6,000-word cluster (documents of Multi-News val glued
   together to 600 words each), summarized to 100 words: median summarizer time
   over repeated runs (target: under 20 ms).
2. End to end on the first ``--n`` val clusters: building the story (sentence
   splitting), support marking and summarizing at 250 words, in clusters/s.

Example::

    python benchmarks/summarizer_speed.py ../shared/data/multinews/val.jsonl.gz --n 300
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from newsbrief.dedup import SentenceSupport
from newsbrief.model import Article, Budget, Story
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.text import article_sentences

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "multinews" / "val.jsonl.gz"


def clusters(path: Path, n: int) -> list[dict]:
    """The first ``n`` clusters of a gzipped JSONL file."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            out.append(json.loads(line))
            if len(out) >= n:
                break
    return out


def story_of(documents: list[str], name: str) -> Story:
    """A support-marked story of the non-empty documents, in the given order."""
    articles = tuple(
        Article.from_text(d, source=f"{name}#{i}") for i, d in enumerate(documents) if d.strip()
    )
    sentences = tuple(s for a in articles for s in article_sentences(a))
    return SentenceSupport().run(Story(id=name, articles=articles, sentences=sentences))


def big_cluster(data: list[dict], n_docs: int = 10, words_per_doc: int = 600) -> Story:
    """``n_docs`` documents of about ``words_per_doc`` words each, from consecutive documents."""
    pool = [d for c in data for d in c["documents"] if d.strip()]
    documents, current = [], []
    for text in pool:
        current.extend(text.split())
        if len(current) >= words_per_doc:
            documents.append(" ".join(current[:words_per_doc]))
            current = []
        if len(documents) == n_docs:
            break
    return story_of(documents, "big")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    summarizer = NewsbriefSummarizer()
    data = clusters(args.data, args.n)

    big = big_cluster(data)
    n_words = sum(s.n_words for s in big.sentences)
    summarizer.summarize(big, Budget(max_words=100))  # loads the model once
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        summarizer.summarize(big, Budget(max_words=100))
        times.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    for cluster in data:
        story = story_of(cluster["documents"], cluster["id"])
        summarizer.summarize(story, Budget(max_words=250))
    elapsed = time.perf_counter() - t0

    print(f"$ python {' '.join(sys.argv)}")
    print("| measure | value |")
    print("| --- | --- |")
    print(
        f"| big cluster ({len(big.articles)} docs, {n_words} words, "
        f"{len(big.sentences)} sentences) to 100 words, median ms | "
        f"{1000 * statistics.median(times):.1f} |"
    )
    print(
        f"| end to end, {len(data)} val clusters at 250 words, clusters/s | "
        f"{len(data) / elapsed:.1f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
