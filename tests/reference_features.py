"""Reference for ``newsbrief.summarize.features.analyse``: its scipy.sparse formulation.

This is the analysis as it was before the speed-up (commit c58276b), kept only to test
that the numpy formulation in the package gives bit-for-bit the same results
(``tests/test_speedups.py``). Not part of the package; do not edit except to follow a
deliberate change of the features.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import snowballstemmer

from newsbrief.model import Story
from newsbrief.summarize.features import (
    _ATTRIBUTION_WORDS,
    _ENDINGS,
    DANGLING_STARTS,
    StoryAnalysis,
)
from newsbrief.text import STOP_WORDS, word_tokens

_STEMMER = snowballstemmer.stemmer("porter")
_STEM_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1 << 17)
def _stem(word: str) -> str:
    # Stemming is a pure function of the word and the hot spot of analysis; a
    # bounded memo shared across stories makes it cheap. Snowball stemmer objects
    # keep per-call state, hence the lock.
    with _STEM_LOCK:
        return _STEMMER.stemWord(word)


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
    tokens = _tokenize(sentences)
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
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(n, n_concepts), dtype=np.float64
    )
    counts.sum_duplicates()
    concepts = counts.copy()
    concepts.data[:] = 1.0
    vectors = _tfidf(counts)
    is_bigram = np.arange(n_concepts) >= n_stems

    # Word priors of each sentence's tokens (all tokens, and the non-stop-words).
    stem_prior = np.array([priors.get(stem, default_prior) for stem in stems])
    token_prior = stem_prior[tokens.stem_ids] if len(stems) else np.zeros(0)
    token_count = np.bincount(tokens.sentence, minlength=n).astype(float)
    open_ = tokens.open_mask
    open_count = np.bincount(tokens.sentence[open_], minlength=n).astype(float)
    open_sum = np.bincount(tokens.sentence[open_], weights=token_prior[open_], minlength=n)
    open_max = np.zeros(n)
    np.maximum.at(open_max, tokens.sentence[open_], token_prior[open_])
    all_sum = np.bincount(tokens.sentence, weights=token_prior, minlength=n)
    prior_rows = np.column_stack(
        [
            np.divide(open_sum, open_count, out=np.zeros(n), where=open_count > 0),
            open_max,
            open_sum,
            np.divide(all_sum, token_count, out=np.zeros(n), where=token_count > 0),
        ]
    )

    article_index = {a.id: i for i, a in enumerate(story.articles)}
    owner = np.array([article_index[s.article_id] for s in sentences], dtype=np.int64)
    n_articles = len(story.articles)
    lengths = np.array([s.n_words for s in sentences], dtype=float)
    position = np.array([s.position for s in sentences], dtype=float)

    by_article = sp.csr_matrix(
        (np.ones(n), (owner, np.arange(n))), shape=(n_articles, n), dtype=np.float64
    )
    concept_articles = np.asarray(((by_article @ concepts) > 0).sum(axis=0)).ravel().astype(float)

    # Per-article counts.
    word_offset = np.zeros(n)
    for article in range(n_articles):
        members = np.flatnonzero(owner == article)
        word_offset[members] = np.concatenate(([0.0], np.cumsum(lengths[members])[:-1]))

    # Centrality to the whole story and to the other articles.
    article_sums = by_article @ vectors  # (n_articles, vocab) sum of sentence vectors
    story_sum = np.asarray(article_sums.sum(axis=0)).ravel()
    centrality = _cosine_to(vectors, story_sum)
    other_centrality, dots_own = _cosine_to_others(vectors, article_sums, owner)
    own_norm = np.sqrt(np.asarray(article_sums.multiply(article_sums).sum(axis=1)).ravel())[owner]
    local_centrality = np.divide(dots_own, own_norm, out=np.zeros(n), where=own_norm > 1e-12)

    # How much each article is about what the others are about (off-topic pages score low).
    article_dots = np.asarray(article_sums @ story_sum).ravel()
    article_norm_sq = np.asarray(article_sums.multiply(article_sums).sum(axis=1)).ravel()
    story_sq = float(story_sum @ story_sum)
    article_rest_sq = story_sq - 2 * article_dots + article_norm_sq
    article_rest = np.sqrt(np.where(article_rest_sq > 1e-9 * story_sq, article_rest_sq, 0.0))
    article_denominator = np.sqrt(article_norm_sq) * article_rest
    article_centrality = np.divide(
        article_dots - article_norm_sq,
        article_denominator,
        out=np.zeros(n_articles),
        where=article_denominator > 1e-12,
    )

    # Highest similarity to a sentence of another article.
    similarity = sp.csr_matrix(vectors @ vectors.T)
    pairs = similarity.tocoo()
    other = owner[pairs.row] != owner[pairs.col]
    max_other = np.zeros(n)
    np.maximum.at(max_other, pairs.row[other], pairs.data[other])

    if story.support and n_articles > 1:
        support = np.array([len(s) - 1 for s in story.support], dtype=float) / (n_articles - 1)
    else:
        support = np.zeros(n)

    # Concept weights per word: share of the other articles mentioning each concept.
    spread = (concept_articles - 1.0) / max(n_articles - 1, 1)
    unigram_weight = (concepts @ np.where(is_bigram, 0.0, spread)) / np.maximum(lengths, 1.0)
    bigram_weight = (concepts @ np.where(is_bigram, spread, 0.0)) / np.maximum(lengths, 1.0)

    # What the articles' leads say (news leads state the story's facts).
    lead = (position < 2).astype(float)
    lead_by_article = by_article @ sp.diags(lead) @ vectors
    lead_centrality, _ = _cosine_to_others(vectors, lead_by_article, owner)
    first = position[pairs.col] == 0
    max_lead = np.zeros(n)
    np.maximum.at(max_lead, pairs.row[other & first], pairs.data[other & first])
    attribution = np.array(
        [any(w in _ATTRIBUTION_WORDS for w in word_tokens(s.text)) for s in sentences], dtype=float
    )
    support_count = (
        np.array([len(s) - 1 for s in story.support], dtype=float) if story.support else np.zeros(n)
    )

    digit_count = np.bincount(tokens.sentence[tokens.digit_mask], minlength=n).astype(float)
    surface = np.column_stack(
        [
            np.divide(open_count, token_count, out=np.zeros(n), where=token_count > 0),
            np.divide(digit_count, token_count, out=np.zeros(n), where=token_count > 0),
            np.array([_has_quote(s.text) for s in sentences], dtype=float) * (token_count > 0),
            tokens.dangling,
            np.array([_is_question(s.text) for s in sentences], dtype=float) * (token_count > 0),
        ]
    )

    features = np.column_stack(
        [
            position,
            1.0 / (1.0 + position),
            (position == 0).astype(float),
            word_offset,
            np.full(n, float(n_articles)),
            lengths,
            np.log1p(lengths),
            np.array([s.text.rstrip().endswith(_ENDINGS) for s in sentences], dtype=float),
            centrality,
            _rank(centrality),
            other_centrality,
            _rank(other_centrality),
            support,
            max_other,
            unigram_weight,
            bigram_weight,
            surface[:, 0],
            surface[:, 1],
            surface[:, 2],
            surface[:, 3],
            surface[:, 4],
            local_centrality,
            prior_rows,
            _rank(prior_rows[:, 0]),
            article_centrality[owner],
            lead_centrality,
            max_lead,
            attribution,
            support_count,
        ]
    )
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


def _cosine_to(vectors: sp.csr_matrix, direction: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(direction))
    if norm == 0.0:
        return np.zeros(vectors.shape[0])
    return np.asarray(vectors @ (direction / norm)).ravel()


def _cosine_to_others(
    vectors: sp.csr_matrix, group_sums: sp.csr_matrix, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each row of ``vectors`` to the sum of the *other* groups' rows, and
    each row's dot product with its own group's sum.

    ``group_sums`` holds one summed vector per group (article); ``owner`` maps each
    row to its group. The leave-one-out sum is never built: its dot products and
    norm follow from the total and the group's own sum.
    """
    total = np.asarray(group_sums.sum(axis=0)).ravel()
    dots_own = np.asarray(vectors.multiply(group_sums[owner]).sum(axis=1)).ravel()
    rest_norm_sq = (
        float(total @ total)
        - 2 * np.asarray(group_sums @ total).ravel()
        + np.asarray(group_sums.multiply(group_sums).sum(axis=1)).ravel()
    )
    # Rounding noise of an (almost) empty rest counts as 0 (a deliberate change, 2026-11-23).
    rest_norm_sq = np.where(rest_norm_sq > 1e-9 * float(total @ total), rest_norm_sq, 0.0)
    rest_norm = np.sqrt(rest_norm_sq)[owner]
    cosine = np.divide(
        vectors @ total - dots_own,
        rest_norm,
        out=np.zeros(vectors.shape[0]),
        where=rest_norm > 1e-12,
    )
    return cosine, dots_own


