"""Date-resolution precision of the timeline stage on dated sentences from Multi-News val.

Multi-News has no publication dates, so the sample holds two kinds of date
expressions whose true date a reader can establish from the document alone:

* ``absolute``: the expression carries its year ("july 9, 2017", "march 2015", "in 2011");
* ``anchored``: a partial date ("july 9", "in august", "late may") in a document that
  also states a full date with a year; that date stands in for the publication date
  (``anchor``) and the gold is what the document says the partial date is.

Relative weekdays ("on wednesday") are left out: without the real publication date
nobody can check them. Each annotation stores only the document id, character
offsets, the date expression itself and the gold date — never article text, which
the data's licence forbids copying.

Usage::

    python benchmarks/timeline_eval.py [--data ../shared/data/multinews/val.jsonl.gz]
        [--annotations benchmarks/annotations/timeline_multinews_val_heldout4.json]
        [--anchor-rule first|inferred|published]  # rescore with anchors recomputed
    # annotation aid: candidates from clusters no earlier sample used
    python benchmarks/timeline_eval.py --propose 100 --seed 61 \
        --exclude benchmarks/annotations/timeline_multinews_val.json ... > /tmp/candidates.json
    # stricter anchors: only dates the document says it was published/posted/updated on
    python benchmarks/timeline_eval.py --propose 100 --seed 73 --anchor-rule published ...
    # the product's own estimate for an undated article (newsbrief.timeline.infer_reference_date)
    python benchmarks/timeline_eval.py --propose 100 --seed 97 --anchor-rule inferred ...
    # val has no anchored candidates left outside the earlier samples: later ones come from train
    python benchmarks/timeline_eval.py --data ../shared/data/multinews/train.jsonl.gz \
        --propose 100 --seed 131 --anchor-rule inferred --exclude ...

See docs/benchmarks.md ("Timeline and entities") for how each sample was made and scored.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from syntok import segmenter

from newsbrief.timeline import (
    caption_positions,
    find_date_expressions,
    infer_reference_date,
    resolve,
    sentence_tense,
)

HERE = Path(__file__).parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "multinews" / "val.jsonl.gz"
DEFAULT_ANNOTATIONS = HERE / "annotations" / "timeline_multinews_val.json"


def read_documents(path: Path) -> Iterator[tuple[str, str]]:
    """(document id, text) for every non-empty document of a cluster file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            cluster = json.loads(line)
            for index, text in enumerate(cluster["documents"]):
                if text.strip():
                    yield f"{cluster['id']}#{index}", text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets of the sentences of ``text`` (syntok, as newsbrief splits)."""
    spans = []
    for paragraph in segmenter.analyze(text):
        for tokens in paragraph:
            if tokens:
                spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return spans


def anchor_of(text: str) -> tuple[date, int, int] | None:
    """The document's first full date with a year (day precision), and its offsets.

    Photo captions are skipped (``caption_positions``, the rule the timeline stage
    itself uses): a file photo's date is often years older than the article, and
    was the commonest cause of wrong anchors in the first two samples.
    """
    spans = sentence_spans(text)
    captions = caption_positions([text[start:end] for start, end in spans])
    for position, (start, end) in enumerate(spans):
        if position in captions:
            continue
        for expression in find_date_expressions(text[start:end]):
            if expression.year is not None and expression.day is not None:
                resolved = resolve(expression, None)
                if resolved is not None:
                    return (
                        date.fromisoformat(resolved.date),
                        start + expression.start,
                        start + expression.end,
                    )
    return None


# "Published Tuesday, June 23, 2015", "posted: monday, april 6, 2015", "Updated: ...".
_PUBLISHED = re.compile(r"\b(?:published|posted|updated)\b\s*:?\s*(?:on\s+)?", re.IGNORECASE)


def published_anchor_of(text: str) -> tuple[date, int, int] | None:
    """The first full date the document states it was published (or posted, updated) on.

    A stricter stand-in for the publication date than ``anchor_of``: only dates
    right after "published", "posted" or "updated" (within 25 characters), so
    historical and photo dates are never taken. About one document in ten has one.
    """
    for marker in _PUBLISHED.finditer(text):
        window = text[marker.end() : marker.end() + 60]
        for expression in find_date_expressions(window):
            if expression.start > 25:
                break
            if expression.year is not None and expression.day is not None:
                resolved = resolve(expression, None)
                if resolved is not None:
                    start = marker.end() + expression.start
                    return date.fromisoformat(resolved.date), start, marker.end() + expression.end
    return None


def inferred_anchor_of(text: str) -> tuple[date, int, int] | None:
    """What the product infers for an undated article (``infer_reference_date``).

    The offsets are those of the first full date in the text equal to the inferred
    one (outside captions), or (-1, -1) when that date is not written as one
    expression the benchmark's own sentence split finds.
    """
    inferred = infer_reference_date([text[start:end] for start, end in sentence_spans(text)])
    if inferred is None:
        return None
    for start, end in sentence_spans(text):
        for expression in find_date_expressions(text[start:end]):
            if expression.year is not None and expression.day is not None:
                resolved = resolve(expression, None)
                if resolved is not None and resolved.date == inferred.isoformat():
                    return inferred, start + expression.start, start + expression.end
    return inferred, -1, -1


ANCHOR_RULES = {
    "first": anchor_of,
    "published": published_anchor_of,
    "inferred": inferred_anchor_of,
}


def system_answer(text: str, item: dict) -> tuple[str, str, str | None] | None:
    """What the timeline's resolver says for the annotated expression."""
    start, end = item["sentence"]
    sentence = text[start:end]
    anchor = date.fromisoformat(item["anchor"]) if item.get("anchor") else None
    first, last = (o - start for o in item["expression_offsets"])
    for expression in find_date_expressions(sentence):
        if expression.start < last and first < expression.end:  # the spans overlap
            resolved = resolve(expression, anchor, tense=sentence_tense(sentence, expression))
            if resolved is None:
                return None
            return resolved.date, resolved.precision, resolved.end
    return None


