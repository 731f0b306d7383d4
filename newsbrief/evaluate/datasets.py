"""Benchmark clusters: one story's source documents and its reference summaries.

Three layouts are read, chosen by file name:

* newsbrief's cluster JSON Lines (``.jsonl`` or ``.jsonl.gz``), one object per line:
  ``{"id": ..., "documents": [...], "summaries": [...]}``;
* the Hugging Face export of Multi-News, also JSON Lines, with a ``document``
  string (articles separated by ``|||||``) and a ``summary`` string; both shapes
  may appear in one file, the keys of each line decide;
* Multi-News ``*.src`` / ``*.tgt`` line pairs (line *n* of the ``.tgt`` file is the
  reference of line *n* of the ``.src`` file), articles separated by
  ``story_separator_special_tag`` or ``|||||``.

Multi-News writes line breaks inside an article as the token ``NEWLINE_CHAR``;
they become real line breaks. Empty documents (failed downloads in the original
crawl) are dropped and counted in ``Cluster.n_empty_documents``.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from newsbrief.errors import InputError
from newsbrief.model import Article, Story, stable_id
from newsbrief.text import article_sentences

#: Separators between the articles of one cluster in the upstream layouts.
_DOCUMENT_SEPARATOR = re.compile(r"\s*(?:story_separator_special_tag|\|\|\|\|\|)\s*")
_NEWLINE_TOKEN = re.compile(r"\s*NEWLINE_CHAR\s*")
_JSON_SUFFIXES = frozenset({".jsonl", ".json", ".gz"})


@dataclass(frozen=True, slots=True)
class Cluster:
    """One benchmark story: non-empty source documents (given order) and references."""

    id: str
    documents: tuple[str, ...]
    summaries: tuple[str, ...]
    #: Documents of the original line that were empty and therefore dropped.
    n_empty_documents: int = 0


def _open_text(path: Path) -> IO[str]:
    """Open a plain or gzip-compressed text file for reading as UTF-8."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def _clean_document(text: str) -> str:
    return _NEWLINE_TOKEN.sub("\n", text).strip()


def _make_cluster(cluster_id: str, documents: Sequence[str], summaries: Sequence[str]) -> Cluster:
    cleaned = [_clean_document(d) for d in documents]
    kept = tuple(d for d in cleaned if d)
    return Cluster(
        id=cluster_id,
        documents=kept,
        summaries=tuple(_clean_document(s) for s in summaries if s.strip()),
        n_empty_documents=len(cleaned) - len(kept),
    )


def _split_documents(text: str) -> list[str]:
    return _DOCUMENT_SEPARATOR.split(text)


def _string_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError(f"'{key}' must be a string or a list of strings")


def _cluster_from_json(line: str, default_id: str) -> Cluster:
    """A cluster from one JSON line in either the newsbrief or the Hugging Face shape."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as problem:
        raise ValueError(f"not valid JSON ({problem.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    cluster_id = str(record.get("id", default_id))
    if "documents" in record:
        documents = _string_list(record["documents"], "documents")
        summaries = _string_list(record.get("summaries", []), "summaries")
    elif "document" in record:
        documents = _split_documents(_string_list(record["document"], "document")[0])
        summaries = _string_list(record.get("summary", []), "summary")
    else:
        raise ValueError("no 'documents' (newsbrief) or 'document' (Hugging Face) field")
    return _make_cluster(cluster_id, documents, summaries)


def _target_path(source: Path) -> Path:
    """The ``.tgt`` file beside a Multi-News ``.src`` file."""
    if source.suffix == ".src":
        return source.with_suffix(".tgt")
    # Upstream also ships names such as ``val.src.cleaned``: swap the ``.src`` part.
    return source.with_name(source.name.replace(".src", ".tgt", 1))


def _iter_jsonl(path: Path, errors: list[InputError] | None) -> Iterator[Cluster]:
    stem = path.name.split(".")[0]
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield _cluster_from_json(line, f"{stem}-{number - 1}")
            except ValueError as problem:
                _report(InputError(f"{path}:{number}", str(problem)), errors)


def _iter_src_tgt(path: Path, errors: list[InputError] | None) -> Iterator[Cluster]:
    target = _target_path(path)
    if not target.exists():
        raise InputError(str(path), f"no reference file {target.name} beside it")
    stem = path.name.split(".")[0]
    with _open_text(path) as sources, _open_text(target) as references:
        number = 0
        for number, (source_line, reference_line) in enumerate(
            zip(sources, references, strict=False), start=1
        ):
            documents = _split_documents(source_line.rstrip("\n"))
            yield _make_cluster(f"{stem}-{number - 1}", documents, [reference_line.rstrip("\n")])
        # zip stops at the shorter file; a leftover line means the pair is misaligned.
        if sources.readline() or references.readline():
            _report(
                InputError(
                    f"{path}:{number + 1}", f"{path.name} and {target.name} differ in lines"
                ),
                errors,
            )


def _report(problem: InputError, errors: list[InputError] | None) -> None:
    if errors is None:
        raise problem
    errors.append(problem)


def iter_clusters(path: str | Path, *, errors: list[InputError] | None = None) -> Iterator[Cluster]:
    """Clusters of ``path`` in file order (format chosen by the file name, see module doc).

    A malformed line raises ``InputError("<file>:<line>", reason)``; when an
    ``errors`` list is given, the problem is appended there instead and reading
    goes on with the next line.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    if path.suffix not in _JSON_SUFFIXES and ".src" in path.suffixes:
        yield from _iter_src_tgt(path, errors)
    else:
        yield from _iter_jsonl(path, errors)


def load_clusters(
    path: str | Path, *, limit: int | None = None, errors: list[InputError] | None = None
) -> tuple[Cluster, ...]:
    """The first ``limit`` clusters of ``path`` (all when None); see ``iter_clusters``."""
    return tuple(islice(iter_clusters(path, errors=errors), limit))


def cluster_articles(cluster: Cluster) -> tuple[Article, ...]:
    """The cluster's documents as articles, in the given order.

    Benchmark documents are already clean text, so the scraped-page cleaner is
    not run on them (it would drop short lines it takes for page furniture).
    """
    return tuple(
        Article.from_text(document, source=f"{cluster.id}#{index}")
        for index, document in enumerate(cluster.documents)
    )


def cluster_story(cluster: Cluster, *, story_stages: Sequence[Any] | None = None) -> Story:
    """The cluster as a ``Story`` with the pipeline's story stages (support) applied.

    Articles keep the documents' order rather than the pipeline's canonical
    (date, id) order: the documents carry no dates, and lead-style baselines
    and published results read the sources in the dataset's order.
    """
    articles = cluster_articles(cluster)
    story = Story(
        id=stable_id(cluster.id, *(a.id for a in articles)),
        articles=articles,
        sentences=tuple(s for article in articles for s in article_sentences(article)),
    )
    for stage in default_story_stages() if story_stages is None else story_stages:
        story = stage.run(story)
    return story


def default_story_stages() -> tuple[Any, ...]:
    """The story stages of the default pipeline (today: cross-source support)."""
    from newsbrief.pipeline import Pipeline, stage_kind

    return tuple(s for _, s in Pipeline.default().steps if stage_kind(s) == "story")
