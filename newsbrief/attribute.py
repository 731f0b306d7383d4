"""Attribution: turn a story and a selection into a brief where every sentence is cited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from newsbrief.model import Brief, BriefSentence, Selection, Skipped, Source, Story


def number_sources(story: Story) -> tuple[Source, ...]:
    """One numbered ``Source`` per original article, numbered in story order from 1.

    An article that copies another (``Article.duplicate_of``) gets no number of its
    own: it is listed in its original's ``copies`` ("also carried by"), so it is
    never counted as independent confirmation.
    """
    present = {article.id for article in story.articles}
    by_id = {article.id: article for article in story.articles}
    copies: dict[str, list[str]] = {}
    for article in story.articles:
        if article.duplicate_of in present:
            # A copy of a copy is listed under the original at the end of the chain;
            # listed under the middle copy (which gets no number) it would vanish.
            original, seen = by_id[article.duplicate_of], {article.id}
            while original.duplicate_of in present and original.id not in seen:
                seen.add(original.id)
                original = by_id[original.duplicate_of]
            copies.setdefault(original.id, []).append(article.url or article.source)
    originals = [a for a in story.articles if a.duplicate_of not in present]
    return tuple(
        Source(
            number=number,
            article_id=article.id,
            source=article.source,
            title=article.title,
            outlet=article.outlet,
            date=article.date,
            url=article.url,
            copies=tuple(copies.get(article.id, ())),
        )
        for number, article in enumerate(originals, start=1)
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
