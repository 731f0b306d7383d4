"""RSS and Atom feeds (feedparser): one article per entry, from its linked page if possible."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from newsbrief.errors import InputError
from newsbrief.ingest._batch import Batch
from newsbrief.ingest._dates import normalize_date
from newsbrief.ingest._html import html_article, html_to_text
from newsbrief.ingest._options import DEFAULT_OPTIONS, ReadOptions
from newsbrief.model import Article


def looks_like_feed(head: bytes) -> bool:
    """Whether the start of a document is an RSS, RDF or Atom feed."""
    sample = head[:2048].lstrip().lower()
    return sample.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and (
        b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample
    )


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or ():
        value = content.get("value") if hasattr(content, "get") else None
        if value and value.strip():
            return html_to_text(value)
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            return normalize_date(entry[key])
    return normalize_date(entry.get("published") or entry.get("updated"))


def feed_articles(data: bytes, source: str, options: ReadOptions = DEFAULT_OPTIONS) -> Batch:
    """Articles of a feed's entries.

    Each entry's linked page is fetched and extracted when ``fetch_feed_links``
    is on; if that fails, the entry's own text is used and a note says so.
    Feed-level title becomes the outlet when the page names none.
    """
    import feedparser

    from newsbrief.ingest._fetch import fetch

    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:  # feedparser is lenient but not total on garbage
        raise InputError(source, f"cannot parse feed ({type(error).__name__})") from None
    entries = list(parsed.get("entries") or ())
    if not entries:
        problem = parsed.get("bozo_exception")
        detail = f" (not a valid feed: {type(problem).__name__})" if problem else ""
        raise InputError(source, f"feed has no entries{detail}")
    outlet = (parsed.get("feed") or {}).get("title") or None
    batch = Batch()
    for number, entry in enumerate(entries[: options.max_feed_entries], start=1):
        link = entry.get("link") or None
        name = link or f"{source}#entry-{number}"
        meta = {
            "title": entry.get("title") or None,
            "author": entry.get("author") or None,
            "date": _entry_date(entry),
            "url": link,
            "outlet": outlet,
        }
        article: Article | None = None
        if link and options.fetch_feed_links and link.startswith(("http://", "https://")):
            try:
                page = fetch(link, options)
                article = html_article(page.body, link, url=page.url, charset=page.charset)
            except InputError as error:
                batch.notes.append(
                    f"{link}: page unavailable ({error.reason}); used the feed entry's own text"
                )
        if article is not None:
            # The page's own metadata wins; the entry fills what the page lacks.
            filled = {k: v for k, v in meta.items() if v and not getattr(article, k)}
            batch.articles.append(replace(article, **filled))
            continue
        text = _entry_text(entry)
        if not text.strip():
            batch.problems.append(InputError(name, "feed entry has no text"))
            continue
        batch.articles.append(Article.from_text(text, source=name, **meta))
    if len(entries) > options.max_feed_entries:
        batch.notes.append(
            f"{source}: read the first {options.max_feed_entries} of {len(entries)} entries"
        )
    return batch
