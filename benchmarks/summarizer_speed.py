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
    times, cpu_times = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        summarizer.summarize(big, Budget(max_words=100))
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)

    def end_to_end(method: object) -> tuple[float, float]:
        """(clusters/s, clusters per CPU second) reading, splitting, support, summarizing."""
        t0, c0 = time.perf_counter(), time.process_time()
        for cluster in data:
            story = story_of(cluster["documents"], cluster["id"])
            method.summarize(story, Budget(max_words=250))  # type: ignore[attr-defined]
        return len(data) / (time.perf_counter() - t0), len(data) / (time.process_time() - c0)

    ours = end_to_end(summarizer)
    try:
        from newsbrief.summarize.sumy_baselines import LexRankSummarizer
    except ImportError:  # the bench extra is not installed
        lexrank = None
    else:
        lexrank = end_to_end(LexRankSummarizer())

    print(f"$ python {' '.join(sys.argv)}")
    print("| measure | value |")
    print("| --- | --- |")
    print(
        f"| big cluster ({len(big.articles)} docs, {n_words} words, "
        f"{len(big.sentences)} sentences) to 100 words, median ms | "
        f"{1000 * statistics.median(times):.1f} |"
    )
    print(
        f"| same, median CPU ms (less sensitive to other jobs) | "
        f"{1000 * statistics.median(cpu_times):.1f} |"
    )
    print(f"| end to end, {len(data)} val clusters at 250 words, clusters/s | {ours[0]:.1f} |")
    print(f"| same, clusters per CPU second | {ours[1]:.1f} |")
    if lexrank:
        print(f"| sumy LexRank end to end, same clusters, clusters/s | {lexrank[0]:.1f} |")
        print(f"| sumy LexRank, clusters per CPU second | {lexrank[1]:.1f} |")
        print(f"| newsbrief / LexRank, CPU-time ratio | {ours[1] / lexrank[1]:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
