"""The line classifier on top of the furniture rules (``BoilerplateCleaner``)."""

from __future__ import annotations

import pytest
from conftest import make_article

from newsbrief.clean import (
    BoilerplateCleaner,
    LineFeatures,
    TextCleaner,
    classify_line,
    line_key,
)
from newsbrief.pipeline import Pipeline

BODY = [
    "The harbor street footbridge reopened on friday, three days after a support cable snapped "
    "and the city closed it to walkers.",
    "City engineer tomas reyes said every remaining cable had been inspected and the broken one "
    "replaced overnight by a crew of twelve.",
    "Commuters said they were glad to have the shorter route back before the weekend.",
]


def _features(line: str, repeated: frozenset[str] = frozenset()) -> LineFeatures:
    return LineFeatures.of([line], 0, repeated)


@pytest.mark.parametrize(
    "line",
    [
        "We use cookies to give you the best experience. By continuing to browse, you agree to our use of cookies.",
        "Contact jane porter at jane@example.com",
        "Follow us on twitter @harborherald",
        "Updated 10:32 a.m. et, march 4, 2025",
        "Get the latest headlines delivered to your inbox. Sign up for our newsletter.",
        "This article originally appeared on the metro courier.",
    ],
)
def test_classifier_flags_furniture_the_rules_miss_or_catch(line: str) -> None:
    assert classify_line(_features(line)) is not None


@pytest.mark.parametrize(
    "line",
    [
        *BODY,
        "Follow the money, she said.",
        "The photo agency said it would share the images with police on monday.",
        "He posted a video of the rescue that was viewed more than a million times, "
        "and the clip was shared by the mayor and several members of the city council.",
    ],
)
def test_classifier_keeps_article_sentences(line: str) -> None:
    assert classify_line(_features(line)) is None


def test_features_are_what_the_line_shows() -> None:
    features = LineFeatures.of(["Share on Facebook", "Body text here."], 0, frozenset())
    assert (features.n_words, features.terminal, features.furniture_words) == (3, False, 2)
    assert (features.position, features.contact, features.repeated) == (0.0, False, False)
    assert LineFeatures.of(["a", "Body text here."], 1, frozenset()).position == 1.0


def _page(footer: str, n: int) -> str:
    """A page whose article differs from the other pages' (only the footer repeats)."""
    places = ["harbor street", "mill road", "elm street", "quay lane"]
    body = [f"Page {n}: " + line.replace("harbor street", places[n]) for line in BODY]
    return "\n\n".join([*body, footer])


def test_outlet_template_lines_are_learned_across_pages() -> None:
    footer = "Harbor herald is an independent newspaper serving the bay area since 1921."
    pages = [make_article(_page(footer, n), outlet="Harbor Herald") for n in range(3)]
    alone = BoilerplateCleaner().run(pages[0])[0]
    assert footer in alone.text  # one page alone gives no evidence
    batch = BoilerplateCleaner().run_many(pages)
    assert all(footer not in out[0].text and footer in out[0].removed for out in batch)
    assert all(len(out[0].text.split("\n\n")) == 3 for out in batch)


def test_pages_of_unknown_outlets_are_not_compared() -> None:
    shared = "Officials said the bridge would be inspected again next spring by the state."
    pages = [make_article(_page(shared, n)) for n in range(4)]
    assert all(shared in out[0].text for out in BoilerplateCleaner().run_many(pages))


def test_long_paragraph_survives_shape_rules() -> None:
    paragraph = (
        "In my opinion, the outcome was decided long before the hearing began, and there was "
        "no fairness in the investigation whatsoever. The league never explained its reasons...."
    )
    article = make_article("\n\n".join([*BODY, paragraph]))
    assert paragraph not in TextCleaner().run(article)[0].text  # the rules call it a teaser
    assert paragraph in BoilerplateCleaner().run(article)[0].text


def test_line_key_ignores_case_and_punctuation() -> None:
    assert line_key("Share | Tweet | E-mail!") == line_key("share tweet e mail")


def test_default_pipeline_cleans_with_the_classifier() -> None:
    assert isinstance(Pipeline.default().get("clean"), BoilerplateCleaner)
    assert Pipeline.from_config(Pipeline.default().to_config()).names == Pipeline.default().names
