"""How many sources a summary draws on: ``newsbrief.v1`` against ``newsbrief.v2``.

A multi-source brief should not lean on one report. For the first ``--n``
Multi-News clusters with at least ``--min-articles`` articles, both summarizers
pick sentences at each budget (documents in their given order, support marked,
as in ``scripts/dev_eval.py``); the table gives, averaged over stories, the
number of distinct articles a summary quotes, the share of its sentences that
come from its most-quoted article, and its number of sentences.

Example::

    python benchmarks/source_spread.py ../shared/data/multinews/val.jsonl.gz --n 400
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from dev_eval import build_cluster_story, read_clusters

from newsbrief.dedup import SentenceSupport
from newsbrief.model import Budget
from newsbrief.summarize.coverage import NewsbriefSummarizer, SentenceLevelSummarizer

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "multinews" / "val.jsonl.gz"


def spread(article_ids: list[str]) -> tuple[float, float, float]:
    """(distinct articles, share of the most-quoted one, sentences) of one summary."""
    if not article_ids:
        return 0.0, 0.0, 0.0
    _, counts = np.unique(article_ids, return_counts=True)
    return float(len(counts)), float(counts.max() / len(article_ids)), float(len(article_ids))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT, help="cluster JSONL(.gz)")
    parser.add_argument("--n", type=int, default=400, help="first N clusters")
    parser.add_argument("--min-articles", type=int, default=3, help="stories at least this big")
    parser.add_argument("--words", type=int, nargs="+", default=[100, 150, 250])
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"source_spread: {args.data}: no such file", file=sys.stderr)
        return 2

    systems = {"newsbrief.v1": SentenceLevelSummarizer(), "newsbrief.v2": NewsbriefSummarizer()}
    support = SentenceSupport()
    rows: dict[tuple[int, str], list[tuple[float, float, float]]] = {}
    n_stories = 0
    for cluster in read_clusters(args.data, 0, args.n):
        story = build_cluster_story(cluster, support)
        if len({s.article_id for s in story.sentences}) < args.min_articles:
            continue
        n_stories += 1
        article_of = {s.id: s.article_id for s in story.sentences}
        for words in args.words:
            for name, summarizer in systems.items():
                selection = summarizer.summarize(story, Budget(max_words=words))
                picked = [article_of[i] for i in selection.sentence_ids]
                rows.setdefault((words, name), []).append(spread(picked))

    print(
        f"{n_stories} stories of >= {args.min_articles} articles among the first {args.n} clusters"
    )
    print()
    print("| words | summarizer | distinct articles | most-quoted article's share | sentences |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for (words, name), values in rows.items():
        distinct, share, sentences = np.mean(values, axis=0)
        print(f"| {words} | {name} | {distinct:.2f} | {share:.2f} | {sentences:.1f} |")
    print()
    command = ["python", "benchmarks/source_spread.py", str(args.data), "--n", str(args.n)]
    print("command: " + " ".join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
