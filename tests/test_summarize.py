"""The contract every registered summarizer keeps (sklearn-style common tests)."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from conftest import make_story

import newsbrief.summarize  # noqa: F401 (registers the built-in summarizers)
from newsbrief.dedup import SentenceSupport
from newsbrief.model import Budget, Selection, Story
from newsbrief.registry import summarizers
from newsbrief.summarize.base import reading_order

TEXTS = (
    "The Kessel Street footbridge over the Ardley River collapsed on Tuesday morning. "
    "Fourteen people were injured, three of them seriously. "
    "Fire crews reached the last trapped commuter shortly before ten o'clock in the morning, "
    "and nobody was believed to be missing when the search ended. "
    "It rained.",
    "A footbridge over the Ardley River in Harborton collapsed on Tuesday, injuring twelve people. "
    "The bridge opened in 1978 and was last inspected in 2023, when engineers noted corrosion "
    "on its steel supports. "
    "Mayor Ruth Calloway ordered an independent review of all eleven river crossings in the city.",
    "A free ferry shuttle will replace the collapsed footbridge from Friday. "
    "The shuttle runs every fifteen minutes between Eastbank pier and the station landing. "
    "Investigators from the state Transport Safety Board said corroded bolts were the most "
    "likely cause of the collapse, in findings published on Friday after three days of work "
    "on the riverbank below the fallen span of the bridge.",
)

NAMES = summarizers.names()


@pytest.fixture(scope="module")
def story() -> Story:
    return SentenceSupport().run(make_story(*TEXTS))


def _make(name: str):
    return summarizers.get(name)()


def _check_selection(story: Story, selection: Selection, budget: Budget) -> None:
    by_id = {s.id: s for s in story.sentences}
    assert isinstance(selection, Selection)
    assert selection.n_words <= budget.max_words
    assert len(set(selection.sentence_ids)) == len(selection.sentence_ids)
    assert set(selection.sentence_ids) <= set(by_id), "ids must come from the story"
    # Whole sentences only: the words used are exactly the chosen sentences' words.
    assert selection.n_words == sum(by_id[i].n_words for i in selection.sentence_ids)
    assert len(selection.scores) == len(selection.sentence_ids)
    assert list(selection.sentence_ids) == reading_order(story, selection.sentence_ids)


def test_registry_is_not_empty() -> None:
    assert {"lead.v1", "newsbrief.v1"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_budget_kept_whole_sentences_from_the_story(name: str, story: Story) -> None:
    summarizer = _make(name)
    for max_words in range(1, 201):
        budget = Budget(max_words=max_words)
        _check_selection(story, summarizer.summarize(story, budget), budget)


@pytest.mark.parametrize("name", NAMES)
def test_large_budget_selects_something(name: str, story: Story) -> None:
    if name == "oracle.v1":
        pytest.skip("the oracle needs a reference summary to choose anything")
    assert _make(name).summarize(story, Budget(max_words=200)).sentence_ids


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name: str, story: Story) -> None:
    budget = Budget(max_words=40)
    first = _make(name).summarize(story, budget)
    assert _make(name).summarize(story, budget) == first
    assert _make(name).summarize(copy.deepcopy(story), budget) == first


@pytest.mark.parametrize("name", NAMES)
def test_empty_story(name: str) -> None:
    empty = Story(id="empty", articles=(), sentences=())
    selection = _make(name).summarize(empty, Budget(max_words=50))
    assert selection.sentence_ids == () and selection.n_words == 0


@pytest.mark.parametrize("name", NAMES)
def test_one_sentence_story(name: str) -> None:
    single = SentenceSupport().run(
        make_story("The Kessel Street footbridge over the Ardley River collapsed on Tuesday.")
    )
    (sentence,) = single.sentences
    too_small = Budget(max_words=sentence.n_words - 1)
    assert _make(name).summarize(single, too_small).sentence_ids == ()
    roomy = Budget(max_words=50)
    selection = _make(name).summarize(single, roomy)
    _check_selection(single, selection, roomy)
    if name != "oracle.v1":
        assert selection.sentence_ids == (sentence.id,)


@pytest.mark.parametrize("name", NAMES)
def test_input_story_unchanged(name: str, story: Story) -> None:
    before = copy.deepcopy(story)
    _make(name).summarize(story, Budget(max_words=60))
    assert story == before


@pytest.mark.parametrize("name", NAMES)
def test_picklable(name: str, story: Story) -> None:
    summarizer = _make(name)
    clone = pickle.loads(pickle.dumps(summarizer))
    assert clone == summarizer
    budget = Budget(max_words=60)
    assert clone.summarize(story, budget) == summarizer.summarize(story, budget)


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Budget(max_words=0)


def test_a_one_article_story_has_no_similarity_to_other_articles() -> None:
    # With no other article, "similarity to the other articles" must be exactly 0,
    # not rounding noise of |total - own|^2 (whose ranks the scorer would read).
    import numpy as np

    from newsbrief.summarize import features
    from newsbrief.summarize.learned import load_model

    model = load_model()
    for text in TEXTS:
        analysis = features.analyse(make_story(text), model.priors, model.default_prior)
        for name in ("other_centrality", "article_centrality", "lead_centrality"):
            column = analysis.features[:, features.FEATURE_NAMES.index(name)]
            assert np.all(column == 0.0), name


def _analysed(story: Story):
    from newsbrief.summarize.features import analyse
    from newsbrief.summarize.learned import load_model

    model = load_model()
    analysis = analyse(story, model.priors, model.default_prior)
    return analysis, model.trees.predict(analysis.features)


def test_pick_with_a_dense_similarity_matrix_picks_the_same(story: Story) -> None:
    from newsbrief.summarize.coverage import NewsbriefSummarizer

    analysis, scores = _analysed(story)
    selector = NewsbriefSummarizer(reranker="")
    for words in (15, 40, 80):
        budget = Budget(max_words=words)
        sparse_pick = selector.pick(story, analysis, scores, budget)
        dense = analysis.similarity.toarray()
        assert selector.pick(story, analysis, scores, budget, dense) == sparse_pick


def test_rerank_candidates_start_with_the_own_pick_and_fit_the_budget(story: Story) -> None:
    from newsbrief.summarize.coverage import NewsbriefSummarizer
    from newsbrief.summarize.learned import load_model
    from newsbrief.summarize.rerank import SUMMARY_FEATURE_NAMES, candidates, summary_features

    analysis, scores = _analysed(story)
    selector = NewsbriefSummarizer(reranker="")
    budget = Budget(max_words=40)
    found = candidates(selector, story, analysis, scores, budget)
    assert list(found[0].picked) == selector.pick(story, analysis, scores, budget)
    assert len({frozenset(c.picked) for c in found}) == len(found), "candidates are distinct"
    for candidate in found:
        assert sum(story.sentences[i].n_words for i in candidate.picked) <= budget.max_words
    model = load_model()
    rows = summary_features(
        found, story, analysis, scores, budget, model.priors, model.default_prior
    )
    assert rows.shape == (len(found), len(SUMMARY_FEATURE_NAMES))
    assert np.isfinite(rows).all()
    # The own pick is the reference point of the relative features.
    own = dict(zip(SUMMARY_FEATURE_NAMES, rows[0], strict=True))
    assert own["value_vs_own"] == pytest.approx(1.0)
    assert own["overlap_with_own"] == pytest.approx(1.0)
    assert own["words_vs_own"] == 0.0
    assert own["expected_vs_own"] == pytest.approx(1.0)
    assert 0.0 < own["centroid_cosine"] <= 1.0 + 1e-9


def test_reranked_summary_is_one_of_the_candidates(story: Story) -> None:
    from newsbrief.summarize.coverage import NewsbriefSummarizer
    from newsbrief.summarize.rerank import candidates

    analysis, scores = _analysed(story)
    selector = NewsbriefSummarizer()
    assert selector.reranker, "the reranker is on by default"
    for words in (25, 60):
        budget = Budget(max_words=words)
        found = candidates(selector, story, analysis, scores, budget)
        chosen = set(selector.summarize(story, budget).sentence_ids)
        assert chosen in [{story.sentences[i].id for i in c.picked} for c in found]
        plain = NewsbriefSummarizer(reranker="").summarize(story, budget)
        assert set(plain.sentence_ids) == {story.sentences[i].id for i in found[0].picked}


def test_v1_is_v2_without_the_reranker(story: Story) -> None:
    from newsbrief.pipeline import Pipeline
    from newsbrief.summarize.coverage import NewsbriefSummarizer, SentenceLevelSummarizer

    v1, v2 = summarizers.get("newsbrief.v1")(), summarizers.get("newsbrief.v2")()
    assert (v1.name, v2.name) == ("newsbrief.v1", "newsbrief.v2")
    assert isinstance(v1, SentenceLevelSummarizer) and not v1.reranker and v2.reranker
    assert Pipeline.default().summarizer.name == "newsbrief.v2"
    for words in (25, 60):
        budget = Budget(max_words=words)
        plain = NewsbriefSummarizer(reranker="").summarize(story, budget)
        assert v1.summarize(story, budget) == plain


def test_reranker_file_with_other_features_is_refused(tmp_path) -> None:
    import json

    from newsbrief.summarize.rerank import load_reranker

    path = tmp_path / "other.npz"
    meta = {"feature_names": ["something_else"], "baseline": 0.0, "depth": 0}
    empty = np.zeros((1, 1))
    np.savez(
        path,
        meta=np.array(json.dumps(meta)),
        feature=empty,
        threshold=empty,
        left=empty,
        right=empty,
        value=empty,
    )
    with pytest.raises(ValueError, match="retrain"):
        load_reranker(str(path))
