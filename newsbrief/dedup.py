"""Redundancy across sources: which articles state the same thing.

``SentenceSupport`` marks, for every sentence, the articles that carry it: its
own, plus each other article with a sentence whose TF-IDF cosine similarity
(stemmed words and bigrams) reaches ``min_similarity``. Wire copy, syndication
and light rewording score high; two sentences that merely share a topic do not.
The summarizer reads support as evidence of importance and states a fact once;
attribution cites every supporting source.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from newsbrief.model import Article, Story
from newsbrief.text import Stemmer, content_terms, gram_matrix, sentence_vectors, tfidf_matrix


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceSupport:
    """Story stage: fill ``Story.support`` (see module docstring)."""

    name: ClassVar[str] = "sentence-support.v1"
    min_similarity: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError("min_similarity must be in (0, 1]")

    def run(self, story: Story) -> Story:
        """The story with ``support`` filled in."""
        sentences = story.sentences
        if not sentences:
            return replace(story, support=())
        if len({s.article_id for s in sentences}) == 1:
            # One article (close to half the stories of a large pile): nothing can
            # support it but itself, so the similarity matrix is not built.
            return replace(story, support=tuple((s.article_id,) for s in sentences))
        vectors = sentence_vectors(sentences)
        similarity = gram_matrix(vectors)  # vectors @ vectors.T, cheaper
        article_of = np.array([s.article_id for s in sentences], dtype=object)
        supporters: list[set[str]] = [set() for _ in sentences]
        # The strong entries in CSR order, as ``tocoo()`` lists them (row-major, each row
        # in stored order), with their rows looked up from ``indptr`` for those alone
        # instead of building the COO matrix of every entry.
        strong = np.flatnonzero(similarity.data >= self.min_similarity)
        rows = np.searchsorted(similarity.indptr, strong, side="right") - 1
        for row, col in zip(rows, similarity.indices[strong], strict=True):
            if article_of[row] != article_of[col]:
                supporters[row].add(article_of[col])
        support = tuple(
            (sentence.article_id, *sorted(others - {sentence.article_id}))
            for sentence, others in zip(sentences, supporters, strict=True)
        )
        return replace(story, support=support)


# --- article-level copies: verbatim, near-verbatim, spun and compiled ---

#: Spinner synonym swaps folded back before comparing texts (phrase pattern, canonical form).
SPIN_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\brussian federation\b", "russia"),
    (r"\b(?:u\.s\.a\.?|usa|u\.s\.|united states(?: of america)?)(?=\W|$)", "us"),
    (r"\b(?:u\.k\.|united kingdom|great britain)(?=\W|$)", "uk"),
    (r"\b(?:u\.n\.|united nations)(?=\W|$)", "un"),
    (r"\bislamic state\b|\bisil\b|\bdaesh\b", "isis"),
    (r"\bcease-?fire|\btruce\b", "ceasefire"),
    (r"\bpresident\b|\bleader\b|\bhead of state\b", "president"),
    (r"\bsaid\b|\bstated\b|\bsays\b|\bdeclared\b|\bnoted\b", "said"),
)
_SYNONYM_PATTERNS = tuple((re.compile(p, re.I), r) for p, r in SPIN_SYNONYMS)
# The same patterns without re.I, for lower-cased ASCII text: they match exactly where
# the case-insensitive ones do there (the patterns are lower case), at half the cost.
_SYNONYM_PATTERNS_LOWER = tuple((re.compile(p), r) for p, r in SPIN_SYNONYMS)


#: Per synonym pattern, substrings one of which any match that changes the text contains
#: (after lower-casing). A match of the canonical form itself ("said", "president")
#: is replaced by itself, so those two clues are left out: nearly every news article
#: says "said", and the pattern then only runs when a variant ("says") is there.
_SYNONYM_CLUES: tuple[tuple[str, ...], ...] = (
    ("russian federation",),
    ("u.s", "usa", "united states"),
    ("u.k.", "united kingdom", "great britain"),
    ("u.n.", "united nations"),
    ("islamic state", "isil", "daesh"),
    ("cease", "truce"),
    ("leader", "head of state"),
    ("stated", "says", "declared", "noted"),
)


#: Every clue of every pattern: lower-cased ASCII text holding none needs no pattern run.
_ALL_CLUES = tuple(clue for clues in _SYNONYM_CLUES for clue in clues)


def _has_clue(folded: str) -> bool:
    """Whether any clue occurs in ``folded``.

    The clues are literal strings, so this is what one alternation regex of them would
    find; twenty substring searches in C cost about half that regex's scan of a whole
    article (tests/test_speed_round10_story.py compares the two).
    """
    return any(clue in folded for clue in _ALL_CLUES)


def normalize_for_copies(text: str) -> str:
    """Lower-cased text with spinner synonym swaps folded to one form each."""
    return _normalize_for_copies(text, skip=True)


def _copy_terms(text: str, stem: Stemmer) -> list[str]:
    """``content_terms(normalize_for_copies(text), stem)``, sharing the memo when it can.

    For text without any synonym clue (nor a ``_FOLD_HAZARDS`` character) the
    normalised text is ``text.lower()``, whose content terms are those of ``text``
    itself (``word_tokens`` lower-cases, and lower-casing twice changes nothing). Asking for the terms of ``text``
    then reuses, or leaves for, the off-topic filter, the timeline and the
    disagreements, which ask for the terms of the same article and sentence texts.
    """
    folded = text.lower()
    if _literal_matching_is_exact(folded) and not _has_clue(folded):
        # Also for non-ASCII text (a third of news articles: curly quotes, accents):
        # without a hazard character no pattern can match (see ``_normalize_for_copies``),
        # and ``str.lower`` is idempotent (every code point, checked in
        # tests/test_speed_round7.py), so ``word_tokens`` sees the same string.
        return content_terms(text, stem)
    return content_terms(_normalize_folded(folded, skip=True), stem)


def _normalize_for_copies(text: str, *, skip: bool) -> str:
    """``normalize_for_copies``; ``skip=False`` runs every pattern (the reference path)."""
    return _normalize_folded(text.lower(), skip=skip)


#: The characters that case-insensitive matching (``re.I``) lets match one of the
#: patterns' ASCII letters while being another character: dotted and dotless i, the
#: long s and the Kelvin sign (every code point checked in tests/test_speed_round7.py;
#: ``str.lower`` turns the first and last into ASCII, so text holds the other two).
_FOLD_HAZARDS = re.compile("[\u0130\u0131\u017f\u212a]")


def _literal_matching_is_exact(folded: str) -> bool:
    """Whether the lower-case patterns without ``re.I`` match ``folded`` exactly where
    the case-insensitive ones do: always for ASCII, and for any other lower-cased
    text without a ``_FOLD_HAZARDS`` character (``\\b`` and ``\\W`` do not depend on
    ``re.I``; lower-cased text has no upper-case ASCII letter)."""
    return folded.isascii() or _FOLD_HAZARDS.search(folded) is None


def _normalize_folded(folded: str, *, skip: bool) -> str:
    """``_normalize_for_copies`` of a text whose ``str.lower()`` is ``folded``."""
    # Skipping a pattern none of whose clue substrings occurs is exact when the
    # lower-case patterns match literally (``_literal_matching_is_exact``) and saves
    # most regex passes; other text (where case-insensitive matching folds a hazard
    # character onto an ASCII letter) runs every pattern.
    fast = skip and _literal_matching_is_exact(folded)
    if fast and not _has_clue(folded):
        # One search for all clues instead of one per pattern: no pattern would run.
        return folded
    patterns = _SYNONYM_PATTERNS_LOWER if fast else _SYNONYM_PATTERNS
    for (pattern, canonical), clues in zip(patterns, _SYNONYM_CLUES, strict=True):
        if fast and not any(clue in folded for clue in clues):
            continue
        folded = pattern.sub(canonical, folded)
    return folded


@dataclass(frozen=True, slots=True, kw_only=True)
class Copy:
    """Why an article is a copy: of which article, drawing on which, by which test."""

    article_id: str
    duplicate_of: str
    derived_from: tuple[str, ...]
    reason: str  # "verbatim", "contained" or "compiled"
    score: float


def _shingles(text: str, stem: Stemmer, size: int) -> set[str]:
    terms = _copy_terms(text, stem)
    if len(terms) < size:
        return {" ".join(terms)} if terms else set()
    # The same strings as joining each window ``terms[i : i + size]``, without slicing
    # a new list per position (zip stops at the shortest shift: the last full window).
    return set(map(" ".join, zip(*(terms[k:] for k in range(size)), strict=False)))


def _shingle_keys(text: str, stem: Stemmer, size: int) -> set[tuple[str, ...]]:
    """``_shingles`` with each shingle as the tuple of its terms instead of their
    joined text: a one-to-one mapping (a term is a run of ``[a-z0-9]`` or a stem of
    one, never holding the joining space, and a set's shingles all have the same
    number of terms), so set sizes, intersections and unions, hence every Jaccard
    score, are the same, without building and hashing a new string per position."""
    terms = _copy_terms(text, stem)
    if len(terms) < size:
        return {tuple(terms)} if terms else set()
    return set(zip(*(terms[k:] for k in range(size)), strict=False))


def _title_key(title: str | None) -> str | None:
    if not title:
        return None
    key = " ".join(re.findall(r"\w+", normalize_for_copies(title)))
    return key if len(key.split()) >= 4 else None


@dataclass(frozen=True, slots=True, kw_only=True)
class NearDuplicates:
    """Story stage: find articles that copy others and set ``Article.duplicate_of``.

    Three tests, the first that fires wins:

    * **verbatim**: Jaccard similarity of the two articles' word 5-shingles (stemmed,
      stop words out, spinner synonyms folded by ``normalize_for_copies``) reaches
      ``min_jaccard``. Exact for small stories; estimated with datasketch MinHash LSH
      (``num_perm`` permutations) once a story has ``minhash_from`` articles.
    * **contained**: at least ``min_containment`` of the article's sentences have a
      near-verbatim match (TF-IDF cosine >= ``min_sentence_similarity`` after
      folding synonyms) in other articles: a spun or trimmed copy.
    * **compiled**: at least ``min_compiled`` near-verbatim sentences taken from two
      or more other articles, making up ``min_compiled_share`` of it or including
      one from an article whose headline it carries word for word: an aggregator
      page stitched from other reports.

    A copy's sentences leave the story (its originals carry them), so it never
    counts as independent confirmation; attribution lists it under its original as
    "also carried by". Of two mutual copies the later (then the shorter) is the copy.
    """

    name: ClassVar[str] = "near-duplicates.v1"
    kind: ClassVar[str] = "story"
    min_jaccard: float = 0.7
    min_sentence_similarity: float = 0.7
    min_containment: float = 0.5
    min_compiled: int = 3
    min_compiled_share: float = 0.15
    shingle_size: int = 5
    num_perm: int = 128
    minhash_from: int = 30
    max_sentence_articles: int = 2000

    def __post_init__(self) -> None:
        for field_name in (
            "min_jaccard",
            "min_sentence_similarity",
            "min_containment",
            "min_compiled_share",
        ):
            if not 0.0 < getattr(self, field_name) <= 1.0:
                raise ValueError(f"{field_name} must be in (0, 1]")
        if self.shingle_size < 1 or self.num_perm < 16 or self.min_compiled < 1:
            raise ValueError("shingle_size >= 1, num_perm >= 16, min_compiled >= 1 required")

    def find(self, articles: Sequence[Article]) -> dict[str, Copy]:
        """Copies among ``articles`` by article id (originals are not in the result)."""
        if len(articles) < 2:
            return {}
        order = {a.id: rank for rank, a in enumerate(_copy_order(articles))}
        copies = self._verbatim(articles, order)
        if len(articles) <= self.max_sentence_articles:
            copies.update(self._sentence_copies(articles, order, set(copies)))
        return copies

    def run(self, story: Story) -> Story:
        """The story with copies marked and their sentences removed."""
        copies = self.find(story.articles)
        if not copies:
            return story
        articles = tuple(
            replace(
                a,
                duplicate_of=copies[a.id].duplicate_of,
                derived_from=copies[a.id].derived_from,
            )
            if a.id in copies
            else a
            for a in story.articles
        )
        keep = [i for i, s in enumerate(story.sentences) if s.article_id not in copies]
        return replace(
            story,
            articles=articles,
            sentences=tuple(story.sentences[i] for i in keep),
            support=tuple(story.support[i] for i in keep) if story.support else (),
        )

    def _verbatim(self, articles: Sequence[Article], order: dict[str, int]) -> dict[str, Copy]:
        stem = Stemmer()
        pairs: list[tuple[int, int, float]] = []
        if len(articles) >= self.minhash_from:
            pairs = self._minhash_pairs(
                [_shingles(a.text, stem, self.shingle_size) for a in articles]
            )
        else:
            # Exact pairwise Jaccard needs only set sizes: tuples serve (``_shingle_keys``).
            shingles = [_shingle_keys(a.text, stem, self.shingle_size) for a in articles]
            for i, j in itertools.combinations(range(len(articles)), 2):
                union = len(shingles[i] | shingles[j])
                if union:
                    jaccard = len(shingles[i] & shingles[j]) / union
                    if jaccard >= self.min_jaccard:
                        pairs.append((i, j, jaccard))
        copies: dict[str, Copy] = {}
        # Most similar pairs first; the later article of a pair is the copy.
        for i, j, score in sorted(pairs, key=lambda p: -p[2]):
            first, second = sorted((articles[i], articles[j]), key=lambda a: order[a.id])
            if second.id in copies or first.id in copies:
                original = copies[first.id].duplicate_of if first.id in copies else first.id
                if second.id in copies or original == second.id:
                    continue
            else:
                original = first.id
            copies[second.id] = Copy(
                article_id=second.id,
                duplicate_of=original,
                derived_from=(original,),
                reason="verbatim",
                score=round(float(score), 3),
            )
        return copies

    def _minhash_pairs(self, shingles: list[set[str]]) -> list[tuple[int, int, float]]:
        from datasketch import MinHash, MinHashLSH  # imported only for large inputs

        lsh = MinHashLSH(threshold=self.min_jaccard, num_perm=self.num_perm)
        hashes: list[MinHash] = []
        for index, items in enumerate(shingles):
            # Same seed, same permutations: drawing them once, not once per article,
            # gives identical hash values without redoing the random draws.
            minhash = (
                MinHash(
                    num_perm=self.num_perm,
                    seed=1,
                    permutations=hashes[0].permutations,
                    scheme=hashes[0].scheme,
                )
                if hashes
                else MinHash(num_perm=self.num_perm, seed=1)
            )
            minhash.update_batch([s.encode("utf-8") for s in items])
            hashes.append(minhash)
            lsh.insert(str(index), minhash)
        pairs = []
        for i, minhash in enumerate(hashes):
            for key in lsh.query(minhash):
                j = int(key)
                if j > i:
                    score = minhash.jaccard(hashes[j])
                    if score >= self.min_jaccard:
                        pairs.append((i, j, score))
        return pairs

    def _sentence_copies(
        self, articles: Sequence[Article], order: dict[str, int], known: set[str]
    ) -> dict[str, Copy]:
        from newsbrief.text import split_sentences

        stem = Stemmer()
        owner: list[int] = []
        terms: list[list[str]] = []
        for index, article in enumerate(articles):
            for sentence in split_sentences(article.text):
                owner.append(index)
                terms.append(_copy_terms(sentence, stem))
        if not terms:
            return {}
        vectors, _ = tfidf_matrix(terms)
        # vectors @ vectors.T (already CSR: no wrapping copy needed).
        similarity = gram_matrix(vectors)
        owners = np.asarray(owner)
        # Strong pairs straight from the CSR arrays: the product has millions of
        # entries on big stories (any shared word), only thousands reach the threshold,
        # so filter on the values first and look up rows and owners for those alone.
        strong = np.flatnonzero(similarity.data >= self.min_sentence_similarity)
        rows = np.searchsorted(similarity.indptr, strong, side="right") - 1
        cols = similarity.indices[strong]
        different = owners[rows] != owners[cols]
        rows, cols = rows[different], cols[different]
        # matched[i][j]: sentences of article i with a near-verbatim match in article j.
        matched: list[dict[int, set[int]]] = [{} for _ in articles]
        # Grouped with numpy: sort the matching pairs by (article, other article) and
        # cut them into runs (a Python loop over every pair dominated big stories).
        mine, theirs = owners[rows], owners[cols]
        by_pair = np.lexsort((rows, theirs, mine))
        rows, mine, theirs = rows[by_pair], mine[by_pair], theirs[by_pair]
        cuts = np.flatnonzero((np.diff(mine) != 0) | (np.diff(theirs) != 0)) + 1
        starts, ends = np.r_[0, cuts], np.r_[cuts, len(rows)]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if start < end:
                matched[int(mine[start])][int(theirs[start])] = set(rows[start:end].tolist())
        n_sentences = np.bincount(owners, minlength=len(articles))
        titles = [_title_key(a.title) for a in articles]
        copies: dict[str, Copy] = {}
        excluded = {i for i, a in enumerate(articles) if a.id in known}
        # An article's verdict depends on the excluded set only through the articles
        # it shares sentences with: keep verdicts between rounds and redo only those
        # that looked at the newly excluded copy (re-judging every article each round
        # was quadratic in the number of copies).
        verdicts: dict[int, Copy | None] = {}
        while True:
            best: tuple[int, float, Copy] | None = None
            for i, article in enumerate(articles):
                if i in excluded or not n_sentences[i]:
                    continue
                if i not in verdicts:
                    verdicts[i] = self._judge(
                        i, articles, matched[i], n_sentences[i], titles, excluded
                    )
                found = verdicts[i]
                if found is None:
                    continue
                # The latest flagged article is the copy first: of two mutual copies the
                # earlier one then no longer has a source and stays the original.
                key = (order[article.id], found.score)
                if best is None or key > best[:2]:
                    best = (order[article.id], found.score, found)
            if best is None:
                return copies
            copy = best[2]
            copies[copy.article_id] = copy
            newly = next(i for i, a in enumerate(articles) if a.id == copy.article_id)
            excluded.add(newly)
            for i in [i for i in verdicts if newly in matched[i]]:
                del verdicts[i]

    def _judge(
        self,
        index: int,
        articles: Sequence[Article],
        matches: dict[int, set[int]],
        n_sentences: int,
        titles: list[str | None],
        excluded: set[int],
    ) -> Copy | None:
        sources = {j: rows for j, rows in matches.items() if j not in excluded}
        if not sources:
            return None
        covered = set().union(*sources.values())
        share = len(covered) / n_sentences
        twins = [j for j in sources if titles[index] is not None and titles[j] == titles[index]]
        ranked = sorted(sources, key=lambda j: (j not in twins, -len(sources[j]), j))
        if share >= self.min_containment:
            reason = "contained"
        elif (
            len(covered) >= self.min_compiled
            and len(sources) >= 2
            and (share >= self.min_compiled_share or twins)
        ):
            reason = "compiled"
        else:
            return None
        return Copy(
            article_id=articles[index].id,
            duplicate_of=articles[ranked[0]].id,
            derived_from=tuple(articles[j].id for j in ranked),
            reason=reason,
            score=round(float(share), 3),
        )


def _copy_order(articles: Sequence[Article]) -> list[Article]:
    """Who came first: dated before undated, earlier date, longer text, then id."""
    return sorted(articles, key=lambda a: (a.date is None, a.date or "", -len(a.text), a.id))
