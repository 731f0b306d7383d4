"""Brief.to_dict() against the JSON Schema shipped in the package (and its docs copy)."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from newsbrief import SCHEMA_VERSION, Pipeline, brief
from newsbrief.summarize import LeadSummarizer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def schema() -> dict:
    text = (files("newsbrief") / "data" / "brief.schema.json").read_text(encoding="utf-8")
    loaded = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def example_dict() -> dict:
    return brief([EXAMPLES], words=150).to_dict()


def test_docs_copy_is_identical() -> None:
    packaged = (files("newsbrief") / "data" / "brief.schema.json").read_bytes()
    assert (ROOT / "docs" / "schema.json").read_bytes() == packaged


def test_schema_version_matches_code(schema: dict, example_dict: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert example_dict["schema_version"] == SCHEMA_VERSION


def test_schema_lists_exactly_the_fields_written(schema: dict, example_dict: dict) -> None:
    assert list(schema["properties"]) == list(example_dict)
    assert set(schema["required"]) == set(example_dict)
    assert schema["additionalProperties"] is False


def test_every_field_is_documented(schema: dict) -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition["properties"])
    missing = sorted(name for name in names if f"`{name}`" not in doc)
    assert not missing


@pytest.mark.parametrize("words", [1, 60, 150])
def test_example_briefs_validate(validator: jsonschema.Draft202012Validator, words: int) -> None:
    validator.validate(brief([EXAMPLES], words=words).to_dict())


def test_other_method_and_skipped_inputs_validate(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = brief(
        [EXAMPLES, tmp_path / "empty.txt", tmp_path / "missing.txt"],
        words=80,
        pipeline=Pipeline.default().replace("summarize", LeadSummarizer()),
    )
    document = result.to_dict()
    assert document["method"] == "lead.v1"
    assert len(document["skipped"]) == 2
    validator.validate(document)


def test_json_text_round_trips(validator: jsonschema.Draft202012Validator) -> None:
    result = brief([EXAMPLES], words=100)
    validator.validate(json.loads(result.to_json()))
    assert json.loads(result.to_json()) == result.to_dict()


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d.update(extra=1),
        lambda d: d.update(schema_version="0.9"),
        lambda d: d.update(max_words=0),
        lambda d: d["sentences"][0].update(citations=[]),
        lambda d: d["sources"][0].update(date="4 March 2025"),
        lambda d: d["sources"][0].pop("outlet"),
    ],
    ids=["extra-key", "version", "budget", "uncited", "date-format", "missing-field"],
)
def test_schema_rejects_wrong_documents(
    validator: jsonschema.Draft202012Validator, example_dict: dict, break_it
) -> None:
    document = copy.deepcopy(example_dict)
    break_it(document)
    assert not validator.is_valid(document)
