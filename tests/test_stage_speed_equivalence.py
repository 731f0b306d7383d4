"""The timeline and entities stages' shortcuts (issue #8) give what the plain rules give.

Each shortcut skips work whose answer it can tell in advance: a sentence whose only
capital opens it, a shape pattern whose words the sentence lacks, a case-insensitive
search done case-sensitively on ``lower()``. These tests compare each shortcut with
the plain computation on generated text, including the characters that make the
shortcuts unsafe (the Kelvin sign, the long s, the dotted and dotless i, digits
outside ASCII, curly quotes).
"""

from __future__ import annotations

from collections import Counter
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

import newsbrief.entities as entities
import newsbrief.timeline as timeline
from newsbrief.model import Sentence

_NAME_WORDS = [
    "Vladimir",
    "Putin",
    "Anna",
    "de",
    "of",
    "the",
    "The",
    "&",
    "and",
    "on",
    "Meanwhile",
    "Russian",
    "Russians",
    "Ministry",
    "Foreign",
    "Affairs",
    "President",
    "said",
    "met",
    "in",
    "company",
    "Kvarts",
    "al-Assad",
    "I",
    "who",
    "which",
    ",",
    ".",
    '"',
    "\u201c",
    "\u201d",
    "\u2019s",
    "Smith's",
    "\u212aremlin",
    "\u0130stanbul",
    "\u017fays",
    "UN",
    "NSM",
    "known",
    "as",
    "Paris",
    "42",
]
_SENTENCES = st.lists(st.sampled_from(_NAME_WORDS), max_size=14).map(" ".join)
_MID_CAPS = st.one_of(
    st.none(),
    st.sets(st.sampled_from(["Vladimir", "Putin", "Anna", "Kvarts", "The"])).map(frozenset),
)


@settings(max_examples=400, deadline=None)
@given(_SENTENCES, _MID_CAPS)
def test_opening_shortcut_finds_the_same_mentions(
    sentence: str, mid_caps: frozenset[str] | None
) -> None:
    fast = entities.find_mentions(sentence, 1, mid_sentence_caps=mid_caps)
    fast_caps = entities._mid_sentence_caps([sentence, "and " + sentence])
    # Without the shortcut every sentence is tokenized and scanned.
    with mock.patch.object(entities, "_opening_token_only", lambda _text: None):
        assert fast == entities.find_mentions(sentence, 1, mid_sentence_caps=mid_caps)
        assert fast_caps == entities._mid_sentence_caps([sentence, "and " + sentence])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_NAME_WORDS), max_size=14))
def test_headline_needs_three_capitalised_tokens(words: list[str]) -> None:
    # ``find_mentions`` skips the headline test when fewer than three tokens open
    # with a capital letter; the test must then be False.
    tokens = list(entities._tokens(" ".join(words)))
    if sum(1 for t in tokens if t[:1].isupper() and t[:1].isalpha()) < 3:
        assert not entities._looks_like_headline(tokens)


def test_lower_case_sentence_needs_no_tokens() -> None:
    assert entities._opening_token_only("The talks ended in geneva on friday.") == "The"
    assert entities._opening_token_only("The talks ended in Geneva.") is None
    assert entities._opening_token_only("") is None
    assert entities._opening_token_only("\u03b1\u03b2\u03b3 \u03b4") == ""  # no token at all
    # The Kelvin sign is upper case: no shortcut.
    assert entities._opening_token_only("Talks at the \u212aremlin.") is None


def _name_by_sorting(cluster: entities._Cluster) -> str:
    """``entities._name`` as written before it stopped sorting (the reference)."""
    if cluster.canonical:
        return cluster.canonical
    top = cluster.forms.most_common()
    best_count = top[0][1]
    multi = [f for f, _ in top if len(f.split()) > 1]
    if cluster.kind == "person" and multi:
        return max(multi, key=lambda f: (cluster.forms[f], len(f)))
    return max((f for f, n in top if n == best_count), key=len)


_FORMS = [
    "Putin",
    "Puten",
    "Vladimir Putin",
    "V. Putin",
    "Anna Smith",
    "Anne Smith",
    "UN",
    "U.N.",
    "Anna",
]


@settings(max_examples=400, deadline=None)
@example([("Anna Smith", 1), ("Anne Smith", 1), ("Anna", 2)], "person", None)  # ties go first-seen
@example([("Putin", 2), ("Puten", 2)], "place", None)
@given(
    st.lists(st.tuples(st.sampled_from(_FORMS), st.integers(1, 3)), min_size=1, max_size=8),
    st.sampled_from(["person", "place", "organization", "other"]),
    st.sampled_from([None, "United Nations"]),
)
def test_display_name_without_sorting(
    counts: list[tuple[str, int]], kind: str, canonical: str | None
) -> None:
    cluster = entities._Cluster(kind=kind, canonical=canonical)
    for form, n in counts:  # insertion order decides ties
        cluster.forms[form] += n
    assert entities._name(cluster) == _name_by_sorting(cluster)


