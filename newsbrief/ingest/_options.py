"""Settings shared by every reader, in one keyword-only dataclass passed everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from newsbrief.ingest._text import DEFAULT_MAX_BYTES

#: Seconds to wait for a connection or for the next bytes of a response.
DEFAULT_TIMEOUT = 10.0
#: Redirects followed before a URL is given up on.
DEFAULT_MAX_REDIRECTS = 5
#: Sent with every request, so site owners can see who is asking.
DEFAULT_USER_AGENT = "newsbrief/0.1 (+https://github.com/newsbrief; article reader)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Columns:
    """Column (or JSON key) names of a corpus; only ``text`` is required."""

    text: str = "text"
    title: str = "title"
    url: str = "url"
    date: str = "date"
    source: str = "source"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How inputs are read.

    ``max_bytes`` caps every file, download and stdin; ``allow_private_urls``
    permits URLs that resolve to loopback, private or link-local addresses
    (refused by default so a feed cannot make newsbrief probe a local network);
    ``glob`` selects files inside directories (default: every supported kind);
    ``fetch_feed_links`` fetches each feed entry's page (else the entry's text is used).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_urls: bool = False
    fetch_feed_links: bool = True
    max_feed_entries: int = 100
    glob: str | None = None
    columns: Columns = Columns()

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must be >= 0")


#: The options used when a caller gives none.
DEFAULT_OPTIONS = ReadOptions()
