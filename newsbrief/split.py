"""Pages holding several posts, and posts that are not about the story.

``PostSplitter`` (article stage, before cleaning) finds repeated post structure
in one input, such as a blog or feed page scraped as text: a headline followed by
an author/link/date line, repeated; "The post X appeared first on Y" footers;
"Read more" markers between posts. When a page has at least two posts, each post
becomes its own ``Article`` (source ``<page>#post-<n>``) with its own title,
author, link and outlet; the header lines go to ``Article.removed``.

``OffTopicFilter`` (story stage) drops articles whose words are far from the rest
of the story, measured as the cosine similarity of an article's TF-IDF vector to
the centroid of the other articles. Two kinds of article are judged differently:

* An input the user chose is presumed to belong: it is dropped only when it is far
  both in absolute terms (below ``min_similarity``) *and* relative to the story
  (below ``min_relative`` times the story's median similarity). Either test alone
  drops real articles: loosely written stories have low similarities throughout,
  and in a tight story an article that takes another angle falls well under the
  median while still being about the story.
* A post split from a multi-post page (a feed, a blog index) came along with the
  post the user wanted. A feed's posts share its beat (the same countries and
  officials), so a post about another event on that beat looks close by words
  alone; a post must therefore also reach ``min_post_relative`` times the median,
  i.e. look about as much like the story as the story's own articles do.

Thresholds were tuned on Multi-News train clusters with planted articles from
other clusters (``benchmarks/offtopic.py``; figures in docs/benchmarks.md). The
filter never acts on stories of fewer than ``min_articles`` articles, never drops
half of a story or more (so a normal two-article story is never emptied), and
never judges an article under ``min_words`` words, whose word overlap is too thin
to measure.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from newsbrief.clean import (
    _has_terminal_punctuation,
    is_appeared_first,
    is_prompt,
    is_url_only,
    parse_date,
)
from newsbrief.model import Article, Skipped, Story, stable_id

_APPEARED = re.compile(r"\bappeared first on\s+(?P<outlet>.+?)\W*$", re.I)
_MORE_MARKER = re.compile(
    r"^\W*(read more|continue reading|read the full (story|article))\W*$", re.I
)
_FIELD_LINE = re.compile(r"^\W*[A-Za-z][\w ]{0,20}:\s")
_HANDLE = re.compile(r"^@?[\w.'’-]+(?:\s+[\w.'’-]+){0,2}$")

#: Shapes of header lines that may follow a post's headline.
_META_SHAPES = frozenset({"url", "short", "date"})


def _shape(line: str) -> str:
    """A coarse shape of one stripped line: url, date, short (a name), title, prose."""
    if not line:
        return "blank"
    if is_url_only(line):
        return "url"
    n_words = len(line.split())
    if n_words <= 8 and parse_date(line) is not None:
        return "date"
    if n_words <= 8 and _FIELD_LINE.match(line):
        return "field"  # "source: X", "Editor: Y": page fields, never a headline
    if n_words <= 3 and _HANDLE.match(line) and not _has_terminal_punctuation(line):
        return "short" if not is_prompt(line) else "prompt"
    if 3 <= n_words <= 25 and not _has_terminal_punctuation(line) and not is_prompt(line):
        return "title"
    if _has_terminal_punctuation(line) and n_words >= 8:
        return "prose"
    return "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Post:
    start: int
    header: tuple[int, ...]  # line indices of title and meta lines


@dataclass(frozen=True, slots=True, kw_only=True)
class PostSplitter:
    """Article stage: split a page of several posts into one article per post.

    ``min_posts`` is how many posts a page must show before it is split.
    """

    name: ClassVar[str] = "post-split.v1"
    kind: ClassVar[str] = "article"
    min_posts: int = 2

    def __post_init__(self) -> None:
        if self.min_posts < 2:
            raise ValueError("min_posts must be at least 2")

    def run(self, article: Article) -> tuple[Article, ...]:
        """The posts of ``article`` as separate articles, or the article unchanged."""
        lines = [" ".join(raw.split()) for raw in article.text.splitlines()]
        posts = self.find_posts(lines)
        if len(posts) < self.min_posts:
            return (article,)
        out = []
        for number, (post, end) in enumerate(
            zip(posts, [p.start for p in posts[1:]] + [len(lines)], strict=True), start=1
        ):
            out.append(self._post_article(article, lines, post, end, number))
        return tuple(out)

    def find_posts(self, lines: list[str]) -> list[_Post]:
        """Where posts start in ``lines`` (empty when the page is a single article)."""
        content = [i for i, line in enumerate(lines) if line]
        shapes = {i: _shape(lines[i]) for i in content}
        following = {a: b for a, b in itertools.pairwise(content)}

        # 1. Repeated header structure: a headline, then one or two meta lines.
        headers: dict[int, tuple[str, ...]] = {}
        for i in content:
            if shapes[i] != "title":
                continue
            meta: list[int] = []
            j = following.get(i)
            while j is not None and shapes[j] in _META_SHAPES and len(meta) < 3:
                meta.append(j)
                j = following.get(j)
            if meta and j is not None and shapes[j] in {"prose", "other", "title"}:
                headers[i] = tuple(shapes[m] for m in meta)
        counts = Counter(headers.values())
        header_starts = {
            i
            for i, signature in headers.items()
            if counts[signature] >= self.min_posts
            and ("url" in signature or "date" in signature or len(signature) >= 2)
        }

        # 2. Repeated end markers: feed footers and "Read more" links; the next
        # headline after a marker run starts a post.
        markers = [
            i for i in content if is_appeared_first(lines[i]) or _MORE_MARKER.match(lines[i])
        ]
        footer_starts: set[int] = set()
        if (
            len([i for i in markers if is_appeared_first(lines[i])]) >= self.min_posts
            or len(markers) >= 2 * self.min_posts
        ):
            for marker in markers:
                j = following.get(marker)
                while j is not None and shapes[j] not in {"title", "prose"}:
                    j = following.get(j)
                after = following.get(j) if j is not None else None
                if (
                    j is not None
                    and shapes[j] == "title"
                    and after is not None
                    and (shapes[after] in _META_SHAPES or shapes[after] == "prose")
                ):
                    footer_starts.add(j)

        starts = sorted(header_starts | footer_starts)
        if len(starts) + (0 if starts and starts[0] == content[0] else 1) < self.min_posts:
            return []
        if not starts or starts[0] != content[0]:
            starts.insert(0, content[0])
        posts = []
        for start in starts:
            header = [start] if shapes[start] == "title" else []
            if start in headers:
                j = following.get(start)
                for _ in headers[start]:
                    header.append(j)  # type: ignore[arg-type]
                    j = following.get(j)  # type: ignore[arg-type]
            posts.append(_Post(start=start, header=tuple(header)))
        return posts

    def _post_article(
        self, page: Article, lines: list[str], post: _Post, end: int, number: int
    ) -> Article:
        header_lines = [lines[i] for i in post.header]
        body = [
            line
            for i, line in enumerate(lines[post.start : end], post.start)
            if i not in post.header
        ]
        title = url = author = when = None
        for i in post.header:
            shape = _shape(lines[i])
            if shape == "title" and title is None:
                title = lines[i]
            elif shape == "url" and url is None:
                url = lines[i].strip("<>()[] ")
            elif shape == "date" and when is None:
                when = parse_date(lines[i])
            elif shape == "short" and author is None:
                author = lines[i]
        outlet = None
        for line in body:
            match = _APPEARED.search(line)
            if match and is_appeared_first(line):
                outlet = match.group("outlet").strip()
        text = "\n".join(body).strip("\n")
        source = f"{page.source}#post-{number}"
        return Article(
            id=stable_id(source, text),
            text=text,
            source=source,
            title=title,
            outlet=outlet or page.outlet,
            author=author,
            date=when or page.date,
            url=url or page.url,
            language=page.language,
            removed=page.removed + tuple(header_lines),
        )


#: Source suffix ``PostSplitter`` gives the posts of a multi-post page.
_POST_SOURCE = re.compile(r"#post-\d+$")


def is_post(article: Article) -> bool:
    """Whether ``article`` is one post of a page of several (split by ``PostSplitter``)."""
    return _POST_SOURCE.search(article.source) is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class OffTopicFilter:
    """Story stage: drop articles far from the rest of the story (see module docstring).

    An input the user chose is kept when its similarity to the rest of the story
    is at least ``min_similarity`` *or* at least ``min_relative`` times the
    story's median. A post split from a multi-post page must also reach
    ``min_post_relative`` times the median.
    """

    name: ClassVar[str] = "off-topic.v2"
    kind: ClassVar[str] = "story"
    min_similarity: float = 0.06
    min_relative: float = 0.6
    min_post_relative: float = 0.75
    min_articles: int = 3
    min_words: int = 40

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_similarity < 1.0:
            raise ValueError("min_similarity must be in [0, 1)")
        for field_name in ("min_relative", "min_post_relative"):
            if not 0.0 <= getattr(self, field_name) < 2.0:
                raise ValueError(f"{field_name} must be in [0, 2)")
        if self.min_articles < 3:
            raise ValueError("min_articles must be at least 3 (a centroid of one is no story)")

    def similarities(self, articles: tuple[Article, ...]) -> np.ndarray:
        """Cosine of each article's TF-IDF vector to the centroid of all the others."""
        from newsbrief.text import Stemmer, content_terms, tfidf_matrix

        stem = Stemmer()
        matrix, _ = tfidf_matrix([content_terms(a.text, stem) for a in articles])
        dense = matrix.toarray()
        total = dense.sum(axis=0)
        others = total[None, :] - dense
        norms = np.linalg.norm(others, axis=1)
        dots = np.einsum("ij,ij->i", dense, others)
        return np.divide(dots, norms, out=np.zeros(len(articles)), where=norms > 0)

    def off_topic(self, articles: tuple[Article, ...]) -> dict[str, str]:
        """The articles to drop: id -> the reason, with the similarity that decided it."""
        if len(articles) < self.min_articles:
            return {}
        scores = self.similarities(articles)
        median = float(np.median(scores))
        far = (scores < self.min_similarity) & (scores < self.min_relative * median)
        # A page of posts is a feed: its other posts come along with the one the
        # user wanted and often share the feed's beat (same countries, same
        # officials), so they do not get the benefit of the doubt that an input
        # chosen by the user gets. When the page is the only input, though, its
        # posts are what the user chose (a live blog, say): nothing else defines
        # the story.
        pages = [_POST_SOURCE.sub("", a.source) for a in articles]
        n_from_page = Counter(pages)
        unvetted = np.array(
            [
                is_post(a) and n_from_page[page] < len(articles)
                for a, page in zip(articles, pages, strict=True)
            ]
        ) & (scores < self.min_post_relative * median)
        candidates = [
            i
            for i in np.argsort(scores, kind="stable")
            if (far[i] or unvetted[i]) and len(articles[i].text.split()) >= self.min_words
        ]
        max_drop = (len(articles) - 1) // 2
        return {
            articles[i].id: (
                f"{'off-topic' if far[i] else 'off-topic post of a multi-post page'} "
                f"(similarity {scores[i]:.2f} to the rest of the story, "
                f"{scores[i] / median if median else 0.0:.2f} of its median)"
            )
            for i in candidates[:max_drop]
        }

    def run(self, story: Story) -> Story:
        """The story without its off-topic articles; they are listed in ``Story.dropped``."""
        drop = self.off_topic(tuple(a for a in story.articles if a.duplicate_of is None))
        if not drop:
            return story
        kept = tuple(a for a in story.articles if a.id not in drop)
        keep_rows = [i for i, s in enumerate(story.sentences) if s.article_id not in drop]
        dropped = tuple(
            Skipped(source=a.source, reason=drop[a.id]) for a in story.articles if a.id in drop
        )
        return replace(
            story,
            articles=kept,
            sentences=tuple(story.sentences[i] for i in keep_rows),
            support=tuple(story.support[i] for i in keep_rows) if story.support else (),
            dropped=story.dropped + dropped,
        )
