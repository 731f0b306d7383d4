"""List the disagreements the disagreements stage reports on Multi-News clusters, for judging by hand.

Multi-News has no disagreement labels, so this measures precision only: every reported
disagreement is printed (value, citations, the start of each sentence) for a person to
judge; the count of clusters and reports is printed last. Articles have no publication
dates here, so only numbers and dates written with their year can conflict.

Usage::

    python benchmarks/disagree_check.py [--data ../shared/data/multinews/val.jsonl.gz]
        [--start 3600] [--stop 5622]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import warnings
from pathlib import Path

from newsbrief.attribute import attribute
from newsbrief.disagree import DisagreementStage
from newsbrief.model import Article, Selection
from newsbrief.pipeline import build_story

DEFAULT_DATA = (
    Path(__file__).parent.parent.parent / "shared" / "data" / "multinews" / "val.jsonl.gz"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--start", type=int, default=3600, help="first cluster (line) to read")
    parser.add_argument("--stop", type=int, default=5622, help="cluster (line) to stop before")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"disagree_check: {args.data}: no such file", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    stage = DisagreementStage()
    n_clusters = n_reported = 0
    with gzip.open(args.data, "rt", encoding="utf-8") as handle:
        for line in itertools.islice(handle, args.start, args.stop):
            cluster = json.loads(line)
            articles = [
                Article.from_text(text, source=f"{cluster['id']}#{i}")
                for i, text in enumerate(cluster["documents"])
                if text.strip()
            ]
            if len(articles) < 2:
                continue
            story = build_story(articles)
            empty = Selection(sentence_ids=(), scores=(), n_words=0)
            brief = attribute(story, empty, max_words=1, method="none")
            n_clusters += 1
            for disagreement in stage.disagreements(story, brief):
                n_reported += 1
                print(f"== {cluster['id']}: {disagreement.subject}")
                for claim in disagreement.claims:
                    print(f"   {claim.value} {list(claim.citations)} | {claim.text[:200]}")
    print(f"\n{n_clusters} clusters with 2+ articles, {n_reported} disagreements reported")
    print(
        f"command: python benchmarks/disagree_check.py --data {args.data} "
        f"--start {args.start} --stop {args.stop}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
