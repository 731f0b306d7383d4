"""Story grouping benchmark: regroup a pile of Multi-News articles into their clusters.

The pile is every non-empty document of the data file, labelled by its cluster.
For batch and streaming grouping it prints B-cubed precision/recall/F1, adjusted
Rand index, predicted vs gold number of stories, documents found not to be
articles, wall time and peak memory; then a scaling table (articles vs seconds).

Each measurement runs in its own process so that peak memory (ru_maxrss) is that
run's own. Multi-News has no publication dates, so the stream's arrival order is
simulated: each gold story starts at a random point of the feed and its articles
arrive within a short spread after it (seeded, so runs repeat).

    python benchmarks/stories.py --data ../shared/data/multinews/val.jsonl.gz
    python benchmarks/stories.py --scale --train ../shared/data/multinews/train.jsonl.gz

Tuning happens on a pile from train, never on val: ``--data
../shared/data/multinews/train.jsonl.gz --limit 15300`` takes the first train clusters
(about the size of val); ``--thresholds`` sweeps the batch threshold there.
``--bound`` adds what the representation allows at best: the share of gold pairs
whose cosine reaches a few levels, and the B-cubed scores of an oracle that links
exactly the gold pairs among the candidate pairs (perfect precision).
``--method v2`` runs the previous rule (no short-article expansion, threshold
0.11) for comparison; the default is the current ``StoryGrouper``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

DEFAULT_VAL = "../shared/data/multinews/val.jsonl.gz"
DEFAULT_TRAIN = "../shared/data/multinews/train.jsonl.gz"


def read_clusters(path: str) -> Iterator[dict]:
    """Cluster records of a Multi-News JSONL file (gzip or plain)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def build_pile(paths: list[str], n_articles: int | None) -> tuple[list, list[str]]:
    """Articles (non-empty documents) and their gold cluster ids, up to ``n_articles``.

    When the files hold fewer articles than asked, their clusters are reused with a
    light perturbation (first sentence dropped, a marker word added) as new
    clusters, so a pile larger than the data can still be timed.
    """
    from newsbrief.model import Article

    articles: list[Article] = []
    gold: list[str] = []
    round_number = 0
    # Clusters are streamed from the files (re-read for each reuse round), never
    # held in memory with their summaries: peak memory should be the grouping's.
    while n_articles is None or len(articles) < n_articles:
        before = len(articles)
        for cluster in (c for path in paths for c in read_clusters(path)):
            cid = cluster["id"] if round_number == 0 else f"{cluster['id']}~{round_number}"
            for k, doc in enumerate(cluster["documents"]):
                if not doc.strip():
                    continue
                text = doc
                if round_number:
                    text = doc.split(". ", 1)[-1] + f" copy{round_number}"
                articles.append(Article(id=f"{cid}-{k}", text=text, source=cid))
                gold.append(cid)
            if n_articles is not None and len(articles) >= n_articles:
                break
        if n_articles is None or len(articles) == before:
            break
        round_number += 1
    return articles, gold


def arrival_order(gold: list[str], *, spread: float, seed: int = 0) -> list[int]:
    """Indices in simulated arrival order: stories start at random, members follow closely."""
    rng = random.Random(seed)
    start = {g: rng.random() for g in sorted(set(gold))}
    times = [start[g] + rng.random() * spread for g in gold]
    return sorted(range(len(gold)), key=lambda i: times[i])


#: Earlier rules ``--method`` can run instead of the current defaults.
METHODS = {"current": {}, "v2": {"expansion_weight": 0.0}}


