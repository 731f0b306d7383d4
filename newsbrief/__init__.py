"""newsbrief: from a pile of news articles to one short brief, every sentence cited.

>>> from newsbrief import brief                 # doctest: +SKIP
>>> b = brief(["a.txt", "b.txt"], words=150)    # doctest: +SKIP
>>> print(b.to_markdown())                      # doctest: +SKIP

Names are imported on first use (PEP 562 module ``__getattr__``): ``import
newsbrief`` and ``newsbrief --version`` stay cheap, and numpy, scipy and the
pipeline stages load only when something that needs them is touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first attribute access).
_LAZY: dict[str, str] = {
    "SCHEMA_VERSION": "newsbrief.model",
    "Article": "newsbrief.model",
    "Brief": "newsbrief.model",
    "BriefSentence": "newsbrief.model",
    "Budget": "newsbrief.model",
    "Claim": "newsbrief.model",
    "Disagreement": "newsbrief.model",
    "Entity": "newsbrief.model",
    "InputError": "newsbrief.errors",
    "NewsbriefError": "newsbrief.errors",
    "NoUsableInputError": "newsbrief.errors",
    "Pipeline": "newsbrief.pipeline",
    "Selection": "newsbrief.model",
    "Sentence": "newsbrief.model",
    "Skipped": "newsbrief.model",
    "Source": "newsbrief.model",
    "Story": "newsbrief.model",
    "StoryGrouper": "newsbrief.cluster",
    "TimelineEvent": "newsbrief.model",
    "brief": "newsbrief.pipeline",
    "group_stories": "newsbrief.cluster",
}

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

if TYPE_CHECKING:  # what static tools see; at run time ``__getattr__`` does the imports
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


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access, then cache the name here."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'newsbrief' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
