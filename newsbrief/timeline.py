"""The timeline stage: dated events of the story, each with an absolute date and citations.

Three steps, each testable alone:

1. ``find_date_expressions`` — a regex candidate finder for the date shapes news
   writing uses ("July 9", "9 July 2017", "May 2017", "late August", "the end of
   August", "on Wednesday", "yesterday", "in 2011"). ``dateparser.search`` would
   find them too, but it is slow on whole articles and finds many false dates
   ("may", "now"); a finder we control is fast and precise.
2. ``resolve`` — the rules that turn an expression into an absolute date against
   the article's publication date: a weekday is the nearest one before the
   publication date (after it when the sentence speaks of the future), a day or
   month without a year is the occurrence nearest the publication date, tense
   breaking near-ties; a weekday written with the date ("Saturday, March 26")
   picks the year instead, and a span's year written once at its end ("January 1
   and December 31, 2009") applies to its start too. The pieces themselves ("Sept. 9th", "9th of July") are
   parsed by ``dateparser`` with the chosen ``RELATIVE_BASE`` and
   ``PREFER_DATES_FROM``, and kept only when it agrees with the finder.
   Without a publication date (``published=None``) only expressions that carry
   their year resolve; ``infer_reference_date`` estimates one from the article's
   own full dates, which the stage then uses for partial dates ("July 9"), not
   for weekdays or "yesterday".
3. ``TimelineStage`` — dated sentences of every article become events; events of
   several sources with the same date and similar text merge, a bounded number
   is kept (dates more sources report, in sentences central to the story, first)
   and sorted by date.
"""

from __future__ import annotations

import calendar
import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import ClassVar

import numpy as np

from newsbrief.model import Brief, Sentence, Story, TimelineEvent, parse_iso_date
from newsbrief.text import (
    Stemmer,
    article_sentences,
    content_terms,
    split_sentences,
    tfidf_entries,
)

# --------------------------------------------------------------------------- finder

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|"
    r"oct\.?|nov\.?|dec\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
# With a month written next to it, a year before 1800 too ("January 2, 1493"), but only
# where nothing follows that could make the number a count ("June 3, 1200 people").
_YEAR_WITH_MONTH = r"(?P<year>(?:1[89]|20)\d\d|1[0-7]\d\d\b(?!\s*\w))"
_TIME = (
    # A bare number is not a time: "died on March 3 at 84" gives an age.
    r"(?P<time>,? at (?:about |around )?(?:noon|midnight|\d{1,2}:\d\d(?:\s?"
    r"(?:a\.m\.|p\.m\.|am|pm|gmt|utc|hours))?|\d{1,2}\s?(?:a\.m\.|p\.m\.|am|pm|gmt|utc|hours))"
    r"(?: (?:[A-Z][a-z]+ time|local time|gmt|utc|et|est|edt|bst|cet))?)?"
)
_MODIFIER = (
    r"(?P<mod>early|mid|late|the end of|end of|the beginning of|beginning of|"
    r"the start of|start of|the middle of|middle of)"
)
_NOT_NUMBER_AFTER = r"(?![\d,.:]\d)(?!\s?%)"

# Each shape: (name, pattern). Matching is case-insensitive (Multi-News is
# lower-cased); an ambiguous bare "may"/"march" only counts next to a number.
_SHAPES: tuple[tuple[str, str], ...] = (
    ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    ("range", rf"\b{_MODIFIER}[- ]{_MONTH}(?:,? {_YEAR})?\b"),
    ("mdy", rf"\b{_MONTH} {_DAY},? {_YEAR_WITH_MONTH}\b{_TIME}"),
    ("dmy", rf"\b{_DAY} (?:of )?{_MONTH},? {_YEAR_WITH_MONTH}\b{_TIME}"),
    ("md", rf"\b{_MONTH} {_DAY}\b{_NOT_NUMBER_AFTER}{_TIME}"),
    ("dm", rf"\b{_DAY} (?:of )?{_MONTH}\b(?! \d){_TIME}"),
    ("my", rf"\b{_MONTH},?(?: of)? {_YEAR_WITH_MONTH}\b"),
    (
        "m",
        rf"\b(?P<prep>in|since|by|during|until|through|last|next|this|early|late|mid)[- ]{_MONTH}\b(?!\.?\s?\d)(?!,\s?(?:1[0-9]|20)\d\d\b)(?! of (?:1[0-9]|20)\d\d\b)",
    ),
    (
        "weekday",
        r"\b(?P<rel>last|next|this|on|by|until|from|since|before|after)?\s?"
        r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
        rf"(?P<part> (?:morning|afternoon|evening|night))?{_TIME}",
    ),
    ("deictic", r"\b(?P<deictic>yesterday|today|tomorrow|tonight|last night)\b(?!'s)" + _TIME),
    ("y", rf"\b(?P<prep>in|since|by|during|until|early|late|mid)[- ]{_YEAR}\b(?![-/]\d)"),
)
_COMPILED = tuple(
    (name, re.compile(pattern, re.IGNORECASE | re.ASCII)) for name, pattern in _SHAPES
)
# What each shape cannot match without, checked once per sentence before running the
# slower shape patterns (most sentences name no month or weekday). Each gate is a
# superset of what its shapes can match: substrings, no word boundaries.
_MONTH_PREFIXES = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_DEICTIC_WORDS = ("yesterday", "today", "tomorrow", "tonight", "last night")
_GATE_PATTERNS: dict[str, re.Pattern[str]] = {
    # Every shape's month word has a word boundary on both sides of its letters (a
    # space, "-", "," or "." around it), so "market" or "decision" open no month
    # gate; the shapes themselves then only run on sentences naming a month.
    "month": re.compile(
        r"\b(?:" + "|".join(sorted({*_MONTHS, *_MONTH_PREFIXES}, key=len, reverse=True)) + r")\b",
        re.IGNORECASE | re.ASCII,
    ),
    "weekday": re.compile("|".join(_WEEKDAYS), re.IGNORECASE | re.ASCII),
    "deictic": re.compile("|".join(_DEICTIC_WORDS), re.IGNORECASE | re.ASCII),
    "iso": re.compile(r"\d\d\d\d-\d\d-\d\d"),
    "year": re.compile(r"(?:1[89]|20)\d\d"),
    # What the month shapes need besides the month word: a day or a year is an ASCII
    # digit (the shapes match with ``re.ASCII``); a range one of ``_MODIFIER``'s words.
    "digit": re.compile(r"[0-9]"),
    "digits4": re.compile(r"[0-9]{4}"),
    "modifier": re.compile(
        r"early|mid|late|end of|beginning of|start of", re.IGNORECASE | re.ASCII
    ),
}
_MODIFIER_WORDS = ("early", "mid", "late", "end of", "beginning of", "start of")
#: The gate each shape needs. "month-day", "month-year" and "month-range" are open
#: when the month gate is and the sentence also has a digit, four digits in a row,
#: or a modifier word: most sentences that name a month ("may" as a verb) have no
#: year, so the shapes that need one are not run on them.
_SHAPE_GATES = {
    "iso": "iso",
    "range": "month-range",
    "mdy": "month-year",
    "dmy": "month-year",
    "md": "month-day",
    "dm": "month-day",
    "my": "month-year",
    "m": "month",
    "weekday": "weekday",
    "deictic": "deictic",
    "y": "year",
}


_MONTH_GATE_LOWER = re.compile(_GATE_PATTERNS["month"].pattern, re.ASCII)

