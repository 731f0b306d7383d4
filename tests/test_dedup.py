"""Article copies: verbatim, near-verbatim (MinHash), spun and compiled; how briefs show them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import make_article

from newsbrief.dedup import NearDuplicates, normalize_for_copies
from newsbrief.model import Budget
from newsbrief.pipeline import Pipeline, build_story

WIRE = (
    "Russia and the United States agreed on Friday to a ceasefire in the south of the country, "
    "officials said. The truce will take effect on Sunday at noon local time, according to a "
    "statement from the foreign ministry. Jordan will help monitor the ceasefire along its "
    "border, the statement added. Previous ceasefires collapsed within weeks, and aid groups "
    "said they would wait to see whether the fighting stops. The deal was announced after the "
    "two presidents met for the first time at the summit in Hamburg."
)
OTHER = (
    "Aid agencies warned on Saturday that thousands of families in the southern provinces still "
    "lack clean water and medicine. A spokeswoman for the Red Crescent said convoys had been "
    "blocked for a month. Doctors in the region reported a rise in cholera cases. The agencies "
    "asked all sides to open the roads so that trucks can reach the villages before winter."
)
THIRD = (
    "Talks on the future of the region will resume in Geneva at the end of August, the envoy "
    "told reporters. He said both delegations had agreed to a list of topics. The opposition "
    "asked for guarantees that prisoners would be released. Government negotiators said they "
    "were ready to discuss a new constitution but not a transition of power."
)


def _spin(text: str) -> str:
    """What a spinner does: swap names and words for synonyms, keep the sentences."""
    return (
        text.replace("Russia", "Russian Federation")
        .replace("the United States", "the USA")
        .replace("ceasefire", "cease-fire")
        .replace("officials said", "officials stated")
    )


def _run(*articles):  # type: ignore[no-untyped-def]
    return NearDuplicates().run(build_story(articles))


def test_normalize_for_copies_folds_spinner_synonyms() -> None:
    assert (
        normalize_for_copies("The Russian Federation and the U.S. said")
        == "the russia and the us said"
    )
    assert normalize_for_copies("USA truce, United States of America") == "us ceasefire, us"


def test_independent_articles_are_not_copies() -> None:
    story = _run(make_article(WIRE), make_article(OTHER), make_article(THIRD))
    assert all(a.duplicate_of is None for a in story.articles)


def test_verbatim_copy_of_an_earlier_article() -> None:
    original = make_article(WIRE, date="2017-07-07", source="wire.txt")
    copy = make_article(WIRE + " Share this article.", date="2017-07-08", source="copy.txt")
    story = _run(copy, original, make_article(OTHER))
    by_source = {a.source: a for a in story.articles}
    assert by_source["copy.txt"].duplicate_of == original.id
    assert by_source["wire.txt"].duplicate_of is None
    assert all(s.article_id != copy.id for s in story.sentences)


@pytest.mark.parametrize("minhash_from", [2, 1000])
def test_minhash_and_exact_jaccard_agree(minhash_from: int) -> None:
    original = make_article(WIRE, date="2017-07-07")
    copy = make_article(_spin(WIRE), date="2017-07-09")
    copies = NearDuplicates(minhash_from=minhash_from).find([original, copy, make_article(OTHER)])
    assert list(copies) == [copy.id]
    assert copies[copy.id].duplicate_of == original.id
    assert copies[copy.id].reason == "verbatim"


def test_spun_copy_with_reordered_sentences_is_contained() -> None:
    sentences = WIRE.split(". ")
    reordered = ". ".join(reversed(sentences)).rstrip(".") + ". It was hot that day."
    spun = make_article(_spin(reordered), date="2017-07-09")
    original = make_article(WIRE, date="2017-07-07")
    copies = NearDuplicates().find([original, spun, make_article(OTHER)])
    assert copies[spun.id].duplicate_of == original.id
    assert copies[spun.id].reason in {"contained", "verbatim"}


def test_page_compiled_from_several_articles_is_a_copy_of_them() -> None:
    wire, other, third = (make_article(t, date="2017-07-07") for t in (WIRE, OTHER, THIRD))
    picked = [WIRE.split(". ")[0], OTHER.split(". ")[1], THIRD.split(". ")[0], WIRE.split(". ")[2]]
    own = [
        "Observers were divided about what it meant",
        "Some analysts expected more talks soon",
        "Markets in the region barely moved",
        "The weather was calm across the area",
    ]
    compiled = make_article(_spin(". ".join(picked + own) + "."), date="2017-07-10")
    copies = NearDuplicates().find([wire, other, third, compiled])
    assert list(copies) == [compiled.id]
    assert copies[compiled.id].duplicate_of == wire.id  # two sentences came from it
    assert set(copies[compiled.id].derived_from) == {wire.id, other.id, third.id}


def test_of_two_mutual_copies_the_later_one_is_the_copy() -> None:
    early = make_article(WIRE, date="2017-07-01")
    late = make_article(WIRE, date="2017-07-02", source="late.txt")
    copies = NearDuplicates().find([late, early])
    assert list(copies) == [late.id]


def test_brief_lists_copies_as_also_carried_by_and_never_cites_them() -> None:
    original = make_article(WIRE, date="2017-07-07", source="wire.txt", title="Ceasefire agreed")
    copy = make_article(_spin(WIRE), date="2017-07-08", source="spin.txt")
    other = make_article(OTHER, date="2017-07-08", source="aid.txt")
    pipeline = Pipeline.default().remove("off-topic")
    brief = pipeline.run_story(build_story([original, copy, other]), Budget(max_words=60))
    numbers = {s.source: s for s in brief.sources}
    assert set(numbers) == {"wire.txt", "aid.txt"}
    assert numbers["wire.txt"].copies == ("spin.txt",)
    assert "also carried by spin.txt" in brief.to_markdown()
    cited = {n for sentence in brief.sentences for n in sentence.citations}
    assert cited <= {s.number for s in brief.sources}


def test_stage_leaves_its_input_untouched_and_is_deterministic() -> None:
    story = build_story([make_article(WIRE), make_article(_spin(WIRE)), make_article(OTHER)])
    before = replace(story)
    first, second = NearDuplicates().run(story), NearDuplicates().run(story)
    assert story == before and first == second


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        NearDuplicates(min_jaccard=0)
    with pytest.raises(ValueError):
        NearDuplicates(num_perm=4)
