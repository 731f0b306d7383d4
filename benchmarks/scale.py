"""Scale of ``newsbrief batch``: throughput, memory and growth on piles of 50k-500k articles.

Piles are built from Multi-News train (``--data``): every non-empty document, in file
order, one JSON line each, in shards of 25,000 lines. Past the 124,854 documents the
file holds, the pile repeats it with light perturbation: copy ``k`` of a cluster
relabels each word of 6+ letters through a codebook of copy ``k`` (so the copy is a
different story with the same shape: same lengths, sentence counts and story sizes,
different names and topic words) and drops one sentence of every document with more
than three. Documents that are not articles (web-archive notices...) are copied as
they are, since that is how they recur in a real crawl.

For each size, each engine runs the full command in a fresh process
(``python -m newsbrief.cli batch PILE -o OUT --engine E --workers N``: read, clean,
drop non-articles, group into stories, brief every story, write Parquet + JSONL),
and the table reports wall time, articles/s (per core: divided by ``--workers``),
the peak RSS of any worker process and of the driver (``ru_maxrss``), the speed-up
over a single-process run (``--workers 1``, measured at the ``--single-sizes``;
other sizes compare with the nearest smaller one measured), the time relative to
the smallest size, and the B-cubed F1 of the stories against the source clusters.

Targets (docs/benchmarks.md, ## Scale): >= 300 articles/s per core end to end,
< 2 GB per worker, 500k taking at most 12x the time of 50k.

    python benchmarks/scale.py --data ../shared/data/multinews/train.jsonl.gz \\
        [--sizes 50000,150000,500000] [--engines local,dask] [--workers 2]
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
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "train.jsonl.gz"
SHARD_LINES = 25_000
TARGET_PER_CORE = 300.0
TARGET_WORKER_MB = 2048.0
TARGET_GROWTH = 12.0

_SYLLABLES = [
    "ba",
    "ko",
    "ri",
    "sa",
    "tem",
    "lu",
    "vor",
    "an",
    "de",
    "mi",
    "no",
    "pel",
    "ra",
    "su",
    "ti",
    "gan",
]
_LONG_WORD = re.compile(r"\b[a-z]{6,}\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _codeword(word: str, copy: int) -> str:
    """A made-up word standing for ``word`` in copy ``copy`` (deterministic)."""
    code = zlib.crc32(f"{copy}:{word}".encode())
    syllables = []
    for _ in range(3):
        syllables.append(_SYLLABLES[code % len(_SYLLABLES)])
        code //= len(_SYLLABLES)
    return "".join(syllables) + word[-2:]


def _perturb(text: str, copy: int, rng: random.Random) -> str:
    sentences = _SENTENCE.split(text)
    if len(sentences) > 3:
        del sentences[rng.randrange(len(sentences))]
    return _LONG_WORD.sub(lambda m: _codeword(m.group(0), copy), " ".join(sentences))


def _documents(data: Path) -> Iterator[tuple[str, str]]:
    """(cluster id, document text) of every non-empty document, in file order."""
    opener = gzip.open if data.suffix == ".gz" else open
    with opener(data, "rt", encoding="utf-8") as handle:
        for line in handle:
            cluster = json.loads(line)
            for document in cluster["documents"]:
                if document.strip():
                    yield cluster["id"], document


def build_pile(data: Path, size: int, folder: Path) -> list[Path]:
    """Write a pile of ``size`` articles as JSONL shards (reused when already built)."""
    from newsbrief.nonarticle import non_article_reason

    done = folder / "_complete"
    if done.exists():
        return sorted(folder.glob("shard-*.jsonl"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(size)
    written = 0
    shard = 0
    out = None
    copy = 0
    while written < size:
        for cluster, text in _documents(data):
            if written >= size:
                break
            if copy and non_article_reason(text) is None:
                text = _perturb(text, copy, rng)
            if written % SHARD_LINES == 0:
                if out:
                    out.close()
                out = (folder / f"shard-{shard:04d}.jsonl").open("w", encoding="utf-8")
                shard += 1
            out.write(json.dumps({"text": text, "gold": f"{cluster}#{copy}"}) + "\n")
            written += 1
        copy += 1
    if out:
        out.close()
    done.write_text(str(size))
    return sorted(folder.glob("shard-*.jsonl"))


def bcubed_f1(shards: list[Path], outdir: Path) -> tuple[float, float]:
    """B-cubed F1 of the run's stories against the source clusters, and the share matched."""
    from newsbrief.cluster import bcubed
    from newsbrief.distributed import read_assignments
    from newsbrief.model import stable_id

    story_of = read_assignments(outdir)
    gold: list[str] = []
    predicted: list[str] = []
    total = 0
    for shard in shards:
        with shard.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                record = json.loads(line)
                total += 1
                # The id ingest gives a JSONL record: hash of "<file>: line N" and the text.
                article_id = stable_id(f"{shard}: line {number}", record["text"])
                if article_id in story_of:
                    gold.append(record["gold"])
                    predicted.append(story_of[article_id])
    if not gold:
        return 0.0, 0.0
    return bcubed(gold, predicted)[2], len(gold) / total