#: The only characters beyond ASCII that case-insensitive matching (without
#: ``re.ASCII``) folds into ASCII letters, or whose ``lower()`` holds one: the dotted
#: capital I, the dotless i, the long s and the Kelvin sign (checked over all of
#: Unicode). In text without them every ASCII letter lower-cases to one ASCII letter
#: and every other character to no ASCII letter at all, so a case-sensitive search
#: of ``text.lower()`` finds what a case-insensitive one of ``text`` does, word
#: boundaries included. News text is rarely pure ASCII (curly quotes, dashes).
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def _lower_is_safe(text: str) -> bool:
    """Whether the lower-case fast paths (see ``_FOLDS_TO_ASCII``) are exact for ``text``."""
    return text.isascii() or _FOLDS_TO_ASCII.search(text) is None


def _open_gates(sentence: str) -> set[str]:
    """The gates (see ``_SHAPE_GATES``) ``sentence`` passes."""
    if not _lower_is_safe(sentence):
        # Case-insensitive regexes fold some non-ASCII letters (the Kelvin sign is a
        # "k"); keep their exact semantics off the fast path.
        found = {name for name, gate in _GATE_PATTERNS.items() if gate.search(sentence)}
    else:
        low = sentence.lower()
        found = set()
        # Nested: an ISO date has a year of four digits, and that year opens the year
        # gate; a sentence without a digit (most) needs one search, not three.
        if _GATE_PATTERNS["digit"].search(sentence):
            found.add("digit")
            if _GATE_PATTERNS["digits4"].search(sentence):
                found.add("digits4")
                if _GATE_PATTERNS["year"].search(sentence):
                    found.add("year")
                    if _GATE_PATTERNS["iso"].search(sentence):
                        found.add("iso")
        # Case-sensitive on the lower-cased text: for ASCII text the same as the
        # case-insensitive gate, and faster.
        if _MONTH_GATE_LOWER.search(low):
            found.add("month")
            if any(word in low for word in _MODIFIER_WORDS):
                found.add("modifier")
        if "day" in low and any(day in low for day in _WEEKDAYS):
            found.add("weekday")
        if any(word in low for word in _DEICTIC_WORDS):
            found.add("deictic")
    if "month" in found:
        for needed, gate in (("digit", "month-day"), ("digits4", "month-year")):
            if needed in found:
                found.add(gate)
        if "modifier" in found:
            found.add("month-range")
    return found


# "in April last year", "on a mid-April day last year", "in March of this year".
_RELATIVE_YEAR = re.compile(
    r"(?:\s(?:day|morning|evening|night|weekend))?,?\s(?:of\s)?(last|this|next|previous)\syear\b",
    re.IGNORECASE | re.ASCII,
)
_YEAR_OFFSETS = {"last": -1, "previous": -1, "this": 0, "next": 1}
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "jun", "jul", "aug", "oct", "dec", "sep"}


@dataclass(frozen=True, slots=True, kw_only=True)
class DateExpression:
    """A date written in a sentence, before resolution.

    Fields a shape does not give are None: ``year`` for "July 9", ``day`` for
    "May 2017", everything but ``weekday`` for "on Wednesday".
    """

    shape: str  # which pattern found it (see ``_SHAPES``)
    text: str  # as written, time of day included ("July 9 at noon Damascus time")
    start: int  # character offsets in the sentence
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    modifier: str | None = None  # "early", "mid", "late", "end", "start" for ranges
    relation: str | None = None  # "last", "next", "this", "yesterday", "today", "tomorrow"
    #: Year relative to publication written next to a partial date ("in April last year": -1).
    year_offset: int | None = None
    #: Weekday written with a day and month ("Saturday, March 26"); it pins the year.
    stated_weekday: int | None = None


