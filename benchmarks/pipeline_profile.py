"""Where a brief's CPU goes, stage by stage, with a digest of the outputs.

Briefs the first ``--limit`` clusters of ``--data`` (Multi-News JSONL) two ways:

* ``pipeline``: the default ``Pipeline`` the way ``newsbrief batch`` runs it on a story
  (article stages on the raw documents, ``build_story``, story stages, summarizer,
  attribution, brief stages), each stage timed on its own;
* ``evaluate``: what ``newsbrief evaluate``/``summarize-batch`` do per cluster
  (``summarize_cluster``: documents in dataset order, sentence splitting, story stages,
  the summarizer).

Prints a table of CPU seconds (``process_time``) per stage and a SHA-256 digest of the
outputs: every brief's JSON (``Brief.to_dict``, which holds no timings) and every
evaluate summary. A speed change must leave both digests unchanged. ``--profile N``
also prints cProfile's top N functions by cumulative and by own time.

    python benchmarks/pipeline_profile.py [--data ../shared/data/multinews/val.jsonl.gz]
        [--limit 200] [--words 250] [--mode both] [--repeat 3] [--profile 30]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import shlex
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl.gz"


def _timed(table: dict[str, float], name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, its CPU seconds added to ``table[name]``."""
    start = time.process_time()
    result = fn(*args)
    table[name] += time.process_time() - start
    return result


def _run_article_stage(stage: Any, articles: list[Any]) -> list[Any]:
    return [out for article in articles for out in stage.run(article)]


