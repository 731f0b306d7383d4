"""The measuring instrument: cluster readers, ROUGE scorers, baselines, batch and evaluate CLI."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from newsbrief.cli import main
from newsbrief.errors import InputError
from newsbrief.evaluate.datasets import Cluster, cluster_story, iter_clusters, load_clusters
from newsbrief.evaluate.rouge import (
    parse_perl_output,
    perl_available,
    perl_rouge,
    score_summaries,
    score_summary,
    wordnet_db,
)
from newsbrief.evaluate.runner import Runner, resolve_method, summarize_cluster
from newsbrief.model import Budget
from newsbrief.registry import summarizers
from newsbrief.summarize import NewsbriefSummarizer

# Three invented reports of one event, plus a short reference summary.
DOCS = (
    "Heavy rain flooded the river town of Millbrook on Tuesday. Officials opened two shelters "
    "at the high school. About 300 residents left their homes overnight.",
    "The river in Millbrook rose four feet above flood stage on Tuesday, officials said. "
    "Two shelters opened at the high school and the library. Roads into town were closed.",
    "Millbrook's mayor asked for state help after the flood. Crews worked through the night "
    "to protect the water plant. No injuries were reported.",
)
REFERENCE = (
    "Heavy rain flooded Millbrook on Tuesday, pushing the river four feet above flood stage. "
    "About 300 residents went to shelters at the high school and the library. "
    "The mayor asked the state for help."
)


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in records)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- rouge-score, against values computed by hand ------------------------------------------


def test_rouge_unigram_bigram_and_lsum_by_hand() -> None:
    # Summary "the cat sat": 3 unigrams, 2 bigrams. Reference "the cat sat on the mat":
    # 6 unigrams, 5 bigrams. R-1: overlap 3 -> P 3/3, R 3/6, F 2*1*0.5/1.5 = 2/3.
    # overlap {the cat, cat sat} = 2 -> P 1, R 2/5, F 2*0.4/1.4 = 4/7.
    # Lsum: one sentence each, LCS "the cat sat" = 3 -> same as R-1.
    r1f, r2f, lsf, r1r, r2r, lsr = score_summary("the cat sat", ["The cat sat on the mat."])
    assert r1f == pytest.approx(2 / 3)
    assert r2f == pytest.approx(4 / 7)
    assert lsf == pytest.approx(2 / 3)
    assert (r1r, r2r, lsr) == pytest.approx((0.5, 0.4, 0.5))


def test_rouge_stemming_is_on() -> None:
    # Porter: running -> run, runs -> run, dogs -> dog. Summary {run, dog}; reference
    # {the, dog, run}: R-1 overlap 2 -> P 1, R 2/3, F 0.8. Bigram "run dog" is not in
    # the reference ("the dog", "dog run"): R-2 = 0.
    r1f, r2f, *_ = score_summary("running dogs", ["The dog runs."])
    assert r1f == pytest.approx(0.8)
    assert r2f == 0.0


def test_rouge_lsum_splits_reference_into_sentences() -> None:
    # Reference sentences "the cat sat" and "the dog ran"; the summary has both,
    # in the other order, one per line. Summary-level LCS finds every word of each
    # reference sentence (union LCS 3 + 3 of 6 words), so R-Lsum F = 1 although
    # plain LCS over the joined text is only 4 of 6 words.
    *_, lsum_f, _, _, lsum_r = score_summary(
        "The dog ran.\nThe cat sat.", ["The cat sat. The dog ran."]
    )
    assert lsum_f == pytest.approx(1.0)
    assert lsum_r == pytest.approx(1.0)


def test_mean_scores_average_clusters() -> None:
    scores = score_summaries(
        ["the cat sat", "nothing shared"], [["The cat sat."], ["Other words."]]
    )
    assert scores.n_clusters == 2
    assert scores.rouge1_f == pytest.approx(0.5)  # (1 + 0) / 2


def test_parse_perl_output() -> None:
    output = (
        "1 ROUGE-1 Average_R: 0.60000 (95%-conf.int. 0.60000 - 0.60000)\n"
        "1 ROUGE-1 Average_F: 0.66667 (95%-conf.int. 0.66667 - 0.66667)\n"
    )
    assert parse_perl_output(output) == {"rouge-1": {"r": 0.6, "f": 0.66667}}


@pytest.mark.skipif(
    not perl_available(),
    reason="ROUGE-1.5.5 needs perl with XML::Parser (apt-get install libxml-parser-perl); "
    "scripts/test installs it",
)
def test_perl_rouge_stems_irregular_forms(tmp_path: Path) -> None:
    # The database is built into tmp_path so this tests the builder, not a cache.
    data_dir = wordnet_db(tmp_path / "rouge-data")
    assert (data_dir / "WordNet-2.0.exc.db").stat().st_size > 0
    # With -m and the WordNet exceptions, "went" becomes "go": a perfect match.
    went = perl_rouge(["He went home."], [["He go home."]], data_dir=data_dir)
    assert went["rouge-1"]["f"] == pytest.approx(1.0)
    assert went["rouge-2"]["f"] == pytest.approx(1.0)
    # A regular different verb does not match: 2 of 3 unigrams.
    walked = perl_rouge(["He walked home."], [["He go home."]], data_dir=data_dir)
    assert walked["rouge-1"]["r"] == pytest.approx(2 / 3, abs=1e-4)
    # "police killed the gunman" vs "the gunman killed the policeman": unigrams shared
    # {killed, the, gunman} = 3 of 4 (P) and 5 (R); bigrams shared {killed the, the gunman}
    # = 2 of 3 (P) and 4 (R), so R-2 F = 2 * (2/3) * (1/2) / (2/3 + 1/2) = 4/7.
    killed = perl_rouge(
        ["Police killed the gunman"], [["The gunman killed the policeman"]], data_dir=data_dir
    )
    assert killed["rouge-1"]["r"] == pytest.approx(0.6)
    assert killed["rouge-1"]["p"] == pytest.approx(0.75)
    assert killed["rouge-2"]["f"] == pytest.approx(4 / 7, abs=1e-4)


# --- readers ---------------------------------------------------------------------------------


CLUSTERS = [
    {"id": "c-0", "documents": list(DOCS), "summaries": [REFERENCE]},
    {"id": "c-1", "documents": ["", DOCS[0], "   "], "summaries": ["Rain flooded Millbrook."]},
    {"id": "c-2", "documents": [DOCS[1]], "summaries": ["The river rose."]},
]


def _expected() -> list[Cluster]:
    return [
        Cluster("c-0", DOCS, (REFERENCE,)),
        Cluster("c-1", (DOCS[0],), ("Rain flooded Millbrook.",), n_empty_documents=2),
        Cluster("c-2", (DOCS[1],), ("The river rose.",)),
    ]


@pytest.mark.parametrize("name", ["val.jsonl", "val.jsonl.gz"])
def test_cluster_jsonl_round_trip(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, CLUSTERS)
    assert list(iter_clusters(path)) == _expected()


@pytest.mark.parametrize("separator", [" story_separator_special_tag ", " ||||| "])
def test_multinews_src_tgt_round_trip(tmp_path: Path, separator: str) -> None:
    src = tmp_path / "val.src"
    tgt = tmp_path / "val.tgt"
    src.write_text(
        "".join(separator.join(c["documents"]) + "\n" for c in CLUSTERS),  # type: ignore[arg-type]
        encoding="utf-8",
    )
    tgt.write_text("".join(c["summaries"][0] + "\n" for c in CLUSTERS), encoding="utf-8")  # type: ignore[index]
    got = load_clusters(src)
    want = _expected()
    assert [c.documents for c in got] == [c.documents for c in want]
    assert [c.summaries for c in got] == [c.summaries for c in want]
    assert [c.n_empty_documents for c in got] == [0, 2, 0]
    assert [c.id for c in got] == ["val-0", "val-1", "val-2"]


def test_multinews_newline_token_becomes_line_break(tmp_path: Path) -> None:
    (tmp_path / "t.src").write_text("First line. NEWLINE_CHAR NEWLINE_CHAR Second line.\n")
    (tmp_path / "t.tgt").write_text("Ref.\n")
    (cluster,) = load_clusters(tmp_path / "t.src")
    # Two tokens in a row are a paragraph break, which the sentence splitter respects.
    assert cluster.documents == ("First line.\n\nSecond line.",)


def test_src_without_tgt_is_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "x.src").write_text("A document.\n")
    with pytest.raises(InputError, match=r"x\.src: no reference file x\.tgt"):
        load_clusters(tmp_path / "x.src")


def test_huggingface_export_round_trip(tmp_path: Path) -> None:
    records = [
        {"document": " ||||| ".join(c["documents"]), "summary": c["summaries"][0]}  # type: ignore[arg-type, index]
        for c in CLUSTERS
    ]
    got = load_clusters(write_jsonl(tmp_path / "validation.jsonl", records))
    want = _expected()
    assert [c.documents for c in got] == [c.documents for c in want]
    assert [c.summaries for c in got] == [c.summaries for c in want]
    assert [c.id for c in got] == ["validation-0", "validation-1", "validation-2"]


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(CLUSTERS[0]) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n"
        + json.dumps(CLUSTERS[2]) + "\n"
    )  # fmt: skip
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON"):
        load_clusters(path)
    problems: list[InputError] = []
    got = load_clusters(path, errors=problems)
    assert [c.id for c in got] == ["c-0", "c-2"]  # the good lines are still read
    assert [p.source.rsplit(":", 1)[1] for p in problems] == ["2", "3"]
    assert "no 'documents'" in problems[1].reason


def test_limit_takes_first_clusters(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", CLUSTERS)
    assert [c.id for c in load_clusters(path, limit=2)] == ["c-0", "c-1"]


def test_cluster_story_keeps_document_order_and_fills_support() -> None:
    cluster = Cluster("c", DOCS, (REFERENCE,))
    story = cluster_story(cluster)
    assert [a.source for a in story.articles] == ["c#0", "c#1", "c#2"]
    assert [a.text for a in story.articles] == list(DOCS)
    assert len(story.support) == len(story.sentences)
    # The two "shelters at the high school" sentences support each other.
    shelters = [i for i, s in enumerate(story.sentences) if "shelters" in s.text]
    assert all(len(story.support[i]) >= 1 for i in shelters)


def test_single_document_cluster_is_summarized() -> None:
    result = summarize_cluster(
        NewsbriefSummarizer(), Cluster("one", (DOCS[0],), ("x",)), Budget(max_words=20)
    )
    assert result.summary
    assert result.n_words <= 20


# --- every registered summarizer keeps the contract -----------------------------------------


def _summarizer(name: str) -> object:
    summarizer = summarizers.get(name)()
    if any(f.name == "reference" for f in dataclasses.fields(summarizer)):
        summarizer = dataclasses.replace(summarizer, reference=REFERENCE)
    return summarizer


@pytest.mark.parametrize("name", summarizers.names())
@pytest.mark.parametrize("words", [5, 18, 40, 500])
def test_every_summarizer_respects_budget(name: str, words: int) -> None:
    story = cluster_story(Cluster("c", DOCS, (REFERENCE,)))
    selection = _summarizer(name).summarize(story, Budget(max_words=words))  # type: ignore[attr-defined]
    by_id = {s.id: s for s in story.sentences}
    assert set(selection.sentence_ids) <= set(by_id)
    assert len(set(selection.sentence_ids)) == len(selection.sentence_ids)
    assert selection.n_words == sum(by_id[i].n_words for i in selection.sentence_ids)
    assert selection.n_words <= words
    if words >= 40 and name != "oracle.v1":  # the oracle may stop early on purpose
        assert selection.n_words > 0
    again = _summarizer(name).summarize(story, Budget(max_words=words))  # type: ignore[attr-defined]
    assert again == selection  # deterministic


@pytest.mark.parametrize("name", summarizers.names())
def test_every_summarizer_handles_empty_and_one_sentence_stories(name: str) -> None:
    empty = cluster_story(Cluster("e", (), ()))
    assert _summarizer(name).summarize(empty, Budget(max_words=50)).sentence_ids == ()  # type: ignore[attr-defined]
    one = cluster_story(Cluster("o", ("Heavy rain flooded the river town of Millbrook.",), ()))
    selection = _summarizer(name).summarize(one, Budget(max_words=50))  # type: ignore[attr-defined]
    assert selection.n_words <= 50


def test_sumy_baselines_use_sumy_ratings() -> None:
    # SumBasic's first pick is the sentence whose words are most frequent in the story;
    # the ratings come from sumy itself, one per story sentence.
    from newsbrief.summarize.sumy_baselines import sumy_ratings

    story = cluster_story(Cluster("c", DOCS, (REFERENCE,)))
    for path in ("lex_rank:LexRankSummarizer", "sum_basic:SumBasicSummarizer"):
        ratings = sumy_ratings(story, path)
        assert ratings.shape == (len(story.sentences),)
        assert len(set(ratings.tolist())) > 1


def test_oracle_beats_lead_against_its_reference() -> None:
    cluster = Cluster("c", DOCS, (REFERENCE,))
    budget = Budget(max_words=45)
    oracle = summarize_cluster(summarizers.get("oracle.v1")(), cluster, budget)
    lead = summarize_cluster(summarizers.get("lead.v1")(), cluster, budget)
    assert (
        score_summary(oracle.summary, [REFERENCE])[:2]
        >= score_summary(lead.summary, [REFERENCE])[:2]
    )


def test_short_system_names() -> None:
    assert resolve_method("newsbrief") == "newsbrief.v2"
    assert resolve_method("lexrank") == "lexrank.v1"
    assert resolve_method("lead.v1") == "lead.v1"
    with pytest.raises(KeyError, match="unknown system 'nope'"):
        resolve_method("nope")


# --- the CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_summarize_batch_matches_direct_call(tmp_path: Path, jobs: str) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", CLUSTERS)
    out = tmp_path / "out.jsonl"
    code = main(["summarize-batch", str(path), "-o", str(out), "--words", "30", "--jobs", jobs])
    assert code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["c-0", "c-1", "c-2"]
    for line, cluster in zip(lines, load_clusters(path), strict=True):
        story = cluster_story(cluster)
        selection = NewsbriefSummarizer().summarize(story, Budget(max_words=30))
        text = {s.id: s.text for s in story.sentences}
        assert line["summary"] == "\n".join(text[i] for i in selection.sentence_ids)
        assert line["summary"]


def test_summarize_batch_unknown_method(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", CLUSTERS)
    code = main(["summarize-batch", str(path), "-o", str(tmp_path / "o"), "--method", "nope"])
    assert code == 2
    assert "unknown system 'nope'" in capsys.readouterr().err


def test_evaluate_prints_table_and_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", CLUSTERS)
    out_dir = tmp_path / "runs"
    argv = ["evaluate", str(path), "--words", "30", "--systems", "lead,random,oracle"]
    code = main([*argv, "--jobs", "1", "--quiet", "--out", str(out_dir)])
    assert code == 0
    printed = capsys.readouterr()
    rows = [line for line in printed.out.splitlines() if line.startswith("| ")]
    assert rows[0].split("|")[1].strip() == "system"
    assert sorted(r.split("|")[1].strip() for r in rows[2:]) == ["lead", "oracle", "random"]
    assert "command: newsbrief" in printed.out
    assert "dropped 2 empty document(s)" in printed.err
    summaries = [json.loads(x) for x in (out_dir / "lead.jsonl").read_text().splitlines()]
    assert len(summaries) == 3
    report = json.loads((out_dir / "results.json").read_text())
    assert {s["system"] for s in report["systems"]} == {"lead", "random", "oracle"}


def test_runner_pool_keeps_order() -> None:
    with Runner(2) as runner:
        assert list(runner.map(abs, [-3, 1, -2])) == [3, 1, 2]
        runner.close()


def test_each_system_pays_for_its_own_sentence_splitting() -> None:
    from newsbrief.evaluate import runner
    from newsbrief.text import _split_sentences

    cluster = Cluster("c-0", DOCS, (REFERENCE,))
    budget = Budget(max_words=20)
    lead = summarizers.get("lead.v1")()
    runner._summarize_task((lead, cluster, budget))
    misses = _split_sentences.cache_info().misses
    runner._summarize_task((lead, cluster, budget))
    assert _split_sentences.cache_info().misses == misses  # same system: splits reused
    runner._summarize_task((NewsbriefSummarizer(), cluster, budget))
    # A new system starts from empty memos and splits every document again.
    assert _split_sentences.cache_info().misses == len(DOCS)
