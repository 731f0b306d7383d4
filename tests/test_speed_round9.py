"""Speed round 9 (issue #8): each fast path against the plain computation it replaces.

* the short-article expansion's pair cosines of a small matrix (one batch block, a
  user's folder) from one all-pairs product (``cluster._pair_cosines_by_product``)
  instead of both rows of every pair (``cluster._pair_cosines``): the same sums up
  to float32 rounding, the same stories;
* the collector's young-generation threshold, raised only in processes newsbrief
  owns (``distributed.fewer_young_collections``).
"""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from newsbrief import cluster
from newsbrief.cluster import StoryGrouper
from newsbrief.distributed import (
    YOUNG_GC_THRESHOLD,
    LocalEngine,
    compact_columns,
    fewer_young_collections,
    group_block,
)
from newsbrief.model import Article

ROOT = Path(__file__).resolve().parent.parent


def _unit_rows(n: int, m: int, density: float, seed: int, *, shuffle: bool) -> sp.csr_matrix:
    """A random non-negative float32 matrix with unit rows; ``shuffle`` leaves each
    row's columns out of order (as the expansion's sums of sparse matrices do)."""
    rng = np.random.default_rng(seed)
    matrix = sp.random(n, m, density=density, format="csr", dtype=np.float32, random_state=rng)
    matrix = cluster._normalize_rows(matrix)
    if shuffle:
        for row in range(n):
            lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
            order = lo + rng.permutation(hi - lo)
            matrix.indices[lo:hi] = matrix.indices[order]
            matrix.data[lo:hi] = matrix.data[order]
        matrix.has_sorted_indices = False
    return matrix


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_cosines_by_product_match_the_plain_ones(seed: int, shuffle: bool) -> None:
    matrix = _unit_rows(120, 400, 0.08, seed, shuffle=shuffle)
    rows, cols = np.triu_indices(120, 1)
    keep = np.random.default_rng(seed).random(len(rows)) < 0.7
    rows, cols = rows[keep].astype(np.int64), cols[keep].astype(np.int64)
    fast = cluster._pair_cosines_by_product(matrix, rows, cols)
    plain = cluster._pair_cosines(matrix, rows, cols)
    assert fast.dtype == plain.dtype == np.float64
    # Same float32 products, summed in another order: equal to float32 rounding.
    np.testing.assert_allclose(fast, plain, rtol=2e-6, atol=1e-9)
    # One shared column: one product, nothing to order, the same float.
    pattern = sp.csr_matrix((np.ones(matrix.nnz), matrix.indices, matrix.indptr), matrix.shape)
    shared = (pattern @ pattern.T).toarray()[rows, cols]
    assert (shared <= 1).any()
    assert np.array_equal(fast[shared <= 1], plain[shared <= 1])
    assert len(cluster._pair_cosines_by_product(matrix, rows[:0], cols[:0])) == 0


_TOPICS = [
    "bridge river collapse engineers inspection steel cables traffic mayor city council",
    "election votes ballot candidate polls turnout district recount campaign senator",
    "penguin zoo keeper chick aquarium colony feeding visitors antarctic species",
    "storm flood rainfall evacuation coast warning damage power outage shelters",
    "merger shares bank deal investors regulators billion quarterly profit board",
]
_COMMON = [
    "the",
    "a",
    "said",
    "on",
    "in",
    "of",
    "and",
    "to",
    "was",
    "is",
    "for",
    "with",
    "at",
    "by",
    "it",
    "that",
    "from",
    "this",
]


def _pile(n: int, seed: int) -> list[Article]:
    """Articles drawn from a few topics' words plus common words, short and long."""
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        topic = _TOPICS[rng.randrange(len(_TOPICS))].split()
        size = rng.choice([12, 25, 60, 150])
        words = [rng.choice(topic if rng.random() < 0.45 else _COMMON) for _ in range(size)]
        words += [f"name{rng.randrange(40)}" for _ in range(3)]
        text = " ".join(words) + "."
        articles.append(Article.from_text(text.capitalize(), source=f"a{i}.txt"))
    return articles


