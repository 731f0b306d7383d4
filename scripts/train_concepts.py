"""Train newsbrief.v3's supervised concept weights on Multi-News *train* (reproducible).

For every content word and bigram (``StoryAnalysis.concepts``) of train clusters
``--start`` .. ``--start + --n - 1`` (by default 20,000-27,999: the sentence scorer,
fitted on clusters 0-19,999, never saw them) it computes
``newsbrief.summarize.concepts.concept_features`` and labels the concept 1 when the
reference summary contains it (same stems and bigrams of adjacent content words).
Word priors and the scorer's inputs on those clusters are counted on clusters
0-19,999 only (as ``train_reranker.py`` does), so they do not know the reference.
A ``HistGradientBoostingClassifier`` with a fixed seed is fitted on all but the last
``--holdout`` clusters, reported on those, then refitted on all and its trees
exported to ``newsbrief/data/concept_weights.npz``.

``--select`` instead measures selection with the model ``--out`` on the clusters
given, for each ``--weights`` setting (bigram weight, unigram weight), with the
reranker off and on, in the fast ROUGE count of ``train_reranker.py``.

    python scripts/train_concepts.py  # a few minutes on 2 cores, seed 0
    python scripts/train_concepts.py --select --start 40000 --n 1000 --weights 0,0 1,0 2,0
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_eval import DEFAULT_DATA
from train_reranker import _tokenize, held_out_priors, load_pairs, rouge_12
from train_scorer import export_trees

from newsbrief.model import Budget
from newsbrief.summarize.concepts import (
    CONCEPT_FEATURE_NAMES,
    concept_features,
    concept_stems,
    load_concept_model,
)
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.summarize.features import analyse, sentence_terms
from newsbrief.summarize.learned import load_model
from newsbrief.summarize.rerank import (
    _dense_similarity,
    candidates,
    load_reranker,
    summary_features,
)

OUT = Path(__file__).resolve().parents[1] / "newsbrief" / "data" / "concept_weights.npz"
SEED = 0

_STATE: dict = {}


def _init_worker(priors, args_dict) -> None:
    _STATE["priors"] = priors
    _STATE["args"] = args_dict


def _priors():
    model = load_model(NewsbriefSummarizer().model)
    if _STATE.get("priors"):
        return _STATE["priors"]
    return model.priors, model.default_prior


def _concept_rows(pair) -> tuple[np.ndarray, np.ndarray]:
    """Concept features and labels (in the reference or not) of one story."""
    story, reference = pair
    model = load_model(NewsbriefSummarizer().model)
    priors, default_prior = _priors()
    analysis = analyse(story, priors, default_prior)
    scores = model.trees.predict(analysis.features)
    x = concept_features(story, analysis, scores, priors, default_prior)
    stems, parts = concept_stems(story)
    in_reference = set(sentence_terms(reference.replace("\n", " . "))[0])
    names = [
        stems[a] if not bigram else f"{stems[a]}_{stems[b]}"
        for (a, b), bigram in zip(parts.tolist(), analysis.is_bigram.tolist(), strict=True)
    ]
    y = np.array([name in in_reference for name in names], dtype=np.int8)
    return x, y


def _select_rows(pair) -> np.ndarray:
    """(setting, budget, reranked) x (R-1 F, R-2 F, R-1 R) of one story."""
    story, reference = pair
    args = _STATE["args"]
    model = load_model(NewsbriefSummarizer().model)
    priors, default_prior = _priors()
    analysis = analyse(story, priors, default_prior)
    scores = model.trees.predict(analysis.features)
    tokenize = _tokenize()
    ref = tokenize(reference)
    ref1, ref2 = Counter(ref), Counter(itertools.pairwise(ref))
    reranker = load_reranker()
    cache: dict[int, list[str]] = {}

    def score(picked) -> tuple:
        tokens: list[str] = []
        for index in sorted(picked):
            if index not in cache:
                cache[index] = tokenize(story.sentences[index].text)
            tokens.extend(cache[index])
        return rouge_12(tokens, ref1, ref2, len(ref), max(len(ref) - 1, 0))

    dense = _dense_similarity(analysis, len(scores))
    out = []
    for bigram_weight, unigram_weight in args["weights"]:
        selector = dataclasses.replace(
            NewsbriefSummarizer(),
            concept_weight=bigram_weight,
            unigram_concept_weight=unigram_weight,
            concept_model=args["model"],
        )
        extra = selector.concept_values(story, analysis, scores, priors, default_prior)
        for words in args["words"]:
            budget = Budget(max_words=words)
            found = candidates(selector, story, analysis, scores, budget, dense, extra)
            out.append(score(found[0].picked))
            if len(found) > 1:
                rows = summary_features(
                    found, story, analysis, scores, budget, priors, default_prior, dense
                )
                predicted = reranker.predict(rows)
                predicted[0] = 0.0
                out.append(score(found[int(np.argmax(predicted))].picked))
            else:
                out.append(out[-1])
    return np.array(out)


def _pool(args, priors):
    from multiprocessing import Pool

    state = {"weights": args.weights, "words": args.words, "model": str(args.out)}
    return Pool(args.jobs, initializer=_init_worker, initargs=(priors, state))


def fit(x: np.ndarray, y: np.ndarray, args):
    """A HistGradientBoostingClassifier on the concepts' labels."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=args.trees,
        max_leaf_nodes=args.leaves,
        max_depth=args.depth,
        learning_rate=0.1,
        min_samples_leaf=200,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=SEED,
    )
    return model.fit(x, y)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="train")
    parser.add_argument("--start", type=int, default=20000)
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--holdout", type=int, default=1000)
    parser.add_argument("--scorer-n", type=int, default=20000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nbdev"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--trees", type=int, default=60)
    parser.add_argument("--leaves", type=int, default=31)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--select", action="store_true", help="measure selection with --out")
    parser.add_argument("--words", type=int, nargs="+", default=[250, 100])
    parser.add_argument(
        "--weights", nargs="+", default=["0,0", "1,0"], help="bigram,unigram concept weights"
    )
    args = parser.parse_args(argv)
    args.weights = [tuple(float(v) for v in w.split(",")) for w in args.weights]
    print(f"$ python {' '.join(sys.argv)}")
    t0 = time.perf_counter()
    pairs = [p for p in load_pairs(args.data, args.split, args.start, args.n, args.cache)]
    pairs = [p for p in pairs if p[0].sentences]
    priors = held_out_priors(args)
    if args.select:
        with _pool(args, priors) as pool:
            results = np.array(pool.map(_select_rows, pairs, chunksize=8))
        mean = 100 * results.mean(axis=0)
        print(f"{len(pairs)} clusters in {time.perf_counter() - t0:.0f}s")
        print(
            f"{'bigram':>6} {'unigram':>7} {'words':>5} {'rerank':>6} {'R1-F':>6} {'R2-F':>6} {'R1-R':>6}"
        )
        k = 0
        for bigram_weight, unigram_weight in args.weights:
            for words in args.words:
                for reranked in ("off", "on"):
                    m = mean[k]
                    print(
                        f"{bigram_weight:6.2f} {unigram_weight:7.2f} {words:>5} {reranked:>6} "
                        f"{m[0]:6.2f} {m[1]:6.2f} {m[2]:6.2f}"
                    )
                    k += 1
        return 0
    with _pool(args, priors) as pool:
        results = pool.map(_concept_rows, pairs, chunksize=8)
    group = np.concatenate([np.full(len(y), i) for i, (_, y) in enumerate(results)])
    x = np.vstack([r[0] for r in results])
    y = np.concatenate([r[1] for r in results])
    print(
        f"{len(x)} concepts of {len(pairs)} clusters, {y.mean():.3f} positive, "
        f"{time.perf_counter() - t0:.0f}s"
    )
    from sklearn.metrics import log_loss, roc_auc_score

    fit_rows = group < len(pairs) - args.holdout
    model = fit(x[fit_rows], y[fit_rows], args)
    held = ~fit_rows
    p = model.predict_proba(x[held])[:, 1]
    bigram = x[held, 0] == 1
    print(
        f"holdout ({args.holdout} clusters): log loss {log_loss(y[held], p):.4f}, "
        f"AUC {roc_auc_score(y[held], p):.4f}, bigrams AUC "
        f"{roc_auc_score(y[held][bigram], p[bigram]):.4f}, unigrams AUC "
        f"{roc_auc_score(y[held][~bigram], p[~bigram]):.4f}"
    )
    model = fit(x, y, args)
    arrays = export_trees(model, x.shape[1])
    meta = {
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "depth": int(arrays["depth"]),
        "feature_names": list(CONCEPT_FEATURE_NAMES),
        "trained_on": f"multinews {args.split} clusters {args.start}..{args.start + args.n - 1}",
        "label": "concept (content stem or bigram) in the reference; log-odds",
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
    check = load_concept_model(str(args.out.resolve()))
    sample = x[:: max(len(x) // 5000, 1)]
    gap = np.abs(check.predict(sample) - model.decision_function(sample)).max()
    if gap > 1e-9:
        raise SystemExit(f"exported trees disagree with scikit-learn by {gap}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
