"""Rendering a brief as one self-contained HTML page.

The same template (``newsbrief/templates/brief.html``) serves two purposes: the
web page at ``/`` of ``newsbrief serve`` (empty, with the input form) and the
shareable report written by ``newsbrief brief --format html`` (the brief's JSON
embedded, no form). Everything is inline (CSS, JS, the timeline's SVG), so the
file opens offline and can be mailed as one attachment.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from newsbrief.model import Article, Brief

if TYPE_CHECKING:
    pass

#: Placeholders in the template, replaced verbatim (the CSS is full of braces,
#: so ``str.format`` would not do).
_DATA, _MODE, _TITLE = "__NEWSBRIEF_DATA__", "__NEWSBRIEF_MODE__", "__NEWSBRIEF_TITLE__"


@cache
def _template() -> str:
    return resources.files("newsbrief").joinpath("templates/brief.html").read_text("utf-8")


def embed_json(data: Any) -> str:
    """JSON safe to place inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are escaped as JSON unicode escapes, so article text such
    as ``</script>`` cannot end the element early; ``JSON.parse`` restores them.
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(data: Mapping[str, Any] | None, *, mode: str) -> str:
    """The template filled in: ``mode`` is ``"app"`` (input form) or ``"report"``."""
    if mode not in ("app", "report"):
        raise ValueError(f"mode must be 'app' or 'report', got {mode!r}")
    title = (data or {}).get("title") or ("Brief" if data else "newsbrief")
    page = _template().replace(_TITLE, html.escape(f"{title} — newsbrief" if data else title))
    page = page.replace(_MODE, mode)
    return page.replace(_DATA, embed_json(data))


def source_sentences(articles: Iterable[Article]) -> dict[str, list[str]]:
    """Each cleaned article's sentences by position, keyed by article id.

    A brief's ``sentence_id`` is ``"<article id>:<position>"``, so this is what a
    reader needs to show a cited sentence in its context.
    """
    from newsbrief.text import article_sentences

    return {a.id: [s.text for s in article_sentences(a)] for a in articles}


def brief_to_html(
    brief: Brief,
    *,
    sentences: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The brief as one self-contained HTML report (see the module docstring).

    ``sentences`` (from ``source_sentences``) lets a clicked citation show the
    cited sentence inside its source; without it the report quotes the brief's
    sentence and names the source.
    """
    data = brief.to_dict()
    if sentences:
        data["source_sentences"] = {key: list(value) for key, value in sentences.items()}
    return render_page(data, mode="report")
