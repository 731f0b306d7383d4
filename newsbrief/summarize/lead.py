"""Lead baseline: the first sentences of each article, taken round-robin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from newsbrief.model import Budget, Selection, Story
from newsbrief.registry import summarizers
from newsbrief.summarize.base import make_selection, select_within_budget


@summarizers.register("lead.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class LeadSummarizer:
    """First sentence of every article, then every second sentence, and so on.

    The classic news baseline: leads carry the main facts, and round-robin keeps
    every source represented in a multi-document summary.
    """

    name: ClassVar[str] = "lead.v1"

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Round-robin lead sentences within the budget."""
        n_articles = max(len(story.articles), 1)
        rank = {a.id: r for r, a in enumerate(story.articles)}
        # Round r of article k ranks before round r+1 of any article.
        scores = -np.array(
            [s.position * n_articles + rank[s.article_id] for s in story.sentences], dtype=float
        )
        picked = select_within_budget(story.sentences, scores, budget)
        return make_selection(story, picked, scores)
