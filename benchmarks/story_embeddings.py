"""Experiment: do word embeddings trained on Multi-News train help story grouping?

Runs on the two tuning piles of the story-grouping protocol (docs/benchmarks.md,
"## Story grouping"): pile A = the first 15,300 train articles, pile B = 15,300
articles from the clusters after the first 16,000 articles. Never on val.

For each pile it mirrors ``StoryGrouper.group`` step by step (non-article
detection, TF-IDF, candidate pairs, short-article expansion, density correction,
average link) and adds a dense document vector per article: the SIF- (or idf-)
weighted mean of its words' vectors from ``scripts/train_embeddings.py``, first
principal component removed. It prints

1. pair diagnostics on the candidate pairs: average precision of "same gold
   story" for TF-IDF cosine, expanded cosine, embedding cosine and blends, and
   the share of gold pairs each representation puts among an article's top
   neighbours;
2. B-cubed F1 and F1 (stories of 6+) for a grid of blends of embedding cosine
   into the candidate pairs' similarity (after the expansion, before the density
   correction) and of thresholds; ``--short-only`` scales the blend like the
   expansion (full for articles of at most 40 features); ``--knn`` adds each
   article's N nearest neighbours by embedding cosine (exact, blocked) to the
   candidate pairs; ``--synonyms k:least:weight`` adds to each hashed word the
   weight of its k nearest words (soft TF-IDF); ``--neighbors`` widens the TF-IDF
   candidate search instead (a control for "more pairs").

Result (docs/benchmarks.md, "What did not help", round 4): no variant raised F1
by more than 0.0016 on a pile at v3's F1 (stories of 6+), and dense neighbours did
about as well as a wider TF-IDF search (``--neighbors 30``), so nothing shipped.

    nice -n 10 python scripts/train_embeddings.py --words 50000 --dims 128 --out /tmp/emb.npz
    nice -n 10 python benchmarks/story_embeddings.py --vectors /tmp/emb.npz --knn 5,10
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from train_embeddings import words

DEFAULT_TRAIN = "../shared/data/multinews/train.jsonl.gz"
PILE_SIZE = 15_300


def tuning_piles(path: str) -> dict[str, tuple[list, list[str]]]:
    """Piles A and B of the tuning protocol: articles and gold cluster ids."""
    from newsbrief.model import Article

    piles: dict[str, tuple[list, list[str]]] = {"A": ([], []), "B": ([], [])}
    seen = 0  # non-empty documents before this cluster
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            cluster = json.loads(line)
            docs = [(k, d) for k, d in enumerate(cluster["documents"]) if d.strip()]
            name = "A" if seen < PILE_SIZE else ("B" if seen >= 16_000 else "")
            seen += len(docs)
            if not name:
                continue
            articles, gold = piles[name]
            if name == "B" and len(articles) >= PILE_SIZE:
                break
            for k, doc in docs:
                if len(articles) < PILE_SIZE:
                    articles.append(Article(id=f"{cluster['id']}-{k}", text=doc, source="x"))
                    gold.append(cluster["id"])
    return piles


class Embeddings:
    """Word vectors from ``scripts/train_embeddings.py`` and document vectors from them."""

    def __init__(self, path: str, dims: int | None = None) -> None:
        data = np.load(path)
        self.words = str(data["words"]).split("\n")
        self.index = {w: i for i, w in enumerate(self.words)}
        vectors = data["vectors"].astype(np.float32)
        if dims:
            vectors = vectors[:, :dims]
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        self.vectors = vectors
        self.probability = data["probability"].astype(np.float64)
        self.pc = data["pc"].astype(np.float32) if not dims else None

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        """Word-count rows over the embedding vocabulary."""
        indptr, indices = [0], []
        for text in texts:
            ids = [self.index[w] for w in words(text) if w in self.index]
            indices.extend(ids)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        m = sp.csr_matrix((data, indices, indptr), shape=(len(texts), len(self.words)))
        m.sum_duplicates()
        return m

    def documents(
        self,
        counts: sp.csr_matrix,
        *,
        weighting: str = "sif",
        a: float = 1e-3,
        remove_pc: bool = True,
    ) -> np.ndarray:
        """Unit-length document vectors: weighted mean word vector, first PC removed (the
        training documents' one, or the pile's when only some dimensions are used)."""
        if weighting == "sif":
            w = a / (a + self.probability)
        elif weighting == "idf":
            df = np.bincount(counts.indices, minlength=counts.shape[1])
            w = np.log((1 + counts.shape[0]) / (1 + df)) + 1
        else:
            w = np.ones(counts.shape[1])
        # The weighted sum: its direction is the weighted mean's (rows are normalised).
        weighted = counts.multiply(w[None, :].astype(np.float32)).tocsr()
        docs = np.asarray(weighted @ self.vectors, dtype=np.float32)
        if remove_pc:
            pc = self.pc
            if pc is None:
                _, _, vt = np.linalg.svd(docs[:: max(1, len(docs) // 5000)], full_matrices=False)
                pc = vt[0]
            docs -= np.outer(docs @ pc, pc)
        docs /= np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-12)
        return docs


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision of ranking ``labels`` (bool) by ``scores``."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean()) if hits.any() else 0.0


def dense_neighbours(docs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most similar other rows by dot product (blocked)."""
    n = len(docs)
    rows, cols = [], []
    for start in range(0, n, 2000):
        block = docs[start : start + 2000] @ docs.T
        idx = np.arange(start, min(n, start + 2000))
        block[idx - start, idx] = -np.inf
        top = np.argpartition(-block, k, axis=1)[:, :k]
        rows.append(np.repeat(idx, k))
        cols.append(top.ravel())
    return np.concatenate(rows), np.concatenate(cols)


