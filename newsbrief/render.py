"""Rendering a brief: the versioned JSON document and Markdown."""

from __future__ import annotations

import json
from typing import Any

from newsbrief.model import SCHEMA_VERSION, Brief, Source


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The brief as a JSON-ready dict following docs/schema.json."""
    return {
        "schema_version": SCHEMA_VERSION,
        "title": brief.title,
        "method": brief.method,
        "max_words": brief.max_words,
        "n_words": brief.n_words,
        "sentences": [
            {"text": s.text, "sentence_id": s.sentence_id, "citations": list(s.citations)}
            for s in brief.sentences
        ],
        "sources": [
            {
                "number": s.number,
                "article_id": s.article_id,
                "source": s.source,
                "title": s.title,
                "outlet": s.outlet,
                "date": s.date,
                "url": s.url,
                "copies": list(s.copies),
            }
            for s in brief.sources
        ],
        "skipped": [{"source": s.source, "reason": s.reason} for s in brief.skipped],
    }


def brief_to_json(brief: Brief, *, indent: int | None = 2) -> str:
    """JSON text of ``brief_to_dict`` (keys in schema order, UTF-8 kept readable)."""
    return json.dumps(brief_to_dict(brief), indent=indent, ensure_ascii=False)


def _source_line(source: Source) -> str:
    title = source.title or "(untitled)"
    details = ", ".join(part for part in (source.outlet, source.date) if part)
    where = source.url or source.source
    line = f"[{source.number}] {title}"
    if details:
        line += f" — {details}"
    line += f" ({where})"
    if source.copies:
        line += f"; also carried by {', '.join(source.copies)}"
    return line


def brief_to_markdown(brief: Brief) -> str:
    """Markdown: title, the cited summary (``[1][3]`` markers), then the sources."""
    lines = [f"# {brief.title or 'Brief'}", ""]
    if brief.sentences:
        for sentence in brief.sentences:
            markers = "".join(f"[{n}]" for n in sentence.citations)
            lines.append(f"- {sentence.text} {markers}")
    else:
        lines.append("_No sentence fits the word budget._")
    lines += ["", "## Sources", ""]
    lines += [f"- {_source_line(source)}" for source in brief.sources]
    if brief.skipped:
        lines += ["", "## Skipped inputs", ""]
        lines += [f"- {s.source}: {s.reason}" for s in brief.skipped]
    return "\n".join(lines) + "\n"
