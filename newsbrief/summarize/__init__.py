"""Summarizers: one interface (``Summarizer``), many interchangeable methods.

Importing this package registers the built-in methods in
``newsbrief.registry.summarizers``.
"""

from newsbrief.summarize.base import Summarizer, make_selection, select_within_budget
from newsbrief.summarize.coverage import NewsbriefSummarizer, SentenceLevelSummarizer
from newsbrief.summarize.lead import LeadSummarizer
from newsbrief.summarize.oracle import OracleSummarizer, RandomSummarizer
from newsbrief.summarize.sumy_baselines import (  # sumy itself is imported only when used
    LexRankSummarizer,
    LsaSummarizer,
    SumBasicSummarizer,
    TextRankSummarizer,
)

__all__ = [
    "LeadSummarizer",
    "LexRankSummarizer",
    "LsaSummarizer",
    "NewsbriefSummarizer",
    "OracleSummarizer",
    "RandomSummarizer",
    "SentenceLevelSummarizer",
    "SumBasicSummarizer",
    "Summarizer",
    "TextRankSummarizer",
    "make_selection",
    "select_within_budget",
]
