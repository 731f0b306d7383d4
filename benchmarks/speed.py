"""Speed and memory of newsbrief: the command end to end, the library, and a 200-article story.

Cases (each measured in a fresh process, so peak RSS belongs to that case alone):

* ``cli start-up``: ``newsbrief --version`` (interpreter start plus the CLI's imports);
* ``cli examples``: ``newsbrief brief examples/`` end to end, interpreter start included;
* ``library examples``: ``newsbrief.brief(examples)`` inside Python, imports excluded;
* ``synthetic 200``: a 200-article story made by ``synthetic_articles`` from the sentences of
  ``examples/`` (recombined and perturbed) plus generic filler and page furniture;
* ``data 200``: the first 200 non-empty documents of ``--data`` (Multi-News JSONL), when that
  file exists. They come from about 70 different stories, so this row measures speed only.

"articles used" counts the sources of the brief plus the copies listed under them.

Timings are medians of ``--runs`` runs (the first, cold run included), wall clock and
CPU (``process_time`` in-process, ``RUSAGE_CHILDREN`` for commands: on a shared, loaded
machine CPU seconds are the comparable figure). Peak RSS is
``resource.getrusage(...).ru_maxrss`` of the measuring process (for the command-line cases, the
largest child). Target (docs/benchmarks.md): ``cli examples`` under 1 s.

    python benchmarks/speed.py [--runs 5] [--data ../shared/data/multinews/val.jsonl.gz]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl.gz"
TARGET_SECONDS = 1.0

_FILLER_SUBJECTS = (
    "The regional council",
    "A spokesperson for the port authority",
    "The transport ministry",
    "Local business owners",
    "An independent engineer",
    "The opposition leader",
    "Residents of the eastern district",
    "The city's chief financial officer",
)
_FILLER_VERBS = (
    "said the budget for maintenance had been cut",
    "called for a review of inspection records",
    "warned that repairs could take months",
    "said more staff would be hired",
    "promised to publish the full report",
    "asked for patience while the work continued",
    "said traffic on the main roads had doubled",
    "questioned how contracts had been awarded",
)
_FILLER_TAILS = (
    "in {year}",
    "over the past {n} years",
    "at a meeting on {day}",
    "in a statement released on {day}",
    "according to figures seen by reporters",
    "before the end of {month}",
)
_NOUN_WORDS = (
    "account agency airport archive budget cable canal cargo clinic college contract council "
    "court crane depot district dock engine estate factory farm ferry festival fleet garage "
    "grant harbour highway hospital hotel housing insurance label ladder library licence lorry "
    "market museum office orchard parish parking pension permit pier pipeline plant platform "
    "police port premium quay railway rent repair road school scrap sewer shipyard shop siren "
    "station steel storage subsidy supply survey tariff tax terminal timber toll tower track "
    "trade train tram transit tunnel union valve vessel wage warehouse water wharf yard"
)
_NOUNS = tuple(_NOUN_WORDS.split())
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("March", "April", "May", "June", "September", "October")
_SYNONYMS = {
    "said": "stated",
    "collapsed": "fell",
    "injured": "hurt",
    "people": "residents",
    "bridge": "crossing",
    "city": "municipal",
    "investigators": "inspectors",
    "review": "inquiry",
}
_JUNK = (
    "Read more",
    "Advertisements",
    "Share this article",
    "Most popular stories this week...",
    "© 2025 Example Media. All rights reserved.",
)


def example_sentences() -> list[str]:
    """Cleaned sentences of the bundled examples (the generator's raw material)."""
    from newsbrief.clean import TextCleaner
    from newsbrief.ingest import read_inputs
    from newsbrief.text import split_sentences

    read = read_inputs([EXAMPLES])
    cleaner = TextCleaner()
    return [
        sentence
        for article in read.articles
        for cleaned in cleaner.run(article)
        for sentence in split_sentences(cleaned.text)
    ]


def _perturb(sentence: str, rng: random.Random) -> str:
    """A lightly reworded variant: new numbers, some synonyms, maybe an attribution."""
    sentence = re.sub(r"\d+", lambda m: str(max(1, int(m.group()) + rng.randint(-3, 3))), sentence)
    words = sentence.split()
    for i, word in enumerate(words):
        key = word.lower().strip(".,")
        if key in _SYNONYMS and rng.random() < 0.5:
            words[i] = word.replace(key, _SYNONYMS[key])
    text = " ".join(words)
    if rng.random() < 0.2:
        text = f"Officials confirmed that {text[0].lower()}{text[1:]}"
    return text


def _recombine(pool: list[str], rng: random.Random) -> str:
    """The first half of one example sentence joined to the second half of another."""
    first, second = rng.choice(pool).split(), rng.choice(pool).split()
    head = first[: max(3, len(first) // 2)]
    tail = second[len(second) // 2 :]
    return _perturb(" ".join([*head, "while", *tail]).rstrip(".") + ".", rng)


def _name(rng: random.Random) -> str:
    syllables = ("mar", "ten", "ol", "ka", "ri", "son", "bel", "dra", "vin", "lo", "pe", "tas")
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()


def _filler(rng: random.Random) -> str:
    """A generic news sentence with random names, nouns and numbers (no two alike)."""
    tail = rng.choice(_FILLER_TAILS).format(
        year=rng.randint(2015, 2024),
        n=rng.randint(2, 12),
        day=rng.choice(_DAYS),
        month=rng.choice(_MONTHS),
    )
    subject = rng.choice(_FILLER_SUBJECTS)
    if rng.random() < 0.7:
        role = rng.choice(("councillor", "engineer", "resident", "lawyer", "trader", "teacher"))
        subject = f"{_name(rng)} {_name(rng)}, a {role} from {_name(rng)},"
    first, second, third = rng.sample(_NOUNS, k=3)
    verb = rng.choice(_FILLER_VERBS)
    return f"{subject} {verb} for the {first} {second}, {rng.randint(2, 900)} {third} {tail}."


def synthetic_articles(n_articles: int, *, seed: int = 0) -> list[str]:
    """``n_articles`` scraped-looking pages about the examples' story, all different.

    Each page has a headline, a date line and 6-16 paragraphs. Its sentences are at
    most two lightly reworded example sentences (so facts repeat across articles, as
    in a real story, without the page being a copy of others), recombinations of two
    example sentences, and generic filler; sometimes page furniture.
    """
    rng = random.Random(seed)
    pool = example_sentences()
    articles = []
    for index in range(n_articles):
        source_words = rng.choice(pool).rstrip(".").split()
        headline_words = rng.sample(source_words, k=min(6, len(source_words)))
        lines = [
            " ".join(w.capitalize() for w in headline_words) + f" | Outlet {index % 17}",
            f"March {rng.randint(4, 9)}, 2025",
            "",
        ]
        n_reused = 0
        for _ in range(rng.randint(6, 16)):
            paragraph = []
            for _ in range(rng.randint(1, 3)):
                draw = rng.random()
                if draw < 0.15 and n_reused < 2:
                    paragraph.append(_perturb(rng.choice(pool), rng))
                    n_reused += 1
                elif draw < 0.3:
                    paragraph.append(_recombine(pool, rng))
                else:
                    paragraph.append(_filler(rng))
            lines += [" ".join(paragraph), ""]
            if rng.random() < 0.1:
                lines += [rng.choice(_JUNK), ""]
        articles.append("\n".join(lines))
    return articles


def data_documents(path: Path, n_documents: int) -> list[str]:
    """The first ``n_documents`` non-empty documents of a JSONL(.gz) cluster file."""
    opener = gzip.open if path.suffix == ".gz" else open
    documents: list[str] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            # A trailing line break marks a string as article text, never a file path.
            documents += [f"{d}\n" for d in json.loads(line)["documents"] if d.strip()]
            if len(documents) >= n_documents:
                break
    return documents[:n_documents]


def _peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def worker(case: str, runs: int, n_articles: int, seed: int, data: str | None) -> dict:
    """Measure one in-process case; runs in its own interpreter (see ``measure_worker``)."""
    started = time.perf_counter()
    from newsbrief import brief

    import_seconds = time.perf_counter() - started
    if case == "library":
        inputs: list = sorted(EXAMPLES.glob("*.txt"))
    elif case == "synthetic":
        inputs = synthetic_articles(n_articles, seed=seed)
    else:
        inputs = data_documents(Path(str(data)), n_articles)
    seconds, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = brief(inputs, words=150)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "cpu": statistics.median(cpu),
        "articles": len(inputs),
        # Articles used: sources plus the copies listed under them ("also carried by").
        "sources": sum(1 + len(source.copies) for source in result.sources),
        "median": statistics.median(seconds),
        "min": min(seconds),
        "import": import_seconds,
        "rss": _peak_rss_mb(resource.RUSAGE_SELF),
    }


def stage_times(n_articles: int, seed: int) -> list[tuple[str, float, float]]:
    """Wall and CPU seconds spent in each stage of the default pipeline on one synthetic story.

    CPU seconds (``time.process_time``) are the figure to compare on a shared, loaded
    machine: wall time there mostly measures the other processes.
    """
    from newsbrief.attribute import attribute
    from newsbrief.ingest import read_inputs
    from newsbrief.model import Budget
    from newsbrief.pipeline import Pipeline, build_story, stage_kind

    pipeline = Pipeline.default()
    texts = synthetic_articles(n_articles, seed=seed)
    times: list[tuple[str, float, float]] = []
    clock = [time.perf_counter(), time.process_time()]

    def lap(name: str) -> None:
        now = [time.perf_counter(), time.process_time()]
        times.append((name, now[0] - clock[0], now[1] - clock[1]))
        clock[:] = now

    read = read_inputs(texts)
    lap("read")
    articles, _ = pipeline.clean(read.articles)
    story = build_story(articles)
    lap("article stages + sentences")
    for name in pipeline.names:
        stage = pipeline.get(name)
        if stage_kind(stage) == "story":
            story = stage.run(story)
            lap(name)
    selection = pipeline.summarizer.summarize(story, Budget(max_words=150))
    result = attribute(story, selection, max_words=150, method=pipeline.summarizer.name)
    lap("summarize + attribute")
    for name in pipeline.names:
        stage = pipeline.get(name)
        if stage_kind(stage) == "brief":
            result = stage.run(story, result)
            lap(name)
    return times


def measure_worker(case: str, args: argparse.Namespace) -> dict:
    """Run ``worker`` in a fresh interpreter so its peak RSS is its own."""
    command = [sys.executable, __file__, "--worker", case, "--runs", str(args.runs)]
    command += ["--articles", str(args.articles), "--seed", str(args.seed)]
    if args.data:
        command += ["--data", str(args.data)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"error: case {case!r} failed: {last}", file=sys.stderr)
        nan = float("nan")
        return {
            "articles": 0,
            "sources": 0,
            "median": nan,
            "min": nan,
            "cpu": nan,
            "import": nan,
            "rss": nan,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_command(command: list[str], runs: int) -> dict:
    """Wall-clock and CPU seconds of a command (interpreter start included) over ``runs`` runs."""
    seconds, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        seconds.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - start_cpu)
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "cpu": statistics.median(cpu),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default: 5)")
    parser.add_argument("--articles", type=int, default=200, help="size of the big story")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic generator")
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="Multi-News JSONL(.gz) for the 'data' row; skipped when missing",
    )
    parser.add_argument(
        "--stages",
        action="store_true",
        help="only time each pipeline stage on one synthetic story of --articles articles",
    )
    parser.add_argument(
        "--worker", choices=("library", "synthetic", "data"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs, args.articles, args.seed, args.data)))
        return 0

    if args.stages:
        print(f"| stage (synthetic {args.articles}, seed {args.seed}) | wall s | CPU s |")
        print("|---|---:|---:|")
        for name, seconds, cpu in stage_times(args.articles, args.seed):
            print(f"| {name} | {seconds:.2f} | {cpu:.2f} |")
        command = ["python", "benchmarks/speed.py", *(argv if argv is not None else sys.argv[1:])]
        print(f"command: {shlex.join(command)}")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}")
        return 0

    cli = shutil.which("newsbrief")
    base = [cli] if cli else [sys.executable, "-m", "newsbrief.cli"]
    rows = []
    # Command-line cases first: RUSAGE_CHILDREN's peak then covers only these children.
    startup = measure_command([*base, "--version"], args.runs)
    rows.append(
        ("cli start-up (--version)", "-", "-", startup, _peak_rss_mb(resource.RUSAGE_CHILDREN))
    )
    examples = measure_command([*base, "brief", "examples/"], args.runs)
    n_examples = len(list(EXAMPLES.glob("*.txt")))
    rows.append(
        (
            "cli examples (end to end)",
            n_examples,
            n_examples,
            examples,
            _peak_rss_mb(resource.RUSAGE_CHILDREN),
        )
    )
    library = measure_worker("library", args)
    rows.append(
        ("library examples", library["articles"], library["sources"], library, library["rss"])
    )
    synthetic = measure_worker("synthetic", args)
    rows.append(
        (
            f"synthetic {args.articles}",
            synthetic["articles"],
            synthetic["sources"],
            synthetic,
            synthetic["rss"],
        )
    )
    if args.data and Path(args.data).exists():
        data = measure_worker("data", args)
        rows.append(
            (
                f"data {args.articles} ({Path(args.data).name})",
                data["articles"],
                data["sources"],
                data,
                data["rss"],
            )
        )
    else:
        print(f"note: {args.data} not found; skipping the data row", file=sys.stderr)

    print("| case | articles in | articles used | median s | min s | median CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n_in, n_kept, timing, rss in rows:
        print(
            f"| {name} | {n_in} | {n_kept} | {timing['median']:.3f} | {timing['min']:.3f} "
            f"| {timing['cpu']:.3f} | {rss:.0f} |"
        )
    print()
    print(f"library import time (newsbrief.brief): {library['import']:.3f} s")
    verdict = "met" if examples["median"] < TARGET_SECONDS else "MISSED"
    print(
        f"target: `newsbrief brief examples/` under {TARGET_SECONDS:.0f} s end to end: "
        f"{verdict} ({examples['median']:.3f} s median of {args.runs})"
    )
    print(
        f"command: {shlex.join(['python', 'benchmarks/speed.py', *(argv if argv is not None else sys.argv[1:])])}"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
