"""Dev harness for newsbrief's summarizer on Multi-News (not the product's evaluator).

Builds one ``Story`` per cluster the way a benchmark would (documents are already
clean, so no scraped-page cleaner; empty documents skipped; given order kept),
marks cross-source support, summarizes within a word budget and scores with
Google's ``rouge-score`` (ROUGE-1, ROUGE-2, ROUGE-Lsum; stemming on; sentences
newline-joined for Lsum). Prepared stories are cached under ``--cache`` so
repeated tuning runs only pay for summarizing and scoring.

Example::

    python scripts/dev_eval.py --split val --start 0 --n 500 --words 250
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from newsbrief.dedup import SentenceSupport
from newsbrief.model import Article, Budget, Sentence, Story
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.text import article_sentences

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "multinews"


def read_clusters(path: Path, start: int, n: int) -> Iterator[dict[str, Any]]:
    """Clusters ``start`` .. ``start + n - 1`` of a (gzipped) JSONL file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if index < start:
                continue
            if index >= start + n:
                break
            yield json.loads(line)


def build_cluster_story(cluster: dict[str, Any], support: SentenceSupport) -> Story:
    """A story of the cluster's non-empty documents in their given order, support marked."""
    articles = tuple(
        Article.from_text(doc, source=f"{cluster['id']}#{i}")
        for i, doc in enumerate(cluster["documents"])
        if doc.strip()
    )
    sentences = tuple(s for a in articles for s in article_sentences(a))
    story = Story(id=cluster["id"], articles=articles, sentences=sentences)
    return support.run(story)


def _plain(story: Story) -> tuple:
    """A story as plain tuples (pickles of dataclasses break when fields are added)."""
    return (
        story.id,
        tuple((a.id, a.source, a.text) for a in story.articles),
        tuple((s.id, s.article_id, s.position, s.text, s.n_words) for s in story.sentences),
        story.support,
    )


def _story(plain: tuple) -> Story:
    """The inverse of ``_plain``."""
    story_id, articles, sentences, support = plain
    return Story(
        id=story_id,
        articles=tuple(Article(id=i, source=src, text=text) for i, src, text in articles),
        sentences=tuple(
            Sentence(id=i, article_id=a, position=p, text=t, n_words=w)
            for i, a, p, t, w in sentences
        ),
        support=support,
    )


def load_stories(
    data: Path, split: str, start: int, n: int, cache: Path
) -> list[tuple[Story, str]]:
    """(story, reference) pairs, from the cache when present."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"{split}-{start}-{n}.plain.pkl"
    if not cached.exists():
        support = SentenceSupport()
        plain = [
            (_plain(build_cluster_story(c, support)), "\n".join(c["summaries"]))
            for c in read_clusters(data / f"{split}.jsonl.gz", start, n)
        ]
        with cached.open("wb") as handle:
            pickle.dump(plain, handle)
    with cached.open("rb") as handle:
        return [(_story(p), reference) for p, reference in pickle.load(handle)]


def split_reference(reference: str) -> str:
    """Reference sentences one per line (for ROUGE-Lsum)."""
    from newsbrief.text import split_sentences

    return "\n".join(split_sentences(reference))


def evaluate(
    summarizer: Any, pairs: list[tuple[Story, str]], words: int
) -> tuple[dict[str, float], float]:
    """Mean ROUGE F1/recall (x100) over the pairs, and summarizer seconds per cluster."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    budget = Budget(max_words=words)
    totals: dict[str, list[float]] = {}
    elapsed = 0.0
    for story, reference in pairs:
        t0 = time.perf_counter()
        selection = summarizer.summarize(story, budget)
        elapsed += time.perf_counter() - t0
        assert selection.n_words <= words
        text_of = {s.id: s.text for s in story.sentences}
        summary = "\n".join(text_of[i] for i in selection.sentence_ids)
        scores = scorer.score(split_reference(reference), summary)
        for key, value in scores.items():
            totals.setdefault(f"{key}-F", []).append(value.fmeasure)
            totals.setdefault(f"{key}-R", []).append(value.recall)
        totals.setdefault("words", []).append(selection.n_words / 100)
    means = {k: 100 * float(np.mean(v)) for k, v in totals.items()}
    return means, elapsed / max(len(pairs), 1)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="val")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--words", type=int, nargs="+", default=[250, 100])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nbdev"))
    parser.add_argument("--set", nargs="*", default=[], help="field=value overrides")
    args = parser.parse_args(argv)
    settings = {}
    for item in args.set:
        key, value = item.split("=", 1)
        settings[key] = json.loads(value)
    summarizer = NewsbriefSummarizer(**settings)
    pairs = load_stories(args.data, args.split, args.start, args.n, args.cache)
    print(f"$ python {' '.join(sys.argv)}")
    print(
        f"{'words':>5} {'R1-F':>6} {'R2-F':>6} {'RL-F':>6} {'R1-R':>6} {'R2-R':>6} {'RL-R':>6} "
        f"{'len':>5} {'ms/cl':>6}"
    )
    for words in args.words:
        m, per = evaluate(summarizer, pairs, words)
        print(
            f"{words:>5} {m['rouge1-F']:6.2f} {m['rouge2-F']:6.2f} {m['rougeLsum-F']:6.2f} "
            f"{m['rouge1-R']:6.2f} {m['rouge2-R']:6.2f} {m['rougeLsum-R']:6.2f} "
            f"{m['words']:5.0f} {1000 * per:6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
