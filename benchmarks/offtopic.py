"""Off-topic filter on Multi-News: planted articles caught vs a story's own articles dropped.

Each sampled cluster (``--min-docs``+ documents of 60+ words) becomes two stories,
each with one planted article that belongs to another cluster:

* ``random``: a document of a randomly chosen other cluster (usually another subject);
* ``related``: the document of another cluster most similar to this cluster's
  documents (TF-IDF over all loaded documents) whose reference summary is not
  similar to this cluster's (cosine < 0.3), i.e. the same broad topic but another
  story, like the seed's UN-envoy post among the July ceasefire reports.

Stories go through the default pipeline's article stages (split, clean,
non-article) and copy detection first, so the filter sees what it sees in use.
A cluster's own documents are then of two kinds, told apart by their TF-IDF
cosine to the cluster's reference summary: *story articles*, and *background
documents*, no closer to the summary than planted random articles are (cosine
below the 95th percentile of theirs): background links, paywalls and pages that
a reader would also call off-topic. Both are reported.

The post rows present every article as a post of a multi-post page (sources
``page-<n>.html#post-1``), the population ``min_post_relative`` acts on.

    python benchmarks/offtopic.py ../shared/data/multinews/train.jsonl.gz --clusters 400 --grid
    python benchmarks/offtopic.py ../shared/data/multinews/val.jsonl.gz --clusters 400
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from newsbrief.model import Article, Story
from newsbrief.pipeline import Pipeline, build_story
from newsbrief.split import OffTopicFilter

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "train.jsonl.gz"
)
PLANTED = "planted"


@dataclass(frozen=True)
class Cluster:
    """One Multi-News cluster: its usable documents and reference summary."""

    id: str
    documents: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Case:
    """A story with one planted article, and which of its own documents are story articles."""

    kind: str  # "random" or "related"
    story: Story
    planted_removed_earlier: bool  # dropped by cleaning, or marked as a copy
    story_articles: frozenset[str]  # sources of the cluster's documents like its summary
    background: frozenset[str]  # sources of the cluster's documents unlike its summary


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousRule(OffTopicFilter):
    """The rule before the conservative one, for comparison: dropped below max(0.1, 0.6 × median)."""

    def off_topic(self, articles: tuple[Article, ...]) -> dict[str, str]:
        """Articles to drop by id, under the previous rule (same safeguards)."""
        if len(articles) < self.min_articles:
            return {}
        scores = self.similarities(articles)
        threshold = max(0.1, 0.6 * float(np.median(scores)))
        lowest = np.argsort(scores, kind="stable")[: (len(articles) - 1) // 2]
        return {
            articles[i].id: "off-topic"
            for i in lowest
            if scores[i] < threshold and len(articles[i].text.split()) >= self.min_words
        }


def load_clusters(path: Path, n_pool: int) -> list[Cluster]:
    """The first ``n_pool`` clusters of ``path`` (documents of 60+ words only)."""
    opener = gzip.open if path.suffix == ".gz" else open
    clusters = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            documents = tuple(d for d in row["documents"] if len(d.split()) >= 60)
            if documents:
                clusters.append(Cluster(row["id"], documents, row["summaries"][0]))
            if len(clusters) >= n_pool:
                break
    return clusters


def build_cases(
    clusters: list[Cluster], n_clusters: int, min_docs: int, seed: int
) -> tuple[list[Case], float]:
    """Stories with a random and a related planted article; the background threshold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = random.Random(seed)
    pool = [(c, doc) for c, cluster in enumerate(clusters) for doc in cluster.documents]
    owner = np.array([c for c, _ in pool])
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
    docs = vectorizer.fit_transform([doc for _, doc in pool])
    summaries = vectorizer.transform([c.summary for c in clusters])
    chosen = [c for c, cluster in enumerate(clusters) if len(cluster.documents) >= min_docs]
    rng.shuffle(chosen)
    chosen = chosen[:n_clusters]
    stages = Pipeline.default()
    duplicates = stages.get("duplicates")

    def similarity_to_summary(texts: list[str], c: int) -> np.ndarray:
        return (vectorizer.transform(texts) @ summaries[c].T).toarray().ravel()

    planted_similarity = []
    raw_cases = []
    for c in chosen:
        own = np.flatnonzero(owner == c)
        centroid = np.asarray(docs[own].mean(axis=0)).ravel()
        closeness = docs @ centroid
        closeness[own] = -1.0
        summary_overlap = (summaries @ summaries[c].T).toarray().ravel()
        related = next(
            j for j in np.argsort(-closeness) if summary_overlap[owner[j]] < 0.3 and owner[j] != c
        )
        other = rng.choice([o for o in range(len(clusters)) if o != c])
        planted = {"random": rng.choice(clusters[other].documents), "related": pool[related][1]}
        planted_similarity.append(similarity_to_summary([planted["random"]], c)[0])
        raw_cases.append((c, planted))
    # Background: no closer to the summary than a planted random article usually is.
    threshold = float(np.percentile(planted_similarity, 95))
    cases = []
    for c, planted in raw_cases:
        cluster = clusters[c]
        own_similarity = similarity_to_summary(list(cluster.documents), c)
        sources = [f"doc-{i}" for i in range(len(cluster.documents))]
        background = frozenset(
            s for s, v in zip(sources, own_similarity, strict=True) if v < threshold
        )
        for kind, text in planted.items():
            articles = [
                *(
                    Article.from_text(d, source=s)
                    for s, d in zip(sources, cluster.documents, strict=True)
                ),
                Article.from_text(text, source=PLANTED),
            ]
            cleaned, _ = stages.clean(articles)
            story = duplicates.run(build_story(cleaned))
            cases.append(
                Case(
                    kind=kind,
                    story=story,
                    planted_removed_earlier=all(
                        a.source != PLANTED or a.duplicate_of is not None for a in story.articles
                    ),
                    story_articles=frozenset(sources) - background,
                    background=background,
                )
            )
    return cases, threshold


