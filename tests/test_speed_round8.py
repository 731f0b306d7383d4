"""Speed round 8 (issue #8): each fast path against the plain computation it replaces.

* the summarizer's word priors read from the process-wide vocabulary's per-stem table
  (``features._Vocabulary.stem_priors``) and its one-pass word ids (``_WordIds``);
* ``text.sentence_word_tokens``: the memoised tokens the summarizer shares with
  ``content_terms``;
* sentence splitting: paragraphs without a quotation mark skip ``_join_open_quotes``;
* the copy finder's pairwise Jaccard on tuple shingles (``dedup._shingle_keys``);
* the batch's stories JSONL with each brief's JSON text spliced in
  (``distributed._dumps_with_json``).
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief import dedup, text
from newsbrief.distributed import _dumps_with_json
from newsbrief.model import Article, Sentence
from newsbrief.summarize import features

_WORDS = [
    "The",
    "bridge",
    "collapsed",
    "said",
    "Mayor",
    "of",
    "12",
    "2023",
    "inspectors",
    "running",
    "runs",
    "ran",
    "a",
    "It",
    "ferry",
    "Zyx",
    "naïve",
    "café",
]


def _sentences(texts: list[str]) -> list[Sentence]:
    return [
        Sentence(id=f"a:{i}", article_id="a", position=i, text=t, n_words=len(t.split()))
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def fresh_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new, empty process-wide vocabulary for the test (restored afterwards)."""
    monkeypatch.setattr(features, "_VOCABULARY", [features._Vocabulary()])


@pytest.mark.usefixtures("fresh_vocabulary")
def test_stem_priors_equal_a_lookup_per_stem() -> None:
    priors = {"bridg": 0.25, "collaps": 0.5, "mayor": 0.125, "the": 0.01}
    other = dict(priors, bridg=0.75)
    stories = [
        ["The bridge collapsed.", "Mayor said it ran."],
        ["Inspectors runs the ferry 12 times.", "Zyx naïve café 2023."],
        ["The bridge, the bridge.", "A brand new word appears: quokka."],
    ]
    # Alternating mappings and defaults: the table follows whichever is asked for.
    for texts, (mapping, default) in zip(
        stories * 2, itertools.cycle([(priors, 0.0625), (other, 0.0625), (priors, 0.5)])
    ):
        tokens = features._tokenize(_sentences(texts), mapping, default)
        plain = np.array([mapping.get(stem, default) for stem in tokens.stems])
        assert tokens.stem_prior is not None
        assert tokens.stem_prior.dtype == np.float64
        assert np.array_equal(tokens.stem_prior, plain)
    # Without priors nothing is looked up (``analyse`` takes its plain path).
    assert features._tokenize(_sentences(stories[0])).stem_prior is None


@pytest.mark.usefixtures("fresh_vocabulary")
def test_stem_priors_follow_a_mapping_that_grows() -> None:
    priors = {"bridg": 0.25}
    sentences = _sentences(["The bridge collapsed."])
    features._tokenize(sentences, priors, 0.0)
    priors["collaps"] = 0.5  # a caller's dict changed size: the table starts afresh
    tokens = features._tokenize(sentences, priors, 0.0)
    assert tokens.stem_prior is not None
    assert tokens.stem_prior.tolist() == [priors.get(s, 0.0) for s in tokens.stems]


@pytest.mark.usefixtures("fresh_vocabulary")
@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=12), min_size=1, max_size=6))
def test_word_ids_in_one_pass_match_the_word_tables(sentences: list[list[str]]) -> None:
    vocabulary = features._VOCABULARY[0]
    words = [w for s in sentences for w in text.word_tokens(" ".join(s))]
    before = dict(vocabulary.ids)
    ids = vocabulary.lookup(words)
    assert ids.dtype == np.int64 and len(ids) == len(words)
    # Known words keep their ids; new ones are numbered densely by first appearance.
    new = [w for w in dict.fromkeys(words) if w not in before]
    assert [vocabulary.ids[w] for w in new] == list(range(len(before), len(before) + len(new)))
    assert ids.tolist() == [vocabulary.ids[w] for w in words]
    assert vocabulary.ids.added == []
    for word, index in zip(words, ids.tolist(), strict=True):
        info = features._token_info(word)
        assert vocabulary.stems[vocabulary.word_stem[index]] == info[0]
        assert vocabulary.word_flags[index].tolist() == list(info[1:])


