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