def test_small_piles_and_blocks_group_as_with_the_plain_pair_cosines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles = _pile(160, seed=3)
    grouper = StoryGrouper()
    counts = grouper.term_counts([a.text for a in articles], [a.title for a in articles])
    vectors = grouper.vectors(counts, cluster.document_frequencies(counts), len(articles))
    fast_assign = grouper.assign(articles)
    fast_block = group_block(grouper, articles, vectors)
    seen: list[int] = []
    original = cluster._pair_cosines_by_product

    def spy(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        seen.append(len(rows))
        return original(matrix, rows, cols)

    monkeypatch.setattr(cluster, "_pair_cosines_by_product", spy)
    assert np.array_equal(grouper.assign(articles), fast_assign)
    assert seen and seen[0] > 1000  # the fast path ran, on many pairs
    monkeypatch.setattr(cluster, "_PRODUCT_ROWS", 0)  # the plain path
    assert np.array_equal(grouper.assign(articles), fast_assign)
    assert np.array_equal(group_block(grouper, articles, vectors), fast_block)
    assert len(set(fast_assign.tolist())) > 1


def test_the_product_path_sees_the_same_pairs_as_the_plain_one() -> None:
    articles = _pile(60, seed=5)
    grouper = StoryGrouper()
    counts = grouper.term_counts([a.text for a in articles], [a.title for a in articles])
    vectors = compact_columns(
        grouper.vectors(counts, cluster.document_frequencies(counts), len(articles))
    )
    rows, cols, sims = cluster._all_pairs(vectors)
    fast = grouper.expanded_similarities(vectors, rows, cols, sims)
    plain_rows = cluster._PRODUCT_ROWS
    try:
        cluster._PRODUCT_ROWS = 0
        plain = grouper.expanded_similarities(vectors, rows, cols, sims)
    finally:
        cluster._PRODUCT_ROWS = plain_rows
    np.testing.assert_allclose(fast, plain, rtol=2e-6, atol=1e-9)


def test_fewer_young_collections_raises_only_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        fewer_young_collections()
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_importing_newsbrief_leaves_the_collector_alone() -> None:
    code = (
        "import gc; t = gc.get_threshold(); "
        "import newsbrief, newsbrief.cluster, newsbrief.distributed, newsbrief.batch_commands, "
        "newsbrief.cli; print(t == gc.get_threshold())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True
    )
    assert out.stdout.strip() == "True"


def test_local_pool_workers_raise_it() -> None:
    with LocalEngine(n_workers=2, progress=False) as engine:
        thresholds = engine.map(gc.get_threshold, [(), ()], "gc")
    assert all(t[0] == YOUNG_GC_THRESHOLD for t in thresholds)


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_the_batch_command_raises_it_for_the_local_engine_only(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsbrief import distributed
    from newsbrief.cli import main

    during: list[int] = []
    real = distributed.run_batch

    def spy(*args: object, **kwargs: object) -> object:
        during.append(gc.get_threshold()[0])
        kwargs["engine"] = "local"  # no Dask cluster in a unit test: only the setting matters
        return real(*args, **kwargs)

    monkeypatch.setattr(distributed, "run_batch", spy)
    pile = tmp_path / "pile.jsonl"
    rows = [{"id": a.source, "text": a.text} for a in _pile(4, seed=1)]
    pile.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    before = gc.get_threshold()
    argv = ["batch", str(pile), "-o", str(tmp_path / "out"), "--engine", engine]
    assert main([*argv, "--workers", "1", "--no-briefs", "--quiet"]) == 0
    expected = YOUNG_GC_THRESHOLD if engine == "local" else before[0]
    assert during == [expected]
    assert gc.get_threshold() == before  # restored for an in-process caller
