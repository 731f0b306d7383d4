"""Documents that are not articles: failed downloads standing in for the real thing.

A crawl of news links returns, for a fair share of them, something other than the
article: a web-archive notice ("These crawls are part of an effort to archive
pages..."), a social-network placeholder ("Tweet with a location..."), a video
player's "Rating is available when the video has been rented", a cookie or
sign-in wall, "page not found". The same notice appears in hundreds of documents
of unrelated stories, so left in a pile it glues those stories together and in a
brief it becomes a "fact" cited by many sources.

Detection works sentence by sentence: each sentence matching a known notice
pattern is a *notice sentence*. A document whose text is mostly notice sentences
(fewer than ``min_words`` words of anything else) is a non-article and is dropped,
with the kind of notice as the reason. A real article that merely starts or ends
with such a line ("Breaking news emails: get alerts...", "Media playback is
unsupported on your device") keeps its text, minus the notice sentences, which go
to ``Article.removed`` like the cleaner's furniture lines.

Patterns, not a learned model: they are cheap (the check runs on every article of
a pile before grouping), predictable, and each rule names what it detects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from newsbrief.model import Article

#: Kinds of notice, each a pattern matched inside one lower-cased sentence.
NOTICE_PATTERNS: dict[str, re.Pattern[str]] = {
    "web-archive notice": re.compile(
        r"internet archive|wayback machine|archive-it|\bweb ?crawls?\b|\bcrawl data\b"
        r"|\bthis crawl\b|\bwarc files?\b|\bno more 404\b|\bcrawls? of (?:supported|outlinks)\b"
        r"|web collections curated|\bseed ?list\b|\bfocused crawls\b|\bthese crawls\b"
        r"|\bthe seed for\b|\bweb captures\b|files are currently not publicly accessible"
        r"|properties of this collection|\bfor this collection\b|\bwayback\b|\bheritrix\b"
        r"|distributed crawling|end of term (?:web )?(?:archive|project)"
        r"|turned off duplicate detection",
    ),
    "social-network placeholder": re.compile(
        r"tweet with a location|add a location to your tweets|your (?:tweet )?location history"
        r"|legacy twitter|add this tweet to your website|see more of .{1,80} on facebook"
        r"|this will appear next to all of your comments|will not appear anywhere on"
        r"|this (?:tweet|post) (?:is unavailable|has been deleted)",
    ),
    "video placeholder": re.compile(
        r"rating is available when the video|interactive transcript could not be loaded"
        r"|this feature is not available right now|media playback is unsupported"
        r"|this video (?:is no longer|is not|isn't) available|please try again later"
        r"|add this video to your website|\bwatch queue\b",
    ),
    "cookie or script wall": re.compile(
        r"\b(?:enable|accept|allow)\b.{0,40}\bcookies\b|\bcookies?\b.{0,60}\b(?:policy|settings"
        r"|consent)\b|\bwe use cookies\b|javascript is (?:disabled|turned off)"
        r"|enable javascript|\bad ?blocker\b|are you a robot|unusual traffic from your"
        r"|consent to the use .{0,80}cookies|privacy policy and third.party partners",
    ),
    "page not found": re.compile(
        r"\bpage (?:you|you're|you are) (?:were )?(?:looking for|requested|trying to reach)"
        r"|\bpage (?:was |could )?not (?:be )?found\b|\b(?:error 404|404 error|404 not found)\b"
        r"|\b(?:page|article|content) (?:is no longer available|has been removed"
        r"|no longer exists|cannot be found|could not be found)|legal help page",
    ),
    "sign-in or subscription wall": re.compile(
        r"\b(?:log ?in|sign in) to continue\b|\bsign in using\b|verification email"
        r"|activate your profile|subscribe to (?:continue|read)|subscription service"
        r"|deliverable area|reprints?: this copy is for your personal|order reprints"
        r"|breaking news emails|get breaking news alerts|delivered weekday mornings"
        r"|updates directly to your inbox|thank you for subscribing"
        r"|subscribe to our (?:free )?newsletters?|enter the characters"
        r"|you have reached your (?:limit|maximum)|free articles? (?:this month|remaining)"
        r"|gofundme has verified|what does verified mean|verification message"
        r"|get email notifications on|your notification has been saved"
        r"|problem saving your notification"
        r"|\bplease sign in\b|asked to log ?in\b|confirm your birth ?date",
    ),
}

#: Literal words at least one of which a text must hold before a kind's pattern is
#: tried. Substring tests run at C speed; the patterns, with their alternations and
#: word boundaries, would cost more than the grouping itself on a large pile.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "web-archive notice": (
        "archive",
        "crawl",
        "warc",
        "404",
        "seed",
        "web captures",
        "publicly accessible",
        "this collection",
        "wayback",
        "heritrix",
        "end of term",
        "duplicate detection",
    ),
    "social-network placeholder": (
        "tweet",
        "location history",
        "twitter",
        "facebook",
        "comments",
        "appear anywhere",
        "this post",
    ),
    "video placeholder": (
        "video",
        "transcript",
        "feature is not available",
        "media playback",
        "try again later",
        "watch queue",
    ),
    "cookie or script wall": (
        "cookie",
        "javascript",
        "ad blocker",
        "adblocker",
        "robot",
        "unusual traffic",
        "third party partners",
        "third-party partners",
    ),
    "page not found": (
        "page you",
        "page not",
        "page was",
        "page could",
        "404",
        "no longer",
        "been removed",
        "be found",
        "legal help",
    ),
    "sign-in or subscription wall": (
        "log in",
        "login",
        "sign in",
        "verification",
        "activate your",
        "subscri",
        "deliverable area",
        "reprint",
        "breaking news",
        "weekday mornings",
        "inbox",
        "enter the characters",
        "you have reached",
        "free article",
        "gofundme",
        "what does verified",
        "notification",
        "birth date",
        "birthdate",
    ),
}


def _possible_kinds(lowered: str) -> list[str]:
    return [kind for kind, words in _TRIGGERS.items() if any(w in lowered for w in words)]


# Sentence ends, cheaply: punctuation then space. Good enough to isolate notice
# sentences, and fast enough to run on every document of a 150k-article pile.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

#: Fewer words than this left after removing notice sentences: not an article.
DEFAULT_MIN_WORDS = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeCheck:
    """What ``check_text`` found: the reason a text is not an article (None if it is one),
    the text without notice sentences, and the notice sentences removed."""

    reason: str | None
    text: str
    removed: tuple[str, ...]

    @property
    def is_article(self) -> bool:
        """True when the text is (still) an article."""
        return self.reason is None


def notice_kind(sentence: str) -> str | None:
    """The kind of notice this sentence is (a ``NOTICE_PATTERNS`` key), or None."""
    lowered = sentence.lower()
    for kind in _possible_kinds(lowered):
        if NOTICE_PATTERNS[kind].search(lowered):
            return kind
    return None


def check_text(text: str, *, min_words: int = DEFAULT_MIN_WORDS) -> NoticeCheck:
    """Split off notice sentences and decide whether what is left is an article.

    An empty text is reported as such. A text with no notice sentence is always an
    article, however short: brevity alone is not evidence of a failed download.
    """
    if not text.strip():
        return NoticeCheck(reason="empty text", text="", removed=())
    possible = _possible_kinds(text.lower())
    if not possible:
        return NoticeCheck(reason=None, text=text, removed=())
    kept: list[str] = []
    removed: list[str] = []
    kinds: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if not piece.strip():
            continue
        lowered = piece.lower()
        kind = next((k for k in possible if NOTICE_PATTERNS[k].search(lowered)), None)
        if kind is None:
            kept.append(piece)
        else:
            removed.append(piece.strip())
            kinds.append(kind)
    if not removed:
        return NoticeCheck(reason=None, text=text, removed=())
    rest = " ".join(kept)
    if len(rest.split()) < min_words:
        # Name the notice that dominates, so the report says what the pile held.
        reason = max(set(kinds), key=lambda k: (kinds.count(k), k))
        return NoticeCheck(reason=f"not an article: {reason}", text=rest, removed=tuple(removed))
    return NoticeCheck(reason=None, text=rest, removed=tuple(removed))


def non_article_reason(text: str, *, min_words: int = DEFAULT_MIN_WORDS) -> str | None:
    """Why ``text`` is not a news article (e.g. "not an article: web-archive notice"), or None."""
    return check_text(text, min_words=min_words).reason


def find_non_articles(
    texts: Iterable[str], *, min_words: int = DEFAULT_MIN_WORDS
) -> list[str | None]:
    """``non_article_reason`` for each raw text, in order (None for real articles)."""
    return [non_article_reason(text, min_words=min_words) for text in texts]


@dataclass(frozen=True, slots=True, kw_only=True)
class NonArticleFilter:
    """Article stage: drop non-articles, strip notice sentences from real ones.

    Runs after the text cleaner. ``run`` returns ``()`` for a non-article; the
    pipeline asks ``skip_reason`` what to tell the user.
    """

    name: ClassVar[str] = "non-article.v1"
    kind: ClassVar[str] = "article"
    min_words: int = DEFAULT_MIN_WORDS

    def __post_init__(self) -> None:
        if self.min_words < 1:
            raise ValueError(f"min_words must be at least 1, got {self.min_words}")

    def run(self, article: Article) -> tuple[Article, ...]:
        """``(article,)`` without notice sentences, or ``()`` if it is not an article."""
        check = check_text(article.text, min_words=self.min_words)
        if not check.is_article:
            return ()
        if not check.removed:
            return (article,)
        return (replace(article, text=check.text, removed=article.removed + check.removed),)

    def skip_reason(self, article: Article) -> str:
        """Why ``run`` dropped this article, for the list of skipped inputs."""
        return check_text(article.text, min_words=self.min_words).reason or "no article text"