def measure(
    paths: list[str],
    n_articles: int | None,
    mode: str,
    threshold: float | None,
    spread: float,
    method: str = "current",
) -> dict:
    """One run (batch or stream) with its scores, time and peak memory."""
    from sklearn.metrics import adjusted_rand_score

    from newsbrief.cluster import StoryGrouper, bcubed

    articles, gold = build_pile(paths, n_articles)
    settings = dict(METHODS[method])
    if threshold is None:
        pass
    elif mode == "stream":
        settings["stream_threshold"] = threshold
    elif settings.get("expansion_weight") == 0.0:
        settings["plain_threshold"] = threshold  # without expansion this one applies
    else:
        settings["threshold"] = threshold
    grouper = StoryGrouper(**settings)
    if mode == "bound":
        return upper_bound(grouper, articles, gold)
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if mode == "batch":
        grouping = grouper.group(articles)
        story_of = grouping.story_of()
        predicted = [story_of[a.id] for a in articles]
        n_non_articles = len(grouping.non_articles)
        kinds = Counter(g.non_article for g in grouping.non_articles)
    else:
        stream = grouper.stream()
        order = arrival_order(gold, spread=spread)
        by_index: dict[int, str] = {}
        n_non_articles = 0
        kinds = Counter()
        for i in order:
            assignment = stream.add(articles[i])
            by_index[i] = assignment.story_id
            n_non_articles += assignment.non_article is not None
            if assignment.non_article is not None:
                kinds[assignment.non_article] += 1
        predicted = [by_index[i] for i in range(len(articles))]
    seconds = time.perf_counter() - started
    precision, recall, f1 = bcubed(gold, predicted)
    gold_sizes = Counter(gold)
    big = [i for i, g in enumerate(gold) if gold_sizes[g] >= 6]
    big_f1 = bcubed([gold[i] for i in big], [predicted[i] for i in big])[2] if big else None
    return {
        "mode": mode,
        "n_articles": len(articles),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": adjusted_rand_score(gold, predicted),
        "f1_stories_6plus": big_f1,
        "n_predicted": len(set(predicted)),
        "n_gold": len(set(gold)),
        "n_non_articles": n_non_articles,
        "non_article_kinds": dict(kinds.most_common()),
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_mb": load_rss / 1024,
    }


