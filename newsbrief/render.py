"""Rendering a brief: the versioned JSON document and Markdown."""

from __future__ import annotations

import json
from typing import Any

from newsbrief.model import SCHEMA_VERSION, Brief, Source, TimelineEvent


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
        "timeline": [
            {
                "date": e.date,
                "precision": e.precision,
                "end": e.end,
                "label": e.label,
                "text": e.text,
                "citations": list(e.citations),
                "sentence_ids": list(e.sentence_ids),
            }
            for e in brief.timeline
        ],
        "entities": [
            {
                "name": e.name,
                "kind": e.kind,
                "variants": list(e.variants),
                "role": e.role,
                "mentions": e.mentions,
                "mentions_by_source": [
                    {"source": number, "count": count} for number, count in e.mentions_by_source
                ],
                "citations": list(e.citations),
            }
            for e in brief.entities
        ],
        "disagreements": [
            {
                "subject": d.subject,
                "claims": [
                    {"value": c.value, "text": c.text, "citations": list(c.citations)}
                    for c in d.claims
                ],
            }
            for d in brief.disagreements
        ],
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


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _markers(citations: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in citations)


def format_event_date(event: TimelineEvent) -> str:
    """A timeline date for people: "9 July 2017", "May 2017", "21–31 August 2017"."""
    parts = event.date.split("-")
    if event.precision == "year" or len(parts) == 1:
        return parts[0]
    month = _MONTH_NAMES[int(parts[1]) - 1]
    if event.precision == "month" or len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    if event.precision == "range" and event.end:
        end = event.end.split("-")
        if end[:2] == parts[:2]:
            return f"{day}–{int(end[2])} {month} {parts[0]}"
        return f"{day} {month} {parts[0]} – {int(end[2])} {_MONTH_NAMES[int(end[1]) - 1]} {end[0]}"
    return f"{day} {month} {parts[0]}"


def _timeline_lines(brief: Brief) -> list[str]:
    lines = ["", "## Timeline", ""]
    for event in brief.timeline:
        lines.append(
            f"- **{format_event_date(event)}** ({event.label}): {event.text} "
            f"{_markers(event.citations)}"
        )
    undated = [s.number for s in brief.sources if not s.date]
    if undated:
        lines += [
            "",
            # The timeline places their partial dates ("July 9") against a date it
            # infers from their own text (newsbrief.timeline.infer_reference_date):
            # say so, since the JSON schema has no per-event field for it.
            f"_Sources {_markers(tuple(undated))} give no publication date: their dates "
            "without a year are placed against a date inferred from their own text, when "
            "it states one clearly, and their weekdays not at all._",
        ]
    return lines


def _entity_lines(brief: Brief) -> list[str]:
    lines = ["", "## Who and where", ""]
    for entity in brief.entities:
        about = entity.kind + (f"; {entity.role}" if entity.role else "")
        n_sources = len(entity.mentions_by_source)
        line = (
            f"- **{entity.name}** ({about}): {entity.mentions} mention"
            f"{'s' if entity.mentions != 1 else ''} in {n_sources} source"
            f"{'s' if n_sources != 1 else ''}"
        )
        if entity.variants:
            line += f"; also written {', '.join(entity.variants)}"
        lines.append(f"{line} {_markers(entity.citations)}")
    return lines


def _disagreement_lines(brief: Brief) -> list[str]:
    lines = ["", "## Where the sources disagree", ""]
    for disagreement in brief.disagreements:
        lines.append(f"- **{disagreement.subject}**:")
        for claim in disagreement.claims:
            lines.append(f"  - {claim.value}: “{claim.text}” {_markers(claim.citations)}")
    return lines


def brief_to_markdown(brief: Brief) -> str:
    """Markdown: title, the cited summary (``[1][3]`` markers), then the sources."""
    lines = [f"# {brief.title or 'Brief'}", ""]
    if brief.sentences:
        for sentence in brief.sentences:
            markers = "".join(f"[{n}]" for n in sentence.citations)
            lines.append(f"- {sentence.text} {markers}")
    else:
        lines.append("_No sentence fits the word budget._")
    if brief.timeline:
        lines += _timeline_lines(brief)
    if brief.entities:
        lines += _entity_lines(brief)
    if brief.disagreements:
        lines += _disagreement_lines(brief)
    lines += ["", "## Sources", ""]
    lines += [f"- {_source_line(source)}" for source in brief.sources]
    if brief.skipped:
        lines += ["", "## Skipped inputs", ""]
        lines += [f"- {s.source}: {s.reason}" for s in brief.skipped]
    return "\n".join(lines) + "\n"
