"""Story grouping: batch, streaming, bad input, and the B-cubed score."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from newsbrief.cluster import (
    StoryGrouper,
    average_link,
    bcubed,
    group_stories,
    headline,
    neighbourhood_density,
)
from newsbrief.model import Article

STORIES = Path(__file__).parent / "data" / "stories"


def fixture_articles() -> list[Article]:
    """Three footbridge reports, two election reports, a penguin story, an archive notice."""
    return [
        Article.from_text(path.read_text(encoding="utf-8"), source=path.name)
        for path in sorted(STORIES.glob("*.txt"))
    ]


def partition(grouping, articles: list[Article]) -> set[frozenset[str]]:
    story_of = grouping.story_of()
    groups: dict[str, set[str]] = {}
    for article in articles:
        groups.setdefault(story_of[article.id], set()).add(article.source)
    return {frozenset(g) for g in groups.values()}


def test_two_obvious_stories_a_singleton_and_a_notice() -> None:
    articles = fixture_articles()
    grouping = group_stories(articles)
    assert partition(grouping, articles) == {
        frozenset({"bridge-herald.txt", "bridge-radio.txt", "bridge-wire.txt"}),
        frozenset({"election-post.txt", "election-times.txt"}),
        frozenset({"penguins.txt"}),
        frozenset({"archive-notice.txt"}),
    }
    # Largest first, singletons after, non-articles last and flagged.
    assert [g.size for g in grouping.groups] == [3, 2, 1, 1]
    assert grouping.groups[-1].non_article == "not an article: web-archive notice"
    assert len(grouping.stories) == 3 and len(grouping.non_articles) == 1
    assert "footbridge" in grouping.groups[0].label.lower()
    assert any("not articles" in note for note in grouping.notes)


def test_result_does_not_depend_on_input_order() -> None:
    articles = fixture_articles()
    shuffled = articles[:]
    random.Random(3).shuffle(shuffled)
    assert group_stories(articles).groups[0].id == group_stories(shuffled).groups[0].id
    assert partition(group_stories(shuffled), shuffled) == partition(
        group_stories(articles), articles
    )


def test_bad_input_is_handled() -> None:
    grouper = StoryGrouper()
    assert group_stories([]).groups == ()
    one = Article.from_text("A lone article about a storm in Kelby.", source="one")
    (only,) = group_stories([one]).groups
    assert only.article_ids == (one.id,) and only.non_article is None
    empty = Article(id="e", text="   ", source="empty.txt")
    grouping = grouper.group([one, empty, one])
    assert any("empty text" in note for note in grouping.notes)
    assert any("repeat an id" in note for note in grouping.notes)
    assert {g.non_article for g in grouping.groups} == {None, "empty text"}
    # Identical articles under different ids (syndicated copies) make one story.
    text = (STORIES / "penguins.txt").read_text(encoding="utf-8")
    copies = [Article(id=f"c{i}", text=text, source=f"c{i}") for i in range(5)]
    (story,) = group_stories(copies).groups
    assert story.size == 5


def test_dates_keep_distant_articles_apart_and_missing_dates_are_ignored() -> None:
    text = (STORIES / "bridge-herald.txt").read_text(encoding="utf-8")
    early = Article(id="a", text=text, source="a", date="2024-01-01")
    late = Article(id="b", text=text, source="b", date="2024-03-01")
    undated = Article(id="c", text=text, source="c")
    assert len(group_stories([early, late]).groups) == 2
    assert len(group_stories([early, undated]).groups) == 1
    assert len(group_stories([early, late], StoryGrouper(max_days=None)).groups) == 1


def test_average_link_does_not_chain() -> None:
    # 0-1 and 1-2 are similar, 0-2 are not: single link would chain all three.
    rows, cols, sims = np.array([0, 1]), np.array([1, 2]), np.array([0.5, 0.5])
    labels = average_link(3, rows, cols, sims, 0.3)
    assert labels[0] == labels[1] != labels[2]
    # With 0-2 similar too, the three form one group.
    labels = average_link(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.5] * 3), 0.3)
    assert len(set(labels.tolist())) == 1


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        # Worked by hand: per-item precisions 2/3, 2/3, 1/3, 1, 1 and recalls 1, 1, 1/3,
        # 2/3, 2/3, both averaging 11/15.
        ("aabbb", "11122", (11 / 15, 11 / 15, 11 / 15)),
        # All singletons: precision 1, recall (1/2 + 1/2 + 1) / 3 = 2/3, F1 = 0.8.
        ("aab", "123", (1.0, 2 / 3, 0.8)),
        # One group for everything: precision (2/3 + 2/3 + 1/3) / 3 = 5/9, recall 1.
        ("aab", "111", (5 / 9, 1.0, 2 * (5 / 9) / (5 / 9 + 1))),
        ("ab", "xy", (1.0, 1.0, 1.0)),
    ],
)
def test_bcubed_against_hand_computed_values(gold: str, predicted: str, expected) -> None:
    assert bcubed(list(gold), list(predicted)) == pytest.approx(expected)


def test_bcubed_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        bcubed(["a"], ["a", "b"])
    assert bcubed([], []) == (0.0, 0.0, 0.0)


def test_stream_matches_batch_on_the_fixture() -> None:
    articles = fixture_articles()
    stream = StoryGrouper().stream()
    assignments = [stream.add(a) for a in articles]
    by_source: dict[str, str] = {
        a.source: x.story_id for a, x in zip(articles, assignments, strict=True)
    }
    assert by_source["bridge-herald.txt"] == by_source["bridge-radio.txt"]
    assert by_source["bridge-herald.txt"] == by_source["bridge-wire.txt"]
    assert by_source["election-post.txt"] == by_source["election-times.txt"]
    assert by_source["penguins.txt"] not in {
        by_source["bridge-wire.txt"],
        by_source["election-post.txt"],
    }
    notice = assignments[[a.source for a in articles].index("archive-notice.txt")]
    assert notice.non_article == "not an article: web-archive notice"
    assert sum(x.new_story for x in assignments if x.non_article is None) == 3
    # A re-sent article keeps its story and is flagged, not counted twice.
    again = stream.add(articles[1])
    assert again.duplicate and again.story_id == assignments[1].story_id


def test_stream_window_bounds_memory_and_closes_old_stories() -> None:
    articles = fixture_articles()
    bridge = [a for a in articles if a.source.startswith("bridge")]
    grouper = replace(StoryGrouper(), window_articles=3)
    stream = grouper.stream()
    first = stream.add(bridge[0])
    # Many unrelated one-off articles push the bridge story out of the window.
    fillers = [
        Article(
            id=f"f{i}", text=f"Filler report number {i} about topic{i} and place{i}.", source="f"
        )
        for i in range(10)
    ]
    for filler in fillers:
        stream.add(filler)
        assert stream.n_open <= 4
    late = stream.add(bridge[1])
    assert late.new_story and late.story_id != first.story_id
    # Inside the window, the same pair joins.
    fresh = StoryGrouper().stream()
    assert fresh.add(bridge[0]).story_id == fresh.add(bridge[1]).story_id


def test_stream_date_window() -> None:
    text = (STORIES / "election-post.txt").read_text(encoding="utf-8")
    stream = replace(StoryGrouper(), window_days=3).stream()
    a = stream.add(Article(id="a", text=text, source="a", date="2024-05-01"))
    stream.add(
        Article(id="x", text="Unrelated note about gardening tools.", source="x", date="2024-05-20")
    )
    b = stream.add(Article(id="b", text=text, source="b", date="2024-05-21"))
    assert b.new_story and b.story_id != a.story_id


def test_headline_prefers_the_most_central_title() -> None:
    titles = ["Bridge closed", "Harborton bridge closed over corrosion", "Corrosion found"]
    assert headline(["x"], titles) == "Harborton bridge closed over corrosion"
    assert headline(["First sentence here. Second one."]) == "First sentence here."
    assert headline([""]) == "(untitled)"


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        StoryGrouper(threshold=0.0)
    with pytest.raises(ValueError):
        StoryGrouper(n_neighbors=0)
    with pytest.raises(ValueError):
        StoryGrouper(window_articles=0)


def test_merge_pairs_applies_the_date_rule_before_merging() -> None:
    articles = [
        Article(id="a", source="a", text="x", date="2024-01-01"),
        Article(id="b", source="b", text="x", date="2024-01-02"),
        Article(id="c", source="c", text="x", date="2024-03-01"),
    ]
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    sims = np.array([0.9, 0.9, 0.9])
    labels = StoryGrouper(max_days=7).merge_pairs(articles, rows, cols, sims)
    assert labels[0] == labels[1] != labels[2]
    undated = StoryGrouper(max_days=None).merge_pairs(articles, rows, cols, sims)
    assert len(set(undated.tolist())) == 1


def test_density_correction_discounts_pairs_in_crowded_neighbourhoods() -> None:
    grouper = StoryGrouper(density_neighbors=2, density_floor=0.1, density_weight=1.0)
    # Node 0 resembles 1, 2 and 3 at 0.5 (a crowded topic); nodes 4 and 5 resemble
    # only each other, at 0.3 (density 0.15, just above the floor).
    rows = np.array([0, 0, 0, 4])
    cols = np.array([1, 2, 3, 5])
    sims = np.array([0.5, 0.5, 0.5, 0.3])
    adjusted = grouper.adjusted_similarities(6, rows, cols, sims)
    # Densities (mean of the 2 best, missing count 0): node 0: 0.5, nodes 1-3: 0.25,
    # nodes 4-5: 0.15. A pair loses its mean density above the floor 0.1.
    assert adjusted == pytest.approx([0.5 - 0.275, 0.5 - 0.275, 0.5 - 0.275, 0.3 - 0.05])
    # Below the floor nothing changes; weight 0 is plain cosine.
    sparse = StoryGrouper(density_neighbors=2, density_floor=0.4)
    assert sparse.adjusted_similarities(6, rows[3:], cols[3:], sims[3:]) == pytest.approx([0.3])
    plain = StoryGrouper(density_weight=0.0)
    assert plain.adjusted_similarities(6, rows, cols, sims) is sims
    # Densities measured elsewhere (a whole pile, for one block of it) replace them.
    assert neighbourhood_density(6, rows, cols, sims, 2) == pytest.approx(
        [0.5, 0.25, 0.25, 0.25, 0.15, 0.15]
    )
    given = np.full(6, 0.3)
    assert grouper.adjusted_similarities(6, rows, cols, sims, density=given) == pytest.approx(
        sims - 0.2
    )


def test_a_crowded_topic_is_split_where_plain_cosine_merges_it() -> None:
    # Six articles about one busy topic, all 0.2 alike: with the correction a 0.2
    # pair in that crowd is no longer enough; two articles alike at 0.2 and to
    # nothing else still merge.
    crowd = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    rows = np.array([i for i, _ in crowd] + [6])
    cols = np.array([j for _, j in crowd] + [7])
    sims = np.full(len(rows), 0.2)
    articles = [Article(id=f"a{i}", source="s", text="x") for i in range(8)]
    # No vectors given: no expansion, so ``plain_threshold`` applies.
    corrected = StoryGrouper(plain_threshold=0.15, density_neighbors=5, density_floor=0.05)
    labels = corrected.merge_pairs(articles, rows, cols, sims)
    assert len(set(labels[:6].tolist())) == 6
    assert labels[6] == labels[7]
    plain = replace(corrected, density_weight=0.0)
    assert len(set(plain.merge_pairs(articles, rows, cols, sims)[:6].tolist())) == 1


def _unit_rows(rows: list[dict[int, float]]) -> sp.csr_matrix:
    """Unit-length sparse rows from {feature: weight} dicts."""
    matrix = sp.lil_matrix((len(rows), 8), dtype=np.float32)
    for i, row in enumerate(rows):
        norm = float(np.sqrt(sum(w * w for w in row.values())))
        for f, w in row.items():
            matrix[i, f] = w / norm
    return sp.csr_matrix(matrix)


def test_short_articles_borrow_their_nearest_neighbours_vocabulary() -> None:
    # Article 0 is short (one feature); article 1 shares it and adds feature 1;
    # article 2 shares only feature 1 with article 1, nothing with article 0.
    vectors = _unit_rows([{0: 1.0}, {0: 1.0, 1: 1.0}, {1: 1.0, 2: 1.0}])
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    sims = np.array([float(vectors[0].multiply(vectors[j]).sum()) for j in (1, 2)] + [0.5])
    assert sims == pytest.approx([0.7071, 0.0, 0.5], abs=1e-4)
    grouper = StoryGrouper(expansion_neighbors=1, expansion_features=10, expansion_weight=1.0)
    expanded = grouper.expanded_similarities(vectors, rows, cols, sims)
    # Article 0 now carries feature 1 (from article 1), so it meets article 2.
    assert expanded[1] > 0.2
    # Long articles borrow less: with a 1-feature allowance, articles 1 and 2 (two
    # features each) get half the weight, article 0 (one feature) still the full one.
    halved = replace(grouper, expansion_features=1).expanded_similarities(vectors, rows, cols, sims)
    assert 0.0 < halved[1] < expanded[1]
    # Off, or partners below the minimum similarity: the plain cosines come back.
    off = replace(grouper, expansion_weight=0.0)
    assert off.expanded_similarities(vectors, rows, cols, sims) is sims
    picky = replace(grouper, expansion_min_similarity=0.9)
    assert picky.expanded_similarities(vectors, rows, cols, sims) == pytest.approx(sims, abs=1e-6)


def test_merge_pairs_expands_only_when_given_vectors() -> None:
    vectors = _unit_rows([{0: 1.0}, {0: 1.0, 1: 1.0}, {1: 1.0, 2: 1.0}])
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    sims = np.array([0.7071, 0.0, 0.5])
    articles = [Article(id=f"a{i}", source="s", text="x") for i in range(3)]
    grouper = StoryGrouper(
        threshold=0.3, plain_threshold=0.3, expansion_neighbors=1, expansion_features=10
    )
    # Plain cosines: 0-1 merge at 0.71, then {0, 1} to 2 averages (0 + 0.5) / 2 < 0.3.
    plain = grouper.merge_pairs(articles, rows, cols, sims)
    assert plain[0] == plain[1] != plain[2]
    # Expanded, article 0 resembles article 2 too, and the three make one story.
    together = grouper.merge_pairs(articles, rows, cols, sims, vectors=vectors)
    assert len(set(together.tolist())) == 1
    # Without expansion, ``plain_threshold`` is the one that applies.
    strict = replace(grouper, plain_threshold=0.9)
    assert len(set(strict.merge_pairs(articles, rows, cols, sims).tolist())) == 3


def test_density_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        StoryGrouper(density_neighbors=0)
    with pytest.raises(ValueError):
        StoryGrouper(density_weight=-1.0)
    with pytest.raises(ValueError):
        StoryGrouper(expansion_weight=-1.0)
    with pytest.raises(ValueError):
        StoryGrouper(plain_threshold=0.0)


def _pseudo_words(prefix: str, n: int) -> list[str]:
    """``n`` distinct made-up words (letters only) starting with ``prefix``."""
    letters = "bcdfghjklmnpqrstvwxz"
    return [prefix + letters[k // 20] + letters[k % 20] + "o" for k in range(n)]


def test_a_small_pile_scores_every_pair_the_candidate_search_would_miss() -> None:
    # Two reports of one event share forty of its words, but each repeats thirty
    # words of its own: in a small pile those own words carry the most weight, so
    # an article's "heaviest features" (what the candidate search compares) are all
    # its own and the pair is never found. A small pile scores every pair instead.
    shared = " ".join(_pseudo_words("sha", 40))
    first = Article.from_text(shared + " " + " ".join(_pseudo_words("fir", 30) * 2), source="first")
    second = Article.from_text(
        shared + " " + " ".join(_pseudo_words("sec", 30) * 2), source="second"
    )
    other = Article.from_text(" ".join(_pseudo_words("oth", 60)), source="other")
    pile = [first, second, other]
    exact = StoryGrouper(detect_non_articles=False)
    assert partition(group_stories(pile, exact), pile) == {
        frozenset({"first", "second"}),
        frozenset({"other"}),
    }
    searched = replace(exact, exact_pairs_up_to=0)
    assert len(partition(group_stories(pile, searched), pile)) == 3
