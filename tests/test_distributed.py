"""The batch engine: blocking, partitioned grouping, engines, fault tolerance, resumption."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow.parquet as pq
import pytest

from newsbrief.cli import main
from newsbrief.cluster import group_stories
from newsbrief.distributed import (
    BatchError,
    BatchSettings,
    candidate_pairs,
    expand_inputs,
    find_blocks,
    plan_partitions,
    read_assignments,
    run_batch,
    story_id,
)
from newsbrief.ingest import read_inputs
from newsbrief.model import Article

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "to",
    "ven",
    "dor",
    "sel",
    "qua",
    "bri",
    "nox",
    "tal",
    "fen",
    "gro",
    "pis",
    "zul",
    "mar",
    "tek",
    "vi",
    "han",
]
_COMMON = [
    "officials",
    "reported",
    "on",
    "Monday",
    "the",
    "city",
    "council",
    "said",
    "a",
    "new",
    "plan",
    "would",
    "start",
    "next",
    "week",
    "people",
    "gathered",
    "near",
    "market",
    "police",
    "announced",
    "results",
]
_NOTICE = (
    "These crawls are part of an effort to archive pages as they are created and archive "
    "the pages that they refer to."
)

SMALL = BatchSettings(partition_size=40)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3))


def synthetic_pile(n_stories: int = 30, seed: int = 0) -> list[dict[str, object]]:
    """Records of ``n_stories`` made-up stories (1-6 articles each, own names and words)."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for story in range(n_stories):
        names = [_word(rng).capitalize() for _ in range(4)]
        topic = [_word(rng) for _ in range(8)]
        for _ in range(rng.randint(1, 6)):
            sentences = []
            for _ in range(6):
                words = rng.sample(topic, 3) + rng.sample(_COMMON, 5)
                rng.shuffle(words)
                sentences.append(f"{rng.choice(names)} {' '.join(words)} {rng.choice(names)}.")
            records.append(
                {"text": " ".join(sentences), "title": f"{names[0]} {topic[0]}", "gold": story}
            )
    return records


def write_jsonl(path: Path, records: list[dict[str, object]], *, extra: str = "") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        handle.write(extra)
    return path


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pile")
    write_jsonl(folder / "a.jsonl", synthetic_pile(20, seed=1))
    write_jsonl(folder / "b.jsonl", synthetic_pile(15, seed=2))
    return folder


