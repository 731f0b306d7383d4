"""Summarization benchmark: ROUGE of newsbrief and the baselines on Multi-News val.

A thin wrapper over ``newsbrief evaluate`` (the same code users run), with the
benchmark's defaults: the data path, 250 words and every system. Prints the
table and the exact command that produced it.

    python benchmarks/evaluate.py [DATA] [--words 250] [--limit 500] [--rouge perl] ...
"""

from __future__ import annotations

import sys
from pathlib import Path

from newsbrief.cli import main

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "val.jsonl.gz"
)
DEFAULT_SYSTEMS = "newsbrief,lead,lexrank,textrank,lsa,sumbasic,oracle"


def run(argv: list[str]) -> int:
    """Run ``newsbrief evaluate`` with the benchmark defaults filled in."""
    # The data path, when given, comes first (as in the docstring).
    data = [] if argv and not argv[0].startswith("-") else [str(DEFAULT_DATA.resolve())]
    defaults: list[str] = []
    if "--words" not in argv and "-w" not in argv:
        defaults += ["--words", "250"]
    if "--systems" not in argv:
        defaults += ["--systems", DEFAULT_SYSTEMS]
    args = ["evaluate", *data, *argv, *defaults]
    sys.argv = ["newsbrief", *args]  # so the printed command is the one that ran
    return main(args)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
