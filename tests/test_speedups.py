"""The speed-ups keep behaviour: same answers as the plain algorithms, cheap start-up."""

from __future__ import annotations

import subprocess
import sys
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief import timeline
from newsbrief.entities import _NameIndex, edit_distance, name_distance
from newsbrief.text import Stemmer, _content_terms, content_terms, porter_stem, split_sentences
from newsbrief.timeline import find_date_expressions


def _textbook_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


_NAMES = st.text(alphabet="abcdeïz -'", max_size=24)


@settings(max_examples=300, deadline=None)
@given(_NAMES, _NAMES)
def test_bit_parallel_edit_distance_matches_the_table(a: str, b: str) -> None:
    assert edit_distance(a, b) == _textbook_distance(a, b) == edit_distance(b, a)


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAMES, min_size=1, max_size=12), _NAMES, st.sampled_from([0.15, 0.2, 0.25]))
def test_name_index_never_skips_a_pair_within_the_threshold(
    stored: list[str], query: str, ratio: float
) -> None:
    index = _NameIndex(len(stored))
    for row, name in enumerate(stored):
        index.set(row, name)
    maybe = index.may_be_within(query, ratio)
    for row, name in enumerate(stored):
        if name and query and name_distance(name, query) <= ratio:
            assert maybe[row], (name, query)


def test_name_distance_examples() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert name_distance("Lavrentiev", "Lavrentyev") == pytest.approx(0.1)


_SENTENCES = [
    "The bridge collapsed on Sunday, May 4, 2025, at about 5 p.m. local time.",
    "Talks resume next Monday; the deal was signed in late March last year.",
    "Officials said yesterday that repairs would take until 2027-01-15.",
    "Ministers met in Geneva during 2019 and again on 9 July.",
    "Caf\u00e9 talks on Sunday ended before 9 July 2025, said the \u212aremlin.",
    "Nothing here is a date, but Mayor Janet Octavia spoke on decking.",
    "",
]


@pytest.mark.parametrize("sentence", _SENTENCES)
def test_date_gates_never_hide_a_date(sentence: str, monkeypatch: pytest.MonkeyPatch) -> None:
    gated = find_date_expressions(sentence)
    # Without the gates every shape pattern runs on the whole sentence.
    monkeypatch.setattr(timeline, "_open_gates", lambda _: set(timeline._SHAPE_GATES.values()))
    assert gated == find_date_expressions(sentence)


def test_shared_memos_give_fresh_equal_results() -> None:
    text = "Steel supports of the bridge corroded. Inspectors had warned in 2019."
    first = split_sentences(text)
    first.append("mutated")
    assert split_sentences(text) == [
        "Steel supports of the bridge corroded.",
        "Inspectors had warned in 2019.",
    ]
    stem = Stemmer()
    terms = content_terms(text, stem, bigrams=True)
    assert terms == _content_terms(text, porter_stem, True)
    terms.append("mutated")
    assert "mutated" not in content_terms(text, stem, bigrams=True)
    # A custom stemmer is honoured, never served from the Porter memo.
    assert content_terms(text, str.upper) == _content_terms(text, str.upper, False)  # type: ignore[arg-type]


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_version_and_help_import_no_numerics() -> None:
    loaded = _modules_after(
        "from newsbrief.cli import build_parser\nimport newsbrief\n"
        "build_parser(); newsbrief.__version__"
    )
    assert not {"numpy", "scipy", "syntok", "newsbrief.pipeline"} & loaded


def test_lazy_package_names_resolve() -> None:
    import newsbrief

    assert newsbrief.brief.__module__ == "newsbrief.pipeline"
    assert set(newsbrief.__all__) <= set(dir(newsbrief))
    with pytest.raises(AttributeError):
        newsbrief.no_such_name  # noqa: B018


# --- the fast paths of the pipeline-speed work (benchmarks/pipeline_profile.py) ---

_TOKEN_TEXTS = [
    "Mr. McDonald said: \"It's over.\" (He didn't agree.) U.S. forces left at 10:30 a.m.",
    "Prices rose 3.5% to $1,200... then fell—sharply; e-mail co-operation re-elected.",
    'He\'s "the best" [sic] player... “Quoted,” she said — and left.\n\nNew paragraph here!',
    "Caf\u00e9 owners in Z\u00fcrich (CH) earned \u20ac5m; na\u00efve \u212aelvin ran 5km.",
    "wait...what?! ok.. fine.  Spaces\u200bzero width\u00a0nbsp\tTab hyphen-\nated",
    "   leading spaces and trailing ones   ",
    "",
    "iPhone-maker's CEO won't say; she'd rather not. (a)(b) x_y A-1 1-A",
]


def _syntok_reference(text: str) -> list[list[tuple[str, str, int]]]:
    from syntok import segmenter
    from syntok.tokenizer import Tokenizer

    tokenizer = Tokenizer(replace_not_contraction=False)
    return [
        [(t.spacing, t.value, t.offset) for t in tokenizer.tokenize(paragraph, offset)]
        for offset, paragraph in segmenter.preprocess_with_offsets(text)
    ]


def _fast_tokens(text: str) -> list[list[tuple[str, str, int]]]:
    from syntok import segmenter

    from newsbrief.text import syntok_tokens

    return [
        [(t.spacing, t.value, t.offset) for t in syntok_tokens(text, offset, offset + len(p))]
        for offset, p in segmenter.preprocess_with_offsets(text)
    ]


