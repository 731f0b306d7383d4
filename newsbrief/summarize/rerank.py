"""Summary-level reranking for ``newsbrief.v2`` (MatchSum's idea, with cheap features).

The sentence scorer rates sentences one at a time; whether a *set* of sentences
makes a good summary also depends on how they fit together: how much of the
story's widely shared vocabulary they cover between them, how much they repeat
each other, how many articles they draw on, how much of the budget they use.
So the selector builds a handful of candidate summaries per story (its own
pick and the same greedy and local search under other length exponents and
redundancy cuts, which trade long sentences against short ones and coverage
against repetition differently), describes each candidate with
summary-level features (``SUMMARY_FEATURE_NAMES``) and keeps the one a small
tree ensemble, trained on Multi-News *train* clusters the sentence scorer never
saw (``scripts/train_reranker.py``), expects to score the highest ROUGE relative
to the selector's own pick.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsbrief.model import Budget, Story
from newsbrief.summarize.features import FEATURE_NAMES, StoryAnalysis, stem_tokens
from newsbrief.summarize.learned import TreeEnsemble, load_model, trees_from_archive

if TYPE_CHECKING:
    from newsbrief.summarize.coverage import NewsbriefSummarizer

#: The reranker shipped in the package.
DEFAULT_RERANKER = "summary_reranker.npz"

#: (length exponent, cosine cut) of the greedy variants besides the selector's own.
#: (Chosen on train: a grid of exponents 0.7-1.1 x cuts 0.25/0.35/0.5 gained 0.03 R-1
#: more on val at twice the cost; the looser cut 0.5 was almost never the best.)
GRID: tuple[tuple[float, float], ...] = (
    (0.7, 0.25),
    (0.8, 0.25),
    (0.9, 0.25),
    (1.0, 0.25),
    (1.1, 0.25),
    (1.0, 0.35),
    (1.1, 0.35),
)
#: Stories up to this many sentences share one dense similarity matrix among candidates.
DENSE_UP_TO = 500

_POSITION = FEATURE_NAMES.index("position")
_PRIOR_MEAN = FEATURE_NAMES.index("prior_mean")
_CENTRALITY = FEATURE_NAMES.index("other_centrality")
_SUPPORT = FEATURE_NAMES.index("support")
_DANGLING = FEATURE_NAMES.index("dangling_start")

SUMMARY_FEATURE_NAMES: tuple[str, ...] = (
    "kind",  # 0 own pick, 1 a variant
    "length_exponent",
    "max_similarity",
    "budget_share",  # words used / budget
    "n_sentences",
    "value_vs_own",  # summed value (score x words) / the own pick's
    "value_per_word",
    "min_value",
    "concept_share",  # share of the story's shared-concept weight covered
    "concept_vs_own",
    "bigram_share",
    "distinct_per_word",  # distinct concepts per word (low = repetitive)
    "repeat_share",  # concept occurrences already covered by another picked sentence
    "max_pair_similarity",
    "mean_pair_similarity",
    "article_share",  # articles drawn on / articles in the story
    "mean_position",
    "first_share",  # share of picked sentences that open their article
    "prior_mean",
    "centrality_mean",
    "support_mean",
    "dangling_share",
    "overlap_with_own",  # share of the own pick's words kept
    "words_vs_own",  # words used minus the own pick's, over the budget
    "sentences_vs_own",
    # Expected reference words hit: the word priors (P(a source word reappears in a
    # human summary)) summed over the candidate's distinct stems, an estimate of its
    # ROUGE-1 recall; per budget word, relative to the own pick, per word used.
    "expected_hits",
    "expected_vs_own",
    "expected_per_word",
    # MatchSum's signal, lexically: cosine of the candidate's summed TF-IDF vector to
    # the story's centroid.
    "centroid_cosine",
    "centroid_vs_own",
    "n_articles",
    "log_compression",  # log(story words / budget)
    "log_budget",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate summary: sentence indexes and how it was built."""

    picked: tuple[int, ...]
    kind: int
    length_exponent: float
    max_similarity: float


