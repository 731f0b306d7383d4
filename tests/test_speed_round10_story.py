"""Round 10b speed-ups in story building: each fast path against the plain computation."""

from __future__ import annotations

import random
import re

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
    any_clue = re.compile("|".join(re.escape(clue) for clue in dedup._ALL_CLUES))
    for text in texts:
        assert dedup._has_clue(text) == (any_clue.search(text) is not None), text


def test_copy_terms_unchanged() -> None:
    stem = Stemmer()
    for text in _TEXTS:
        expected = content_terms(dedup._normalize_for_copies(text, skip=False), stem)
        assert dedup._copy_terms(text, stem) == expected
        assert dedup.normalize_for_copies(text) == dedup._normalize_for_copies(text, skip=False)


# --- sentence splitting: sure stops and one-sentence stretches (text._sure_stretches) ---

_SPLIT_CASES = [
    "The cat sat. The dog ran. It rained.",
    "Mr. Smith met Dr. Jones. The U.S. Senate voted. St. Louis won.",
    "He said. May 4 was hot. In 2010. May was cold. In 2010. The year ended.",
    "It cost 3.5 million. The shares rose 2.4 percent. Version 1.2. Done.",
    "Initials J. R. R. Tolkien wrote. He wrote. A. B. Smith came. I. II. III. IV. XX. Ok.",
    'He said. "We will win." She said. " we lost ." They left." Then more. "Yes," she said.',
    "\u201cQuoted here.\u201d Next one. \u2018Single\u2019 quote. \u201cAnother,\u201d he said. Fine.",
    "Wait... What happened... The end. Really?! Yes! No? Maybe; perhaps. Then.",
    "Visit https://example.com/a.b?c=d. The site works. Mail me at a.b@c.org. Then go.",
    "A sentence (with a bracket. Inside it) goes on. Another one. (A whole aside.) Next.",
    "(CNN) The storm hit. " + "Word " * 70 + "ends here. The next starts. It ends.",
    "Sen. Warren spoke. Gen. Smith spoke. Jan. 5 came. No. 10 Downing. no. 5 here. Ok.",
    "The McDonald. The iPhone. The iPod. Then the NASA. Then the USA. Then the HQ. Done.",
    "Line one.\n\nLine two. Two.\n\n\n  Line three.  \n",
    "tabs\tand\xa0odd\u2009spaces. The end.\u200b Zero width. Here.",
    "Ends with quote.\u201d The next. Ends with a quote.' Then. Ends.\u2019 Fin.",
    "etc. The list. vs. The other. approx. The value. Inc. The firm. Corp. The co.",
    "one. two. Three. four. Five, six. Seven, eight.",
    'He yelled. "No!" The crowd. " . " Odd. "',
    "",
    "   ",
    "No stops at all here",
    "Just one sentence.",
    'Trailing quote."',
    "\x1cControl\x1d chars. The end\x1f.",
]


def _reference_split(text: str) -> list[str]:
    """syntok's own segmenter over each paragraph, spacing normalised, quotes joined."""
    from syntok import segmenter

    from newsbrief.text import _join_open_quotes

    sentences: list[str] = []
    for paragraph in segmenter.analyze(text):
        pieces = []
        for tokens in paragraph:
            if not tokens:
                continue
            start, end = tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)
            piece = " ".join(text[start:end].split())
            if piece:
                pieces.append(piece)
        sentences.extend(_join_open_quotes(pieces))
    return sentences


def test_split_with_sure_stops_is_syntoks() -> None:
    from newsbrief.text import _split_sentences

    rng = random.Random(8)
    words = [
        "said.", "The", "the", "U.S.", "Mr.", "3.5", '"', '"We', "(a", "b)", "It", "etc.",
        "May", "2010.", "ok.", "\u201cYes.\u201d", "no.", "Jan.", "A", "I", "win.\"", "x",
    ]  # fmt: skip
    cases = list(_SPLIT_CASES)
    # Full stops around the reach of an opening bracket (``_BRACKET_REACH_CHUNKS``).
    for n in (5, 20, 35, 44, 45, 48, 49, 50, 51, 59, 60, 61):
        for gap in (" ", "  ", "\n"):
            cases.append(f"A (b{gap}" + gap.join(["c"] * n) + " ends. The c) d. The end.")
            cases.append(f"A (b{gap}" + gap.join(["c"] * n) + " x) ends. The next. Then.")
    cases += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    for text in cases:
        assert list(_split_sentences.__wrapped__(text)) == _reference_split(text), text


def test_sure_stretches_cover_the_paragraph() -> None:
    from newsbrief.text import _sure_stretches

    text = "The cat sat. The dog ran. Mr. Smith came. It ended."
    stretches = list(_sure_stretches(text, 0, len(text)))
    assert [text[a:b] for a, b, _ in stretches] == [
        "The cat sat.",
        " The dog ran. Mr. Smith came.",  # ("Mr" is not followed by a space)
        " It ended.",
    ]
    assert [single for _, _, single in stretches] == [True, False, True]
