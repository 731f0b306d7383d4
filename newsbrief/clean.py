"""Cleaning scraped plain text: keep the article, drop the page furniture.

A scraped page is read as blocks of lines. The first lines are searched for
metadata (title, byline, date, outlet) which becomes fields of the ``Article``
instead of text. Every other line is kept only if no furniture rule matches it.
The rules are general shapes of web-page furniture (navigation and language
menus, share/comment prompts, "Read more" links, teaser lists, photo credits,
"The post X appeared first on Y", copyright lines), not strings of any one site.

Each rule is a function ``line -> bool`` named after what it detects, listed in
``FURNITURE_RULES``; the cleaner records which rule removed which line.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from newsbrief.model import Article, stable_id

_TERMINAL = re.compile(r"[.!?][\"'”’»)\]]*$")
_ELLIPSIS_END = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\])[\"'”’)\]]*$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(
        rf"(?P<mon>{_MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I
    ),
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_RE})\s+(?P<y>\d{{4}})", re.I),
)

_PROMPT_PHRASES = re.compile(
    r"^\W*(read more|read also|see also|related( articles| stories| posts| news)?|more stories|"
    r"latest news|advertisements?|advertisement|sponsored( content)?|share( this( article| story)?)?|"
    r"share on \w+|tweet|print|e-?mail|comments?|leave a (comment|reply)|post a comment|"
    r"discuss this( article| story)?|add comment|subscribe( now)?|sign up|log ?in|register|"
    r"follow us( on \w+)?|click here|watch( the)? video|video player\w*|close|skip to( main)? content|"
    r"menu|search|home|next( article| story)?|previous( article| story)?|back to top|"
    r"cookie (policy|settings)|accept( all)? cookies|privacy policy|terms of (use|service)|"
    r"select page|view the original article|in the same category( are)?|you (may|might) also like|"
    r"recommended( for you)?|most (read|popular|viewed)|trending( now)?|top stories|"
    r"other (reports|stories|articles|news) by .{1,40}|more from .{1,40}|"
    r"loading\W*|play video|full screen|your email address will not be published.*|"
    r"required fields are marked.*|notify me of .*|save my name, email.*|"
    r"(please )?(enable|disable) (javascript|your ad ?blocker).*|"
    r"we use cookies.*|this (website|site) uses cookies.*)\W*$",
    re.I,
)
_LINK_PREFIX = re.compile(
    r"^\W*(read more|read also|see also|related|more|watch|listen|also read|recommended)\s*[:>»|–—-]\s*\S",
    re.I,
)
_APPEARED_FIRST = re.compile(r"\bappeared first on\b", re.I)
_COPYRIGHT = re.compile(r"(©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b)", re.I)
_URL_ONLY = re.compile(r"^\W*(https?://|www\.)\S+\W*$", re.I)
_PHOTO_CREDIT = re.compile(
    r"(\b[A-Z]{2,}(?: Photo| PHOTO| photo)?/[A-Z][\w.' -]{1,40}$|"
    # Labels are matched in any case ("Photo:", "CAPTION:"); agency credits must be upper-case.
    r"^\(?(?i:photo|image|caption|picture|file photo|credit)s?\b\s*[:/)]|"
    r"\((?i:photo|image|picture)[^)]*\)\W*$)"
)
_FIELD = re.compile(r"^[A-Z][\w ]{0,24}:\s*[\w./:-]{0,40}$")
_SOURCE_LINE = re.compile(r"^\W*source\s*:\s*(?P<outlet>[^|\n]{1,60}?)\s*(?:\||$)", re.I)
_BYLINE = re.compile(
    r"^(?:by\s+)?(?P<name>[A-Z][a-zà-ÿ'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zà-ÿ'’-]+|van|von|de|al-\w+)){1,3})$"
)
_BY_PREFIX = re.compile(r"^by\s+", re.I)
_LANGUAGE_CODE = re.compile(r"^[A-Z]{2}(?:-[A-Z]{2,4})?$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{1,30}?(?:,\s*[A-Z][A-Za-z.]+)?)"
    rf"(?:,?\s+(?P<when>{_MONTH_RE}\s+\d{{1,2}}))?"
    r"(?:,?\s*\((?P<agency>[A-Za-z][\w .&-]{0,25})\))?"
    r"\s*(?:--|—|–|-|:)\s+(?=\S)",
    re.I,
)
_CASED_DATELINE = re.compile(r"^(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+[–—]\s+(?=[A-Z])")


def _words(line: str) -> list[str]:
    return line.split()


@functools.lru_cache(maxsize=256)
def _word_count(line: str) -> int:
    """``len(_words(line))``, memoised: up to eight rules ask it of the same line, which
    for corpus input is a whole article (a string caches its hash, so a hit is cheap)."""
    return len(line.split())


#: Closing marks ``_TERMINAL`` and ``_ELLIPSIS_END`` allow after the final punctuation.
_TERMINAL_CLOSERS = "\"'”’»)]"
_ELLIPSIS_CLOSERS = "\"'”’)]"


def _ends_like(line: str, closers: str, endings: tuple[str, ...]) -> bool:
    """``re.search(rf"({endings})[{closers}]*$", line)`` without scanning the line.

    A ``$`` search tries every position of the line (a whole article, for corpus
    input); the match can only end at the end, or before a final newline, so strip
    the closing marks there and look at what precedes them. Closing marks are never
    part of an ending's last character, so the greedy regex and this agree.
    """
    body = line[:-1] if line.endswith("\n") else line
    return body.rstrip(closers).endswith(endings)


def _has_terminal_punctuation(line: str) -> bool:
    # Same as ``_TERMINAL.search(line) and not _ELLIPSIS_END.search(line)``.
    return _ends_like(line, _TERMINAL_CLOSERS, (".", "!", "?")) and not _ends_like(
        line, _ELLIPSIS_CLOSERS, ("...", "…")
    )


def _title_case_ratio(line: str) -> float:
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    if not words:
        return 0.0
    return sum(w[0].isupper() for w in words) / len(words)


# --- furniture rules: each takes one stripped line and says whether it is furniture ---


def is_url_only(line: str) -> bool:
    """A bare link (shortened URLs, "http://...")."""
    return bool(_URL_ONLY.match(line))


def is_language_menu(line: str) -> bool:
    """A language picker: many short upper-case codes (EN, ZH-CN, FR) on one line."""
    words = _words(line)
    # A code is 2 or 5-7 characters long: the length test spares the regex most words.
    codes = sum(1 for w in words if len(w) in (2, 5, 6, 7) and _LANGUAGE_CODE.match(w))
    return codes >= 4 and codes >= len(words) / 3


def is_prompt(line: str) -> bool:
    """Share/comment/subscribe prompts, "Read more", "Advertisements", player residue."""
    # 16 words: WordPress's "Save my name, email, and website in this browser for the
    # next time I comment." has 15; prose that merely starts like a prompt is longer.
    return _word_count(line) <= 16 and bool(_PROMPT_PHRASES.match(line))


def is_link_teaser(line: str) -> bool:
    """A "READ MORE: <headline>" style link to another story."""
    return bool(_LINK_PREFIX.match(line))


def is_appeared_first(line: str) -> bool:
    """The feed footer "The post X appeared first on Y"."""
    # The word count first: it is cheaper than searching a long line.
    return _word_count(line) <= 40 and bool(_APPEARED_FIRST.search(line))


def is_copyright(line: str) -> bool:
    """Copyright and rights notices."""
    return _word_count(line) <= 25 and bool(_COPYRIGHT.search(line))


def is_truncated_teaser(line: str) -> bool:
    """A teaser cut off mid-text ("...", "…", "[…]"): a link to another story."""
    return _ends_like(line, _ELLIPSIS_CLOSERS, ("...", "…"))  # = _ELLIPSIS_END.search(line)


def is_photo_caption(line: str) -> bool:
    """Photo captions and credits ("REUTERS/Name", "Photo: ...", "Caption:")."""
    if "/" in line or "(" in line:
        return bool(_PHOTO_CREDIT.search(line))
    # Without "/" or "(" only the label alternative, anchored at the start, can match:
    # trying the start alone spares a search through a long line.
    return bool(_PHOTO_CREDIT.match(line))


def is_field(line: str) -> bool:
    """A short "Key: value" page field ("Media ID: 55375143", "Editor: X")."""
    return (
        _word_count(line) <= 6 and bool(_FIELD.match(line)) and not _has_terminal_punctuation(line)
    )


def is_menu_bar(line: str) -> bool:
    """Navigation bars: several items separated by pipes, bullets or slashes."""
    separators = len(re.findall(r"\s[|•·»]\s|\s/\s", line))
    return separators >= 2 or (separators >= 1 and not _has_terminal_punctuation(line))


def is_non_prose(line: str) -> bool:
    """Headings, menus and labels: no sentence-ending punctuation, and short or title-cased.

    Real paragraphs end with punctuation; a long unpunctuated line is kept unless it
    is title-cased like a headline.
    """
    if _has_terminal_punctuation(line):
        return False
    return _word_count(line) < 20 or _title_case_ratio(line) >= 0.6


FURNITURE_RULES: tuple[Callable[[str], bool], ...] = (
    is_url_only,
    is_language_menu,
    is_prompt,
    is_link_teaser,
    is_appeared_first,
    is_copyright,
    is_truncated_teaser,
    is_photo_caption,
    is_field,
    is_menu_bar,
    is_non_prose,
)


def furniture_rule(line: str) -> str | None:
    """Name of the first furniture rule that matches ``line``, or None for content."""
    for rule in FURNITURE_RULES:
        if rule(line):
            return rule.__name__
    return None


# --- metadata ---


def parse_date(text: str) -> str | None:
    """The first full calendar date written in ``text``, as ISO 8601, or None.

    Handles "2017-07-06", "July 8, 2017", "8 July 2017" and abbreviations; other
    formats are left to the timeline stage, which uses dateparser.
    """
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTH_ABBR.get(parts["mon"][:3].lower())
        if month is None:
            continue
        try:
            return date(int(parts["y"]), month, int(parts["d"])).isoformat()
        except ValueError:
            continue
    return None


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def filename_metadata(source: str) -> dict[str, str]:
    """Title and date a file name suggests: the last resort of metadata precedence.

    ``2017-07-06-us-russia-reach-deal.txt`` gives date ``2017-07-06`` and title
    "Us russia reach deal". Names of fewer than three words (``000_6955e5.txt``,
    ``herald.txt``) give no title: they are labels, not headlines. URLs and
    in-memory texts give nothing.
    """
    if "://" in source or source.startswith(("text:", "<")):
        return {}
    stem = source.split("#", 1)[0].replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    found: dict[str, str] = {}
    match = _NAME_DATE.search(stem)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            if 1900 <= year <= 2100:
                found["date"] = date(year, month, day).isoformat()
        except ValueError:
            pass
        stem = stem[: match.start()] + " " + stem[match.end() :]
    words = [w for w in re.split(r"[-_\s]+", stem) if w.isalpha()]
    if len(words) >= 3:
        found["title"] = " ".join(words).capitalize()
    return found


def _is_date_line(line: str) -> bool:
    return _word_count(line) <= 8 and parse_date(line) is not None


def _split_title_suffix(line: str) -> tuple[str, str | None]:
    """ "Headline | Site Name" -> ("Headline", "Site Name")."""
    for separator in (" | ", " – ", " — ", " :: "):
        if separator in line:
            head, _, tail = line.rpartition(separator)
            if _word_count(tail) <= 8 and _word_count(head) >= 3:
                return head.strip(), tail.strip()
    return line, None


def _join_wrapped_lines(block: list[str]) -> list[str]:
    """Re-join prose that was hard-wrapped at a fixed width into one line per paragraph."""
    if len(block) < 2 or not _has_terminal_punctuation(block[-1]):
        return block
    longest = max(len(line) for line in block)
    if not 50 <= longest <= 120:
        return block
    joined: list[str] = [block[0]]
    for line in block[1:]:
        previous = joined[-1]
        wrapped = (
            len(previous.rsplit("\n", 1)[-1]) >= 0.6 * longest
            and not _has_terminal_punctuation(previous)
            and not re.match(r"^\s*([-*•]|\d+[.)])\s", line)
        )
        if wrapped:
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _overlap(candidate: str, body: str) -> float:
    """Share of a title candidate's longer words that occur in the body text."""
    words = {w.lower() for w in _WORD.findall(candidate) if len(w) > 3}
    if not words:
        return 0.0
    body_words = {w.lower() for w in _WORD.findall(body)}
    return len(words & body_words) / len(words)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Metadata:
    titles: tuple[tuple[str, str | None], ...] = ()
    outlet: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TextCleaner:
    """Rule-based cleaner for scraped plain text (see the module docstring).

    ``header_lines`` is how many leading lines are searched for title, byline,
    date and outlet. Metadata already on the article (from HTML meta tags, say)
    wins over what the text header says.
    """

    name: ClassVar[str] = "text-rules.v1"
    header_lines: int = 8
    strip_datelines: bool = True

    def __post_init__(self) -> None:
        if self.header_lines < 0:
            raise ValueError("header_lines must be >= 0")

    def run(self, article: Article) -> tuple[Article, ...]:
        """The cleaned article (or nothing, when no text is left)."""
        return self._clean(article, frozenset())

    def _ends_header(self, line: str) -> bool:
        """Whether ``line`` is the first line of the body (a sentence of some length)."""
        return _has_terminal_punctuation(line) and _word_count(line) >= 8

    def _is_furniture(self, lines: list[str], index: int, repeated: frozenset[str]) -> bool:
        """Whether ``lines[index]`` is furniture; subclasses add evidence beyond the rules."""
        return furniture_rule(lines[index]) is not None

    def _clean(self, article: Article, repeated: frozenset[str]) -> tuple[Article, ...]:
        lines = [line for block in _blocks(article.text) for line in _join_wrapped_lines(block)]
        meta, body_start, removed = self._read_header(lines)
        kept: list[str] = []
        outlet = meta.outlet
        for index in range(body_start, len(lines)):
            line = lines[index]
            source = _SOURCE_LINE.match(line)
            if source and _word_count(line) <= 12:
                outlet = outlet or source.group("outlet").strip()
                removed.append(line)
                continue
            if self._is_furniture(lines, index, repeated):
                removed.append(line)
                continue
            line, dateline_agency = self._strip_dateline(line)
            outlet = outlet or dateline_agency
            kept.append(line)
        text = "\n\n".join(kept)
        if not text.strip():
            return ()
        title = None
        if meta.titles:
            # A banner ("Site News | Opinion") can precede the headline; the headline is
            # the candidate that shares most words with the article it heads.
            lead = text[:3000]
            title, _ = max(meta.titles, key=lambda c: _overlap(c[0], lead))
            suffixes = sorted((s for _, s in meta.titles if s), key=lambda s: (len(s), s))
            outlet = outlet or (suffixes[0] if suffixes else None)
        # Precedence: metadata already on the article (HTML meta, feed, corpus columns),
        # then the text header, then the file name.
        named = filename_metadata(article.source)
        cleaned = replace(
            article,
            text=text,
            title=article.title or title or named.get("title"),
            outlet=article.outlet or outlet,
            author=article.author or meta.author,
            date=article.date or meta.date or named.get("date"),
            removed=article.removed + tuple(removed),
        )
        return (replace(cleaned, id=stable_id(cleaned.source, article.text)),)

    def _read_header(self, lines: list[str]) -> tuple[_Metadata, int, list[str]]:
        """Take title, byline, date and outlet from the leading non-prose lines."""
        titles: list[tuple[str, str | None]] = []
        outlet = author = when = None
        removed: list[str] = []
        index = 0
        for index, line in enumerate(lines[: self.header_lines]):  # noqa: B007 (read after the loop)
            source = _SOURCE_LINE.match(line)
            if source:
                outlet = outlet or source.group("outlet").strip()
                when = when or parse_date(line)
            elif _is_date_line(line) and when is None:
                when = parse_date(line)
            elif self._ends_header(line):
                break
            elif titles and author is None and _BYLINE.match(line) and not is_prompt(line):
                author = _BY_PREFIX.sub("", line)
            elif furniture_rule(line) in {None, "is_non_prose", "is_menu_bar"}:
                candidate, suffix = _split_title_suffix(line)
                if 3 <= _word_count(candidate) <= 30 and not is_language_menu(line):
                    titles.append((candidate, suffix))
            removed.append(line)
        else:
            index = min(len(lines), self.header_lines)
        meta = _Metadata(titles=tuple(titles[:3]), outlet=outlet, author=author, date=when)
        return meta, index, removed

    def _strip_dateline(self, line: str) -> tuple[str, str | None]:
        """Remove a leading dateline ("ASTANA, July 6 (Xinhua) --"); return its agency."""
        if not self.strip_datelines:
            return line, None
        match = _DATELINE.match(line)
        if match and match.group("place").isupper():
            rest = line[match.end() :]
            if rest[:1].isupper() or rest[:1] in "\"“'":
                return rest, match.group("agency")
        match = _CASED_DATELINE.match(line)
        if match:
            return line[match.end() :], None
        return line, None


