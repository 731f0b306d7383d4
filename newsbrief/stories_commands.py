"""``newsbrief stories`` and ``newsbrief cluster``: grouping a mixed pile into stories.

``stories PATH...`` reads, cleans and groups the articles, then prints each story
(largest first) with its label, size, sources and brief; single articles and
skipped inputs are listed at the end.

``cluster IN.jsonl -o OUT.jsonl`` writes a story id for every article of a JSONL
corpus (one object per line: ``id``, ``text``, optional ``title`` and ``date``),
for pipelines; with ``--stream`` it reads standard input (or IN) in arrival order
and writes each assignment as soon as it is made.

``brief_one_story`` is what ``newsbrief brief`` calls so that a mixed pile is
never blended silently into one brief.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from newsbrief.cli import EXIT_NO_INPUT, EXIT_OK, error, positive_int, write_output

if TYPE_CHECKING:
    from newsbrief.cluster import Grouping, StoryGroup
    from newsbrief.ingest import ReadResult
    from newsbrief.model import Article, Brief
    from newsbrief.pipeline import Pipeline

#: Grouping threshold of the "is this pile several stories?" check of ``newsbrief
#: brief``: looser than story grouping's own (0.20 batch, 0.16 stream), so that a pile about one event
#: told from several angles (talks, ceasefire, envoy) stays one story and only
#: clearly unrelated stories make ``brief`` refuse.
MIXED_PILE_THRESHOLD = 0.08
#: Layout of one line of ``newsbrief cluster`` output (batch), in key order.
CLUSTER_FIELDS = ("id", "story_id", "story_size", "story_label", "non_article")
#: Layout of one line of ``newsbrief cluster --stream`` output, in key order.
STREAM_FIELDS = (
    "id",
    "story_id",
    "story_size",
    "new_story",
    "similarity",
    "non_article",
    "duplicate",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``stories`` and ``cluster`` subcommands."""
    from newsbrief.ingest_commands import add_input_arguments

    stories = subparsers.add_parser(
        "stories",
        help="group a mixed pile of articles into stories and brief each",
        description=(
            "Group the input articles into stories and print each story, largest first: "
            "a short headline, its size, its sources and a cited brief. Single articles "
            "and inputs that are not articles (failed downloads, notices) are listed at "
            "the end."
        ),
        epilog="example: newsbrief stories crawl/ --format json -o stories.json",
    )
    stories.add_argument("paths", nargs="+", metavar="PATH", help="article files or directories")
    stories.add_argument(
        "-f",
        "--format",
        choices=("markdown", "json", "jsonl"),
        default="markdown",
        help="output format (default: markdown)",
    )
    stories.add_argument(
        "-w", "--words", type=positive_int, default=100, help="word budget per brief (default: 100)"
    )
    stories.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    stories.add_argument("--no-briefs", action="store_true", help="group and label only")
    add_input_arguments(stories)
    stories.set_defaults(handler=_run_stories)

    cluster = subparsers.add_parser(
        "cluster",
        help="assign a story id to every article of a JSONL corpus",
        description=(
            "Read a JSONL corpus (one object per line: id, text, optional title and date) "
            "and write one line per article with its story id. With --stream, read in "
            "arrival order (standard input by default) and write each assignment as it "
            "is made, keeping only recent stories in memory."
        ),
        epilog="example: newsbrief cluster crawl.jsonl -o stories.jsonl; "
        "tail -f feed.jsonl | newsbrief cluster --stream",
    )
    cluster.add_argument(
        "input", nargs="?", default=None, metavar="IN", help="JSONL(.gz) file, or - for stdin"
    )
    cluster.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    cluster.add_argument("--stream", action="store_true", help="assign articles as they arrive")
    cluster.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="least average similarity to join a story, for batch and --stream alike"
        " (default: 0.20 batch, on expanded, density-adjusted similarities; 0.16 with --stream)",
    )
    cluster.add_argument(
        "--window",
        type=positive_int,
        default=None,
        metavar="N",
        help="stream: close stories not updated within N articles (default: 5000)",
    )
    cluster.set_defaults(handler=_run_cluster)


# -- newsbrief brief on a mixed pile ---------------------------------------------


