"""Train newsbrief.v2's summary-level reranker on Multi-News *train* (reproducible).

For every cluster of train clusters ``--start`` .. ``--start + --n - 1`` (by default
20,000-44,971, the rest of train: the sentence scorer, fitted on clusters 0-19,999, never saw them)
and each budget of ``--words``, it builds the candidate summaries of
``newsbrief.summarize.rerank.candidates``, describes them with
``summary_features`` and labels each with its ROUGE-1 + ROUGE-2 F1 against the
reference (rouge-score's tokenizer and stemmer, summary sentences in reading
order, exactly as ``rouge_score`` would count them) minus the selector's own
pick's. A ``HistGradientBoostingRegressor`` with a fixed seed learns that gain;
its trees are exported to ``newsbrief/data/summary_reranker.npz``.

``--holdout K`` first fits without the last K clusters and reports on them (how the
choices of docs/benchmarks.md were made). ``--eval`` instead scores the file ``--out`` on the clusters given (e.g.
``--split val --start 0 --n 5622``), reporting the own pick, the reranked pick and the best candidate
(the ceiling) in the same fast ROUGE. Candidate data are cached in ``--cache``.

    python scripts/train_reranker.py  # about 15 minutes on 2 cores, seed 0
    python scripts/train_reranker.py --eval --split val --start 0 --n 5622
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_eval import DEFAULT_DATA, load_stories
from train_scorer import STORY_CHUNK, _sum, count_words, export_trees, word_priors

from newsbrief.model import Budget
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.summarize.features import analyse
from newsbrief.summarize.learned import TreeEnsemble, load_model, trees_from_archive
from newsbrief.summarize.rerank import (
    SUMMARY_FEATURE_NAMES,
    candidates,
    summary_features,
)

OUT = Path(__file__).resolve().parents[1] / "newsbrief" / "data" / "summary_reranker.npz"
SEED = 0
#: Clusters in Multi-News train.
TRAIN_CLUSTERS = 44972


@functools.cache
def _tokenize():
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True).tokenize


def rouge_12(tokens: list[str], ref1: Counter, ref2: Counter, n_ref1: int, n_ref2: int) -> tuple:
    """(R-1 F, R-2 F, R-1 recall) of a token list, counted as rouge-score counts them."""
    c1 = Counter(tokens)
    c2 = Counter(itertools.pairwise(tokens))
    o1 = sum(min(c, ref1[t]) for t, c in c1.items())
    o2 = sum(min(c, ref2[b]) for b, c in c2.items())

    def f(overlap: int, n_sys: int, n_ref: int) -> float:
        if not n_sys or not n_ref or not overlap:
            return 0.0
        p, r = overlap / n_sys, overlap / n_ref
        return 2 * p * r / (p + r)

    return (
        f(o1, len(tokens), n_ref1),
        f(o2, max(len(tokens) - 1, 0), n_ref2),
        o1 / n_ref1 if n_ref1 else 0.0,
    )


_PRIORS: list[tuple[dict[str, float], float]] = []


def _init_worker(priors: tuple[dict[str, float], float] | None) -> None:
    _PRIORS[:] = [priors] if priors else []


def _cluster_rows(job) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per budget: candidate features and (R-1 F, R-2 F, R-1 R) labels of one story."""
    (story, reference), budgets = job
    selector = NewsbriefSummarizer()
    model = load_model(selector.model)
    priors, default_prior = _PRIORS[0] if _PRIORS else (model.priors, model.default_prior)
    analysis = analyse(story, priors, default_prior)
    scores = model.trees.predict(analysis.features)
    tokenize = _tokenize()
    ref = tokenize(reference)
    ref1, ref2 = Counter(ref), Counter(itertools.pairwise(ref))
    sentence_tokens: dict[int, list[str]] = {}
    out = []
    for words in budgets:
        budget = Budget(max_words=words)
        found = candidates(selector, story, analysis, scores, budget)
        x = summary_features(found, story, analysis, scores, budget, priors, default_prior)
        labels = []
        for candidate in found:
            tokens: list[str] = []
            for index in sorted(candidate.picked):
                if index not in sentence_tokens:
                    sentence_tokens[index] = tokenize(story.sentences[index].text)
                tokens.extend(sentence_tokens[index])
            labels.append(rouge_12(tokens, ref1, ref2, len(ref), max(len(ref) - 1, 0)))
        out.append((x, np.array(labels)))
    return out