def candidates(
    selector: NewsbriefSummarizer,
    story: Story,
    analysis: StoryAnalysis,
    scores: np.ndarray,
    budget: Budget,
    dense: np.ndarray | None = None,
) -> list[Candidate]:
    """The selector's own pick first, then distinct variants (see module docstring).
    ``dense``, optional, is ``analysis.similarity`` as a dense array (same picks)."""
    own = selector.pick(story, analysis, scores, budget, dense)
    found = [Candidate(tuple(own), 0, selector.length_exponent, selector.max_similarity)]
    seen = {frozenset(own)}

    def add(picked: Sequence[int], kind: int, exponent: float, cut: float) -> None:
        key = frozenset(picked)
        if picked and key not in seen:
            seen.add(key)
            found.append(Candidate(tuple(picked), kind, exponent, cut))

    for exponent, cut in GRID:
        variant = dataclasses.replace(selector, length_exponent=exponent, max_similarity=cut)
        add(variant.pick(story, analysis, scores, budget, dense), 1, exponent, cut)
    return found


def _stem_ids(
    text: str,
    stem_id: dict[str, int],
    prior_of: list[float],
    priors: Mapping[str, float],
    default_prior: float,
) -> np.ndarray:
    """Ids of the stems of ``text``, numbering new stems (and noting their priors)."""
    ids = []
    for stem in stem_tokens(text):
        number = stem_id.get(stem)
        if number is None:
            number = stem_id[stem] = len(prior_of)
            prior_of.append(priors.get(stem, default_prior))
        ids.append(number)
    return np.array(ids, dtype=np.int64)


def _dense_similarity(analysis: StoryAnalysis, n_sentences: int) -> np.ndarray | None:
    """A small story's similarities as a dense array (the candidates' local searches
    and features then slice it cheaply); None for big stories, to bound memory."""
    return analysis.similarity.toarray() if n_sentences <= DENSE_UP_TO else None


