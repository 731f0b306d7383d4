"""``newsbrief summarize-batch`` and ``newsbrief evaluate``: the measuring instrument on the CLI.

Registering stays cheap; the evaluation modules (and sumy, rouge-score) are
imported inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsbrief.cli import EXIT_NO_INPUT, EXIT_OK, error, positive_int, write_output

DEFAULT_SYSTEMS = "newsbrief,lead,lexrank,textrank,lsa,sumbasic,oracle"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``summarize-batch`` and ``evaluate`` subcommands."""
    batch = subparsers.add_parser(
        "summarize-batch",
        help="summarize every cluster of a benchmark file",
        description=(
            "Summarize each story cluster of IN (cluster JSONL(.gz), Multi-News .src/.tgt, "
            "or the Hugging Face JSONL export) and write one {id, summary} JSON line per "
            "cluster, the summary one sentence per line."
        ),
        epilog="example: newsbrief summarize-batch val.jsonl.gz -o val.summaries.jsonl --words 250",
    )
    batch.add_argument("input", metavar="IN", help="clusters to summarize")
    batch.add_argument("-o", "--output", metavar="OUT", required=True, help="JSONL to write")
    batch.add_argument("-w", "--words", type=positive_int, default=250, help="word budget")
    batch.add_argument(
        "--jobs", type=positive_int, default=None, help="processes (default: all cores)"
    )
    batch.add_argument(
        "--method", default="newsbrief.v2", help="summarizer, short or registered name"
    )
    batch.add_argument("--limit", type=positive_int, default=None, help="first K clusters only")
    batch.set_defaults(handler=_run_batch)

    evaluate = subparsers.add_parser(
        "evaluate",
        help="score summarizers with ROUGE on a benchmark file",
        description=(
            "Run each system over the same clusters and print one table: rouge-score "
            "ROUGE-1/2/Lsum F1 and recall (stemming on), mean words, wall time and clusters/s."
        ),
        epilog=f"example: newsbrief evaluate val.jsonl.gz --words 250 --systems {DEFAULT_SYSTEMS}",
    )
    evaluate.add_argument("input", metavar="IN", help="clusters with reference summaries")
    evaluate.add_argument("-w", "--words", type=positive_int, default=250, help="word budget")
    evaluate.add_argument(
        "--systems",
        default=DEFAULT_SYSTEMS,
        help=f"comma-separated short or registered names (default: {DEFAULT_SYSTEMS})",
    )
    evaluate.add_argument("--limit", type=positive_int, default=None, help="first K clusters only")
    evaluate.add_argument(
        "--rouge",
        choices=("score", "perl"),
        default="score",
        help="'perl' also scores with ROUGE-1.5.5 (-c 95 -r 1000 -n 2 -2 4 -u -m -a, and -l N)",
    )
    evaluate.add_argument("--out", metavar="DIR", help="keep every system's summaries here")
    evaluate.add_argument(
        "--jobs", type=positive_int, default=None, help="processes (default: all cores)"
    )
    evaluate.add_argument("--quiet", action="store_true", help="no progress bars")
    evaluate.set_defaults(handler=_run_evaluate)


def _command_line() -> str:
    return "newsbrief " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _load(path: str, limit: int | None) -> tuple[Any, ...]:
    from newsbrief.evaluate.datasets import load_clusters

    problems: list[Any] = []
    clusters = load_clusters(path, limit=limit, errors=problems)
    for problem in problems:
        error(str(problem))
    empty = sum(c.n_empty_documents for c in clusters)
    if empty:
        error(f"{path}: dropped {empty} empty document(s)")
    return clusters


def _summaries_jsonl(run: Any) -> str:
    return "".join(
        json.dumps({"id": s.id, "summary": s.summary}, ensure_ascii=False) + "\n"
        for s in run.summaries
    )


def _run_batch(args: argparse.Namespace) -> int:
    from newsbrief.evaluate.runner import Runner, resolve_method, run_system
    from newsbrief.model import Budget

    try:
        method = resolve_method(args.method)
    except KeyError as problem:
        error(str(problem.args[0]))
        return EXIT_NO_INPUT
    clusters = _load(args.input, args.limit)
    if not clusters:
        error(f"{args.input}: no clusters to summarize")
        return EXIT_NO_INPUT
    with Runner(args.jobs) as runner:
        run = run_system(runner, method, clusters, Budget(max_words=args.words), progress=True)
        runner.close()
    write_output(_summaries_jsonl(run), args.output)
    return EXIT_OK


def format_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown pipe table (also readable as plain text)."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


ROUGE_HEADER = (
    "system", "R-1 F", "R-2 F", "R-Lsum F", "R-1 R", "R-2 R", "R-Lsum R",
    "mean words", "wall s", "clusters/s",
)  # fmt: skip
PERL_HEADER = ("system", "R-1 F", "R-2 F", "R-L F", "R-SU4 F", "R-1 R @N", "R-2 R @N", "R-SU4 R @N")