def _month_number(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


def _modifier(text: str) -> str:
    text = text.lower().replace("the ", "").replace(" of", "")
    return {"beginning": "start", "middle": "mid"}.get(text, text)


# A day or month without a year that recurs every year, so names no event: a
# record for a calendar day, "every June". (Not a birthday: "his birthday on
# August 5" is usually that year's, which the reader can place.)
_RECURRING_BEFORE = re.compile(
    r"(?:\brecord(?:[- ](?:high|low))?(?:\s+(?:temperature|"
    r"rainfall|snowfall))?(?:\s+for\s+[a-z]+)?\s+(?:for|on)\s+|"
    r"\b(?:every|each)\s+(?:year\s+)?(?:on\s+|in\s+)?)$",
    re.IGNORECASE | re.ASCII,
)
_QUOTES = frozenset("\"'“”‘’″")
_ATTACK_WORDS = re.compile(
    r"^\W{0,3}(?:terror\w*\s+)?(?:attacks?|hijack\w*|terror\w*|memorial|commission|victims)\b",
    re.IGNORECASE | re.ASCII,
)


# A weekday after these words is a habit or a description, not the date of an event.
_HABIT_BEFORE = re.compile(r"\b(a|every|each|one|that|the same)\s$", re.I)
#: How far back a ``_HABIT_BEFORE`` match can start: "the same", a space, and a
#: newline (``$`` matches before a final one). Searching just that tail of the text
#: before the weekday finds what searching all of it did (``\b`` still sees the
#: character before), without a scan of the whole sentence per weekday.
_HABIT_REACH = len("the same") + 2


def _names_sept_11_attacks(before: str, after: str) -> bool:
    """ "the Sept. 11 attacks", "since the September 11" (sentence end): the 2001 attacks."""
    if _ATTACK_WORDS.match(after):
        return True
    return bool(re.search(r"\bthe\s+$", before, re.I)) and not after.strip(" .,;\"'”")


def _expression(shape: str, match: re.Match[str]) -> DateExpression | None:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    text = match.group(0).strip().rstrip(",")
    fields: dict[str, object] = {}
    month_text = groups.get("month")
    if month_text is not None:
        if shape == "iso":
            fields["month"] = int(month_text)
        else:
            # Lower-case "may"/"march" are words more often than months: keep them only
            # capitalised or with a number attached (handled by the shapes that need one).
            if (
                month_text.lower().rstrip(".") in _AMBIGUOUS_MONTHS
                and month_text[0].islower()
                and shape in {"m", "range"}
            ):
                return None
            fields["month"] = _month_number(month_text)
    if "day" in groups:
        fields["day"] = int(groups["day"])
    if "year" in groups:
        fields["year"] = int(groups["year"])
    if "mod" in groups:
        fields["modifier"] = _modifier(groups["mod"])
    if shape == "m" and groups.get("prep", "").lower() in {"early", "late", "mid"}:
        fields["modifier"] = groups["prep"].lower()
        shape = "range"
    if shape == "m" and groups.get("prep", "").lower() in {"last", "next", "this"}:
        fields["relation"] = groups["prep"].lower()
    if shape == "y" and groups.get("prep", "").lower() in {"early", "late", "mid"}:
        return None  # "late 2017" is too vague to place on a timeline
    if "weekday" in groups:
        fields["weekday"] = _WEEKDAYS.index(groups["weekday"].lower())
        rel = groups.get("rel", "").lower()
        if rel in {"last", "next", "this"}:
            fields["relation"] = rel
        if match.string[match.end("weekday") : match.end("weekday") + 1].lower() == "s":
            return None  # "on Sundays": a habit, not a date
        if _HABIT_BEFORE.search(match.string, max(0, match.start() - _HABIT_REACH), match.start()):
            return None  # "was a Tuesday", "every Friday": not the date of an event
        # Keep the preposition out of the label: "Wednesday", not "on Wednesday".
        if rel and rel not in {"last", "next", "this"}:
            text = text[len(groups["rel"]) :].strip()
    if "year" not in groups and "month" in groups:
        following = _RELATIVE_YEAR.match(match.string, match.end())
        if following:
            fields["year_offset"] = _YEAR_OFFSETS[following.group(1).lower()]
    if "deictic" in groups:
        deictic = groups["deictic"].lower()
        fields["relation"] = {"tonight": "today", "last night": "yesterday"}.get(deictic, deictic)
    if shape in {"m", "y"}:
        text = text[len(groups["prep"]) :].strip(" -")
    if "day" in fields and not 1 <= int(fields["day"]) <= 31:  # type: ignore[call-overload]
        return None
    if "year" not in fields and "month" in fields and "weekday" not in fields:
        # Only the words next to the date matter; bounded so long sentences stay cheap.
        before = match.string[max(0, match.start() - 80) : match.start()]
        after = match.string[match.end() : match.end() + 40]
        if _RECURRING_BEFORE.search(before):
            return None  # "the record high for June 28", "every June"
        if before[-1:] in _QUOTES and after[:1] in _QUOTES:
            return None  # the "November 2" factory: a name, not a date
        if (
            fields["month"] == 9
            and fields.get("day") == 11
            and _names_sept_11_attacks(before, after)
        ):
            fields["year"] = 2001  # "the Sept. 11 attacks": named by its date
    # Offsets cover the date as labelled, without a leading "in"/"on".
    start = max(match.start(), match.string.find(text, match.start(), match.end()))
    return DateExpression(shape=shape, text=text, start=start, end=match.end(), **fields)  # type: ignore[arg-type]


def find_date_expressions(sentence: str) -> tuple[DateExpression, ...]:
    """Date expressions in ``sentence``, left to right, longest match first, no overlaps."""
    gates = _open_gates(sentence)
    if not gates:
        return ()
    return _find_date_expressions(sentence, gates)


# The stage finds the dates of a sentence up to twice (dating an undated article, then
# its events); the expressions (frozen) depend on the text alone. Callers inside the
# stage use this memo; ``find_date_expressions`` itself stays a plain function.
@functools.lru_cache(maxsize=8192)
def _sentence_dates(sentence: str) -> tuple[DateExpression, ...]:
    return find_date_expressions(sentence)


def _find_date_expressions(sentence: str, gates: set[str]) -> tuple[DateExpression, ...]:
    """``find_date_expressions`` running only the shapes whose gate is in ``gates``."""
    found: list[tuple[int, int, int, DateExpression]] = []
    for priority, (shape, pattern) in enumerate(_COMPILED):
        if _SHAPE_GATES[shape] not in gates:
            continue  # the shape needs a word or number this sentence lacks
        for match in pattern.finditer(sentence, _scan_start(shape, sentence)):
            expression = _expression(shape, match)
            if expression is not None:
                found.append((match.start(), -(match.end() - match.start()), priority, expression))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    kept: list[DateExpression] = []
    taken_until = -1
    for start, _, _, expression in found:
        if start >= taken_until:
            kept.append(expression)
            taken_until = expression.end
    if len(kept) > 1:
        kept = _join_weekdays(sentence, kept)
    return tuple(_years_of_spans(sentence, kept))


#: How far before its weekday name a "weekday" match can start: the longest word of
#: its ``rel`` group ("before", "since") and one space.
_WEEKDAY_REACH = len("before") + 1


def _scan_start(shape: str, sentence: str) -> int:
    """Where in ``sentence`` the first match of ``shape`` can start, at the earliest.

    The weekday shape is the slowest to scan for and weekdays sit mid-sentence: it
    starts near the first weekday name, as no match can start earlier (``\b`` at
    the start still sees the character before, so the matches are the same).
    """
    if shape != "weekday":
        return 0
    first = _GATE_PATTERNS["weekday"].search(sentence)
    return max(0, first.start() - _WEEKDAY_REACH) if first else 0


_DAY_SHAPES = frozenset({"md", "dm", "mdy", "dmy"})
_WEEKDAY_THEN_DATE = re.compile(r",?\s*(?:the\s+)?", re.IGNORECASE | re.ASCII)
_SPAN_JOIN = re.compile(r"\s*(?:and|to|through|thru|until|till|-|\u2013|\u2014)\s*", re.I)
# "May 5-7, 2017", "June 25 and 26, 2012", "June 25, 26 and 27, 2012".
_DAY_SPAN_END = re.compile(
    r"(?:\s?[-\u2013]\s?|\s(?:and|to|through)\s|,\s)[0-3]?\d"
    r"(?:(?:,\s|\sand\s)[0-3]?\d)*,?\s(?P<year>(?:1[89]|20)\d\d)\b",
    re.IGNORECASE,
)


def _join_weekdays(sentence: str, found: list[DateExpression]) -> list[DateExpression]:
    """Fold a weekday written right before a day and month into that date.

    "Saturday, March 26" is one date, not two: the weekday is kept on the date
    (``stated_weekday``), where it tells which year is meant, and is not resolved
    on its own against the publication date.
    """
    out: list[DateExpression] = []
    for expression in found:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.shape == "weekday"
            and previous.relation is None
            and expression.shape in _DAY_SHAPES
            and _WEEKDAY_THEN_DATE.fullmatch(sentence, previous.end, expression.start)
        ):
            out[-1] = replace(expression, stated_weekday=previous.weekday)
        else:
            out.append(expression)
    return out


def _years_of_spans(sentence: str, found: list[DateExpression]) -> list[DateExpression]:
    """Give the start of a span the year written once at its end.

    "between January 1 and December 31, 2009" and "May 5-7, 2017" state the year
    once, after the end date; the start date is in that year (the year before
    when it falls later in the calendar, as in "December 28 to January 3, 2010").
    """
    out = list(found)
    for i, expression in enumerate(out):
        if expression.year is not None or expression.shape not in {"md", "dm"}:
            continue
        assert expression.month is not None and expression.day is not None
        end_year = None
        end_key = (12, 31)
        following = out[i + 1] if i + 1 < len(out) else None
        if (
            following is not None
            and following.year is not None
            and following.shape in _DAY_SHAPES
            and _SPAN_JOIN.fullmatch(sentence, expression.end, following.start)
        ):
            end_year = following.year
            end_key = (following.month or 12, following.day or 31)
        else:
            tail = _DAY_SPAN_END.match(sentence, expression.end)
            if tail:
                end_year = int(tail.group("year"))
        if end_year is not None:
            year = end_year - ((expression.month, expression.day) > end_key)
            out[i] = replace(expression, year=year)
    return out


# ----------------------------------------------------------------------- resolution

