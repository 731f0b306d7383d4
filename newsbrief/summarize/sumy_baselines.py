"""sumy's LexRank, TextRank, LSA and SumBasic behind newsbrief's ``Summarizer`` interface.

The methods are sumy's own code, wrapped rather than rewritten, so the numbers
are the ones researchers know. Two things change around them:

* the document handed to sumy is built from the story's sentences (one sumy
  ``Paragraph`` per article), so every rating maps back to a sentence id, and
  words come from syntok: sumy's default tokenizer needs NLTK's punkt data,
  which cannot be downloaded here. Words are kept as sumy's tokenizer keeps
  them (tokens starting with a letter); sumy's English stop words and stemmer
  are used;
* sumy picks a number of sentences; we take sumy's rating of *every* sentence
  and fill the word budget with ``select_within_budget`` (highest rated first,
  never over the budget). A sentence whose exact text was already taken is
  skipped, since sumy keys ratings by sentence text and would rate both alike.

sumy lives in the ``bench`` extra and is imported only when a summary is asked for.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from newsbrief.errors import MissingExtraError
from newsbrief.model import Budget, Selection, Story
from newsbrief.registry import summarizers
from newsbrief.summarize.base import make_selection, select_within_budget

# sumy's Tokenizer keeps only tokens that start with a letter (its _WORD_PATTERN).
_SUMY_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$")


class _SyntokWords:
    """sumy word tokenizer (``to_words``) backed by syntok instead of NLTK punkt."""

    language = "english"

    def __init__(self) -> None:
        from syntok.tokenizer import Tokenizer

        self._tokenizer = Tokenizer()

    def to_words(self, text: str) -> tuple[str, ...]:
        """Word tokens of one sentence, as sumy's tokenizer would keep them."""
        words = (token.value for token in self._tokenizer.tokenize(text))
        return tuple(w for w in words if _SUMY_WORD.match(w))


def _sumy() -> Any:
    try:
        import sumy.models.dom as dom
        import sumy.nlp.stemmers as stemmers
        import sumy.utils as utils
    except ImportError:
        raise MissingExtraError("sumy", "bench") from None
    return dom, stemmers, utils


def sumy_ratings(story: Story, summarizer_class_path: str) -> np.ndarray:
    """sumy's rating of every sentence of ``story`` (higher is better), in story order.

    ``summarizer_class_path`` is ``"module:Class"`` inside ``sumy.summarizers``.
    The rating comes from sumy's own ``_get_best_sentences``: it is asked for a
    count given as a callable, which sees every sentence with its rating.
    """
    dom, stemmers, utils = _sumy()
    import importlib

    module_name, class_name = summarizer_class_path.split(":")
    summarizer_class = getattr(
        importlib.import_module(f"sumy.summarizers.{module_name}"), class_name
    )
    summarizer = summarizer_class(stemmers.Stemmer("english"))
    summarizer.stop_words = utils.get_stop_words("english")
    words = _SyntokWords()
    by_article: dict[str, list[Any]] = {}
    for sentence in story.sentences:
        by_article.setdefault(sentence.article_id, []).append(dom.Sentence(sentence.text, words))
    document = dom.ObjectDocumentModel(
        [dom.Paragraph(by_article[a.id]) for a in story.articles if a.id in by_article]
    )
    ratings = np.zeros(len(story.sentences))
    seen: list[Any] = []

    def keep_all(infos: list[Any]) -> list[Any]:
        seen.extend(infos)
        return infos

    with warnings.catch_warnings():
        # LSA warns when a story has fewer distinct words than sentences; the
        # ranking is still defined, and a warning per story would flood a batch run.
        warnings.simplefilter("ignore", UserWarning)
        # LexRank's power method divides by a zero norm on a graph with no edges.
        warnings.simplefilter("ignore", RuntimeWarning)
        summarizer(document, keep_all)
    # The document lists sentences article by article, as the story does, so
    # sumy's ``order`` is the story index once articles are in story order.
    order_to_index = _document_order(story)
    for info in seen:
        ratings[order_to_index[info.order]] = float(info.rating)
    # A degenerate graph gives NaN ratings: rank those sentences last, not randomly.
    return np.nan_to_num(ratings, nan=-1e9)


def _document_order(story: Story) -> list[int]:
    """Story sentence index of each position of the sumy document."""
    article_rank = {a.id: r for r, a in enumerate(story.articles)}
    return sorted(
        range(len(story.sentences)),
        key=lambda i: (article_rank[story.sentences[i].article_id], i),
    )


def _summarize_with(story: Story, budget: Budget, class_path: str) -> Selection:
    if not story.sentences:
        return Selection(sentence_ids=(), scores=(), n_words=0)
    ratings = sumy_ratings(story, class_path)
    # Exact repeats get the same rating from sumy; only the first may be picked.
    first_seen: set[str] = set()
    candidates = np.array(ratings, dtype=float)
    for index, sentence in enumerate(story.sentences):
        if sentence.text in first_seen:
            candidates[index] = -np.inf
        first_seen.add(sentence.text)
    allowed = [i for i in range(len(candidates)) if np.isfinite(candidates[i])]
    picked_local = select_within_budget(
        [story.sentences[i] for i in allowed], candidates[allowed], budget
    )
    picked = [allowed[i] for i in picked_local]
    return make_selection(story, picked, ratings)


@summarizers.register("lexrank.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class LexRankSummarizer:
    """sumy's LexRank (Erkan & Radev 2004): centrality in the sentence similarity graph."""

    name: ClassVar[str] = "lexrank.v1"

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Sentences by LexRank score within the budget."""
        return _summarize_with(story, budget, "lex_rank:LexRankSummarizer")


@summarizers.register("textrank.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class TextRankSummarizer:
    """sumy's TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap edges."""

    name: ClassVar[str] = "textrank.v1"

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Sentences by TextRank score within the budget."""
        return _summarize_with(story, budget, "text_rank:TextRankSummarizer")


@summarizers.register("lsa.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class LsaSummarizer:
    """sumy's LSA (Steinberger & Jezek 2004): weight in the leading singular vectors."""

    name: ClassVar[str] = "lsa.v1"

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Sentences by LSA rank within the budget."""
        return _summarize_with(story, budget, "lsa:LsaSummarizer")


@summarizers.register("sumbasic.v1")
@dataclass(frozen=True, slots=True, kw_only=True)
class SumBasicSummarizer:
    """sumy's SumBasic (Nenkova & Vanderwende 2005): word probability, updated as it picks."""

    name: ClassVar[str] = "sumbasic.v1"

    def summarize(self, story: Story, budget: Budget) -> Selection:
        """Sentences in SumBasic's pick order within the budget."""
        return _summarize_with(story, budget, "sum_basic:SumBasicSummarizer")
