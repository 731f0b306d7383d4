"""Speed round 10a (issue #8): the summarizer's fast paths against the plain computations
they replace, on small fixtures.

* ``features._Vocabulary.number_by_first_appearance`` (a scratch table) against
  ``np.unique`` and a stable argsort of the first indexes;
* ``coverage._dense_block`` cut from the whole dense matrix of a small story against the
  entry-by-entry copy;
* ``features.analyse`` writing its columns into one array: each named column holds what
  it is named for, and the selection is the same whichever block path runs.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.model import Article, Budget, Story
from newsbrief.pipeline import build_story
from newsbrief.summarize import coverage, features
from newsbrief.summarize.features import FEATURE_NAMES, analyse
from newsbrief.summarize.learned import load_model


def _plain_numbering(stem_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What ``_tokenize`` computed before: ``np.unique`` and a stable argsort."""
    unique, first, inverse = np.unique(stem_ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    return unique[order], rank[inverse.ravel()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=60), min_size=1, max_size=5))
def test_first_appearance_numbering_matches_unique(stories: list[list[int]]) -> None:
    vocabulary = features._Vocabulary()
    vocabulary.stems = [f"s{i}" for i in range(41)]
    # Several stories in a row: the scratch table must come back clean after each.
    for story in stories:
        stem_ids = np.array(story, dtype=np.int64)
        firsts, numbers = vocabulary.number_by_first_appearance(stem_ids)
        plain_firsts, plain_numbers = _plain_numbering(stem_ids)
        assert firsts.dtype == plain_firsts.dtype and numbers.dtype == plain_numbers.dtype
        assert np.array_equal(firsts, plain_firsts)
        assert np.array_equal(numbers, plain_numbers)
        assert np.all(vocabulary._scratch == features._UNSET)


def test_first_appearance_numbering_grows_with_the_vocabulary() -> None:
    vocabulary = features._Vocabulary()
    vocabulary.stems = ["a", "b"]
    assert vocabulary.number_by_first_appearance(np.array([1, 0, 1]))[1].tolist() == [0, 1, 0]
    vocabulary.stems = [f"s{i}" for i in range(1000)]
    stem_ids = np.array([999, 5, 999, 0, 5])
    firsts, numbers = vocabulary.number_by_first_appearance(stem_ids)
    assert firsts.tolist() == [999, 5, 0] and numbers.tolist() == [0, 1, 0, 2, 1]


def _random_similarity(n: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n, n)) < 0.3, rng.random((n, n)), 0.0)
    dense = np.triu(dense) + np.triu(dense, 1).T
    return sp.csr_matrix(dense)


