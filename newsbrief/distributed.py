"""Batch engine: clean, group into stories and brief millions of articles, on a pool or Dask.

A run is four map steps over partitions with two small steps on the driver between
them; every map step writes its result atomically (temp file, then rename), so a
rerun of an interrupted run skips what is finished, and a task that dies is simply
run again (Dask retries it, the local pool resubmits it).

1. **prepare** (map over input partitions): read, clean, drop non-articles (the
   pipeline's article stages), store the clean articles and each article's hashed
   term counts; return document frequencies.
2. **sketch** (map): weight terms by TF-IDF with the *global* document frequencies
   and keep, per article, its top terms (blocking keys) and a short unit vector.
3. **block** (driver): an inverted index over the keys proposes candidate pairs
   (keys shared by too many articles are skipped, so there is never an all-pairs
   step); candidates whose sketch cosine reaches ``block_min_similarity`` are
   joined by union-find (connected components). A component larger than
   ``max_block_size`` is split by raising the bar on its own edges. Blocks are a
   recall-oriented pre-filter only: which articles form a story is decided next,
   inside each block, by the story grouping of ``newsbrief.cluster`` — the same
   algorithm ``newsbrief stories`` runs on a pile.
4. **route** (map): send each clean article (and its term counts) to the task that owns its block.
5. **brief** (map over story tasks): group each block into stories, name each
   story by a stable hash of its smallest article id, brief it with
   ``Pipeline.run_story``, and write article->story rows and story briefs.

Everything that decides an assignment is a pure function of the input and the
settings (scikit-learn's seeded murmur hash, never Python's salted ``hash``; id orders), so
``engine="local"`` and ``engine="dask"`` give identical outputs. Output schema and
cluster operation: docs/scaling.md.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from newsbrief.cluster import N_FEATURES
from newsbrief.errors import InputError, MissingExtraError, NewsbriefError
from newsbrief.model import Article, Budget, stable_id

#: Articles per partition: the unit of work, of retry and of resumption.
DEFAULT_PARTITION_SIZE = 5_000
#: Dask LocalCluster worker memory limit when no scheduler address is given.
DEFAULT_WORKER_MEMORY = "2GB"
#: Top TF-IDF terms per article used as blocking keys.
N_KEYS = 12
#: Terms kept per article in the sketch vector that scores candidate pairs.
N_SKETCH = 48
#: A key shared by more articles than this is too generic to propose pairs.
MAX_POSTING = 100
#: Sketch cosine at which two candidates land in the same block.
BLOCK_MIN_SIMILARITY = 0.10
#: Largest block handed to the story grouping (its cost is quadratic in block size).
MAX_BLOCK_SIZE = 1_000

#: Suffixes of JSON-lines corpora, split into several partitions by line range.
LINE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
#: Largest single input file read whole (CSV, Parquet, text...).
MAX_FILE_BYTES = 2 * 1024**3

_ARTICLE_COLUMNS = ("id", "text", "source", "title", "outlet", "author", "date", "url", "language")


class BatchError(NewsbriefError):
    """A batch run cannot start or continue (bad output directory, failed task...)."""


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True, kw_only=True)
class Partition:
    """A slice of the input: rows ``start:stop`` of one record file, or whole text files."""

    index: int
    paths: tuple[str, ...]
    start: int = 0
    stop: int | None = None

    @property
    def name(self) -> str:
        """File-name stem of this partition's outputs."""
        return f"part-{self.index:05d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchSettings:
    """Knobs of a batch run; all of them enter the run's fingerprint."""

    partition_size: int = DEFAULT_PARTITION_SIZE
    words: int = 150
    max_block_size: int = MAX_BLOCK_SIZE
    block_min_similarity: float = BLOCK_MIN_SIMILARITY
    n_keys: int = N_KEYS
    max_posting: int = MAX_POSTING
    #: False: assign story ids only (no briefs; the ``brief`` column is null).
    briefs: bool = True

    def __post_init__(self) -> None:
        if self.partition_size < 1:
            raise ValueError(f"partition_size must be at least 1, got {self.partition_size}")
        if self.max_block_size < 2:
            raise ValueError(f"max_block_size must be at least 2, got {self.max_block_size}")
        if not 0.0 < self.block_min_similarity < 1.0:
            raise ValueError("block_min_similarity must be in (0, 1)")


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What a run did: counts, where the outputs are, and per-step timings."""

    outdir: str
    n_read: int
    n_articles: int
    n_skipped: int
    n_stories: int
    n_partitions: int
    n_blocks: int
    n_candidate_pairs: int
    seconds: dict[str, float] = field(default_factory=dict)
    peak_worker_rss_mb: float = 0.0
    driver_rss_mb: float = 0.0
    resumed_tasks: int = 0


def _is_line_file(path: str) -> bool:
    """JSON-lines files are split into partitions by line range without parsing."""
    return path.lower().endswith(LINE_SUFFIXES)


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files named by ``inputs`` (paths, globs, directories), sorted and de-duplicated.

    Raises ``InputError`` for an input that matches nothing.
    """
    from newsbrief.ingest import SUFFIX_KINDS

    suffixes = tuple(SUFFIX_KINDS) + tuple(f"{s}.gz" for s in SUFFIX_KINDS)
    found: set[str] = set()
    for item in inputs:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        if not matches:
            raise InputError(item, "no file matches this pattern")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for root, dirs, files in os.walk(path):
                    dirs.sort()
                    for name in files:
                        lowered = name.lower()
                        if name.startswith(".") or lowered.startswith("readme"):
                            continue
                        if lowered.endswith(suffixes):
                            found.add(str(Path(root) / name))
            elif path.exists():
                found.add(str(path))
            else:
                raise InputError(item, "no such file or directory")
    return sorted(found)