@pytest.mark.parametrize("text", _TOKEN_TEXTS)
def test_fast_tokenizer_matches_syntok(text: str) -> None:
    assert _fast_tokens(text) == _syntok_reference(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "word",
                "Word",
                "McX",
                "U.S.",
                "it's",
                "don't",
                "3.5",
                "a-b",
                "(",
                ")",
                '"',
                "...",
                "…",
                "é",
                "—",
                ",",
                ".",
                "!",
                "?",
                " ",
                "  ",
                "\n",
                "\n\n",
                "\u200b",
                "x_y",
                "[1]",
                "iPhone",
                "ABC",
                "2017",
                "aB1",
                "eBay's",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_fast_tokenizer_matches_syntok_on_any_mix(text: str) -> None:
    assert _fast_tokens(text) == _syntok_reference(text)


def test_split_sentences_matches_syntok_analyze() -> None:
    from syntok import segmenter

    text = " ".join(_TOKEN_TEXTS)
    expected = [
        " ".join(text[s[0].offset : s[-1].offset + len(s[-1].value)].split())
        for paragraph in segmenter.analyze(text)
        for s in paragraph
        if s
    ]
    # The quote joiner may merge pieces; without open quotes the pieces are syntok's own.
    assert " ".join(split_sentences(text)) == " ".join(e for e in expected if e)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\"'”’»)]…[\n")), max_size=12))
def test_line_end_shortcuts_match_the_regexes(line: str) -> None:
    from newsbrief import clean

    regex = bool(clean._TERMINAL.search(line)) and not clean._ELLIPSIS_END.search(line)
    assert clean._has_terminal_punctuation(line) == regex
    assert clean.is_truncated_teaser(line) == bool(clean._ELLIPSIS_END.search(line))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["EN", "ZH-CN", "FR", "de", "PT-BR", "ABCDEFGH", "X", "news"])))
def test_language_menu_length_filter_is_exact(words: list[str]) -> None:
    from newsbrief import clean

    line = " ".join(words)
    codes = sum(bool(clean._LANGUAGE_CODE.match(w)) for w in words)
    assert clean.is_language_menu(line) == (codes >= 4 and codes >= len(words) / 3)


def test_long_lines_are_judged_by_the_template_alone() -> None:
    from newsbrief.clean import BoilerplateCleaner, LineFeatures, classify_line

    long_line = "Share this photo on Twitter and follow us " * 7  # 56 words of furniture words
    cleaner = BoilerplateCleaner()
    for repeated in (frozenset(), frozenset({"unrelated"})):
        expected = classify_line(LineFeatures.of([long_line], 0, repeated)) is not None
        assert cleaner._is_furniture([long_line], 0, repeated) == expected


def test_support_of_a_one_article_story() -> None:
    from newsbrief.dedup import SentenceSupport
    from newsbrief.model import Article
    from newsbrief.pipeline import build_story

    article = Article.from_text(
        "The bridge closed. The bridge closed. Repairs start soon.", source="a"
    )
    story = SentenceSupport().run(build_story([article]))
    assert story.support == ((article.id,),) * len(story.sentences)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Photo:",
                "photo",
                "REUTERS/Jane",
                "AP PHOTO/X",
                "(Photo by X)",
                "/",
                "(",
                ")",
                "Caption",
                "credit:",
                "word",
                " ",
                "Image/",
                "CREDITS)",
                "x",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_photo_caption_shortcut_matches_the_regex(line: str) -> None:
    from newsbrief import clean

    assert clean.is_photo_caption(line) == bool(clean._PHOTO_CREDIT.search(line))


# --- issue 8, round 2: shortcuts in the per-story brief stages (outputs unchanged) ---

_QUANTITY_WORDS = st.lists(
    st.sampled_from(
        [
            "Four",
            "SIX",
            "twenty",
            "\u017fix",  # a long s: case-insensitive matching reads "six"
            "14",
            "1,200",
            "\u0663",  # an Arabic-Indic digit
            "people",
            "killed",
            "zones",
            "often",
            "weight",
            "Ten-year",
            "tens",
            "de-escalation",
            "at least",
            "about",
            "were",
            "injured",
            "officials",
            "said",
            "the",
            "2017",
            "$",
            "million",
            "-",
            ",",
            ".",
            " ",
        ]
    ),
    max_size=14,
).flatmap(lambda words: st.sampled_from([" ", "", "\n", "-"]).map(lambda sep: sep.join(words)))


@settings(max_examples=300, deadline=None)
@given(_QUANTITY_WORDS)
def test_quantity_prefilter_matches_the_full_finder(sentence: str) -> None:
    from newsbrief.disagree import _find_quantities, find_quantities

    assert find_quantities(sentence) == _find_quantities(sentence)


def test_one_source_story_skips_the_search_and_finds_the_same_nothing() -> None:
    from conftest import make_article

    from newsbrief.attribute import attribute
    from newsbrief.disagree import DisagreementStage
    from newsbrief.model import Selection
    from newsbrief.pipeline import build_story

    empty = Selection(sentence_ids=(), scores=(), n_words=0)
    stage = DisagreementStage()
    one = "The bridge collapse in Harborton killed 14 people, the mayor said on Monday."
    other = "The bridge collapse in Harborton killed 16 people, police said on the radio."
    single = build_story([make_article(f"{one} {other}", source="a.txt", date="2017-07-06")])
    brief = attribute(single, empty, max_words=50, method="t")
    cited = [(s, brief.sources[0].number) for s in single.sentences]
    assert stage.disagreements(single, brief) == () == stage._disagreements(single, cited)
    # The same sentences from two sources do disagree: the shortcut only skips one source.
    two = build_story(
        make_article(text, source=f"{i}.txt", date="2017-07-06")
        for i, text in enumerate([one, other])
    )
    assert len(stage.disagreements(two, attribute(two, empty, max_words=50, method="t"))) == 1