_FUTURE = re.compile(
    r"\b(will|won't|shall|is set to|are set to|was set to|were set to|is scheduled|are scheduled|"
    r"is due|are due|is expected to|are expected to|to be held|plans? to|is planning|are planning|"
    r"going to|upcoming|would take effect|would start|would begin|is to|are to)\b",
    re.IGNORECASE | re.ASCII,
)
# A reporting or completed-action verb right before the date anchors it in the past
# ("said on Friday", "wrapped up Wednesday") even in a sentence that also looks ahead.
_PAST_BEFORE = re.compile(
    r"\b(said|told|reported|announced|added|stated|wrote|confirmed|declared|ended|wrapped up|"
    r"concluded|met|signed|held|killed|died|was|were|had|began|started|took|launched|"
    r"agreed|approved|voted|attacked|arrested|released|published)\b[^.;]{0,25}$",
    re.IGNORECASE | re.ASCII,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedDate:
    """An absolute date at a known precision (see ``TimelineEvent``)."""

    date: str
    precision: str
    end: str | None = None


# A past participle right before the date ("completed her first workout in February").
# Words in -ed that describe plans or states, not finished actions, do not count.
_PAST_ED = re.compile(r"\b([a-z]{3,}ed)\b[^.;:]{0,40}$", re.IGNORECASE | re.ASCII)
_NOT_FINISHED = frozenset(
    [
        "scheduled",
        "expected",
        "planned",
        "slated",
        "delayed",
        "postponed",
        "proposed",
        "intended",
        "needed",
        "required",
        "designed",
        "aimed",
        "hoped",
        "wanted",
        "pushed",
        "moved",
        "set",
        "rescheduled",
        "called",
        "tied",
        "based",
        "related",
        "interested",
        "concerned",
        "supposed",
        "used",
        "named",
    ]
)
# Between a past verb and the date, these words move the date out of that verb's
# past ("said the vote will be held in December", "to be held", "has been scheduled").
_NOT_PAST_BETWEEN = re.compile(
    r"\b(will|would|shall|to|be|is|are|am|going|plans?|until|till|next|coming)\b", re.I
)
_BEFORE_VERB_NOT_PAST = re.compile(r"\b(will|would|to|be|been|being|is|are|shall)\s+$", re.I)


def _past_verb_before(before: str) -> bool:
    """A finished-action verb governs the date written after ``before``."""
    for pattern in (_PAST_BEFORE, _PAST_ED):
        match = pattern.search(before)
        if match is None:
            continue
        if pattern is _PAST_ED and match.group(1).lower() in _NOT_FINISHED:
            continue
        if _NOT_PAST_BETWEEN.search(before, match.end(1)):
            continue
        if find_date_expressions(before[match.end(1) :]):
            # Another date stands between: the verb governs that one ("published on
            # Nov 19, 2017 on March 9th": the stamp is past, the release date is not).
            continue
        if _BEFORE_VERB_NOT_PAST.search(before[: match.start(1)]):
            continue
        return True
    return False


def sentence_tense(sentence: str, expression: DateExpression) -> str:
    """How the sentence places the date: "past", "future", or "unmarked".

    "past" when a finished-action or reporting verb governs it ("said on Friday",
    "completed ... in February"), "future" when the sentence speaks of what is
    ahead ("is set to take effect Sunday"), "unmarked" otherwise (treated as
    the past for weekdays, and as no evidence for dates without a year).
    """
    before = sentence[: expression.start]
    if _past_verb_before(before):
        return "past"
    if _FUTURE.search(sentence):
        return "future"
    return "unmarked"


# dateparser's default parsers but "relative-time": a piece always names a month, and
# the relative parser gives up on any word that is not a unit of time ("3 days ago"),
# so it can never read one; skipping it saves half the cost of a call.
_PIECE_PARSERS = ("timestamp", "custom-formats", "absolute-time")


# dateparser is most of the cost of resolving a date; the same piece ("July 9") recurs
# with the same publication date across the articles of a story and across stages.
@functools.lru_cache(maxsize=8192)
def _parse_piece(text: str, base: date, direction: str, parts: tuple[str, ...]) -> date | None:
    """``dateparser`` reading of a date piece, relative to ``base``."""
    # The commonest pieces ("July 9", "9 July 2016") are read without dateparser, to
    # the same date (``_plain_piece``); anything else goes to dateparser.
    plain = _plain_piece(text, base, direction, parts)
    if plain is not _NOT_PLAIN:
        return plain  # type: ignore[return-value]
    return _dateparser_piece(text, base, direction, parts)


def _dateparser_piece(
    text: str, base: date, direction: str, parts: tuple[str, ...] = ("day", "month")
) -> date | None:
    """``dateparser``'s own reading of a date piece: what ``_plain_piece`` must agree with."""
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": direction,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": list(parts),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": list(_PIECE_PARSERS),
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed is not None else None


#: Pieces ``_plain_piece`` reads: a month name and a day (either order, "of" between
#: day and month), optionally a four-digit year after a comma or a space.
_PLAIN_MD = re.compile(
    r"(?P<month>[a-z]+)\.? (?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,? (?P<year>(?:1[89]|20)\d\d))?",
    re.IGNORECASE | re.ASCII,
)
_PLAIN_DM = re.compile(
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)? (?:of )?(?P<month>[a-z]+)\.?(?:,? (?P<year>(?:1[89]|20)\d\d))?",
    re.IGNORECASE | re.ASCII,
)
_NOT_PLAIN = object()


def _plain_piece(text: str, base: date, direction: str, parts: tuple[str, ...]) -> object:
    """What ``dateparser`` reads in a plain "July 9" / "9 July 2016" piece, or
    ``_NOT_PLAIN`` for any other piece.

    dateparser builds the date from the piece's day and month, and the year written
    or else the base's; without a written year it then moves the date one year
    back when it falls after the base and dates from the past are preferred, or one
    year on when it does not fall after the base and the future is preferred
    (``_correct_for_time_frame``). 29 February without a year, whose year dateparser
    picks by leap years, is left to dateparser, as is a date that does not exist ("29
    February 2013"). benchmarks/date_piece_check.py compares the two on every day-date
    piece of Multi-News val.
    """
    if parts != ("day", "month"):
        return _NOT_PLAIN
    match = _PLAIN_MD.fullmatch(text) or _PLAIN_DM.fullmatch(text)
    if match is None:
        return _NOT_PLAIN
    month = _MONTHS.get(match["month"].lower())
    day = int(match["day"])
    written = match["year"]
    if month is None or not 1 <= day <= 31 or ((month, day) == (2, 29) and written is None):
        return _NOT_PLAIN
    try:
        if written is not None:
            return date(int(written), month, day)
        parsed = date(base.year, month, day)
        if direction == "past" and parsed > base:
            return date(base.year - 1, month, day)
        if direction == "future" and parsed <= base:
            return date(base.year + 1, month, day)
    except ValueError:
        return _NOT_PLAIN
    return parsed


def _nearest_year(month: int, day: int, published: date, tense: str) -> int | None:
    """The year putting month/day nearest the publication date; tense breaks near-ties.

    News reports dates close to when it is written: "May 4" in a July article is
    the May just past, "July 9" in an article of 8 July the coming one. When the
    past and future candidates are within a month of equally near, the sentence's
    tense decides ("the talks will resume on January 5", written in July).
    """
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    candidates.sort(key=lambda d: abs((d - published).days))
    best = candidates[0]
    if len(candidates) > 1:
        second = candidates[1]
        gap = abs(abs((second - published).days) - abs((best - published).days))
        # Tense words may belong to another clause ("in June, Obama issued an order
        # that will allow ..."): they only break near-ties, never beat a nearer date.
        if gap <= 30:
            wanted_future = tense == "future"
            if (second >= published) == wanted_future and (best >= published) != wanted_future:
                best = second
    return best.year


#: Days ahead of the reference date beyond which a month named without a future mark,
#: or a date a finished-action verb governs, is no longer the coming one (four months).
_MAX_DAYS_AHEAD_UNMARKED = 122