# --- line classifier: shape features on top of the rules ---

#: Words that make up most page furniture (share bars, sign-ups, cookie banners, credits).
FURNITURE_WORDS = frozenset(
    [
        "share", "shares", "tweet", "email", "e-mail", "print", "comment", "comments",
        "subscribe", "subscription", "newsletter", "newsletters", "signup", "sign", "login",
        "cookie", "cookies", "privacy", "policy", "terms", "rights", "reserved", "copyright",
        "follow", "facebook", "twitter", "linkedin", "whatsapp", "instagram", "pinterest",
        "advertisement", "advertisements", "advertise", "sponsored", "related", "popular",
        "trending", "photo", "photos", "image", "images", "video", "videos", "gallery", "click",
        "continue", "continues", "below", "loading", "tags", "topics", "filed", "published",
        "updated", "posted", "staff", "inbox", "headlines", "briefing", "javascript", "enable",
        "browser", "caption", "careers", "contact", "scroll", "originally", "appeared", "redistributed",
        "rewritten", "broadcast", "consent", "accept", "settings", "manage", "personalise",
        "personalize", "subscribers", "picks", "editor's", "watch", "play", "view",
    ]
)  # fmt: skip
_CONTACT = re.compile(r"\S+@\S+\.\w+|(^|\s)@\w{2,}|https?://|www\.|\.com\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_CONSENT = re.compile(
    r"\bcookies?\b.*\b(agree|accept|consent|continu\w+|policy|manage|settings)\b|"
    r"\b(agree|accept|consent|continu\w+)\b.*\bcookies?\b",
    re.I,
)
_LINE_KEY = re.compile(r"\W+")


