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
