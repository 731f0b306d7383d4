"""Would trimming datelines and agency tags from picked sentences raise ROUGE? (issue #3)

For the clusters given, runs the shipped summarizer at each budget and, for every
picked sentence that opens with a dateline carrying an agency tag
("washington ( ap ) —", "( cnn ) --", "new york (reuters) -"), counts the tag's
tokens and scores the summary again with the tag cut off (the rest of the
sentence is a suffix of the source sentence, so its citation would still hold).
Same selection both ways: this measures the trim alone, in the fast ROUGE count
of ``train_reranker.py`` (rouge-score's tokenizer and stemmer).

    python scripts/compression_check.py --split train --start 40000 --n 1000
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_eval import DEFAULT_DATA
from train_reranker import _tokenize, load_pairs, rouge_12

from newsbrief.model import Budget
from newsbrief.summarize.coverage import NewsbriefSummarizer

_AGENCY = r"(?:ap|cnn|reuters|afp|upi|xinhua|ians|pti)"
#: An optional place ("vatican city", "portland, maine"), the agency in parentheses, a dash.
DATELINE = re.compile(
    rf"^(?:[A-Za-z.'’ ,-]{{0,40}}?\s*)?\(\s*{_AGENCY}\s*\)\s*(?:--|—|–|-|:)?\s*", re.I
)


def trimmed(text: str) -> str:
    """``text`` without a leading dateline with an agency tag (kept when little would remain)."""
    match = DATELINE.match(text)
    return text[match.end() :] if match and len(text) - match.end() > 20 else text


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="train")
    parser.add_argument("--start", type=int, default=40000)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, nargs="+", default=[250, 100])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nbdev"))
    args = parser.parse_args(argv)
    print(f"$ python {' '.join(sys.argv)}")
    tokenize = _tokenize()
    summarizer = NewsbriefSummarizer()
    pairs = [p for p in load_pairs(args.data, args.split, args.start, args.n, args.cache)]
    pairs = [p for p in pairs if p[0].sentences]
    scores = {w: ([], []) for w in args.words}
    counts: Counter = Counter()
    for story, reference in pairs:
        ref = tokenize(reference)
        ref1, ref2 = Counter(ref), Counter(itertools.pairwise(ref))
        text_of = {s.id: s.text for s in story.sentences}
        for words in args.words:
            selection = summarizer.summarize(story, Budget(max_words=words))
            before: list[str] = []
            after: list[str] = []
            for sentence_id in selection.sentence_ids:
                text = text_of[sentence_id]
                short = trimmed(text)
                before += tokenize(text)
                after += tokenize(short)
                if short != text:
                    counts[words, "sentences"] += 1
                    counts[words, "tokens"] += len(tokenize(text)) - len(tokenize(short))
            counts[words, "summary tokens"] += len(before)
            for kept, tokens in zip(scores[words], (before, after), strict=True):
                kept.append(rouge_12(tokens, ref1, ref2, len(ref), max(len(ref) - 1, 0)))
    print(f"{len(pairs)} clusters")
    print(
        f"{'words':>5} {'trimmed':>8} {'tag tokens':>10} {'of all':>7} "
        f"{'R1-F':>13} {'R2-F':>13} {'R1-R':>13}"
    )
    for words in args.words:
        before, after = (100 * np.mean(rows, axis=0) for rows in scores[words])
        share = counts[words, "tokens"] / max(counts[words, "summary tokens"], 1)
        cells = " ".join(f"{b:6.2f}>{a:6.2f}" for b, a in zip(before, after, strict=True))
        print(
            f"{words:>5} {counts[words, 'sentences']:>8} {counts[words, 'tokens']:>10} "
            f"{100 * share:6.2f}% {cells}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