@pytest.fixture(scope="module")
def local_run(pile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "local"
    run_batch([str(pile)], out, engine="local", n_workers=2, settings=SMALL, progress=False)
    return out


def _output_bytes(outdir: Path) -> dict[str, bytes]:
    """Every output file's bytes (JSONL and Parquet rows), keyed by relative path."""
    files: dict[str, bytes] = {}
    for path in sorted(outdir.glob("jsonl/*/part-*.jsonl")):
        files[str(path.relative_to(outdir))] = path.read_bytes()
    for path in sorted(outdir.glob("*/part-*.parquet")):
        rows = pq.read_table(path).to_pylist()
        files[str(path.relative_to(outdir))] = json.dumps(rows, sort_keys=True).encode()
    return files


# -- blocking -------------------------------------------------------------------


def test_candidate_pairs_share_a_key_and_skip_common_keys() -> None:
    keys = np.array([[1, 7, -1], [1, 8, -1], [2, 7, -1], [9, 7, -1], [3, -1, -1]])
    # Key 7 is held by 3 rows: over max_posting=2, so it proposes nothing.
    assert candidate_pairs(keys, max_posting=2).tolist() == [[0, 1]]
    assert candidate_pairs(keys, max_posting=3).tolist() == [[0, 1], [0, 2], [0, 3], [2, 3]]
    assert candidate_pairs(np.full((3, 2), -1), max_posting=5).shape == (0, 2)


def test_find_blocks_joins_strong_pairs_and_splits_oversized_blocks() -> None:
    pairs = np.array([[0, 1], [1, 2], [2, 3], [4, 5]])
    scores = np.array([0.9, 0.12, 0.9, 0.05], dtype=np.float32)
    labels = find_blocks(6, pairs, scores, min_similarity=0.1, max_block_size=10)
    assert labels.tolist() == [0, 0, 0, 0, 4, 5]  # label = smallest row of the block
    # A block of 4 over a limit of 2 is split at the weak middle edge.
    labels = find_blocks(6, pairs, scores, min_similarity=0.1, max_block_size=2)
    assert labels.tolist() == [0, 0, 2, 2, 4, 5]


def test_story_id_depends_only_on_the_smallest_member() -> None:
    assert story_id(["b", "a", "c"]) == story_id(["a", "z"]) != story_id(["b"])


# -- planning and reading ------------------------------------------------------


def test_partitions_read_the_same_articles_as_one_whole_file_read(pile: Path) -> None:
    files = expand_inputs([str(pile)])
    parts = plan_partitions(files, 7)
    assert [p.index for p in parts] == list(range(len(parts)))
    assert all(p.stop is not None and p.stop - p.start <= 7 for p in parts)
    from newsbrief.distributed import _read_partition_articles

    by_parts = [a.id for p in parts for a in _read_partition_articles(p)[0]]
    whole = [a.id for a in read_inputs(files).articles]
    assert by_parts == whole


def test_expand_inputs_names_what_is_missing(tmp_path: Path) -> None:
    from newsbrief.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.jsonl")])
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.jsonl")])


# -- end to end -----------------------------------------------------------------


def test_every_article_gets_the_story_newsbrief_stories_gives_it(
    pile: Path, local_run: Path
) -> None:
    articles = list(read_inputs(expand_inputs([str(pile)])).articles)
    assignments = read_assignments(local_run)
    assert set(assignments) == {a.id for a in articles}
    # Same partition of the pile as the one-machine grouping of newsbrief.cluster.
    expected = {frozenset(g.article_ids) for g in group_stories(articles).stories}
    found: dict[str, set[str]] = {}
    for article_id, sid in assignments.items():
        found.setdefault(sid, set()).add(article_id)
    assert {frozenset(members) for members in found.values()} == expected
    # Story ids are the stable hash of each story's smallest article id.
    assert all(story_id(members) == sid for sid, members in found.items())


def test_story_outputs_hold_a_brief_per_story(local_run: Path) -> None:
    stories = [
        json.loads(line)
        for path in sorted((local_run / "jsonl" / "stories").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    table = pq.read_table(sorted((local_run / "stories").glob("*.parquet"))[0])
    assert table.column_names == ["story_id", "n_articles", "article_ids", "label", "brief"]
    assert {s["story_id"] for s in stories} == set(read_assignments(local_run).values())
    for story in stories:
        assert story["n_articles"] == len(story["article_ids"])
        assert story["brief"]["sentences"], story["story_id"]
        cited = {c for s in story["brief"]["sentences"] for c in s["citations"]}
        assert cited <= {s["number"] for s in story["brief"]["sources"]}
    summary = json.loads((local_run / "_batch.json").read_text(encoding="utf-8"))
    assert summary["n_stories"] == len(stories)
    assert summary["n_articles"] == sum(s["n_articles"] for s in stories)


def test_bad_records_and_non_articles_are_reported_not_grouped(tmp_path: Path) -> None:
    records = synthetic_pile(4, seed=5)
    write_jsonl(
        tmp_path / "in.jsonl",
        records,
        extra=f'{{"text": broken\n{json.dumps({"text": _NOTICE})}\n',
    )
    out = tmp_path / "out"
    result = run_batch([str(tmp_path / "in.jsonl")], out, n_workers=1, progress=False)
    skipped = [json.loads(line) for line in (out / "skipped.jsonl").read_text().splitlines()]
    reasons = {s["source"]: s["reason"] for s in skipped}
    line = len(records) + 1
    assert "invalid JSON" in reasons[f"{tmp_path / 'in.jsonl'}: line {line}"]
    assert f"{tmp_path / 'in.jsonl'}: line {line + 1}" in reasons
    assert result.n_articles == len(records) == len(read_assignments(out))


def test_local_single_process_and_pool_give_identical_outputs(
    pile: Path, local_run: Path, tmp_path: Path
) -> None:
    out = tmp_path / "inline"
    run_batch([str(pile)], out, engine="local", n_workers=1, settings=SMALL, progress=False)
    assert _output_bytes(out) == _output_bytes(local_run)


def test_rerun_skips_finished_partitions_and_completes_the_rest(
    pile: Path, local_run: Path, tmp_path: Path
) -> None:
    out = tmp_path / "resume"
    run_batch([str(pile)], out, n_workers=1, settings=SMALL, progress=False)
    # Simulate an interruption: the last story task and one prepare step never finished.
    stories = sorted((out / "stories").glob("part-*.parquet"))
    stories[-1].unlink()
    (out / "_work" / "prepare" / "part-00001.json").unlink()
    result = run_batch([str(pile)], out, n_workers=1, settings=SMALL, progress=False)
    n_prepare = len(list((out / "_work" / "prepare").glob("*.json")))
    assert result.resumed_tasks == (n_prepare - 1) + (len(stories) - 1)
    assert _output_bytes(out) == _output_bytes(local_run)


def test_a_different_run_is_refused_in_the_same_directory(pile: Path, local_run: Path) -> None:
    with pytest.raises(BatchError, match="other inputs or settings"):
        run_batch([str(pile)], local_run, settings=BatchSettings(partition_size=41))


@dataclass(frozen=True, slots=True, kw_only=True)
class DieOnce:
    """Article stage that kills its worker process the first time any worker runs it."""

    name: ClassVar[str] = "die-once.v1"
    kind: ClassVar[str] = "article"
    marker: str

    def run(self, article: Article) -> tuple[Article, ...]:
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return (article,)
        os._exit(1)  # a hard crash: no exception, no cleanup, the process is gone


def _dying_pipeline(marker: Path):  # type: ignore[no-untyped-def]
    from newsbrief.pipeline import Pipeline

    pipeline = Pipeline.default()
    return pipeline.insert_before(pipeline.names[0], "die", DieOnce(marker=str(marker)))


def test_local_pool_survives_a_worker_dying(pile: Path, tmp_path: Path) -> None:
    marker = tmp_path / "died"
    out = tmp_path / "out"
    pipeline = _dying_pipeline(marker)
    run_batch([str(pile)], out, n_workers=2, settings=SMALL, pipeline=pipeline, progress=False)
    assert marker.exists()
    articles = read_inputs(expand_inputs([str(pile)])).articles
    assert set(read_assignments(out)) == {a.id for a in articles}


def _lean_pipeline():  # type: ignore[no-untyped-def]
    """The default pipeline without its brief-enrichment stages (faster; same grouping)."""
    from newsbrief.pipeline import Pipeline, stage_kind

    pipeline = Pipeline.default()
    for name, stage in pipeline.steps:
        if stage_kind(stage) == "brief":
            pipeline = pipeline.remove(name)
    return pipeline


def test_dask_matches_local_and_survives_a_killed_worker(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    write_jsonl(tmp_path / "a.jsonl", synthetic_pile(6, seed=3))
    write_jsonl(tmp_path / "b.jsonl", synthetic_pile(5, seed=4))
    inputs = [str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]
    settings = BatchSettings(partition_size=12)
    lean = _lean_pipeline()
    local = tmp_path / "local"
    run_batch(inputs, local, n_workers=1, settings=settings, pipeline=lean, progress=False)
    # One cluster on 127.0.0.1 for both runs (and the --scheduler path): workers start once.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=50,
    ) as cluster:
        address = cluster.scheduler_address
        out = tmp_path / "dask"
        run_batch(
            inputs,
            out,
            engine="dask",
            scheduler=address,
            settings=settings,
            pipeline=lean,
            progress=False,
        )
        assert _output_bytes(out) == _output_bytes(local)

        marker = tmp_path / "died"
        killed = tmp_path / "dask-killed"
        run_batch(
            inputs,
            killed,
            engine="dask",
            scheduler=address,
            settings=settings,
            pipeline=lean.insert_before(lean.names[0], "die", DieOnce(marker=str(marker))),
            progress=False,
        )
    assert marker.exists()  # a worker really died mid-run
    articles = read_inputs(inputs).articles
    assert set(read_assignments(killed)) == {a.id for a in articles}
    assert read_assignments(killed) == read_assignments(local)


def test_cli_batch_writes_outputs_and_reports(
    pile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli"
    argv = ["batch", str(pile / "a.jsonl"), "-o", str(out), "--workers", "1", "--quiet"]
    assert main([*argv, "--no-briefs"]) == 0
    assert "stories" in capsys.readouterr().out
    assert read_assignments(out)
    stories = pq.read_table(out / "stories").to_pylist()
    assert stories and all(story["brief"] is None for story in stories)
    assert main(["batch", str(pile), "-o", str(out), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert main(["batch", str(tmp_path / "nothing.jsonl"), "-o", str(tmp_path / "x")]) == 2