def upper_bound(grouper, articles: list, gold: list[str]) -> dict:
    """What a perfect grouping on this representation would score.

    Gold pairs (two usable articles of one cluster) are scored by exact cosine; the
    oracle links the gold pairs among the grouper's candidate pairs whose cosine
    reaches a level and takes connected components (single link inside each gold
    cluster, precision 1 by construction). Non-articles stay singletons, as in the
    real grouping.
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from newsbrief.cluster import _pair_cosines, bcubed, document_frequencies
    from newsbrief.nonarticle import check_text

    usable = []
    texts = []
    for index, article in enumerate(articles):
        check = check_text(article.text, min_words=grouper.min_article_words)
        if check.is_article:
            usable.append(index)
            texts.append(check.text)
    n = len(usable)
    counts = grouper.term_counts(texts, [articles[i].title for i in usable])
    df = document_frequencies(counts)
    vectors = grouper.vectors(counts, df, n)
    labels = np.array([gold[i] for i in usable])
    members: dict[str, list[int]] = {}
    for local, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(local)
    pairs = [(a, b) for m in members.values() for k, a in enumerate(m) for b in m[k + 1 :]]
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    gold_cos = _pair_cosines(vectors, left, right)
    rows, cols, sims = grouper._neighbour_graph(vectors, df, n)
    same = labels[rows] == labels[cols]
    result: dict = {"n_gold_pairs": len(pairs), "n_articles": len(articles), "levels": {}}
    for level in (0.0, 0.05, 0.1, 0.16):
        keep = same & (sims >= level) & (sims > 0)
        graph = coo_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
        component = connected_components(graph, directed=False)[1]
        predicted = [f"x{i}" for i in range(len(articles))]
        for local, index in enumerate(usable):
            predicted[index] = f"c{component[local]}"
        _, recall, f1 = bcubed(gold, predicted)
        result["levels"][level] = {
            "gold_pairs_reaching": float((gold_cos >= level).mean()) if level else None,
            "in_candidates": float(keep.sum() / len(pairs)),
            "recall": recall,
            "f1": f1,
            "n_predicted": len(set(predicted)),
        }
    return result


def run_child(args: list[str], timeout: float) -> dict:
    """``measure`` in a fresh process (so peak memory is that run's own)."""
    env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", MKL_NUM_THREADS="2")
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child run failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_quality(rows: list[dict]) -> None:
    print(
        "| mode | articles | B3 P | B3 R | B3 F1 | ARI | F1 (stories of 6+) | stories"
        " (pred / gold) | non-articles | seconds | peak MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        big = "-" if r["f1_stories_6plus"] is None else f"{r['f1_stories_6plus']:.3f}"
        print(
            f"| {r['mode']} | {r['n_articles']:,} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['f1']:.3f} | {r['ari']:.3f} | {big} | {r['n_predicted']:,} / {r['n_gold']:,} "
            f"| {r['n_non_articles']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DEFAULT_VAL, help="pile to regroup (Multi-News JSONL)")
    parser.add_argument("--train", default=DEFAULT_TRAIN, help="source of the scaling piles")
    parser.add_argument("--scale", action="store_true", help="also time 50k and 150k piles")
    parser.add_argument("--sizes", default="50000,150000", help="scaling pile sizes")
    parser.add_argument("--thresholds", default="", help="comma list: also sweep these (batch)")
    parser.add_argument("--spread", type=float, default=0.02, help="stream arrival spread")
    parser.add_argument("--stream-thresholds", default="", help="comma list: sweep the stream's")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles of --data")
    parser.add_argument("--bound", action="store_true", help="also print the lexical upper bound")
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument(
        "--method", choices=sorted(METHODS), default="current", help="grouping rule to run"
    )
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="batch", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--threshold", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = [p for p in args.data.split(",") if p]
    if args.child:
        result = measure(
            paths, args.n or args.limit or None, args.mode, args.threshold, args.spread, args.method
        )
        print(json.dumps(result))
        return 0
    for path in paths:
        if not Path(path).exists():
            print(f"stories.py: {path}: no such file (pass --data)", file=sys.stderr)
            return 2
    base = ["--data", args.data, "--spread", str(args.spread), "--limit", str(args.limit)]
    base += ["--method", args.method]
    rows = [run_child([*base, "--mode", "batch"], args.timeout)]
    if not args.no_stream:
        rows.append(run_child([*base, "--mode", "stream"], args.timeout))
    print("## quality (default settings)\n")
    print_quality(rows)
    kinds = ", ".join(f"{kind}: {n:,}" for kind, n in rows[0]["non_article_kinds"].items())
    print(f"\nnon-articles found (batch): {kinds}")
    for mode, thresholds in (("batch", args.thresholds), ("stream", args.stream_thresholds)):
        if not thresholds:
            continue
        sweep = [
            run_child([*base, "--mode", mode, "--threshold", t], args.timeout)
            | {"mode": f"{mode} t={t}"}
            for t in thresholds.split(",")
        ]
        print(f"\n## threshold sweep ({mode})\n")
        print_quality(sweep)
    if args.bound:
        bound = run_child([*base, "--mode", "bound"], args.timeout)
        print(
            f"\n## lexical upper bound ({bound['n_gold_pairs']:,} gold pairs of usable articles)\n"
        )
        print(
            "| cosine at least | gold pairs reaching it | gold pairs among candidates"
            " | oracle B3 R (P = 1) | oracle B3 F1 | oracle stories |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for level, r in bound["levels"].items():
            reach = "-" if r["gold_pairs_reaching"] is None else f"{r['gold_pairs_reaching']:.3f}"
            print(
                f"| {float(level):.2f} | {reach} | {r['in_candidates']:.3f} | {r['recall']:.3f} "
                f"| {r['f1']:.3f} | {r['n_predicted']:,} |"
            )
    if args.scale:
        scaling = [rows[0]]
        for size in (int(s) for s in args.sizes.split(",")):
            train = ["--data", args.train, "--n", str(size), "--mode", "batch"]
            train += ["--method", args.method]
            scaling.append(run_child(train, args.timeout))
        print("\n## scaling (batch)\n")
        print("| articles | seconds | seconds per 1k articles | peak MB | B3 F1 |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for r in scaling:
            per_k = 1000 * r["seconds"] / r["n_articles"]
            print(
                f"| {r['n_articles']:,} | {r['seconds']:.1f} | {per_k:.2f} "
                f"| {r['peak_mb']:.0f} | {r['f1']:.3f} |"
            )
    print(f"\ncommand: python benchmarks/stories.py {' '.join(argv or sys.argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
