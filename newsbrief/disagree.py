"""The disagreements stage: sources giving different numbers or dates for the same thing.

Precision over recall: a false "the sources disagree" misleads a reader more than
a missed one, so a disagreement is reported only when

* two quantities count the same thing — the same head noun with the same
  modifiers ("four de-escalation zones" / "seven de-escalation zones"), or the
  same dated event (a ``TimelineEvent``-style date attached to near-identical
  sentences);
* their contexts agree: the sentences share enough content words besides the
  number (so "three US officials said" and "two officials were killed" never
  meet);
* the values differ, are exact (no "at least", "about", "more than"), and come
  from different sources, none of which states both values itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import ClassVar

from newsbrief.model import Brief, Claim, Disagreement, Sentence, Story
from newsbrief.text import STOP_WORDS, Stemmer, content_terms
from newsbrief.timeline import may_hold_date, parse_published, resolve_in_sentence


def _wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists compact)."""
    return frozenset(text.split())


_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_QUANTITY = re.compile(
    r"(?<![\w.$£€-])(?P<qual>(?:at least|[a-z]+ than|about|around|"
    r"nearly|almost|some|over|up to|roughly|approximately|an estimated|as many as)\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS)
    + r")(?P<scale>\s+(?:hundred|thousand|million|billion))?"
    r"(?P<rest>(?:\s+[a-z][a-z'-]*){1,3})",
    re.IGNORECASE,
)
# Units of time and measure: "six months", "two-day talks", "40-metre bridge" count
# durations and sizes that sources legitimately mention for different things.
_UNIT_WORDS = _wordset(
    "gmt utc est edt pst pdt cet bst yuan yen rupees rubles roubles pesos "
    "day days week weeks month months year years hour hours minute minutes second seconds "
    "percent per cent times time am pm a.m p.m metre metres meter meters km kilometres "
    "kilometers mile miles feet foot inch inches kg pounds dollars euros o'clock"
)
_NOT_COUNTED = _wordset(
    "remain remains earlier later ago more less people's each apiece percent were are"
)
# Prepositions STOP_WORDS lacks: "five zones across Syria" counts zones.
_PREPOSITIONS = _wordset(
    "across along around inside outside near beyond among amid behind beside despite except "
    "like onto past throughout toward towards underneath unlike versus via"
)
_COUNTED_PEOPLE = frozenset(
    {"people", "person", "persons", "civilians", "soldiers", "children", "passengers", "commuters"}
)
_CASUALTY_VERBS = r"(killed|killing|dead|died|injured|injuring|wounded|wounding|hurt|missing)"
# "14 people were injured", "20 people killed" / "injuring 12 people", "killed at least 3".
_CASUALTY_AFTER = re.compile(
    r"\s*(?:(?:were|was|are|have been|had been|being|got)\s+)?" + _CASUALTY_VERBS + r"\b",
    re.IGNORECASE,
)
_CASUALTY_BEFORE = re.compile(r"\b" + _CASUALTY_VERBS + r"\s+$", re.IGNORECASE)
_CASUALTY_FORMS = {
    "killing": "killed",
    "died": "dead",
    "injuring": "injured",
    "wounding": "wounded",
}
_DEATH_VERBS = frozenset({"killed", "dead", "died", "injured", "wounded", "hurt", "missing"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """A number attached to a noun phrase in a sentence."""

    value: float
    written: str  # "four", "1,200"
    subject: str  # "de-escalation zones", "people injured"
    head: str  # the counted noun, singularised: "zone"
    approximate: bool


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# Every ``_QUANTITY`` match holds a digit or a number word, the word after a non-word
# character and before white space ("often" or "weight" hold none). For ASCII text
# (where case-insensitive matching folds ASCII letters only) a sentence with neither,
# most sentences, is ruled out with two cheap searches of its lower-cased form.
_DIGIT = re.compile(r"[0-9]")
_COUNT_WORD = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\s")


def find_quantities(sentence: str) -> tuple[Quantity, ...]:
    """Counted noun phrases ("four de-escalation zones", "14 people injured") in ``sentence``."""
    if (
        sentence.isascii()
        and _DIGIT.search(sentence) is None
        and _COUNT_WORD.search(sentence.lower()) is None
    ):
        return ()
    return _find_quantities(sentence)


def _find_quantities(sentence: str) -> tuple[Quantity, ...]:
    """``find_quantities`` without the cheap test that rules most sentences out."""
    found = []
    for match in _QUANTITY.finditer(sentence):
        # casefold, not lower: case-insensitive matching reads "\u017fix" (a long s) as
        # "six", which lower() keeps as is, so it missed the table and float() raised.
        num = match.group("num").casefold()
        if num in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[num])
        else:
            value = float(num.replace(",", ""))
            if 1900 <= value <= 2100 and "," not in num:
                continue  # a year
        scale = (match.group("scale") or "").strip().lower()
        value *= {"": 1, "hundred": 100, "thousand": 1_000, "million": 1e6, "billion": 1e9}[scale]
        words = match.group("rest").split()
        if (
            num.isdigit()
            and match.end("num") < len(sentence)
            and sentence[match.end("num")] in "-:/%"
        ):
            continue  # "2-1", "10:30", "50%"
        before = sentence[: match.start()].rstrip().lower()
        if re.search(r"\b(?:out of|of)(?: the| all)?$", before):
            continue  # "34 out of the 4,557 cardiac arrests": a total, not the count at issue
        if before.endswith((":", "$", "£", "€", "us$")) or re.search(
            r"\b(?:hundred|thousand|and|\w+ty)[ -]?$", before
        ):
            # A time ("09: 12"), money ("$ 129 million": rounded and converted, it differs
            # by source without anyone disagreeing), or the tail of a longer number
            # ("one hundred and three", "twenty-three").
            continue
        phrase: list[str] = []
        for word in words:
            lowered = word.lower()
            if lowered in _DEATH_VERBS:
                phrase.append(lowered)
                break  # "14 injured", "14 people injured": the count's subject ends here
            # Stop at function words, names ("12 hurt March"), and verbs or adverbs
            # ("two people remain", "three earlier"): what follows is not counted.
            if (
                lowered in STOP_WORDS
                or lowered in _PREPOSITIONS
                or word[:1].isupper()
                or lowered.endswith(("ed", "ly", "ing"))
                or lowered in _NOT_COUNTED
            ):
                break
            phrase.append(lowered)
        if not phrase:
            continue
        # The counted noun is the last word of the phrase unless a death/injury verb
        # follows it ("14 people injured"), which then belongs to the subject.
        head_index = len(phrase) - 1
        if len(phrase) > 1 and phrase[-1] in _DEATH_VERBS:
            head_index = len(phrase) - 2
        head = phrase[head_index]
        if head in _UNIT_WORDS or any(w.split("-")[-1] in _UNIT_WORDS for w in phrase):
            continue
        if not head.isalpha() or len(head) < 3:
            continue
        # "14 people were injured" and "injuring 12 people" count the same thing:
        # name a casualty count by what happened to the people.
        if head in _COUNTED_PEOPLE and not any(w in _DEATH_VERBS for w in phrase):
            # Only a verb right next to the count: in "shooting eight people, killing six
            # of them" the eight were shot, not killed.
            counted = re.match(rf"(?:\s+\S+){{{len(phrase)}}}", match.group("rest"))
            phrase_end = match.start("rest") + (counted.end() if counted else 0)
            verb = _CASUALTY_AFTER.match(sentence, phrase_end) or _CASUALTY_BEFORE.search(
                sentence, 0, match.start()
            )
            if verb:
                phrase.append(_CASUALTY_FORMS.get(verb.group(1).lower(), verb.group(1).lower()))
        following = [*words[len(phrase) :], *sentence[match.end() :].split()[:1]]
        if following and following[0].lower().strip(".,;") == "each":
            continue  # "three nominations each": per item of a list, not a total
        found.append(
            Quantity(
                value=value,
                written=match.group(0)[len(match.group("qual") or "") :].split()[0]
                + (f" {scale}" if scale else ""),
                subject=" ".join(phrase),
                head=_singular(head),
                approximate=bool(match.group("qual")),
            )
        )
    return tuple(found)


@dataclass(slots=True)
class _Statement:
    value: str
    key: float | str
    text: str
    source: int
    terms: frozenset[str]


#: Words a counted noun phrase needs before two sources' counts of it are compared.
_MIN_SUBJECT_WORDS = 2
#: Content words (besides the number and the counted noun) two statements must share.
_MIN_SHARED_TERMS = 3
# Date-stamped photo captions ("... waves in Tehran, November 2, 2017.") date pictures,
# not the events the articles report.
_CAPTION_WORDS = re.compile(
    r"\b(photo|photos|pictured|file|caption|reuters/|afp|getty|associated press|ap photo)\b", re.I
)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True, slots=True, kw_only=True)
class DisagreementStage:
    """Brief stage adding ``Brief.disagreements`` (numbers and dates that differ by source).

    ``min_context`` is the share of the shorter sentence's content words (number
    and counted noun left out) that two statements must share to be about the same
    thing; ``max_items`` bounds the list.
    """

    kind: ClassVar[str] = "brief"
    name: ClassVar[str] = "disagreements.v1"

    min_context: float = 0.5
    max_items: int = 5

    def __post_init__(self) -> None:
        if not 0.0 < self.min_context <= 1.0:
            raise ValueError(f"min_context must be in (0, 1], got {self.min_context}")

    def run(self, story: Story, brief: Brief) -> Brief:
        """The brief with its ``disagreements`` filled."""
        return replace(brief, disagreements=self.disagreements(story, brief))

    def disagreements(self, story: Story, brief: Brief) -> tuple[Disagreement, ...]:
        """Disagreements between ``story``'s sources, cited with ``brief``'s numbers."""
        number_of = {s.article_id: s.number for s in brief.sources}
        cited = [
            (sentence, number_of[sentence.article_id])
            for sentence in story.sentences
            if sentence.article_id in number_of
        ]
        if len({source for _, source in cited}) < 2:
            # A conflict pairs statements of two different sources (``_conflicts``):
            # with one source (about half the stories of a batch) there is none to find.
            return ()
        return self._disagreements(story, cited)

    def _disagreements(
        self, story: Story, cited: list[tuple[Sentence, int]]
    ) -> tuple[Disagreement, ...]:
        """Disagreements among ``cited`` (the story's sentences with their source numbers)."""
        published = {a.id: parse_published(a.date) for a in story.articles}
        stem = Stemmer()
        by_subject: dict[str, list[_Statement]] = defaultdict(list)
        for sentence, source in cited:
            quantities = find_quantities(sentence.text)
            # Only a sentence with a digit or a date word can hold a day-precision date
            # (the only dates compared below): the others skip the date finder.
            may_date = may_hold_date(sentence.text)
            if not quantities and not may_date:
                continue
            terms = frozenset(content_terms(sentence.text, stem))
            for quantity in quantities:
                if quantity.approximate:
                    continue
                exclude = {stem(w) for w in quantity.subject.replace("-", " ").split()}
                exclude |= {stem(quantity.written.split()[0].lower())}
                by_subject[quantity.subject].append(
                    _Statement(
                        value=quantity.written,
                        key=quantity.value,
                        text=sentence.text,
                        source=source,
                        terms=terms - exclude,
                    )
                )
            dated = (
                ()
                if not may_date or _CAPTION_WORDS.search(sentence.text)
                else resolve_in_sentence(sentence.text, published[sentence.article_id])
            )
            # A sentence with several dates ("died on March 3 ... flew from Nov. 16, 1973")
            # cannot say which one is the date of what: use single-date sentences only.
            if len(dated) > 1:
                dated = ()
            for expression, resolved in dated:
                if resolved.precision != "day":
                    continue
                by_subject["date"].append(
                    _Statement(
                        value=resolved.date,
                        key=resolved.date,
                        text=sentence.text,
                        source=source,
                        terms=terms - set(content_terms(expression.text, stem)),
                    )
                )
        found = []
        for subject, statements in by_subject.items():
            # A bare noun ("points", "kids", "mph") is too generic to be sure two sources
            # count the same thing; a modified one ("de-escalation zones", "people killed")
            # rarely is.
            if subject != "date" and len(subject.split()) < _MIN_SUBJECT_WORDS:
                continue
            threshold = max(self.min_context, 0.6) if subject == "date" else self.min_context
            found += _conflicts(subject, statements, threshold)
        found.sort(
            key=lambda d: (-len({c for claim in d.claims for c in claim.citations}), d.subject)
        )
        return tuple(found[: self.max_items])


