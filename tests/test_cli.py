"""The ``newsbrief`` command: output formats, files, and one-line errors for every bad input."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsbrief.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOOD = EXAMPLES / "newswire.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def lines_naming(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if path.name in line]


# --- bad inputs: each builder makes one unusable input under tmp_path ---


def _missing(tmp: Path) -> Path:
    return tmp / "missing.txt"


def _empty_directory(tmp: Path) -> Path:
    (tmp / "nothing-here").mkdir()
    (tmp / "nothing-here" / "notes.bin").write_bytes(b"\x00\x01")
    return tmp / "nothing-here"


def _empty_file(tmp: Path) -> Path:
    (tmp / "empty.txt").write_text("   \n\n", encoding="utf-8")
    return tmp / "empty.txt"


def _binary_file(tmp: Path) -> Path:
    (tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return tmp / "image.txt"


def _undecodable_file(tmp: Path) -> Path:
    # Invalid UTF-8 with no NUL bytes: high bytes in no particular encoding's pattern.
    rng = random.Random(1)
    (tmp / "garbled.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(400)))
    return tmp / "garbled.txt"


BAD_INPUTS = {
    "nonexistent": (_missing, "no such file"),
    "empty-directory": (_empty_directory, "no article files"),
    "empty-file": (_empty_file, "empty"),
    "binary-file": (_binary_file, "binary"),
    # charset-normalizer may find *some* encoding; then cleaning must leave nothing usable.
    "undecodable": (_undecodable_file, ""),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_alone_exits_2_with_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build, reason = BAD_INPUTS[case]
    bad = build(tmp_path)
    code, out, err = run(capsys, "brief", bad)
    assert code == 2
    assert out == ""
    named = lines_naming(err, bad)
    assert len(named) == 1, err
    assert reason in named[0]
    assert str(bad) in named[0]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_does_not_stop_good_ones(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build, reason = BAD_INPUTS[case]
    bad = build(tmp_path)
    code, out, err = run(capsys, "brief", bad, GOOD, "--words", "40")
    assert code == 0
    assert out.startswith("# ")
    assert "newswire.txt" in out
    named = lines_naming(err, bad)
    assert len(named) == 1 and reason in named[0]


def test_file_over_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.txt"
    shutil.copy(EXAMPLES / "harborton-herald.txt", big)
    small = tmp_path / "small.txt"
    small.write_text(
        "The footbridge over the river collapsed on Tuesday morning, officials said.\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "brief", big, small, "--max-size", "0.0001")  # 104 bytes
    assert code == 0
    (line,) = lines_naming(err, big)
    assert "limit" in line
    assert "river collapsed on Tuesday" in out

    code, out, err = run(capsys, "brief", big, "--max-size", "0.0001")
    assert code == 2 and out == ""
    assert len(lines_naming(err, big)) == 1


def test_overlong_path_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlong = tmp_path / ("n" * 300 + ".txt")  # longer than any file name may be
    code, out, err = run(capsys, "brief", overlong, GOOD, "-w", "30")
    assert code == 0 and out.startswith("# ")
    assert sum("nnnnnnnnnn" in line for line in err.splitlines()) == 1


def test_markdown_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", EXAMPLES)
    assert code == 0
    assert out.startswith("# ") and "## Sources" in out
    assert "README" not in out


def test_json_output_and_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", EXAMPLES, "--format", "json", "--words", "30")
    assert code == 0
    document = json.loads(out)
    assert document["max_words"] == 30
    assert 0 < document["n_words"] <= 30
    assert len(document["sources"]) == 5


def test_words_changes_length(capsys: pytest.CaptureFixture[str]) -> None:
    lengths = []
    for words in (20, 200):
        _, out, _ = run(capsys, "brief", EXAMPLES, "-f", "json", "-w", words)
        lengths.append(json.loads(out)["n_words"])
    assert lengths[0] <= 20 < lengths[1] <= 200


@pytest.mark.parametrize("words", ["0", "-3", "many"])
def test_bad_words_value(words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", str(EXAMPLES), "--words", words])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--words" in err and "Traceback" not in err


def test_output_file_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "brief.json"
    code, out, _ = run(capsys, "brief", EXAMPLES, "-f", "json", "-o", target)
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["sources"]
    assert os.listdir(out_dir) == ["brief.json"]  # no temp file left behind
    # Writing again replaces the file, still without leftovers.
    run(capsys, "brief", EXAMPLES, "-o", target)
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert os.listdir(out_dir) == ["brief.json"]


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "brief" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--words" in out and "--format" in out and "--max-size" in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_unknown_method(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "brief", EXAMPLES, "--method", "nope.v1")
    assert code == 2 and out == ""
    assert "nope.v1" in err and len(err.strip().splitlines()) == 1


def _subprocess(*argv: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbrief.cli", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_subprocess_markdown_and_json(tmp_path: Path) -> None:
    done = _subprocess("brief", "examples", "-f", "json", "-w", "60")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["n_words"] <= 60
    target = tmp_path / "brief.md"
    done = _subprocess("brief", "examples", "-o", target)
    assert done.returncode == 0 and done.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_subprocess_every_bad_input_at_once(tmp_path: Path) -> None:
    bad = [build(tmp_path) for build, _ in BAD_INPUTS.values()]
    done = _subprocess("brief", *bad, GOOD, "-w", "40")
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    for path in bad:
        assert len(lines_naming(done.stderr, path)) == 1, (path, done.stderr)
    done = _subprocess("brief", *bad)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr


def test_subprocess_help() -> None:
    done = _subprocess("brief", "--help")
    assert done.returncode == 0 and "--words" in done.stdout
