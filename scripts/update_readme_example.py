"""Rewrite the example output in README.md from a real run of ``newsbrief brief examples/``.

The README promises real output; ``tests/test_readme.py`` fails when the block and
the current output differ, and this script brings them back in line::

    python scripts/update_readme_example.py
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- EXAMPLE-START -->", "<!-- EXAMPLE-END -->"


def example_output() -> tuple[str, str]:
    """(stdout, stderr) of ``newsbrief brief examples/`` run in this process."""
    from newsbrief.cli import main

    out, err = io.StringIO(), io.StringIO()
    # Relative paths, as a reader typing the command in a clone would see them.
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["brief", "examples/"])
    if code != 0:
        raise SystemExit(f"newsbrief brief examples/ exited with {code}: {err.getvalue()}")
    return out.getvalue(), err.getvalue().strip()


def example_block(stdout: str, stderr: str) -> str:
    """The README block between the markers for this output."""
    return f"{START}\n```markdown\n{stdout}```\n\nand on stderr: `{stderr}`\n{END}"


def readme_block(text: str) -> str:
    """The block currently in the README, markers included."""
    return text[text.index(START) : text.index(END) + len(END)]


def main() -> int:
    """Rewrite the block; print whether it changed."""
    text = README.read_text(encoding="utf-8")
    block = example_block(*example_output())
    if readme_block(text) == block:
        print("README example is up to date")
        return 0
    README.write_text(text.replace(readme_block(text), block), encoding="utf-8")
    print("README example rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