_DATE_WORDS = st.lists(
    st.sampled_from(
        [
            "March",
            "mar.",
            "Sept",
            "market",
            "mayor",
            "decision",
            "may",
            "mid-August",
            "late",
            "the end of",
            "of",
            "in",
            "on",
            "last",
            "Monday",
            "Sundays",
            "yesterday",
            "tonight",
            "LAST NIGHT",
            "Decembers",
            "MONDAY",
            "9",
            "9th",
            "2017",
            "2017-07-09",
            "\u00b2",  # a superscript two: a digit to str.isdigit
            "\u212aremlin",
            "said",
            "will",
            ",",
            ".",
        ]
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_DATE_WORDS)
def test_month_gate_never_hides_a_date(sentence: str) -> None:
    everything = set(timeline._SHAPE_GATES.values())
    assert find_date_expressions(sentence) == timeline._find_date_expressions(sentence, everything)


@settings(max_examples=300, deadline=None)
@given(_DATE_WORDS)
def test_sentences_without_a_date_word_or_digit_hold_no_day_date(sentence: str) -> None:
    from datetime import date

    # The timeline's old candidate test, verbatim.
    reference = any(ch.isdigit() for ch in sentence) or bool(timeline._WORD_DATE.search(sentence))
    assert timeline.may_hold_date(sentence) == reference
    if not timeline.may_hold_date(sentence):
        found = timeline.resolve_in_sentence(sentence, date(2017, 7, 6))
        assert all(resolved.precision != "day" for _, resolved in found)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "photo",
                "PHOTO",
                "Reuters/",
                "REUTERS",
                "/",
                "Getty",
                "Images",
                "AFP",
                "(AP",
                "AP",
                "File",
                "in this",
                "Monday,",
                "July 9,",
                "2017",
                "\u017f",
                "word",
                " ",
            ]
        ),
        max_size=10,
    ).map(" ".join)
)
def test_caption_prefilter_matches_the_regex(text: str) -> None:
    assert timeline._has_caption_credit(text) == bool(timeline._CAPTION.search(text))


def test_date_pieces_parse_the_same_without_the_relative_parser() -> None:
    from datetime import date, datetime

    import dateparser

    pieces = [
        "July 9",
        "9th of July",
        "Sept. 9th",
        "may 5",
        "Feb. 29",
        "29 February 2016",
        "December 31, 2009",
        "1 jan 2015",
        "aug 3",
        "3 Aug.",
        "October 10th, 2017",
    ]
    for piece in pieces:
        for base in (date(2015, 3, 1), date(2016, 12, 30), date(2017, 7, 6)):
            for direction in ("past", "future"):
                settings = {
                    "RELATIVE_BASE": datetime(base.year, base.month, base.day),
                    "PREFER_DATES_FROM": direction,
                    "PREFER_DAY_OF_MONTH": "first",
                    "REQUIRE_PARTS": ["day", "month"],
                    "RETURN_AS_TIMEZONE_AWARE": False,
                }
                default = dateparser.parse(piece, languages=["en"], settings=settings)  # type: ignore[arg-type]
                fast = timeline._parse_piece(piece, base, direction, ("day", "month"))
                assert fast == (default.date() if default else None), (piece, base, direction)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "said",
                "Says",
                "stated",
                "President",
                "president's",
                "leader",
                "head of state",
                "U.S.",
                "usa",
                "truce",
                "cease-fire",
                "\u017faid",
                "presidents",
                "noted",
                "x",
                ",",
            ]
        ),
        max_size=10,
    ).map(" ".join)
)
def test_copy_normalisation_skips_only_patterns_that_change_nothing(text: str) -> None:
    from newsbrief.dedup import _normalize_for_copies, normalize_for_copies

    assert normalize_for_copies(text) == _normalize_for_copies(text, skip=False)


