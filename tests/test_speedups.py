"""The speed-ups keep behaviour: same answers as the plain algorithms, cheap start-up."""

from __future__ import annotations

import subprocess
import sys

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