def _back_to_the_past(exp: DateExpression, year: int, published: date, tense: str) -> bool:
    """Whether a partial date nearness put well after ``published`` is the past one.

    News reports what happened far more than what is coming, and marks what is
    coming ("will", "is set to"): a month named in a sentence without such a mark
    ("the Paris attacks in November", read in June), or any partial date that a
    finished-action verb governs ("died on November 20"), placed by nearness more
    than about four months ahead, is the previous occurrence. Not an untensed day
    ("the hearing on November 20"): a date written to the day ahead of time is
    usually a scheduled event. (Round 6 used three months, and any past verb
    before the date: on a fresh sample both moved right dates — an anniversary
    "in September" 100 days ahead, a release date after a "published on" stamp.)
    """
    if tense == "future" or (tense == "unmarked" and exp.day is not None):
        return False
    assert exp.month is not None
    ahead = (date(year, exp.month, 15) - published).days
    return ahead > _MAX_DAYS_AHEAD_UNMARKED


def _year_of_weekday(month: int, day: int, weekday: int, published: date) -> int | None:
    """The year near publication in which month/day falls on ``weekday``, if one does.

    A written weekday is stronger evidence than nearness: "Saturday, March 26"
    is 2016 even in a text whose reference date is in 2015. Within two years of
    publication at most one year fits in most cases; the nearest fitting one wins.
    """
    fitting = []
    for year in range(published.year - 2, published.year + 3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday:
            fitting.append(candidate)
    if not fitting:
        return None
    return min(fitting, key=lambda d: abs((d - published).days)).year


def _month_range(year: int, month: int, modifier: str) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {
        "early": (1, 10),
        "start": (1, 10),
        "mid": (11, 20),
        "late": (21, last),
        "end": (21, last),
    }[modifier]
    return date(year, month, first_day), date(year, month, last_day)


def resolve(
    expression: DateExpression, published: date | None, *, tense: str = "past"
) -> ResolvedDate | None:
    """The absolute date of ``expression``; None when it cannot be placed.

    Without a publication date only expressions that carry their year resolve.
    """
    exp = expression
    if exp.weekday is not None:
        if published is None:
            return None
        if exp.relation == "last":
            offset = -(((published.weekday() - exp.weekday) % 7) or 7)
        elif exp.relation == "next":
            offset = ((exp.weekday - published.weekday()) % 7) or 7
        elif tense == "future":
            offset = (exp.weekday - published.weekday()) % 7
        else:
            offset = -((published.weekday() - exp.weekday) % 7)
        return ResolvedDate(date=(published + timedelta(days=offset)).isoformat(), precision="day")
    if exp.relation in {"yesterday", "today", "tomorrow"}:
        if published is None:
            return None
        offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[exp.relation]
        return ResolvedDate(date=(published + timedelta(days=offset)).isoformat(), precision="day")
    if exp.shape == "y":
        return ResolvedDate(date=f"{exp.year:04d}", precision="year")
    assert exp.month is not None
    year = exp.year
    if year is None:
        if published is None:
            return None
        if exp.year_offset is not None:
            year = published.year + exp.year_offset
        elif exp.relation == "last":
            year = published.year - (1 if exp.month >= published.month else 0)
        elif exp.relation == "next":
            year = published.year + (1 if exp.month <= published.month else 0)
        elif exp.relation == "this":
            year = published.year
        elif exp.stated_weekday is not None and exp.day is not None:
            year = _year_of_weekday(exp.month, exp.day, exp.stated_weekday, published)
            if year is None:
                year = _nearest_year(exp.month, exp.day, published, tense)
        else:
            year = _nearest_year(exp.month, exp.day or 15, published, tense)
            if year is not None and _back_to_the_past(exp, year, published, tense):
                year -= 1
        if year is None:
            return None
    if exp.modifier is not None:
        first, last = _month_range(year, exp.month, exp.modifier)
        return ResolvedDate(date=first.isoformat(), precision="range", end=last.isoformat())
    if exp.day is None:
        return ResolvedDate(date=f"{year:04d}-{exp.month:02d}", precision="month")
    try:
        wanted = date(year, exp.month, exp.day)
    except ValueError:
        return None  # "February 30"
    if exp.shape in {"md", "dm", "mdy", "dmy"}:
        # Let dateparser read the piece as written; keep the date only when it agrees
        # with the finder, so a misread ("Sept. 9th" as 2016) can never slip through.
        piece = exp.text.split(" at ")[0].rstrip(",")
        anchor = published or wanted
        direction = "future" if wanted >= anchor else "past"
        parsed = _parse_piece(piece, anchor, direction, ("day", "month"))
        if parsed is None or (parsed.month, parsed.day) != (wanted.month, wanted.day):
            return None
        if exp.shape in {"mdy", "dmy"} and parsed.year != exp.year:
            return None
    return ResolvedDate(date=wanted.isoformat(), precision="day")


# Timeline and disagreements both resolve the dates of every sentence of a story;
# the answer depends on the sentence and publication date alone (immutable results).
@functools.lru_cache(maxsize=4096)
def resolve_in_sentence(
    sentence: str, published: date | None, *, exact: bool = True
) -> tuple[tuple[DateExpression, ResolvedDate], ...]:
    """Every date expression of ``sentence`` that resolves, with its absolute date.

    ``exact=False`` says ``published`` is an estimate (``infer_reference_date``):
    it can place the year of "July 9" or "late May", whose nearest occurrence
    hardly moves with a few days' error, but not a weekday or "yesterday", which
    need the very day, so those stay unresolved.
    """
    out = []
    for expression in _sentence_dates(sentence):
        if not exact and (
            expression.weekday is not None
            or expression.relation in {"yesterday", "today", "tomorrow"}
        ):
            continue
        resolved = resolve(expression, published, tense=sentence_tense(sentence, expression))
        if resolved is not None:
            out.append((expression, resolved))
    return tuple(out)


def parse_published(value: str | None) -> date | None:
    """An ``Article.date`` (ISO 8601, maybe with a time) as a date; None if absent or bad."""
    return parse_iso_date(value)


# ------------------------------------------------------------------------- the stage

# Photo captions ("... Syria May 4, 2017. REUTERS/Rodi Said") date a picture, not an event.
_CAPTION = re.compile(
    r"REUTERS/|\(AP Photo|AP Photo/|AFP/Getty|Getty Images|File photo|\bAFP Photo\b"
    r"|\bin this (?:[a-z]+day,? )?(?:[a-z]+\.? [0-3]?\d,? )?(?:19|20)\d\d,? (?:file )?photo\b",
    re.I,
)
# A sentence opening with a photo credit ("Reuters/Jane Doe/File Photo The court ...")
# closes the caption before it, however long the credit sentence runs on.
_CREDIT_START = re.compile(r"\W{0,3}(?:REUTERS/|AP Photo/|\(AP Photo|AFP Photo/)", re.I)
#: A substring (lower-cased) of every ``_CAPTION`` match.
_CAPTION_CLUES = ("photo", "reuters/", "getty")


def _has_caption_credit(text: str) -> bool:
    """``_CAPTION.search(text)``, ruled out first by a substring test (most sentences)."""
    # Not exact for text with one of the few non-ASCII letters case-insensitive
    # matching folds into ASCII ones (the long s is an "s"): see ``_FOLDS_TO_ASCII``.
    if _lower_is_safe(text):
        low = text.lower()
        if not any(clue in low for clue in _CAPTION_CLUES):
            return False
    return _CAPTION.search(text) is not None


def caption_positions(texts: Sequence[str]) -> set[int]:
    """Indices of photo captions among the consecutive sentences of one article.

    A caption holds a photo credit, or is followed by a short credit line or by a
    sentence that opens with a credit. Captions date a picture, not an event.
    """
    found = set()
    for i, text in enumerate(texts):
        if _has_caption_credit(text):
            found.add(i)
            if i > 0 and (len(text.split()) <= 6 or _CREDIT_START.match(text)):
                found.add(i - 1)
    return found


def _is_caption(texts: Sequence[str], index: int) -> bool:
    """``index in caption_positions(texts)``, looking at that sentence and the next only."""
    if _has_caption_credit(texts[index]):
        return True
    if index + 1 < len(texts):
        following = texts[index + 1]
        return (
            len(following.split()) <= 6 or _CREDIT_START.match(following) is not None
        ) and _has_caption_credit(following)
    return False


# ------------------------------------------------------------ reference date of an undated text

# How pages stamp the time of writing next to a date. A full date so stamped is, far
# more often than a date in running text, when the page was written or posted (on the
# development samples 0.94 against 0.73 as a stand-in for the publication date):
# a weekday written with it (news style names the weekday only for recent days),
_STAMP_WEEKDAY_BEFORE = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*(?:the\s+)?$", re.IGNORECASE | re.ASCII
)
# a byline, tweet or page-furniture separator right before it ("— Jane (@jane) may 4, 2017"),
_STAMP_SEPARATOR_BEFORE = re.compile(r"(?:\)|—|\||&#124;|·)\s*$")
# "Published", "posted", "updated" (maybe with a weekday) right before it,
_STAMP_PUBLISHED_BEFORE = re.compile(
    r"\b(?:published|posted|updated|date)\b\s*:?\s*(?:on\s+)?(?:[a-z]+day,?\s*)?$",
    re.IGNORECASE | re.ASCII,
)
# or a clock time right after it ("feb 4, 2018 at 12:27pm").
_STAMP_TIME_AFTER = re.compile(
    r",?\s*(?:at\s+)?(?:\d{1,2}:\s?\d\d|\d{1,2}\s?(?:a\.m\.|p\.m\.|am|pm)\b)", re.IGNORECASE
)
# A stamp that gives the day but no year ("This story was updated at 11:15 a.m. ET
# on Sept. 9"): "published/posted/updated", maybe a clock time, then the date.
_PARTIAL_STAMP_BEFORE = re.compile(
    r"\b(?:published|posted|updated)\b\s*:?\s*"
    r"(?:at\s+\d{1,2}(?::\s?\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)?\s*(?:[a-z]{2,4}\s+)?)?"
    r"(?:on\s+)?(?:[a-z]+day,?\s*)?$",
    re.IGNORECASE | re.ASCII,
)
_STAMP_WORDS = ("published", "posted", "updated")
#: Days a full-date estimate may lie from a yearless stamp of the same page.
_PARTIAL_STAMP_DAYS = 31
#: A sentence with this few words besides its full date is a dateline or time stamp.
_STAMP_MAX_OTHER_WORDS = 3
#: Days within which a second date must lie before an unstamped full date to corroborate it.
_CORROBORATION_DAYS = 31