def test_spacy_lookup_happens_once_per_process() -> None:
    from newsbrief.entities import load_spacy_pipeline

    assert load_spacy_pipeline() is load_spacy_pipeline()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["bridge", "clos", "repair", "a b", ""]), max_size=12),
    st.integers(1, 6),
)
def test_shingles_are_the_joined_windows(terms: list[str], size: int) -> None:
    from newsbrief import dedup

    text = " ".join(terms)
    found = dedup._shingles(text, Stemmer(), size)
    words = content_terms(dedup.normalize_for_copies(text), Stemmer())
    if len(words) < size:
        assert found == ({" ".join(words)} if words else set())
    else:
        assert found == {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_entity_tokens_are_memoised_but_fresh() -> None:
    from newsbrief import entities

    sentence = "Alexander Lavrentyev said Russia's delegation arrived on Monday."
    first = entities.find_mentions(sentence, 1)
    assert entities._tokens(sentence) == tuple(entities._TOKEN.findall(sentence))
    assert entities.find_mentions(sentence, 1) == first


# --- round 3: the summarizer's features without scipy.sparse, and syntok's segmenter ---

_STORY_WORDS = [
    "bridge",
    "river",
    "collapsed",
    "Mayor",
    "said",
    "the",
    "and",
    "of",
    "12",
    "2023",
    "inspectors",
    "bolts",
    "ferry",
    "He",
    "It",
    "a",
    '"quote"',
    "review",
    "bridge's",
]


def _story_from(articles: list[list[list[str]]], *, interleave: bool = False):
    """A story whose articles hold the given sentences (lists of words)."""
    from newsbrief.dedup import SentenceSupport
    from newsbrief.model import Article, Story, stable_id
    from newsbrief.text import article_sentences

    built = [
        Article.from_text(
            " ".join(" ".join(words) + "." for words in sentences), source=f"test:{index}"
        )
        for index, sentences in enumerate(articles)
    ]
    sentences = [s for article in built for s in article_sentences(article)]
    if interleave:
        # Sentences of different articles mixed (the analysis must not assume order).
        sentences = sentences[1::2] + sentences[::2]
    story = Story(
        id=stable_id(*(a.id for a in built)), articles=tuple(built), sentences=tuple(sentences)
    )
    return SentenceSupport().run(story) if sentences else story


def _assert_same_analysis(story) -> None:
    import reference_features

    from newsbrief.summarize import features
    from newsbrief.summarize.learned import load_model

    model = load_model()
    fast = features.analyse(story, model.priors, model.default_prior)
    slow = reference_features.analyse(story, model.priors, model.default_prior)
    # Bit for bit: the numpy formulation sums in scipy's order.
    assert np.array_equal(fast.features, slow.features)
    assert np.array_equal(fast.concept_articles, slow.concept_articles)
    assert np.array_equal(fast.lengths, slow.lengths)
    assert np.array_equal(fast.is_bigram, slow.is_bigram)
    for mine, theirs in (
        (fast.vectors, slow.vectors),
        (fast.concepts, slow.concepts),
        (fast.similarity, slow.similarity),
    ):
        assert mine.shape == theirs.shape
        assert np.array_equal(mine.toarray(), theirs.toarray())
    assert np.array_equal(fast.vectors.indptr, slow.vectors.indptr)
    assert np.array_equal(fast.vectors.indices, slow.vectors.indices)


_SENTENCE = st.lists(st.sampled_from(_STORY_WORDS), min_size=1, max_size=9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_SENTENCE, min_size=1, max_size=5), min_size=1, max_size=5),
    st.booleans(),
)
def test_fast_features_equal_the_sparse_formulation(
    articles: list[list[list[str]]], interleave: bool
) -> None:
    _assert_same_analysis(_story_from(articles, interleave=interleave))


def test_fast_features_equal_the_sparse_formulation_on_real_text() -> None:
    from conftest import make_story
    from test_summarize import TEXTS

    from newsbrief.dedup import SentenceSupport

    _assert_same_analysis(SentenceSupport().run(make_story(*TEXTS)))
    _assert_same_analysis(make_story(TEXTS[0]))


def test_fast_features_cover_scipys_canonical_case() -> None:
    """When every article's summed row happens to be stored sorted, scipy multiplies
    rows by a sorted merge instead; the fast path must follow it."""
    from newsbrief.summarize import features

    story = _story_from(
        [
            [["Alpha"]],
            [["Beta"]],
            [["Gamma"]],
            [["Gamma"], ["Gamma", "and", "beta"], ["Beta", "or", "alpha", "alpha"]],
        ]
    )
    tokens = features._tokenize(story.sentences)
    assert tokens.stems[:3] == ["alpha", "beta", "gamma"]
    n = len(story.sentences)
    owner = np.array([0, 1, 2, 3, 3, 3])
    entries = features._Entries.of(
        tokens.sentence[tokens.concept_mask], tokens.stem_ids[tokens.concept_mask], n, 3
    )
    sums = entries.group_sums(features._tfidf_data(entries), owner, np.arange(n), 4)
    assert sums.canonical
    _assert_same_analysis(story)


def test_vocabulary_reset_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import make_story
    from test_summarize import TEXTS

    from newsbrief.summarize import features

    story = make_story(*TEXTS)
    before = features.analyse(story).features
    monkeypatch.setattr(features, "_VOCABULARY_LIMIT", 0)
    features.analyse(make_story("Completely different words arrive here."))
    assert np.array_equal(features.analyse(story).features, before)
    _assert_same_analysis(story)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**31 - 1))
def test_dense_block_equals_scipy_fancy_indexing(size: int, seed: int) -> None:
    import scipy.sparse as sp

    from newsbrief.summarize.coverage import _dense_block

    rng = np.random.default_rng(seed)
    matrix = sp.random(size, size, density=0.3, format="csr", random_state=rng)
    index = rng.permutation(size)[: rng.integers(1, size + 1)]
    assert np.array_equal(_dense_block(matrix, index), matrix[index][:, index].toarray())


def test_concept_counts_equal_scipy_sums() -> None:
    from conftest import make_story
    from test_summarize import TEXTS

    from newsbrief.summarize import coverage, features

    analysis = features.analyse(make_story(*TEXTS))
    concepts = analysis.concepts
    assert np.array_equal(
        coverage._sentences_per_concept(concepts), np.asarray(concepts.sum(axis=0)).ravel()
    )
    assert np.array_equal(
        coverage._unigrams_per_sentence(concepts, analysis.is_bigram),
        np.asarray(concepts[:, ~analysis.is_bigram].sum(axis=1)).ravel(),
    )


