"""Stories: grouping a mixed pile of articles, in one batch or as a stream.

Representation. Each article becomes a TF-IDF vector with sublinear term
frequency over hashed features (CRC-32 of each term, stable everywhere): words
minus stop words, plus extra features for title words and for capitalised words
in mid-sentence (names, places, organisations), which say more about *which*
event an article reports than common words do. Hashing instead of a fitted
vocabulary keeps the feature space fixed, so partitions of a large pile (or the
arrivals of a stream) share it, and document frequencies from separate
partitions simply add up (``document_frequencies``).

Batch grouping (``group_stories``):

1. candidates without all pairs: the sparse product of the vectors with the very
   common features removed (too frequent to tell stories apart, and the only
   thing that would make the product quadratic), in row blocks, keeping each
   article's ``n_neighbors`` most similar articles. A pile of at most
   ``exact_pairs_up_to`` articles (a user's folder) scores every pair instead:
   there the search's "heaviest features" are mostly words of one article only,
   so it would miss pairs that share the story's common words, and a missed pair
   counts as 0 in the average link;
2. exact cosine similarity for those candidate pairs; pairs whose dates are both
   known and further apart than ``max_days`` are dropped (time proximity);
3. short articles are expanded with their nearest neighbours
   (``StoryGrouper.expanded_similarities``): a 60-word article shares few words
   even with its own story's other articles, so it borrows the vectors of its two
   most similar candidates if they are close enough to join a story on their own
   (pseudo-relevance feedback), the shorter the article the more, and the
   candidate pairs are scored again on the expanded vectors;
4. each pair's similarity is discounted by how crowded its two articles'
   neighbourhoods are (``StoryGrouper.adjusted_similarities``): 0.18 between two
   articles of a busy topic, each 0.15-alike to twenty others, is weaker evidence
   than 0.18 between two articles that resemble nothing else;
5. average-link agglomeration over that sparse graph (a missing pair counts as
   similarity 0) until no two groups are on average at least ``threshold``
   similar. Average link, not single link: a story absorbs an article only if the
   article resembles the story as a whole, which stops one generic article
   chaining unrelated stories together.

Streaming grouping (``StoryStream``) assigns each arriving article to the active
story whose members it resembles most on average (the same average-link
criterion on plain cosine, against a running sum of member vectors; an arriving
article's neighbourhood is not known yet, so there is neither expansion nor
density correction), or
opens a new story;
stories not updated within the window (articles or days) are closed and
forgotten, so memory stays bounded on an endless feed.

Non-articles (``newsbrief.nonarticle``) are set aside before grouping: each
becomes its own group flagged with the reason, never glue between stories.

Scaling out. Every step works on parts of a pile and merges deterministically:
``term_counts`` and ``vectors`` are per article; ``document_frequencies`` of
partitions add up; ``neighbour_edges`` handles any block of rows against the
broadcast ``candidate_vectors`` and gives the same pairs wherever it runs (ties
broken by column); the union of all blocks' pairs goes to ``average_link``,
which numbers articles by id, so the partition does not depend on how the pile
was split or ordered.

Only numpy and scipy are needed: no fitted vocabulary, no scikit-learn import
(about a second of start-up that ``newsbrief brief`` should not pay).
"""

from __future__ import annotations

import heapq
import itertools
import re
import zlib
from array import array
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from newsbrief.errors import NewsbriefError
from newsbrief.model import Article, parse_iso_date, stable_id
from newsbrief.nonarticle import DEFAULT_MIN_WORDS, check_text
from newsbrief.text import STOP_WORDS

#: Hashed feature space (2**20 columns: collisions are rare at news vocabulary sizes).
N_FEATURES = 2**20
# A capitalised word that does not start a sentence: a name, most of the time.
# Stream: an article is scored against the open stories sharing most of its
# CANDIDATE_FEATURES heaviest features, at most MAX_CANDIDATE_STORIES of them.
CANDIDATE_FEATURES = 15
MAX_CANDIDATE_STORIES = 30
# Batch: pairs less similar than this share of the threshold are left out of the
# agglomeration (treated as 0, like pairs the candidate search never found).
WEAK_PAIR_SHARE = 0.4
# Batch: at most about this many entries in one row block's candidate product
# (about 60 MB of sparse matrix), whatever the size of the pile.
_BLOCK_ENTRIES = 5_000_000
# Rows per block when building the expanded vectors of short articles.
_EXPAND_ROWS = 10_000
# Entries per chunk of element-wise work on the whole pile's matrix.
_CHUNK = 2_000_000
# Rows up to which the expansion's pair cosines come from one dense all-pairs
# product (at most 2,000**2 float32, 16 MB) rather than from both rows of every pair.
_PRODUCT_ROWS = 2_000
_TOKEN = re.compile(r"[^\W_]+")
_FIRST_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|$)", re.S)
_CAPITALISED = re.compile(r"(?<![.!?\"“'‘(]\s)(?<!^)\b[A-Z][a-zA-Z'’-]{2,}")


