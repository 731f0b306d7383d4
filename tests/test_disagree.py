"""Disagreements stage: planted disagreements found, look-alikes not reported."""

from __future__ import annotations

from conftest import make_article

from newsbrief.attribute import attribute
from newsbrief.cli import main
from newsbrief.disagree import DisagreementStage, find_quantities
from newsbrief.model import Brief, Selection, Story
from newsbrief.pipeline import build_story


def story_of(*texts: str, dates: tuple[str | None, ...] = ()) -> Story:
    return build_story(
        make_article(t, source=f"s{i}.txt", date=dates[i] if dates else None)
        for i, t in enumerate(texts)
    )


def run_stage(*texts: str, dates: tuple[str | None, ...] = ()) -> Brief:
    story = story_of(*texts, dates=dates)
    empty = Selection(sentence_ids=(), scores=(), n_words=0)
    return DisagreementStage().run(story, attribute(story, empty, max_words=50, method="t"))


def test_quantities() -> None:
    found = find_quantities("Russia, Turkey and Iran agreed on four de-escalation zones in Syria.")
    assert [(q.value, q.subject, q.head) for q in found] == [(4.0, "de-escalation zones", "zone")]
    assert find_quantities("The war began in 2011 and lasted six years.") == ()
    (approx,) = find_quantities("At least 12 people were hurt.")
    assert approx.approximate


def test_planted_number_disagreement_is_found() -> None:
    result = run_stage(
        "Russia, Turkey and Iran agreed to create four de-escalation zones in Syria.",
        "Russia, Turkey and Iran agreed to create five de-escalation zones in Syria, officials said.",
    )
    (disagreement,) = result.disagreements
    assert disagreement.subject == "de-escalation zones"
    assert {(c.value, c.citations) for c in disagreement.claims} == {("four", (1,)), ("five", (2,))}


def test_death_toll_disagreement() -> None:
    result = run_stage(
        "The bridge collapse in Harborton killed 14 people, the mayor said.",
        "The bridge collapse in Harborton killed 16 people, police said on the radio.",
        "The bridge collapse in Harborton killed 14 people, witnesses told us.",
    )
    (disagreement,) = result.disagreements
    claims = {c.value: c.citations for c in disagreement.claims}
    assert claims == {"14": (1, 3), "16": (2,)}


def test_different_subjects_are_not_a_disagreement() -> None:
    result = run_stage(
        "Three US officials said the cease-fire would hold in southwest Syria.",
        "Two officials were killed when a car bomb exploded in Damascus on the main road.",
    )
    assert result.disagreements == ()


def test_same_noun_different_context_is_not_a_disagreement() -> None:
    result = run_stage(
        "The council will review all 11 river crossings in the city.",
        "Rebels destroyed two river crossings near the northern border last spring.",
    )
    assert result.disagreements == ()


def test_approximate_and_same_source_values_are_not_disagreements() -> None:
    result = run_stage(
        "The collapse injured 14 people, city officials said.",
        "The collapse injured at least 12 people, city officials said.",
    )
    assert result.disagreements == ()
    # One source giving both values (an update) contradicts nobody.
    result = run_stage(
        "The collapse injured 14 people, city officials said. Earlier the collapse injured 12 "
        "people, city officials said.",
        "The collapse injured 12 people, city officials said.",
    )
    assert result.disagreements == ()


def test_date_disagreement_between_sources() -> None:
    result = run_stage(
        "The next round of peace talks in Astana will be held on August 28, officials said.",
        "The next round of peace talks in Astana will be held on August 30, officials said.",
        dates=("2017-07-06", "2017-07-06"),
    )
    (disagreement,) = result.disagreements
    assert disagreement.subject.startswith("date of:")
    assert {c.value for c in disagreement.claims} == {"2017-08-28", "2017-08-30"}


def test_cli_switches(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text(
        "Russia, Turkey and Iran agreed to create four de-escalation zones in Syria on May 4, 2017.\n"
    )
    second.write_text(
        "Russia, Turkey and Iran agreed to create five de-escalation zones in Syria, officials said.\n"
    )
    assert main(["brief", "--method", "lead.v1", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "## Where the sources disagree" in out and "## Timeline" in out
    assert (
        main(
            [
                "brief",
                "--method",
                "lead.v1",
                "--no-timeline",
                "--no-entities",
                "--no-disagreements",
                str(first),
                str(second),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "## Timeline" not in out and "## Who and where" not in out
    assert "## Where the sources disagree" not in out


def test_json_with_all_three_sections_matches_the_packaged_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from importlib.resources import files

    import jsonschema

    from newsbrief.pipeline import Pipeline, brief
    from newsbrief.registry import summarizers

    texts = (
        "Foreign Minister Anna Berg said on Wednesday that Russia, Turkey and Iran agreed to create "
        "four de-escalation zones in Syria.",
        "Speaking in Ankara, officials said Russia, Turkey and Iran agreed to create five "
        "de-escalation zones across Syria after two days of talks.",
    )
    articles = [make_article(t, date="2017-07-06", source=f"s{i}.txt") for i, t in enumerate(texts)]
    pipeline = Pipeline.default().replace("summarize", summarizers.get("lead.v1")())
    document = brief(articles, pipeline=pipeline).to_dict()
    assert document["timeline"] and document["entities"] and document["disagreements"]
    schema = json.loads((files("newsbrief") / "data" / "brief.schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema)


def test_bare_nouns_distributives_and_compound_numbers_are_not_compared() -> None:
    # "points" alone is too generic to know both sources count the same thing.
    assert (
        run_stage(
            "The senator leads the race among likely voters by six points, the poll found.",
            "The senator leads the race among likely voters by nine points, the poll found today.",
        ).disagreements
        == ()
    )
    assert find_quantities("Adele and Bieber earned five nominations each.") == ()
    assert find_quantities("One hundred and three male patients joined.") == ()
    assert find_quantities("The launch is at 09: 12 gmt.") == ()
    (casualties,) = find_quantities("The gunman shot eight people, killing six of them.")
    assert casualties.subject == "people"  # shot, not killed: "killing" is too far away