_SEGMENT_PIECES = [
    "word",
    "Word",
    "The",
    "However",
    "Mr.",
    "No.",
    "5",
    "etc.",
    "Jan.",
    "3",
    "U.S.",
    "A.",
    "IV.",
    "p.m.",
    "e.g.",
    "(see",
    "p.",
    "12)",
    "(",
    ")",
    "[1]",
    '"',
    "'",
    "”",
    "...",
    "…",
    ".",
    "!",
    "?",
    ";",
    ",",
    ":",
    " ",
    "  ",
    "\n",
    "\n\n",
    "x",
    "b.",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SEGMENT_PIECES), max_size=60).map("".join))
def test_fast_segmenter_matches_syntok(text: str) -> None:
    from syntok import segmenter

    from newsbrief.text import segment_tokens, syntok_tokens

    for offset, paragraph in segmenter.preprocess_with_offsets(text):
        end = offset + len(paragraph)
        fast = [
            [(t.spacing, t.value, t.offset) for t in s]
            for s in segment_tokens(syntok_tokens(text, offset, end))
        ]
        slow = [
            [(t.spacing, t.value, t.offset) for t in s]
            for s in segmenter.segment(syntok_tokens(text, offset, end))
        ]
        assert fast == slow


@pytest.mark.parametrize("text", _TOKEN_TEXTS)
def test_fast_segmenter_matches_syntok_on_examples(text: str) -> None:
    from syntok import segmenter

    from newsbrief.text import segment_tokens, syntok_tokens

    for offset, paragraph in segmenter.preprocess_with_offsets(text):
        end = offset + len(paragraph)
        assert list(map(str, segment_tokens(syntok_tokens(text, offset, end)))) == list(
            map(str, segmenter.segment(syntok_tokens(text, offset, end)))
        )


def test_syntok_space_list_is_syntoks_on_every_code_point() -> None:
    from newsbrief.text import _SPACES, SYNTOK_SPACES

    every = "".join(map(chr, range(0x110000)))
    assert _SPACES.sub("", every) == SYNTOK_SPACES


_CHUNK_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x3100),
        st.sampled_from(list("\x1c\x1d\x85\xa0\u200b\u2028\u3000.,!?\"'()")),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_CHUNK_TEXT)
def test_chunk_pattern_finds_syntoks_chunks(text: str) -> None:
    from newsbrief.text import _CHUNK, _SPACES

    def chunks(pos: int, endpos: int) -> list[tuple[int, int]]:
        found, offset = [], pos
        for spacing, word, tail, other in _CHUNK.findall(text, pos, endpos):
            start = offset + len(spacing)
            offset = start + len(word) + len(tail) + len(other)
            found.append((start, offset))
        return found

    assert chunks(0, len(text)) == [m.span() for m in _SPACES.finditer(text)]
    assert chunks(2, 40) == [m.span() for m in _SPACES.finditer(text, 2, 40)]
    assert _fast_tokens(text) == _syntok_reference(text)


def _greedy_loop(ratios, gains, lengths, allowed, similarity, budget_words, max_similarity):
    """The summarizer's greedy loop as it was (one numpy pass per round)."""
    allowed = allowed.copy()
    closest = np.zeros(len(ratios))
    remaining, picked = budget_words, []
    while True:
        fits = allowed & (lengths <= remaining)
        if not fits.any():
            break
        best = int(np.argmax(np.where(fits, ratios, -np.inf)))
        if gains[best] <= 0:
            break
        allowed[best] = False
        if closest[best] >= max_similarity and max_similarity < 1.0:
            continue
        picked.append(best)
        remaining -= int(lengths[best])
        row = slice(similarity.indptr[best], similarity.indptr[best + 1])
        cols = similarity.indices[row]
        closest[cols] = np.maximum(closest[cols], similarity.data[row])
    return picked


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(0, 2**31 - 1),
    st.integers(1, 120),
    st.sampled_from([0.2, 0.35, 1.0]),
)
def test_one_pass_greedy_picks_what_the_loop_picks(
    size: int, seed: int, budget: int, max_similarity: float
) -> None:
    import scipy.sparse as sp

    from newsbrief.summarize.coverage import _greedy_in_order

    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 40, size).astype(float)
    # Few distinct values, so ties (broken by index) are common; some gains are zero.
    gains = rng.integers(0, 4, size) * lengths / 2.0
    ratios = gains / np.power(lengths, 0.9)
    allowed = rng.random(size) < 0.8
    similarity = sp.random(size, size, density=0.4, format="csr", random_state=rng)
    similarity = sp.csr_matrix(similarity + similarity.T)
    args = (ratios, gains, lengths, allowed, similarity, budget, max_similarity)
    assert _greedy_in_order(*args) == _greedy_loop(*args)