def _open_lines(path: str) -> Any:
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def _count_lines(path: str) -> int:
    """Physical lines of a JSON-lines file (counted, not parsed)."""
    count = 0
    with _open_lines(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
            last = block
        if count == 0 or not last.endswith(b"\n"):
            count += 1  # a last line without a line break
    return count


def plan_partitions(files: Sequence[str], partition_size: int) -> tuple[Partition, ...]:
    """Cut the input into partitions of about ``partition_size`` articles.

    JSON-lines files are cut by line range; other files (text, HTML, CSV,
    Parquet...) are packed together in sorted order, a whole file per article
    slot, so a big CSV or Parquet file is one partition: shard those. The plan depends only on the files and the size, never on the
    engine or the number of workers.
    """
    partitions: list[Partition] = []
    loose: list[str] = []
    for path in files:
        if not _is_line_file(path):
            loose.append(path)
            continue
        n_rows = _count_lines(path)
        for start in range(0, max(n_rows, 1), partition_size):
            partitions.append(
                Partition(
                    index=len(partitions),
                    paths=(path,),
                    start=start,
                    stop=min(start + partition_size, n_rows),
                )
            )
    for start in range(0, len(loose), partition_size):
        chunk = tuple(loose[start : start + partition_size])
        partitions.append(Partition(index=len(partitions), paths=chunk))
    return tuple(partitions)


def _fingerprint(
    partitions: Sequence[Partition], settings: BatchSettings, pipeline: Any, grouper: Any
) -> str:
    """Hash of everything that determines the outputs, to refuse mixing two runs."""
    digest = hashlib.sha1()
    for part in partitions:
        for path in part.paths:
            stat = os.stat(path)
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
        digest.update(f"{part.start}:{part.stop};".encode())
    digest.update(json.dumps(asdict(settings), sort_keys=True).encode())
    with contextlib.suppress(Exception):  # a custom stage without dataclass fields
        digest.update(json.dumps(pipeline.to_config(), sort_keys=True, default=str).encode())
    digest.update(repr(grouper).encode())
    return digest.hexdigest()


# ----------------------------------------------------------------------- adapters


def _read_partition_articles(part: Partition) -> tuple[list[Article], list[tuple[str, str]]]:
    """Raw articles of one partition, plus (source, reason) of each unusable input.

    Reading is ``newsbrief.ingest``'s job; this is the one place that calls it.
    """
    from newsbrief.ingest import ReadOptions, read_inputs, reader_for

    options = ReadOptions(max_bytes=MAX_FILE_BYTES)
    if part.stop is None:
        result = read_inputs(list(part.paths), options=options)
        return list(result.articles), [(p.source, p.reason) for p in result.problems]
    (path,) = part.paths
    with _open_lines(path) as handle:
        lines = list(itertools.islice(handle, part.start, part.stop))
    # Blank lines in front keep the line numbers in sources, and so the article
    # ids, the same as when the whole file is read at once.
    data = b"\n" * part.start + b"".join(lines)
    try:
        batch = reader_for("jsonl")(data, path, options)
    except InputError as error:
        if error.reason == "no records in the corpus":
            return [], []
        raise
    return list(batch.articles), [(p.source, p.reason) for p in batch.problems]


def _article_pipeline(pipeline: Any) -> Any:
    """The pipeline with the non-article filter after its article stages (added if absent)."""
    from newsbrief.nonarticle import NonArticleFilter
    from newsbrief.pipeline import stage_kind

    if any(isinstance(stage, NonArticleFilter) for _, stage in pipeline.steps):
        return pipeline
    article_stages = [name for name, stage in pipeline.steps if stage_kind(stage) == "article"]
    if article_stages:
        return pipeline.insert_after(article_stages[-1], "nonarticle", NonArticleFilter())
    return pipeline.insert_before(pipeline.names[0], "nonarticle", NonArticleFilter())


def group_block(grouper: Any, articles: Sequence[Article], vectors: sp.csr_matrix) -> np.ndarray:
    """Story number per article of one block, by ``newsbrief.cluster``'s grouping.

    ``vectors`` are the block's rows of ``StoryGrouper.vectors`` computed with the
    document frequencies of the *whole* input, so similarities are the ones a
    single ``group_stories`` run over everything would see. Within a block every
    pair is a candidate (blocks are small), then the grouper's date rule,
    short-article expansion and average-link merge at ``grouper.threshold`` decide,
    in id order, as
    ``StoryGrouper.assign`` does. This adapter is the only code that reaches into
    ``newsbrief.cluster``'s grouping, so an API change there is a one-place change.
    """
    n = len(articles)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    vectors = compact_columns(vectors)
    similarity = (vectors @ vectors.T).toarray()
    rows, cols = np.nonzero(np.triu(similarity, 1) > 0)
    sims = similarity[rows, cols].astype(np.float64)
    order = sorted(range(n), key=lambda i: (articles[i].id, i))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    merged = grouper.merge_pairs(
        [articles[i] for i in order], rank[rows], rank[cols], sims, vectors=vectors[order]
    )
    return merged[rank]


def compact_columns(vectors: sp.csr_matrix) -> sp.csr_matrix:
    """``vectors`` with only the columns some row uses, in their original order.

    Why: a block's rows use a few thousand of the ``N_FEATURES`` (2**20) hashed
    columns, and several scipy.sparse routines on the grouping path (transposing,
    element-wise products of rows with unsorted indices, the product with the
    expansion weights) allocate and clear arrays of one slot per *column*, about
    1.4 ms of a 2-article block's 2.2 ms. The mapping keeps column order (``np.unique``
    is sorted) and each row's entry order and values, and every routine on the
    path sums or pairs entries by position and column identity only, so all
    products and sums are the same floats in the same order: same labels.
    """
    used, inverse = np.unique(vectors.indices, return_inverse=True)
    return sp.csr_matrix(
        (vectors.data, inverse.astype(vectors.indices.dtype, copy=False), vectors.indptr),
        shape=(vectors.shape[0], len(used)),
    )


# ------------------------------------------------------------------ file helpers


def _atomic_write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _atomic_write_parquet(target: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, temp, compression="zstd")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _atomic_write_npz(target: Path, **arrays: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this worker process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _articles_table(articles: Sequence[Article], **extra: Any) -> Any:
    import pyarrow as pa

    columns: dict[str, Any] = {
        name: pa.array([getattr(a, name) for a in articles], type=pa.string())
        for name in _ARTICLE_COLUMNS
    }
    for name, values in extra.items():
        columns[name] = pa.array(values, type=pa.int64())
    return pa.table(columns)


def _table_articles(table: Any) -> list[Article]:
    data = table.select(list(_ARTICLE_COLUMNS)).to_pydict()
    return [
        Article(**{name: data[name][row] for name in _ARTICLE_COLUMNS})
        for row in range(table.num_rows)
    ]


# --------------------------------------------------------------- step 1: prepare


def _prepare_task(part: Partition, work: str, pipeline: Any, grouper: Any) -> dict[str, Any]:
    """Step 1 for one partition; skipped when its marker exists."""
    base = Path(work) / "prepare"
    marker = base / f"{part.name}.json"
    if marker.exists():
        summary = json.loads(marker.read_text(encoding="utf-8"))
        summary["resumed"] = True
        return summary
    raw, problems = _read_partition_articles(part)
    kept, dropped = pipeline.clean(raw)
    # The same article read twice (same source and text) is one article.
    unique: dict[str, Article] = {}
    for article in kept:
        unique.setdefault(article.id, article)
    articles = list(unique.values())
    counts = grouper.term_counts([a.text for a in articles], [a.title for a in articles])
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    nonzero = np.flatnonzero(document_frequency)
    _atomic_write_parquet(base / f"{part.name}.parquet", _articles_table(articles))
    _atomic_write_npz(
        base / f"{part.name}.npz",
        data=counts.data,
        indices=counts.indices,
        indptr=counts.indptr,
        df_index=nonzero.astype(np.int32),
        df_count=document_frequency[nonzero].astype(np.int32),
    )
    skipped = problems + [(s.source, s.reason) for s in dropped]
    summary = {
        "partition": part.index,
        "n_read": len(raw) + len(problems),
        "n_articles": len(articles),
        "skipped": skipped,
        "rss_mb": _peak_rss_mb(),
    }
    # The marker goes last: its presence means every file above is complete.
    _atomic_write_bytes(marker, json.dumps(summary).encode("utf-8"))
    summary["resumed"] = False
    return summary


# ---------------------------------------------------------------- step 2: sketch


def _load_counts(work: str, part: Partition) -> sp.csr_matrix:
    with np.load(Path(work) / "prepare" / f"{part.name}.npz") as stored:
        return sp.csr_matrix(
            (stored["data"], stored["indices"], stored["indptr"]),
            shape=(len(stored["indptr"]) - 1, N_FEATURES),
        )


def _global_vectors(work: str, grouper: Any, counts: sp.csr_matrix) -> sp.csr_matrix:
    """``StoryGrouper.vectors`` of these counts with the whole input's document frequencies."""
    with np.load(Path(work) / "idf.npz") as stored:
        df, n_docs = stored["df"], int(stored["n_docs"])
    return grouper.vectors(counts, df, n_docs)


def _sketch_task(part: Partition, work: str, grouper: Any, n_keys: int) -> dict[str, Any]:
    """Step 2 for one partition: blocking keys and sketch vectors from global IDF."""
    target = Path(work) / "sketch" / f"{part.name}.npz"
    if not target.exists():
        vectors = _global_vectors(work, grouper, _load_counts(work, part))
        with np.load(Path(work) / "idf.npz") as stored:
            keyable = stored["df"] >= 2  # a feature of one article pairs nothing
        keys = np.full((vectors.shape[0], n_keys), -1, dtype=np.int64)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for row in range(vectors.shape[0]):
            lo, hi = vectors.indptr[row], vectors.indptr[row + 1]
            if lo == hi:
                continue
            terms = vectors.indices[lo:hi]
            values = vectors.data[lo:hi]
            # Highest weight first; ties broken by feature so the order is total.
            order = np.lexsort((terms, -values))
            top = order[:N_SKETCH]
            rows.append(np.full(len(top), row, dtype=np.int64))
            cols.append(terms[top])
            vals.append(values[top])
            usable = terms[order][keyable[terms[order]]][:n_keys]
            keys[row, : len(usable)] = usable
        sketch = sp.csr_matrix(
            (
                np.concatenate(vals) if vals else np.empty(0, np.float32),
                (
                    np.concatenate(rows) if rows else np.empty(0, np.int64),
                    np.concatenate(cols) if cols else np.empty(0, np.int64),
                ),
            ),
            shape=vectors.shape,
            dtype=np.float32,
        )
        _atomic_write_npz(
            target, keys=keys, data=sketch.data, indices=sketch.indices, indptr=sketch.indptr
        )
    return {"partition": part.index, "rss_mb": _peak_rss_mb()}


def _load_sketch(work: str, part: Partition) -> tuple[np.ndarray, sp.csr_matrix]:
    with np.load(Path(work) / "sketch" / f"{part.name}.npz") as stored:
        keys = stored["keys"]
        sketch = sp.csr_matrix(
            (stored["data"], stored["indices"], stored["indptr"]),
            shape=(len(stored["indptr"]) - 1, N_FEATURES),
        )
    return keys, sketch


# ----------------------------------------------------------------- step 3: block


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: numpy's hash-based ``unique`` is far slower here)."""
    codes = np.sort(codes)
    if len(codes) < 2:
        return codes
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))]


