"""Sentence features for newsbrief's learned sentence scorer.

One pass over a story computes everything the scorer and the selector need: each
sentence's stemmed content words and bigrams, TF-IDF vectors, the binary
sentence x concept matrix with each concept's cross-article document frequency,
and a row of cheap, CPU-only features per sentence (``FEATURE_NAMES``).

The features are the signals the summarization literature found to matter on
news, all computed within the story (no outside corpus, so they mean the same on
a benchmark cluster and on a user's pile of articles):

* position: index in the article, its inverse, relative position, first/last;
* length, and whether the sentence ends like a sentence (truncated text and
  page furniture often do not);
* centrality: cosine to the story centroid, and to the centroid of the *other*
  articles (what the rest of the story says), plus the rank of both;
* what the leads say: cosine to the centroid of the *other* articles' first two
  sentences, and the highest cosine to another article's first sentence (news
  leads state a story's facts);
* cross-document support: the share and number of other articles stating the
  sentence (``Story.support``) and the highest cosine to any sentence elsewhere;
* concept weight: how many articles mention the sentence's content words and
  bigrams (ICSISumm's concepts), per word;
* surface cues: quotes, digits, a reporting verb ("said", "according"), a
  leading dangling reference ("He", "That deal"), a question, a share of stop
  words.

Casing is deliberately not a feature: the benchmark text is lowercased and
re-capitalised, a user's text is not.
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import snowballstemmer

from newsbrief.model import Story
from newsbrief.text import STOP_WORDS, gram_matrix, porter_stem, sentence_word_tokens, word_tokens

#: Columns of ``StoryAnalysis.features``. A model file names the columns it was
#: trained on (any subset, in its own order); ``learned.load_model`` maps them here.
FEATURE_NAMES: tuple[str, ...] = (
    "position",
    "inv_position",
    "is_first",
    "word_offset",
    "n_articles",
    "n_words",
    "log_words",
    "ends_sentence",
    "centrality",
    "centrality_rank",
    "other_centrality",
    "other_centrality_rank",
    "support",
    "max_other_similarity",
    "unigram_weight",
    "bigram_weight",
    "content_share",
    "digit_share",
    "has_quote",
    "dangling_start",
    "question",
    "local_centrality",
    "prior_mean",
    "prior_max",
    "prior_sum",
    "prior_all_mean",
    "prior_rank",
    "article_centrality",
    "lead_centrality",
    "max_lead_similarity",
    "attribution",
    "support_count",
)

#: Reporting verbs: a sentence that says who said something.
_ATTRIBUTION_WORDS = frozenset({"said", "says", "told", "according", "say", "tells"})

#: First words that point back to something the reader has not been told.
DANGLING_STARTS = frozenset(
    {
        "he",
        "she",
        "it",
        "they",
        "them",
        "his",
        "her",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "also",
        "however",
        "still",
        "meanwhile",
        "instead",
        "then",
        "there",
        "such",
    }
)

_ENDINGS = (".", "!", "?", '"', "'", "”", "’", ")")


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """What the scorer and selector share about one story (see module docstring)."""

    vectors: sp.csr_matrix  # L2-normalised TF-IDF rows, one per sentence
    concepts: sp.csr_matrix  # binary sentence x concept
    concept_articles: np.ndarray  # number of articles mentioning each concept
    is_bigram: np.ndarray  # bool per concept
    lengths: np.ndarray  # words per sentence
    similarity: sp.csr_matrix  # cosine between sentences (only non-zero pairs stored)
    features: np.ndarray  # (n_sentences, len(FEATURE_NAMES)), finite


_STEMMER = snowballstemmer.stemmer("porter")
_STEM_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1 << 17)
def _stem(word: str) -> str:
    # Stemming is a pure function of the word and the hot spot of analysis; a
    # bounded memo shared across stories makes it cheap. Snowball stemmer objects
    # keep per-call state, hence the lock.
    with _STEM_LOCK:
        return _STEMMER.stemWord(word)


def stem_tokens(text: str) -> list[str]:
    """Porter stems of all lower-cased alphanumeric tokens of ``text``."""
    return [_stem(t) for t in word_tokens(text)]


def analyse(
    story: Story, priors: Mapping[str, float] | None = None, default_prior: float = 0.0
) -> StoryAnalysis:
    """Vectors, concepts and features of every sentence of ``story`` (at least one).

    ``priors`` maps a word stem to how often such a word in a source reappears
    in a human summary (learned on Multi-News train, see ``learned``); words
    without a prior get ``default_prior``.
    """
    sentences = story.sentences
    n = len(sentences)
    priors = priors or {}
    tokens = _tokenize(sentences, priors, default_prior)
    stems = tokens.stems
    n_stems = len(stems)

    # Concepts: content-word stems (columns 0..n_stems-1) and bigrams of adjacent
    # content words (after them), as ``newsbrief.text.content_terms`` defines them.
    content = tokens.concept_mask
    pair = content[:-1] & content[1:] & (tokens.sentence[:-1] == tokens.sentence[1:])
    pair_keys = tokens.stem_ids[:-1][pair] * n_stems + tokens.stem_ids[1:][pair]
    bigram_keys, bigram_cols = np.unique(pair_keys, return_inverse=True)
    rows = np.concatenate((tokens.sentence[content], tokens.sentence[:-1][pair]))
    cols = np.concatenate((tokens.stem_ids[content], n_stems + bigram_cols.ravel()))
    n_concepts = n_stems + len(bigram_keys)
    is_bigram = np.arange(n_concepts) >= n_stems

    article_index = {a.id: i for i, a in enumerate(story.articles)}
    owner = np.array([article_index[s.article_id] for s in sentences], dtype=np.int64)
    n_articles = len(story.articles)
    lengths = np.array([s.n_words for s in sentences], dtype=float)
    position = np.array([s.position for s in sentences], dtype=float)

    # Everything below works on the non-zero entries of the sentence x concept matrix
    # as flat numpy arrays. The story's matrices are small (a few dozen rows), and each
    # scipy.sparse operation on them cost 50-100 us of overhead, most of the analysis;
    # the arithmetic is the same as scipy's, in the same order, so the results are the
    # same to the last bit (see ``_Entries``; tests/test_speedups.py checks it against
    # the scipy.sparse formulation).
    entries = _Entries.of(rows, cols, n, n_concepts)
    concepts = entries.matrix(np.ones(len(entries.row)))
    weights = _tfidf_data(entries)
    vectors = entries.matrix(weights)
    # A story of one article has no cross-article signal: every feature comparing a
    # sentence with the *other* articles is exactly 0 (see ``_single_article_is_exact``),
    # so those computations are skipped.
    single = n_articles == 1 and _single_article_is_exact(len(entries.row))
    # Word priors of each sentence's tokens (all tokens, and the non-stop-words).
    stem_prior = (
        np.array(list(map(priors.get, stems, itertools.repeat(default_prior))))
        if tokens.stem_prior is None
        else tokens.stem_prior
    )
    token_prior = stem_prior[tokens.stem_ids] if len(stems) else np.zeros(0)
    token_count = np.bincount(tokens.sentence, minlength=n).astype(float)
    open_ = tokens.open_mask
    open_count = np.bincount(tokens.sentence[open_], minlength=n).astype(float)
    open_sum = np.bincount(tokens.sentence[open_], weights=token_prior[open_], minlength=n)
    open_max = np.zeros(n)
    np.maximum.at(open_max, tokens.sentence[open_], token_prior[open_])
    all_sum = np.bincount(tokens.sentence, weights=token_prior, minlength=n)
    prior_mean = np.divide(open_sum, open_count, out=np.zeros(n), where=open_count > 0)
    prior_all_mean = np.divide(all_sum, token_count, out=np.zeros(n), where=token_count > 0)

    # Words before each sentence in its article (integer-valued, so exact in any order).
    by_owner = np.argsort(owner, kind="stable")
    running = np.cumsum(lengths[by_owner]) - lengths[by_owner]
    sorted_owner = owner[by_owner]
    group_start = np.flatnonzero(np.concatenate(([True], sorted_owner[1:] != sorted_owner[:-1])))
    word_offset = np.empty(n)
    word_offset[by_owner] = running - np.repeat(
        running[group_start], np.diff(np.append(group_start, n))
    )

    # Centrality to the whole story and to the other articles.
    if n_articles == 1:
        article_sums = entries.one_group_sums(weights)
    else:
        article_sums = entries.group_sums(weights, owner, np.arange(n), n_articles)
    story_sum = article_sums.total
    if single:
        # Each stored (sentence, concept) pair is distinct, so the article counts of a
        # one-article story are 1 for every concept used and 0 for the others (stems of
        # stop words only).
        concept_articles = np.zeros(n_concepts)
        concept_articles[entries.col] = 1.0
    else:
        # The keys of the articles' summed vectors are the distinct (article, concept)
        # pairs, sorted: the ``np.unique(owner[row] * n_concepts + col)`` this counted.
        concept_articles = np.bincount(
            article_sums.keys % max(n_concepts, 1), minlength=n_concepts
        ).astype(float)
    centrality = _cosine_to(entries, weights, story_sum)
    if single:
        other_centrality = np.zeros(n)
        dots_own = article_sums.dots_with_own(entries, weights, owner)
        article_norm_sq = article_sums.norms_squared()
    else:
        # The articles' norms and leave-one-out norms serve both the sentences' and the
        # articles' centrality: computed once.
        article_norm_sq, article_dots, article_rest_sq = _leave_one_out(article_sums)
        other_centrality, dots_own = _cosine_to_others(
            entries, weights, article_sums, owner, article_rest_sq
        )
    own_norm = np.sqrt(article_norm_sq)[owner]
    local_centrality = np.divide(dots_own, own_norm, out=np.zeros(n), where=own_norm > 1e-12)

    # How much each article is about what the others are about (off-topic pages score low).
    if single:
        article_centrality = np.zeros(1)
    else:
        article_rest = np.sqrt(article_rest_sq)
        article_denominator = np.sqrt(article_norm_sq) * article_rest
        article_centrality = np.divide(
            article_dots - article_norm_sq,
            article_denominator,
            out=np.zeros(n_articles),
            where=article_denominator > 1e-12,
        )

    # Highest similarity to a sentence of another article.
    similarity = gram_matrix(vectors)  # vectors @ vectors.T, cheaper
    if single:
        max_other = np.zeros(n)
    else:
        pair_row = np.repeat(np.arange(n), np.diff(similarity.indptr))
        pair_col = similarity.indices
        pair_data = similarity.data
        other = owner[pair_row] != owner[pair_col]
        max_other = np.zeros(n)
        np.maximum.at(max_other, pair_row[other], pair_data[other])

    if story.support and n_articles > 1:
        support = np.array([len(s) - 1 for s in story.support], dtype=float) / (n_articles - 1)
    else:
        support = np.zeros(n)

    # Concept weights per word: share of the other articles mentioning each concept.
    if single:
        # Every concept a sentence holds is mentioned by 1 article: spread 0.
        unigram_weight = bigram_weight = np.zeros(n)
    else:
        spread = (concept_articles - 1.0) / max(n_articles - 1, 1)
        unigram_weight = entries.row_dot(np.where(is_bigram, 0.0, spread)) / np.maximum(
            lengths, 1.0
        )
        bigram_weight = entries.row_dot(np.where(is_bigram, spread, 0.0)) / np.maximum(lengths, 1.0)

    # What the articles' leads say (news leads state the story's facts). The leads'
    # sums are taken in the order scipy's ``by_article @ diags(lead) @ vectors`` took
    # them: each article's lead sentences from the last to the first.
    if single:
        lead_centrality = max_lead = np.zeros(n)
    else:
        lead = np.flatnonzero(position < 2)
        lead_sums = entries.group_sums(weights, owner, -np.arange(n), n_articles, rows=lead)
        lead_centrality, _ = _cosine_to_others(entries, weights, lead_sums, owner)
        first = position[pair_col] == 0
        max_lead = np.zeros(n)
        np.maximum.at(max_lead, pair_row[other & first], pair_data[other & first])
    attribution = (
        np.bincount(tokens.sentence[tokens.attribution_mask], minlength=n)
        .astype(bool)
        .astype(float)
    )
    support_count = (
        np.array([len(s) - 1 for s in story.support], dtype=float) if story.support else np.zeros(n)
    )

    digit_count = np.bincount(tokens.sentence[tokens.digit_mask], minlength=n).astype(float)
    has_words = token_count > 0

    # The columns are written into one preallocated array (in ``FEATURE_NAMES`` order)
    # rather than stacked: ``np.column_stack`` reshapes each of the 32 columns first,
    # a few microseconds apiece on a story of a dozen sentences. Same values.
    columns = (
        position,
        1.0 / (1.0 + position),
        position == 0,
        word_offset,
        float(n_articles),
        lengths,
        np.log1p(lengths),
        [s.text.rstrip().endswith(_ENDINGS) for s in sentences],
        centrality,
        _rank(centrality),
        other_centrality,
        _rank(other_centrality),
        support,
        max_other,
        unigram_weight,
        bigram_weight,
        np.divide(open_count, token_count, out=np.zeros(n), where=has_words),
        np.divide(digit_count, token_count, out=np.zeros(n), where=has_words),
        np.array([_has_quote(s.text) for s in sentences], dtype=float) * has_words,
        tokens.dangling,
        np.array([_is_question(s.text) for s in sentences], dtype=float) * has_words,
        local_centrality,
        prior_mean,
        open_max,
        open_sum,
        prior_all_mean,
        _rank(prior_mean),
        article_centrality[owner],
        lead_centrality,
        max_lead,
        attribution,
        support_count,
    )
    features = np.empty((n, len(columns)))
    for index, column in enumerate(columns):
        features[:, index] = column
    if not np.isfinite(features).all():
        # (``np.nan_to_num`` leaves finite values as they are; most stories have no other.)
        features = np.nan_to_num(features, nan=0.0, posinf=0.0, neginf=0.0)
    return StoryAnalysis(
        vectors=vectors,
        concepts=concepts,
        concept_articles=concept_articles,
        is_bigram=is_bigram,
        lengths=lengths,
        similarity=similarity,
        features=features,
    )


def _cosine_to(entries: _Entries, weights: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``vectors @ (direction / |direction|)``: cosine of each sentence to ``direction``."""
    norm = float(np.linalg.norm(direction))
    if norm == 0.0:
        return np.zeros(entries.shape[0])
    return entries.row_dot(direction / norm, weights)


