"""Run registered summarizers over the same clusters, each timed on its own.

Every system does the whole job per cluster (sentence splitting, the story
stages, summarizing), so its wall time and clusters/s compare end to end. The
systems run one after another on one process pool, created and warmed up
before any clock starts; scoring runs afterwards on the same pool and is not
timed. Reference-aware summarizers (those with a ``reference`` field, such as
``oracle.v1``) receive each cluster's first reference via ``dataclasses.replace``.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import newsbrief.summarize  # noqa: F401  (importing it registers the built-in summarizers)
from newsbrief.evaluate.datasets import Cluster, cluster_story
from newsbrief.model import Budget
from newsbrief.registry import summarizers

#: Short system names accepted by ``evaluate --systems`` (any registered name works too).
SHORT_NAMES = {
    "newsbrief": "newsbrief.v2",
    "lead": "lead.v1",
    "lexrank": "lexrank.v1",
    "textrank": "textrank.v1",
    "lsa": "lsa.v1",
    "sumbasic": "sumbasic.v1",
    "oracle": "oracle.v1",
    "random": "random.v1",
}


def resolve_method(name: str) -> str:
    """The registered summarizer name for a short or registered ``name``."""
    method = SHORT_NAMES.get(name, name)
    if method not in summarizers:
        known = sorted({*SHORT_NAMES, *summarizers.names()})
        raise KeyError(f"unknown system {name!r}; choose from {', '.join(known)}")
    return method


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterSummary:
    """One system's summary of one cluster: one sentence a line, and its words."""

    id: str
    summary: str
    n_words: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemRun:
    """Everything one system produced over the clusters, and how long it took."""

    system: str
    method: str
    summaries: tuple[ClusterSummary, ...]
    wall_seconds: float

    @property
    def clusters_per_second(self) -> float:
        """Clusters summarized per second of wall time."""
        return len(self.summaries) / self.wall_seconds if self.wall_seconds > 0 else float("inf")

    @property
    def mean_words(self) -> float:
        """Mean summary length in words (whitespace tokens, as the budget counts)."""
        return (
            sum(s.n_words for s in self.summaries) / len(self.summaries) if self.summaries else 0.0
        )


def with_reference(summarizer: Any, cluster: Cluster) -> Any:
    """``summarizer`` given the cluster's reference when it has a ``reference`` field."""
    if any(f.name == "reference" for f in dataclasses.fields(summarizer)):
        return dataclasses.replace(
            summarizer, reference=cluster.summaries[0] if cluster.summaries else ""
        )
    return summarizer


def summarize_cluster(summarizer: Any, cluster: Cluster, budget: Budget) -> ClusterSummary:
    """Summarize one benchmark cluster the way ``summarize-batch`` and ``evaluate`` do."""
    story = cluster_story(cluster)
    selection = with_reference(summarizer, cluster).summarize(story, budget)
    text_of = {s.id: s.text for s in story.sentences}
    return ClusterSummary(
        id=cluster.id,
        summary="\n".join(text_of[i] for i in selection.sentence_ids),
        n_words=selection.n_words,
    )


#: The system a worker process last summarized for (see ``_summarize_task``).
_LAST_SYSTEM: list[Any] = [None]


def _summarize_task(task: tuple[Any, Cluster, Budget]) -> ClusterSummary:
    # Each system must pay for its own sentence splitting: forget the per-text
    # memos an earlier system filled on the same clusters when the system changes.
    if _LAST_SYSTEM[0] != task[0]:
        from newsbrief.text import clear_memos

        clear_memos()
        _LAST_SYSTEM[0] = task[0]
    return summarize_cluster(*task)


def _score_task(task: tuple[str, tuple[str, ...]]) -> tuple[float, ...]:
    from newsbrief.evaluate.rouge import score_summary

    return score_summary(*task)


def _warm_up(_: int) -> int:
    # Import what every task needs, so pool start-up is not charged to the first system.
    import newsbrief.evaluate.rouge
    import newsbrief.pipeline  # noqa: F401

    return os.getpid()


def default_jobs() -> int:
    """Worker processes to use by default: every core this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


class Runner:
    """A pool of ``jobs`` worker processes (none when ``jobs`` is 1) mapping tasks in order."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        self._pool: Any = None
        self._previous_sigterm: Any = None
        if self.jobs > 1:
            if threading.current_thread() is threading.main_thread():
                # A killed run must not leave its workers behind: turn SIGTERM into
                # SystemExit so ``__exit__`` terminates the pool.
                self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
            # spawn: workers start clean (no copied threads or locks from the parent).
            self._pool = multiprocessing.get_context("spawn").Pool(self.jobs)
            self._pool.map(_warm_up, range(self.jobs))

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        """Results of ``function`` over ``tasks``, in task order, as they complete."""
        if self._pool is None:
            return map(function, tasks)
        chunksize = max(1, min(16, len(tasks) // (self.jobs * 8) or 1))
        return self._pool.imap(function, tasks, chunksize=chunksize)

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _progress(items: Iterable[Any], total: int, label: str, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=label, unit="cluster", leave=False)


def run_system(
    runner: Runner,
    method: str,
    clusters: Sequence[Cluster],
    budget: Budget,
    *,
    system: str | None = None,
    progress: bool = False,
) -> SystemRun:
    """Run the summarizer registered as ``method`` (default settings) over ``clusters``."""
    summarizer = summarizers.get(method)()
    tasks = [(summarizer, cluster, budget) for cluster in clusters]
    start = time.perf_counter()
    results = tuple(
        _progress(runner.map(_summarize_task, tasks), len(tasks), system or method, progress)
    )
    elapsed = time.perf_counter() - start
    return SystemRun(
        system=system or method, method=method, summaries=results, wall_seconds=elapsed
    )


def score_run(runner: Runner, run: SystemRun, clusters: Sequence[Cluster]) -> Any:
    """Mean rouge-score ``RougeScores`` of a run against the clusters' references."""
    from newsbrief.evaluate.rouge import mean_scores

    tasks = [(s.summary, c.summaries) for s, c in zip(run.summaries, clusters, strict=True)]
    return mean_scores(list(runner.map(_score_task, tasks)))