def prepare(articles: list, gold: list[str], grouper) -> dict:
    """Everything the grid needs about a pile, computed once."""
    from newsbrief.cluster import document_frequencies
    from newsbrief.nonarticle import check_text

    usable, texts = [], []
    for index, article in enumerate(articles):
        check = check_text(article.text, min_words=grouper.min_article_words)
        if check.is_article:
            usable.append(index)
            texts.append(check.text)
    order = sorted(range(len(usable)), key=lambda i: (articles[usable[i]].id, i))
    usable = [usable[i] for i in order]
    texts = [texts[i] for i in order]
    n = len(usable)
    counts = grouper.term_counts(texts, [None] * n)
    df = document_frequencies(counts)
    vectors = grouper.vectors(counts, df, n)
    rows, cols, sims = grouper._neighbour_graph(vectors, df, n)
    labels = np.array([gold[i] for i in usable])
    return {
        "usable": usable,
        "texts": texts,
        "vectors": vectors,
        "df": df,
        "rows": rows,
        "cols": cols,
        "sims": sims,
        "labels": labels,
        "gold": gold,
        "n_articles": len(articles),
    }


def score(prep: dict, merged: np.ndarray) -> tuple[float, float, float, float, int]:
    """B3 P, R, F1, F1 (stories of 6+) and predicted stories, non-articles as singletons."""
    from newsbrief.cluster import bcubed

    gold = prep["gold"]
    predicted = [f"x{i}" for i in range(prep["n_articles"])]
    for local, index in enumerate(prep["usable"]):
        predicted[index] = f"c{merged[local]}"
    p, r, f = bcubed(gold, predicted)
    sizes = Counter(gold)
    big = [i for i, g in enumerate(gold) if sizes[g] >= 6]
    f6 = bcubed([gold[i] for i in big], [predicted[i] for i in big])[2]
    return p, r, f, f6, len(set(predicted))


def synonym_matrix(emb: Embeddings, k: int, least: float) -> sp.csr_matrix:
    """Hashed word -> its ``k`` nearest words (cosine at least ``least``), weighted by cosine."""
    from newsbrief.cluster import N_FEATURES, _hash

    vectors = emb.vectors
    out_rows, out_cols, out_data = [], [], []
    hashed = np.array([_hash(w) for w in emb.words], dtype=np.int64)
    for start in range(0, len(vectors), 500):
        block = vectors[start : start + 500] @ vectors.T
        idx = np.arange(start, start + len(block))
        block[idx - start, idx] = -1.0
        top = np.argpartition(-block, k, axis=1)[:, :k]
        values = np.take_along_axis(block, top, axis=1)
        keep = values >= least
        out_rows.append(hashed[np.repeat(idx, k)[keep.ravel()]])
        out_cols.append(hashed[top.ravel()[keep.ravel()]])
        out_data.append(values[keep])
    return sp.csr_matrix(
        (np.concatenate(out_data), (np.concatenate(out_rows), np.concatenate(out_cols))),
        shape=(N_FEATURES, N_FEATURES),
        dtype=np.float32,
    )


