"""Cleaning benchmark: junk lines removed vs article sentences lost, on injected furniture.

Clean articles come from Multi-News (``val`` by default). Each document's sentences
are grouped into paragraphs (Multi-News keeps no paragraph breaks, and some of its
documents are one long line); a last sentence cut off by Multi-News's truncation
("many large insurers are closely") is left out, as it is not article text; furniture blocks written for newsbrief
(``benchmarks/_boilerplate.py``) are injected where they sit on real pages: menus,
bylines and date stamps on top, ads and teasers between paragraphs, share bars,
comment prompts, tags and footers at the bottom. Each page belongs to one of a
dozen made-up outlets whose template (menu, footer) repeats on all its pages, as on
real sites. Half the pages use the DEV furniture bank, half the HELD-OUT bank.

By default the furniture is cased like Multi-News (lower-cased, sentence starts
re-capitalised), so capital letters do not give junk away; ``--casing as-written``
keeps the furniture's own casing.

A junk line counts as removed when it is not a line of the cleaned text; an article
sentence counts as lost when it does not occur in the cleaned text (a stripped
dateline or label in its first six words is not a loss). Multi-News documents
carry some crawl residue of their own ("photo: getty image 1 of / 15 caption
close"); it counts as article text here, so removing it counts as a loss. The random seed
is fixed, so the page set is the same on every run.

    python benchmarks/cleaning.py ../shared/data/multinews/val.jsonl.gz --docs 600
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _boilerplate import DEV, HELD_OUT, POSITIONS, Generator

from newsbrief.clean import BoilerplateCleaner, TextCleaner
from newsbrief.model import Article
from newsbrief.text import split_sentences

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "multinews" / "val.jsonl.gz"
)
N_OUTLETS = 12


@dataclass
class Page:
    """One synthetic page: its text, outlet, bank, junk lines (with kinds), article sentences."""

    text: str
    outlet: str
    bank: str
    junk: list[tuple[str, str]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.split())


_ENDS_SENTENCE = re.compile(r"[.!?]\s*[\"'”’)\]]*\s*$")
_ENDS_CUT = re.compile(r"(\.\.\.|…)\s*[\"'”’)\]]*\s*$")


def article_sentences(document: str) -> list[str]:
    """The document's sentences, minus a last one cut off by Multi-News's truncation."""
    sentences = [_norm(s) for s in split_sentences(document)]
    if sentences and (not _ENDS_SENTENCE.search(sentences[-1]) or _ENDS_CUT.search(sentences[-1])):
        sentences.pop()  # "many large insurers are closely": a truncation stub, not article text
    return sentences


def is_kept(sentence: str, flat: str) -> bool:
    """Whether a sentence survives; a stripped dateline or label ("WASHINGTON ( ap ) --",
    "Exclusive:") at its start is not a loss, so its first six words may be missing."""
    if sentence in flat:
        return True
    words = sentence.split()
    return len(words) > 12 and " ".join(words[6:]) in flat


def multinews_case(line: str) -> str:
    """Lower-case, then capitalise sentence starts: how Multi-News text is cased."""
    lowered = line.lower()
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), lowered)


def load_documents(path: Path, n_docs: int, seed: int) -> list[str]:
    """``n_docs`` documents of at least five sentences, sampled with ``seed``."""
    opener = gzip.open if path.suffix == ".gz" else open
    documents: list[str] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            for document in json.loads(line)["documents"]:
                if len(document.split()) >= 80:
                    documents.append(document)
    rng = random.Random(seed)
    rng.shuffle(documents)
    return documents[:n_docs]


def _block(
    kind: str, generator: Generator, rng: random.Random, casing: str
) -> list[tuple[str, str]]:
    lines = generator(rng)
    if casing == "multinews":
        lines = [multinews_case(line) for line in lines]
    return [(kind, _norm(line)) for line in lines if line.strip()]


def build_pages(documents: list[str], seed: int, casing: str) -> list[Page]:
    """Pages with injected furniture; deterministic for a given seed."""
    rng = random.Random(seed)
    outlets = [f"outlet-{i}" for i in range(N_OUTLETS)]
    # An outlet's template is drawn once and repeats on every page of the outlet.
    templates: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
    for outlet in outlets:
        for bank_name, bank, top_kind, bottom_kind in (
            ("dev", DEV, "nav menu", "share bar"),
            ("held-out", HELD_OUT, "breadcrumb", "copyright footer"),
        ):
            templates[(outlet, bank_name)] = (
                _block(top_kind, bank[top_kind], rng, casing),
                _block(bottom_kind, bank[bottom_kind], rng, casing),
            )
    pages = []
    for index, document in enumerate(documents):
        bank_name, bank = ("dev", DEV) if index % 2 == 0 else ("held-out", HELD_OUT)
        outlet = rng.choice(outlets)
        sentences = article_sentences(document)
        paragraphs: list[list[str]] = []
        i = 0
        while i < len(sentences):
            size = rng.randint(1, 4)
            paragraphs.append(sentences[i : i + size])
            i += size
        top, bottom = templates[(outlet, bank_name)]
        blocks: dict[str, list[list[tuple[str, str]]]] = {"top": [top], "middle": [], "bottom": []}
        for kind in rng.sample(sorted(bank), k=rng.randint(3, min(7, len(bank)))):
            where = rng.choice(POSITIONS[kind])
            blocks[where].append(_block(kind, bank[kind], rng, casing))
        blocks["bottom"].append(bottom)
        parts: list[str] = []
        junk: list[tuple[str, str]] = []

        def add(block: list[tuple[str, str]], parts: list[str] = parts, junk: list = junk) -> None:
            if block:
                parts.append("\n".join(line for _, line in block))
                junk.extend(block)

        for block in blocks["top"]:
            add(block)
        slots = sorted(rng.randint(1, max(1, len(paragraphs) - 1)) for _ in blocks["middle"])
        middle = iter(blocks["middle"])
        for number, paragraph in enumerate(paragraphs):
            while slots and slots[0] == number:
                slots.pop(0)
                add(next(middle))
            parts.append(" ".join(paragraph))
        for block in middle:
            add(block)
        for block in blocks["bottom"]:
            add(block)
        pages.append(
            Page(
                text="\n\n".join(parts),
                outlet=outlet,
                bank=bank_name,
                junk=junk,
                sentences=sentences,
            )
        )
    return pages


def score(pages: list[Page], cleaned: list[str]) -> dict[str, dict[str, float]]:
    """Junk recall and content loss, overall and per bank and per junk kind."""
    stats: dict[str, Counter[str]] = {}
    for page, text in zip(pages, cleaned, strict=True):
        out_lines = {_norm(line) for line in text.splitlines() if line.strip()}
        flat = _norm(text)
        for group in ("all", page.bank):
            counts = stats.setdefault(group, Counter())
            counts["junk"] += len(page.junk)
            counts["junk_removed"] += sum(line not in out_lines for _, line in page.junk)
            counts["sentences"] += len(page.sentences)
            counts["lost"] += sum(not is_kept(s, flat) for s in page.sentences)
        for kind, line in page.junk:
            counts = stats.setdefault(f"kind:{kind}", Counter())
            counts["junk"] += 1
            counts["junk_removed"] += line not in out_lines
    return {
        group: {
            "junk": c["junk"],
            "removed": c["junk_removed"] / c["junk"] if c["junk"] else float("nan"),
            "sentences": c["sentences"],
            "lost": c["lost"] / c["sentences"] if c["sentences"] else float("nan"),
        }
        for group, c in stats.items()
    }


def run_system(name: str, pages: list[Page]) -> tuple[list[str], float]:
    """Cleaned text of every page by one system, and the seconds it took."""
    articles = [
        Article.from_text(page.text, source=f"page-{i}", outlet=page.outlet)
        for i, page in enumerate(pages)
    ]
    start = time.perf_counter()
    if name == "rules (text-rules.v1)":
        outputs = [TextCleaner().run(a) for a in articles]
    else:
        outputs = list(BoilerplateCleaner().run_many(articles))
    seconds = time.perf_counter() - start
    return [out[0].text if out else "" for out in outputs], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=int, default=600, help="documents to use (default 600)")
    parser.add_argument("--seed", type=int, default=20250304)
    parser.add_argument("--casing", choices=("multinews", "as-written"), default="multinews")
    parser.add_argument("--kinds", action="store_true", help="also print recall per junk kind")
    args = parser.parse_args(argv)

    documents = load_documents(args.data, args.docs, args.seed)
    pages = build_pages(documents, args.seed, args.casing)
    n_junk = sum(len(p.junk) for p in pages)
    n_sentences = sum(len(p.sentences) for p in pages)
    print(
        f"{len(pages)} pages, {n_junk} junk lines, {n_sentences} article sentences, casing={args.casing}"
    )
    print()
    print("| system | bank | junk removed | content sentences lost | pages/s |")
    print("| --- | --- | ---: | ---: | ---: |")
    results = {}
    for system in ("rules (text-rules.v1)", "classifier (text-classifier.v1)"):
        cleaned, seconds = run_system(system, pages)
        results[system] = score(pages, cleaned)
        for group in ("all", "dev", "held-out"):
            r = results[system][group]
            print(
                f"| {system} | {group} | {r['removed']:.1%} ({r['junk']:,}) | "
                f"{r['lost']:.2%} ({r['sentences']:,}) | {len(pages) / seconds:,.0f} |"
            )
    if args.kinds:
        print()
        print("| junk kind | bank | " + " | ".join(results) + " |")
        print("| --- | --- |" + " ---: |" * len(results))
        for kind in [*DEV, *HELD_OUT]:
            bank = "dev" if kind in DEV else "held-out"
            cells = " | ".join(f"{results[s][f'kind:{kind}']['removed']:.1%}" for s in results)
            print(f"| {kind} | {bank} | {cells} |")
    print()
    command = " ".join(
        ["python", "benchmarks/cleaning.py", *(argv if argv is not None else sys.argv[1:])]
    )
    print(f"command: {command}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
