"""Supervised concept weights (newsbrief.summarize.concepts) and their use by the selector
and the summary-level reranker."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_story
from test_summarize import TEXTS

from newsbrief.dedup import SentenceSupport
from newsbrief.model import Budget, Story
from newsbrief.summarize.concepts import (
    CONCEPT_FEATURE_NAMES,
    concept_features,
    concept_probabilities,
    concept_stems,
    load_concept_model,
)
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.summarize.features import analyse, sentence_terms
from newsbrief.summarize.learned import load_model


@pytest.fixture(scope="module")
def story() -> Story:
    return SentenceSupport().run(make_story(*TEXTS))


def _analysed(story: Story):
    model = load_model()
    analysis = analyse(story, model.priors, model.default_prior)
    return model, analysis, model.trees.predict(analysis.features)


def test_concept_columns_name_the_sentence_terms(story: Story) -> None:
    # Column k of the analysis's concept matrix must be the word or bigram the
    # features are computed for, or every weight lands on the wrong concept.
    _, analysis, _ = _analysed(story)
    stems, parts = concept_stems(story)
    names = [
        stems[a] if not bigram else f"{stems[a]}_{stems[b]}"
        for (a, b), bigram in zip(parts.tolist(), analysis.is_bigram.tolist(), strict=True)
    ]
    concepts = analysis.concepts
    for row, sentence in enumerate(story.sentences):
        columns = concepts.indices[concepts.indptr[row] : concepts.indptr[row + 1]]
        assert {names[c] for c in columns} == set(sentence_terms(sentence.text)[0])


def test_concept_features_and_probabilities(story: Story) -> None:
    model, analysis, scores = _analysed(story)
    x = concept_features(story, analysis, scores, model.priors, model.default_prior)
    assert x.shape == (analysis.concepts.shape[1], len(CONCEPT_FEATURE_NAMES))
    assert np.isfinite(x).all()
    # Article counts: "footbridge" is in all three articles.
    stems, _ = concept_stems(story)
    assert x[stems.index("footbridg"), CONCEPT_FEATURE_NAMES.index("n_articles_with")] == 3
    trees = load_concept_model()
    p = concept_probabilities(story, analysis, scores, model.priors, model.default_prior, trees)
    assert ((p > 0) & (p < 1)).all()
    # A concept every article repeats in its lead is likelier than a one-off.
    assert p[stems.index("footbridg")] > p[stems.index("rain")]
    some = np.array([0, 3, 5])
    q = concept_probabilities(
        story, analysis, scores, model.priors, model.default_prior, trees, some
    )
    assert np.allclose(q[some], p[some]) and np.count_nonzero(q) == 3


def test_concept_weight_in_the_objective_keeps_the_budget(story: Story) -> None:
    for words in (20, 45):
        budget = Budget(max_words=words)
        chosen = NewsbriefSummarizer(concept_weight=2.0, unigram_concept_weight=0.5).summarize(
            story, budget
        )
        assert 0 < chosen.n_words <= words


def test_concept_weights_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="concept_weight"):
        NewsbriefSummarizer(concept_weight=-1.0)