def short_share(grouper, vectors: sp.csr_matrix, rows, cols) -> np.ndarray:
    """Per pair: the larger of its two articles' expansion shares (1 for a short article)."""
    length = np.diff(vectors.indptr).astype(np.float64)
    share = np.minimum(1.0, grouper.expansion_features / np.maximum(length, 1.0))
    return np.maximum(share[rows], share[cols])


def merges(
    grouper, prep: dict, rows, cols, sims, dense_sims, blends, thresholds, vectors=None, short=False
):
    """The v3 merge with each ``blend`` of embedding cosine mixed into the expanded
    similarity (before the density correction), at each threshold; with ``short``
    the blend is scaled by the pair's short-article share, as the expansion is."""
    from newsbrief.cluster import WEAK_PAIR_SHARE, average_link

    n = len(prep["usable"])
    vectors = prep["vectors"] if vectors is None else vectors
    expanded = grouper.expanded_similarities(vectors, rows, cols, sims)
    scale = short_share(grouper, vectors, rows, cols) if short else 1.0
    for blend in blends:
        mixed = (1 - blend * scale) * expanded + blend * scale * dense_sims
        adjusted = grouper.adjusted_similarities(n, rows, cols, mixed)
        for threshold in thresholds:
            strong = adjusted >= threshold * WEAK_PAIR_SHARE
            yield (
                blend,
                threshold,
                average_link(n, rows[strong], cols[strong], adjusted[strong], threshold),
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DEFAULT_TRAIN, help="Multi-News train JSONL")
    parser.add_argument("--vectors", required=True, help="npz from scripts/train_embeddings.py")
    parser.add_argument("--dims", type=int, default=0, help="use only the first N dimensions")
    parser.add_argument("--weighting", default="sif", choices=["sif", "idf", "mean"])
    parser.add_argument("--keep-pc", action="store_true", help="do not remove the first PC")
    parser.add_argument("--blends", default="0,0.1,0.2,0.3,0.4")
    parser.add_argument("--thresholds", default="0.18,0.20,0.22,0.24,0.26")
    parser.add_argument(
        "--knn", default="", help="comma list N: also add each article's N dense neighbours"
    )
    parser.add_argument("--piles", default="A,B")
    parser.add_argument(
        "--synonyms", default="", help="k:least:weight list: add each word's k nearest words"
    )
    parser.add_argument("--diagnostics-only", action="store_true")
    parser.add_argument(
        "--short-only", action="store_true", help="blend only as much as the expansion weight"
    )
    parser.add_argument(
        "--neighbors", type=int, default=20, help="TF-IDF candidates per article (control)"
    )
    args = parser.parse_args(argv)

    from newsbrief.cluster import StoryGrouper, _pair_cosines

    grouper = StoryGrouper(n_neighbors=args.neighbors)
    emb = Embeddings(args.vectors, args.dims or None)
    started = time.perf_counter()
    piles = tuning_piles(args.data)
    for name in args.piles.split(","):
        articles, gold = piles[name]
        prep = prepare(articles, gold, grouper)
        counts = emb.counts(prep["texts"])
        docs = emb.documents(counts, weighting=args.weighting, remove_pc=not args.keep_pc)
        rows, cols, sims = prep["rows"], prep["cols"], prep["sims"]
        labels = prep["labels"]
        n = len(labels)
        same = labels[rows] == labels[cols]
        dense = np.einsum("ij,ij->i", docs[rows], docs[cols])
        expanded = grouper.expanded_similarities(prep["vectors"], rows, cols, sims)
        print(
            f"\n## pile {name}: {n:,} usable articles, {len(rows):,} candidate pairs, "
            f"{int(same.sum()):,} of them gold ({time.perf_counter() - started:.0f} s)\n"
        )
        print("| pair score (candidate pairs) | AP same story |")
        print("| --- | ---: |")
        for label, values in [
            ("TF-IDF cosine", sims),
            ("expanded cosine (v3)", expanded),
            ("embedding cosine", dense),
            *[
                (f"expanded + {b} x embedding", (1 - b) * expanded + b * dense)
                for b in (0.1, 0.2, 0.3, 0.5)
            ],
            ("v3 density-corrected", grouper.adjusted_similarities(n, rows, cols, expanded)),
            *[
                (
                    f"density-corrected, blend {b}",
                    grouper.adjusted_similarities(n, rows, cols, (1 - b) * expanded + b * dense),
                )
                for b in (0.1, 0.2, 0.3)
            ],
        ]:
            print(f"| {label} | {average_precision(values, same):.3f} |")
        short = short_share(grouper, prep["vectors"], rows, cols) >= 1.0
        print(
            f"\npairs with a short article (<= {grouper.expansion_features} features): "
            f"{int(short.sum()):,}, AP TF-IDF {average_precision(sims[short], same[short]):.3f}, "
            f"expanded {average_precision(expanded[short], same[short]):.3f}, "
            f"embedding {average_precision(dense[short], same[short]):.3f}, expanded + 0.2 x "
            f"embedding {average_precision((0.8 * expanded + 0.2 * dense)[short], same[short]):.3f}"
        )
        # Gold pairs: how many each representation ranks among an article's top 20.
        members: dict[str, list[int]] = {}
        for local, lab in enumerate(labels.tolist()):
            members.setdefault(lab, []).append(local)
        gl = np.array([a for m in members.values() for k, a in enumerate(m) for _ in m[k + 1 :]])
        gr = np.array([b for m in members.values() for k, _ in enumerate(m) for b in m[k + 1 :]])
        gold_cos = _pair_cosines(prep["vectors"], gl, gr)
        gold_dense = np.einsum("ij,ij->i", docs[gl], docs[gr])
        cand = set((rows * n + cols).tolist())
        dr, dc = dense_neighbours(docs, 20)
        lo, hi = np.minimum(dr, dc), np.maximum(dr, dc)
        dense_keys = set((lo * n + hi).tolist())
        gkeys = (np.minimum(gl, gr) * n + np.maximum(gl, gr)).tolist()
        in_cand = np.array([k in cand for k in gkeys])
        in_dense = np.array([k in dense_keys for k in gkeys])
        print(
            f"\n{len(gl):,} gold pairs: TF-IDF cosine < 0.05: {(gold_cos < 0.05).mean():.3f}; "
            f"among TF-IDF candidates {in_cand.mean():.3f}; among dense top-20 {in_dense.mean():.3f}; "
            f"either {(in_cand | in_dense).mean():.3f}; dense-only pairs added "
            f"{len(dense_keys - cand):,}"
        )
        low = gold_cos < 0.05
        print(
            f"gold pairs with TF-IDF cosine < 0.05: median embedding cosine "
            f"{np.median(gold_dense[low]):.3f}; all candidate pairs: median {np.median(dense):.3f}, "
            f"non-gold candidate pairs: median {np.median(dense[~same]):.3f}"
        )
        if args.diagnostics_only:
            continue
        grids = [("candidates", rows, cols, sims, dense, None)]
        for spec in (x for x in args.synonyms.split(",") if x):
            from newsbrief.cluster import _normalize_rows

            k, least, weight = spec.split(":")
            table = synonym_matrix(emb, int(k), float(least))
            soft = _normalize_rows(prep["vectors"] + float(weight) * (prep["vectors"] @ table))
            ssims = _pair_cosines(soft, rows, cols)
            ap = average_precision(
                grouper.adjusted_similarities(
                    n, rows, cols, grouper.expanded_similarities(soft, rows, cols, ssims)
                ),
                same,
            )
            print(
                f"synonyms {spec}: AP TF-IDF {average_precision(ssims, same):.3f}, "
                f"density-corrected expanded {ap:.3f}"
            )
            grids.append((f"synonyms {spec}", rows, cols, ssims, dense, soft))
        for k in (int(x) for x in args.knn.split(",") if x):
            kr, kc = dense_neighbours(docs, k)
            lo, hi = np.minimum(kr, kc), np.maximum(kr, kc)
            keys = np.union1d(rows * n + cols, lo * n + hi)
            ar, ac = keys // n, keys % n
            asims = _pair_cosines(prep["vectors"], ar, ac)
            adense = np.einsum("ij,ij->i", docs[ar], docs[ac])
            grids.append((f"+ dense top-{k}", ar, ac, asims, adense, None))
        print("\n| pairs | blend | threshold | B3 P | B3 R | B3 F1 | F1 (6+) | stories |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        blends = [float(x) for x in args.blends.split(",")]
        thresholds = [float(x) for x in args.thresholds.split(",")]
        for label, r, c, s, d, vec in grids:
            for blend, threshold, merged in merges(
                grouper, prep, r, c, s, d, blends, thresholds, vec, args.short_only
            ):
                p, rec, f, f6, k = score(prep, merged)
                print(
                    f"| {label} | {blend} | {threshold} | {p:.3f} | {rec:.3f} | {f:.4f} "
                    f"| {f6:.3f} | {k:,} |",
                    flush=True,
                )
    print(f"\ncommand: python benchmarks/story_embeddings.py {' '.join(argv or sys.argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
