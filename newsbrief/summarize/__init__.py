"""Summarizers: one interface (``Summarizer``), many interchangeable methods.

Importing this package registers the built-in methods in
``newsbrief.registry.summarizers``.
"""

from newsbrief.summarize.base import Summarizer, make_selection, select_within_budget
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.summarize.lead import LeadSummarizer

__all__ = [
    "LeadSummarizer",
    "NewsbriefSummarizer",
    "Summarizer",
    "make_selection",
    "select_within_budget",
]
