"""The README's example output is what ``newsbrief brief examples/`` prints today."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import update_readme_example


def test_readme_example_is_real_output() -> None:
    readme = update_readme_example.README.read_text(encoding="utf-8")
    expected = update_readme_example.example_block(*update_readme_example.example_output())
    assert update_readme_example.readme_block(readme) == expected, (
        "README example is stale: run python scripts/update_readme_example.py"
    )
