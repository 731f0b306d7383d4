"""The public API: what ``import newsbrief`` promises (change deliberately, update here)."""

from __future__ import annotations

from pathlib import Path

import newsbrief

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PUBLIC = [
    "SCHEMA_VERSION",
    "Article",
    "Brief",
    "BriefSentence",
    "Budget",
    "Claim",
    "Disagreement",
    "Entity",
    "InputError",
    "NewsbriefError",
    "NoUsableInputError",
    "Pipeline",
    "Selection",
    "Sentence",
    "Skipped",
    "Source",
    "Story",
    "StoryGrouper",
    "TimelineEvent",
    "__version__",
    "brief",
    "group_stories",
]


def test_all_is_pinned() -> None:
    assert newsbrief.__all__ == PUBLIC


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in newsbrief.__all__:
        value = getattr(newsbrief, name)
        if callable(value):
            assert value.__doc__, f"{name} has no docstring"


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert newsbrief.__version__ == version("newsbrief")


def test_three_line_api() -> None:
    from newsbrief import brief

    b = brief(sorted(EXAMPLES.glob("*.txt")), words=150)
    markdown = b.to_markdown()
    assert markdown.startswith("# ")
    assert "## Sources" in markdown
    assert 0 < b.n_words <= 150


def test_single_path_and_text_inputs() -> None:
    one = newsbrief.brief(EXAMPLES / "newswire.txt", words=50)
    assert len(one.sources) == 1
    text = (EXAMPLES / "newswire.txt").read_text(encoding="utf-8")
    from_text = newsbrief.brief(text, words=50)
    assert [s.text for s in from_text.sentences] == [s.text for s in one.sentences]


def test_errors_are_newsbrief_errors() -> None:
    assert issubclass(newsbrief.InputError, newsbrief.NewsbriefError)
    assert issubclass(newsbrief.NoUsableInputError, newsbrief.NewsbriefError)
    error = newsbrief.InputError("a.txt", "empty file")
    assert str(error) == "a.txt: empty file"
    assert (error.source, error.reason) == ("a.txt", "empty file")