def test_bare_name_retyped_as_the_place_it_shortens() -> None:
    # "Shannon" (untyped, commoner) then "Shannon Airport": one place under its full
    # name. This raised ValueError inside the index bookkeeping before.
    bare = entities._Cluster(kind="other", forms=Counter({"Shannon": 3}), by_source=Counter({1: 3}))
    full = entities._Cluster(
        kind="place", forms=Counter({"Shannon Airport": 1}), by_source=Counter({2: 1})
    )
    (merged,) = entities._merge_spellings([bare, full])
    assert (merged.kind, entities._name(merged)) == ("place", "Shannon Airport")
    assert merged.by_source == Counter({1: 3, 2: 1})


def test_empty_name_index_skips_the_arrays() -> None:
    index = entities._NameIndex(3)
    assert index.may_be_within("putin", 0.2).shape == (0,)
    index.set(0, "putin")
    assert index.may_be_within("putin", 0.2).tolist() == [True]


_DATE_WORDS = [
    "on",
    "last",
    "before",
    "since",
    "every",
    "a",
    "the same",
    "Sunday",
    "sunday",
    "Sundays",
    "FRIDAY",
    "may",
    "May",
    "March",
    "jan.",
    "Sept.",
    "late",
    "mid-",
    "the end of",
    "early",
    "9",
    "11",
    "2017",
    "1493",
    "2017-05-04",
    ",",
    ".",
    "\u201c",
    "\u201d",
    "\u2014",
    "\u212aremlin",
    "\u017funday",
    "\u0130n",
    "\u0131n",
    "\u00b2",
    "\u0663",
    "yesterday",
    "last night",
    "photo",
    "REUTERS/Jo",
    "Getty",
    "in",
    "said",
    "will",
    "market",
    "decision",
    "\n",
    "reuter",
    "\u017f/",
    "\u212a",
    "\u017f",
    "\u0130",
    "May 4, 2017",
    "9 July 2025",
    "March 2015",
    "late March",
    "the end of August",
    "Saturday, March 26",
    "Sept. 11",
]
# Words glued together as well as spaced: a letter next to a word decides its boundaries.
_DATE_TEXT = st.tuples(
    st.lists(st.sampled_from(_DATE_WORDS), max_size=14), st.sampled_from([" ", ""])
).map(lambda words_glue: words_glue[1].join(words_glue[0]))


@settings(max_examples=500, deadline=None)
@given(_DATE_TEXT)
def test_gates_never_hide_a_date(sentence: str) -> None:
    everything = set(timeline._SHAPE_GATES.values())
    assert timeline.find_date_expressions(sentence) == timeline._find_date_expressions(
        sentence, everything
    )


@settings(max_examples=500, deadline=None)
@given(_DATE_TEXT)
def test_weekday_scan_start_loses_no_match(sentence: str) -> None:
    for shape, pattern in timeline._COMPILED:
        start = timeline._scan_start(shape, sentence)
        late = [m.span() for m in pattern.finditer(sentence, start)]
        assert late == [m.span() for m in pattern.finditer(sentence)]


@settings(max_examples=500, deadline=None)
@given(_DATE_TEXT)
def test_lower_case_fast_paths_match_the_plain_searches(text: str) -> None:
    assert timeline._has_word_date(text) == (timeline._WORD_DATE.search(text) is not None)
    assert timeline._has_caption_credit(text) == (timeline._CAPTION.search(text) is not None)
    plain = any(ch.isdigit() for ch in text) or timeline._WORD_DATE.search(text) is not None
    assert timeline.may_hold_date.__wrapped__(text) == plain


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ,.\n", max_size=30), st.sampled_from(_DATE_WORDS))
def test_bounded_habit_search_matches_the_whole_prefix(prefix: str, word: str) -> None:
    text = f"{prefix}{word} "
    bounded = timeline._HABIT_BEFORE.search(
        text + "Sunday", max(0, len(text) - timeline._HABIT_REACH), len(text)
    )
    assert (bounded is not None) == (timeline._HABIT_BEFORE.search(text) is not None)


_CAPTION_TEXTS = [
    "The bridge collapsed on May 4, 2017.",
    "REUTERS/Jane Doe",
    "Reuters/Jane Doe/File Photo The court ruled on Monday.",
    "A short line.",
    "The mayor spoke for a long while about the plans for the river bank.",
    "(AP Photo/John Roe)",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_CAPTION_TEXTS), st.sampled_from("ab")), max_size=8))
def test_caption_of_one_sentence_matches_the_caption_set(rows: list[tuple[str, str]]) -> None:
    sentences = [
        Sentence(
            id=f"{article}:{i}",
            article_id=article,
            position=i,
            text=text,
            n_words=len(text.split()),
        )
        for i, (text, article) in enumerate(rows)
    ]
    captions = timeline._captions(sentences)
    assert [timeline._caption_at(sentences, i) for i in range(len(sentences))] == [
        i in captions for i in range(len(sentences))
    ]
