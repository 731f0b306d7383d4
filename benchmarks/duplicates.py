"""Copy detection on real clusters: how many Multi-News articles are marked as copies, and why.

Multi-News clusters are several outlets' articles on one story; some are genuine
copies (syndicated wire stories, the same page crawled twice), most are not. The
script runs ``NearDuplicates`` on each cluster and prints how many articles it
marks, by test, plus a few examples for a person to judge. It also checks the
synthetic case the tests pin down: each cluster's first document spun (synonym
swaps) and added back must be found.

    python benchmarks/duplicates.py ../shared/data/multinews/val.jsonl.gz --clusters 500
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from newsbrief.dedup import NearDuplicates
from newsbrief.model import Article

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "val.jsonl.gz"
)
_SPIN = (
    ("russia", "russian federation"),
    ("the united states", "the usa"),
    ("said", "stated"),
    ("ceasefire", "truce"),
    ("president", "leader"),
)


def spin(text: str) -> str:
    """A spinner's copy: synonym swaps, same sentences."""
    for word, synonym in _SPIN:
        text = text.replace(f" {word} ", f" {synonym} ")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clusters", type=int, default=500)
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args(argv)
    opener = gzip.open if args.data.suffix == ".gz" else open
    stage = NearDuplicates()
    reasons: Counter[str] = Counter()
    n_articles = n_clusters = found_spins = 0
    examples = []
    with opener(args.data, "rt", encoding="utf-8") as handle:
        for line in handle:
            documents = [d for d in json.loads(line)["documents"] if len(d.split()) >= 40]
            if len(documents) < 2:
                continue
            articles = [Article.from_text(d, source=f"doc-{i}") for i, d in enumerate(documents)]
            copies = stage.find(articles)
            n_articles += len(articles)
            n_clusters += 1
            for copy in copies.values():
                reasons[copy.reason] += 1
                if len(examples) < args.examples:
                    text = {a.id: a.text for a in articles}
                    examples.append(
                        (
                            copy.reason,
                            copy.score,
                            text[copy.article_id][:120],
                            text[copy.duplicate_of][:120],
                        )
                    )
            spun = Article.from_text(spin(documents[0]), source="spun", date="2099-01-01")
            dated = [
                Article.from_text(d, source=f"doc-{i}", date="2000-01-01")
                for i, d in enumerate(documents)
            ]
            found_spins += any(c.article_id == spun.id for c in stage.find([*dated, spun]).values())
            if n_clusters >= args.clusters:
                break
    marked = sum(reasons.values())
    print(f"{n_clusters} clusters, {n_articles} articles of 40+ words")
    print()
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| articles marked as copies | {marked} ({marked / n_articles:.1%}) |")
    for reason, count in reasons.most_common():
        print(f"| … by the {reason} test | {count} |")
    print(f"| spun copy of a cluster's first article found | {found_spins / n_clusters:.1%} |")
    print()
    for reason, score, copy, original in examples:
        print(f"- {reason} ({score}): copy «{copy}…» / original «{original}…»")
    print()
    print(
        "command: python benchmarks/duplicates.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