def run_one(shards: list[Path], out: Path, engine: str, workers: int, args: argparse.Namespace):
    """Run the batch command in a fresh process; return (summary dict or None, command)."""
    command = [
        sys.executable,
        "-m",
        "newsbrief.cli",
        "batch",
        *[str(s) for s in shards],
        "-o",
        str(out),
        "--engine",
        engine,
        "--workers",
        str(workers),
        "--partition-size",
        str(args.partition_size),
        "--quiet",
    ]
    if engine == "dask":
        command += ["--memory-limit", args.memory_limit]
    if args.no_briefs:
        command.append("--no-briefs")
    if args.method:
        command += ["--method", args.method]
    started = time.perf_counter()
    try:
        subprocess.run(command, check=True, timeout=args.timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, command, time.perf_counter() - started
    except subprocess.CalledProcessError as error:
        print(f"failed ({error.returncode}): {shlex.join(command)}", file=sys.stderr)
        return None, command, time.perf_counter() - started
    summary = json.loads((out / "_batch.json").read_text(encoding="utf-8"))
    return summary, command, time.perf_counter() - started


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", default="50000,150000,500000")
    parser.add_argument(
        "--engines", default="local,dask", help="engines on --workers (none: single-process only)"
    )
    parser.add_argument(
        "--last-engines", default=None, help="engines for the largest size (default: --engines)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single-sizes", default=None, help="sizes also run on 1 process")
    parser.add_argument("--partition-size", type=int, default=5000)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsbrief-scale"))
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument("--no-quality", action="store_true", help="skip the B-cubed F1 column")
    parser.add_argument("--no-briefs", action="store_true", help="group only (batch --no-briefs)")
    parser.add_argument("--method", default=None, help="summarizer (batch --method)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data}: no such file (see --data)", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    singles = {int(s) for s in args.single_sizes.split(",")} if args.single_sizes else {sizes[0]}
    mode = "group only (--no-briefs)" if args.no_briefs else "clean + group + brief"
    print(f"# start {time.strftime('%H:%M:%S')}, {_load()}, {os.cpu_count()} CPUs", flush=True)
    print(f"# mode: {mode}; PYTHONPATH={os.environ.get('PYTHONPATH', '')!r}", flush=True)

    rows = []
    single_rate: dict[int, float] = {}
    first_seconds: dict[str, float] = {}
    for size in sizes:
        shards = build_pile(args.data, size, args.workdir / f"pile-{size}")
        plan = [("local", 1)] if size in singles else []
        wanted = (
            args.last_engines.split(",") if args.last_engines and size == sizes[-1] else engines
        )
        # "none" runs nothing but the single-process runs of --single-sizes.
        plan += [(engine, args.workers) for engine in wanted if engine != "none"]
        for engine, workers in plan:
            out = args.workdir / f"out-{size}-{engine}-{workers}"
            if out.exists():
                import shutil

                shutil.rmtree(out)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            summary, command, wall = run_one(shards, out, engine, workers, args)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU seconds of the command and every process it started (pool, Dask
            # workers): what the run costs on cores nobody else is using.
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            label = f"{engine} x{workers}"
            if summary is None:
                rows.append((size, label, f"timeout/failed after {wall:.0f} s", command))
                print(f"{size:>8,} {label:<9} did not finish ({wall:.0f} s)", flush=True)
                continue
            seconds = summary["seconds"]["total"]
            rate = summary["n_read"] / seconds
            if workers == 1:
                single_rate[size] = rate
            known = [s for s in single_rate if s <= size] or list(single_rate)
            base = single_rate[max(known)] if known else None
            key = f"{engine}-{workers}"
            first_seconds.setdefault(key, seconds)
            quality = (0.0, 0.0) if args.no_quality else bcubed_f1(shards, out)
            row = {
                "articles": size,
                "engine": label,
                "seconds": seconds,
                "per_s": rate,
                "per_core": rate / workers,
                "worker_mb": summary["peak_worker_rss_mb"],
                "driver_mb": summary["driver_rss_mb"],
                "stories": summary["n_stories"],
                "speedup": rate / base if base else float("nan"),
                "growth": seconds / first_seconds[key],
                "f1": quality[0],
                "cpu": cpu,
                "per_cpu_s": summary["n_read"] / cpu if cpu else float("nan"),
                "steps": summary["seconds"],
                "pairs": summary["n_candidate_pairs"],
                "skipped": summary["n_skipped"],
            }
            rows.append((size, label, row, command))
            print(
                f"{size:>8,} {label:<9} {seconds:8.1f} s {rate:8.1f}/s "
                f"({rate / workers:.1f}/s/core) worker {row['worker_mb']:.0f} MB "
                f"driver {row['driver_mb']:.0f} MB  cpu {cpu:.0f} s "
                f"({row['per_cpu_s']:.1f}/cpu-s)  {_load()}  steps {row['steps']}",
                flush=True,
            )

    print()
    print(
        "| articles | engine | seconds | articles/s | per core | peak worker MB | driver MB "
        "| stories | vs 1 process | time vs smallest | CPU s | articles/CPU-s | B-cubed F1 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, label, row, _ in rows:
        if isinstance(row, str):
            print(f"| {size:,} | {label} | {row} | | | | | | | | | | |")
            continue
        print(
            f"| {size:,} | {label} | {row['seconds']:.1f} | {row['per_s']:.1f} "
            f"| {row['per_core']:.1f} | {row['worker_mb']:.0f} | {row['driver_mb']:.0f} "
            f"| {row['stories']:,} | {row['speedup']:.2f}x | {row['growth']:.2f}x "
            f"| {row['cpu']:.0f} | {row['per_cpu_s']:.1f} | {row['f1']:.3f} |"
        )
    print()
    print(f"# end {time.strftime('%H:%M:%S')}, {_load()}")
    print("# targets: >= 300 articles/s per core; < 2048 MB per worker; 500k <= 12x the 50k time")
    print(
        "# produced by: python benchmarks/scale.py "
        + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    for size, label, _, command in rows:
        print(f"#   {size:,} {label}: {shlex.join(command)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
