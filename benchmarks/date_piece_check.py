"""Check that the timeline's plain-piece reader gives dateparser's date on real pieces.

``newsbrief.timeline._parse_piece`` reads plain pieces ("July 9", "9 July 2016") itself
(``_plain_piece``) and hands every other piece to dateparser. This script collects
every day-date piece the timeline would hand to ``_parse_piece`` from the sentences of
a Multi-News file (default: val), exactly as ``timeline.resolve`` cuts it, and compares
``_parse_piece`` with ``timeline._dateparser_piece`` (its dateparser call alone) for each distinct piece
against many reference dates and both directions: fixed dates spread over leap and
common years, and the days around the piece's own month and day (where the year
choice flips). It prints a table per shape and the exact command, and exits non-zero
on any difference.

    python benchmarks/date_piece_check.py --data ../shared/data/multinews/val.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shlex
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl.gz"
_FIXED_BASES = (
    date(2015, 3, 1),
    date(2016, 2, 29),
    date(2016, 12, 30),
    date(2017, 1, 1),
    date(2017, 7, 6),
    date(2019, 12, 31),
    date(2020, 6, 15),
)


def collect_pieces(path: Path, limit: int | None) -> Counter[tuple[str, str]]:
    """(shape, piece) -> occurrences, over every sentence of every document."""
    from newsbrief.text import split_sentences
    from newsbrief.timeline import find_date_expressions

    pieces: Counter[tuple[str, str]] = Counter()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                break
            for document in json.loads(line)["documents"]:
                for sentence in split_sentences(document):
                    for expression in find_date_expressions(sentence):
                        if expression.shape in {"md", "dm", "mdy", "dmy"}:
                            # As ``timeline.resolve`` cuts the piece it parses.
                            piece = expression.text.split(" at ")[0].rstrip(",")
                            pieces[(expression.shape, piece)] += 1
    return pieces


def bases_for(piece: str) -> list[date]:
    """Reference dates to try: fixed ones, and the days around the piece's own date."""
    from newsbrief.timeline import _MONTHS

    bases = list(_FIXED_BASES)
    words = piece.lower().replace(",", " ").replace(".", " ").split()
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    days = [int(re.match(r"\d+", w)[0]) for w in words if w[:1].isdigit() and len(w) <= 4]
    if months and days and 1 <= days[0] <= 31:
        for year in (2015, 2016):
            try:
                own = date(year, months[0], days[0])
            except ValueError:
                continue
            bases += [own - timedelta(days=1), own, own + timedelta(days=1)]
    return bases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    args = parser.parse_args(argv)

    from newsbrief.timeline import _NOT_PLAIN, _dateparser_piece, _parse_piece, _plain_piece

    started = time.perf_counter()
    pieces = collect_pieces(args.data, args.limit)
    rows: dict[str, Counter[str]] = {}
    differences = []
    for (shape, piece), count in sorted(pieces.items()):
        row = rows.setdefault(shape, Counter())
        row["distinct pieces"] += 1
        row["occurrences"] += count
        plain = _plain_piece(piece, date(2016, 1, 1), "past", ("day", "month")) is not _NOT_PLAIN
        row["read without dateparser"] += plain
        row["occurrences read without dateparser"] += count if plain else 0
        for base in bases_for(piece):
            for direction in ("past", "future"):
                row["comparisons"] += 1
                mine = _parse_piece(piece, base, direction, ("day", "month"))
                theirs = _dateparser_piece(piece, base, direction)
                if mine != theirs:
                    row["differences"] += 1
                    differences.append((piece, base, direction, mine, theirs))
    columns = (
        "distinct pieces",
        "occurrences",
        "read without dateparser",
        "occurrences read without dateparser",
        "comparisons",
        "differences",
    )
    print("| shape | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    total: Counter[str] = Counter()
    for shape in sorted(rows):
        total.update(rows[shape])
        print(f"| {shape} | " + " | ".join(f"{rows[shape][c]:,}" for c in columns) + " |")
    print("| all | " + " | ".join(f"{total[c]:,}" for c in columns) + " |")
    unread = sorted(
        p
        for (_, p) in pieces
        if _plain_piece(p, date(2016, 1, 1), "past", ("day", "month")) is _NOT_PLAIN
    )
    print(f"\nleft to dateparser ({len(unread)}): {', '.join(map(repr, unread[:20]))}")
    for piece, base, direction, mine, theirs in differences[:20]:
        print(f"DIFFERENT: {piece!r} base {base} {direction}: ours {mine}, dateparser {theirs}")
    print(f"\n# {time.perf_counter() - started:.0f} s")
    print("# produced by: python " + shlex.join(["benchmarks/date_piece_check.py", *sys.argv[1:]]))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