def test_sentence_word_tokens_are_word_tokens() -> None:
    for sample in ["The U.S. said 12 times: “naïve” café!", "", "   ", "ÀÉÎ straße İstanbul"]:
        assert text.sentence_word_tokens(sample) == tuple(text.word_tokens(sample))
    # Short and long texts alike give ``_porter_stems`` the plain tokens' stems.
    long_text = "Bridges collapsed and inspectors said the ferries ran. " * 60
    assert len(long_text) > text._SENTENCE_MEMO_CHARS
    for sample in ["Bridges collapsed and inspectors said the ferries ran.", long_text]:
        stem = text.Stemmer()
        assert text.content_terms(sample, stem) == text._content_terms(
            sample, text.porter_stem, False
        )
        assert text.content_terms(sample, stem, bigrams=True) == text._content_terms(
            sample, text.porter_stem, True
        )


def _split_reference(value: str) -> tuple[str, ...]:
    """``_split_sentences`` joining open quotes in every paragraph (the plain path)."""
    from syntok import segmenter

    sentences: list[str] = []
    for offset, paragraph_text in segmenter.preprocess_with_offsets(value):
        pieces = []
        for tokens in text.segment_tokens(
            text.syntok_tokens(value, offset, offset + len(paragraph_text))
        ):
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            piece = " ".join(value[start:end].split())
            if piece:
                pieces.append(piece)
        sentences.extend(text._join_open_quotes(pieces))
    return tuple(sentences)


_SPLIT_PIECES = [
    "He said.",
    '"We will stay.',
    'It is over," she said.',
    "“Curly quotes open.",
    "They close.”",
    "Dr. Smith arrived at 5 p.m.",
    "Prices rose 3.5%.",
    "\n\n",
    " ",
    "(Reuters)",
    "Why?",
    "U.S.",
    "naïve café",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_SPLIT_PIECES), max_size=14))
def test_quote_free_paragraphs_split_as_before(pieces: list[str]) -> None:
    value = " ".join(pieces)
    text.clear_memos()
    assert text.split_sentences(value) == list(_split_reference(value))


def test_quote_join_still_runs_where_a_quote_opens() -> None:
    value = '"We will stay. We will fight. We will win," she said.\n\nNo quotes here. None.'
    assert text.split_sentences(value) == list(_split_reference(value))
    assert text.split_sentences(value)[0].endswith("she said.")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_WORDS, "united states", "U.S.A.", "truce"]), max_size=14),
        min_size=2,
        max_size=4,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_tuple_shingles_give_the_same_jaccard(bodies: list[list[str]], size: int) -> None:
    stem = text.Stemmer()
    texts = [" ".join(words) for words in bodies]
    joined = [dedup._shingles(t, stem, size) for t in texts]
    keys = [dedup._shingle_keys(t, stem, size) for t in texts]
    for plain, tuples in zip(joined, keys, strict=True):
        assert {" ".join(k) for k in tuples} == plain
        assert len(tuples) == len(plain)
    for i, j in itertools.combinations(range(len(texts)), 2):
        assert len(keys[i] | keys[j]) == len(joined[i] | joined[j])
        assert len(keys[i] & keys[j]) == len(joined[i] & joined[j])


def test_copy_finder_with_tuple_shingles_finds_the_same_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = "The bridge over the river collapsed on Monday, the mayor said. " * 3
    articles = [
        Article.from_text(base, source="test:a"),
        Article.from_text(base + "Inspectors arrived.", source="test:b"),
        Article.from_text(base.replace("Monday", "Tuesday"), source="test:c"),
        Article.from_text("A ferry sank in the bay; nobody was hurt.", source="test:d"),
    ]
    fast = dedup.NearDuplicates().find(articles)
    monkeypatch.setattr(dedup, "_shingle_keys", dedup._shingles)  # the joined strings
    plain = dedup.NearDuplicates().find(articles)
    assert fast == plain
    assert fast  # the pile does hold copies