def _rank(values: np.ndarray) -> np.ndarray:
    """Rank in the story scaled to [0, 1], 0 for the highest (ties: earlier first)."""
    n = len(values)
    # Rounded so that float noise in equal values cannot reorder ties.
    order = np.lexsort((np.arange(n), -np.round(values, 9)))
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
    dangling: np.ndarray  # per sentence: opens with a dangling reference
    stems: list[str]


@functools.lru_cache(maxsize=1 << 17)
def _token_info(token: str) -> tuple[str, bool, bool, bool]:
    """(stem, is concept word, is not a stop word, starts with a digit) of a token."""
    with _STEM_LOCK:
        stem = _STEMMER.stemWord(token)
    is_open = token not in STOP_WORDS
    return stem, is_open and len(token) > 1, is_open, token[0].isdigit()


def _tokenize(sentences) -> _Tokens:
    # Python work per token is one dict lookup; everything per distinct word is
    # looked up once and spread to the tokens with numpy.
    words: list[str] = []
    counts = np.zeros(len(sentences), dtype=np.int64)
    dangling = np.zeros(len(sentences))
    for i, sentence in enumerate(sentences):
        tokens = word_tokens(sentence.text)
        if tokens:
            dangling[i] = tokens[0] in DANGLING_STARTS
            counts[i] = len(tokens)
            words.extend(tokens)
    index: dict[str, int] = {}
    word_ids = np.array([index.setdefault(w, len(index)) for w in words], dtype=np.int64)
    infos = [_token_info(w) for w in index]
    stem_index: dict[str, int] = {}
    stem_of_word = np.array(
        [stem_index.setdefault(info[0], len(stem_index)) for info in infos], dtype=np.int64
    )
    flags = np.array([info[1:] for info in infos], dtype=bool).reshape(len(infos), 3)
    return _Tokens(
        sentence=np.repeat(np.arange(len(sentences)), counts),
        stem_ids=stem_of_word[word_ids] if len(words) else np.zeros(0, dtype=np.int64),
        concept_mask=flags[word_ids, 0],
        open_mask=flags[word_ids, 1],
        digit_mask=flags[word_ids, 2],
        dangling=dangling,
        stems=list(stem_index),
    )


def _tfidf(counts: sp.csr_matrix) -> sp.csr_matrix:
    """L2-normalised sublinear TF-IDF rows, smoothed IDF as ``newsbrief.text.tfidf_matrix``."""
    matrix = counts.copy()
    if not matrix.nnz:
        return matrix
    matrix.data = 1.0 + np.log(matrix.data)
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1.0 + matrix.shape[0]) / (1.0 + df)) + 1.0
    matrix.data *= idf[matrix.indices]
    norms = np.sqrt(np.bincount(_row_of(matrix), weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data /= norms[_row_of(matrix)]
    return matrix


def _row_of(matrix: sp.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