def build(
    pairs, budgets: list[int], jobs: int, priors: tuple[dict[str, float], float] | None
) -> dict[str, np.ndarray]:
    """Stacked candidate rows of all stories and budgets, with group and budget ids.
    ``priors`` (word priors and the default) replace the shipped ones when given."""
    from multiprocessing import Pool

    work = [(pair, budgets) for pair in pairs if pair[0].sentences]
    with Pool(jobs, initializer=_init_worker, initargs=(priors,)) as pool:
        results = pool.map(_cluster_rows, work, chunksize=16)
    xs, ys, groups, budget_of = [], [], [], []
    group = 0
    for per_budget in results:
        for words, (x, y) in zip(budgets, per_budget, strict=True):
            xs.append(x)
            ys.append(y)
            groups.append(np.full(len(x), group))
            budget_of.append(np.full(len(x), words))
            group += 1
    return {
        "x": np.vstack(xs),
        "y": np.vstack(ys),
        "group": np.concatenate(groups),
        "budget": np.concatenate(budget_of),
    }


def load_pairs(data: Path, split: str, start: int, n: int, cache: Path):
    """Stories of ``split`` clusters start..start+n-1, from the dev harness's chunked cache."""
    if split != "train":
        return load_stories(data, split, start, n, cache)
    pairs = []
    first = start // STORY_CHUNK * STORY_CHUNK
    for chunk in range(first, start + n, STORY_CHUNK):
        # The dev harness caches whole chunks (the last one of train is short).
        size = min(STORY_CHUNK, TRAIN_CLUSTERS - chunk)
        loaded = load_stories(data, split, chunk, size, cache)
        lo, hi = max(start - chunk, 0), min(start + n - chunk, STORY_CHUNK)
        pairs.extend(loaded[lo:hi])
    return pairs


def held_out_priors(args) -> tuple[dict[str, float], float] | None:
    """Word priors that never saw the reranker's train clusters.

    The shipped priors are counted on all of train, so on train clusters they
    know the reference: the sentence scores would be better than on new text and
    the reranker would learn to trust them too much. Train clusters get priors
    counted on the scorer's clusters 0..``--scorer-n``-1 only (which must all come
    before ``--start``); other splits keep the shipped priors.
    """
    if args.split != "train":
        return None
    if args.start < args.scorer_n:
        raise SystemExit("--start must not be below --scorer-n (priors would see the clusters)")
    path = args.cache / f"oof5-counts-{args.scorer_n}.pkl"  # train_scorer.py's cache file
    if not path.exists():
        path.write_bytes(pickle.dumps(count_words(args.data / "train.jsonl.gz", args.scorer_n, 5)))
    seen, kept = pickle.loads(path.read_bytes())
    # Buckets 0..4 are the folds of clusters 0..scorer_n-1; the last holds every later one.
    words, values = word_priors(_sum(seen[:-1]), _sum(kept[:-1]))
    return dict(zip(words.tolist(), values[:-1].tolist(), strict=True)), float(values[-1])


def dataset(args) -> dict[str, np.ndarray]:
    """The candidate dataset of the clusters and budgets asked for, cached in pieces of
    ``STORY_CHUNK`` clusters (so a longer range reuses a shorter one's work)."""
    budgets = "-".join(map(str, args.words))
    pieces = []
    for start in range(args.start, args.start + args.n, STORY_CHUNK):
        n = min(STORY_CHUNK, args.start + args.n - start)
        path = args.cache / f"rerank-{args.split}-{start}-{n}-{budgets}.npz"
        if not path.exists():
            pairs = load_pairs(args.data, args.split, start, n, args.cache)
            np.savez(path, **build(pairs, args.words, args.jobs, held_out_priors(args)))
        with np.load(path) as stored:
            pieces.append({k: stored[k] for k in stored.files})
    offset = 0
    for piece in pieces:
        piece["group"] = piece["group"] + offset
        offset = int(piece["group"].max()) + 1
    return {k: np.concatenate([piece[k] for piece in pieces]) for k in pieces[0]}


def gains(d: dict[str, np.ndarray], r2_weight: float) -> np.ndarray:
    """Each candidate's label minus its group's own pick (the group's first row)."""
    label = d["y"][:, 0] + r2_weight * d["y"][:, 1]
    first = np.r_[0, np.flatnonzero(np.diff(d["group"])) + 1]
    sizes = np.diff(np.r_[first, len(label)])
    return label - np.repeat(label[first], sizes)


