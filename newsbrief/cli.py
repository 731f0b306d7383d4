"""The ``newsbrief`` command: a thin layer over the Python API.

Each subcommand lives beside the code it drives, in a module listed in
``SUBCOMMAND_MODULES`` that defines ``register(subparsers)``; registering must
stay cheap (heavy imports go inside the handler) so that ``newsbrief brief``
starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from newsbrief.errors import NewsbriefError

#: Modules that add subcommands (each defines ``register(subparsers)``).
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "newsbrief.evaluate.commands",
    "newsbrief.server",
    "newsbrief.ingest_commands",
    "newsbrief.batch_commands",
    "newsbrief.stories_commands",
)

PROG = "newsbrief"
EXIT_OK, EXIT_FAILURE, EXIT_NO_INPUT = 0, 1, 2


def error(message: str) -> None:
    """Print a one-line message for the user on stderr."""
    print(f"{PROG}: {message}", file=sys.stderr)


def write_output(text: str, out: str | None) -> None:
    """Write to ``out`` atomically (temp file, then rename), or to stdout when None or '-'."""
    if out is None or out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(out)
    directory = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp creates 0600 files; give the output the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def megabytes(text: str) -> int:
    """argparse type: a size in MB (decimals allowed), returned in bytes."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size in MB, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("size must be positive")
    return int(value * 1024 * 1024)


def _register_brief(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="brief a pile of articles about one story",
        description=(
            "Read article files (or directories of them), strip page furniture, and print "
            "an extractive brief of the story in which every sentence cites the sources "
            "that state it."
        ),
        epilog="example: newsbrief brief examples/ --words 120 --format json -o brief.json",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="article files (.txt, .html, feeds, .jsonl/.csv/.parquet corpora), "
        "directories, http(s) URLs, or - for stdin",
    )
    parser.add_argument(
        "-w", "--words", type=positive_int, default=150, help="word budget (default: 150)"
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=("markdown", "json", "html"),
        default="markdown",
        help="output format (default: markdown)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    parser.add_argument(
        "--method",
        default="newsbrief.v2",
        help="summarizer, by registered name (default: newsbrief.v2; see --list-methods)",
    )
    for stage_name, what in (
        ("timeline", "the timeline of dated events"),
        ("entities", "the list of people, organisations and places"),
        ("disagreements", "the list of numbers and dates the sources disagree on"),
    ):
        parser.add_argument(
            f"--no-{stage_name}",
            dest=f"no_{stage_name}",
            action="store_true",
            help=f"leave out {what}",
        )
    from newsbrief.ingest_commands import add_input_arguments  # argparse only: cheap

    add_input_arguments(parser)
    parser.add_argument(
        "--largest",
        action="store_true",
        help="if the input holds several stories, brief the largest (default: refuse)",
    )
    parser.set_defaults(handler=_run_brief)


def _run_brief(args: argparse.Namespace) -> int:
    from newsbrief.pipeline import Pipeline
    from newsbrief.registry import summarizers

    if args.method not in summarizers:
        error(f"unknown method {args.method!r}; choose from {', '.join(summarizers.names())}")
        return EXIT_NO_INPUT
    pipeline = Pipeline.default().replace("summarize", summarizers.get(args.method)())
    for stage_name in ("timeline", "entities", "disagreements"):
        if getattr(args, f"no_{stage_name}", False):
            pipeline = pipeline.remove(stage_name)
    from newsbrief.ingest import read_inputs
    from newsbrief.ingest_commands import read_options, summary_line

    read = read_inputs(args.paths, options=read_options(args))
    for note in read.notes:
        error(f"note: {note}")
    from newsbrief.stories_commands import brief_one_story

    # Never blend unrelated stories into one brief: refuse, or brief the largest.
    result = brief_one_story(
        pipeline, read, words=args.words, largest=getattr(args, "largest", False)
    )
    for skipped in result.skipped:
        error(f"{skipped.source}: {skipped.reason}")
    if args.format == "html":
        from newsbrief.render_html import brief_to_html, source_sentences

        # Re-clean what was already read (no second read, fetch or stdin consumption).
        cleaned, _ = pipeline.clean(read.articles)
        text = brief_to_html(result, sentences=source_sentences(cleaned))
    else:
        text = result.to_json() + "\n" if args.format == "json" else result.to_markdown()
    write_output(text, args.output)
    n_used = sum(1 + len(source.copies) for source in result.sources)
    error(summary_line(n_used, result.skipped))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from newsbrief import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Turn a pile of news articles about a story into one short, cited brief.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show full tracebacks on unexpected errors"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _register_brief(subparsers)
    for module_name in SUBCOMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsbrief`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_NO_INPUT
    try:
        return int(args.handler(args))
    except NewsbriefError as problem:
        for detail in getattr(problem, "problems", ()):
            error(str(detail))
        error(str(problem))
        return EXIT_NO_INPUT
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as problem:  # a bug, not bad input: say so in one line
        if args.debug or os.environ.get("NEWSBRIEF_DEBUG"):
            raise
        error(f"internal error: {type(problem).__name__}: {problem} (rerun with --debug)")
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
