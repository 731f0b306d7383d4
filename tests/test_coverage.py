"""newsbrief's own summarizer: the shipped model, its features and its choices."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest
from conftest import make_story

from newsbrief.dedup import SentenceSupport
from newsbrief.model import Budget
from newsbrief.summarize.coverage import NewsbriefSummarizer
from newsbrief.summarize.features import FEATURE_NAMES, analyse
from newsbrief.summarize.learned import load_model

CENTRAL = (
    "The city council approved the new harbour bridge budget of 40 million dollars on Tuesday."
)
ARTICLES = (
    f"{CENTRAL} Work is expected to start in the spring. "
    "Local cafes reported a busy weekend of brunch trade.",
    "Residents had waited years for a decision on the crossing. "
    f"{CENTRAL} Opponents said the harbour bridge budget was too high.",
    "A decision on the harbour bridge came after a long debate. "
    f"{CENTRAL} The mayor called the vote historic for the city.",
)
OFF_TOPIC = "Local cafes reported a busy weekend of brunch trade."


def support_story():
    return SentenceSupport().run(make_story(*ARTICLES))


def test_model_file_loads_and_matches_features() -> None:
    model = load_model()
    assert set(model.trees.feature_names) <= set(FEATURE_NAMES)
    assert model.trees.feature.shape == model.trees.threshold.shape
    # Node features point at the columns ``analyse`` computes, by name.
    used = {FEATURE_NAMES[i] for i in np.unique(model.trees.feature)}
    assert used <= set(model.trees.feature_names)
    assert len(model.priors) > 1000
    assert 0.0 < model.default_prior < 1.0
    assert all(0.0 <= v <= 1.0 for v in list(model.priors.values())[:1000])


def test_features_are_finite_and_shaped() -> None:
    story = support_story()
    model = load_model()
    features = analyse(story, model.priors, model.default_prior).features
    assert features.shape == (len(story.sentences), len(FEATURE_NAMES))
    assert np.isfinite(features).all()
    first = FEATURE_NAMES.index("is_first")
    assert features[0, first] == 1.0
    support = FEATURE_NAMES.index("support")
    central_rows = [i for i, s in enumerate(story.sentences) if s.text == CENTRAL]
    assert (features[central_rows, support] == 1.0).all()


def test_tree_ensemble_walks_a_hand_made_tree() -> None:
    from newsbrief.summarize.learned import TreeEnsemble

    # One stump: feature 1 <= 0.5 -> 2.0 else 5.0, baseline 1.0; a second, empty tree.
    trees = TreeEnsemble(
        feature=np.array([[1, 0, 0], [0, 0, 0]]),
        threshold=np.array([[0.5, np.inf, np.inf], [np.inf, np.inf, np.inf]]),
        left=np.array([[1, 1, 2], [0, 1, 2]]),
        right=np.array([[2, 1, 2], [0, 1, 2]]),
        value=np.array([[0.0, 2.0, 5.0], [0.25, 0.0, 0.0]]),
        baseline=1.0,
        depth=2,
        feature_names=("a", "b"),
    )
    got = trees.predict(np.array([[9.0, 0.1], [9.0, 0.9], [0.0, 0.5]]))
    assert got.tolist() == [3.25, 6.25, 3.25]


def test_scorer_is_deterministic() -> None:
    story = support_story()
    summarizer = NewsbriefSummarizer()
    first = summarizer.sentence_scores(story)
    again = NewsbriefSummarizer().sentence_scores(pickle.loads(pickle.dumps(story)))
    assert np.array_equal(first, again)
    budget = Budget(max_words=40)
    assert summarizer.summarize(story, budget) == summarizer.summarize(story, budget)


def test_central_repeated_sentence_beats_off_topic_one() -> None:
    story = support_story()
    selection = NewsbriefSummarizer().summarize(story, Budget(max_words=20))
    chosen = {s.id: s.text for s in story.sentences if s.id in selection.sentence_ids}
    assert CENTRAL in chosen.values()
    assert OFF_TOPIC not in chosen.values()
    # States the repeated fact once, not three times.
    assert list(chosen.values()).count(CENTRAL) == 1


@pytest.mark.parametrize("words", [1, 5, 12, 20, 40, 1000])
def test_budget_holds(words: int) -> None:
    story = support_story()
    selection = NewsbriefSummarizer().summarize(story, Budget(max_words=words))
    by_id = {s.id: s for s in story.sentences}
    assert selection.n_words <= words
    assert selection.n_words == sum(by_id[i].n_words for i in selection.sentence_ids)
    assert len(set(selection.sentence_ids)) == len(selection.sentence_ids)


def test_empty_one_sentence_and_one_article_stories() -> None:
    summarizer = NewsbriefSummarizer()
    empty = replace(make_story("placeholder text here."), sentences=(), support=())
    assert summarizer.summarize(empty, Budget(max_words=10)).sentence_ids == ()
    one = SentenceSupport().run(make_story("The bridge opened to traffic on Monday morning."))
    assert len(summarizer.summarize(one, Budget(max_words=50)).sentence_ids) == 1
    single = SentenceSupport().run(make_story(ARTICLES[0]))
    selection = summarizer.summarize(single, Budget(max_words=30))
    assert 0 < selection.n_words <= 30


def test_hyperparameters_are_checked() -> None:
    with pytest.raises(ValueError):
        NewsbriefSummarizer(coverage_weight=-1.0)
    with pytest.raises(ValueError):
        NewsbriefSummarizer(max_similarity=0.0)


def test_inference_does_not_import_scikit_learn() -> None:
    # Importing scikit-learn costs about a second, the CLI's whole start-up budget.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from newsbrief.summarize.coverage import NewsbriefSummarizer\n"
        "from newsbrief.summarize.learned import load_model\n"
        "load_model()\n"
        "print('sklearn' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_model_names_its_columns_and_refuses_unknown_features(tmp_path, monkeypatch) -> None:
    import json

    from newsbrief.summarize import learned

    data = tmp_path / "data"
    data.mkdir()

    def write(names: list[str]) -> str:
        name = f"model-{len(list(data.iterdir()))}.npz"
        np.savez(
            data / name,
            meta=np.array(json.dumps({"baseline": 0.0, "depth": 1, "feature_names": names})),
            prior_words=np.array(["a"]),
            prior_values=np.array([0.5, 0.1]),
            # One stump on the model's own column 0: <= 0.5 -> 1.0, else 2.0.
            feature=np.array([[0, 0, 0]]),
            threshold=np.array([[0.5, np.inf, np.inf]]),
            left=np.array([[1, 1, 2]]),
            right=np.array([[2, 1, 2]]),
            value=np.array([[0.0, 1.0, 2.0]]),
        )
        return name

    # Load from tmp_path instead of the package, without the process-wide cache.
    monkeypatch.setattr(learned.resources, "files", lambda _package: tmp_path)
    load = learned.load_model.__wrapped__
    model = load(write(["is_first"]))
    rows = np.zeros((2, len(FEATURE_NAMES)))
    rows[0, FEATURE_NAMES.index("is_first")] = 1.0
    assert model.trees.predict(rows).tolist() == [2.0, 1.0]
    with pytest.raises(ValueError, match="no_such_feature"):
        load(write(["no_such_feature"]))


@pytest.mark.parametrize("words", [8, 15, 25, 40, 60])
def test_swaps_after_the_greedy_never_lower_the_summed_value(words: int) -> None:
    story = support_story()
    budget = Budget(max_words=words)
    # The summary-level reranker may trade value for coverage: compare the selection alone.
    greedy = NewsbriefSummarizer(swap_passes=0, reranker="").summarize(story, budget)
    swapped = NewsbriefSummarizer(reranker="").summarize(story, budget)
    scores = np.maximum(NewsbriefSummarizer().sentence_scores(story), 0.0)
    value = {s.id: scores[i] * s.n_words for i, s in enumerate(story.sentences)}
    assert swapped.n_words <= words
    assert (
        sum(value[i] for i in swapped.sentence_ids)
        >= sum(value[i] for i in greedy.sentence_ids) - 1e-12
    )
    # The local search keeps the redundancy rule: no two picked sentences are the same.
    texts = [s.text for s in story.sentences if s.id in set(swapped.sentence_ids)]
    assert len(texts) == len(set(texts))


def test_local_search_adds_then_swaps_by_value() -> None:
    import scipy.sparse as sp

    value = np.array([5.0, 20.0, 1.0, 30.0])
    lengths = np.array([5.0, 10.0, 4.0, 10.0])
    candidates = np.ones(4, dtype=bool)
    dense = np.eye(4)
    dense[1, 3] = dense[3, 1] = 0.9  # 1 and 3 say the same thing
    similarity = sp.csr_matrix(dense)
    search = NewsbriefSummarizer(swap_passes=5)._improve_by_swaps
    # Room for one 10-word sentence besides sentence 0: the best one (3) is added.
    assert search([0], value, lengths, candidates, similarity, Budget(max_words=15)) == [0, 3]
    # No room: sentence 0 is swapped for the best that fits in its place.
    assert search([0, 2], value, lengths, candidates, similarity, Budget(max_words=14)) == [3, 2]
    # The redundant pair is never both picked.
    got = search([1], value, lengths, candidates, similarity, Budget(max_words=30))
    assert not {1, 3} <= set(got)


def test_filler_sentences_are_left_out_unless_nothing_else_fits() -> None:
    filler = "It was a sad day for all of us."
    story = SentenceSupport().run(
        make_story(
            f"{filler} The harbour bridge council approved the repair budget on Monday.",
            f"{filler} Council engineers will inspect the harbour bridge supports next week.",
        )
    )
    picked = NewsbriefSummarizer().summarize(story, Budget(max_words=60))
    texts = {s.id: s.text for s in story.sentences}
    assert picked.sentence_ids and filler not in {texts[i] for i in picked.sentence_ids}
    only_filler = make_story(f"{filler} It was not what we wanted at all.")
    assert NewsbriefSummarizer().summarize(only_filler, Budget(max_words=60)).sentence_ids
