"""Sentence splitting: newsbrief's fast path against syntok's own, on every document.

``newsbrief.text.split_sentences`` runs syntok's sentence segmentation with a faster
tokenizer (``syntok_tokens``) and a faster driver for syntok's state machine
(``segment_tokens``); both claim to give exactly syntok's result. This script checks the
claim on real text: every document of a cluster file is split twice, by newsbrief and by a
reference built from syntok's unmodified ``segmenter.analyze`` (its own tokenizer and
segmenter) with newsbrief's post-processing (whitespace folding, re-joined quotations), and
the two sentence lists are compared. Prints the counts, the CPU time of each side and the
command.

Example::

    python benchmarks/split_check.py ../shared/data/multinews/val.jsonl.gz
    python benchmarks/split_check.py ../shared/data/multinews/train.jsonl.gz --limit 4000
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from syntok import segmenter

from newsbrief.evaluate.datasets import iter_clusters
from newsbrief.text import _join_open_quotes, _split_sentences

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "multinews" / "val.jsonl.gz"


def reference_split(text: str) -> tuple[str, ...]:
    """``split_sentences`` as syntok's own ``segmenter.analyze`` makes it (the slow path)."""
    sentences: list[str] = []
    for paragraph in segmenter.analyze(text):
        pieces = []
        for tokens in paragraph:
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            piece = " ".join(text[start:end].split())
            if piece:
                pieces.append(piece)
        sentences.extend(_join_open_quotes(pieces))
    return tuple(sentences)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT))
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    args = parser.parse_args(argv)
    fast_split = _split_sentences.__wrapped__  # (no memo: every document is split anew)
    documents = mismatches = 0
    fast_seconds = slow_seconds = 0.0
    for index, cluster in enumerate(iter_clusters(args.data)):
        if args.limit is not None and index >= args.limit:
            break
        for document in cluster.documents:
            start = time.process_time()
            fast = fast_split(document)
            fast_seconds += time.process_time() - start
            start = time.process_time()
            slow = reference_split(document)
            slow_seconds += time.process_time() - start
            documents += 1
            if fast != slow:
                mismatches += 1
                if mismatches <= 5:
                    print(f"mismatch in {cluster.id}", file=sys.stderr)
    print("| documents | mismatches | syntok (analyze) CPU s | newsbrief CPU s | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    ratio = slow_seconds / fast_seconds if fast_seconds else float("nan")
    print(
        f"| {documents:,} | {mismatches} | {slow_seconds:.2f} | {fast_seconds:.2f} | {ratio:.2f}x |"
    )
    print()
    print(
        "command: python benchmarks/split_check.py "
        + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
