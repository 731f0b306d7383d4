"""Redundancy across sources: which articles state the same thing.

``SentenceSupport`` marks, for every sentence, the articles that carry it: its
own, plus each other article with a sentence whose TF-IDF cosine similarity
(stemmed words and bigrams) reaches ``min_similarity``. Wire copy, syndication
and light rewording score high; two sentences that merely share a topic do not.
The summarizer reads support as evidence of importance and states a fact once;
attribution cites every supporting source.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from newsbrief.model import Story
from newsbrief.text import sentence_vectors


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
        vectors = sentence_vectors(sentences)
        similarity = (vectors @ vectors.T).tocoo()
        article_of = np.array([s.article_id for s in sentences], dtype=object)
        supporters: list[set[str]] = [set() for _ in sentences]
        strong = similarity.data >= self.min_similarity
        for row, col in zip(similarity.row[strong], similarity.col[strong], strict=True):
            if article_of[row] != article_of[col]:
                supporters[row].add(article_of[col])
        support = tuple(
            (sentence.article_id, *sorted(others - {sentence.article_id}))
            for sentence, others in zip(sentences, supporters, strict=True)
        )
        return replace(story, support=support)
