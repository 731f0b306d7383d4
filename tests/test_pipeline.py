"""The pipeline of named stages: inspect, change, round-trip through config, run."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import ClassVar

import pytest
from conftest import make_article

from newsbrief.clean import TextCleaner
from newsbrief.dedup import SentenceSupport
from newsbrief.model import Article
from newsbrief.pipeline import Pipeline, canonical_order, stage_kind
from newsbrief.summarize import LeadSummarizer, NewsbriefSummarizer

TEXTS = (
    "The Kessel Street footbridge over the Ardley River collapsed on Tuesday morning. "
    "Fourteen people were injured, three of them seriously, city officials said.\n",
    "A footbridge in Harborton collapsed on Tuesday morning, injuring at least twelve people. "
    "The bridge was last inspected in 2023, when engineers noted corrosion on its supports.\n",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Shout:
    """A user's article stage: upper-cases the text (visible in the brief)."""

    kind: ClassVar[str] = "article"
    name: ClassVar[str] = "shout.v1"

    def run(self, article: Article) -> tuple[Article, ...]:
        return (replace(article, text=article.text.upper()),)


@dataclass(frozen=True, slots=True, kw_only=True)
class _BriefStage:
    kind: ClassVar[str] = "brief"
    name: ClassVar[str] = "noop-brief.v1"

    def run(self, story, brief):
        return brief


def test_default_names() -> None:
    pipeline = Pipeline.default()
    names = pipeline.names
    assert names.index("clean") < names.index("support") < names.index("summarize")
    assert isinstance(pipeline.get("clean"), TextCleaner)
    assert isinstance(pipeline.summarizer, NewsbriefSummarizer)
    assert [stage_kind(pipeline.get(n)) for n in ("clean", "support", "summarize")] == [
        "article",
        "story",
        "summarizer",
    ]


def test_get_unknown_stage() -> None:
    with pytest.raises(KeyError, match="no stage named 'nope'"):
        Pipeline.default().get("nope")


def test_replace_returns_a_new_pipeline() -> None:
    default = Pipeline.default()
    lead = default.replace("summarize", LeadSummarizer())
    assert isinstance(lead.summarizer, LeadSummarizer)
    assert isinstance(default.summarizer, NewsbriefSummarizer)
    assert lead.names == default.names
    assert lead.run(list(TEXTS), words=40).method == "lead.v1"


def test_insert_before_and_remove() -> None:
    default = Pipeline.default()
    shouting = default.insert_before("clean", "shout", Shout())
    index = shouting.names.index("shout")
    assert shouting.names[index + 1] == "clean"
    assert len(shouting.names) == len(default.names) + 1
    assert shouting.remove("shout").names == default.names
    assert default.remove("support").names == tuple(n for n in default.names if n != "support")


def test_insert_after() -> None:
    shouting = Pipeline.default().insert_after("clean", "shout", Shout())
    index = shouting.names.index("clean")
    assert shouting.names[index + 1] == "shout"


def test_custom_article_stage_runs() -> None:
    pipeline = Pipeline.default().insert_after("clean", "shout", Shout())
    result = pipeline.run(list(TEXTS), words=60)
    assert result.sentences
    assert all(s.text == s.text.upper() for s in result.sentences)


def test_with_settings() -> None:
    pipeline = Pipeline.default().with_settings("support", min_similarity=0.9)
    assert pipeline.get("support").min_similarity == 0.9
    assert Pipeline.default().get("support").min_similarity != 0.9


def test_config_round_trip() -> None:
    pipeline = Pipeline.default().with_settings("clean", header_lines=4)
    config = pipeline.to_config()
    json.dumps(config)  # a config is plain data
    assert Pipeline.from_config(config) == pipeline
    assert Pipeline.from_config(config).to_config() == config


def test_config_round_trip_other_summarizer() -> None:
    pipeline = Pipeline.default().replace("summarize", LeadSummarizer())
    assert Pipeline.from_config(pipeline.to_config()) == pipeline


def test_unknown_factory_in_config() -> None:
    with pytest.raises(KeyError, match="unknown stage"):
        Pipeline.from_config({"stages": [{"name": "x", "factory": "no-such-stage.v9"}]})


def test_wrong_kind_order_raises() -> None:
    with pytest.raises(ValueError, match="in order"):
        Pipeline(steps=(("summarize", NewsbriefSummarizer()), ("clean", TextCleaner())))
    with pytest.raises(ValueError, match="in order"):
        Pipeline.default().insert_before("clean", "support2", SentenceSupport())
    with pytest.raises(ValueError, match="in order"):
        Pipeline.default().insert_after("summarize", "shout", Shout())
    with pytest.raises(ValueError, match="in order"):
        Pipeline.default().insert_before("support", "late", _BriefStage())


def test_exactly_one_summarizer() -> None:
    with pytest.raises(ValueError, match="exactly one summarizer"):
        Pipeline.default().remove("summarize")
    with pytest.raises(ValueError, match="exactly one summarizer"):
        Pipeline.default().insert_after("summarize", "lead", LeadSummarizer())


def test_duplicate_names_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        Pipeline.default().insert_after("clean", "clean", Shout())


def test_stage_of_unknown_kind() -> None:
    with pytest.raises(TypeError, match="kind"):
        Pipeline.default().insert_after("clean", "mystery", object())


def test_canonical_order_is_by_date_then_id() -> None:
    old = make_article("Old news about the bridge.", date="2025-03-01")
    new = make_article("New news about the bridge.", date="2025-03-05")
    undated = make_article("Undated news about the bridge.")
    assert canonical_order([undated, new, old]) == (old, new, undated)