def _conflicts(subject: str, statements: list[_Statement], threshold: float) -> list[Disagreement]:
    """Pairs of same-context statements from different sources with different values."""
    values_by_source: dict[int, set[float | str]] = defaultdict(set)
    for statement in statements:
        values_by_source[statement.source].add(statement.key)
    out = []
    used: set[int] = set()
    for i, first in enumerate(statements):
        if i in used:
            continue
        group = [first]
        for j in range(i + 1, len(statements)):
            second = statements[j]
            if j in used or second.source == first.source:
                continue
            if (
                _overlap(first.terms, second.terms) < threshold
                or len(first.terms & second.terms) < _MIN_SHARED_TERMS
            ):
                continue
            # A source that itself gives both values is not contradicting anyone.
            if second.key != first.key and (
                second.key in values_by_source[first.source]
                or first.key in values_by_source[second.source]
            ):
                continue
            group.append(second)
            used.add(j)
        if len({statement.key for statement in group}) < 2:
            continue
        used.add(i)
        claims: dict[float | str, Claim] = {}
        for statement in group:
            claim = claims.get(statement.key)
            if claim is None:
                claims[statement.key] = Claim(
                    value=statement.value, text=statement.text, citations=(statement.source,)
                )
            elif statement.source not in claim.citations:
                claims[statement.key] = replace(
                    claim, citations=tuple(sorted((*claim.citations, statement.source)))
                )
        if len(claims) > 1:
            label = subject if subject != "date" else f"date of: {_gist(group)}"
            out.append(Disagreement(subject=label, claims=tuple(claims.values())))
    return out


def _gist(group: list[_Statement]) -> str:
    """A few words the statements share, in the first one's order (what the date is of)."""
    shared = set.intersection(*(set(s.terms) for s in group))
    stem = Stemmer()
    words = []
    for word in re.findall(r"[A-Za-z][\w-]*", group[0].text):
        if stem(word.lower()) in shared and word.lower() not in words:
            words.append(word.lower())
    return " ".join(words[:6])
