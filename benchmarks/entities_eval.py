"""Precision (and recall) of the entities stage on properly cased text.

Multi-News is lower-cased, so names cannot be recognised there; the sets are the
five real seed articles (``../shared/seeds``, read in place, never copied), the
bundled invented examples (``examples/``), three invented articles written for
this evaluation and two more written after the rules were frozen
(``benchmarks/annotations/entity_articles*``). Gold entities (names, acceptable
kinds, accepted spellings) are in ``benchmarks/annotations/entities_gold.json``.

A predicted entity is **correct** when its name or one of its variants is a
spelling of exactly one gold entity and its kind is one the gold accepts;
**name-only** correct ignores the kind. Variants of two gold entities merged
into one prediction make it wrong. Two predictions of the same gold entity are
counted as an unmerged split. Recall is the share of gold entities the list
names. Both the default list (top 12, what a brief shows) and a long list
(top 40) are scored.

Usage::

    python benchmarks/entities_eval.py [--seeds ../shared/seeds] [--gold benchmarks/annotations/entities_gold.json]
    python benchmarks/entities_eval.py --sets own-heldout8 --show-errors   # one group of sets
    python benchmarks/entities_eval.py --by-cue   # precision by the cue each kind came from

Later held-out sets (``own-heldout3-*`` to ``own-heldout6-*``: four stories each, business,
sport, politics, science; ``own-heldout7-*`` to ``own-heldout9-*``: five stories each;
``own-heldout10-*`` to ``own-heldout12-*``: six; two articles a story) were each written after
a round of rules was frozen and scored once (``own-heldout11`` replicates ``own-heldout10`` with the
round-10 rules unchanged; ``own-heldout12`` was written after round 11; ``own-heldout13``/``14``
and ``own-heldout15``/``16``, six stories each, were written blind, in parallel with rounds 12 and 13, by
a writer who never ran the system, and scored once with that round's frozen rules);
docs/benchmarks.md ("Timeline and entities") lists the rounds and their figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from newsbrief.entities import EVIDENCE, EntityStage
from newsbrief.model import Brief, Entity, Story
from newsbrief.pipeline import Pipeline, brief
from newsbrief.registry import summarizers

HERE = Path(__file__).parent
ROOT = HERE.parent
DEFAULT_GOLD = HERE / "annotations" / "entities_gold.json"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"


def _key(text: str) -> str:
    text = text.casefold().strip()
    return text[4:] if text.startswith("the ") else text


@dataclass(frozen=True, slots=True)
class _Recording:
    """The entity stage, keeping the cue each listed entity's kind came from."""

    kind: ClassVar[str] = "brief"
    name: ClassVar[str] = "entities.v1"

    stage: EntityStage
    evidence: list[str] = field(default_factory=list)

    def run(self, story: Story, brief: Brief) -> Brief:
        listed = self.stage.evidence(story, brief)
        self.evidence[:] = [cue for _, cue in listed]
        return replace(brief, entities=tuple(entity for entity, _ in listed))