def _is_stamp(sentence: str, expression: DateExpression) -> bool:
    """Whether the full date ``expression`` is written the way pages stamp their own date."""
    before = sentence[: expression.start]
    return (
        expression.stated_weekday is not None
        or " at " in expression.text  # the finder kept a time of day
        or len(before.strip()) <= 1  # the date opens its sentence: a dateline
        # little but the date: "Tuesday, June 27, 2017.", "Ottawa, July 11, 2017 /"
        or len((before + sentence[expression.end :]).split()) <= _STAMP_MAX_OTHER_WORDS
        or _STAMP_WEEKDAY_BEFORE.search(before) is not None
        or _STAMP_SEPARATOR_BEFORE.search(before) is not None
        or _STAMP_PUBLISHED_BEFORE.search(before) is not None
        or _STAMP_TIME_AFTER.match(sentence, expression.end) is not None
    )


@dataclass(frozen=True, slots=True)
class _Dated:
    """A date with a year stated in a text, with what the inference needs about it."""

    year: int
    month: int | None
    day: date | None  # the date itself when the day is written
    tense: str
    stamp: bool
    key: tuple[int, int]  # (sentence index, offset): tells two mentions apart


def _dated_evidence(texts: Sequence[str]) -> list[_Dated]:
    """Every date with a year in ``texts`` outside photo captions."""
    year_gate = _GATE_PATTERNS["year"]
    found = []
    for index, text in enumerate(texts):
        # The caption test (``caption_positions`` for one sentence) only where a year
        # is written: most sentences have none, and the test was most of the cost.
        if not year_gate.search(text) or _is_caption(texts, index):
            continue
        for expression in _sentence_dates(text):
            year = expression.year
            if year is None:
                continue
            if expression.shape in {"md", "dm"} and (expression.month, expression.day) == (9, 11):
                continue  # "the Sept. 11 attacks": a name, not a time of writing
            day = None
            if expression.day is not None and expression.month is not None:
                try:
                    day = date(year, expression.month, expression.day)
                except ValueError:
                    continue  # "February 30, 2017"
            found.append(
                _Dated(
                    year=year,
                    month=expression.month,
                    day=day,
                    tense=sentence_tense(text, expression),
                    stamp=day is not None and _is_stamp(text, expression),
                    key=(index, expression.start),
                )
            )
    return found


