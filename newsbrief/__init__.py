"""newsbrief: from a pile of news articles to one short brief, every sentence cited.

>>> from newsbrief import brief                 # doctest: +SKIP
>>> b = brief(["a.txt", "b.txt"], words=150)    # doctest: +SKIP
>>> print(b.to_markdown())                      # doctest: +SKIP
"""

from newsbrief.cluster import StoryGrouper, group_stories
from newsbrief.errors import InputError, NewsbriefError, NoUsableInputError
from newsbrief.model import (
    SCHEMA_VERSION,
    Article,
    Brief,
    BriefSentence,
    Budget,
    Claim,
    Disagreement,
    Entity,
    Selection,
    Sentence,
    Skipped,
    Source,
    Story,
    TimelineEvent,
)
from newsbrief.pipeline import Pipeline, brief

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Brief",
    "BriefSentence",
    "Budget",
    "Claim",
    "Disagreement",
    "Entity",
    "InputError",
    "NewsbriefError",
    "NoUsableInputError",
    "Pipeline",
    "Selection",
    "Sentence",
    "Skipped",
    "Source",
    "Story",
    "StoryGrouper",
    "TimelineEvent",
    "__version__",
    "brief",
    "group_stories",
]
