"""Retrain newsbrief's learned sentence scorer on Multi-News *train* (reproducible).

For every sentence of the first ``--n`` train clusters it computes the features
of ``newsbrief.summarize.features`` and a label saying how much of the sentence
the human reference contains: the mean of its clipped unigram and bigram
precision against the reference, with rouge-score's own tokenizer and stemmer
(a per-word value, which is what a budgeted selector trades against length).
A ``HistGradientBoostingRegressor`` with a fixed seed is fitted and its trees are
exported as flat arrays to ``newsbrief/data/sentence_scorer.npz``, which
``newsbrief.summarize.learned`` evaluates with numpy alone. The script checks that
the exported trees reproduce scikit-learn's predictions before writing.

Word priors (P(a source word reappears in the summary)) are themselves a
feature, counted from train summaries. So that the feature is as noisy in
training as on new text, each fitting cluster is described with *out-of-fold*
priors (``--folds`` K: counted on all train clusters except its own fold); the
shipped priors are counted on all of train. ``--folds 1`` instead counts priors
on the clusters after ``--n`` only. Word counts, stories and the feature matrix
are cached in ``--cache``, so label or model variants refit in a few minutes.

The shipped model (about 25 minutes on 2 cores from an empty cache)::

    python scripts/train_scorer.py
"""

from __future__ import annotations

import argparse
import hashlib
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

from newsbrief.summarize.features import FEATURE_NAMES, analyse

OUT = Path(__file__).resolve().parents[1] / "newsbrief" / "data" / "sentence_scorer.npz"
SEED = 0
STORY_CHUNK = 8000


def sentence_labels(texts: list[str], reference: str, tokenize) -> np.ndarray:
    """Clipped unigram and bigram precision of each sentence against the reference, (n, 2)."""
    ref = tokenize(reference)
    ref1 = Counter(ref)
    ref2 = Counter(itertools.pairwise(ref))
    labels = np.zeros((len(texts), 2))
    for i, text in enumerate(texts):
        tokens = tokenize(text)
        if not tokens:
            continue
        c1 = Counter(tokens)
        labels[i, 0] = sum(min(c, ref1[t]) for t, c in c1.items()) / len(tokens)
        bigrams = list(itertools.pairwise(tokens))
        if bigrams:
            c2 = Counter(bigrams)
            labels[i, 1] = sum(min(c, ref2[b]) for b, c in c2.items()) / len(bigrams)
    return labels


def count_words(path: Path, n: int, folds: int) -> tuple[list[Counter], list[Counter]]:
    """Per bucket, in how many clusters each source stem occurs (``seen``) and how many
    of those summaries also contain it (``kept``).

    Buckets ``0..folds-1`` hold the fitting clusters ``0..n-1`` (cluster ``i`` in
    bucket ``i % folds``); bucket ``folds`` holds every later train cluster.
    """
    from dev_eval import read_clusters

    from newsbrief.summarize.features import stem_tokens

    seen = [Counter() for _ in range(folds + 1)]
    kept = [Counter() for _ in range(folds + 1)]
    for index, cluster in enumerate(read_clusters(path, 0, 10**9)):
        bucket = index % folds if index < n else folds
        source = set(stem_tokens(" ".join(cluster["documents"])))
        summary = set(stem_tokens(" ".join(cluster["summaries"])))
        seen[bucket].update(source)
        kept[bucket].update(source & summary)
    return seen, kept


def word_priors(
    seen: Counter, kept: Counter, min_count: int = 5, smoothing: float = 5.0
) -> tuple[np.ndarray, np.ndarray]:
    """P(a source word reappears in the human summary), per stemmed word, from counts.

    Smoothed toward the overall rate; words seen in fewer than ``min_count``
    clusters are left out (they get the overall rate at run time). Returns the
    sorted words and their priors with the overall rate appended.
    """
    overall = sum(kept.values()) / max(sum(seen.values()), 1)
    words = sorted(w for w, c in seen.items() if c >= min_count)
    priors = np.array(
        [(kept[w] + smoothing * overall) / (seen[w] + smoothing) for w in words], dtype=np.float32
    )
    return np.array(words), np.append(priors, np.float32(overall))


def _sum(counters: list[Counter]) -> Counter:
    total: Counter = Counter()
    for counter in counters:
        total.update(counter)
    return total


_FOLD_PRIORS: list[tuple[dict[str, float], float]] = []


def _init_worker(fold_priors: list[tuple[dict[str, float], float]]) -> None:
    _FOLD_PRIORS[:] = fold_priors