def report(d: dict[str, np.ndarray], predicted: np.ndarray) -> None:
    """Mean fast ROUGE per budget: own pick, reranked pick, best candidate (x100)."""
    group, y = d["group"], d["y"]
    first = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    ends = np.r_[first[1:], len(group)]
    score = predicted.copy()
    score[first] = 0.0
    print(f"{'words':>5} {'pick':>8} {'R1-F':>6} {'R2-F':>6} {'R1-R':>6} {'moved':>6}")
    for words in np.unique(d["budget"]):
        own, chosen, best, moved = [], [], [], 0
        for lo, hi in zip(first, ends, strict=True):
            if d["budget"][lo] != words:
                continue
            k = lo + int(np.argmax(score[lo:hi]))
            b = lo + int(np.argmax(y[lo:hi, 0] + y[lo:hi, 1]))
            own.append(y[lo])
            chosen.append(y[k])
            best.append(y[b])
            moved += k != lo
        for name, rows in (("own", own), ("rerank", chosen), ("best", best)):
            m = 100 * np.mean(rows, axis=0)
            print(f"{words:>5} {name:>8} {m[0]:6.2f} {m[1]:6.2f} {m[2]:6.2f} {moved:>6}")


def fit(d: dict[str, np.ndarray], args):
    """A HistGradientBoostingRegressor on the candidates' gains over the own pick."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(
        max_iter=args.trees,
        max_leaf_nodes=args.leaves,
        max_depth=args.depth,
        learning_rate=0.05,
        min_samples_leaf=100,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=SEED,
    )
    model.fit(d["x"], gains(d, args.r2_weight))
    return model


def save(model, args, n_features: int) -> None:
    """Export the fitted trees (checked against scikit-learn) to ``args.out``."""
    arrays = export_trees(model, n_features)
    baseline = float(np.ravel(model._baseline_prediction)[0])
    meta = {
        "baseline": baseline,
        "depth": int(arrays["depth"]),
        "feature_names": list(SUMMARY_FEATURE_NAMES),
        "trained_on": f"multinews {args.split} clusters {args.start}..{args.start + args.n - 1}",
        "budgets": args.words,
        "label": f"R-1 F + {args.r2_weight} x R-2 F minus the own pick's",
        "params": {k: v for k, v in model.get_params().items() if k != "random_state"},
        "seed": SEED,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        meta=np.array(json.dumps(meta, sort_keys=True, default=str)),
        **{k: v for k, v in arrays.items() if k != "depth"},
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


def ensemble(path: Path) -> TreeEnsemble:
    """A reranker file as a ``TreeEnsemble`` (any path, not only the packaged one)."""
    with np.load(path, allow_pickle=False) as archive:
        return trees_from_archive(archive, json.loads(str(archive["meta"])))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="train")
    parser.add_argument("--start", type=int, default=20000)
    parser.add_argument("--n", type=int, default=TRAIN_CLUSTERS - 20000)
    parser.add_argument(
        "--scorer-n", type=int, default=20000, help="train clusters the sentence scorer used"
    )
    parser.add_argument("--words", type=int, nargs="+", default=[250, 100])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nbdev"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=15)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--r2-weight", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--eval", action="store_true", help="score --out on these clusters")
    parser.add_argument(
        "--holdout", type=int, default=0, help="also fit without the last N clusters, report them"
    )
    args = parser.parse_args(argv)
    print(f"$ python {' '.join(sys.argv)}")
    t0 = time.perf_counter()
    d = dataset(args)
    print(
        f"{len(d['x'])} candidates, {d['group'].max() + 1} groups in {time.perf_counter() - t0:.0f}s"
    )
    if args.eval:
        report(d, ensemble(args.out).predict(d["x"]))
        return 0
    if args.holdout:
        # Groups are numbered per (cluster, budget), clusters in order: the last ones'.
        cut = d["group"].max() + 1 - args.holdout * len(args.words)
        part = {k: v[d["group"] < cut] for k, v in d.items()}
        rest = {k: v[d["group"] >= cut] for k, v in d.items()}
        print(f"holdout: fitted without the last {args.holdout} clusters, scored on them:")
        report(rest, fit(part, args).predict(rest["x"]))
    model = fit(d, args)
    report(d, model.predict(d["x"]))
    save(model, args, d["x"].shape[1])
    check = ensemble(args.out)
    sample = d["x"][:: max(len(d["x"]) // 5000, 1)]
    gap = np.abs(check.predict(sample) - model.predict(sample)).max()
    if gap > 1e-9:
        raise SystemExit(f"exported trees disagree with scikit-learn by {gap}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
