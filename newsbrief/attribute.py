"""Attribution: turn a story and a selection into a brief where every sentence is cited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from newsbrief.model import Brief, BriefSentence, Selection, Skipped, Source, Story


def number_sources(story: Story) -> tuple[Source, ...]:
    """One numbered ``Source`` per article, numbered in story order from 1."""
    return tuple(
        Source(
            number=number,
            article_id=article.id,
            source=article.source,
            title=article.title,
            outlet=article.outlet,
            date=article.date,
            url=article.url,
        )
        for number, article in enumerate(story.articles, start=1)
    )


def story_title(story: Story) -> str | None:
    """The headline most sources share (earliest in story order on a tie), if any."""
    titles = [a.title for a in story.articles if a.title]
    if not titles:
        return None
    counts = Counter(titles)
    return max(titles, key=lambda t: (counts[t], -titles.index(t)))


def attribute(
    story: Story,
    selection: Selection,
    *,
    max_words: int,
    method: str,
    skipped: Sequence[Skipped] = (),
) -> Brief:
    """A ``Brief`` whose sentences cite their own source first, then every supporting one."""
    sources = number_sources(story)
    number_of = {source.article_id: source.number for source in sources}
    index_of = {sentence.id: i for i, sentence in enumerate(story.sentences)}
    sentences = []
    for sentence_id in selection.sentence_ids:
        index = index_of[sentence_id]
        sentence = story.sentences[index]
        supporters = story.support[index] if story.support else (sentence.article_id,)
        own = number_of[sentence.article_id]
        others = sorted({number_of[a] for a in supporters} - {own})
        sentences.append(
            BriefSentence(text=sentence.text, sentence_id=sentence_id, citations=(own, *others))
        )
    return Brief(
        title=story_title(story),
        sentences=tuple(sentences),
        sources=sources,
        max_words=max_words,
        method=method,
        skipped=tuple(skipped),
    )
