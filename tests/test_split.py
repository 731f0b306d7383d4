"""Multi-post pages split into posts; off-topic articles dropped, conservatively."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_article, make_story

from newsbrief.model import Article, Story
from newsbrief.pipeline import Pipeline, build_story
from newsbrief.split import OffTopicFilter, PostSplitter, is_post

DATA = Path(__file__).parent / "data" / "ingest"


def _page() -> Article:
    path = DATA / "multipost.txt"
    return Article.from_text(path.read_text(encoding="utf-8"), source=str(path))


def test_page_of_posts_is_split_with_each_posts_metadata() -> None:
    posts = PostSplitter().run(_page())
    assert [p.title for p in posts] == [
        "Harborton footbridge closed after cable snaps",
        "Inspectors begin work on Harborton footbridge",
        "Local bakery wins regional pastry award",
        "Harborton footbridge to reopen next week",
    ]
    assert [p.url for p in posts] == [f"http://short.example/{x}" for x in ("a1", "b2", "c3", "d4")]
    assert {p.author for p in posts} == {"riverdesk"}
    assert {p.outlet for p in posts} == {"River Desk News"}
    assert [p.source.rsplit("#", 1)[1] for p in posts] == ["post-1", "post-2", "post-3", "post-4"]
    assert "lemon tart" in posts[2].text and "lemon tart" not in posts[1].text
    assert not posts[0].text.startswith(posts[0].title)  # header lines go to ``removed``
    assert "http://short.example/a1" in posts[0].removed
    assert len({p.id for p in posts}) == 4


def test_single_articles_are_left_alone() -> None:
    text = (
        "Bridge closes after cable snaps\n\nBy Mara Quill\nMarch 4, 2025\n\n"
        "The footbridge closed on Tuesday after a cable snapped, the city said.\n\n"
        "Read more\n\nInspectors will start work on Wednesday, officials said.\n\n"
        "Open questions remain\n\nNobody knows yet why the cable failed, engineers said."
    )
    article = make_article(text)
    assert PostSplitter().run(article) == (article,)


def test_repeated_footers_alone_split_posts() -> None:
    post = (
        "{title}\n\n{body} The city said on Monday that work would begin soon.\n\n"
        "The post {title} appeared first on Town Daily.\n\nRead more\n\n"
    )
    text = "".join(
        post.format(title=t, body=b)
        for t, b in [
            ("Council approves bridge budget", "The council approved money for the bridge."),
            ("School opens new science lab", "The school opened a lab for its older pupils."),
        ]
    )
    posts = PostSplitter().run(make_article(text))
    assert [p.title for p in posts] == [
        "Council approves bridge budget",
        "School opens new science lab",
    ]
    assert {p.outlet for p in posts} == {"Town Daily"}


def test_off_topic_post_is_dropped_through_the_pipeline() -> None:
    brief = Pipeline.default().run([DATA / "multipost.txt"], words=80)
    dropped = [s for s in brief.skipped if s.reason.startswith("off-topic")]
    assert [s.source.rsplit("#", 1)[1] for s in dropped] == ["post-3"]
    assert all("tart" not in s.text and "bakery" not in s.text for s in brief.sentences)
    assert len(brief.sources) == 3


FOOTBRIDGE = [
    "The Harbor Street footbridge closed on Tuesday after a support cable snapped during the "
    "morning rush. Engineers said the other cables held and nobody was hurt. The city told "
    "commuters to use the Mill Road crossing while inspectors examine every cable of the "
    "footbridge over the coming days, and promised an update on Friday.",
    "Inspectors began examining the cables of the Harbor Street footbridge on Wednesday, a day "
    "after one snapped. The city engineer said the inspection would take three days and the "
    "footbridge would reopen only if every remaining cable passed. Commuters crowded the Mill "
    "Road crossing during the morning rush while the bridge stayed closed.",
    "The Harbor Street footbridge will reopen next week after inspectors found that the snapped "
    "cable was the only damaged one, the city said on Friday. A crew will replace the broken "
    "cable over the weekend and engineers will load-test the footbridge before walkers and "
    "commuters are allowed back across it.",
]
BAKERY = (
    "A family bakery on Elm Street won first prize in the regional pastry competition on "
    "Saturday with a lemon tart that the judges called flawless. The owners said they would "
    "celebrate by giving away tarts all week and by hiring two more bakers for the busy summer "
    "season, when tourists fill the old town."
)
FOOTBALL = (
    "The town football club signed a new goalkeeper from its fiercest rival on Thursday, ending "
    "a long search for a replacement after last season's injuries. The manager said the keeper "
    "would start the opening league match next month and praised his calm in penalty shootouts "
    "and his skill with the ball at his feet."
)


@pytest.mark.parametrize("n_articles", [1, 2])
def test_small_stories_are_never_touched(n_articles: int) -> None:
    texts = [FOOTBRIDGE[0], "A bakery won a pastry prize for its lemon tart on Saturday."][
        :n_articles
    ]
    story = make_story(*texts)
    assert OffTopicFilter().run(story) == story


def test_on_topic_stories_keep_every_article() -> None:
    story = make_story(*FOOTBRIDGE)
    assert OffTopicFilter().run(story) == story


def test_never_drops_half_of_a_story() -> None:
    story = make_story(FOOTBRIDGE[0], FOOTBRIDGE[1], BAKERY, FOOTBALL)
    result = OffTopicFilter(min_similarity=0.9, min_relative=1.9).run(story)
    assert len(result.articles) >= 3
    assert len(result.dropped) == 1


def test_dropped_articles_leave_no_sentences_and_are_reported() -> None:
    off = make_article(BAKERY)
    story = build_story([*(make_article(t) for t in FOOTBRIDGE), off])
    result = OffTopicFilter().run(story)
    assert [a.id for a in result.articles] == [a.id for a in story.articles if a.id != off.id]
    assert all(s.article_id != off.id for s in result.sentences)
    assert [d.source for d in result.dropped] == [off.source]
    assert story.dropped == ()  # input untouched


def test_short_articles_are_not_judged() -> None:
    story = make_story(*FOOTBRIDGE, "A bakery won a pastry prize for its lemon tart.")
    assert OffTopicFilter().run(story) == story


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        OffTopicFilter(min_articles=2)
    with pytest.raises(ValueError):
        PostSplitter(min_posts=1)
    with pytest.raises(ValueError):
        OffTopicFilter(min_post_relative=-0.1)


REOPENED = (
    "Walkers and commuters crossed the Harbor Street footbridge again on Monday after a week of "
    "repairs. The city replaced the snapped cable, engineers load-tested the footbridge over the "
    "weekend and inspectors signed off on every cable, the city engineer said."
)
# Same town and beat (the city, a crossing, the council), another event: close by words, but
# much less like the story than the footbridge reports are like each other.
REPAVING = (
    "Repaving of the Mill Road crossing will start in the spring, the city said on Monday, after "
    "a council vote on the roads budget. The work will take six weeks, and drivers will be sent "
    "along the river while the road is closed. The council also approved new street lights and "
    "a cycle lane for the crossing, which carries most of the town's traffic."
)


def _bridge_story(extra: str, *, as_posts: bool, only_the_page: bool = False) -> Story:
    """Three footbridge reports, then a fourth and ``extra`` (posts of one page, or inputs)."""
    texts = [*FOOTBRIDGE, REOPENED, extra]
    sources = [f"input-{n}.txt" for n in range(1, 6)]
    if as_posts:
        first_post = 0 if only_the_page else 3
        sources[first_post:] = [f"page.html#post-{n}" for n in range(1, 6 - first_post)]
    return build_story(make_article(t, source=s) for t, s in zip(texts, sources, strict=True))


def test_a_related_input_the_user_chose_is_kept() -> None:
    # 0.15 similarity, about a third of the story's median: another angle, not far enough.
    story = _bridge_story(REPAVING, as_posts=False)
    assert OffTopicFilter().run(story) == story


def test_a_post_about_another_event_of_the_feeds_beat_is_dropped() -> None:
    story = _bridge_story(REPAVING, as_posts=True)
    result = OffTopicFilter().run(story)
    [dropped] = result.dropped
    assert dropped.source == "page.html#post-2"
    assert dropped.reason.startswith("off-topic post of a multi-post page (similarity 0.")
    assert "of its median" in dropped.reason
    assert len(result.articles) == 4


def test_posts_of_the_only_input_are_judged_like_inputs() -> None:
    # A page given alone (a live blog, say) is what the user chose: no stricter bar.
    story = _bridge_story(REPAVING, as_posts=True, only_the_page=True)
    assert all(is_post(a) for a in story.articles)
    assert OffTopicFilter().run(story) == story


def test_an_unrelated_input_is_dropped_as_far() -> None:
    result = OffTopicFilter().run(_bridge_story(BAKERY, as_posts=False))
    [dropped] = result.dropped
    assert dropped.source == "input-5.txt"
    assert dropped.reason.startswith("off-topic (similarity 0.0")


@pytest.mark.parametrize(
    ("settings", "n_dropped"),
    [
        ({}, 1),
        ({"min_similarity": 0.0}, 0),  # far in relative terms only: kept
        ({"min_relative": 0.0}, 0),  # far in absolute terms only: kept
    ],
)
def test_an_input_must_be_far_in_absolute_and_relative_terms(
    settings: dict[str, float], n_dropped: int
) -> None:
    story = _bridge_story(BAKERY, as_posts=False)
    stage = OffTopicFilter(min_post_relative=0.0, **settings)
    assert len(stage.run(story).dropped) == n_dropped


def test_posts_are_recognised_by_the_splitters_source_suffix() -> None:
    posts = PostSplitter().run(_page())
    assert all(is_post(p) for p in posts)
    assert not is_post(make_article(BAKERY, source="feeds/post-1.txt"))
    assert not is_post(make_article(BAKERY, source="page.html#post-"))


def test_a_feed_page_given_with_other_inputs_loses_its_off_story_post(tmp_path: Path) -> None:
    for n, text in enumerate(FOOTBRIDGE, start=1):
        (tmp_path / f"report-{n}.txt").write_text(f"Footbridge report {n}\n\n{text}\n")
    page = "".join(
        f"{title}\n\nriverdesk\nhttp://short.example/{slug}\n\n{body}\n\n"
        f"The post {title} appeared first on River Desk News.\n\nRead more\n\n"
        for title, slug, body in [
            ("Harborton footbridge reopens to walkers", "r1", REOPENED),
            ("Council approves Mill Road repaving", "r2", REPAVING),
        ]
    )
    (tmp_path / "feed.txt").write_text(page)
    brief = Pipeline.default().run(sorted(tmp_path.iterdir()), words=80)
    dropped = [s for s in brief.skipped if s.reason.startswith("off-topic")]
    assert [s.source.rsplit("/", 1)[1] for s in dropped] == ["feed.txt#post-2"]
    assert "post of a multi-post page" in dropped[0].reason
    assert "feed.txt#post-1" in {s.source.rsplit("/", 1)[1] for s in brief.sources}
    assert all("repaving" not in s.text.lower() for s in brief.sentences)
