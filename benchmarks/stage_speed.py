"""CPU per story of the timeline and entities stages alone, with a digest of their outputs.

Builds the stages' inputs once (story and brief, as ``newsbrief batch`` hands them
over: default pipeline up to attribution) for two groups of stories:

* ``multinews``: the first ``--limit`` clusters of ``--data`` (lower-cased text);
* ``cased``: properly cased text, each directory of ``--cased`` as one story and each of
  its ``*.txt`` files (searched recursively) as one more. The files are read as texts,
  not paths, so the stories (and the digest) do not depend on where the files sit.

Then runs ``TimelineStage.events`` and ``EntityStage.entities`` on every story
``--repeat`` times, every per-text memo emptied before each pass (so a pass pays for
all its own work, as the first story to meet a sentence does), and prints the minimum
CPU milliseconds per story; "timeline, own" leaves out the time spent in dateparser
(``_parse_piece``) and the TF-IDF centrality (``_centrality``). The digest (SHA-256 of
the outputs' JSON) must be the same before and after a speed change; run the script
of one checkout with ``PYTHONPATH`` set to the other to compare.

    python benchmarks/stage_speed.py [--data ../shared/data/multinews/train.jsonl.gz]
        [--limit 500] [--cased ../shared/seeds examples benchmarks/annotations] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "train.jsonl.gz"
DEFAULT_CASED = (
    ROOT.parent / "shared" / "seeds",
    ROOT / "examples",
    ROOT / "benchmarks" / "annotations",
)

Inputs = list[tuple[Any, Any]]  # (story, brief before the brief stages)


def _story_and_brief(pipeline: Any, articles: Sequence[Any]) -> tuple[Any, Any] | None:
    from newsbrief.attribute import attribute
    from newsbrief.model import Budget
    from newsbrief.pipeline import build_story

    story = build_story(list(articles))
    if not story.sentences:
        return None
    for stage in pipeline._of_kind("story"):
        story = stage.run(story)
    selection = pipeline.summarizer.summarize(story, Budget(max_words=250))
    skipped = tuple(sorted(story.dropped, key=lambda s: s.source))
    brief = attribute(
        story, selection, max_words=250, method=pipeline.summarizer.name, skipped=skipped
    )
    return story, brief


def multinews_inputs(data: str, limit: int) -> Inputs:
    """(story, brief) of the first ``limit`` clusters, article stages as in a batch run."""
    from newsbrief.evaluate.datasets import cluster_articles, load_clusters
    from newsbrief.pipeline import Pipeline, stage_kind

    pipeline = Pipeline.default()
    out = []
    for cluster in load_clusters(data, limit=limit):
        articles = list(cluster_articles(cluster))
        for _, stage in pipeline.steps:
            if stage_kind(stage) == "article":
                articles = [a for article in articles for a in stage.run(article)]
        if articles and (pair := _story_and_brief(pipeline, articles)):
            out.append(pair)
    return out


def cased_inputs(roots: Sequence[Path]) -> Inputs:
    """(story, brief) of every directory holding ``*.txt`` files, and of each file."""
    from newsbrief.ingest import read_inputs
    from newsbrief.pipeline import Pipeline

    pipeline = Pipeline.default()
    out = []
    for root in roots:
        folders = sorted({p.parent for p in root.rglob("*.txt")})
        for folder in folders:
            texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
            texts = [t if "\n" in t else t + "\n" for t in texts if t.strip()]
            for group in [texts, *([t] for t in texts)] if len(texts) > 1 else [texts]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    articles, _ = pipeline.clean(read_inputs(group).articles)
                if articles and (pair := _story_and_brief(pipeline, articles)):
                    out.append(pair)
    return out


def _clear_memos() -> None:
    """Empty every per-text memo of the two stages and of ``newsbrief.text``."""
    import newsbrief.entities as entities
    import newsbrief.timeline as timeline
    from newsbrief.text import clear_memos

    clear_memos()
    keep = {entities._gazetteer, entities.load_spacy_pipeline}  # built once per process
    for module in (entities, timeline):
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and value not in keep:
                value.cache_clear()


def _timed_calls(module: Any, names: Sequence[str], clock: list[float]) -> None:
    """Wrap ``module.<name>`` so the CPU spent inside is added to ``clock[0]``."""
    for name in names:
        original = getattr(module, name)

        @functools.wraps(original)
        def wrapper(*args: Any, _f: Callable[..., Any] = original, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                clock[0] += time.process_time() - start

        if hasattr(original, "cache_clear"):
            wrapper.cache_clear = original.cache_clear  # type: ignore[attr-defined]
        setattr(module, name, wrapper)


def _digest(outputs: list[Any]) -> str:
    digest = hashlib.sha256()
    for events, found in outputs:
        record = [[dataclasses.asdict(e) for e in events], [dataclasses.asdict(e) for e in found]]
        digest.update(json.dumps(record, sort_keys=True).encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def main(argv: Sequence[str] | None = None) -> int:
    """Build the inputs, time both stages per group, print the table and the command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--cased", nargs="*", type=Path, default=list(DEFAULT_CASED))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import newsbrief.entities as entities
    import newsbrief.timeline as timeline

    groups = {
        "multinews": multinews_inputs(args.data, args.limit),
        "cased": cased_inputs([p for p in args.cased if p.exists()]),
    }
    entities._gazetteer()
    others = [0.0]  # CPU inside dateparser and the centrality, which "own" leaves out
    _timed_calls(timeline, ("_parse_piece", "_centrality"), others)
    timeline_stage, entity_stage = timeline.TimelineStage(), entities.EntityStage()
    print(f"| group | stories | stage | ms/story (min of {args.repeat}) | digest |")
    print("| --- | ---: | --- | ---: | --- |")
    for group, inputs in groups.items():
        best: dict[str, float] = {}
        digests = set()
        for _ in range(args.repeat):
            _clear_memos()
            spent = {"timeline": 0.0, "entities": 0.0}
            others[0] = 0.0
            outputs = []
            for story, brief in inputs:
                start = time.process_time()
                events = timeline_stage.events(story, brief)
                middle = time.process_time()
                found = entity_stage.entities(story, brief)
                spent["entities"] += time.process_time() - middle
                spent["timeline"] += middle - start
                outputs.append((events, found))
            spent["timeline, own"] = spent["timeline"] - others[0]
            best = {k: min(v, best.get(k, v)) for k, v in spent.items()}
            digests.add(_digest(outputs))
        if len(digests) != 1:
            raise SystemExit(f"{group}: outputs differ between repeats")
        digest = digests.pop()
        for stage in ("timeline", "timeline, own", "entities"):
            per_story = 1000 * best[stage] / max(len(inputs), 1)
            print(f"| {group} | {len(inputs)} | {stage} | {per_story:.2f} | {digest} |")
    print("\ncommand:", shlex.join(["python", "benchmarks/stage_speed.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