def test_tree_walk_with_paired_children_equals_the_where_walk() -> None:
    from newsbrief.summarize.learned import load_model

    trees = load_model().trees
    rng = np.random.default_rng(7)
    n_trees, n_nodes = trees.feature.shape
    offsets = (np.arange(n_trees) * n_nodes)[:, np.newaxis]
    feature, threshold = trees.feature.ravel(), trees.threshold.ravel()
    left, right = (trees.left + offsets).ravel(), (trees.right + offsets).ravel()
    for n_rows in (1, 7, 40):
        features = rng.normal(size=(n_rows, trees.feature.max() + 1)) * rng.choice(
            [0.0, 1.0, 100.0], size=(n_rows, 1)
        )
        # The walk as it was: np.where over separate left/right arrays.
        flat = features.ravel()
        row_start = np.tile(np.arange(n_rows) * features.shape[1], n_trees)
        node = np.repeat(offsets.ravel(), n_rows)
        for _ in range(trees.depth):
            goes_left = flat[row_start + feature[node]] <= threshold[node]
            node = np.where(goes_left, left[node], right[node])
        expected = trees.baseline + trees.value.ravel()[node].reshape(n_trees, n_rows).sum(axis=0)
        assert np.array_equal(trees.predict(features), expected)


_TERM_TEXT = st.lists(
    st.sampled_from(
        ["The", "bridges", "bridge", "collapsed", "a", "of", "I", "x", "12", "running", "ran", "é"]
    ),
    max_size=20,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TERM_TEXT, st.booleans())
def test_memoised_porter_terms_equal_the_plain_ones(text: str, bigrams: bool) -> None:
    from newsbrief.text import _content_terms, _porter_terms

    expected = tuple(_content_terms(text, porter_stem, bigrams))
    assert _porter_terms.__wrapped__(text, bigrams) == expected
    assert tuple(content_terms(text, Stemmer(), bigrams=bigrams)) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d_e", "f"]), max_size=6), max_size=6))
def test_tfidf_vocabulary_is_in_first_appearance_order(documents: list[list[str]]) -> None:
    from newsbrief.text import tfidf_matrix

    matrix, vocabulary = tfidf_matrix(documents)
    expected: dict[str, int] = {}
    for terms in documents:
        for term in terms:
            expected.setdefault(term, len(expected))
    assert vocabulary == list(expected)
    assert matrix.shape == (len(documents), len(expected))
    for row, terms in enumerate(documents):
        assert {vocabulary[c] for c in matrix[row].indices} == set(terms)


def _tiny_pile(path, n_stories: int = 12):  # type: ignore[no-untyped-def]
    """A JSONL pile of made-up stories (2-4 articles each, own words), for batch runs."""
    import json
    import random

    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vu", "bor", "nel", "qui", "do"]
    common = ["the", "city", "council", "said", "new", "plan", "would", "start", "week"]
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(n_stories):
            topic = ["".join(rng.choices(syllables, k=3)) for _ in range(8)]
            for _ in range(rng.randint(2, 4)):
                sentences = [
                    " ".join(rng.sample(topic, 3) + rng.sample(common, 4)).capitalize() + "."
                    for _ in range(6)
                ]
                record = {"text": " ".join(sentences), "title": f"{topic[0]} {topic[1]}"}
                handle.write(json.dumps(record) + "\n")
    return path


def test_routed_term_counts_equal_the_recomputed_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The brief step reads the prepare step's term counts (routed with the articles)
    instead of tokenizing again: the same matrix, row for row, as recomputing them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsbrief.distributed import (
        BatchSettings,
        _default_grouper,
        _routed_counts,
        _table_articles,
        run_batch,
    )

    pile = _tiny_pile(tmp_path / "pile.jsonl")
    out = tmp_path / "out"
    # Small partitions and story tasks: several partitions route rows into each task.
    run_batch(
        [str(pile)], out, n_workers=1, settings=BatchSettings(partition_size=10), progress=False
    )
    grouper = _default_grouper()
    folders = sorted((out / "_work" / "route").glob("task-*"))
    assert len(folders) > 1
    for folder in folders:
        paths = sorted(folder.glob("part-*.parquet"))
        assert paths and all(p.with_suffix(".npz").exists() for p in paths)
        articles = _table_articles(pa.concat_tables([pq.read_table(p) for p in paths]))
        routed = _routed_counts(paths, grouper, articles)
        fresh = grouper.term_counts([a.text for a in articles], [a.title for a in articles])
        assert routed.shape == fresh.shape
        assert routed.dtype == fresh.dtype
        assert np.array_equal(routed.indptr, fresh.indptr)
        assert np.array_equal(routed.indices, fresh.indices)
        assert np.array_equal(routed.data, fresh.data)
        # A work folder routed before the counts travelled (no .npz) recomputes them.
        for path in paths:
            path.with_suffix(".npz").unlink()
        again = _routed_counts(paths, grouper, articles)
        assert np.array_equal(again.data, fresh.data)


_COPY_TEXT = st.lists(
    st.sampled_from(
        [
            "The",
            "Russian",
            "Federation",
            "said",
            "says",
            "U.S.",
            "United",
            "States",
            "truce",
            "bridge",
            "Bridges",
            "isn't",
            "\u212aelvin",
            "Zürich",
            "x",
            ",",
            ".",
            "\n",
        ]
    ),
    max_size=14,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_COPY_TEXT)
def test_copy_terms_equal_the_terms_of_the_normalised_text(text: str) -> None:
    """The copy finder's shortcuts (one search for every synonym clue; the terms of
    the raw text when nothing would be folded) give the reference answers."""
    from newsbrief.dedup import _copy_terms, _normalize_for_copies, normalize_for_copies
    from newsbrief.text import _content_terms

    assert normalize_for_copies(text) == _normalize_for_copies(text, skip=False)
    expected = _content_terms(_normalize_for_copies(text, skip=False), porter_stem, False)
    assert _copy_terms(text, Stemmer()) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .\t\n\u00a0\u2003", max_size=40))