def predict(path: Path, max_entities: int) -> tuple[tuple[Entity, ...], list[str]]:
    """Entities of the story in ``path`` (the default pipeline, lead summarizer for speed),
    and the cue each one's kind came from."""
    recording = _Recording(EntityStage(max_entities=max_entities, use_spacy=False))
    pipeline = (
        Pipeline.default()
        .replace("summarize", summarizers.get("lead.v1")())
        .replace("entities", recording)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return brief([path], pipeline=pipeline).entities, list(recording.evidence)


def score(predicted: tuple[Entity, ...], gold: list[dict]) -> dict[str, object]:
    """Counts for one set: correct, name-only correct, wrong, splits, recall, and the errors."""
    spelling = {}
    for index, entity in enumerate(gold):
        for name in (entity["name"], *entity["aliases"]):
            spelling[_key(name)] = index
    seen: set[int] = set()
    correct = name_only = splits = 0
    errors = []
    verdicts: list[bool] = []  # per prediction: counted correct
    for entity in predicted:
        matched = {
            spelling[_key(n)] for n in (entity.name, *entity.variants) if _key(n) in spelling
        }
        if len(matched) != 1:
            why = "not a gold entity" if not matched else "merges different entities"
            errors.append(f"{entity.name} ({entity.kind}): {why}")
            verdicts.append(False)
            continue
        (index,) = matched
        name_only += 1
        verdicts.append(entity.kind in gold[index]["kinds"])
        if verdicts[-1]:
            correct += 1
        else:
            errors.append(
                f"{entity.name}: kind {entity.kind}, gold {'/'.join(gold[index]['kinds'])}"
            )
        if index in seen:
            splits += 1
            errors.append(f"{entity.name}: second entry for {gold[index]['name']} (unmerged)")
        seen.add(index)
    return {
        "n": len(predicted),
        "correct": correct,
        "name_only": name_only,
        "splits": splits,
        "found": len(seen),
        "gold": len(gold),
        "errors": errors,
        "verdicts": verdicts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="the seed articles")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--show-errors", action="store_true", help="list every error")
    parser.add_argument(
        "--by-cue", action="store_true", help="precision by the cue each kind came from"
    )
    parser.add_argument(
        "--sets", default="", help="only the sets whose names start with this (e.g. own-heldout3)"
    )
    args = parser.parse_args(argv)
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    print(
        "| set | list | predicted | correct | precision | name-only precision | unmerged | recall |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals: dict[int, list[int]] = {}
    errors: list[str] = []
    # (cue, kind) -> [listed, correct], per list size
    by_cue: dict[int, defaultdict[tuple[str, str], list[int]]] = {
        size: defaultdict(lambda: [0, 0]) for size in (12, 40)
    }
    for name, spec in gold["sets"].items():
        if not name.startswith(args.sets):
            continue
        path = args.seeds if name == "seeds" else ROOT / spec["path"]
        if not path.exists():
            print(
                f"entities_eval: {path}: no such directory, set {name!r} skipped", file=sys.stderr
            )
            continue
        for size in (12, 40):
            predicted, cues = predict(path, size)
            result = score(predicted, spec["entities"])
            for entity, cue, right in zip(predicted, cues, result["verdicts"], strict=True):  # type: ignore[call-overload]
                by_cue[size][(cue, entity.kind)][0] += 1
                by_cue[size][(cue, entity.kind)][1] += right
            row = totals.setdefault(size, [0, 0, 0, 0])
            for i, key in enumerate(("n", "correct", "name_only", "splits")):
                row[i] += int(result[key])  # type: ignore[call-overload]
            n, correct = int(result["n"]), int(result["correct"])  # type: ignore[call-overload]
            print(
                f"| {name} | top {size} | {n} | {correct} | {correct / max(n, 1):.3f} | "
                f"{int(result['name_only']) / max(n, 1):.3f} | {result['splits']} | "  # type: ignore[call-overload]
                f"{result['found']}/{result['gold']} |"
            )
            errors += [f"{name} top {size}: {e}" for e in result["errors"]]  # type: ignore[attr-defined]
    for size, (n, correct, name_only, splits) in sorted(totals.items()):
        print(
            f"| **all** | top {size} | {n} | {correct} | {correct / max(n, 1):.3f} | "
            f"{name_only / max(n, 1):.3f} | {splits} | |"
        )
    if args.by_cue:
        print("\nPrecision by the cue the kind came from:\n")
        print("| cue | kind | top 12 listed | top 12 correct | top 40 listed | top 40 correct |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        keys = sorted(
            set(by_cue[12]) | set(by_cue[40]),
            key=lambda k: (EVIDENCE.index(k[0]) if k[0] in EVIDENCE else 99, k[1]),
        )
        for cue, kind in keys:
            cells = []
            for size in (12, 40):
                listed, right = by_cue[size].get((cue, kind), [0, 0])
                cells.append(f"{listed} | {right}" + (f" ({right / listed:.2f})" if listed else ""))
            print(f"| {cue} | {kind} | {' | '.join(cells)} |")
    if args.show_errors:
        print()
        for error in errors:
            print(f"- {error}")
    print(
        f"\ncommand: python benchmarks/entities_eval.py --seeds {args.seeds} --gold {args.gold}"
        + (f" --sets {args.sets}" if args.sets else "")
        + (" --by-cue" if args.by_cue else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
