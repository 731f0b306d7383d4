"""Off-topic filter: intruders dropped vs on-topic articles wrongly dropped, on Multi-News.

For each cluster with at least ``--min-docs`` usable documents, one document of
another, randomly chosen cluster is added as an intruder. The filter
(``newsbrief.split.OffTopicFilter``) runs on the mixed story; we count intruders
dropped and on-topic documents dropped, for several ``min_relative`` settings.
Intruders from random clusters are easy (usually a different subject entirely);
the seed's off-topic posts share the story's vocabulary and are harder.

    python benchmarks/offtopic.py ../shared/data/multinews/train.jsonl.gz --clusters 400
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

from newsbrief.model import Article
from newsbrief.pipeline import build_story
from newsbrief.split import OffTopicFilter

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "train.jsonl.gz"
)


def load_clusters(path: Path, n_clusters: int, min_docs: int, seed: int) -> list[list[str]]:
    """Clusters of at least ``min_docs`` documents of 60+ words, sampled with ``seed``."""
    opener = gzip.open if path.suffix == ".gz" else open
    clusters = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            documents = [d for d in json.loads(line)["documents"] if len(d.split()) >= 60]
            if len(documents) >= min_docs:
                clusters.append(documents)
            if len(clusters) >= 20 * n_clusters:
                break
    random.Random(seed).shuffle(clusters)
    return clusters[:n_clusters]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clusters", type=int, default=400)
    parser.add_argument("--min-docs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    clusters = load_clusters(args.data, args.clusters, args.min_docs, args.seed)
    rng = random.Random(args.seed)
    stories = []
    for index, documents in enumerate(clusters):
        other = rng.choice([c for i, c in enumerate(clusters) if i != index])
        intruder = Article.from_text(rng.choice(other), source="intruder")
        articles = [Article.from_text(d, source=f"doc-{i}") for i, d in enumerate(documents)]
        stories.append(build_story([*articles, intruder]))
    print(f"{len(stories)} stories of {args.min_docs}+ documents, one intruder each")
    print()
    print("| min_relative | intruders dropped | on-topic documents dropped |")
    print("| ---: | ---: | ---: |")
    base = OffTopicFilter()
    for relative in (0.5, 0.6, 0.7, 0.8):
        stage = replace(base, min_relative=relative)
        caught = wrong = n_on = 0
        for story in stories:
            dropped = {d.source for d in stage.run(story).dropped}
            caught += "intruder" in dropped
            wrong += len(dropped - {"intruder"})
            n_on += len(story.articles) - 1
        print(
            f"| {relative} | {caught / len(stories):.1%} | {wrong / n_on:.2%} ({wrong} of {n_on}) |"
        )
    print()
    print(
        "command: python benchmarks/offtopic.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
