"""What one reader returns for one input: articles, per-record problems, notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsbrief.errors import InputError
from newsbrief.model import Article


@dataclass(slots=True)
class Batch:
    """Articles read from one input, problems with parts of it, and notes for the user.

    A note is something the user should know that did not stop an article from
    being used ("page unavailable, used the feed entry's own text").
    """

    articles: list[Article] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        """Add everything of ``other`` to this batch."""
        self.articles.extend(other.articles)
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)