def test_memoised_word_count_is_the_split_length(line: str) -> None:
    """The cleaner's rules share one memoised word count per line."""
    from newsbrief.clean import _word_count, _words

    assert _word_count(line) == len(_words(line)) == _word_count(line)


def test_expansion_in_one_row_block_equals_the_two_pass_build(monkeypatch) -> None:
    # expanded_similarities builds big piles' expanded matrix in row blocks (count,
    # then fill); a pile that fits one block takes a shortcut. Same similarities.
    import numpy as np
    import scipy.sparse as sp

    from newsbrief import cluster
    from newsbrief.cluster import StoryGrouper

    rng = np.random.default_rng(7)
    dense = rng.random((40, 60)) * (rng.random((40, 60)) < 0.15)
    dense[:, 0] += 0.5  # every row non-empty and every pair related
    vectors = sp.csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True), dtype=np.float32)
    rows, cols = np.triu_indices(40, k=1)
    sims = np.asarray((vectors @ vectors.T)[rows, cols]).ravel()
    grouper = StoryGrouper()
    one_block = grouper.expanded_similarities(vectors, rows, cols, sims)
    monkeypatch.setattr(cluster, "_EXPAND_ROWS", 7)
    passes = grouper.expanded_similarities(vectors, rows, cols, sims)
    assert np.array_equal(one_block, passes)


def _random_block(seed: int):  # type: ignore[no-untyped-def]
    """A small block like the batch's: hashed columns spread over 2**20, ties
    (repeated rows, few distinct weights), unrelated articles, dates within days
    of each other or missing, and sometimes rows whose indices are not sorted."""
    import scipy.sparse as sp

    from newsbrief.cluster import N_FEATURES, _normalize_rows
    from newsbrief.model import Article

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 65))
    vocabulary = rng.choice(N_FEATURES, size=int(rng.integers(5, 400)), replace=False)
    rows: list[np.ndarray] = []
    for _ in range(n):
        if rows and rng.random() < 0.2:
            rows.append(rows[int(rng.integers(len(rows)))].copy())  # a tie: same article again
            continue
        size = int(rng.integers(1, min(len(vocabulary), 120) + 1))
        rows.append(np.sort(rng.choice(vocabulary, size=size, replace=False)))
    data, indices, indptr = [], [], [0]
    for columns in rows:
        if rng.random() < 0.2:
            columns = rng.permutation(columns)  # unsorted indices within the row
        weights = rng.integers(1, 4, size=len(columns)).astype(np.float32)  # few values: ties
        data.append(weights)
        indices.append(columns)
        indptr.append(indptr[-1] + len(columns))
    vectors = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices).astype(np.int32), np.array(indptr)),
        shape=(n, N_FEATURES),
    )
    vectors = _normalize_rows(vectors)
    dated = rng.random() < 0.7
    articles = [
        Article(
            id=f"a{int(rng.integers(0, 10**6)):06d}",
            text="x",
            source=f"s{i}",
            date=(
                f"2024-03-{int(rng.integers(1, 29)):02d}" if dated and rng.random() < 0.8 else None
            ),
        )
        for i in range(n)
    ]
    return articles, vectors


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_compacted_block_groups_exactly_like_the_full_width_one(seed: int) -> None:
    """group_block's column compaction changes no float: the same similarities,
    the same expanded similarities and the same labels as on 2**20 columns."""
    from newsbrief.cluster import StoryGrouper
    from newsbrief.distributed import compact_columns, group_block

    articles, vectors = _random_block(seed)
    compact = compact_columns(vectors)
    assert compact.shape[1] == len(np.unique(vectors.indices))
    assert np.array_equal((vectors @ vectors.T).toarray(), (compact @ compact.T).toarray())
    grouper = StoryGrouper()
    n = len(articles)
    rows, cols = np.triu_indices(n, k=1)
    sims = np.asarray((vectors @ vectors.T)[rows, cols], dtype=np.float64).ravel()
    assert np.array_equal(
        grouper.expanded_similarities(vectors, rows, cols, sims),
        grouper.expanded_similarities(compact, rows, cols, sims),
    )
    settings_tried = (
        grouper,
        StoryGrouper(threshold=0.5, max_days=2),
        StoryGrouper(expansion_weight=0),
    )
    compacted = [group_block(g, articles, vectors) for g in settings_tried]
    # The same adapter on all 2**20 columns (compaction switched off) is the reference.
    with mock.patch("newsbrief.distributed.compact_columns", lambda matrix: matrix):
        full_width = [group_block(g, articles, vectors) for g in settings_tried]
    for fast, reference in zip(compacted, full_width, strict=True):
        assert np.array_equal(fast, reference)


def _analyses_equal(a, b) -> bool:  # type: ignore[no-untyped-def]
    same = all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("features", "concept_articles", "is_bigram", "lengths")
    )
    for mine, theirs in ((a.vectors, b.vectors), (a.concepts, b.concepts)):
        same = same and all(
            np.array_equal(getattr(mine, part), getattr(theirs, part))
            for part in ("data", "indices", "indptr")
        )
    return same and np.array_equal(a.similarity.toarray(), b.similarity.toarray())


