"""Shared fixtures and builders for the test suite (no test reads ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbrief.model import Article, Story, stable_id
from newsbrief.pipeline import build_story

DATA = Path(__file__).parent / "data"


def make_article(text: str, *, source: str | None = None, **metadata: object) -> Article:
    """An article with a stable id, as a reader would produce it."""
    source = source or f"text:{stable_id(text, length=8)}"
    return Article.from_text(text, source=source, **metadata)  # type: ignore[arg-type]


def make_story(*texts: str, **metadata: object) -> Story:
    """A story of already-clean article texts (one article per text)."""
    return build_story(make_article(t, **metadata) for t in texts)


@pytest.fixture
def data_dir() -> Path:
    return DATA