def brief_one_story(
    pipeline: Pipeline, read: ReadResult, *, words: int = 150, largest: bool = False
) -> Brief:
    """Brief what was read as one story, refusing to blend a pile of several stories.

    A pile is *mixed* when grouping at the loose ``MIXED_PILE_THRESHOLD`` finds at
    least two stories of two or more articles each (a lone outlier is not enough:
    the off-topic stage handles it).
    Then this raises ``MixedStoriesError`` pointing to ``newsbrief stories``, or,
    with ``largest``, briefs the largest story and lists the other articles as
    skipped.
    """
    from newsbrief.cluster import MixedStoriesError, StoryGrouper, group_stories
    from newsbrief.errors import InputError, NoUsableInputError
    from newsbrief.model import Budget, Skipped
    from newsbrief.pipeline import build_story

    articles, dropped = pipeline.clean(read.articles)
    skipped = [Skipped(source=p.source, reason=p.reason) for p in read.problems]
    skipped += dropped
    if not articles:
        raise NoUsableInputError(tuple(InputError(s.source, s.reason) for s in skipped))
    if len(articles) >= 4:
        grouper = StoryGrouper(threshold=MIXED_PILE_THRESHOLD, detect_non_articles=False)
        grouping = group_stories(articles, grouper)
        several = [g for g in grouping.stories if g.size >= 2]
        if len(several) >= 2:
            if not largest:
                raise MixedStoriesError(tuple((g.label, g.size) for g in several))
            keep = set(several[0].article_ids)
            for group in grouping.groups[1:]:
                for article in articles:
                    if article.id in group.article_ids and article.id not in keep:
                        skipped.append(
                            Skipped(source=article.source, reason=f"another story: {group.label}")
                        )
            articles = tuple(a for a in articles if a.id in keep)
    story = build_story(articles)
    if not story.sentences:
        raise NoUsableInputError(tuple(InputError(s.source, s.reason) for s in skipped))
    budget = Budget(max_words=words)
    return pipeline.run_story(story, budget, skipped=sorted(skipped, key=lambda s: s.source))


# -- newsbrief stories ---------------------------------------------------------------


def _run_stories(args: argparse.Namespace) -> int:
    from newsbrief.cluster import group_stories
    from newsbrief.errors import NewsbriefError
    from newsbrief.ingest import read_inputs
    from newsbrief.ingest_commands import read_options
    from newsbrief.model import SCHEMA_VERSION, Budget, Skipped
    from newsbrief.pipeline import Pipeline, build_story

    pipeline = Pipeline.default()
    read = read_inputs(args.paths, options=read_options(args))
    for note in read.notes:
        error(f"note: {note}")
    articles, dropped = pipeline.clean(read.articles)
    skipped = [Skipped(source=p.source, reason=p.reason) for p in read.problems] + list(dropped)
    for item in skipped:
        error(f"{item.source}: {item.reason}")
    if not articles:
        error("no usable article text in the input")
        return EXIT_NO_INPUT
    grouping = group_stories(articles)
    for note in grouping.notes:
        error(f"note: {note}")
    by_id = {a.id: a for a in articles}
    budget = Budget(max_words=args.words)
    entries: list[dict[str, Any]] = []
    for group in grouping.groups:
        members = [by_id[i] for i in group.article_ids]
        if group.non_article is not None:
            skipped += [Skipped(source=m.source, reason=group.non_article) for m in members]
            continue
        entry = _story_entry(group, members)
        if group.size >= 2 and not args.no_briefs:
            try:
                entry["brief"] = pipeline.run_story(build_story(members), budget)
            except NewsbriefError as problem:
                error(f"story {group.id}: no brief: {problem}")
        entries.append(entry)
    n_stories = sum(1 for e in entries if e["size"] >= 2)
    error(
        f"{len(articles)} article(s): {n_stories} stor{'y' if n_stories == 1 else 'ies'} "
        f"of two or more, {len(entries) - n_stories} single article(s), "
        f"{len(skipped)} skipped"
    )
    if args.format == "markdown":
        text = _stories_markdown(entries, skipped)
    else:
        records = [_entry_dict(e) for e in entries]
        skipped_records = [{"source": s.source, "reason": s.reason} for s in skipped]
        if args.format == "json":
            document = {
                "schema_version": SCHEMA_VERSION,
                "n_articles": len(articles),
                "stories": [r for r in records if r["size"] >= 2],
                "singletons": [r for r in records if r["size"] < 2],
                "skipped": skipped_records,
            }
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        else:
            lines = [json.dumps(r, ensure_ascii=False) for r in records]
            lines += [
                json.dumps({"kind": "skipped", **s}, ensure_ascii=False) for s in skipped_records
            ]
            text = "\n".join(lines) + "\n"
    write_output(text, args.output)
    return EXIT_OK


def _story_entry(group: StoryGroup, members: list[Article]) -> dict[str, Any]:
    return {
        "id": group.id,
        "label": group.label,
        "size": group.size,
        "articles": members,
        "brief": None,
    }


def _source_name(article: Article) -> str:
    return article.outlet or article.url or article.source


def _entry_dict(entry: dict[str, Any]) -> dict[str, Any]:
    brief = entry["brief"]
    return {
        "kind": "story" if entry["size"] >= 2 else "singleton",
        "id": entry["id"],
        "label": entry["label"],
        "size": entry["size"],
        "article_ids": [a.id for a in entry["articles"]],
        "sources": [_source_name(a) for a in entry["articles"]],
        "brief": brief.to_dict() if brief is not None else None,
    }