def line_key(line: str) -> str:
    """A line reduced to lower-case words, for counting repeats across pages."""
    return _LINE_KEY.sub(" ", line.lower()).strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class LineFeatures:
    """Shape of one line, the evidence the classifier weighs."""

    n_words: int
    terminal: bool  # ends like a sentence
    furniture_words: int  # words from ``FURNITURE_WORDS``
    contact: bool  # e-mail address, @handle or link
    clock: bool  # a time of day ("10:32")
    dated: bool  # a calendar date
    repeated: bool  # same line on other pages of the same outlet
    consent: bool  # a cookie or consent banner
    position: float  # 0 at the top of the page, 1 at the bottom

    @classmethod
    def of(cls, lines: list[str], index: int, repeated: frozenset[str]) -> LineFeatures:
        """Features of ``lines[index]`` within its page."""
        line = lines[index]
        words = [w.strip(".,:;!?()[]\"'“”‘’").lower() for w in line.split()]
        return cls(
            n_words=len(words),
            terminal=_has_terminal_punctuation(line),
            furniture_words=sum(w in FURNITURE_WORDS for w in words),
            contact=bool(_CONTACT.search(line)),
            clock=bool(_CLOCK.search(line)),
            dated=len(words) <= 12 and parse_date(line) is not None,
            repeated=line_key(line) in repeated,
            consent=len(words) <= 45 and bool(_CONSENT.search(line)),
            position=index / max(len(lines) - 1, 1),
        )