@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_dense_block_of_a_small_story_matches_the_copy(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(5):
        similarity = _random_similarity(n, seed)
        rng = np.random.default_rng(seed)
        index = rng.permutation(n)[: max(1, n // 2)]
        fast = coverage._dense_block(similarity, index)
        with monkeypatch.context() as patch:
            patch.setattr(coverage, "DENSE_BLOCK_UP_TO", 0)
            plain = coverage._dense_block(similarity, index)
        assert fast.shape == plain.shape == (len(index), len(index))
        assert np.array_equal(fast, plain)


_ARTICLES = {
    "one": [
        (
            "a1",
            "The bridge over the Elm river collapsed on Monday morning, officials said. "
            "Three people were hurt. Did the inspectors miss the cracks? "
            '"We are heartbroken," the mayor said. It was the second collapse in 2023.',
        )
    ],
    "three": [
        (
            "a1",
            "The bridge over the Elm river collapsed on Monday, officials said. "
            "Three people were hurt and taken to the county hospital. "
            "Inspectors had flagged cracks in the bridge in 2021.",
        ),
        (
            "a2",
            "A bridge collapsed over the Elm river on Monday morning. "
            "The mayor said three people were hurt. "
            '"We are heartbroken," she told reporters at the scene.',
        ),
        (
            "a3",
            "Officials closed the road after the Elm river bridge collapse. "
            "He said repairs would take months. Why did the cracks go unfixed?",
        ),
    ],
}


def _story(kind: str) -> Story:
    articles = [
        Article(id=aid, source=f"https://example.com/{aid}", title=f"Bridge {aid}", text=text)
        for aid, text in _ARTICLES[kind]
    ]
    return build_story(articles)


@pytest.mark.parametrize("kind", ["one", "three"])
def test_feature_columns_hold_what_they_are_named(kind: str) -> None:
    story = _story(kind)
    model = load_model()
    analysis = analyse(story, model.priors, model.default_prior)
    table = analysis.features
    assert table.shape == (len(story.sentences), len(FEATURE_NAMES))
    assert table.dtype == np.float64 and table.flags.c_contiguous
    assert np.all(np.isfinite(table))

    def column(name: str) -> np.ndarray:
        return table[:, FEATURE_NAMES.index(name)]

    position = np.array([s.position for s in story.sentences], dtype=float)
    words = np.array([s.n_words for s in story.sentences], dtype=float)
    assert np.array_equal(column("position"), position)
    assert np.array_equal(column("inv_position"), 1.0 / (1.0 + position))
    assert np.array_equal(column("is_first"), (position == 0).astype(float))
    assert np.array_equal(column("n_articles"), np.full(len(position), len(story.articles)))
    assert np.array_equal(column("n_words"), words)
    assert np.array_equal(column("log_words"), np.log1p(words))
    texts = [s.text for s in story.sentences]
    assert column("question").tolist() == [float(t.rstrip().endswith("?")) for t in texts]
    assert column("has_quote").tolist() == [float('"' in t) for t in texts]
    starts = [t.split()[0].lower().strip('"') in features.DANGLING_STARTS for t in texts]
    assert column("dangling_start").tolist() == [float(s) for s in starts]
    assert column("attribution").tolist() == [
        float(any(w in t.lower() for w in ("said", "told"))) for t in texts
    ]
    for name, of in (
        ("centrality_rank", "centrality"),
        ("other_centrality_rank", "other_centrality"),
        ("prior_rank", "prior_mean"),
    ):
        assert np.array_equal(column(name), features._rank(column(of)))
    assert np.all(column("prior_max") >= column("prior_mean"))
    assert np.all(column("prior_sum") >= column("prior_max"))


@pytest.mark.parametrize("kind", ["one", "three"])
def test_selection_is_the_same_with_either_block(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(kind)
    summarizer = coverage.SentenceLevelSummarizer()
    for words in (15, 30, 60):
        fast = summarizer.summarize(story, Budget(max_words=words))
        with monkeypatch.context() as patch:
            patch.setattr(coverage, "DENSE_BLOCK_UP_TO", 0)
            plain = summarizer.summarize(story, Budget(max_words=words))
        assert fast == plain


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 12), st.floats(0.01, 4.0)), max_size=8),
        min_size=1,
        max_size=6,
    )
)
def test_one_group_sums_match_group_sums(rows: list[list[tuple[int, float]]]) -> None:
    # A sentence x concept matrix (columns sorted, duplicates summed), all rows in one group.
    row_ids, col_ids, data = [], [], []
    for i, row in enumerate(rows):
        for col, value in sorted(dict(row).items()):
            row_ids.append(i)
            col_ids.append(col)
            data.append(value)
    n_rows, n_cols = len(rows), 13
    entries = features._Entries.of(
        np.array(row_ids, dtype=np.int64), np.array(col_ids, dtype=np.int64), n_rows, n_cols
    )
    weights = np.array(data)
    plain = entries.group_sums(weights, np.zeros(n_rows, dtype=np.int64), np.arange(n_rows), 1)
    fast = entries.one_group_sums(weights)
    for name in ("keys", "values", "group", "col", "stored_values", "total"):
        assert getattr(fast, name).dtype == getattr(plain, name).dtype, name
        assert np.array_equal(getattr(fast, name), getattr(plain, name)), name
    assert (fast.n_groups, fast.n_cols, fast.canonical) == (
        plain.n_groups,
        plain.n_cols,
        plain.canonical,
    )
    owner = np.zeros(n_rows, dtype=np.int64)
    assert np.array_equal(fast.norms_squared(), plain.norms_squared())
    assert np.array_equal(
        fast.dots_with_own(entries, weights, owner), plain.dots_with_own(entries, weights, owner)
    )


