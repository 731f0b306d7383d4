"""Detection of documents that are not articles (failed downloads, notices, walls)."""

from __future__ import annotations

import pytest

from newsbrief.model import Article
from newsbrief.nonarticle import (
    NonArticleFilter,
    check_text,
    find_non_articles,
    non_article_reason,
    notice_kind,
)
from newsbrief.pipeline import Pipeline

REAL = (
    "The city council approved a new budget on Tuesday after a six-hour debate. "
    "The plan raises spending on schools by four percent and cuts the roads budget. "
    "Council leader Ana Ruiz said the vote showed the council could agree on hard choices, "
    "while opposition members said the cuts to road repairs would hurt rural districts."
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "This page was saved by the Internet Archive's Wayback Machine. "
            "The crawl data is added after an embargo period.",
            "web-archive notice",
        ),
        (
            "Tweet with a location: you can add location information to your tweets. "
            "You can delete your tweet location history at any time. Learn more",
            "social-network placeholder",
        ),
        (
            "We use cookies to improve your experience. Please enable cookies in your browser "
            "to continue.",
            "cookie or script wall",
        ),
        (
            "Sorry, the page you are looking for cannot be found. Error 404.",
            "page not found",
        ),
        (
            "The interactive transcript could not be loaded. This feature is not available "
            "right now. Please try again later.",
            "video placeholder",
        ),
        (
            "You must log in to continue. We have sent you a verification email.",
            "sign-in or subscription wall",
        ),
        (
            "Crawl settings for this job. Turned off duplicate detection for the nightly run.",
            "web-archive notice",
        ),
        (
            "To read on, see our privacy policy and third party partners and choose your options.",
            "cookie or script wall",
        ),
        (
            "There was a problem saving your notification. Please try again in a moment.",
            "sign-in or subscription wall",
        ),
    ],
)
def test_notices_are_not_articles(text: str, kind: str) -> None:
    assert non_article_reason(text) == f"not an article: {kind}"


def test_real_article_is_an_article_even_when_short() -> None:
    assert non_article_reason(REAL) is None
    # Brevity alone is no evidence of a failed download.
    assert non_article_reason("Fire crews put out a barn fire near Elton on Sunday.") is None


def test_leading_notice_is_stripped_from_a_real_article() -> None:
    check = check_text("Media playback is unsupported on your device. " + REAL)
    assert check.is_article
    assert check.text.startswith("The city council")
    assert check.removed == ("Media playback is unsupported on your device.",)


def test_empty_text() -> None:
    assert non_article_reason("   \n") == "empty text"


def test_notice_kind_and_batch_function() -> None:
    assert notice_kind("Please enable JavaScript to view this site") == "cookie or script wall"
    assert notice_kind("The mayor resigned on Friday.") is None
    reasons = find_non_articles([REAL, "Error 404: page not found."])
    assert reasons[0] is None and reasons[1] == "not an article: page not found"


def test_stage_drops_non_articles_and_cleans_others() -> None:
    stage = NonArticleFilter()
    notice = Article.from_text("Please enable cookies to continue.", source="a.txt")
    assert stage.run(notice) == ()
    assert stage.skip_reason(notice) == "not an article: cookie or script wall"
    prefixed = Article.from_text(
        "Breaking news emails get breaking news alerts. " + REAL, source="b"
    )
    (out,) = stage.run(prefixed)
    assert out.text.startswith("The city council")
    assert "Breaking news emails get breaking news alerts." in out.removed
    assert prefixed.text.startswith("Breaking")  # input untouched
    plain = Article.from_text(REAL, source="c")
    assert stage.run(plain) == (plain,)
    with pytest.raises(ValueError):
        NonArticleFilter(min_words=0)


def test_default_pipeline_reports_non_articles_with_reason() -> None:
    pipeline = Pipeline.default()
    names = pipeline.names
    assert names.index("non-article") == names.index("clean") + 1
    notice = Article.from_text(
        "Rating is available when the video has been rented. This feature is not available "
        "right now. Please try again later.",
        source="video.txt",
    )
    articles, skipped = pipeline.clean([notice, Article.from_text(REAL, source="real.txt")])
    assert [a.source for a in articles] == ["real.txt"]
    assert [(s.source, s.reason) for s in skipped] == [
        ("video.txt", "not an article: video placeholder")
    ]