def run_pipeline(clusters: Sequence[Any], words: int, table: dict[str, float]) -> str:
    """Brief every cluster with the default pipeline; the digest of the briefs' JSON."""
    from newsbrief.attribute import attribute
    from newsbrief.evaluate.datasets import cluster_articles
    from newsbrief.model import Budget
    from newsbrief.pipeline import Pipeline, build_story, stage_kind

    pipeline = Pipeline.default()
    summarizer = pipeline.summarizer
    budget = Budget(max_words=words)
    digest = hashlib.sha256()
    for cluster in clusters:
        articles: list[Any] = list(cluster_articles(cluster))
        for name, stage in pipeline.steps:
            if stage_kind(stage) == "article":
                articles = _timed(table, name, _run_article_stage, stage, articles)
        if not articles:
            digest.update(b"empty\n")
            continue
        story = _timed(table, "build story", build_story, articles)
        if not story.sentences:
            digest.update(b"no sentences\n")
            continue
        for name, stage in pipeline.steps:
            if stage_kind(stage) == "story":
                story = _timed(table, name, stage.run, story)
        selection = _timed(table, "summarize", summarizer.summarize, story, budget)
        skipped = tuple(sorted(story.dropped, key=lambda s: s.source))
        brief = _timed(
            table,
            "attribute",
            partial(attribute, max_words=words, method=summarizer.name, skipped=skipped),
            story,
            selection,
        )
        for name, stage in pipeline.steps:
            if stage_kind(stage) == "brief":
                brief = _timed(table, name, stage.run, story, brief)
        document = _timed(table, "to_dict", _brief_json, brief)
        digest.update(document.encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def _brief_json(brief: Any) -> str:
    return json.dumps(brief.to_dict(), sort_keys=True)


def _split_all(articles: Sequence[Any]) -> tuple[Any, ...]:
    from newsbrief.text import article_sentences

    return tuple(s for article in articles for s in article_sentences(article))


def run_evaluate(clusters: Sequence[Any], words: int, table: dict[str, float]) -> str:
    """Summarize every cluster as ``evaluate`` does; the digest of the summaries."""
    from newsbrief.evaluate.datasets import cluster_articles, default_story_stages
    from newsbrief.model import Budget, Story, stable_id
    from newsbrief.summarize import NewsbriefSummarizer

    summarizer = NewsbriefSummarizer()
    budget = Budget(max_words=words)
    stages = default_story_stages()
    digest = hashlib.sha256()
    for cluster in clusters:
        # The steps of ``cluster_story`` and ``summarize_cluster``, timed one by one.
        articles = _timed(table, "articles", cluster_articles, cluster)
        sentences = _timed(table, "split sentences", _split_all, articles)
        story = Story(
            id=stable_id(cluster.id, *(a.id for a in articles)),
            articles=articles,
            sentences=sentences,
        )
        for stage in stages:
            story = _timed(table, getattr(stage, "name", type(stage).__name__), stage.run, story)
        selection = _timed(table, "summarize", summarizer.summarize, story, budget)
        text_of = {s.id: s.text for s in story.sentences}
        summary = "\n".join(text_of[i] for i in selection.sentence_ids)
        digest.update(f"{cluster.id}\t{summary}\n".encode())
    return digest.hexdigest()[:16]


def _clear_text_memos() -> None:
    """Empty the memos keyed by text, so every repeat splits and stems like a fresh run.

    Word-level memos (Porter stems) and loaded models stay warm, as in a long batch run.
    """
    import newsbrief.entities as entities
    import newsbrief.timeline as timeline
    from newsbrief.text import clear_memos

    clear_memos()  # sentence splits and stemmed terms
    memos = (
        timeline.resolve_in_sentence,
        getattr(timeline, "_parse_piece", None),
        getattr(timeline, "_sentence_dates", None),
        getattr(timeline, "may_hold_date", None),
        getattr(entities, "_tokens", None),
    )
    for memo in memos:
        if hasattr(memo, "cache_clear"):
            memo.cache_clear()


def _print_table(title: str, table: dict[str, float], n: int, digest: str) -> None:
    total = sum(table.values())
    print(
        f"\n{title}: {n} clusters, {total:.2f} CPU s, {n / total:.1f} clusters/CPU-s, digest {digest}"
    )
    print(f"| {'stage':<22} | {'CPU s':>7} | {'share':>6} | {'ms/cluster':>10} |")
    print(f"|{'-' * 24}|{'-' * 9}|{'-' * 8}|{'-' * 12}|")
    for name, seconds in sorted(table.items(), key=lambda kv: -kv[1]):
        print(
            f"| {name:<22} | {seconds:>7.2f} | {100 * seconds / total:>5.1f}% "
            f"| {1000 * seconds / n:>10.2f} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen modes and print the tables, digests and the command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--mode", choices=("pipeline", "evaluate", "both"), default="both")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each mode N times, report each stage's minimum"
    )
    args = parser.parse_args(argv)

    start = time.process_time()
    import newsbrief.pipeline  # noqa: F401  (imports are not charged to the stages)
    from newsbrief.evaluate.datasets import load_clusters

    import_seconds = time.process_time() - start
    start = time.process_time()
    clusters = load_clusters(args.data, limit=args.limit)
    read_seconds = time.process_time() - start
    print(
        f"imports {import_seconds:.2f} CPU s; reading {len(clusters)} clusters {read_seconds:.2f} CPU s"
    )

    profiler = cProfile.Profile() if args.profile else None
    modes = ("pipeline", "evaluate") if args.mode == "both" else (args.mode,)
    for mode in modes:
        best: dict[str, float] = {}
        digests = set()
        for _ in range(args.repeat):
            _clear_text_memos()
            table: dict[str, float] = defaultdict(float)
            if profiler:
                profiler.enable()
            run = run_pipeline if mode == "pipeline" else run_evaluate
            digests.add(run(clusters, args.words, table))
            if profiler:
                profiler.disable()
            # On a shared machine CPU time also varies; the minimum over repeats is the
            # least disturbed measurement of each stage.
            best = {k: min(v, best.get(k, v)) for k, v in table.items()}
        if len(digests) != 1:
            raise SystemExit(f"{mode}: outputs differ between repeats: {sorted(digests)}")
        _print_table(mode, best, len(clusters), digests.pop())
    if profiler:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
            print(out.getvalue())
    print("\ncommand:", shlex.join(["python", "benchmarks/pipeline_profile.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