def _rows(job) -> tuple[np.ndarray, np.ndarray]:
    """Features and (unigram, bigram) precision labels of one story's sentences."""
    from rouge_score import tokenizers

    (story, reference), fold = job
    priors, default_prior = _FOLD_PRIORS[fold]
    tokenize = tokenizers.DefaultTokenizer(use_stemmer=True).tokenize
    features = analyse(story, priors, default_prior).features
    return features, sentence_labels([s.text for s in story.sentences], reference, tokenize)


def build_dataset(
    pairs, fold_priors: list[tuple[dict[str, float], float]], jobs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (every column ``analyse`` computes), (unigram, bigram) precision labels
    of every sentence in story order, and the number of sentences of each story.
    Story ``i`` is described with the word priors ``fold_priors[i % len(fold_priors)]``."""
    from multiprocessing import Pool

    work = [(pair, i % len(fold_priors)) for i, pair in enumerate(pairs) if pair[0].sentences]
    with Pool(jobs, initializer=_init_worker, initargs=(fold_priors,)) as pool:
        rows = pool.map(_rows, work, chunksize=64)
    sizes = np.array([len(r[0]) for r in rows], dtype=np.int64)
    return np.vstack([r[0] for r in rows]), np.vstack([r[1] for r in rows]), sizes


def export_trees(model, n_features: int) -> dict[str, np.ndarray]:
    """Flat arrays of a fitted HistGradientBoostingRegressor (leaves loop to themselves)."""
    predictors = [stage[0] for stage in model._predictors]
    n_nodes = max(len(p.nodes) for p in predictors)
    shape = (len(predictors), n_nodes)
    feature = np.zeros(shape, dtype=np.int16)
    threshold = np.zeros(shape, dtype=np.float64)
    left = np.tile(np.arange(n_nodes, dtype=np.int32), (len(predictors), 1))
    right = left.copy()
    value = np.zeros(shape, dtype=np.float64)
    depth = 0
    for t, predictor in enumerate(predictors):
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        k = len(nodes)
        feature[t, :k] = np.where(leaf, 0, nodes["feature_idx"])
        threshold[t, :k] = np.where(leaf, np.inf, nodes["num_threshold"])
        left[t, :k] = np.where(leaf, np.arange(k), nodes["left"])
        right[t, :k] = np.where(leaf, np.arange(k), nodes["right"])
        value[t, :k] = np.where(leaf, nodes["value"], 0.0)
        depth = max(depth, int(nodes["depth"].max()))
        if predictor.binned_left_cat_bitsets.size or nodes["is_categorical"].any():
            raise ValueError("categorical splits are not exported")
    assert feature.max() < n_features
    return {
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "value": value,
        "depth": np.array(depth),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=20000, help="train clusters to fit on")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nbdev"))
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=31)
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--bigram-weight", type=float, default=0.5, help="label = mix of unigram/bigram precision"
    )
    parser.add_argument(
        "--features",
        default="all",
        help="'all' (every column of features.FEATURE_NAMES) or a comma-separated subset",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        help="1: word priors from the train clusters after --n; K > 1: out-of-fold priors over"
        " K folds of the fitting clusters plus the rest (shipped priors: all of train)",
    )
    parser.add_argument(
        "--center",
        type=float,
        default=0.0,
        help="subtract this share of each story's mean label (only ranking within a story matters)",
    )
    args = parser.parse_args(argv)
    if args.features == "all":
        feature_names = FEATURE_NAMES
    else:
        feature_names = tuple(args.features.split(","))
        unknown = set(feature_names) - set(FEATURE_NAMES)
        if unknown:
            parser.error(f"unknown features: {', '.join(sorted(unknown))}")

    from sklearn.ensemble import HistGradientBoostingRegressor

    t0 = time.perf_counter()
    # Both steps are slow and deterministic: keep their results in the cache folder.
    args.cache.mkdir(parents=True, exist_ok=True)
    prefix = f"oof{args.folds}-" if args.folds > 1 else ""
    count_file = args.cache / f"{prefix}counts-{args.n}.pkl"
    if not count_file.exists():
        counts = count_words(args.data / "train.jsonl.gz", args.n, max(args.folds, 1))
        count_file.write_bytes(pickle.dumps(counts))
    seen, kept = pickle.loads(count_file.read_bytes())
    if args.folds > 1:
        # Out-of-fold priors: each fitting cluster is described with priors counted
        # without it, so the feature is as noisy in training as on new text; the
        # shipped priors are counted on all of train.
        fold_priors = []
        for fold in range(args.folds):
            others = [b for b in range(len(seen)) if b != fold]
            words, values = word_priors(
                _sum([seen[b] for b in others]), _sum([kept[b] for b in others])
            )
            fold_priors.append(
                (dict(zip(words.tolist(), values[:-1].tolist(), strict=True)), float(values[-1]))
            )
        prior_words, prior_values = word_priors(_sum(seen), _sum(kept))
    else:
        # Priors counted on the train clusters after the fitting ones (disjoint).
        prior_words, prior_values = word_priors(seen[-1], kept[-1])
        fold_priors = [
            (
                dict(zip(prior_words.tolist(), prior_values[:-1].tolist(), strict=True)),
                float(prior_values[-1]),
            )
        ]
    print(f"{len(prior_words)} word priors in {time.perf_counter() - t0:.0f}s")
    signature = hashlib.sha1(" ".join(FEATURE_NAMES).encode()).hexdigest()[:8]
    data_file = args.cache / f"{prefix}dataset-{args.n}-{signature}.npz"
    # A cached dataset with every feature asked for will do (columns by name).
    for candidate in sorted(args.cache.glob(f"{prefix}dataset-{args.n}-*.npz")):
        with np.load(candidate) as stored:
            names = stored["names"].tolist() if "names" in stored else []
            if set(feature_names) <= set(names) and ("sizes" in stored or not args.center):
                data_file = candidate
                break
    if not data_file.exists():
        # Stories are cached in chunks of 8,000 clusters so a bigger --n reuses them.
        pairs = [
            pair
            for start in range(0, args.n, STORY_CHUNK)
            for pair in load_stories(
                args.data, "train", start, min(STORY_CHUNK, args.n - start), args.cache
            )
        ]
        x, labels, sizes = build_dataset(pairs, fold_priors, args.jobs)
        np.savez(data_file, x=x, labels=labels, sizes=sizes, names=np.array(FEATURE_NAMES))
    with np.load(data_file) as stored:
        names = stored["names"].tolist()
        x = stored["x"][:, [names.index(name) for name in feature_names]]
        labels = stored["labels"]
        sizes = stored.get("sizes")
    y = (1 - args.bigram_weight) * labels[:, 0] + args.bigram_weight * labels[:, 1]
    if args.center:
        story_of = np.repeat(np.arange(len(sizes)), sizes)
        # Only the order within a story matters to the selector: take out (a share of)
        # how well the story's reference matches its sources overall, keeping the scale.
        story_mean = (np.bincount(story_of, weights=y) / sizes)[story_of]
        y = y - args.center * (story_mean - y.mean())
    print(f"{len(y)} sentences in {time.perf_counter() - t0:.0f}s")
    model = HistGradientBoostingRegressor(
        max_iter=args.trees,
        max_leaf_nodes=args.leaves,
        max_depth=args.depth,
        learning_rate=0.05,
        min_samples_leaf=50,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=SEED,
    )
    model.fit(x, y)
    arrays = export_trees(model, x.shape[1])

    from newsbrief.summarize.learned import TreeEnsemble

    baseline = float(np.ravel(model._baseline_prediction)[0])
    ensemble = TreeEnsemble(
        feature=arrays["feature"].astype(np.int64),
        threshold=arrays["threshold"],
        left=arrays["left"].astype(np.int64),
        right=arrays["right"].astype(np.int64),
        value=arrays["value"],
        baseline=baseline,
        depth=int(arrays["depth"]),
        feature_names=feature_names,
    )
    sample = x[:: max(len(x) // 5000, 1)]
    gap = np.abs(ensemble.predict(sample) - model.predict(sample)).max()
    if gap > 1e-9:
        raise SystemExit(f"exported trees disagree with scikit-learn by {gap}")
    meta = {
        "baseline": baseline,
        "depth": int(arrays["depth"]),
        "feature_names": list(feature_names),
        "trained_on": f"multinews train clusters 0..{args.n - 1}",
        "priors": (
            f"multinews train, all clusters (fitted with out-of-fold priors, {args.folds} folds)"
            if args.folds > 1
            else f"multinews train clusters {args.n}..end"
        ),
        "label": (
            f"clipped unigram/bigram precision vs reference, bigram weight {args.bigram_weight},"
            f" minus {args.center} x the story mean"
        ),
        "params": {k: v for k, v in model.get_params().items() if k != "random_state"},
        "seed": SEED,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        meta=np.array(json.dumps(meta, sort_keys=True, default=str)),
        prior_words=prior_words,
        prior_values=prior_values,
        **{k: v for k, v in arrays.items() if k != "depth"},
    )
    r2 = 1 - np.mean((model.predict(x) - y) ** 2) / np.var(y)
    print(f"train R^2 {r2:.3f}; wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
