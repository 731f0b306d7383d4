"""HTML pages: main text and metadata extracted by trafilatura (imported only when needed)."""

from __future__ import annotations

import re

from newsbrief.errors import InputError
from newsbrief.ingest._dates import normalize_date
from newsbrief.ingest._text import decode_bytes
from newsbrief.model import Article

_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.I)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.I)


def _language(head: bytes) -> str | None:
    match = _LANG.search(head)
    return match.group(1).decode("ascii").lower().replace("_", "-") if match else None


def _decode_html(data: bytes, source: str, charset: str | None) -> str:
    declared = charset
    if declared is None:
        match = _CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii", "replace") if match else None
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, source)


def html_article(
    data: bytes | str, source: str, *, url: str | None = None, charset: str | None = None
) -> Article:
    """The article in an HTML page, with title, site, author, date, URL and language.

    Metadata found in the page (``<meta>`` tags, JSON-LD, ``<title>``) is set on
    the article, so it wins over anything the cleaner later reads from the text.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if not raw.strip():
        raise InputError(source, "empty HTML document")
    html = _decode_html(raw, source, charset) if isinstance(data, bytes) else data
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - core dependency
        from newsbrief.errors import MissingExtraError

        raise MissingExtraError("trafilatura", "html") from None
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as error:  # lxml and trafilatura raise many kinds on broken markup
        raise InputError(source, f"cannot parse HTML ({type(error).__name__})") from None
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise InputError(source, "no article text found in the HTML")
    # trafilatura puts one paragraph per line; the cleaner reads blank-line blocks.
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    title = getattr(document, "title", None) or None
    outlet = getattr(document, "sitename", None) or getattr(document, "hostname", None) or None
    return Article.from_text(
        body,
        source=source,
        title=title,
        outlet=outlet,
        author=getattr(document, "author", None) or None,
        date=normalize_date(getattr(document, "date", None)),
        url=url or getattr(document, "url", None) or None,
        language=getattr(document, "language", None) or _language(raw[:4096]),
    )


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's summary), paragraphs kept apart."""
    import html as html_lib

    without_tags = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", fragment)
    without_tags = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n\n", without_tags)
    without_tags = re.sub(r"<[^>]*>", " ", without_tags)
    text = html_lib.unescape(without_tags)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