def _leave_one_out(group_sums: _GroupSums) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(|own|^2, own . total, |total - own|^2) of each group's summed vector."""
    total = group_sums.total
    norms_sq = group_sums.norms_squared()
    dots = group_sums.dot(total)
    return norms_sq, dots, _rest_norms_squared(float(total @ total), dots, norms_sq)


def _cosine_to_others(
    entries: _Entries,
    weights: np.ndarray,
    group_sums: _GroupSums,
    owner: np.ndarray,
    rest_norm_sq: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each sentence vector to the sum of the *other* groups' rows, and
    each sentence's dot product with its own group's sum.

    ``group_sums`` holds one summed vector per group (article); ``owner`` maps each
    sentence to its group. The leave-one-out sum is never built: its dot products and
    norm follow from the total and the group's own sum. ``rest_norm_sq``, optional, is
    ``_leave_one_out(group_sums)[2]`` when the caller has it.
    """
    total = group_sums.total
    dots_own = group_sums.dots_with_own(entries, weights, owner)
    if rest_norm_sq is None:
        rest_norm_sq = _leave_one_out(group_sums)[2]
    rest_norm = np.sqrt(rest_norm_sq)[owner]
    cosine = np.divide(
        entries.row_dot(total, weights) - dots_own,
        rest_norm,
        out=np.zeros(entries.shape[0]),
        where=rest_norm > 1e-12,
    )
    return cosine, dots_own


def _rest_norms_squared(
    total_sq: float, dots_with_total: np.ndarray, norms_sq: np.ndarray
) -> np.ndarray:
    """|total - own|^2 for each group, from |total|^2 - 2 own.total + |own|^2.

    When the other groups hold (almost) nothing, as in a one-article story, the
    expansion cancels to rounding noise (1e-16 to 1e-13 instead of 0), and a cosine
    divided by its square root turns that noise into features and ranks. Values
    below a billionth of |total|^2 are that noise: they count as 0, so such
    sentences get no "similarity to the other articles" at all.
    """
    rest = total_sq - 2 * dots_with_total + norms_sq
    return np.where(rest > 1e-9 * total_sq, rest, 0.0)


#: Index values below this fit scipy's 32-bit index arrays.
_INT32_LIMIT = 2**31 - 1

#: Stored (sentence, concept) entries up to which a one-article story takes the short
#: path of ``analyse`` (see ``_single_article_is_exact``).
_SINGLE_ARTICLE_MAX_ENTRIES = 1_000_000


def _single_article_is_exact(n_entries: int) -> bool:
    """Whether a one-article story of ``n_entries`` stored entries may skip the
    cross-article features, knowing each is exactly 0.

    With one article, the article's summed vector *is* the story's, so every
    leave-one-out norm ``|total|^2 - 2 own.total + |own|^2`` (``_rest_norms_squared``)
    is three sums of the same k squares in different orders. Each is within about
    k * 1.1e-16 of the others relative to |total|^2, so the expansion is below the
    noise cut of 1e-9 |total|^2 while 4 k * 1.1e-16 < 1e-9, i.e. k < 2 million
    (k <= the entries): ``other_centrality``, ``lead_centrality`` and
    ``article_centrality`` are then 0. No sentence has another article's sentence
    to be near (``max_other_similarity``, ``max_lead_similarity``: 0), and every
    concept is mentioned by the one article (``unigram_weight``, ``bigram_weight``:
    0). Beyond the bound the full path runs.
    """
    return n_entries <= _SINGLE_ARTICLE_MAX_ENTRIES


def _row_sums(values: np.ndarray, rows: np.ndarray, n_rows: int) -> np.ndarray:
    """Per-row sums of ``values`` grouped by (sorted) ``rows``, as scipy's
    ``csr.sum(axis=1)`` makes them: ``np.add.reduceat`` over each non-empty row."""
    out = np.zeros(n_rows)
    if len(values):
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        out[rows[starts]] = np.add.reduceat(values, starts)
    return out


def _reversed_within_rows(rows: np.ndarray, n_rows: int) -> np.ndarray:
    """Permutation that reverses each row's run of an array grouped by (sorted) ``rows``."""
    counts = np.bincount(rows, minlength=n_rows)
    ends = np.cumsum(counts)
    starts = ends - counts
    return (starts + ends - 1)[rows] - np.arange(len(rows))


@dataclass(frozen=True, slots=True)
class _Entries:
    """The non-zero entries of a sentence x concept matrix in CSR order.

    Row-major with sorted columns, duplicates summed: what
    ``scipy.sparse.csr_matrix((ones, (rows, cols)))`` holds, as plain arrays.
    """

    row: np.ndarray
    col: np.ndarray
    count: np.ndarray  # float, occurrences of the concept in the sentence
    indptr: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def of(cls, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> _Entries:
        keys, counts = np.unique(rows * n_cols + cols, return_counts=True)
        row, col = np.divmod(keys, max(n_cols, 1))
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
        return cls(row, col, counts.astype(np.float64), indptr, (n_rows, n_cols))

    def matrix(self, data: np.ndarray) -> sp.csr_matrix:
        """These entries with ``data`` as a CSR matrix."""
        if len(self.col) < _INT32_LIMIT and max(self.shape) < _INT32_LIMIT:
            # The 32-bit index arrays scipy would make of these (it checks the contents
            # of 64-bit ones to choose, a good part of the cost of a small matrix); each
            # matrix gets its own copies, as before.
            return sp.csr_matrix(
                (data, self.col.astype(np.int32), self.indptr.astype(np.int32)), shape=self.shape
            )
        return sp.csr_matrix((data, self.col, self.indptr), shape=self.shape)

    def row_dot(self, x: np.ndarray, data: np.ndarray | None = None) -> np.ndarray:
        """``matrix(data) @ x`` (``data`` all ones when None).

        ``np.bincount`` adds each row's products one after the other in column order
        from 0.0, exactly as scipy's ``csr_matvec`` loop does.
        """
        products = x[self.col] if data is None else data * x[self.col]
        return np.bincount(self.row, weights=products, minlength=self.shape[0])

    def group_sums(
        self,
        data: np.ndarray,
        owner: np.ndarray,
        rank: np.ndarray,
        n_groups: int,
        rows: np.ndarray | None = None,
    ) -> _GroupSums:
        """Sum of the rows of ``matrix(data)`` per group, as scipy's
        ``by_group @ matrix(data)`` computes and stores them.

        ``owner`` maps each row to its group; ``rows`` (all when None) are the rows
        taken; within a group scipy visits them in increasing ``rank`` order (the
        order of the left factor's row), each row's columns in sorted order. Each sum
        is accumulated in that order, and each group's entries are stored in the
        reverse order of their first appearance (scipy's ``csr_matmat`` linked list).
        """
        n_cols = self.shape[1]
        if rows is None:
            taken = np.arange(len(self.row))
        else:
            # The positions whose row is one of ``rows`` (``np.isin``, without its sort).
            wanted = np.zeros(self.shape[0], dtype=bool)
            wanted[rows] = True
            taken = np.flatnonzero(wanted[self.row])
        sentence = self.row[taken]
        taken = taken[np.lexsort((self.col[taken], rank[sentence], owner[sentence]))]
        keys = owner[self.row[taken]] * n_cols + self.col[taken]
        unique_keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        values = np.bincount(inverse.ravel(), weights=data[taken], minlength=len(unique_keys))
        group, col = np.divmod(unique_keys, max(n_cols, 1))
        total = np.bincount(col, weights=values, minlength=n_cols)
        # Storage order: by group, each group's entries in reverse order of first visit.
        visit = np.argsort(first, kind="stable")
        stored = visit[_reversed_within_rows(group[visit], n_groups)]
        stored_group, stored_col = group[stored], col[stored]
        canonical = not np.any((np.diff(stored_col) <= 0) & (stored_group[1:] == stored_group[:-1]))
        return _GroupSums(
            keys=unique_keys,
            values=values,
            group=stored_group,
            col=stored_col,
            stored_values=values[stored],
            n_groups=n_groups,
            n_cols=n_cols,
            total=total,
            canonical=bool(canonical),
        )

    def one_group_sums(self, data: np.ndarray) -> _GroupSums:
        """``group_sums(data, zeros, arange(n_rows), 1)``: every row in one group (a
        one-article story), the same arrays from fewer steps.

        With one group visited in row order, scipy's visit order is the entries' own
        (CSR) order, so the sort and the group keys are not needed, and the storage
        order (reverse of first visit within the group) is the whole visit reversed.
        """
        n_cols = self.shape[1]
        unique_keys, first, inverse = np.unique(self.col, return_index=True, return_inverse=True)
        values = np.bincount(inverse.ravel(), weights=data, minlength=len(unique_keys))
        total = np.bincount(unique_keys, weights=values, minlength=n_cols)
        stored = np.argsort(first, kind="stable")[::-1]
        stored_col = unique_keys[stored]
        return _GroupSums(
            keys=unique_keys,
            values=values,
            group=np.zeros(len(stored), dtype=unique_keys.dtype),
            col=stored_col,
            stored_values=values[stored],
            n_groups=1,
            n_cols=n_cols,
            total=total,
            canonical=not np.any(np.diff(stored_col) <= 0),
        )


@dataclass(frozen=True, slots=True)
class _GroupSums:
    """A ``group x concept`` matrix of summed sentence vectors (see ``_Entries.group_sums``)."""

    keys: np.ndarray  # group * n_cols + col, sorted
    values: np.ndarray  # per key
    group: np.ndarray  # per entry in scipy's storage order
    col: np.ndarray
    stored_values: np.ndarray
    n_groups: int
    n_cols: int
    total: np.ndarray  # dense column sums, as ``.sum(axis=0)`` (groups in order)
    canonical: bool  # every stored row happens to be sorted (scipy then merges rows)

    def dot(self, x: np.ndarray) -> np.ndarray:
        """``matrix @ x``, summed in storage order as ``csr_matvec`` does."""
        return np.bincount(
            self.group, weights=self.stored_values * x[self.col], minlength=self.n_groups
        )

    def norms_squared(self) -> np.ndarray:
        """``matrix.multiply(matrix).sum(axis=1)``.

        scipy's element-wise product of two non-canonical matrices lists each row in
        the reverse of its storage order (a sorted merge when canonical), and drops
        zeros; the row sums are ``np.add.reduceat`` over that.
        """
        order = np.arange(len(self.group))
        if not self.canonical:
            order = order[_reversed_within_rows(self.group, self.n_groups)]
        squares = self.stored_values[order] * self.stored_values[order]
        keep = squares != 0
        return _row_sums(squares[keep], self.group[order][keep], self.n_groups)

    def dots_with_own(self, entries: _Entries, data: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """``matrix(data).multiply(self[owner]).sum(axis=1)``: each row's dot product
        with its own group's sum, in the order scipy's element-wise product lists the
        common columns (descending unless both operands are canonical)."""
        keys = owner[entries.row] * self.n_cols + entries.col
        position = np.searchsorted(self.keys, keys)
        found = position < len(self.keys)
        found[found] = self.keys[position[found]] == keys[found]
        products = np.zeros(len(keys))
        products[found] = data[found] * self.values[position[found]]
        order = np.arange(len(keys))
        if not self.canonical:
            order = order[_reversed_within_rows(entries.row, entries.shape[0])]
        products = products[order]
        keep = products != 0
        return _row_sums(products[keep], entries.row[order][keep], entries.shape[0])


def _rank(values: np.ndarray) -> np.ndarray:
    """Rank in the story scaled to [0, 1], 0 for the highest (ties: earlier first)."""
    n = len(values)
    # Rounded so that float noise in equal values cannot reorder ties.
    # A stable sort keeps equal values in index order: the order the former
    # ``np.lexsort((np.arange(n), key))`` gave, with one sort instead of two.
    order = np.argsort(-np.round(values, 9), kind="stable")
    ranks = np.empty(n)
    ranks[order] = np.arange(n)
    return ranks / max(n - 1, 1)


def _has_quote(text: str) -> bool:
    return '"' in text or "“" in text or "”" in text


def _is_question(text: str) -> bool:
    return text.rstrip().rstrip("\"'”’").endswith("?")


@dataclass(frozen=True, slots=True)
class _Tokens:
    """Every token of a story's sentences, flattened, as arrays."""

    sentence: np.ndarray  # sentence index of each token
    stem_ids: np.ndarray  # index into ``stems``
    concept_mask: np.ndarray  # content word of two or more characters
    open_mask: np.ndarray  # not a stop word
    digit_mask: np.ndarray  # starts with a digit
    attribution_mask: np.ndarray  # a reporting verb ("said", "according")
    dangling: np.ndarray  # per sentence: opens with a dangling reference
    stems: list[str]
    # ``priors.get(stem, default_prior)`` per stem of ``stems`` when ``_tokenize`` was
    # given the priors, else None.
    stem_prior: np.ndarray | None = None


def _token_info(token: str) -> tuple[str, bool, bool, bool, bool]:
    """(stem, is concept word, is not a stop word, starts with a digit, is a reporting
    verb) of a token.

    Called once per new word of the process-wide vocabulary (``_Vocabulary``). The stem
    is ``text.porter_stem``'s (the same Porter stemmer as ``_stem``), whose memo the
    other stages have mostly filled by the time a story is summarized.
    """
    is_open = token not in STOP_WORDS
    return (
        porter_stem(token),
        is_open and len(token) > 1,
        is_open,
        token[0].isdigit(),
        token in _ATTRIBUTION_WORDS,
    )


class _WordIds(dict):
    """Word -> id, numbering a word it does not hold on first lookup (noted in ``added``).

    ``map(ids.__getitem__, words)`` then looks every token up and numbers the new ones
    in one C-level pass (a dict subclass's ``__getitem__`` calls ``__missing__`` on a
    miss), in order of first appearance: the ids and order a ``dict.fromkeys`` pass
    over the new words gave.
    """

    __slots__ = ("added",)

    def __init__(self) -> None:
        super().__init__()
        self.added: list[str] = []

    def __missing__(self, word: str) -> int:
        index = self[word] = len(self)
        self.added.append(word)
        return index


class _Vocabulary:
    """Process-wide ids of the words seen so far, with each word's stem id and flags.

    Looking a story's tokens up here is one C-level ``map`` over the tokens; only a
    word never seen before costs Python work (``_token_info``). The ids are only a
    lookup: a story numbers its stems by first appearance whatever they are, so the
    tables can be dropped at any time (``_VOCABULARY_LIMIT``) without changing a result.
    """

    def __init__(self) -> None:
        self.ids = _WordIds()
        self.stem_ids: dict[str, int] = {}
        self.stems: list[str] = []
        self.word_stem = np.zeros(1024, dtype=np.int64)
        self.word_flags = np.zeros((1024, 4), dtype=bool)
        # The word prior of each stem (by stem id) for one ``priors`` mapping, filled
        # as stems arrive (see ``stem_priors``).
        self._priors: tuple[Mapping[str, float], int, float] | None = None
        self._stem_prior = np.zeros(0)
        self._scratch = np.zeros(0, dtype=np.int64)  # see ``number_by_first_appearance``

    def lookup(self, words: list[str]) -> np.ndarray:
        """Ids of ``words`` (adding the new ones)."""
        ids = np.fromiter(map(self.ids.__getitem__, words), dtype=np.int64, count=len(words))
        added = self.ids.added
        if added:
            self.ids.added = []
            first_new = len(self.ids) - len(added)
            infos = [_token_info(word) for word in added]
            stem_ids = []
            for info in infos:
                stem_id = self.stem_ids.get(info[0])
                if stem_id is None:
                    stem_id = self.stem_ids[info[0]] = len(self.stems)
                    self.stems.append(info[0])
                stem_ids.append(stem_id)
            size = len(self.ids)
            if size > len(self.word_stem):
                capacity = max(size, 2 * len(self.word_stem))
                self.word_stem = np.resize(self.word_stem, capacity)
                self.word_flags = np.resize(self.word_flags, (capacity, 4))
            self.word_stem[first_new:size] = stem_ids
            self.word_flags[first_new:size] = np.array(
                [info[1:] for info in infos], dtype=bool
            ).reshape(len(infos), 4)
        return ids

    def number_by_first_appearance(self, stem_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the distinct stems of ``stem_ids`` in order of first appearance, each
        position's number in that list).

        What ``np.unique(..., return_index=True, return_inverse=True)`` and a stable
        argsort of the first indexes give, without sorting: a scratch table over the
        vocabulary's stems (all ``_UNSET`` between calls) holds each stem's first
        position, then its number, and is reset.
        """
        if len(self._scratch) < len(self.stems):
            self._scratch = np.full(max(len(self.stems), 2 * len(self._scratch)), _UNSET)
        scratch = self._scratch
        positions = np.arange(len(stem_ids))
        np.minimum.at(scratch, stem_ids, positions)
        firsts = stem_ids[scratch[stem_ids] == positions]
        scratch[firsts] = np.arange(len(firsts))
        numbers = scratch[stem_ids]
        scratch[firsts] = _UNSET
        return firsts, numbers

    def stem_priors(
        self, stem_ids: np.ndarray, priors: Mapping[str, float], default_prior: float
    ) -> np.ndarray:
        """``priors.get(stem, default_prior)`` for the stems of ``stem_ids`` (global ids).

        Each stem is looked up in ``priors`` once per process instead of once per story
        (a dict lookup per stem of every story was 6% of ``analyse``); the table holds
        the very floats ``priors`` does. It is kept for one mapping at a time, the
        model's (immutable), and started afresh for another mapping or default, or
        when the mapping's size changes.
        """
        key = self._priors
        if key is None or key[0] is not priors or key[1] != len(priors) or key[2] != default_prior:
            self._priors = (priors, len(priors), default_prior)
            self._stem_prior = np.zeros(0)
        known = len(self._stem_prior)
        if known < len(self.stems):
            new = np.array(
                list(map(priors.get, self.stems[known:], itertools.repeat(default_prior))),
                dtype=np.float64,
            )
            self._stem_prior = np.concatenate((self._stem_prior, new))
        return self._stem_prior[stem_ids]


#: An empty slot of ``_Vocabulary``'s scratch table (above any position).
_UNSET = np.iinfo(np.int64).max

#: Words the process-wide vocabulary holds before it starts afresh (bounds memory on
#: an endless stream of new names and numbers; a few hundred bytes per word).
_VOCABULARY_LIMIT = 1 << 18
_VOCABULARY = [_Vocabulary()]
_VOCABULARY_LOCK = threading.Lock()


def _tokenize(
    sentences, priors: Mapping[str, float] | None = None, default_prior: float = 0.0
) -> _Tokens:
    # Python work per token is the regex tokenizer and one C-level dict lookup; all
    # that is per distinct word is held in the process-wide vocabulary and spread to
    # the tokens with numpy. With ``priors``, each stem's prior comes from the
    # vocabulary's table too (``_Vocabulary.stem_priors``).
    # Whole-list passes (no numpy item writes per sentence).
    token_lists = [sentence_word_tokens(sentence.text) for sentence in sentences]
    counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    words = list(itertools.chain.from_iterable(token_lists))
    dangling = np.array(
        [bool(tokens) and tokens[0] in DANGLING_STARTS for tokens in token_lists], dtype=float
    )
    with _VOCABULARY_LOCK:
        if len(_VOCABULARY[0].ids) > _VOCABULARY_LIMIT:
            _VOCABULARY[0] = _Vocabulary()
        vocabulary = _VOCABULARY[0]
        word_ids = vocabulary.lookup(words)
        word_stem = vocabulary.word_stem[word_ids]
        flags = vocabulary.word_flags[word_ids]
        all_stems = vocabulary.stems
        # The story's stems are numbered in order of first appearance (the concept
        # columns, and so every sum over a row, follow that order).
        story_stems, stem_ids = vocabulary.number_by_first_appearance(word_stem)
        stem_prior = vocabulary.stem_priors(story_stems, priors, default_prior) if priors else None
    return _Tokens(
        sentence=np.repeat(np.arange(len(sentences)), counts),
        stem_ids=stem_ids,
        concept_mask=flags[:, 0],
        open_mask=flags[:, 1],
        digit_mask=flags[:, 2],
        attribution_mask=flags[:, 3],
        dangling=dangling,
        stems=_items(all_stems, story_stems.tolist()),
        stem_prior=stem_prior,
    )


def _items(values: list[str], indexes: list[int]) -> list[str]:
    """``[values[i] for i in indexes]``, gathered by ``operator.itemgetter`` in C."""
    if len(indexes) > 1:
        return list(operator.itemgetter(*indexes)(values))
    return [values[i] for i in indexes]


def _tfidf_data(entries: _Entries) -> np.ndarray:
    """L2-normalised sublinear TF-IDF values of ``entries``, smoothed IDF as
    ``newsbrief.text.tfidf_matrix``."""
    data = entries.count.copy()
    if not len(data):
        return data
    n_rows, n_cols = entries.shape
    data = 1.0 + np.log(data)
    df = np.bincount(entries.col, minlength=n_cols)
    idf = np.log((1.0 + n_rows) / (1.0 + df)) + 1.0
    data *= idf[entries.col]
    norms = np.sqrt(np.bincount(entries.row, weights=data**2, minlength=n_rows))
    norms[norms == 0] = 1.0
    data /= norms[entries.row]
    return data
