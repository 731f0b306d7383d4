"""End-to-end briefs: redundancy stated once with all citations, budget, determinism, examples."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import make_article

from newsbrief import Brief, brief
from newsbrief.attribute import number_sources
from newsbrief.model import Story, stable_id

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.txt"))

# Page furniture planted in examples/*.txt; none of it may reach a brief.
JUNK = (
    "Read more",
    "Advertisement",
    "Leave a comment",
    "Your email address will not be published",
    "Required fields",
    "Save my name",
    "appeared first on",
    "©",
    "Copyright",
    "All rights reserved",
    "NEWSWIRE/",
    "ZH-CN",
    "Quarry Road",
    "robotics team",
    "More from the Herald",
    "Editing by",
    "Editor:",
    "Source:",
    "(Newswire) --",
)

SHARED_FACT = (
    "Mayor Ruth Calloway ordered an independent safety review of all eleven river crossings."
)

STORY_TEXTS = (
    "The Kessel Street footbridge over the Ardley River collapsed on Tuesday morning.\n\n"
    "Fourteen commuters were injured when the central span fell onto the muddy riverbank.\n\n"
    f"{SHARED_FACT}\n",
    "Harborton's oldest pedestrian bridge gave way during the Tuesday rush hour.\n\n"
    "Fire Chief Daniel Okafor said low tide meant the wreckage landed on mud, not water.\n\n"
    "Mayor Ruth Calloway ordered an independent safety review of all eleven river crossings, "
    "officials said.\n",
    "A free ferry shuttle will carry commuters across the Ardley River from Friday.\n\n"
    "Investigators blamed corroded bolts at the eastern support for the footbridge collapse.\n",
)


def _check_citations(result: Brief) -> None:
    numbers = {source.number for source in result.sources}
    assert [s.number for s in result.sources] == list(range(1, len(result.sources) + 1))
    for sentence in result.sentences:
        assert sentence.citations, f"uncited: {sentence.text}"
        assert set(sentence.citations) <= numbers
        assert len(set(sentence.citations)) == len(sentence.citations)
        assert list(sentence.citations[1:]) == sorted(sentence.citations[1:])


def test_same_fact_from_two_sources_appears_once_with_both_citations() -> None:
    result = brief(list(STORY_TEXTS), words=200)
    mentions = [s for s in result.sentences if "independent safety review" in s.text]
    assert len(mentions) == 1, [s.text for s in result.sentences]
    cited = {result.sources[n - 1].article_id for n in mentions[0].citations}
    # In-memory texts are named "text:<hash of the text>" (see newsbrief.ingest).
    texts_with_fact = {
        f"text:{stable_id(text, length=8)}"
        for text in STORY_TEXTS
        if "independent safety review" in text
    }
    sources_with_fact = {s.article_id for s in result.sources if s.source in texts_with_fact}
    assert len(sources_with_fact) == 2
    assert cited == sources_with_fact
    _check_citations(result)


@pytest.mark.parametrize("words", [1, 10, 25, 60, 150, 400])
def test_word_budget_and_citations(words: int) -> None:
    result = brief(EXAMPLE_FILES, words=words)
    assert result.n_words <= words
    assert result.max_words == words
    assert result.to_dict()["n_words"] == result.n_words
    _check_citations(result)


def test_examples_brief_cites_several_sources_and_no_junk() -> None:
    result = brief([EXAMPLES], words=150)
    assert len(result.sources) == len(EXAMPLE_FILES)
    cited = {n for sentence in result.sentences for n in sentence.citations}
    assert len(cited) >= 3
    assert result.n_words <= 150
    assert result.title
    markdown = result.to_markdown()
    for junk in JUNK:
        assert junk not in markdown, junk
    for sentence in result.sentences:
        assert not any(junk in sentence.text for junk in JUNK)
    _check_citations(result)


def test_examples_sources_have_metadata() -> None:
    result = brief([EXAMPLES], words=150)
    by_file = {Path(s.source).name: s for s in result.sources}
    assert by_file["newswire.txt"].outlet == "Newswire"
    assert by_file["ardley-valley-times.txt"].outlet == "Ardley Valley Times"
    assert by_file["harborton-herald.txt"].outlet == "Harborton Herald"
    assert {s.date for s in result.sources} <= {
        "2025-03-04",
        "2025-03-05",
        "2025-03-06",
        "2025-03-07",
    }
    assert all(s.title for s in result.sources)


def test_same_files_in_any_order_give_identical_output() -> None:
    reference = brief(EXAMPLE_FILES, words=120)
    rng = random.Random(7)
    for _ in range(3):
        shuffled = list(EXAMPLE_FILES)
        rng.shuffle(shuffled)
        again = brief(shuffled, words=120)
        assert again.to_markdown() == reference.to_markdown()
        assert again.to_json() == reference.to_json()


def test_same_texts_in_any_order_give_identical_output() -> None:
    texts = [path.read_text(encoding="utf-8") for path in EXAMPLE_FILES]
    reference = brief(texts, words=120)
    again = brief(list(reversed(texts)), words=120)
    assert again.to_markdown() == reference.to_markdown()
    assert again.to_json() == reference.to_json()
    assert brief(texts[2:] + texts[:2], words=120).to_json() == reference.to_json()


def test_markdown_shape() -> None:
    result = brief(EXAMPLE_FILES, words=80)
    markdown = result.to_markdown()
    assert markdown.startswith(f"# {result.title}\n")
    assert "\n## Sources\n" in markdown
    for sentence in result.sentences:
        markers = "".join(f"[{n}]" for n in sentence.citations)
        assert f"- {sentence.text} {markers}" in markdown


def test_copy_of_a_copy_is_listed_under_the_original() -> None:
    original = make_article("The footbridge collapsed on Tuesday.\n", source="a.txt")
    copy = make_article(
        "The footbridge fell on Tuesday.\n", source="b.txt", duplicate_of=original.id
    )
    copy_of_copy = make_article(
        "The bridge fell on Tuesday.\n", source="c.txt", duplicate_of=copy.id
    )
    story = Story(id="s", articles=(original, copy, copy_of_copy), sentences=())
    (source,) = number_sources(story)
    assert source.source == "a.txt"
    assert source.copies == ("b.txt", "c.txt")