def classify_line(features: LineFeatures) -> str | None:
    """Why a line the rules kept is still furniture, or None for article text.

    Decisions, strongest first: the outlet's template (the same line on several
    of its pages); a cookie or consent banner; a short line with a contact address or a clock time; a short
    line made mostly of furniture words. Long lines are prose whatever they say.
    """
    if features.repeated:
        return "repeated on the outlet's pages"
    if features.consent:
        return "cookie or consent banner"
    if features.n_words > 30:
        return None
    if features.contact and features.n_words <= 20:
        return "contact or link line"
    if (features.clock or features.dated) and features.n_words <= 12:
        return "time stamp"
    ratio = features.furniture_words / max(features.n_words, 1)
    if features.terminal and features.n_words >= 10:
        # A full sentence needs more evidence: "The photo agency said it would share
        # the images with police" is news that happens to use furniture words.
        return "furniture words" if features.furniture_words >= 3 and ratio >= 0.3 else None
    if features.furniture_words >= 2 and ratio >= 0.2:
        return "furniture words"
    if features.furniture_words >= 1 and ratio >= 0.34:
        return "furniture words"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class BoilerplateCleaner(TextCleaner):
    """The rules plus a line classifier over shape features (``LineFeatures``).

    ``run_many`` first counts, per outlet (or URL host), on how many pages each
    line of at most ``max_repeat_words`` words occurs; a line on ``min_repeats``
    or more pages of one outlet is that site's template (menus, footers, share
    bars). Pages of unknown outlets are not compared. ``run`` on one article has no such
    evidence and uses the other features only.
    """

    name: ClassVar[str] = "text-classifier.v1"
    kind: ClassVar[str] = "article"
    min_repeats: int = 3
    max_repeat_words: int = 25
    max_header_words: int = 25

    def run_many(self, articles: Iterable[Article]) -> tuple[tuple[Article, ...], ...]:
        """Clean a batch, using lines repeated across pages of the same outlet."""
        batch = list(articles)
        pages_with: dict[str | None, Counter[str]] = {}
        for article in batch:
            keys = {
                line_key(line)
                for line in article.text.splitlines()
                if line.strip() and len(line.split()) <= self.max_repeat_words
            }
            pages_with.setdefault(_outlet_key(article), Counter()).update(keys)
        repeated = {
            outlet: frozenset(k for k, n in counts.items() if n >= self.min_repeats and k)
            for outlet, counts in pages_with.items()
        }
        repeated[None] = frozenset()  # pages of unknown outlets share no template
        return tuple(self._clean(a, repeated[_outlet_key(a)]) for a in batch)

    def _ends_header(self, line: str) -> bool:
        # A long line is body text even when its punctuation is odd (`said . "`), and
        # headlines do not end with a full stop: "Young people are changing the world."
        # is the article's first sentence.
        n_words = _word_count(line)
        full_stop = _has_terminal_punctuation(line) and line.rstrip("\"'”’)] ").endswith(".")
        return (
            TextCleaner._ends_header(self, line)
            or n_words >= self.max_header_words
            or (full_stop and n_words >= 4)
        )

    def _is_furniture(self, lines: list[str], index: int, repeated: frozenset[str]) -> bool:
        line = lines[index]
        rule = furniture_rule(line)
        if rule is not None:
            # Shape rules misfire on long paragraphs ("... whatsoever...."); a line of
            # several sentences is prose whatever its last characters look like.
            return not (rule in _SHAPE_RULES and _is_paragraph(line))
        if _word_count(line) > 45:
            # ``classify_line`` judges a line this long (a whole article, for corpus
            # input) by the outlet template alone: consent banners are looked for up to
            # 45 words, the other evidence up to 30. Skip computing what it ignores.
            return bool(repeated) and line_key(line) in repeated
        return classify_line(LineFeatures.of(lines, index, repeated)) is not None


#: Rules that judge a line by its shape only; a long multi-sentence paragraph overrides them.
_SHAPE_RULES = frozenset(
    {"is_truncated_teaser", "is_non_prose", "is_menu_bar", "is_link_teaser", "is_photo_caption"}
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+\S")


def _is_paragraph(line: str) -> bool:
    """At least 25 words and two sentences: article prose, not a teaser or a label."""
    return _word_count(line) >= 25 and len(_SENTENCE_END.findall(line)) >= 1


def _outlet_key(article: Article) -> str | None:
    """Pages of one site: the outlet if known, else the URL's host, else unknown.

    Never the folder: a folder of one story's articles from many outlets shares
    wire-copy sentences, which are news, not a site template.
    """
    if article.outlet:
        return article.outlet.lower()
    if article.url and "://" in article.url:
        return article.url.split("://", 1)[1].split("/", 1)[0].lower()
    return None