def test_cosine_to_others_with_the_callers_leave_one_out_norms() -> None:
    story = _story("three")
    model = load_model()
    analysis = analyse(story, model.priors, model.default_prior)
    article_index = {a.id: i for i, a in enumerate(story.articles)}
    owner = np.array([article_index[s.article_id] for s in story.sentences], dtype=np.int64)
    vectors = analysis.vectors
    row = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr)).astype(np.int64)
    entries = features._Entries(
        row,
        vectors.indices.astype(np.int64),
        np.ones(vectors.nnz),
        vectors.indptr.astype(np.int64),
        vectors.shape,
    )
    weights = vectors.data
    sums = entries.group_sums(weights, owner, np.arange(len(owner)), len(story.articles))
    norms_sq, dots, rest_sq = features._leave_one_out(sums)
    assert np.array_equal(norms_sq, sums.norms_squared())
    assert np.array_equal(dots, sums.dot(sums.total))
    given_rest = features._cosine_to_others(entries, weights, sums, owner, rest_sq)
    computed = features._cosine_to_others(entries, weights, sums, owner)
    for fast, plain in zip(given_rest, computed, strict=True):
        assert np.array_equal(fast, plain)
    assert np.array_equal(
        analysis.features[:, FEATURE_NAMES.index("other_centrality")], computed[0]
    )


def _plain_rank(values: np.ndarray) -> np.ndarray:
    """``features._rank`` as it was: a lexsort with the index as the tie-break."""
    n = len(values)
    order = np.lexsort((np.arange(n), -np.round(values, 9)))
    ranks = np.empty(n)
    ranks[order] = np.arange(n)
    return ranks / max(n - 1, 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([0.0, -0.0, 0.5, 1e-10, -1e-10, 0.3, float("nan")]),
            st.floats(-2.0, 2.0, allow_nan=False),
        ),
        max_size=40,
    )
)
def test_rank_by_stable_sort_matches_lexsort(values: list[float]) -> None:
    array = np.array(values, dtype=float)
    assert np.array_equal(features._rank(array), _plain_rank(array))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.lists(st.integers(0, 9), max_size=6)),
        min_size=1,
        max_size=8,
    )
)
def test_group_sum_keys_are_the_distinct_article_concept_pairs(
    rows: list[tuple[int, list[int]]],
) -> None:
    # ``analyse`` counts each concept's articles from the article sums' keys.
    owner = np.array([article for article, _ in rows], dtype=np.int64)
    row_ids = np.array([i for i, (_, cols) in enumerate(rows) for _ in cols], dtype=np.int64)
    col_ids = np.array([c for _, cols in rows for c in cols], dtype=np.int64)
    n_cols = 10
    entries = features._Entries.of(row_ids, col_ids, len(rows), n_cols)
    sums = entries.group_sums(np.ones(len(entries.row)), owner, np.arange(len(rows)), 4)
    plain = np.unique(owner[entries.row] * n_cols + entries.col)
    assert np.array_equal(sums.keys, plain)
    assert np.array_equal(
        np.bincount(sums.keys % n_cols, minlength=n_cols),
        np.bincount(plain % n_cols, minlength=n_cols),
    )


@pytest.mark.parametrize("kind", ["one", "three"])
def test_concept_articles_count_the_articles_using_each_concept(kind: str) -> None:
    story = _story(kind)
    analysis = analyse(story)
    article_index = {a.id: i for i, a in enumerate(story.articles)}
    owner = np.array([article_index[s.article_id] for s in story.sentences])
    concepts = analysis.concepts.tocoo()
    plain = np.zeros(concepts.shape[1])
    for col in range(concepts.shape[1]):
        plain[col] = len(set(owner[concepts.row[concepts.col == col]].tolist()))
    assert np.array_equal(analysis.concept_articles, plain)