def iter_candidate_pairs(
    keys: np.ndarray, max_posting: int, *, batch: int = 2_000_000
) -> Iterator[np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, of rows sharing a blocking key, in batches of about ``batch``.

    ``keys`` has one row per article (``-1`` pads). Keys held by more than
    ``max_posting`` articles are skipped: they are too common to say two articles
    are about the same event, and they are what would make this quadratic; so an
    article is in at most ``width * max_posting`` pairs whatever the input size.
    Pairs are unique within a batch (not across batches).
    """
    n_rows, width = keys.shape
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), width)
    flat = keys.ravel()
    valid = flat >= 0
    rows, flat = rows[valid], flat[valid]
    if not len(flat):
        return
    # Postings: rows grouped by key, ascending within each key.
    order = np.lexsort((rows, flat))
    rows, flat = rows[order], flat[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(flat)) + 1))
    lengths = np.diff(np.concatenate((starts, [len(flat)])))
    usable = (lengths >= 2) & (lengths <= max_posting)
    length_of = np.repeat(np.where(usable, lengths, 0), lengths)
    position = np.arange(len(flat)) - np.repeat(starts, lengths)
    keep = length_of > 0
    rows, length_of, position = rows[keep], length_of[keep], position[keep]
    # Offset d pairs each posting element with the one d places later: one
    # vectorized pass per offset instead of a Python loop per key.
    chunks: list[np.ndarray] = []
    pending = 0
    active = np.arange(len(rows))
    for offset in range(1, int(length_of.max(initial=1))):
        active = active[position[active] + offset < length_of[active]]
        if not len(active):
            break
        chunks.append(rows[active] * n_rows + rows[active + offset])
        pending += len(active)
        if pending >= batch:
            codes = _sorted_unique(np.concatenate(chunks))
            yield np.stack((codes // n_rows, codes % n_rows), axis=1)
            chunks, pending = [], 0
    if chunks:
        codes = _sorted_unique(np.concatenate(chunks))
        yield np.stack((codes // n_rows, codes % n_rows), axis=1)


def candidate_pairs(keys: np.ndarray, max_posting: int) -> np.ndarray:
    """All pairs of ``iter_candidate_pairs``, unique and sorted; shape (n, 2)."""
    n_rows = max(len(keys), 1)
    batches = list(iter_candidate_pairs(keys, max_posting))
    if not batches:
        return np.empty((0, 2), dtype=np.int64)
    codes = _sorted_unique(np.concatenate([b[:, 0] * n_rows + b[:, 1] for b in batches]))
    return np.stack((codes // n_rows, codes % n_rows), axis=1)


def strong_pairs(
    keys: np.ndarray, sketch: sp.csr_matrix, *, max_posting: int, min_similarity: float
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs whose sketch cosine reaches ``min_similarity``, their scores, and
    how many candidates were scored. Weak candidates are dropped batch by batch, so
    memory holds the strong edges only."""
    n_rows = max(len(keys), 1)
    kept_codes: list[np.ndarray] = []
    kept_scores: list[np.ndarray] = []
    n_scored = 0
    for pairs in iter_candidate_pairs(keys, max_posting):
        scores = _pair_similarity(sketch, pairs)
        n_scored += len(pairs)
        strong = scores >= min_similarity
        kept_codes.append(pairs[strong, 0] * n_rows + pairs[strong, 1])
        kept_scores.append(scores[strong])
    if not kept_codes:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float32), 0
    all_codes = np.concatenate(kept_codes)
    order = np.argsort(all_codes, kind="stable")
    all_codes = all_codes[order]
    first = np.concatenate(([True], all_codes[1:] != all_codes[:-1])) if len(all_codes) else []
    codes = all_codes[first]
    scores = np.concatenate(kept_scores)[order][first]
    return np.stack((codes // n_rows, codes % n_rows), axis=1), scores, n_scored


def _pair_similarity(sketch: sp.csr_matrix, pairs: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Cosine of the sketch vectors of each pair (dot product of unit vectors).

    ``chunk`` pairs at a time: the row copies of both sides (48 weights each) then
    take tens of MB, a constant, instead of growing with the number of pairs.
    """
    scores = np.empty(len(pairs), dtype=np.float32)
    for start in range(0, len(pairs), chunk):
        piece = pairs[start : start + chunk]
        left = sketch[piece[:, 0]]
        right = sketch[piece[:, 1]]
        scores[start : start + chunk] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return scores


def find_blocks(
    n_rows: int,
    pairs: np.ndarray,
    scores: np.ndarray,
    *,
    min_similarity: float,
    max_block_size: int,
) -> np.ndarray:
    """Block label per row: connected components of pairs scoring >= ``min_similarity``.

    A component larger than ``max_block_size`` is split again using only its own
    edges and a bar raised by 0.05 each round, so one generic theme cannot make a
    block the story grouping would have to compare all-pairs. Labels are the
    smallest row of each block, so they do not depend on processing order.
    """
    from scipy.sparse.csgraph import connected_components

    labels = np.arange(n_rows, dtype=np.int64)
    todo: list[tuple[np.ndarray, float]] = [(np.arange(n_rows, dtype=np.int64), min_similarity)]
    keep_pairs, keep_scores = pairs, scores
    while todo:
        members, bar = todo.pop()
        if len(members) < 2:
            continue
        local = np.full(n_rows, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        inside = (local[keep_pairs[:, 0]] >= 0) & (local[keep_pairs[:, 1]] >= 0)
        strong = inside & (keep_scores >= bar)
        edges = keep_pairs[strong]
        graph = sp.coo_matrix(
            (np.ones(len(edges), dtype=np.int8), (local[edges[:, 0]], local[edges[:, 1]])),
            shape=(len(members), len(members)),
        )
        _, component = connected_components(graph, directed=False)
        order = np.argsort(component, kind="stable")
        bounds = np.flatnonzero(np.diff(component[order])) + 1
        for group in np.split(members[order], bounds):
            group = np.sort(group)
            labels[group] = group[0]
            if len(group) > max_block_size and bar < 1.0:
                todo.append((group, bar + 0.05))
            elif len(group) > max_block_size:
                # Identical sketches all the way up: cut into fixed-size runs.
                for start in range(0, len(group), max_block_size):
                    run = group[start : start + max_block_size]
                    labels[run] = run[0]
    return labels


# ----------------------------------------------------------------- step 4: route


def _route_task(
    part: Partition, work: str, tasks: np.ndarray, blocks: np.ndarray
) -> dict[str, Any]:
    """Step 4 for one partition: split its articles by the story task owning their block."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = Path(work) / "route"
    marker = base / f"{part.name}.done"
    if not marker.exists():
        table = pq.read_table(Path(work) / "prepare" / f"{part.name}.parquet")
        table = table.append_column("block", pa.array(blocks, type=pa.int64()))
        # The term counts travel with the articles: the brief step needs their rows
        # and would otherwise tokenize every article a second time (~2% of a run).
        counts = _load_counts(work, part)
        for task in np.unique(tasks).tolist():
            rows = np.flatnonzero(tasks == task)
            folder = base / f"task-{task:05d}"
            picked = counts[rows]
            # Written before the Parquet file, whose presence the brief step reads
            # as "this partition's rows are here".
            _atomic_write_npz(
                folder / f"{part.name}.npz",
                data=picked.data,
                indices=picked.indices,
                indptr=picked.indptr,
            )
            _atomic_write_parquet(folder / f"{part.name}.parquet", table.take(pa.array(rows)))
        _atomic_write_bytes(marker, b"")
    return {"partition": part.index, "rss_mb": _peak_rss_mb()}


# ----------------------------------------------------------------- step 5: brief


def _routed_counts(
    paths: Sequence[Path], grouper: Any, articles: Sequence[Article]
) -> sp.csr_matrix:
    """The term counts of a story task's articles (rows in the order of ``paths``).

    They are the prepare step's rows, routed next to each Parquet file; a work
    folder routed before the counts travelled with the articles (no ``.npz``
    beside a Parquet file) has them computed again, which gives the same matrix.
    """
    stored = [path.with_suffix(".npz") for path in paths]
    if not all(path.exists() for path in stored):
        return grouper.term_counts([a.text for a in articles], [a.title for a in articles])
    parts = []
    for path in stored:
        with np.load(path) as arrays:
            parts.append(
                sp.csr_matrix(
                    (arrays["data"], arrays["indices"], arrays["indptr"]),
                    shape=(len(arrays["indptr"]) - 1, N_FEATURES),
                )
            )
    return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")


def story_id(article_ids: Iterable[str]) -> str:
    """A story's id: a stable hash of its smallest article id (same members, same id)."""
    return stable_id("story", min(article_ids))


def _brief_task(
    task: int,
    work: str,
    outdir: str,
    pipeline: Any,
    words: int | None,
    grouper: Any,
) -> dict[str, Any]:
    """Step 5 for one story task: group its blocks, brief each story, write outputs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsbrief.cluster import headline
    from newsbrief.pipeline import build_story

    name = f"part-{task:05d}"
    out = Path(outdir)
    marker = out / "stories" / f"{name}.parquet"
    if marker.exists():
        table = pq.read_table(marker, columns=["story_id"])
        return {"task": task, "n_stories": table.num_rows, "rss_mb": 0.0, "resumed": True}
    folder = Path(work) / "route" / f"task-{task:05d}"
    paths = sorted(folder.glob("part-*.parquet"))
    tables = [pq.read_table(path) for path in paths]
    table = pa.concat_tables(tables) if tables else None
    articles = _table_articles(table) if table is not None else []
    block_of = table.column("block").to_pylist() if table is not None else []
    by_block: dict[int, list[int]] = {}
    for row, block in enumerate(block_of):
        by_block.setdefault(block, []).append(row)
    vectors = (
        _global_vectors(work, grouper, _routed_counts(paths, grouper, articles))
        if articles
        else None
    )

    budget = Budget(max_words=words) if words else None
    article_rows: dict[str, list[Any]] = {
        k: [] for k in ("article_id", "story_id", "story_size", "source", "title", "date", "url")
    }
    story_rows: dict[str, list[Any]] = {
        k: [] for k in ("story_id", "n_articles", "article_ids", "label", "brief")
    }
    for block in sorted(by_block):
        members = by_block[block]
        # A one-article block is its own story: skip slicing its row out of the
        # sparse matrix (most blocks are singletons, and each slice costs ~50 us).
        labels = (
            group_block(grouper, [articles[r] for r in members], vectors[members])
            if len(members) > 1
            else np.zeros(len(members), dtype=np.int64)
        )
        groups: dict[int, list[Article]] = {}
        for row, label in zip(members, labels.tolist(), strict=True):
            groups.setdefault(label, []).append(articles[row])
        stories = [sorted(g, key=lambda a: a.id) for g in groups.values()]
        for story_articles in sorted(stories, key=lambda g: g[0].id):
            ids = [a.id for a in story_articles]
            sid = story_id(ids)
            story = build_story(story_articles) if budget is not None else None
            brief_json = None
            if story is not None and story.sentences:
                brief = pipeline.run_story(story, budget)
                brief_json = json.dumps(brief.to_dict(), ensure_ascii=False, sort_keys=True)
            story_rows["story_id"].append(sid)
            story_rows["n_articles"].append(len(ids))
            story_rows["article_ids"].append(ids)
            story_rows["label"].append(
                headline([a.text for a in story_articles], [a.title for a in story_articles])
            )
            story_rows["brief"].append(brief_json)
            for article in story_articles:
                article_rows["article_id"].append(article.id)
                article_rows["story_id"].append(sid)
                article_rows["story_size"].append(len(ids))
                article_rows["source"].append(article.source)
                article_rows["title"].append(article.title)
                article_rows["date"].append(article.date)
                article_rows["url"].append(article.url)

    article_table = pa.table(
        {
            name_: pa.array(values, type=pa.int64() if name_ == "story_size" else pa.string())
            for name_, values in article_rows.items()
        }
    )
    story_table = pa.table(
        {
            "story_id": pa.array(story_rows["story_id"], type=pa.string()),
            "n_articles": pa.array(story_rows["n_articles"], type=pa.int64()),
            "article_ids": pa.array(story_rows["article_ids"], type=pa.list_(pa.string())),
            "label": pa.array(story_rows["label"], type=pa.string()),
            "brief": pa.array(story_rows["brief"], type=pa.string()),
        }
    )
    _atomic_write_bytes(out / "jsonl" / "articles" / f"{name}.jsonl", _jsonl(article_table))
    _atomic_write_parquet(out / "articles" / f"{name}.parquet", article_table)
    _atomic_write_bytes(
        out / "jsonl" / "stories" / f"{name}.jsonl", _jsonl(story_table, nested="brief")
    )
    # The stories Parquet file goes last: it is this task's completion marker.
    _atomic_write_parquet(marker, story_table)
    return {
        "task": task,
        "n_stories": story_table.num_rows,
        "rss_mb": _peak_rss_mb(),
        "resumed": False,
    }


def _jsonl(table: Any, *, nested: str | None = None) -> bytes:
    """One JSON object per row (sorted keys); the ``nested`` column holds JSON text,
    written as the object it encodes."""
    lines = []
    for row in table.to_pylist():
        if nested and row.get(nested) is not None:
            lines.append(_dumps_with_json(row, nested))
        else:
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")


def _dumps_with_json(row: dict[str, Any], nested: str) -> str:
    """``json.dumps({**row, nested: json.loads(row[nested])}, ensure_ascii=False,
    sort_keys=True)`` without decoding and encoding the nested text again.

    The nested text is a brief's ``json.dumps(..., ensure_ascii=False, sort_keys=True)``:
    decoding and encoding it with the same options gives it back character for
    character (keys already sorted, floats written as their shortest repr, which reads
    back as the same float), so it is spliced in as it is; ``json.dumps`` of a dict is
    its sorted items' ``key: value`` texts joined by ", " inside braces
    (tests/test_speed_round8.py compares the two on briefs).
    """
    items = [
        f"{json.dumps(key, ensure_ascii=False)}: "
        + (row[key] if key == nested else json.dumps(row[key], ensure_ascii=False, sort_keys=True))
        for key in sorted(row)
    ]
    return "{" + ", ".join(items) + "}"


# --------------------------------------------------------------------- engines


#: Young-generation threshold of Python's cyclic garbage collector in processes
#: newsbrief owns (the ``newsbrief batch`` process and the local engine's workers).
YOUNG_GC_THRESHOLD = 10_000


def fewer_young_collections() -> None:
    """Raise the collector's young-generation threshold (default 700) to
    ``YOUNG_GC_THRESHOLD`` in this process, keeping the older generations' settings.

    Why: a batch run allocates millions of short-lived container objects (tokens,
    sentence records, dataclasses); at the default threshold the collector runs
    about 480 young collections per 5,000 articles and took about 3% of the CPU
    (docs/benchmarks.md, Scale, round 8). Outputs do not depend on when cycles are
    freed. Only for processes newsbrief itself starts (the CLI's batch process, the
    local pool's workers): it is process-wide state, so the library never sets it on
    import, nor in Dask workers, which may share a process with other work.
    """
    import gc

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, older, oldest)


class LocalEngine:
    """A process pool on this machine (inline when ``n_workers`` is 1).

    One pool serves every step, so workers start (and import) once. A worker
    process that dies breaks the pool; the unfinished tasks are then resubmitted
    to a fresh pool, up to ``retries`` times.
    """

    def __init__(self, n_workers: int = 2, *, retries: int = 2, progress: bool = True) -> None:
        self.n_workers = n_workers
        self.retries = retries
        self.progress = progress
        self._pool: Any = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _get_pool(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is None:
            # Imported before the fork so every worker starts with them loaded.
            import pyarrow.parquet  # noqa: F401
            import sklearn.feature_extraction.text  # noqa: F401

            self._pool = ProcessPoolExecutor(
                max_workers=self.n_workers, initializer=fewer_young_collections
            )
        return self._pool

    def map(self, fn: Callable[..., Any], items: Sequence[tuple[Any, ...]], desc: str) -> list[Any]:
        """``fn(*item)`` for every item, results in item order."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        bar = _progress_bar(len(items), desc, self.progress)
        results: dict[int, Any] = {}
        try:
            if self.n_workers <= 1:
                for position, item in enumerate(items):
                    results[position] = fn(*item)
                    bar.update(1)
                return [results[i] for i in range(len(items))]
            attempts = 0
            while len(results) < len(items):
                pending = [i for i in range(len(items)) if i not in results]
                try:
                    pool = self._get_pool()
                    futures = {pool.submit(fn, *items[i]): i for i in pending}
                    for future in as_completed(futures):
                        results[futures[future]] = future.result()
                        bar.update(1)
                except BrokenProcessPool:
                    self._pool = None
                    attempts += 1
                    if attempts > self.retries:
                        raise BatchError(
                            f"{desc}: a worker process died {attempts} times; "
                            "rerun to resume from the finished partitions"
                        ) from None
            return [results[i] for i in range(len(items))]
        finally:
            bar.close()


class DaskEngine:
    """A Dask cluster: the one at ``scheduler``, or a LocalCluster on 127.0.0.1.

    Tasks are submitted with ``retries`` (a task that raises is run again) and a
    task lost with a dead worker is rescheduled by Dask itself.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        n_workers: int = 2,
        memory_limit: str = DEFAULT_WORKER_MEMORY,
        retries: int = 3,
        progress: bool = True,
    ) -> None:
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.memory_limit = memory_limit
        self.retries = retries
        self.progress = progress
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise MissingExtraError("dask", "distributed") from None
        if self.scheduler:
            self._client = Client(self.scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=self.memory_limit,
                host="127.0.0.1",
                # The scheduler always serves HTTP (metrics); a free port on the
                # loopback, so it never clashes with another cluster on 8787.
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=40,
            )
            self._client = Client(self._cluster)
        return self

    @property
    def client(self) -> Any:
        """The ``dask.distributed.Client`` (inside the ``with`` block)."""
        return self._client

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def map(self, fn: Callable[..., Any], items: Sequence[tuple[Any, ...]], desc: str) -> list[Any]:
        """``fn(*item)`` for every item on the cluster, results in item order."""
        from dask.distributed import as_completed

        if not items:
            return []
        futures = [
            self._client.submit(fn, *item, retries=self.retries, pure=False, key=f"{desc}-{i}")
            for i, item in enumerate(items)
        ]
        position = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, Any] = {}
        bar = _progress_bar(len(items), desc, self.progress)
        try:
            for future in as_completed(futures):
                results[position[future.key]] = future.result()
                bar.update(1)
        finally:
            bar.close()
        return [results[i] for i in range(len(items))]


def _progress_bar(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="task", disable=not enabled, file=sys.stderr)


# ------------------------------------------------------------------------ driver


def _check_outdir(outdir: Path, fingerprint: str) -> None:
    """Refuse to mix a different run's files into ``outdir``; resume the same run."""
    stamp = outdir / "_work" / "fingerprint"
    if stamp.exists():
        if stamp.read_text(encoding="utf-8").strip() != fingerprint:
            raise BatchError(
                f"{outdir}: holds a batch run of other inputs or settings; "
                "use a new output directory or delete this one"
            )
        return
    if outdir.exists() and any(outdir.iterdir()):
        raise BatchError(f"{outdir}: output directory is not empty and is not a batch run")
    _atomic_write_bytes(stamp, fingerprint.encode("utf-8"))


def run_batch(
    inputs: Sequence[str],
    outdir: str | os.PathLike[str],
    *,
    engine: str = "local",
    scheduler: str | None = None,
    n_workers: int = 2,
    settings: BatchSettings | None = None,
    pipeline: Any = None,
    grouper: Any = None,
    memory_limit: str = DEFAULT_WORKER_MEMORY,
    progress: bool = True,
) -> BatchResult:
    """Clean, group and brief every article of ``inputs``; write outputs under ``outdir``.

    ``engine`` is ``"local"`` (process pool of ``n_workers``) or ``"dask"`` (the
    cluster at ``scheduler``, or a LocalCluster of ``n_workers`` on 127.0.0.1).
    Rerunning with the same inputs and settings resumes an interrupted run.
    Without a ``pipeline`` the stories are briefed by ``newsbrief.v1``, the default
    pipeline's summarizer without its summary-level reranker (the cheaper one for a
    firehose; pass a pipeline to choose another).
    """
    from newsbrief.pipeline import Pipeline
    from newsbrief.summarize import SentenceLevelSummarizer

    started = time.perf_counter()
    settings = settings or BatchSettings()
    if pipeline is None:
        pipeline = Pipeline.default().replace("summarize", SentenceLevelSummarizer())
    pipeline = _article_pipeline(pipeline)
    grouper = grouper or _default_grouper()
    files = expand_inputs(inputs)
    if not files:
        raise InputError(", ".join(inputs), "no input files")
    partitions = plan_partitions(files, settings.partition_size)
    out = Path(outdir)
    _check_outdir(out, _fingerprint(partitions, settings, pipeline, grouper))
    work = str(out / "_work")
    seconds: dict[str, float] = {"plan": time.perf_counter() - started}

    if engine == "local":
        runner: LocalEngine | DaskEngine = LocalEngine(n_workers, progress=progress)
    elif engine == "dask":
        runner = DaskEngine(
            scheduler, n_workers=n_workers, memory_limit=memory_limit, progress=progress
        )
    else:
        raise ValueError(f"unknown engine {engine!r}; choose local or dask")

    with runner:
        clock = time.perf_counter()
        prepared = runner.map(
            _prepare_task, [(p, work, pipeline, grouper) for p in partitions], "prepare"
        )
        seconds["prepare"] = time.perf_counter() - clock

        clock = time.perf_counter()
        idf_path = Path(work) / "idf.npz"
        n_docs = sum(s["n_articles"] for s in prepared)
        if not idf_path.exists():
            df = np.zeros(N_FEATURES, dtype=np.int64)
            for part in partitions:
                with np.load(Path(work) / "prepare" / f"{part.name}.npz") as stored:
                    df[stored["df_index"]] += stored["df_count"]
            _atomic_write_npz(idf_path, df=df, n_docs=np.int64(n_docs))
        runner.map(
            _sketch_task, [(p, work, grouper, settings.n_keys) for p in partitions], "sketch"
        )
        seconds["sketch"] = time.perf_counter() - clock

        clock = time.perf_counter()
        loaded = [_load_sketch(work, p) for p in partitions]
        sizes = [keys.shape[0] for keys, _ in loaded]
        all_keys = (
            np.concatenate([k for k, _ in loaded])
            if loaded
            else np.empty((0, settings.n_keys), np.int64)
        )
        sketch = (
            sp.vstack([s for _, s in loaded], format="csr") if loaded else sp.csr_matrix((0, 1))
        )
        del loaded
        pairs, scores, n_pairs = strong_pairs(
            all_keys,
            sketch,
            max_posting=settings.max_posting,
            min_similarity=settings.block_min_similarity,
        )
        del sketch
        blocks = find_blocks(
            len(all_keys),
            pairs,
            scores,
            min_similarity=settings.block_min_similarity,
            max_block_size=settings.max_block_size,
        )
        del pairs, scores
        tasks = _assign_tasks(blocks, settings.partition_size)
        seconds["block"] = time.perf_counter() - clock

        clock = time.perf_counter()
        offsets = np.concatenate(([0], np.cumsum(sizes)))
        runner.map(
            _route_task,
            [
                (p, work, tasks[offsets[i] : offsets[i + 1]], blocks[offsets[i] : offsets[i + 1]])
                for i, p in enumerate(partitions)
            ],
            "route",
        )
        seconds["route"] = time.perf_counter() - clock

        clock = time.perf_counter()
        n_tasks = int(tasks.max()) + 1 if len(tasks) else 0
        briefed = runner.map(
            _brief_task,
            [
                (t, work, str(out), pipeline, settings.words if settings.briefs else None, grouper)
                for t in range(n_tasks)
            ],
            "brief",
        )
        seconds["brief"] = time.perf_counter() - clock

    skipped = [tuple(s) for summary in prepared for s in summary["skipped"]]
    _atomic_write_bytes(
        out / "skipped.jsonl",
        "".join(
            json.dumps({"source": src, "reason": why}, ensure_ascii=False) + "\n"
            for src, why in skipped
        ).encode("utf-8"),
    )
    seconds["total"] = time.perf_counter() - started
    result = BatchResult(
        outdir=str(out),
        n_read=sum(s["n_read"] for s in prepared),
        n_articles=n_docs,
        n_skipped=len(skipped),
        n_stories=sum(b["n_stories"] for b in briefed),
        n_partitions=len(partitions),
        n_blocks=len(_sorted_unique(blocks)),
        n_candidate_pairs=int(n_pairs),
        seconds={k: round(v, 3) for k, v in seconds.items()},
        peak_worker_rss_mb=round(
            max([s.get("rss_mb", 0.0) for s in prepared + briefed] or [0.0]), 1
        ),
        driver_rss_mb=round(_peak_rss_mb(), 1),
        resumed_tasks=sum(1 for s in prepared + briefed if s.get("resumed")),
    )
    _atomic_write_bytes(
        out / "_batch.json", json.dumps(asdict(result), indent=2).encode("utf-8") + b"\n"
    )
    return result


def _default_grouper() -> Any:
    from newsbrief.cluster import StoryGrouper

    return StoryGrouper()


def _assign_tasks(blocks: np.ndarray, partition_size: int) -> np.ndarray:
    """Story task per row: whole blocks packed, in order of their label, to ~partition_size."""
    if not len(blocks):
        return np.empty(0, dtype=np.int64)
    _, inverse, counts = np.unique(blocks, return_inverse=True, return_counts=True)
    # Cumulative size decides the task, so a block never straddles two tasks.
    ends = np.cumsum(counts)
    starts = ends - counts
    block_task = (starts // partition_size).astype(np.int64)
    # Renumber so task ids are dense (a huge block can skip numbers).
    _, dense = np.unique(block_task, return_inverse=True)
    return dense[inverse].astype(np.int64)


def read_assignments(outdir: str | os.PathLike[str]) -> dict[str, str]:
    """Article id -> story id from a finished run's Parquet outputs."""
    import pyarrow.parquet as pq

    mapping: dict[str, str] = {}
    for path in sorted((Path(outdir) / "articles").glob("part-*.parquet")):
        table = pq.read_table(path, columns=["article_id", "story_id"])
        mapping.update(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))
    return mapping