@settings(max_examples=80, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=12), st.booleans())
def test_one_article_short_path_equals_the_full_analysis(
    sentences: list[list[str]], repeat: bool
) -> None:
    """A one-article story skips its cross-article features; they were exactly 0."""
    from newsbrief.summarize import features
    from newsbrief.summarize.learned import load_model

    if repeat:
        sentences = sentences + sentences[:2]  # repeated sentences: ties, equal rows
    story = _story_from([sentences])
    model = load_model()
    short = features.analyse(story, model.priors, model.default_prior)
    with mock.patch.object(features, "_SINGLE_ARTICLE_MAX_ENTRIES", -1):
        full = features.analyse(story, model.priors, model.default_prior)
    assert _analyses_equal(short, full)


def test_one_article_short_path_on_real_text() -> None:
    from conftest import make_story
    from test_summarize import TEXTS

    from newsbrief.model import Budget
    from newsbrief.summarize import NewsbriefSummarizer, features

    summarizer = NewsbriefSummarizer()
    for text in (*TEXTS, " ".join(TEXTS), "One short sentence.", "Is it? Yes. No!"):
        story = make_story(text)
        short = features.analyse(story)
        short_selection = summarizer.summarize(story, Budget(max_words=40))
        with mock.patch.object(features, "_SINGLE_ARTICLE_MAX_ENTRIES", -1):
            full = features.analyse(story)
            full_selection = summarizer.summarize(story, Budget(max_words=40))
        assert _analyses_equal(short, full)
        assert short_selection == full_selection


def test_plain_date_pieces_read_as_dateparser_reads_them() -> None:
    """The plain-piece reader gives dateparser's date, around the year flip too."""
    from datetime import date, timedelta

    pieces = {
        "July 4": (7, 4),
        "july 4": (7, 4),
        "4 July": (7, 4),
        "4th of July": (7, 4),
        "Jul. 4": (7, 4),
        "jul 4th": (7, 4),
        "Sept. 9th": (9, 9),
        "sep 9": (9, 9),
        "Dec. 31": (12, 31),
        "1st jan": (1, 1),
        "Jan 1": (1, 1),
        "march 22nd": (3, 22),
        "may 3rd": (5, 3),
        "July 4, 2016": (7, 4),
        "july 4 2016": (7, 4),
        "4 July, 2016": (7, 4),
        "31 dec. 1999": (12, 31),
        "Nov. 30, 2011": (11, 30),
        "feb. 29, 2012": (2, 29),
        "29 February 2016": (2, 29),
    }
    read = 0
    for piece, (month, day) in pieces.items():
        bases = [date(2015, 3, 1), date(2016, 12, 30)]
        for year in (2012, 2016):
            own = date(year, month, day)
            bases += [own - timedelta(days=1), own, own + timedelta(days=1)]
        for base in bases:
            for direction in ("past", "future"):
                plain = timeline._plain_piece(piece, base, direction, ("day", "month"))
                if plain is not timeline._NOT_PLAIN:
                    read += 1
                    assert plain == timeline._dateparser_piece(piece, base, direction), (
                        piece,
                        base,
                    )
    assert read == len(pieces) * 8 * 2  # every piece above is a plain one


def test_other_date_pieces_go_to_dateparser() -> None:
    from datetime import date

    base = date(2016, 3, 1)
    for piece in (
        "Feb. 29",
        "29 February",
        "Feb 29, 2015",
        "June 31",
        "Febr 3",
        "May 00",
        "July 4,2016",
    ):
        assert timeline._plain_piece(piece, base, "past", ("day", "month")) is timeline._NOT_PLAIN
        assert timeline._parse_piece(piece, base, "past", ("day", "month")) == (
            timeline._dateparser_piece(piece, base, "past")
        )
    assert timeline._plain_piece("July 4", base, "past", ("month",)) is timeline._NOT_PLAIN


def _scipy_centrality(story):  # type: ignore[no-untyped-def]
    """The timeline's centrality as scipy.sparse computed it (the reference)."""
    from newsbrief.text import sentence_vectors

    matrix = sentence_vectors(story.sentences, bigrams=False)
    if matrix.shape[1] == 0:
        return np.zeros(len(story.sentences))
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(len(story.sentences))
    return np.asarray(matrix @ (centroid / norm)).ravel()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(_SENTENCE, min_size=1, max_size=8), min_size=1, max_size=4))
def test_timeline_centrality_equals_the_sparse_formulation(
    articles: list[list[list[str]]],
) -> None:
    story = _story_from(articles)
    assert np.array_equal(timeline._centrality(story), _scipy_centrality(story))


def test_timeline_centrality_on_real_text_and_edge_cases() -> None:
    from conftest import make_story
    from test_summarize import TEXTS

    from newsbrief.text import tfidf_matrix

    for story in (make_story(*TEXTS), make_story(TEXTS[0]), make_story("The. A. It.")):
        assert np.array_equal(timeline._centrality(story), _scipy_centrality(story))
    # tfidf_matrix is built from the same entries.
    documents = [["a", "b", "a"], [], ["c"], ["b", "c", "d", "d"]]
    matrix, vocabulary = tfidf_matrix(documents)
    assert vocabulary == ["a", "b", "c", "d"]
    assert matrix.shape == (4, 4) and matrix.nnz == 6
    assert np.array_equal(tfidf_matrix([[], []])[0].toarray(), np.zeros((2, 0)))
