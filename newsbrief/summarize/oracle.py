"""Reference-aware ceilings and floors: a greedy ROUGE oracle and a seeded random pick.

``oracle.v1`` needs the reference summary, which no real summarizer sees: the
evaluator gives it per cluster with ``dataclasses.replace(oracle, reference=...)``.
It greedily adds the sentence that most increases ROUGE-1 F1 + ROUGE-2 F1 against
the reference, among sentences that still fit the word budget, and stops when no
sentence increases it (Nallapati et al. 2017; Kedzie et al. 2018). N-grams are
counted here rather than through ``rouge-score`` so the oracle stays fast and
needs no extra: tokens are lower-cased alphanumeric runs and tokens longer than
three characters are Porter-stemmed, as ``rouge-score`` does with stemming on
(snowball's Porter rather than NLTK's, so a rare word may stem differently).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from newsbrief.model import Budget, Selection, Story
from newsbrief.registry import summarizers
from newsbrief.summarize.base import make_selection, select_within_budget
from newsbrief.text import Stemmer, word_tokens


def rouge_tokens(text: str, stem: Stemmer) -> list[str]:
    """Tokens as ``rouge-score`` makes them with stemming on (see module docstring)."""
    return [stem(t) if len(t) > 3 else t for t in word_tokens(text)]


def ngram_counts(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    """Counts of the n-grams of ``tokens``."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: int, candidate_total: int, reference_total: int) -> float:
    if overlap == 0 or candidate_total == 0 or reference_total == 0:
        return 0.0
    precision = overlap / candidate_total
    recall = overlap / reference_total
    return 2 * precision * recall / (precision + recall)


@summarizers.register("oracle.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class OracleSummarizer:
    """Greedy ROUGE-1 + ROUGE-2 F1 oracle against ``reference`` (an upper bound, not a method)."""

    name: ClassVar[str] = "oracle.v1"
    #: The reference summary of the story being summarized; set per story by the evaluator.
    reference: str = ""

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Greedy oracle selection; empty when there is no reference."""
        if not story.sentences or not self.reference.strip():
            return Selection(sentence_ids=(), scores=(), n_words=0)
        stem = Stemmer()
        reference = rouge_tokens(self.reference, stem)
        ref_counts = [ngram_counts(reference, n) for n in (1, 2)]
        ref_totals = [sum(c.values()) for c in ref_counts]
        tokens = [rouge_tokens(s.text, stem) for s in story.sentences]
        sentence_counts = [[ngram_counts(t, n) for n in (1, 2)] for t in tokens]
        chosen_counts: list[Counter[tuple[str, ...]]] = [Counter(), Counter()]
        # Overlap is the clipped count: min(candidate count, reference count) per n-gram.
        overlaps = [0, 0]
        totals = [0, 0]
        remaining = budget.max_words
        picked: list[int] = []
        gains = np.zeros(len(story.sentences))
        best_score = 0.0
        while True:
            best, best_candidate = -1, best_score
            for index, sentence in enumerate(story.sentences):
                if index in picked or sentence.n_words > remaining:
                    continue
                score = 0.0
                for n in (0, 1):
                    added = sentence_counts[index][n]
                    overlap = overlaps[n] + sum(
                        min(chosen_counts[n][g] + c, ref_counts[n][g])
                        - min(chosen_counts[n][g], ref_counts[n][g])
                        for g, c in added.items()
                        if g in ref_counts[n]
                    )
                    score += _f1(overlap, totals[n] + sum(added.values()), ref_totals[n])
                if score > best_candidate:
                    best, best_candidate = index, score
            if best < 0:
                break
            for n in (0, 1):
                added = sentence_counts[best][n]
                overlaps[n] += sum(
                    min(chosen_counts[n][g] + c, ref_counts[n][g])
                    - min(chosen_counts[n][g], ref_counts[n][g])
                    for g, c in added.items()
                    if g in ref_counts[n]
                )
                totals[n] += sum(added.values())
                chosen_counts[n].update(added)
            gains[best] = best_candidate - best_score
            best_score = best_candidate
            picked.append(best)
            remaining -= story.sentences[best].n_words
        return make_selection(story, picked, gains)


@summarizers.register("random.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class RandomSummarizer:
    """Random sentences within the budget: the floor any method must clear.

    Seeded by ``seed`` and the story id, so a story always gets the same pick.
    """

    name: ClassVar[str] = "random.v1"
    seed: int = 0

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """A seeded random order of sentences, filled into the budget."""
        rng = random.Random(f"{self.seed}:{story.id}")
        scores = np.array([rng.random() for _ in story.sentences])
        picked = select_within_budget(story.sentences, scores, budget)
        return make_selection(story, picked, scores)
