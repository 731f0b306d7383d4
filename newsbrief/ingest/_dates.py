"""Publication dates in any common spelling, normalized to ISO 8601 (``YYYY-MM-DD``)."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from typing import Any

from newsbrief.clean import parse_date

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_PLAUSIBLE_YEARS = range(1800, 2200)
_YEAR = re.compile(r"(?<!\d)(1[89]|2[01])\d\d(?!\d)")


def _valid(year: int, month: int, day: int) -> str | None:
    if year not in _PLAUSIBLE_YEARS:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_date(value: Any) -> str | None:
    """``value`` (ISO text, "July 8, 2017", RFC 822, epoch seconds, datetime...) as ISO 8601.

    Cheap patterns first; dateparser (slow to import) only for what they miss.
    Returns None when no calendar date can be read; never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        return _valid(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, int | float):
        try:
            moment = datetime.fromtimestamp(float(value) / (1000 if value > 1e11 else 1))
        except (OverflowError, OSError, ValueError):
            return None
        return _valid(moment.year, moment.month, moment.day)
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    match = _ISO_PREFIX.match(text)
    if match:
        return _valid(*(int(g) for g in match.groups()))
    found = parse_date(text)
    if found:
        return found
    # dateparser is slow to load and to run; only a text with a year can give a full date.
    return _dateparser_date(text) if _YEAR.search(text) else None


def _dateparser_date(text: str) -> str | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a core dependency
        return None
    try:
        parsed = dateparser.parse(
            text, settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}
        )
    except Exception:  # dateparser raises assorted errors on odd text; a date is optional
        return None
    return _valid(parsed.year, parsed.month, parsed.day) if parsed else None
