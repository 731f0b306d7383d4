"""Train word embeddings for story grouping on Multi-News *train* text (offline, seeded).

PPMI word-context co-occurrence (Levy, Goldberg and Dagan, 2015) factored by a
truncated SVD: words are the lower-cased letter/digit runs of
``newsbrief.cluster`` (stop words and one-letter words out, numbers from three
digits up), counted in a symmetric window of ``--window`` words (over the text
with stop words removed, each pair weighted 1 / distance); contexts are smoothed
(counts ** 0.75) and negative PMI is clipped to 0; the ``--words`` most frequent
words keep ``U * sqrt(S)`` of a ``--dims`` SVD (``sklearn.utils.extmath.randomized_svd``,
fixed seed), normalised to unit length. The file also stores each word's corpus
frequency (for SIF weights) and the first principal component of SIF document
vectors of the training text (Arora, Liang and Ma, 2017), removed at run time.

Training text: clusters from ``--skip`` on (default 12,000: past train piles A and
B of the story-grouping tuning protocol, which end before cluster 11,106), so the
embeddings never saw the articles they are tuned on.

    nice -n 10 python scripts/train_embeddings.py --out /tmp/emb.npz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

from newsbrief.text import STOP_WORDS

DEFAULT_TRAIN = "../shared/data/multinews/train.jsonl.gz"
OUT = Path(__file__).resolve().parents[1] / "newsbrief" / "data" / "word_vectors.npz"
SEED = 0
_TOKEN = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The content words of a text, as ``StoryGrouper.features`` counts them."""
    return [
        t
        for t in _TOKEN.findall(text.lower())
        if t not in STOP_WORDS and len(t) > 1 and not (t.isdigit() and len(t) < 3)
    ]


def read_documents(path: str, skip: int, limit: int | None) -> list[list[str]]:
    """Content words of each non-empty document of clusters ``skip``..``skip+limit``."""
    docs: list[list[str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number < skip:
                continue
            if limit is not None and number >= skip + limit:
                break
            for doc in json.loads(line)["documents"]:
                if doc.strip():
                    docs.append(words(doc))
    return docs


def cooccurrence(ids: np.ndarray, n_words: int, window: int) -> sp.csr_matrix:
    """Symmetric co-occurrence counts (1 / distance) of word ids; -1 separates documents
    and marks words outside the vocabulary (their pairs are dropped, distances kept)."""
    total = sp.csr_matrix((n_words, n_words), dtype=np.float64)
    for distance in range(1, window + 1):
        left, right = ids[:-distance], ids[distance:]
        keep = (left >= 0) & (right >= 0)
        part = sp.coo_matrix(
            (np.full(int(keep.sum()), 1.0 / distance), (left[keep], right[keep])),
            shape=(n_words, n_words),
        ).tocsr()
        total = total + part + part.T
    return total


def ppmi(counts: sp.csr_matrix, alpha: float = 0.75) -> sp.csr_matrix:
    """Positive PMI with context-distribution smoothing (``alpha``)."""
    counts = counts.tocoo()
    row_sum = np.asarray(counts.sum(axis=1)).ravel()
    col_sum = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    # P(w, c) / (P(w) P_alpha(c)) with P(w, c) = n / N, P(w) = row / N: N cancels.
    pmi = np.log(counts.data * col_sum.sum() / (row_sum[counts.row] * col_sum[counts.col]))
    keep = pmi > 0
    return sp.csr_matrix(
        (pmi[keep], (counts.row[keep], counts.col[keep])), shape=counts.shape, dtype=np.float64
    )


def sif_pc(
    docs: list[list[str]], index: dict[str, int], vectors: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """First principal component of the SIF-weighted mean word vectors of ``docs``."""
    rng = np.random.default_rng(SEED)
    sample = rng.choice(len(docs), size=min(len(docs), 30_000), replace=False)
    rows = []
    for k in sample.tolist():
        ids = [index[w] for w in docs[k] if w in index]
        if ids:
            rows.append((weight[ids, None] * vectors[ids]).mean(axis=0))
    matrix = np.asarray(rows)
    _, _, vt = np.linalg.svd(matrix, full_matrices=False)
    return vt[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DEFAULT_TRAIN, help="Multi-News train JSONL")
    parser.add_argument("--skip", type=int, default=12_000, help="clusters left out (tuning piles)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many clusters")
    parser.add_argument("--words", type=int, default=40_000, help="vocabulary size")
    parser.add_argument("--dims", type=int, default=64, help="dimensions")
    parser.add_argument("--window", type=int, default=5, help="words either side")
    parser.add_argument("--sif", type=float, default=1e-3, help="SIF constant a")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    if not Path(args.data).exists():
        print(f"train_embeddings.py: {args.data}: no such file (pass --data)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    docs = read_documents(args.data, args.skip, args.limit)
    frequency = Counter(w for doc in docs for w in doc)
    vocabulary = [w for w, _ in sorted(frequency.items(), key=lambda x: (-x[1], x[0]))]
    vocabulary = vocabulary[: args.words]
    index = {w: i for i, w in enumerate(vocabulary)}
    n_tokens = sum(frequency.values())
    print(f"{len(docs):,} documents, {n_tokens:,} words, vocabulary {len(vocabulary):,}")
    # One id stream; a run of -1 the length of the window between documents keeps
    # pairs from crossing them.
    gap = [-1] * args.window
    stream = np.fromiter(
        (i for doc in docs for i in [*(index.get(w, -1) for w in doc), *gap]), dtype=np.int64
    )
    counts = cooccurrence(stream, len(vocabulary), args.window)
    del stream
    matrix = ppmi(counts)
    print(f"PPMI matrix: {matrix.nnz:,} entries ({time.perf_counter() - started:.0f} s)")
    u, s, _ = randomized_svd(matrix, args.dims, n_iter=5, random_state=SEED)
    vectors = u * np.sqrt(s)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    probability = np.array([frequency[w] for w in vocabulary], dtype=np.float64) / n_tokens
    weight = args.sif / (args.sif + probability)
    pc = sif_pc(docs, index, vectors, weight)
    np.savez_compressed(
        args.out,
        words=np.array("\n".join(vocabulary)),
        vectors=vectors.astype(np.float16),
        probability=probability.astype(np.float32),
        pc=pc.astype(np.float32),
        settings=np.array(json.dumps(vars(args) | {"seed": SEED, "n_tokens": n_tokens})),
    )
    size = Path(args.out).stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB) in {time.perf_counter() - started:.0f} s")
    print(f"command: python scripts/train_embeddings.py {' '.join(argv or sys.argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
