"""The one small interface every summarizer implements, and the shared selector.

A summarizer is a frozen dataclass whose fields are its hyperparameters (defaults
in the field definitions, checked in ``__post_init__``; ``dataclasses.replace``
makes a variant). It learns nothing between stories: ``summarize`` is a pure
function of the story and the budget, so baselines and ours are interchangeable
in the evaluator and safe to ship to distributed workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from newsbrief.model import Budget, Selection, Sentence, Story


@runtime_checkable
class Summarizer(Protocol):
    """Picks sentences of a story within a word budget."""

    name: ClassVar[str]

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Sentence ids in reading order, never more than ``budget.max_words`` words."""
        ...


def reading_order(story: Story, sentence_ids: Sequence[str]) -> list[str]:
    """Order sentences as a reader expects: by article (story order), then position."""
    article_rank = {article.id: rank for rank, article in enumerate(story.articles)}
    by_id = {s.id: s for s in story.sentences}
    return sorted(
        sentence_ids, key=lambda i: (article_rank[by_id[i].article_id], by_id[i].position)
    )


def make_selection(story: Story, picked: Sequence[int], scores: Sequence[float]) -> Selection:
    """A ``Selection`` of the sentences at ``picked`` indexes, in reading order."""
    score_of = {story.sentences[i].id: float(scores[i]) for i in picked}
    ordered = reading_order(story, list(score_of))
    words = {s.id: s.n_words for s in story.sentences}
    return Selection(
        sentence_ids=tuple(ordered),
        scores=tuple(score_of[i] for i in ordered),
        n_words=sum(words[i] for i in ordered),
    )


def select_within_budget(
    sentences: Sequence[Sentence],
    scores: np.ndarray,
    budget: Budget,
    *,
    vectors: sp.csr_matrix | None = None,
    max_similarity: float = 1.0,
    min_words: int = 1,
) -> list[int]:
    """Best-scored sentences that fit the budget, skipping near-repeats.

    Walks sentences from the highest score down (ties: earlier index first),
    takes each that still fits the remaining words and whose cosine similarity
    to every sentence already taken is below ``max_similarity`` (rows of
    ``vectors`` must be L2-normalised). Returns indexes in the order taken.
    """
    order = np.lexsort((np.arange(len(scores)), -np.asarray(scores, dtype=float)))
    remaining = budget.max_words
    taken: list[int] = []
    for index in order:
        sentence = sentences[index]
        if sentence.n_words > remaining or sentence.n_words < min_words:
            continue
        if vectors is not None and taken and max_similarity < 1.0:
            similarity = vectors[taken] @ vectors[index].T
            if similarity.nnz and similarity.max() >= max_similarity:
                continue
        taken.append(int(index))
        remaining -= sentence.n_words
        if remaining <= 0:
            break
    return taken
