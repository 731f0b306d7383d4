"""Supervised concept weights (Li, Qian & Liu 2013) for ``newsbrief.v3``.

ICSISumm-style concept coverage counts each content word or bigram a summary
covers once, weighted by how many articles mention it. With the learned
sentence scorer in place that unsupervised weight added nothing (it lost ROUGE
on Multi-News, see docs/benchmarks.md). Li, Qian & Liu instead *learn* each
concept's weight: the chance that a human summary of the story contains it.
Here a small tree ensemble (``scripts/train_concepts.py``, Multi-News *train*
clusters the sentence scorer never saw) predicts that chance for every content
word and bigram of a story from cheap story-internal signals: how many
articles and sentences mention it, how early, in how many leads, the learned
scores and support of the sentences holding it, and the word priors of its
words. The selector adds the expected number of reference concepts a sentence
newly covers to its modular value (``NewsbriefSummarizer.concept_weight``),
which rewards covering several distinct likely facts over restating one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np

from newsbrief.model import Story
from newsbrief.summarize.features import FEATURE_NAMES, StoryAnalysis, _tokenize
from newsbrief.summarize.learned import TreeEnsemble, trees_from_archive

#: The concept model shipped in the package.
DEFAULT_CONCEPT_MODEL = "concept_weights.npz"

CONCEPT_FEATURE_NAMES: tuple[str, ...] = (
    "is_bigram",
    "article_share",  # articles mentioning it / articles in the story
    "n_articles_with",
    "n_sentences_with",
    "first_position",  # lowest sentence position holding it
    "first_word_offset",  # fewest words before it in its article (sentence start)
    "leads_with",  # first sentences of articles holding it
    "max_score",  # learned sentence value, best and mean over its sentences
    "mean_score",
    "max_support",
    "max_centrality",
    "prior_min",  # word priors of its word(s): lowest, highest
    "prior_max",
    "n_articles",
    "log_story_words",
)

_POSITION = FEATURE_NAMES.index("position")
_WORD_OFFSET = FEATURE_NAMES.index("word_offset")
_SUPPORT = FEATURE_NAMES.index("support")
_CENTRALITY = FEATURE_NAMES.index("other_centrality")


def concept_stems(story: Story) -> tuple[list[str], np.ndarray]:
    """The story's stems and, per column of ``StoryAnalysis.concepts``, the stem ids of
    its word(s) (a (n_concepts, 2) array; a unigram repeats its id).

    The columns are numbered exactly as ``features.analyse`` numbers them: stems by
    first appearance, then bigrams of adjacent content words in sorted key order."""
    tokens = _tokenize(story.sentences)
    n_stems = len(tokens.stems)
    content = tokens.concept_mask
    pair = content[:-1] & content[1:] & (tokens.sentence[:-1] == tokens.sentence[1:])
    pair_keys = tokens.stem_ids[:-1][pair] * n_stems + tokens.stem_ids[1:][pair]
    bigram_keys = np.unique(pair_keys)
    unigrams = np.arange(n_stems, dtype=np.int64)
    left = np.concatenate((unigrams, bigram_keys // max(n_stems, 1)))
    right = np.concatenate((unigrams, bigram_keys % max(n_stems, 1)))
    return tokens.stems, np.column_stack((left, right))


def concept_features(
    story: Story,
    analysis: StoryAnalysis,
    scores: np.ndarray,
    priors: Mapping[str, float],
    default_prior: float,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """One row of ``CONCEPT_FEATURE_NAMES`` per column of ``analysis.concepts``; with
    ``columns``, only those rows are computed in full (the same values); the others
    are left partly empty and must not be used."""
    concepts = analysis.concepts
    n_concepts = concepts.shape[1]
    stems, parts = concept_stems(story)
    if len(parts) != n_concepts:
        raise ValueError("concept columns do not match the story's analysis")
    rows = np.repeat(np.arange(concepts.shape[0]), np.diff(concepts.indptr))
    cols = concepts.indices
    if columns is not None:
        # Every (sentence, concept) entry of a wanted concept is kept, so its row is
        # exactly what the whole computation gives; the rest is skipped (big stories).
        wanted = np.zeros(n_concepts, dtype=bool)
        wanted[columns] = True
        keep = wanted[cols]
        rows, cols = rows[keep], cols[keep]
    features = analysis.features
    value = np.maximum(scores, 0.0)

    def col_max(values: np.ndarray, initial: float = 0.0) -> np.ndarray:
        out = np.full(n_concepts, initial)
        np.maximum.at(out, cols, values[rows])
        return out

    def col_min(values: np.ndarray) -> np.ndarray:
        out = np.full(n_concepts, np.inf)
        np.minimum.at(out, cols, values[rows])
        return np.where(np.isfinite(out), out, 0.0)

    n_sentences_with = np.bincount(cols, minlength=n_concepts).astype(float)
    first = (features[:, _POSITION] == 0).astype(float)
    leads_with = np.bincount(cols, weights=first[rows], minlength=n_concepts)
    mean_score = np.bincount(cols, weights=value[rows], minlength=n_concepts) / np.maximum(
        n_sentences_with, 1.0
    )
    stem_prior = np.array([priors.get(s, default_prior) for s in stems] or [0.0])
    left_prior, right_prior = stem_prior[parts[:, 0]], stem_prior[parts[:, 1]]
    n_articles = float(len(story.articles))
    articles_with = analysis.concept_articles
    if columns is not None:
        articles_with = np.where(wanted, articles_with, 0.0)
    out = np.column_stack(
        [
            analysis.is_bigram.astype(float),
            articles_with / max(n_articles, 1.0),
            articles_with,
            n_sentences_with,
            col_min(features[:, _POSITION]),
            col_min(features[:, _WORD_OFFSET]),
            leads_with,
            col_max(value),
            mean_score,
            col_max(features[:, _SUPPORT]),
            col_max(features[:, _CENTRALITY]),
            np.minimum(left_prior, right_prior),
            np.maximum(left_prior, right_prior),
            np.full(n_concepts, n_articles),
            np.full(n_concepts, np.log(max(float(analysis.lengths.sum()), 1.0))),
        ]
    )
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)


@functools.cache
def load_concept_model(name: str = DEFAULT_CONCEPT_MODEL) -> TreeEnsemble:
    """The packaged concept model called ``name``, or the file at ``name`` when it is a
    path (for trying a retrained model); read once per process."""
    source = Path(name) if "/" in name else resources.files("newsbrief").joinpath("data", name)
    with source.open("rb") as handle:
        archive = np.load(handle, allow_pickle=False)
        meta = json.loads(str(archive["meta"]))
        if tuple(meta["feature_names"]) != CONCEPT_FEATURE_NAMES:
            raise ValueError(
                f"concept model {name} was trained on other features;"
                " retrain with scripts/train_concepts.py"
            )
        return trees_from_archive(archive, meta)


def concept_probabilities(
    story: Story,
    analysis: StoryAnalysis,
    scores: np.ndarray,
    priors: Mapping[str, float],
    default_prior: float,
    model: TreeEnsemble,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """P(a human summary contains the concept), per column of ``analysis.concepts``
    (the model predicts log-odds). With ``columns``, only those concepts are predicted
    and the others are 0 (the trees are the costly part on a big story)."""
    n_concepts = analysis.concepts.shape[1]
    if n_concepts == 0:
        return np.zeros(0)
    features = concept_features(story, analysis, scores, priors, default_prior, columns)
    if columns is None:
        return 1.0 / (1.0 + np.exp(-model.predict(features)))
    out = np.zeros(n_concepts)
    out[columns] = 1.0 / (1.0 + np.exp(-model.predict(features[columns])))
    return out