class MixedStoriesError(NewsbriefError):
    """A pile meant to be one story holds several; the message says what to do."""

    def __init__(self, stories: tuple[tuple[str, int], ...]) -> None:
        listing = "; ".join(f"{label!r} ({size} articles)" for label, size in stories[:3])
        more = f" and {len(stories) - 3} more" if len(stories) > 3 else ""
        super().__init__(
            f"the input holds {len(stories)} separate stories ({listing}{more}): run "
            "'newsbrief stories' to brief each, or 'newsbrief brief --largest' to brief "
            "the largest"
        )
        self.stories = stories


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryGroup:
    """One story found in a pile: its articles (ids, in input order) and a label.

    ``non_article`` is set (to the reason) for a group holding one document that is
    not an article; such groups are never merged with anything.
    """

    id: str
    article_ids: tuple[str, ...]
    label: str
    non_article: str | None = None

    @property
    def size(self) -> int:
        """Number of articles in the story."""
        return len(self.article_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grouping:
    """The result of grouping a pile: stories largest first, singletons and non-articles last."""

    groups: tuple[StoryGroup, ...]
    #: Notes for the user (duplicate ids, empty texts...), one line each.
    notes: tuple[str, ...] = ()

    def story_of(self) -> dict[str, str]:
        """Article id -> story id."""
        return {aid: g.id for g in self.groups for aid in g.article_ids}

    @property
    def stories(self) -> tuple[StoryGroup, ...]:
        """Groups of real articles (non-article groups left out)."""
        return tuple(g for g in self.groups if g.non_article is None)

    @property
    def non_articles(self) -> tuple[StoryGroup, ...]:
        """One group per document found not to be an article."""
        return tuple(g for g in self.groups if g.non_article is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryGrouper:
    """Settings of story grouping (see the module docstring for the method).

    ``threshold`` is the least average (expanded, density-corrected) cosine
    similarity at which two groups merge; ``plain_threshold`` replaces it when the
    pairs are not expanded (``expansion_weight`` 0, or ``merge_pairs`` called
    without vectors); ``stream_threshold`` is the least average plain cosine
    similarity of an arriving article to a story's members for the stream to add it
    there. Defaults were tuned on piles of Multi-News *train* clusters (see
    docs/benchmarks.md), never on val.
    """

    name: ClassVar[str] = "tfidf-avglink.v3"
    threshold: float = 0.20
    plain_threshold: float = 0.11
    stream_threshold: float = 0.16
    n_neighbors: int = 20
    #: Neighbourhood density: the mean of an article's this many best similarities.
    density_neighbors: int = 20
    #: Densities below this leave a pair's similarity as it is (small piles, rare topics).
    density_floor: float = 0.08
    #: How much of the density above the floor a pair's similarity loses (0: plain cosine).
    density_weight: float = 1.0
    #: Short-article expansion: an article adds up to this share of the (cosine-weighted)
    #: sum of its ``expansion_neighbors`` most similar candidates' vectors (0: off).
    expansion_weight: float = 1.0
    expansion_neighbors: int = 2
    #: Articles with at most this many distinct features get the full ``expansion_weight``;
    #: longer ones get it scaled by this number over theirs.
    expansion_features: int = 40
    #: Only partners at least this similar (plain cosine) are borrowed from.
    expansion_min_similarity: float = 0.11
    #: Articles dated further apart than this never share a story (None: ignore dates).
    max_days: int | None = 7
    #: Weight of a title word, relative to a body word.
    title_weight: float = 2.0
    #: Weight of a capitalised mid-sentence word (a likely name), on top of the word itself.
    name_weight: float = 1.0
    #: Features in more than this share of articles are left out of candidate search.
    max_candidate_df: float = 0.02
    #: ... and never features in more than this many articles (keeps the search linear).
    max_candidate_count: int = 500
    #: Only an article's this many heaviest features are used to find its candidates.
    candidate_terms: int = 30
    #: Piles of at most this many articles score every pair (exact, and cheap there).
    exact_pairs_up_to: int = 300
    #: Remove non-articles before grouping (recommended: they glue stories together).
    detect_non_articles: bool = True
    min_article_words: int = DEFAULT_MIN_WORDS
    #: Stream window: stories not updated within this many articles are closed.
    window_articles: int = 5000
    #: Stream window in days (used when articles are dated).
    window_days: int = 7

    def __post_init__(self) -> None:
        for attribute in ("threshold", "plain_threshold", "stream_threshold"):
            value = getattr(self, attribute)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{attribute} must be in (0, 1], got {value}")
        if self.n_neighbors < 1 or self.density_neighbors < 1:
            raise ValueError("n_neighbors and density_neighbors must be at least 1")
        if self.density_weight < 0 or self.density_floor < 0:
            raise ValueError("density_weight and density_floor must not be negative")
        if self.expansion_weight < 0 or self.expansion_neighbors < 1 or self.expansion_features < 1:
            raise ValueError(
                "expansion_weight must not be negative; expansion_neighbors and "
                "expansion_features must be at least 1"
            )
        if self.window_articles < 1 or self.window_days < 1:
            raise ValueError("stream windows must be at least 1")

    # -- representation -------------------------------------------------

    def features(self, text: str, title: str | None = None) -> dict[int, float]:
        """Hashed, weighted term counts of one article (before sublinear scaling).

        Words are lower-cased letter/digit runs minus stop words (numbers only from
        three digits up: years, tolls, flight numbers); a capitalised mid-sentence
        word also counts as a separate name feature; title words count
        ``title_weight`` times.
        """
        counts: dict[int, float] = {}
        for token in _TOKEN.findall(text.lower()):
            if token in STOP_WORDS or len(token) < 2 or (token.isdigit() and len(token) < 3):
                continue
            key = _hash(token)
            counts[key] = counts.get(key, 0.0) + 1.0
        if self.name_weight > 0:
            for name in _CAPITALISED.findall(text):
                key = _hash("name:" + name.lower())
                counts[key] = counts.get(key, 0.0) + self.name_weight
        if title and self.title_weight > 0:
            for token in _TOKEN.findall(title.lower()):
                if token not in STOP_WORDS and len(token) > 1:
                    key = _hash(token)
                    counts[key] = counts.get(key, 0.0) + self.title_weight
        return counts

    def term_counts(self, texts: Sequence[str], titles: Sequence[str | None]) -> sp.csr_matrix:
        """Rows of sublinear term counts (``1 + log tf``) over the hashed features."""
        # Typed arrays, not lists: 150k articles make ~15M entries, which as Python
        # int/float objects alone would take over half a gigabyte.
        indptr = array("q", [0])
        indices = array("i")
        data = array("f")
        for text, title in zip(texts, titles, strict=True):
            counts = self.features(text, title)
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (
                # Views on the typed arrays: no second copy of the data.
                np.frombuffer(data, dtype=np.float32),
                np.frombuffer(indices, dtype=np.int32),
                np.frombuffer(indptr, dtype=np.int64),
            ),
            shape=(len(texts), N_FEATURES),
        )
        matrix.sum_duplicates()
        matrix.data = 1.0 + np.log(np.maximum(matrix.data, 1.0))
        return matrix

    def vectors(self, counts: sp.csr_matrix, df: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows from ``term_counts`` and document frequencies."""
        idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        matrix = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        for lo in range(0, matrix.nnz, _CHUNK):
            # In chunks: a whole-matrix idf[indices] temporary is as big as the data.
            matrix.data[lo : lo + _CHUNK] *= idf[matrix.indices[lo : lo + _CHUNK]]
        return _normalize_rows(matrix, copy=False)

    # -- batch ----------------------------------------------------------

    def group(self, articles: Sequence[Article]) -> Grouping:
        """Group ``articles`` into stories (see ``group_stories``)."""
        notes: list[str] = []
        articles = _unique_ids(articles, notes)
        usable: list[Article] = []
        texts: list[str] = []
        groups: list[StoryGroup] = []
        for article in articles:
            if not article.text.strip():
                notes.append(f"{article.source}: empty text, left out of stories")
                groups.append(_non_article_group(article, "empty text"))
                continue
            text = article.text
            if self.detect_non_articles:
                check = check_text(text, min_words=self.min_article_words)
                if not check.is_article:
                    groups.append(_non_article_group(article, check.reason or "not an article"))
                    continue
                text = check.text
            usable.append(article)
            texts.append(text)
        n_non = len(groups)
        if n_non:
            notes.append(f"{n_non} document(s) are not articles and were left out of stories")
        labels = self.assign(usable, texts)
        stories = _groups_from_labels(usable, texts, labels)
        return Grouping(groups=_ordered(stories + groups), notes=tuple(notes))

    def assign(self, articles: Sequence[Article], texts: Sequence[str] | None = None) -> np.ndarray:
        """A story number for each article (no non-article detection; texts default to
        the articles' texts). Numbers are canonical: the same set of articles gets the
        same partition whatever order it comes in."""
        n = len(articles)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        texts = list(texts) if texts is not None else [a.text for a in articles]
        # Work in id order throughout (neighbour ties, merge order), so the result
        # does not depend on the order the articles came in.
        order = sorted(range(n), key=lambda i: (articles[i].id, i))
        ordered = [articles[i] for i in order]
        counts = self.term_counts([texts[i] for i in order], [a.title for a in ordered])
        df = document_frequencies(counts)
        vectors = self.vectors(counts, df, n)
        del counts  # peak memory: only one copy of the big matrix at a time
        rows, cols, sims = self._neighbour_graph(vectors, df, n)
        merged = self.merge_pairs(ordered, rows, cols, sims, vectors=vectors)
        labels = np.empty(n, dtype=np.int64)
        labels[order] = merged
        return _canonical_labels(labels)

    def merge_pairs(
        self,
        articles: Sequence[Article],
        rows: np.ndarray,
        cols: np.ndarray,
        sims: np.ndarray,
        *,
        density: np.ndarray | None = None,
        vectors: sp.csr_matrix | None = None,
    ) -> np.ndarray:
        """Story numbers from scored candidate pairs: the date rule (pairs dated more
        than ``max_days`` apart are dropped), short-article expansion
        (``expanded_similarities``, only when ``vectors`` are given), the
        neighbourhood-density correction (``adjusted_similarities``), then average
        link at ``threshold`` (``plain_threshold`` without expansion).

        ``rows``/``cols`` index ``articles``, which must already be in the order the
        merge should see (``assign`` passes id order so results do not depend on
        input order). Missing pairs count as similarity 0. This is the entry point
        for engines that find candidate pairs their own way (``newsbrief.distributed``).
        ``density`` (per article, see ``neighbourhood_density``) defaults to the one
        the pairs given imply; an engine that merges one block of a larger pile
        should pass densities measured on the whole pile, since a block holds few of
        an article's neighbours. ``vectors`` (the articles' rows of ``vectors``, in
        the order of ``articles``) enable the expansion; without them the pairs are merged at
        ``plain_threshold``, the v2 rule.
        """
        rows, cols, sims = _drop_distant_pairs(rows, cols, sims, articles, self.max_days)
        threshold = self.plain_threshold
        if vectors is not None and self.expansion_weight > 0:
            sims = self.expanded_similarities(vectors, rows, cols, sims)
            threshold = self.threshold
        sims = self.adjusted_similarities(len(articles), rows, cols, sims, density=density)
        # Pairs far below the threshold barely move a group average but cost memory
        # in the agglomeration; they count as 0 like the pairs never found.
        strong = sims >= threshold * WEAK_PAIR_SHARE
        return average_link(len(articles), rows[strong], cols[strong], sims[strong], threshold)

    def expanded_similarities(
        self, vectors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray
    ) -> np.ndarray:
        """Cosine similarities of the pairs after expanding short articles.

        Each article's vector gains ``expansion_weight`` times the cosine-weighted
        sum of its ``expansion_neighbors`` most similar partners among the pairs
        given (only partners at least ``expansion_min_similarity`` alike: the default,
        the plain merge threshold, keeps an article from borrowing words of a story
        it would not join anyway), scaled down for long articles (full weight up to
        ``expansion_features`` distinct features, then that number over the
        article's), and is normalised again. Why: a short article (the 50-word cuts
        of wire stories, a caption-length item) shares only a handful of words even
        with its own story's other reports, so its plain cosine to them is low and
        noisy; borrowing the vocabulary of its nearest neighbours (pseudo-relevance
        feedback, Rocchio 1971) lets it meet its story's other members on the
        words they all use. Long articles already carry that vocabulary, and
        expanding them too only blurs stories together (measured: no gain when
        every article gets the full weight). Only the given pairs are scored
        again; ``vectors`` are rows in the order the pairs index.
        """
        n = vectors.shape[0]
        if len(sims) == 0 or self.expansion_weight == 0:
            return sims
        length = np.diff(vectors.indptr).astype(np.float32)
        share = self.expansion_weight * np.minimum(
            1.0, self.expansion_features / np.maximum(length, 1.0)
        )
        # Each article's best partners: both ends of every pair, sorted by article,
        # then similarity high to low, then partner (a stable tie-break).
        nodes = np.concatenate([rows, cols])
        partners = np.concatenate([cols, rows])
        values = np.concatenate([sims, sims]).astype(np.float32)
        order = np.lexsort((partners, -values, nodes))
        nodes, partners, values = nodes[order], partners[order], values[order]
        del order
        starts = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1]])
        rank = np.arange(len(nodes)) - np.repeat(starts, np.diff(np.r_[starts, len(nodes)]))
        top = (rank < self.expansion_neighbors) & (values > 0)
        top &= values >= self.expansion_min_similarity
        nodes, partners, values = nodes[top], partners[top], values[top]
        feedback = sp.csr_matrix(
            (values * share[nodes], (nodes, partners)), shape=(n, n), dtype=np.float32
        )

        def expand(start: int) -> sp.csr_matrix:
            stop = start + _EXPAND_ROWS
            return sp.csr_matrix(vectors[start:stop] + feedback[start:stop] @ vectors)

        if n <= _EXPAND_ROWS:
            # One row block (every block of ``newsbrief batch``, every pile of a user's
            # folder): no need for the passes below, which compute each product twice,
            # nor for slicing out the rows: ``vectors[0:n]`` and ``feedback[0:n]`` hold
            # the same arrays as the matrices themselves, so the sum is the same.
            whole = sp.csr_matrix(vectors + feedback @ vectors)
            return _expanded_pair_cosines(_normalize_rows(whole, copy=False), rows, cols)
        # Two passes over row blocks, counting then filling: the expanded matrix is
        # about twice the size of the vectors, and stacking a list of blocks would
        # hold it twice at once (on a 150k pile, ~200 MB more at the peak).
        starts = range(0, n, _EXPAND_ROWS)
        sizes = np.array([expand(start).nnz for start in starts], dtype=np.int64)
        offsets = np.r_[0, np.cumsum(sizes)]
        data = np.empty(int(offsets[-1]), dtype=np.float32)
        indices = np.empty(int(offsets[-1]), dtype=np.int32)
        indptr = np.zeros(n + 1, dtype=np.int64)
        for number, start in enumerate(starts):
            block = expand(start)
            lo, hi = offsets[number], offsets[number + 1]
            data[lo:hi] = block.data
            indices[lo:hi] = block.indices
            indptr[start + 1 : start + block.shape[0] + 1] = lo + block.indptr[1:]
        matrix = sp.csr_matrix((data, indices, indptr), shape=vectors.shape)
        return _expanded_pair_cosines(_normalize_rows(matrix, copy=False), rows, cols)

    def adjusted_similarities(
        self,
        n: int,
        rows: np.ndarray,
        cols: np.ndarray,
        sims: np.ndarray,
        *,
        density: np.ndarray | None = None,
    ) -> np.ndarray:
        """Cosine similarities corrected for how crowded each article's neighbourhood is.

        An article's density is the mean of its ``density_neighbors`` highest
        similarities among the pairs given (missing ones count as 0), floored at
        ``density_floor``; a pair loses ``density_weight`` times the part of its two
        articles' mean density above that floor. An article about a busy topic
        (one more election poll, another market report) resembles dozens of others
        at 0.15-0.2, so such a similarity says little; the same 0.15 between two
        articles that resemble nothing else says a lot. The floor keeps small piles
        and articles in sparse regions on the uncorrected scale: there the merge
        threshold applies to the (expanded) cosine as it is. (The correction is CSLS of
        Conneau et al., 2018, with a floor.) ``density`` overrides the densities
        computed from the pairs given.
        """
        if self.density_weight == 0 or len(sims) == 0:
            return sims
        if density is None:
            density = neighbourhood_density(n, rows, cols, sims, self.density_neighbors)
        density = np.maximum(density, self.density_floor)
        excess = 0.5 * (density[rows] + density[cols]) - self.density_floor
        return sims - self.density_weight * excess

    def candidate_vectors(self, vectors: sp.csr_matrix, df: np.ndarray) -> sp.csr_matrix:
        """The vectors used to search candidates: common features out, top features only.

        Features in more than ``max_candidate_df`` of the articles (and never more
        than ``max_candidate_count`` articles) cannot single out a story and are
        what would make the search quadratic; keeping each article's
        ``candidate_terms`` heaviest features bounds the work per article, so the
        search grows about linearly with the pile.
        """
        n = vectors.shape[0]
        max_df = min(max(50, int(self.max_candidate_df * n)), self.max_candidate_count)
        allowed = df <= max_df
        blocks = []
        for start in range(0, n, 10_000):
            # Row blocks keep the temporaries small; the result has at most
            # ``candidate_terms`` entries a row.
            block = sp.csr_matrix(vectors[start : start + 10_000], copy=True)
            block.data[~allowed[block.indices]] = 0.0
            block.eliminate_zeros()
            blocks.append(_top_per_row(block, self.candidate_terms))
        if not blocks:
            return sp.csr_matrix(vectors.shape, dtype=np.float32)
        return _normalize_rows(sp.csr_matrix(sp.vstack(blocks, format="csr")), copy=False)

    def neighbour_edges(
        self, candidates: sp.csr_matrix, candidates_t: sp.csr_matrix, start: int, stop: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (row, neighbour) for rows ``start:stop``: each row's
        ``n_neighbors`` best by candidate score. Rows are independent of one another,
        so blocks can run anywhere (a Dask task per block) and give the same pairs."""
        k = self.n_neighbors
        product = (candidates[start:stop] @ candidates_t).tocsr()
        _zero_self(product, start)
        product.eliminate_zeros()
        out_rows: list[np.ndarray] = []
        out_cols: list[np.ndarray] = []
        for local in range(stop - start):
            lo, hi = product.indptr[local], product.indptr[local + 1]
            if lo == hi:
                continue
            data = product.data[lo:hi]
            idx = product.indices[lo:hi]
            if hi - lo > k:
                # Stable tie-break: sort by (-score, column) so ties never depend on layout.
                top = np.lexsort((idx, -data))[:k]
                idx = idx[top]
            out_rows.append(np.full(len(idx), start + local, dtype=np.int64))
            out_cols.append(idx.astype(np.int64))
        if not out_rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(out_rows), np.concatenate(out_cols)

    def _neighbour_graph(
        self, vectors: sp.csr_matrix, df: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each article's ``n_neighbors`` most similar others, with exact cosine similarity
        (every pair with a shared feature in a pile of at most ``exact_pairs_up_to``)."""
        if n <= self.exact_pairs_up_to:
            return _all_pairs(vectors)
        candidates = self.candidate_vectors(vectors, df)
        candidates_t = candidates.T.tocsr()
        # Row blocks sized so that one block's product holds at most about
        # _BLOCK_ENTRIES entries (an upper bound from the features' frequencies).
        column_df = np.diff(candidates_t.indptr)
        row_cost = np.asarray(
            sp.csr_matrix(
                (np.ones(candidates.nnz), candidates.indices, candidates.indptr),
                shape=candidates.shape,
            )
            @ column_df
        ).ravel()
        edges_rows: list[np.ndarray] = []
        edges_cols: list[np.ndarray] = []
        start = 0
        cumulative = np.cumsum(row_cost)
        while start < n:
            base = cumulative[start - 1] if start else 0
            stop = int(np.searchsorted(cumulative, base + _BLOCK_ENTRIES, side="right"))
            stop = min(n, max(stop, start + 1))
            rows, cols = self.neighbour_edges(candidates, candidates_t, start, stop)
            edges_rows.append(rows)
            edges_cols.append(cols)
            start = stop
        rows = np.concatenate(edges_rows) if edges_rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(edges_cols) if edges_cols else np.zeros(0, dtype=np.int64)
        # Symmetric and unique: keep each unordered pair once.
        low, high = np.minimum(rows, cols), np.maximum(rows, cols)
        pairs = np.unique(low * n + high)
        rows, cols = pairs // n, pairs % n
        return rows, cols, _pair_cosines(vectors, rows, cols)

    # -- stream ---------------------------------------------------------

    def stream(self) -> StoryStream:
        """A fresh incremental grouper with these settings."""
        return StoryStream(self)


def group_stories(articles: Iterable[Article], grouper: StoryGrouper | None = None) -> Grouping:
    """Group a mixed pile of articles into stories, largest first.

    Non-articles (failed downloads, notices) and empty texts are set aside as
    flagged one-document groups; duplicate ids are kept once, with a note.

    >>> from newsbrief.cluster import group_stories          # doctest: +SKIP
    >>> for story in group_stories(articles).stories:         # doctest: +SKIP
    ...     print(story.size, story.label)
    """
    return (grouper or StoryGrouper()).group(list(articles))


def document_frequencies(counts: sp.csr_matrix) -> np.ndarray:
    """How many rows of ``counts`` have each feature (partition results add up)."""
    return np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.int64)


def average_link(
    n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, threshold: float
) -> np.ndarray:
    """Average-link agglomeration over a sparse similarity graph.

    Pairs absent from the graph count as similarity 0. Repeatedly merges the two
    groups with the highest mean pairwise similarity while it is at least
    ``threshold``; ties go to the lowest node numbers, so the result is
    deterministic. Returns a group number (a member's node number) for each node.
    """
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    heap: list[tuple[float, int, int]] = []
    keep = (rows != cols) & (sims > 0)
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    for lo in range(0, len(rows), 100_000):
        # In slices: Python lists of every pair at once would dominate peak memory.
        hi = lo + 100_000
        for i, j, s in zip(
            rows[lo:hi].tolist(), cols[lo:hi].tolist(), sims[lo:hi].tolist(), strict=True
        ):
            neighbours[i][j] = s
            neighbours[j][i] = s
            if s >= threshold:
                heap.append((-s, min(i, j), max(i, j)))
    size = [1] * n
    parent = list(range(n))
    heapq.heapify(heap)
    alive = [True] * n
    while heap:
        negative, i, j = heapq.heappop(heap)
        if not (alive[i] and alive[j]):
            continue
        total = neighbours[i].get(j)
        if total is None or total / (size[i] * size[j]) != -negative:
            continue  # stale entry: a later merge changed this pair
        # Merge the group with fewer neighbours into the other (cheaper dict updates).
        keep, gone = (i, j) if len(neighbours[i]) >= len(neighbours[j]) else (j, i)
        alive[gone] = False
        parent[gone] = keep
        kept = neighbours[keep]
        del kept[gone]
        for other, s in neighbours[gone].items():
            if other == keep:
                continue
            other_nb = neighbours[other]
            del other_nb[gone]
            combined = kept.get(other, 0.0) + s
            kept[other] = combined
            other_nb[keep] = combined
        neighbours[gone] = {}
        size[keep] += size[gone]
        for other, total in kept.items():
            mean = total / (size[keep] * size[other])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(keep, other), max(keep, other)))
    # Resolve each node to its surviving group.
    labels = np.arange(n, dtype=np.int64)
    for node in range(n):
        root = node
        while parent[root] != root:
            root = parent[root]
        labels[node] = root
    return labels


# -- streaming -------------------------------------------------------------


@dataclass(slots=True)
class _OpenStory:
    id: str
    number: int
    total: dict[int, float]  # sum of member vectors (feature -> weight)
    size: int
    last_seen: int  # arrival number of the latest member
    last_date: date | None
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """The stream's decision for one article."""

    article_id: str
    story_id: str
    story_size: int  # size of the story after adding this article (0 for a duplicate)
    new_story: bool
    similarity: float  # mean similarity to the story's earlier members (0 for a new story)
    non_article: str | None = None
    #: True when this id was already assigned (the earlier story id is repeated).
    duplicate: bool = False


@dataclass(slots=True)
class StoryStream:
    """Incremental story grouping with bounded memory (see the module docstring).

    ``add(article)`` returns the ``Assignment`` at once. Document frequencies are
    counted over everything seen (a fixed-size array of hashed features, so also
    bounded); open stories and their index are limited to the window.
    """

    grouper: StoryGrouper
    _df: np.ndarray = field(init=False)
    _n_docs: int = field(init=False, default=0)
    _n_seen: int = field(init=False, default=0)
    _stories: dict[int, _OpenStory] = field(init=False, default_factory=dict)
    _postings: dict[int, set[int]] = field(init=False, default_factory=dict)
    _recent: deque[tuple[int, int]] = field(init=False, default_factory=deque)
    _next_number: int = field(init=False, default=0)
    # Recent article id -> story id, to recognise re-sent articles (bounded like the window).
    _assigned: OrderedDict[str, str] = field(init=False, default_factory=OrderedDict)
    _latest_date: date | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._df = np.zeros(N_FEATURES, dtype=np.int32)

    @property
    def n_open(self) -> int:
        """Stories currently open (inside the window)."""
        return len(self._stories)

    def add(self, article: Article) -> Assignment:
        """Assign one arriving article to an open story or a new one."""
        assignment = self._assign(article)
        if not assignment.duplicate:
            self._assigned[article.id] = assignment.story_id
            while len(self._assigned) > 2 * self.grouper.window_articles:
                self._assigned.popitem(last=False)
        return assignment

    def _assign(self, article: Article) -> Assignment:
        g = self.grouper
        self._n_seen += 1
        earlier = self._assigned.get(article.id)
        if earlier is not None:
            # The same article again (a feed re-sends items): same story, no double count.
            return Assignment(
                article_id=article.id,
                story_id=earlier,
                story_size=0,
                new_story=False,
                similarity=1.0,
                duplicate=True,
            )
        text = article.text
        reason = None if text.strip() else "empty text"
        if reason is None and g.detect_non_articles:
            check = check_text(text, min_words=g.min_article_words)
            reason, text = check.reason, check.text
        if reason is not None:
            return Assignment(
                article_id=article.id,
                story_id=f"x-{stable_id(article.id)}",
                story_size=1,
                new_story=True,
                similarity=0.0,
                non_article=reason,
            )
        when = parse_iso_date(article.date)
        if when is not None and (self._latest_date is None or when > self._latest_date):
            self._latest_date = when
        self._expire()
        counts = g.features(text, article.title)
        features = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        self._df[features] += 1
        self._n_docs += 1
        idf = np.log((1.0 + self._n_docs) / (1.0 + self._df[features])) + 1.0
        weights = tf * idf
        norm = float(np.sqrt(np.dot(weights, weights))) or 1.0
        weights /= norm
        keys = features.tolist()
        vector = dict(zip(keys, weights.tolist(), strict=True))
        zeros = itertools.repeat(0.0)  # endless: map stops at the end of keys
        best, best_score = None, 0.0
        for number in self._candidates(features, weights):
            story = self._stories[number]
            if (
                when is not None
                and story.last_date is not None
                and g.max_days is not None
                and abs((when - story.last_date).days) > g.max_days
            ):
                continue
            # dict.get mapped in C, then one dot product: the hot loop of the stream.
            shared = np.fromiter(map(story.total.get, keys, zeros), np.float64, len(keys))
            score = float(shared @ weights) / story.size
            if score > best_score or (score == best_score and best is not None and number < best):
                best, best_score = number, score
        if best is not None and best_score >= g.stream_threshold:
            story = self._stories[best]
            for f, w in vector.items():
                if f not in story.total:
                    self._postings.setdefault(f, set()).add(best)
                story.total[f] = story.total.get(f, 0.0) + w
            story.size += 1
            story.last_seen = self._n_seen
            if when is not None and (story.last_date is None or when > story.last_date):
                story.last_date = when
            self._recent.append((self._n_seen, best))
            return Assignment(
                article_id=article.id,
                story_id=story.id,
                story_size=story.size,
                new_story=False,
                similarity=best_score,
            )
        number = self._next_number
        self._next_number += 1
        story = _OpenStory(
            id=f"s-{stable_id(article.id)}",
            number=number,
            total=dict(vector),
            size=1,
            last_seen=self._n_seen,
            last_date=when,
            label=headline([text], [article.title]),
        )
        self._stories[number] = story
        for f in vector:
            self._postings.setdefault(f, set()).add(number)
        self._recent.append((self._n_seen, number))
        return Assignment(
            article_id=article.id,
            story_id=story.id,
            story_size=1,
            new_story=True,
            similarity=0.0,
        )

    def add_many(self, articles: Iterable[Article]) -> Iterator[Assignment]:
        """``add`` each article in arrival order, yielding assignments as they are made."""
        for article in articles:
            yield self.add(article)

    def _candidates(self, features: np.ndarray, weights: np.ndarray) -> list[int]:
        """Open stories most worth scoring: those sharing most of the article's heaviest
        features. Common features would list every open story; the heaviest ones
        (frequent in the article, rare in the feed) single out its story."""
        top = np.argsort(-weights, kind="stable")[:CANDIDATE_FEATURES]
        hits: dict[int, int] = {}
        for feature in features[top].tolist():
            for number in self._postings.get(feature, ()):
                hits[number] = hits.get(number, 0) + 1
        if len(hits) <= MAX_CANDIDATE_STORIES:
            return sorted(hits)
        ranked = sorted(hits, key=lambda number: (-hits[number], number))
        return sorted(ranked[:MAX_CANDIDATE_STORIES])

    def _expire(self) -> None:
        """Close stories not updated within the window (articles, or days when dated)."""
        g = self.grouper
        oldest = self._n_seen - g.window_articles
        while self._recent and self._recent[0][0] <= oldest:
            seen, number = self._recent.popleft()
            story = self._stories.get(number)
            if story is not None and story.last_seen == seen:
                self._close(number)
        if self._latest_date is not None:
            stale = [
                number
                for number, story in self._stories.items()
                if story.last_date is not None
                and (self._latest_date - story.last_date).days > g.window_days
            ]
            for number in stale:
                self._close(number)

    def _close(self, number: int) -> None:
        story = self._stories.pop(number)
        for f in story.total:
            posting = self._postings.get(f)
            if posting is not None:
                posting.discard(number)
                if not posting:
                    del self._postings[f]


# -- labels, helpers -----------------------------------------------------------


def headline(
    texts: Sequence[str], titles: Sequence[str | None] = (), *, max_words: int = 14
) -> str:
    """A short label for a story: its most central title, else its most central opening
    sentence, shortened to ``max_words`` words."""
    candidates = [t.strip() for t in titles if t and t.strip()]
    if not candidates:
        for text in texts[:20]:
            # The first sentence, found cheaply: a full sentence splitter costs more
            # than the grouping itself on a large pile.
            first = _FIRST_SENTENCE.match(text.strip()[:600])
            if first and first.group(0).strip():
                candidates.append(first.group(0).strip())
    if not candidates:
        return "(untitled)"
    if len(candidates) > 1:
        # The candidate sharing most words with the others speaks for the group.
        bags = [set(re.findall(r"\w+", c.lower())) - STOP_WORDS for c in candidates]
        scores = [
            sum(len(bag & other) for k, other in enumerate(bags) if k != i)
            for i, bag in enumerate(bags)
        ]
        best = candidates[max(range(len(candidates)), key=lambda i: (scores[i], -i))]
    else:
        best = candidates[0]
    words = best.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def _hash(term: str) -> int:
    """Feature column of a term: CRC-32, the same in every process (unlike ``hash``)."""
    return zlib.crc32(term.encode("utf-8")) & (N_FEATURES - 1)


def _normalize_rows(matrix: sp.csr_matrix, *, copy: bool = True) -> sp.csr_matrix:
    """Rows scaled to unit length (float32), computed on the data array without
    building temporary matrices (this runs on the whole pile). With ``copy=False``
    a float32 CSR input is scaled in place."""
    result = sp.csr_matrix(matrix, dtype=np.float32, copy=copy)
    lengths = np.diff(result.indptr)
    norms = np.ones(result.shape[0], dtype=np.float32)
    filled = lengths > 0
    if result.nnz:
        squares = np.zeros(int(filled.sum()), dtype=np.float64)
        starts = result.indptr[:-1][filled]
        for lo in range(0, len(starts), _CHUNK // 100):
            # Per row block, so no float64 copy of all the data exists at once.
            part = starts[lo : lo + _CHUNK // 100]
            end = starts[lo + len(part)] if lo + len(part) < len(starts) else result.nnz
            squares[lo : lo + len(part)] = np.add.reduceat(
                np.square(result.data[part[0] : end], dtype=np.float64), part - part[0]
            )
        norms[filled] = np.sqrt(squares).astype(np.float32)
    norms[norms == 0] = 1.0
    for start in range(0, result.shape[0], 10_000):
        # Row blocks, so the per-entry divisor never exists for the whole matrix.
        stop = min(result.shape[0], start + 10_000)
        lo, hi = result.indptr[start], result.indptr[stop]
        result.data[lo:hi] /= np.repeat(norms[start:stop], lengths[start:stop])
    return result


def _top_per_row(matrix: sp.csr_matrix, m: int) -> sp.csr_matrix:
    """Keep the ``m`` largest entries of each row (bounds the work per candidate row)."""
    lengths = np.diff(matrix.indptr)
    if lengths.size == 0 or lengths.max() <= m:
        return matrix
    keep = np.ones(matrix.nnz, dtype=bool)
    for row in np.nonzero(lengths > m)[0].tolist():
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        drop = np.argpartition(matrix.data[lo:hi], hi - lo - m)[: hi - lo - m]
        keep[lo + drop] = False
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)[keep]
    return sp.csr_matrix(
        (matrix.data[keep], (rows, matrix.indices[keep])), shape=matrix.shape, dtype=np.float32
    )


def _zero_self(product: sp.csr_matrix, start: int) -> None:
    """Set the self-similarity entries of a row block (rows start.. of the full matrix) to 0."""
    row_of_entry = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
    product.data[product.indices == start + row_of_entry] = 0.0


def _all_pairs(vectors: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (row < col) of L2-normalised rows with a positive cosine, and that cosine."""
    upper = sp.triu(vectors @ vectors.T, k=1, format="coo")
    keep = upper.data > 0
    rows = upper.row[keep].astype(np.int64)
    cols = upper.col[keep].astype(np.int64)
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], _pair_cosines(vectors, rows[order], cols[order])


def _pair_cosines(vectors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Cosine similarity of each (rows[i], cols[i]) pair, in blocks to bound memory."""
    out = np.empty(len(rows), dtype=np.float64)
    # Pairs per block sized by row length, so a block's two row copies stay about
    # _CHUNK entries each (expanded vectors are twice as long as plain ones).
    step = max(1_000, _CHUNK // max(1, vectors.nnz // max(1, vectors.shape[0])))
    for start in range(0, len(rows), step):
        left = vectors[rows[start : start + step]]
        right = vectors[cols[start : start + step]]
        out[start : start + step] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return out


def _expanded_pair_cosines(
    vectors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """The pair cosines of the expanded vectors: from one all-pairs product up to
    ``_PRODUCT_ROWS`` rows (every batch block, a user's folder), else pair by pair."""
    if vectors.shape[0] <= _PRODUCT_ROWS:
        return _pair_cosines_by_product(vectors, rows, cols)
    return _pair_cosines(vectors, rows, cols)


def _pair_cosines_by_product(
    vectors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Cosine similarity of each (rows[i], cols[i]) pair of a small matrix (one
    block's rows), read off one all-pairs product.

    Why: within a block nearly every pair is scored, and ``_pair_cosines`` copies
    both rows of every pair and merges them (on the 5,000 pile's largest block,
    789 rows and 238,313 pairs, 0.45 s). The sparse product finds the shared
    columns once per row. Its sums are the same float32 products added one by one
    in row order, where ``_pair_cosines`` adds them pairwise (numpy's
    ``add.reduceat``): equal to float32 rounding (at most 6.9e-7 apart, relative, on
    the 5,000-article benchmark pile's blocks), not bit for bit; docs/benchmarks.md
    (Scale, round 9) shows the batch outputs unchanged.
    """
    if len(rows) == 0:
        return np.empty(0, dtype=np.float64)
    product = (vectors @ vectors.T).toarray()
    return product[rows, cols].astype(np.float64)


def _drop_distant_pairs(
    rows: np.ndarray,
    cols: np.ndarray,
    sims: np.ndarray,
    articles: Sequence[Article],
    max_days: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop pairs dated more than ``max_days`` apart; undated articles keep every pair."""
    if max_days is None or len(rows) == 0:
        return rows, cols, sims
    ordinals = np.array(
        [d.toordinal() if (d := parse_iso_date(a.date)) else -1 for a in articles], dtype=np.int64
    )
    if (ordinals < 0).all():
        return rows, cols, sims
    a, b = ordinals[rows], ordinals[cols]
    keep = (a < 0) | (b < 0) | (np.abs(a - b) <= max_days)
    return rows[keep], cols[keep], sims[keep]


def neighbourhood_density(
    n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, k: int
) -> np.ndarray:
    """Neighbourhood density of each of ``n`` nodes: the sum of its ``k`` highest
    pair similarities divided by ``k`` (missing pairs count as 0). Computed on any
    set of scored pairs, e.g. a whole pile's candidate pairs."""
    # 32-bit copies and early deletes: on a 150k pile this runs over ~9M pair ends,
    # next to the pair arrays themselves, at the grouping's peak memory.
    nodes = np.concatenate([rows, cols]).astype(np.int32)
    values = np.concatenate([sims, sims]).astype(np.float32)
    # Sorted by node, then by similarity high to low (ties in any order: the sum of
    # the top k is the same).
    order = np.lexsort((-values, nodes))
    nodes, values = nodes[order], values[order]
    del order
    # Rank of each entry within its node's run: position minus the run's start.
    starts = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1]])
    lengths = np.diff(np.r_[starts, len(nodes)])
    rank = np.arange(len(nodes), dtype=np.int64) - np.repeat(starts, lengths)
    top = rank < k
    del rank
    return np.bincount(nodes[top], weights=values[top], minlength=n) / k


def _canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber groups 0, 1, ... in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)


def _unique_ids(articles: Sequence[Article], notes: list[str]) -> list[Article]:
    seen: set[str] = set()
    unique: list[Article] = []
    duplicates = 0
    for article in articles:
        if article.id in seen:
            duplicates += 1
            continue
        seen.add(article.id)
        unique.append(article)
    if duplicates:
        notes.append(f"{duplicates} article(s) repeat an id already seen and were counted once")
    return unique


def _non_article_group(article: Article, reason: str) -> StoryGroup:
    return StoryGroup(
        id=f"x-{stable_id(article.id)}",
        article_ids=(article.id,),
        label=reason,
        non_article=reason,
    )


def _groups_from_labels(
    articles: Sequence[Article], texts: Sequence[str], labels: np.ndarray
) -> list[StoryGroup]:
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(index)
    groups = []
    for indices in members.values():
        ids = tuple(articles[i].id for i in indices)
        groups.append(
            StoryGroup(
                id=f"s-{stable_id(*sorted(ids))}",
                article_ids=ids,
                label=headline([texts[i] for i in indices], [articles[i].title for i in indices]),
            )
        )
    return groups


def _ordered(groups: list[StoryGroup]) -> tuple[StoryGroup, ...]:
    """Largest stories first, then singletons, then non-articles; ties by id."""
    return tuple(sorted(groups, key=lambda g: (g.non_article is not None, -g.size, g.id)))


def bcubed(gold: Sequence[object], predicted: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted grouping against gold labels.

    For each item: precision is the share of its predicted group that shares its
    gold label, recall the share of its gold group that is in its predicted group;
    both are averaged over items (Bagga and Baldwin, 1998).
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must label the same items")
    n = len(gold)
    if n == 0:
        return 0.0, 0.0, 0.0
    pairs: dict[tuple[object, object], int] = {}
    gold_size: dict[object, int] = {}
    pred_size: dict[object, int] = {}
    for g, p in zip(gold, predicted, strict=True):
        pairs[g, p] = pairs.get((g, p), 0) + 1
        gold_size[g] = gold_size.get(g, 0) + 1
        pred_size[p] = pred_size.get(p, 0) + 1
    precision = sum(c * c / pred_size[p] for (_, p), c in pairs.items()) / n
    recall = sum(c * c / gold_size[g] for (g, _), c in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
