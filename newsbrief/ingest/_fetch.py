"""Fetching URLs carefully: timeouts, a size cap, capped redirects, no private addresses.

The address check happens when the socket connects, on the address actually
used, so a host name cannot resolve to a public address for the check and a
private one for the connection (DNS rebinding). Every redirect hop is checked
the same way. Only the standard library is used (``http.client``), so reading
URLs needs no extra package.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newsbrief.errors import InputError
from newsbrief.ingest._options import DEFAULT_OPTIONS, ReadOptions

_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """A downloaded body and what the server said about it."""

    url: str  # final URL, after redirects
    body: bytes
    content_type: str  # lower-cased media type, without parameters
    charset: str | None


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connect(host: str, port: int, timeout: float, allow_private: bool) -> socket.socket:
    """A socket to the first allowed address of ``host``; refuses private ones."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise _FetchError(f"cannot resolve host {host!r} ({error})") from None
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        if not allow_private and not _is_public(str(address[0])):
            raise _FetchError(
                f"refusing private/loopback address {address[0]} "
                "(use --allow-private-urls to permit)"
            )
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
            return sock
        except OSError as error:
            sock.close()
            last = error
    raise _FetchError(f"cannot connect to {host}: {last}")


class _FetchError(Exception):
    pass


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, *, timeout: float, allow_private: bool):
        super().__init__(host, port, timeout=timeout)
        self._allow_private = allow_private

    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, self.timeout, self._allow_private)  # type: ignore[arg-type]


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, *, timeout: float, allow_private: bool):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._allow_private = allow_private

    def connect(self) -> None:
        raw = _connect(self.host, self.port, self.timeout, self._allow_private)  # type: ignore[arg-type]
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _read_capped(response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise _FetchError(f"response is {int(length):,} bytes, over the {limit:,}-byte limit")
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise _FetchError("timed out while reading the response")
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _FetchError(f"response is over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    if not encoding or encoding == "identity":
        return body
    if encoding not in {"gzip", "deflate"}:
        raise _FetchError(f"unsupported Content-Encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(body, limit + 1)
    except zlib.error as error:
        raise _FetchError(f"bad {encoding} body ({error})") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise _FetchError(f"decompressed response is over the {limit:,}-byte limit")
    return out


def fetch(url: str, options: ReadOptions = DEFAULT_OPTIONS) -> FetchResult:
    """GET ``url`` under the limits of ``options``; ``InputError`` naming the URL on failure."""
    try:
        return _fetch(url, options)
    except _FetchError as error:
        raise InputError(url, str(error)) from None
    except TimeoutError:
        raise InputError(url, f"timed out after {options.timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise InputError(url, f"download failed ({type(error).__name__}: {error})") from None


def _fetch(url: str, options: ReadOptions) -> FetchResult:
    deadline = time.monotonic() + 3 * options.timeout
    seen: set[str] = set()
    current = url
    for _ in range(options.max_redirects + 1):
        if current in seen:
            raise _FetchError(f"redirect loop at {current}")
        seen.add(current)
        parts = urlsplit(current)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise _FetchError(f"not an http(s) URL: {current}")
        factory = _GuardedHTTPSConnection if parts.scheme == "https" else _GuardedHTTPConnection
        connection = factory(
            parts.hostname,
            parts.port,
            timeout=options.timeout,
            allow_private=options.allow_private_urls,
        )
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "User-Agent": options.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
                    "Accept-Encoding": "gzip, deflate",
                },
            )
            response = connection.getresponse()
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise _FetchError(f"HTTP {response.status} redirect without a Location")
                current = urljoin(current, location)
                continue
            if response.status >= 400:
                raise _FetchError(f"HTTP {response.status} {response.reason}".strip())
            body = _read_capped(response, options.max_bytes, deadline)
            body = _decompress(
                body, (response.getheader("Content-Encoding") or "").lower(), options.max_bytes
            )
            content_type = response.getheader("Content-Type") or ""
        finally:
            connection.close()
        media, _, params = content_type.partition(";")
        charset = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ").lower()
        return FetchResult(
            url=current, body=body, content_type=media.strip().lower(), charset=charset
        )
    raise _FetchError(f"more than {options.max_redirects} redirects")