def as_posts(story: Story) -> tuple[Story, dict[str, str]]:
    """The story with every article a post of a multi-post page; post sources to old ones.

    Each article is put on a page of its own: posts of the story's only input are
    judged like inputs, and here every article is to be judged as a post.
    """
    names = {f"page-{n}.html#post-1": a.source for n, a in enumerate(story.articles, start=1)}
    renamed = {old: new for new, old in names.items()}
    return build_story(replace(a, source=renamed[a.source]) for a in story.articles), names


def measure(
    stage: OffTopicFilter, cases: list[Case], *, posts: bool = False
) -> dict[str, dict[str, list[int]]]:
    """Planted articles caught by kind, and the cluster's own documents dropped."""
    caught = {"random": [0, 0], "related": [0, 0]}
    own = {"story": [0, 0], "background": [0, 0]}
    for case in cases:
        story, names = as_posts(case.story) if posts else (case.story, {})
        dropped = {names.get(d.source, d.source) for d in stage.run(story).dropped}
        judged = {a.source for a in case.story.articles if a.duplicate_of is None}
        if not case.planted_removed_earlier:
            caught[case.kind][0] += PLANTED in dropped
            caught[case.kind][1] += 1
        if case.kind == "random":  # count each cluster's own documents once
            for name, sources in (("story", case.story_articles), ("background", case.background)):
                own[name][0] += len(dropped & sources)
                own[name][1] += len(judged & sources)
    return {"caught": caught, "own": own}


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def _rate(pair: list[int]) -> str:
    hit, total = pair
    return f"{hit / total:.1%} ({hit}/{total})" if total else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clusters", type=int, default=400)
    parser.add_argument("--min-docs", type=int, default=3)
    parser.add_argument("--pool", type=int, default=6000, help="clusters read to draw plants from")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--grid", action="store_true", help="sweep the thresholds (for tuning)")
    parser.add_argument("--similarities", default="0.04,0.05,0.06,0.07,0.08,0.1")
    parser.add_argument("--relatives", default="0.4,0.5,0.6,0.7,1.9")
    parser.add_argument("--post-relatives", default="0.5,0.6,0.7,0.75,0.8,0.85,0.9")
    parser.add_argument("--show", type=int, default=0, help="print N dropped story articles")
    args = parser.parse_args(argv)
    clusters = load_clusters(args.data, args.pool)
    cases, threshold = build_cases(clusters, args.clusters, args.min_docs, args.seed)
    n_stories = len(cases) // 2
    removed = {
        k: sum(c.planted_removed_earlier for c in cases if c.kind == k)
        for k in ("random", "related")
    }
    print(
        f"{n_stories} clusters of {args.min_docs}+ documents from {args.data.name}, each briefed "
        f"twice (one random, one related planted article); planted articles removed before the "
        f"filter (non-articles, copies): random {removed['random']}, related {removed['related']}; "
        f"background = cosine to the reference summary < {threshold:.3f}"
    )
    default = OffTopicFilter()
    settings = [default]
    if args.grid:
        settings = [
            replace(default, min_similarity=s, min_relative=r)
            for s in _floats(args.similarities)
            for r in _floats(args.relatives)
        ]
    print()
    print("Inputs chosen by the user (min_similarity AND min_relative must both fail):")
    print()
    print(
        "| min_similarity | min_relative | random planted caught | related planted caught "
        "| story articles dropped | background documents dropped |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    rows: list[tuple[str, str, OffTopicFilter]] = [
        ("previous rule:", "max(0.1, 0.6 × median)", PreviousRule())
    ]
    rows += [(str(s.min_similarity), str(s.min_relative), s) for s in settings]
    for similarity, relative, stage in rows:
        result = measure(replace(stage, min_post_relative=0.0), cases)
        caught, own = result["caught"], result["own"]
        print(
            f"| {similarity} | {relative} | {_rate(caught['random'])} "
            f"| {_rate(caught['related'])} | {_rate(own['story'])} | {_rate(own['background'])} |"
        )
    print()
    print("Every article a post of a multi-post page (min_post_relative also applies):")
    print()
    print(
        "| min_post_relative | random planted caught | related planted caught "
        "| story articles dropped | background documents dropped |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    relatives = _floats(args.post_relatives) if args.grid else (default.min_post_relative,)
    for relative in relatives:
        result = measure(replace(default, min_post_relative=relative), cases, posts=True)
        caught, own = result["caught"], result["own"]
        print(
            f"| {relative} | {_rate(caught['random'])} | {_rate(caught['related'])} "
            f"| {_rate(own['story'])} | {_rate(own['background'])} |"
        )
    if args.show:
        print()
        print(f"Story articles dropped with the defaults (first {args.show}):")
        shown = 0
        for case in cases:
            if case.kind != "random" or shown >= args.show:
                continue
            for skip in default.run(case.story).dropped:
                if skip.source in case.story_articles and shown < args.show:
                    text = next(a.text for a in case.story.articles if a.source == skip.source)
                    print(f"- {skip.reason}: «{' '.join(text.split())[:160]}…»")
                    shown += 1
    print()
    print(
        "command: python benchmarks/offtopic.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
