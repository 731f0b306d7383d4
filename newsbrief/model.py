"""The plain data that flows one way through the pipeline.

``Article`` -> ``Sentence`` -> ``Story`` -> ``Selection`` -> ``Brief``.

Every type is a frozen dataclass holding tuples, never lists, so a stage cannot
edit what an earlier stage produced; it returns new objects instead. Ids are
stable hashes of content, not positions in a Python list, so a run on a laptop
and a run on a cluster name the same things the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

#: Version of the JSON document written by ``Brief.to_dict``; see docs/schema.md.
SCHEMA_VERSION = "1.1"


def stable_id(*parts: str, length: int = 12) -> str:
    """A short hex id derived only from ``parts`` (same input, same id, anywhere)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def parse_iso_date(value: str | None) -> date | None:
    """An ISO 8601 date string (``Article.date``, maybe with a time) as a date; None if absent or bad."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def count_words(text: str) -> int:
    """Words as the budget counts them: whitespace-separated tokens."""
    return len(text.split())


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article: cleaned body text plus what is known about where it came from."""

    id: str
    text: str
    source: str  # file path, URL or "text:<n>" for in-memory input
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    url: str | None = None
    language: str | None = None
    #: Lines the cleaner removed, kept so a user can audit what was dropped.
    removed: tuple[str, ...] = ()
    #: Id of the article this one copies (verbatim, near-verbatim or spun), if any.
    duplicate_of: str | None = None
    #: Ids of every article this copy's sentences were taken from (its own ``duplicate_of`` first).
    derived_from: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, text: str, *, source: str, **metadata: Any) -> Article:
        """Build an article whose id is derived from its source and text."""
        return cls(id=stable_id(source, text), text=text, source=source, **metadata)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """A sentence of an article, with its place in that article."""

    id: str  # "<article id>:<position>"
    article_id: str
    position: int  # 0-based index of the sentence within its article
    text: str
    n_words: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """Articles about one event, their sentences, and which articles state each sentence.

    ``support[i]`` lists the ids of the articles that carry ``sentences[i]``: its own
    article first, then every other article with a sentence saying the same thing.
    It is empty until the ``support`` stage has run.
    """

    id: str
    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    support: tuple[tuple[str, ...], ...] = ()
    #: Articles a story stage took out (off-topic posts, say), reported as skipped in the brief.
    dropped: tuple[Skipped, ...] = ()

    def article(self, article_id: str) -> Article:
        """The article with this id."""
        for candidate in self.articles:
            if candidate.id == article_id:
                return candidate
        raise KeyError(article_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """How long a summary may be, in words (whole sentences only, never over)."""

    max_words: int = 150

    def __post_init__(self) -> None:
        if self.max_words < 1:
            raise ValueError(f"max_words must be at least 1, got {self.max_words}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """What a summarizer picked: sentence ids in reading order, their scores, words used."""

    sentence_ids: tuple[str, ...]
    scores: tuple[float, ...]
    n_words: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An entry of a brief's source list; ``number`` is what citation markers show."""

    number: int
    article_id: str
    source: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    #: Articles that are copies of this one (same text), shown as "also carried by".
    copies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefSentence:
    """A sentence of the brief and the sources that state it."""

    text: str
    sentence_id: str
    citations: tuple[int, ...]  # Source.number values, the sentence's own source first


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """An input that could not be used, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEvent:
    """A dated event of the story, with its date as precise as the sources give it.

    ``date`` is ISO 8601 at the known precision: ``"2017-07-09"`` (day),
    ``"2017-05"`` (month), ``"2017"`` (year); for a ``"range"`` ("late August
    2017") it is the first day and ``end`` the last.
    """

    date: str
    precision: str  # "day" | "month" | "year" | "range"
    label: str  # the date as written, e.g. "July 9 at noon Damascus time", "the end of August"
    text: str  # one-line description taken from the source sentence
    citations: tuple[int, ...]  # Source.number values
    sentence_ids: tuple[str, ...] = ()
    end: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """A person, organisation or place the story is about, variants merged."""

    name: str  # canonical name
    kind: str  # "person" | "organization" | "place" | "other"
    variants: tuple[str, ...] = ()  # other spellings seen ("Lavrentyev", "Putin")
    role: str | None = None  # title the text gives, e.g. "Secretary of State"
    mentions: int = 0
    mentions_by_source: tuple[tuple[int, int], ...] = ()  # (Source.number, count)
    citations: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """One source's value for a disputed fact, and who states it."""

    value: str
    text: str  # the sentence stating it
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Disagreement:
    """Sources giving different numbers or dates for the same thing."""

    subject: str  # noun phrase, e.g. "de-escalation zones"
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Brief:
    """A cited multi-document summary of one story."""

    title: str | None
    sentences: tuple[BriefSentence, ...]
    sources: tuple[Source, ...]
    max_words: int
    method: str
    skipped: tuple[Skipped, ...] = ()
    #: Filled by the brief stages of the same names (empty when switched off).
    timeline: tuple[TimelineEvent, ...] = ()
    entities: tuple[Entity, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def n_words(self) -> int:
        """Words in the brief's sentences (what the budget limits)."""
        return sum(count_words(s.text) for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        """The brief as the versioned JSON document described in docs/schema.md."""
        from newsbrief.render import brief_to_dict

        return brief_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The brief as JSON text (see ``to_dict``)."""
        from newsbrief.render import brief_to_json

        return brief_to_json(self, indent=indent)

    def to_markdown(self) -> str:
        """The brief as Markdown with ``[n]`` citation markers and a Sources list."""
        from newsbrief.render import brief_to_markdown

        return brief_to_markdown(self)