def _partial_stamps(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(month, day) of every stamp without a year ("updated ... on Sept. 9") in ``texts``."""
    found = []
    for text in texts:
        low = text.lower()
        if not any(word in low for word in _STAMP_WORDS):
            continue
        for expression in _sentence_dates(text):
            if (
                expression.shape in {"md", "dm"}
                and expression.year is None
                and expression.month is not None
                and expression.day is not None
                and _PARTIAL_STAMP_BEFORE.search(text[: expression.start])
            ):
                found.append((expression.month, expression.day))
    return found


def _fits_partial_stamps(chosen: date, stamps: list[tuple[int, int]]) -> bool:
    """Whether ``chosen`` lies within a month of a yearless stamp of the page (if it has one).

    A page that stamps itself "updated on Sept. 9" was written near a 9 September;
    a full date far from every such day is history (a 1912 shipwreck in a story
    about an auction), not the time of writing.
    """
    if not stamps:
        return True
    for month, day in stamps:
        for year in (chosen.year - 1, chosen.year, chosen.year + 1):
            try:
                stamp = date(year, month, day)
            except ValueError:
                continue
            if abs((stamp - chosen).days) <= _PARTIAL_STAMP_DAYS:
                return True
    return False


def _corroborated(chosen: _Dated, evidence: list[_Dated]) -> bool:
    """Another non-future date lies in the month up to ``chosen`` (or names its month)."""
    assert chosen.day is not None
    for other in evidence:
        if other.key == chosen.key or other.tense == "future":
            continue
        if other.day is not None:
            if 0 <= (chosen.day - other.day).days <= _CORROBORATION_DAYS:
                return True
        elif (other.year, other.month) == (chosen.day.year, chosen.day.month):
            return True
    return False


def infer_reference_date(
    sentences: str | Sequence[str] | Sequence[Sentence], *, today: date | None = None
) -> date | None:
    """The best estimate of when an undated article was written; None when unclear.

    ``sentences`` are the article's sentences in order (``Sentence`` objects or
    strings), or its whole text. Only full dates with a year outside photo
    captions count. A reader dates a page by how it stamps itself and by what it
    reports; in that order:

    1. the latest stamped date — written with its weekday, after "published",
       "posted" or "updated", after a byline or tweet separator, with a clock
       time, or opening its sentence (a dateline) — not in a future-tense context;
    2. else the latest other full date not in a future-tense context, but only
       when a second date within the month before it (or naming its month)
       corroborates it: a lone date in running text is as often history ("was
       born on April 28, 1990") as news;
    3. else the earliest future-tense full date: an article is written before
       the events it announces.

    Abstains (None) without such a date, when the text names a later year
    outside future-tense contexts than the date chosen, which is then history
    (a 2004 tsunami date in a story that speaks of 2014), and when the page
    stamps itself with a day but no year ("updated on Sept. 9") more than a month
    from the date chosen. Dates after ``today``
    (default: the clock's date) are never candidates, in any of the three steps:
    no page was written in the future, so such a date is a prediction ("an impact
    on Friday 13 April 2029", "not that close again until 25 November 2034")
    whatever the tense rule reads around it.
    """
    if isinstance(sentences, str):
        texts: Sequence[str] = split_sentences(sentences)
    else:
        texts = [s if isinstance(s, str) else s.text for s in sentences]
    now = date.today() if today is None else today
    evidence = _dated_evidence(texts)
    past = [d for d in evidence if d.day is not None and d.day <= now and d.tense != "future"]
    stamped = [d for d in past if d.stamp]
    # The fallback too: an announced date after today is a prediction ("it will not be
    # that close again until 25 November 2034"), not when the page was written.
    future = [d.day for d in evidence if d.day is not None and d.day <= now and d.tense == "future"]
    chosen: date | None
    if stamped:
        chosen = max(d.day for d in stamped if d.day is not None)
    elif past:
        latest = max(past, key=lambda d: d.day or date.min)
        chosen = latest.day if _corroborated(latest, evidence) else None
    else:
        chosen = min((d for d in future if d is not None), default=None)
    if chosen is None:
        return None
    latest_year = max((d.year for d in evidence if d.tense != "future"), default=0)
    if latest_year > chosen.year:
        return None
    if not _fits_partial_stamps(chosen, _partial_stamps(texts)):
        return None
    return chosen


_MAX_TEXT_WORDS = 40


def _captions(sentences: Sequence[Sentence]) -> set[int]:
    """Indices of photo captions: a credit in the sentence, or a short credit line
    right after it in the same article ("... Syria May 4, 2017." + "REUTERS/Rodi Said")."""
    found = set()
    for i, sentence in enumerate(sentences):
        if _has_caption_credit(sentence.text):
            found.add(i)
            if (
                i > 0
                and (sentence.n_words <= 6 or _CREDIT_START.match(sentence.text))
                and sentences[i - 1].article_id == sentence.article_id
            ):
                found.add(i - 1)
    return found


def _caption_at(sentences: Sequence[Sentence], i: int) -> bool:
    """``i in _captions(sentences)``, from sentence ``i`` and the one after it only."""
    if _has_caption_credit(sentences[i].text):
        return True
    if i + 1 >= len(sentences):
        return False
    following = sentences[i + 1]
    return (
        following.article_id == sentences[i].article_id
        and (following.n_words <= 6 or _CREDIT_START.match(following.text) is not None)
        and _has_caption_credit(following.text)
    )


def _one_line(text: str, expression: DateExpression | None) -> str:
    """The sentence, cut to about 40 words around the date when it is long."""
    words = text.split()
    if len(words) <= _MAX_TEXT_WORDS:
        return text
    at = len(text[: expression.start].split()) if expression else 0
    start = max(0, min(at - _MAX_TEXT_WORDS // 2, len(words) - _MAX_TEXT_WORDS))
    piece = " ".join(words[start : start + _MAX_TEXT_WORDS])
    return ("… " if start else "") + piece + (" …" if start + _MAX_TEXT_WORDS < len(words) else "")


@dataclass(slots=True)
class _Mention:
    resolved: ResolvedDate
    label: str
    text: str
    sentence_id: str
    source: int
    terms: frozenset[str]
    centrality: float


def _similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= threshold


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineStage:
    """Brief stage adding ``Brief.timeline``: dated events, merged across sources, cited.

    ``max_events`` bounds the list; ``min_similarity`` is the word overlap
    (Jaccard over stemmed content words) above which two same-date mentions from
    different sentences are one event.
    """

    kind: ClassVar[str] = "brief"
    name: ClassVar[str] = "timeline.v1"

    max_events: int = 12
    min_similarity: float = 0.2

    def __post_init__(self) -> None:
        if self.max_events < 1:
            raise ValueError(f"max_events must be at least 1, got {self.max_events}")
        if not 0.0 <= self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in [0, 1], got {self.min_similarity}")

    def run(self, story: Story, brief: Brief) -> Brief:
        """The brief with its ``timeline`` filled from every sentence of the story."""
        return replace(brief, timeline=self.events(story, brief))

    def events(self, story: Story, brief: Brief) -> tuple[TimelineEvent, ...]:
        """Dated events of ``story``, cited with ``brief``'s source numbers."""
        number_of = {s.article_id: s.number for s in brief.sources}
        published = {a.id: parse_published(a.date) for a in story.articles}
        # An article without a publication date is dated from its own text when it
        # allows (``infer_reference_date``); such an estimate places partial dates only.
        undated = {i for i, day in published.items() if day is None and i in number_of}
        if undated:
            texts: dict[str, list[str]] = {i: [] for i in undated}
            for sentence in story.sentences:
                if sentence.article_id in texts:
                    texts[sentence.article_id].append(sentence.text)
            published.update({i: infer_reference_date(t) for i, t in texts.items()})
        in_brief = {s.sentence_id for s in brief.sentences}
        sentences = story.sentences
        # Whether a sentence is a caption is asked only of those that may hold a date
        # (``_caption_at`` is ``i in _captions(sentences)`` for one index).
        candidates = [
            (i, sentence)
            for i, sentence in enumerate(sentences)
            if sentence.article_id in number_of
            and may_hold_date(sentence.text)
            and not _caption_at(sentences, i)
        ]
        if not candidates:
            return ()

        # The story's TF-IDF centroid is needed only once a sentence gives a date;
        # most candidates (any digit) give none, and many stories then have no event.
        @functools.cache
        def centrality() -> np.ndarray:
            return _centrality(story)

        stem = Stemmer()
        mentions: list[_Mention] = []
        for index, sentence in candidates:
            found = resolve_in_sentence(
                sentence.text,
                published[sentence.article_id],
                exact=sentence.article_id not in undated,
            )
            if not found:
                continue
            # The same for every date of the sentence: computed once.
            terms = frozenset(content_terms(sentence.text, stem))
            weight = float(centrality()[index]) + (0.5 if sentence.id in in_brief else 0.0)
            for expression, resolved in found:
                mentions.append(
                    _Mention(
                        resolved=resolved,
                        label=expression.text,
                        text=_one_line(sentence.text, expression),
                        sentence_id=sentence.id,
                        source=number_of[sentence.article_id],
                        terms=terms,
                        centrality=weight,
                    )
                )
        mentions += self._copy_mentions(story, number_of, centrality, stem)
        groups = self._merge(mentions)
        scored = sorted(
            groups,
            key=lambda g: (
                -len({m.source for m in g}),
                -max(m.centrality for m in g),
                _PRECISION_RANK[g[0].resolved.precision],
                g[0].resolved.date,
            ),
        )[: self.max_events]
        events = [_event(group) for group in scored]
        events.sort(key=lambda e: (e.date, _PRECISION_RANK[e.precision], e.end or "", e.text))
        return tuple(events)

    def _copy_mentions(
        self,
        story: Story,
        number_of: dict[str, int],
        centrality: Callable[[], np.ndarray],
        stem: Stemmer,
    ) -> list[_Mention]:
        """Dated sentences of copies, cited to the original sentence they repeat.

        A copy (``Article.duplicate_of``) has no source number and its sentences
        leave the story, but its own publication date can date what the original
        leaves relative: a dated repost says "July 9" where an undated original
        says "Sunday". Such a date is kept only when the copy's sentence matches
        an original sentence near-verbatim; the event cites that original.
        """
        copies = [a for a in story.articles if getattr(a, "duplicate_of", None)]
        if not copies:
            return []
        originals = [
            (i, s, frozenset(content_terms(s.text, stem)))
            for i, s in enumerate(story.sentences)
            if s.article_id in number_of
        ]
        # Which originals hold each term: the best match of a copy sentence is found
        # among the originals sharing a word with it, not by scanning all of them
        # (that scan was quadratic and most of the stage's time on big stories).
        holders: dict[str, list[int]] = {}
        for k, (_, _, original_terms) in enumerate(originals):
            for term in original_terms:
                holders.setdefault(term, []).append(k)
        out: list[_Mention] = []
        for article in copies:
            published = parse_published(article.date)
            sentences = article_sentences(article)
            exact = published is not None
            if not exact:
                published = infer_reference_date(sentences)
            captions = _captions(sentences)
            for position, sentence in enumerate(sentences):
                if position in captions:
                    continue
                found = resolve_in_sentence(sentence.text, published, exact=exact)
                if not found:
                    continue
                terms = frozenset(content_terms(sentence.text, stem))
                shared = Counter(
                    itertools.chain.from_iterable(holders.get(term, ()) for term in terms)
                )
                if not shared:
                    continue  # containment 0 everywhere: below any threshold
                # Highest containment (shared words over the copy sentence's words),
                # the earliest original on ties, as a max over all originals gave.
                most = max(shared.values())
                best = originals[min(k for k, n in shared.items() if n == most)]
                if _containment(terms, best[2]) < _MIN_COPY_MATCH:
                    continue
                index, original, original_terms = best
                if len(terms & original_terms) < 4:
                    continue
                for expression, resolved in found:
                    out.append(
                        _Mention(
                            resolved=resolved,
                            label=expression.text,
                            # Describe the event in the cited source's words; the
                            # copy only supplies the date.
                            text=_one_line(
                                original.text,
                                next(iter(_sentence_dates(original.text)), None),
                            ),
                            sentence_id=original.id,
                            source=number_of[original.article_id],
                            terms=original_terms,
                            centrality=float(centrality()[index]),
                        )
                    )
        return out

    def _merge(self, mentions: list[_Mention]) -> list[list[_Mention]]:
        """Group mentions of one date whose sentences say much the same thing."""
        groups: list[list[_Mention]] = []
        # Only groups of the same date can take a mention: look at those alone, in
        # the order they were made (scanning every group was quadratic).
        by_date: dict[tuple[str, str | None, str], list[list[_Mention]]] = {}
        for mention in mentions:
            key = (mention.resolved.date, mention.resolved.end, mention.resolved.precision)
            same_date = by_date.setdefault(key, [])
            for group in same_date:
                if any(
                    m.sentence_id == mention.sentence_id
                    or _similar(m.terms, mention.terms, self.min_similarity)
                    for m in group
                ):
                    group.append(mention)
                    break
            else:
                groups.append([mention])
                same_date.append(groups[-1])
        return groups


_PRECISION_RANK = {"day": 0, "range": 1, "month": 2, "year": 3}
_WORD_DATE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    r"tonight|last night|january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b",
    re.IGNORECASE | re.ASCII,
)


#: Share of a copy sentence's content words an original sentence must contain.
_MIN_COPY_MATCH = 0.7


def _containment(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


# The same words for lower-cased text: a case-sensitive search of ``text.lower()``
# is twice as fast as a case-insensitive one and, but for text with one of the letters
# of ``_FOLDS_TO_ASCII`` (lower() turns the Kelvin sign into "k"), finds the same words.
_WORD_DATE_LOWER = re.compile(_WORD_DATE.pattern, re.ASCII)


def _has_word_date(text: str) -> bool:
    if _lower_is_safe(text):
        return _WORD_DATE_LOWER.search(text.lower()) is not None
    return _WORD_DATE.search(text) is not None


_ASCII_DIGIT = re.compile(r"[0-9]")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


# The timeline and the disagreements stage both ask this of a story's sentences (a
# pure function of the text): the second asks the memo.
@functools.lru_cache(maxsize=8192)
def may_hold_date(text: str) -> bool:
    """Whether ``text`` has a digit, or a weekday, deictic word or month name in full.

    The timeline resolves the dates of such sentences only. Without any, a sentence
    holds no day-precision date (each needs a digit, a weekday or a deictic word), so
    the disagreements stage skips ``resolve_in_sentence`` on it as well.
    """
    if text.isascii():
        # For ASCII text a regex finds exactly the digits ``str.isdigit`` does, in C.
        has_digit = _ASCII_DIGIT.search(text) is not None
    else:
        # The ASCII digits in C; ``str.isdigit`` only over the few other characters
        # (curly quotes, dashes), which can be digits too ("²", "٣").
        has_digit = _ASCII_DIGIT.search(text) is not None or any(
            ch.isdigit() for ch in _ASCII_RUNS.sub("", text)
        )
    return has_digit or _has_word_date(text)


def _centrality(story: Story) -> np.ndarray:
    """Cosine of each sentence to the story's centroid (how central it is to the story)."""
    # The TF-IDF rows of ``sentence_vectors(story.sentences, bigrams=False)`` as arrays,
    # and scipy's arithmetic on them without building the matrix (a third of the cost
    # on a small story): ``matrix.mean(axis=0)`` multiplies each value by 1/n and adds
    # them per column over the rows in order, ``matrix @ x`` adds each row's products in
    # column order, both from 0.0, as ``np.bincount`` does (tests/test_speedups.py).
    stem = Stemmer()
    entries = tfidf_entries([content_terms(s.text, stem) for s in story.sentences])
    n_sentences, n_terms = entries.shape
    if n_terms == 0:
        return np.zeros(n_sentences)
    centroid = np.bincount(
        entries.cols, weights=entries.data * (1.0 / n_sentences), minlength=n_terms
    )
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(n_sentences)
    direction = centroid / norm
    return np.bincount(
        entries.rows, weights=entries.data * direction[entries.cols], minlength=n_sentences
    )


def _event(group: list[_Mention]) -> TimelineEvent:
    # The description comes from the most central sentence; the label from the most
    # specific way the date was written (absolute first, then the longest, which keeps
    # "at noon ... time").
    lead = max(group, key=lambda m: m.centrality)
    label = max((m.label for m in group), key=lambda t: (any(c.isdigit() for c in t), len(t)))
    return TimelineEvent(
        date=lead.resolved.date,
        precision=lead.resolved.precision,
        end=lead.resolved.end,
        label=label,
        text=lead.text,
        citations=tuple(sorted({m.source for m in group})),
        sentence_ids=tuple(dict.fromkeys(m.sentence_id for m in group)),
    )