_BRIEFS = [
    {"a": 1, "b": [0.1, 1e-07, 1e16, -0.0, 2.5], "c": {"z": "naïve “quoted” \\ \n tab\t"}},
    {"sentences": [{"text": "Zürich \u2028 line", "score": 0.30000000000000004}], "n": None},
    {"nan": float("nan"), "inf": float("inf"), "t": True, "f": False, "e": [], "o": {}},
]


def test_spliced_brief_json_equals_decoding_and_encoding_it() -> None:
    for brief in _BRIEFS:
        brief_json = json.dumps(brief, ensure_ascii=False, sort_keys=True)
        row = {"story_id": "s1", "n_articles": 2, "article_ids": ["x", "é"], "brief": brief_json}
        row["label"] = "Label “with” quotes"
        plain = json.dumps(
            {**row, "brief": json.loads(row["brief"])}, ensure_ascii=False, sort_keys=True
        )
        assert _dumps_with_json(row, "brief") == plain


def test_spliced_brief_json_on_a_real_brief() -> None:
    from newsbrief.model import Budget
    from newsbrief.pipeline import Pipeline, build_story

    articles = [
        Article.from_text(
            "The bridge over the Elm river collapsed on Monday, officials said. "
            "Three people were hurt. “We will rebuild,” the mayor said on July 4, 2023.",
            source="test:one",
        ),
        Article.from_text(
            "Officials said the Elm river bridge collapsed on Monday. Inspectors had "
            "warned of rust in 2019. The ferry service doubled its runs.",
            source="test:two",
        ),
    ]
    brief = Pipeline.default().run_story(build_story(articles), Budget(max_words=60))
    brief_json = json.dumps(brief.to_dict(), ensure_ascii=False, sort_keys=True)
    row = {"story_id": "s", "n_articles": 2, "article_ids": ["a", "b"], "label": "L"}
    row["brief"] = brief_json
    plain = json.dumps({**row, "brief": json.loads(brief_json)}, ensure_ascii=False, sort_keys=True)
    assert _dumps_with_json(row, "brief") == plain


def _support_reference(story) -> tuple[tuple[str, ...], ...]:
    """``SentenceSupport.run``'s support through the COO matrix of every entry (the
    plain path)."""
    from newsbrief.text import gram_matrix, sentence_vectors

    sentences = story.sentences
    similarity = gram_matrix(sentence_vectors(sentences)).tocoo()
    article_of = np.array([s.article_id for s in sentences], dtype=object)
    supporters: list[set[str]] = [set() for _ in sentences]
    strong = similarity.data >= dedup.SentenceSupport().min_similarity
    for row, col in zip(similarity.row[strong], similarity.col[strong], strict=True):
        if article_of[row] != article_of[col]:
            supporters[row].add(article_of[col])
    return tuple(
        (sentence.article_id, *sorted(others - {sentence.article_id}))
        for sentence, others in zip(sentences, supporters, strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8), min_size=1, max_size=4),
        min_size=2,
        max_size=4,
    )
)
def test_support_from_csr_rows_equals_the_coo_path(bodies: list[list[list[str]]]) -> None:
    from newsbrief.pipeline import build_story

    articles = [
        Article.from_text(" ".join(" ".join(words) + "." for words in body), source=f"test:{i}")
        for i, body in enumerate(bodies)
    ]
    story = build_story(articles)
    if len({s.article_id for s in story.sentences}) < 2:
        return  # one article: the stage's early return, no matrix
    assert dedup.SentenceSupport().run(story).support == _support_reference(story)


def test_support_from_csr_rows_on_shared_sentences() -> None:
    from newsbrief.pipeline import build_story

    shared = "The bridge over the Elm river collapsed on Monday."
    articles = [
        Article.from_text(f"{shared} Three people were hurt.", source="test:a"),
        Article.from_text(f"Officials met. {shared}", source="test:b"),
        Article.from_text("A ferry sank in the bay.", source="test:c"),
    ]
    story = build_story(articles)
    support = dedup.SentenceSupport().run(story).support
    assert support == _support_reference(story)
    assert any(len(entry) > 1 for entry in support)  # some sentence is supported