def _stories_markdown(entries: list[dict[str, Any]], skipped: Iterable[Any]) -> str:
    stories = [e for e in entries if e["size"] >= 2]
    singles = [e for e in entries if e["size"] < 2]
    lines = [f"# {len(stories)} stor{'y' if len(stories) == 1 else 'ies'}", ""]
    for number, entry in enumerate(stories, start=1):
        lines += [f"## {number}. {entry['label']}", ""]
        lines.append(
            f"{entry['size']} articles: " + ", ".join(_source_name(a) for a in entry["articles"])
        )
        lines.append("")
        brief = entry["brief"]
        if brief is not None:
            for line in brief.to_markdown().splitlines()[1:]:
                # The brief's own sections become subsections of the story.
                lines.append("##" + line if line.startswith("#") else line)
        lines.append("")
    if singles:
        lines += ["## Single articles", ""]
        lines += [f"- {e['label']} ({_source_name(e['articles'][0])})" for e in singles]
        lines.append("")
    skipped = list(skipped)
    if skipped:
        lines += ["## Skipped inputs", ""]
        lines += [f"- {s.source}: {s.reason}" for s in skipped]
        lines.append("")
    return "\n".join(lines)


# -- newsbrief cluster ---------------------------------------------------------------


def read_jsonl_articles(handle: TextIO, name: str) -> Iterator[Article]:
    """Articles from JSONL lines (``id``, ``text``, optional ``title``, ``date``).

    Bad lines are reported on stderr (naming the input and line) and skipped; a
    line without ``id`` gets an id derived from its text.
    """
    from newsbrief.model import Article, stable_id

    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            error(f"{name}:{number}: not valid JSON, skipped")
            continue
        if not isinstance(record, dict):
            error(f"{name}:{number}: not a JSON object, skipped")
            continue
        text = record.get("text")
        if not isinstance(text, str):
            error(f"{name}:{number}: no 'text' field, treated as empty")
            text = ""
        article_id = record.get("id")
        article_id = str(article_id) if article_id not in (None, "") else stable_id(text)
        title = record.get("title")
        date = record.get("date")
        yield Article(
            id=article_id,
            text=text,
            source=f"{name}:{number}",
            title=title if isinstance(title, str) else None,
            date=date if isinstance(date, str) else None,
        )


def _open_input(path: str | None) -> tuple[TextIO, str]:
    if path is None or path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"), "stdin"
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace"), path
    return open(path, encoding="utf-8", errors="replace"), path


def _run_cluster(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from newsbrief.cluster import StoryGrouper

    grouper = StoryGrouper()
    if args.threshold is not None:
        if not 0.0 < args.threshold <= 1.0:
            error(f"--threshold must be in (0, 1], got {args.threshold}")
            return EXIT_NO_INPUT
        grouper = replace(grouper, threshold=args.threshold, stream_threshold=args.threshold)
    if args.window is not None:
        grouper = replace(grouper, window_articles=args.window)
    if args.input is None and not args.stream:
        error("cluster: give an input file (or - for stdin), or use --stream")
        return EXIT_NO_INPUT
    try:
        handle, name = _open_input(args.input)
    except OSError as problem:
        error(f"{args.input}: {problem.strerror or problem}")
        return EXIT_NO_INPUT
    with handle:
        if args.stream:
            return _cluster_stream(grouper, read_jsonl_articles(handle, name), args.output)
        articles = list(read_jsonl_articles(handle, name))
    if not articles:
        error(f"{name}: no articles")
        return EXIT_NO_INPUT
    grouping = grouper.group(articles)
    for note in grouping.notes:
        error(f"note: {note}")
    write_output(cluster_lines(articles, grouping), args.output)
    n_stories = sum(1 for g in grouping.stories if g.size >= 2)
    error(
        f"{len(articles)} article(s): {n_stories} stories of two or more, "
        f"{len(grouping.stories) - n_stories} single, {len(grouping.non_articles)} not articles"
    )
    return EXIT_OK


def cluster_lines(articles: Iterable[Article], grouping: Grouping) -> str:
    """JSONL text: one ``CLUSTER_FIELDS`` object per input article, in input order."""
    group_of = {aid: g for g in grouping.groups for aid in g.article_ids}
    lines = []
    for article in articles:
        group = group_of[article.id]
        record = {
            "id": article.id,
            "story_id": group.id,
            "story_size": group.size,
            "story_label": group.label,
            "non_article": group.non_article,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _cluster_stream(grouper: Any, articles: Iterable[Article], output: str | None) -> int:
    stream = grouper.stream()
    out = sys.stdout if output in (None, "-") else open(output, "w", encoding="utf-8")  # noqa: SIM115
    n = 0
    try:
        for assignment in stream.add_many(articles):
            record = {
                "id": assignment.article_id,
                "story_id": assignment.story_id,
                "story_size": assignment.story_size,
                "new_story": assignment.new_story,
                "similarity": round(assignment.similarity, 4),
                "non_article": assignment.non_article,
                "duplicate": assignment.duplicate,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()  # a downstream consumer sees each decision at once
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    error(f"assigned {n} article(s); {stream.n_open} stories open at the end")
    return EXIT_OK
