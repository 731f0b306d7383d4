"""``newsbrief batch``: clean, group and brief a large corpus on a process pool or Dask.

The engine is ``newsbrief.distributed``; this module only parses the command
line and reports. Heavy imports stay inside the handler so ``newsbrief --help``
stays fast.
"""

from __future__ import annotations

import argparse

from newsbrief.cli import EXIT_NO_INPUT, EXIT_OK, error, positive_int


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``batch`` subcommand."""
    parser = subparsers.add_parser(
        "batch",
        help="group and brief a large corpus (process pool or Dask cluster)",
        description=(
            "Read article corpora (JSONL/CSV/Parquet files, globs, directories), clean them, "
            "group them into stories and brief each story. Writes Parquet and JSONL outputs "
            "(article -> story id, story briefs) under OUTDIR; rerunning the same command "
            "resumes an interrupted run. Schema and cluster set-up: docs/scaling.md."
        ),
        epilog=(
            "example: newsbrief batch 'crawl/*.jsonl' -o out/ --engine dask "
            "--scheduler tcp://10.0.0.5:8786"
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="IN", help="files, globs or directories")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    parser.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local process pool (default) or a Dask cluster",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default: start a LocalCluster on 127.0.0.1)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=2,
        metavar="N",
        help="worker processes of the local pool or LocalCluster (default: 2)",
    )
    parser.add_argument(
        "--partition-size",
        type=positive_int,
        default=None,
        metavar="N",
        help="articles per partition, the unit of work and of resumption (default: 5000)",
    )
    parser.add_argument(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="memory limit per LocalCluster worker, e.g. 2GB (default: 2GB)",
    )
    parser.add_argument(
        "-w", "--words", type=positive_int, default=150, help="word budget per brief (default: 150)"
    )
    parser.add_argument(
        "--method",
        # A firehose pays per article: v2's summary-level reranker adds about 0.3 ROUGE-1
        # for roughly 1.5x the CPU of a whole batch run (docs/benchmarks.md), so batch
        # defaults to v1; `brief`, `stories`, the server and `evaluate` default to v2.
        default="newsbrief.v1",
        help=(
            "summarizer, by registered name (default: newsbrief.v1, the cheaper one; "
            "newsbrief.v2 adds the summary-level reranker of `newsbrief brief` for about "
            "1.5x the CPU)"
        ),
    )
    parser.add_argument(
        "--no-briefs",
        action="store_true",
        help="assign story ids only, without briefing each story",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(handler=_run_batch)


def _run_batch(args: argparse.Namespace) -> int:
    import gc

    from newsbrief.distributed import (
        DEFAULT_PARTITION_SIZE,
        DEFAULT_WORKER_MEMORY,
        BatchSettings,
        fewer_young_collections,
        run_batch,
    )
    from newsbrief.pipeline import Pipeline
    from newsbrief.registry import summarizers

    if args.scheduler and args.engine != "dask":
        error("--scheduler needs --engine dask")
        return EXIT_NO_INPUT
    if args.method not in summarizers:
        error(f"unknown method {args.method!r}; choose from {', '.join(summarizers.names())}")
        return EXIT_NO_INPUT
    pipeline = Pipeline.default().replace("summarize", summarizers.get(args.method)())
    settings = BatchSettings(
        partition_size=args.partition_size or DEFAULT_PARTITION_SIZE,
        words=args.words,
        briefs=not args.no_briefs,
    )
    thresholds = gc.get_threshold()
    if args.engine == "local":
        # This process runs the local engine's steps itself (one worker) or forks
        # its pool; with Dask the work runs in Dask's processes, left as they are.
        fewer_young_collections()
    try:
        result = run_batch(
            args.inputs,
            args.output,
            engine=args.engine,
            scheduler=args.scheduler,
            n_workers=args.workers,
            settings=settings,
            pipeline=pipeline,
            memory_limit=args.memory_limit or DEFAULT_WORKER_MEMORY,
            progress=not args.quiet,
        )
    finally:
        # Restored for a caller that runs the command in its own process (tests, scripts).
        gc.set_threshold(*thresholds)
    if result.n_skipped:
        error(f"{result.n_skipped} input(s) skipped; reasons in {result.outdir}/skipped.jsonl")
    seconds = result.seconds.get("total", 0.0)
    rate = result.n_articles / seconds if seconds else 0.0
    print(
        f"{result.n_articles:,} articles in {result.n_stories:,} stories "
        f"({result.n_read:,} read, {result.n_skipped:,} skipped) in {seconds:.1f} s "
        f"({rate:,.0f} articles/s); outputs in {result.outdir}"
    )
    return EXIT_OK
