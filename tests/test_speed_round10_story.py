"""Round 10b speed-ups in story building: each fast path against the plain computation."""

from __future__ import annotations

import random

from newsbrief import dedup
from newsbrief.text import Stemmer, content_terms

_TEXTS = [
    "",
    "said",
    "The President said on Tuesday that the U.S. would act.",
    "Officials in the United States and the United Kingdom met at the U.N. on Monday.",
    "united\nstates",  # a clue needs its literal space
    "The ISIS fighters (also called Daesh or ISIL) agreed to a cease-fire.",
    "He noted, stated and declared it; she says so too.",
    "a russian federation envoy and the head of state",
    "usable, usage, causal: no clue at all in these words? yes: 'usa' inside 'causal'? no",
    "Nothing here but plain words about the weather in Paris.",
    "\u00e9t\u00e9 \u201cquoted\u201d caf\u00e9 \u2014 u.k. style",
]


def test_has_clue_is_the_alternation_search() -> None:
    rng = random.Random(10)
    pieces = [*dedup._ALL_CLUES, "u.", "s", "united ", "state", " ", "x", "leade", "truc", "e"]
    texts = [t.lower() for t in _TEXTS]
    # Random concatenations of clue fragments: clues split, joined and overlapping.
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(2000)]
    for text in texts:
        assert dedup._has_clue(text) == (dedup._ANY_CLUE.search(text) is not None), text


def test_copy_terms_unchanged() -> None:
    stem = Stemmer()
    for text in _TEXTS:
        expected = content_terms(dedup._normalize_for_copies(text, skip=False), stem)
        assert dedup._copy_terms(text, stem) == expected
        assert dedup.normalize_for_copies(text) == dedup._normalize_for_copies(text, skip=False)