def summary_features(
    found: Sequence[Candidate],
    story: Story,
    analysis: StoryAnalysis,
    scores: np.ndarray,
    budget: Budget,
    priors: Mapping[str, float],
    default_prior: float,
    dense: np.ndarray | None = None,
) -> np.ndarray:
    """One row of ``SUMMARY_FEATURE_NAMES`` per candidate (the first is the own pick).

    ``priors``/``default_prior`` are the word priors the scores were computed with;
    ``dense``, optional, is ``analysis.similarity`` as a dense array (same values)."""
    value = np.maximum(scores, 0.0)
    lengths = analysis.lengths
    concepts = analysis.concepts
    indptr, indices = concepts.indptr, concepts.indices
    n_articles = len(story.articles)
    if n_articles > 1:
        weight = np.where(analysis.concept_articles >= 2, analysis.concept_articles, 0.0)
    else:
        weight = np.bincount(indices, minlength=concepts.shape[1]).astype(float)
        weight = np.where(weight >= 2, weight, 0.0)
    total_weight = max(float(weight.sum()), 1e-9)
    bigram_weight = max(float(weight[analysis.is_bigram].sum()), 1e-9)
    article_of = np.array([s.article_id for s in story.sentences])
    story_words = float(lengths.sum())
    features = analysis.features
    similarity = analysis.similarity
    vectors = analysis.vectors
    centroid = np.asarray(vectors.sum(axis=0)).ravel()
    to_centroid = vectors @ centroid / max(float(np.linalg.norm(centroid)), 1e-9)
    # Stems numbered by first appearance, with their priors; each sentence's stem ids.
    stem_id: dict[str, int] = {}
    prior_of: list[float] = []
    stems_of: dict[int, np.ndarray] = {}
    rows = []
    own_expected = own_cosine = 1e-9
    own_value = own_concepts = 0.0
    own_set: set[int] = set()
    own_words = 1.0
    own_n = 0
    for number, candidate in enumerate(found):
        picked = np.array(candidate.picked, dtype=np.int64)
        words = lengths[picked]
        n_words = float(words.sum())
        summed = float((value[picked] * words).sum())
        parts = [indices[indptr[i] : indptr[i + 1]] for i in picked]
        occurrences = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        covered = np.unique(occurrences)
        covered_weight = float(weight[covered].sum())
        if dense is not None:
            block = dense[np.ix_(picked, picked)]
        else:
            block = similarity[picked][:, picked].toarray()
        np.fill_diagonal(block, 0.0)
        n = len(picked)
        pairs = n * (n - 1)
        for index in candidate.picked:
            if index not in stems_of:
                text = story.sentences[index].text
                stems_of[index] = _stem_ids(text, stem_id, prior_of, priors, default_prior)
        union = np.unique(np.concatenate([stems_of[i] for i in candidate.picked] or [[]]))
        # Summed in stem-id order (first appearance), so the same in every process (a
        # set of strings iterates in an order that changes with the hash seed).
        expected = float(np.asarray(prior_of)[union.astype(np.int64)].sum())
        # |sum of unit vectors|^2 = n + the sum of their pairwise cosines.
        cosine = float(to_centroid[picked].sum()) / max(np.sqrt(n + block.sum()), 1e-9)
        if number == 0:
            own_expected, own_cosine = max(expected, 1e-9), max(cosine, 1e-9)
            own_value, own_concepts = max(summed, 1e-9), max(covered_weight, 1e-9)
            own_set = set(candidate.picked)
            own_words = max(n_words, 1.0)
            own_n = n
        kept = float(sum(lengths[i] for i in candidate.picked if i in own_set))
        share = words / max(n_words, 1.0)
        rows.append(
            (
                candidate.kind,
                candidate.length_exponent,
                candidate.max_similarity,
                n_words / budget.max_words,
                n,
                summed / own_value,
                summed / max(n_words, 1.0),
                float(value[picked].min()) if n else 0.0,
                covered_weight / total_weight,
                covered_weight / own_concepts,
                float(weight[covered[analysis.is_bigram[covered]]].sum()) / bigram_weight,
                len(covered) / max(n_words, 1.0),
                1.0 - len(covered) / max(len(occurrences), 1),
                float(block.max()) if pairs else 0.0,
                float(block.sum()) / pairs if pairs else 0.0,
                len(set(article_of[picked].tolist())) / max(n_articles, 1),
                float(features[picked, _POSITION].mean()) if n else 0.0,
                float((features[picked, _POSITION] == 0).mean()) if n else 0.0,
                float(share @ features[picked, _PRIOR_MEAN]),
                float(share @ features[picked, _CENTRALITY]),
                float(share @ features[picked, _SUPPORT]),
                float(features[picked, _DANGLING].mean()) if n else 0.0,
                kept / own_words,
                (n_words - own_words) / budget.max_words,
                n - own_n,
                expected / budget.max_words,
                expected / own_expected,
                expected / max(n_words, 1.0),
                cosine,
                cosine / own_cosine,
                n_articles,
                float(np.log(max(story_words, 1.0) / budget.max_words)),
                float(np.log(budget.max_words)),
            )
        )
    return np.array(rows, dtype=np.float64)


@functools.cache
def load_reranker(name: str = DEFAULT_RERANKER) -> TreeEnsemble:
    """The packaged reranker called ``name``, or the file at ``name`` when it is a path
    (for trying a retrained model); read once per process."""
    source = Path(name) if "/" in name else resources.files("newsbrief").joinpath("data", name)
    with source.open("rb") as handle:
        archive = np.load(handle, allow_pickle=False)
        meta = json.loads(str(archive["meta"]))
        names = tuple(meta["feature_names"])
        if names != SUMMARY_FEATURE_NAMES:
            raise ValueError(
                f"reranker {name} was trained on other summary features;"
                " retrain with scripts/train_reranker.py"
            )
        return trees_from_archive(archive, meta)


def rerank(
    selector: NewsbriefSummarizer,
    story: Story,
    analysis: StoryAnalysis,
    scores: np.ndarray,
    budget: Budget,
    model: TreeEnsemble,
) -> list[int]:
    """The candidate the reranker expects to beat the own pick by the most (or the own pick)."""
    dense = _dense_similarity(analysis, len(scores))
    found = candidates(selector, story, analysis, scores, budget, dense)
    if len(found) == 1:
        return list(found[0].picked)
    scorer = load_model(selector.model)
    rows = summary_features(
        found, story, analysis, scores, budget, scorer.priors, scorer.default_prior, dense
    )
    predicted = model.predict(rows)
    # The target is the gain over the own pick, so the own pick counts as 0.
    predicted[0] = 0.0
    return list(found[int(np.argmax(predicted))].picked)