def propose(
    data: Path,
    n_items: int,
    seed: int,
    exclude: frozenset[str] = frozenset(),
    anchor_rule: str = "first",
) -> list[dict]:
    """Candidate annotations (system answers as proposed gold) for a person to check.

    Documents in ``exclude`` (ids of an earlier sample) are skipped, so a second
    sample is disjoint from the first. ``anchor_rule`` picks the stand-in for the
    publication date (``ANCHOR_RULES``). With ``"inferred"`` the documents eligible
    for anchored items are still those with a ``"first"`` anchor (a full date
    outside captions, as in the earlier samples), so items the inference abstains
    on are drawn too (stored with anchor None, the first-rule anchor beside it as
    ``first_anchor``) and coverage can be compared on the same items.
    """
    find_anchor = ANCHOR_RULES[anchor_rule]
    documents = [(d, t) for d, t in read_documents(data) if d.split("#")[0] not in exclude]
    random.Random(seed).shuffle(documents)
    items: list[dict] = []
    counts = {"absolute": 0, "anchored": 0}
    for doc_id, text in documents:
        if len(items) >= n_items:
            break
        anchor = find_anchor(text)
        first = anchor_of(text) if anchor_rule == "inferred" else anchor
        per_doc = 0
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            for expression in find_date_expressions(sentence):
                if expression.weekday is not None or expression.relation is not None:
                    continue  # needs a real publication date
                kind = "absolute" if expression.year is not None else "anchored"
                if kind == "anchored" and first is None:
                    continue
                if counts[kind] >= n_items // 2 or per_doc >= 2:
                    continue
                item = {
                    "doc_id": doc_id,
                    "kind": kind,
                    "sentence": [start, end],
                    "expression": expression.text,
                    "expression_offsets": [start + expression.start, start + expression.end],
                    "anchor": anchor[0].isoformat() if kind == "anchored" and anchor else None,
                    "anchor_offsets": list(anchor[1:]) if kind == "anchored" and anchor else None,
                }
                answer = system_answer(text, item)
                if anchor_rule == "inferred" and kind == "anchored" and first is not None:
                    item["first_anchor"] = first[0].isoformat()
                    if answer is None:  # propose the first rule's answer for the annotator
                        answer = system_answer(text, {**item, "anchor": item["first_anchor"]})
                        item["proposed_from"] = "first"
                # Unresolved expressions are proposed too (gold left for the annotator),
                # so the sample measures coverage, not only the system's own picks.
                item["gold"] = (
                    {"date": answer[0], "precision": answer[1], "end": answer[2]}
                    if answer
                    else None
                )
                items.append(item)
                counts[kind] += 1
                per_doc += 1
    return items


