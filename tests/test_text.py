"""Sentences, tokens and TF-IDF arithmetic (checked against hand-computed values)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make_article

from newsbrief.text import (
    STOP_WORDS,
    Stemmer,
    article_sentences,
    content_terms,
    sentence_vectors,
    split_sentences,
    tfidf_matrix,
    word_tokens,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. embassy said on Tuesday that talks would resume. Officials agreed.",
            ["The U.S. embassy said on Tuesday that talks would resume.", "Officials agreed."],
        ),
        (
            "Three were taken to St. Brigid's Hospital. Dr. Ines Duarte said they were stable.",
            [
                "Three were taken to St. Brigid's Hospital.",
                "Dr. Ines Duarte said they were stable.",
            ],
        ),
        (
            "The shuttle runs from 6 a.m. to 10 p.m. on weekdays. It is free.",
            ["The shuttle runs from 6 a.m. to 10 p.m. on weekdays.", "It is free."],
        ),
        (
            "The bridge cost $4.5 million in 1978. It was 40.5 metres long.",
            ["The bridge cost $4.5 million in 1978.", "It was 40.5 metres long."],
        ),
        (
            'Is it safe? "No!" she said.',
            ["Is it safe?", '"No!" she said.'],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_paragraph_break_ends_a_sentence_and_whitespace_is_collapsed() -> None:
    text = "A heading without a stop\n\nThe first   sentence\nwraps here. The second."
    assert split_sentences(text) == [
        "A heading without a stop",
        "The first sentence wraps here.",
        "The second.",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_split_sentences_empty(text: str) -> None:
    assert split_sentences(text) == []


def test_article_sentences_have_stable_ids_and_word_counts() -> None:
    article = make_article("The bridge fell. Fourteen people were hurt on Tuesday.")
    sentences = article_sentences(article)
    assert [s.id for s in sentences] == [f"{article.id}:0", f"{article.id}:1"]
    assert [s.position for s in sentences] == [0, 1]
    assert [s.n_words for s in sentences] == [3, 6]
    assert all(s.article_id == article.id for s in sentences)
    assert sentences == article_sentences(article)


def test_word_tokens() -> None:
    assert word_tokens("The U.S. bridge's 40-metre span!") == [
        "the",
        "u",
        "s",
        "bridge",
        "s",
        "40",
        "metre",
        "span",
    ]


def test_content_terms_drop_stop_words_and_stem() -> None:
    stem = Stemmer()
    assert content_terms("The U.S. bridge's 40-metre span collapsed!", stem) == [
        "bridg",
        "40",
        "metr",
        "span",
        "collaps",
    ]
    assert {"the", "said", "according"} <= STOP_WORDS


def test_content_terms_bigrams_skip_stop_words() -> None:
    stem = Stemmer()
    terms = content_terms("Steel supports of the bridge corroded", stem, bigrams=True)
    assert terms == ["steel", "support", "bridg", "corrod", "steel_support", "bridg_corrod"]


def test_stemmer_memoises() -> None:
    stem = Stemmer()
    assert stem("corroded") == stem("corroding") == "corrod"
    assert stem._memo == {"corroded": "corrod", "corroding": "corrod"}


def _hand_row(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()}


def test_tfidf_matches_hand_computed_values() -> None:
    # doc 0 = "a b a", doc 1 = "b c"; n = 2, df(a) = df(c) = 1, df(b) = 2.
    # idf = ln((1 + n) / (1 + df)) + 1: idf(a) = idf(c) = ln(1.5) + 1, idf(b) = 1.
    # Sublinear tf: tf(a in doc 0) = 1 + ln 2.
    matrix, vocabulary = tfidf_matrix([["a", "b", "a"], ["b", "c"]])
    assert vocabulary == ["a", "b", "c"]
    idf_ac = math.log(1.5) + 1
    row0 = _hand_row({"a": (1 + math.log(2)) * idf_ac, "b": 1.0})
    row1 = _hand_row({"b": 1.0, "c": idf_ac})
    expected = np.array([[row0["a"], row0["b"], 0.0], [0.0, row1["b"], row1["c"]]])
    np.testing.assert_allclose(matrix.toarray(), expected, rtol=1e-12)
    # The same numbers written out, so a formula slip above cannot hide one in the code.
    np.testing.assert_allclose(
        matrix.toarray(), [[0.921907, 0.387412, 0.0], [0.0, 0.579739, 0.814802]], atol=1e-6
    )


def test_tfidf_raw_term_frequency() -> None:
    matrix, _ = tfidf_matrix([["a", "b", "a"], ["b", "c"]], sublinear_tf=False)
    idf_a = math.log(1.5) + 1
    row0 = _hand_row({"a": 2 * idf_a, "b": 1.0})
    np.testing.assert_allclose(matrix.toarray()[0], [row0["a"], row0["b"], 0.0], rtol=1e-12)


def test_tfidf_agrees_with_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [["bridg", "collaps", "bridg"], ["ferri", "bridg"], ["mayor", "review", "review"]]
    ours, vocabulary = tfidf_matrix(documents)
    theirs = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, vocabulary=vocabulary)
    np.testing.assert_allclose(ours.toarray(), theirs.fit_transform(documents).toarray())


def test_tfidf_empty_documents() -> None:
    matrix, vocabulary = tfidf_matrix([[], []])
    assert matrix.shape == (2, 0) and vocabulary == []
    matrix, _ = tfidf_matrix([["a"], []])
    np.testing.assert_allclose(matrix.toarray(), [[1.0], [0.0]])


def test_sentence_vectors_are_unit_rows() -> None:
    article = make_article("The bridge fell on Tuesday. The ferry runs every day. Of the.")
    vectors = sentence_vectors(article_sentences(article))
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [1.0, 1.0, 0.0])


def test_quoted_speech_cut_by_the_splitter_is_joined_back() -> None:
    text = '"People sent photos to the council. Nobody came," she said. Then rain fell.'
    assert split_sentences(text) == [
        '"People sent photos to the council. Nobody came," she said.',
        "Then rain fell.",
    ]
    assert split_sentences("“Curly quotes. Still inside.” After.") == [
        "“Curly quotes. Still inside.”",
        "After.",
    ]


def test_quote_joining_is_bounded_and_ignores_detached_quotes() -> None:
    # A quote that never closes within a few pieces is left split.
    unclosed = 'He said "no. And that is final. Really. Truly. Done. Then left.'
    assert len(split_sentences(unclosed)) == 6
    # Tokenized corpora write detached quotes ('" word , "'); they do not glue sentences.
    tokenized = 'Readers snapped up copies. " we are seeing records. It is great, " said mehta.'
    assert len(split_sentences(tokenized)) == 3