def _run_evaluate(args: argparse.Namespace) -> int:
    from newsbrief.evaluate.runner import Runner, resolve_method, run_system, score_run
    from newsbrief.model import Budget

    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    try:
        methods = [resolve_method(n) for n in names]
    except KeyError as problem:
        error(str(problem.args[0]))
        return EXIT_NO_INPUT
    clusters = _load(args.input, args.limit)
    scored = tuple(c for c in clusters if c.summaries)
    if len(scored) < len(clusters):
        error(f"{args.input}: skipped {len(clusters) - len(scored)} cluster(s) with no reference")
    clusters = scored
    if not clusters:
        error(f"{args.input}: no clusters with a reference summary")
        return EXIT_NO_INPUT
    if args.rouge == "perl":
        from newsbrief.evaluate.rouge import wordnet_db

        wordnet_db()  # fail early (missing perl / XML::Parser) before the long runs
    budget = Budget(max_words=args.words)
    out_dir = Path(args.out) if args.out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    results: list[tuple[Any, Any]] = []
    with Runner(args.jobs) as runner:
        for name, method in zip(names, methods, strict=True):
            run = run_system(runner, method, clusters, budget, system=name, progress=not args.quiet)
            results.append((run, score_run(runner, run, clusters)))
            if out_dir:
                # Saved as each system finishes, so a long run interrupted late keeps its work.
                write_output(_summaries_jsonl(run), str(out_dir / f"{name}.jsonl"))
                partial, report = _report(args, clusters, results, runner.jobs)
                write_output(partial, str(out_dir / "results.partial.md"))
        runner.close()
    output, report = _report(args, clusters, results, runner.jobs)
    if args.rouge == "perl":
        perl_rows = _perl_table(sorted_results(results), clusters, args.words, report)
        output += "\n".join(
            [
                "",
                f"ROUGE-1.5.5 x100 (-c 95 -r 1000 -n 2 -2 4 -u -m -a; "
                f"recall columns add -l {args.words})",
                "",
                format_table(perl_rows, PERL_HEADER),
                "",
            ]
        )
    output += f"\ncommand: {_command_line()}\n"
    sys.stdout.write(output)
    if out_dir:
        write_output(output, str(out_dir / "results.md"))
        write_output(json.dumps(report, indent=2) + "\n", str(out_dir / "results.json"))
        (out_dir / "results.partial.md").unlink(missing_ok=True)
    return EXIT_OK


def sorted_results(results: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """(run, scores) pairs best first: by the mean of the three rouge-score F1 values."""
    return sorted(results, key=lambda r: -(r[1].rouge1_f + r[1].rouge2_f + r[1].rougelsum_f))


def _report(
    args: argparse.Namespace,
    clusters: Sequence[Any],
    results: Sequence[tuple[Any, Any]],
    jobs: int,
) -> tuple[str, dict[str, Any]]:
    """The rouge-score table as text, and the same figures as a JSON-ready dict."""
    ordered = sorted_results(results)
    rows = [
        (
            run.system,
            *(
                f"{100 * v:.2f}"
                for v in (
                    s.rouge1_f,
                    s.rouge2_f,
                    s.rougelsum_f,
                    s.rouge1_r,
                    s.rouge2_r,
                    s.rougelsum_r,
                )
            ),
            f"{run.mean_words:.1f}",
            f"{run.wall_seconds:.1f}",
            f"{run.clusters_per_second:.1f}",
        )
        for run, s in ordered
    ]
    text = "\n".join(
        [
            f"{args.input}: {len(clusters)} clusters, budget {args.words} words, "
            f"{jobs} process(es); rouge-score F1/recall x100, stemming on, "
            "Lsum on newline-split sentences",
            "",
            format_table(rows, ROUGE_HEADER),
            "",
        ]
    )
    report: dict[str, Any] = {
        "command": _command_line(),
        "input": args.input,
        "n_clusters": len(clusters),
        "words": args.words,
        "jobs": jobs,
        "systems": [
            {
                "system": run.system,
                "method": run.method,
                "rouge_score": {k: getattr(s, k) for k in s.__slots__},
                "mean_words": run.mean_words,
                "wall_seconds": run.wall_seconds,
                "clusters_per_second": run.clusters_per_second,
            }
            for run, s in ordered
        ],
    }
    return text, report


def _perl_table(
    results: Sequence[tuple[Any, Any]],
    clusters: Sequence[Any],
    words: int,
    report: dict[str, Any],
) -> list[tuple[str, ...]]:
    from newsbrief.evaluate.rouge import perl_rouge

    references = [c.summaries for c in clusters]
    rows = []
    for (run, _), entry in zip(results, report["systems"], strict=True):
        summaries = [s.summary for s in run.summaries]
        full = perl_rouge(summaries, references)
        limited = perl_rouge(summaries, references, words=words)
        entry["rouge_perl"] = {"full": full, f"l{words}": limited}
        rows.append(
            (
                run.system,
                *(
                    f"{100 * full[m]['f']:.2f}"
                    for m in ("rouge-1", "rouge-2", "rouge-l", "rouge-su4")
                ),
                *(f"{100 * limited[m]['r']:.2f}" for m in ("rouge-1", "rouge-2", "rouge-su4")),
            )
        )
    return rows