def evaluate(data: Path, annotations: Path, anchor_rule: str | None = None) -> int:
    """Print the precision table for the annotated sample; returns an exit code.

    With ``anchor_rule`` (a key of ``ANCHOR_RULES``) the anchors stored in the
    annotations are replaced by what that rule picks now; an item the rule leaves
    without an anchor stays in the sample, unresolved (it lowers coverage, not
    precision). The gold dates do not depend on the anchor.
    """
    gold = json.loads(annotations.read_text(encoding="utf-8"))
    wanted = {item["doc_id"] for item in gold["items"]}
    texts = {doc_id: text for doc_id, text in read_documents(data) if doc_id in wanted}
    rows: dict[str, list[int]] = {}
    misses = []
    causes: dict[str, int] = {}
    unanchored = 0
    find_anchor = ANCHOR_RULES[anchor_rule] if anchor_rule else None
    anchors: dict[str, tuple[date, int, int] | None] = {}
    for item in gold["items"]:
        text = texts[item["doc_id"]]
        if find_anchor is not None and item["kind"] == "anchored":
            if item["doc_id"] not in anchors:
                anchors[item["doc_id"]] = find_anchor(text)
            anchor = anchors[item["doc_id"]]
            unanchored += anchor is None
            item = {**item, "anchor": anchor[0].isoformat() if anchor else None}
        answer = system_answer(text, item)
        gold = item["gold"]  # None: the system's date was judged wrong, true date not stated
        expected = (gold["date"], gold["precision"], gold.get("end")) if gold else None
        row = rows.setdefault(item["kind"], [0, 0, 0])  # annotated, resolved, correct
        row[0] += 1
        if answer is not None:
            row[1] += 1
            row[2] += answer == expected
            if answer != expected:
                misses.append((item["doc_id"], item["expression"], answer, expected))
                causes[item.get("cause", "rule")] = causes.get(item.get("cause", "rule"), 0) + 1
    print("| expressions | annotated | resolved | correct | precision | coverage |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    totals = [0, 0, 0]
    for kind in sorted(rows):
        annotated, resolved, correct = rows[kind]
        totals = [t + v for t, v in zip(totals, rows[kind], strict=True)]
        print(
            f"| {kind} | {annotated} | {resolved} | {correct} | "
            f"{correct / max(resolved, 1):.3f} | {resolved / max(annotated, 1):.3f} |"
        )
    annotated, resolved, correct = totals
    print(
        f"| **all** | {annotated} | {resolved} | {correct} | "
        f"{correct / max(resolved, 1):.3f} | {resolved / max(annotated, 1):.3f} |"
    )
    if anchor_rule:
        print(
            f"\nanchors recomputed by the {anchor_rule!r} rule; {unanchored} anchored items "
            "left without one (counted unresolved)"
        )
    print(
        f"\nmisses by cause (annotator's judgement): {causes.get('anchor', 0)} from the anchor "
        f"not being the publication date, {causes.get('rule', 0)} from the resolution rules"
    )
    for doc_id, expression, answer, expected in misses:
        print(f"miss: {doc_id} {expression!r}: system {answer}, gold {expected}")
    print(
        f"\ncommand: python benchmarks/timeline_eval.py --data {data} --annotations {annotations}"
        + (f" --anchor-rule {anchor_rule}" if anchor_rule else "")
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Multi-News val clusters")
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    parser.add_argument(
        "--propose", type=int, metavar="N", help="print N candidate annotations as JSON instead"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--anchor-rule",
        choices=sorted(ANCHOR_RULES),
        default=None,
        help="stand-in for the publication date: the first full date outside captions "
        "(with --propose, the default), a stated publication date, or what "
        "infer_reference_date infers; when scoring, replaces the stored anchors",
    )
    parser.add_argument(
        "--reanchor",
        action="store_true",
        help="score with anchors recomputed by --anchor-rule (default: first)",
    )
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="with --propose: skip the clusters of this annotation file",
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"timeline_eval: {args.data}: no such file", file=sys.stderr)
        return 2
    if args.propose:
        excluded = frozenset(
            item["doc_id"].split("#")[0]
            for path in args.exclude
            for item in json.loads(path.read_text(encoding="utf-8"))["items"]
        )
        items = propose(args.data, args.propose, args.seed, excluded, args.anchor_rule or "first")
        json.dump(items, sys.stdout, indent=1)
        return 0
    rule = args.anchor_rule or ("first" if args.reanchor else None)
    return evaluate(args.data, args.annotations, rule)


if __name__ == "__main__":
    sys.exit(main())
