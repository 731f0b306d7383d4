"""Speed round 7 (issue #8): each fast path against the plain computation it replaces.

* copy normalisation: non-ASCII text without a case-folding hazard takes the
  lower-case, clue-skipping path (``newsbrief.dedup._copy_terms`` and
  ``_normalize_for_copies``);
* ``newsbrief.text.gram_matrix``: ``matrix @ matrix.T`` with the transpose built by
  numpy, the very same arrays;
* ``newsbrief.text.tfidf_matrix`` built with 32-bit index arrays.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief import dedup
from newsbrief.text import Stemmer, content_terms, gram_matrix, tfidf_entries, tfidf_matrix

_ALL_CHARACTERS = "".join(
    chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
)


def test_fold_hazards_are_every_character_re_i_folds_onto_a_pattern_letter() -> None:
    # Every literal character of the synonym patterns (letters, and "." "-" " "; the
    # letters of escapes such as \b and \W are included, which only widens the check).
    literals = sorted({c for pattern, _ in dedup.SPIN_SYNONYMS for c in pattern if c.isalnum()})
    literals += [".", "-", " "]
    folded_onto = set(re.findall("[" + re.escape("".join(literals)) + "]", _ALL_CHARACTERS, re.I))
    others = {c for c in folded_onto if not c.isascii()}
    assert others  # the check sees the known cases (long s, dotless i...)
    assert all(dedup._FOLD_HAZARDS.search(c) for c in others), sorted(others)


def test_lower_is_idempotent_on_every_character() -> None:
    # ``_copy_terms`` reads the terms of ``text`` for those of ``text.lower()``.
    spaced = " ".join(_ALL_CHARACTERS)
    assert spaced.lower().lower() == spaced.lower()
    assert _ALL_CHARACTERS.lower().lower() == _ALL_CHARACTERS.lower()


_PIECES = [
    "The U.S. president",
    "united states of america",
    "Leader",
    "head of state",
    "ceasefire",
    "cease-fire",
    "truce",
    "Islamic State",
    "ISIL",
    "said",
    "SAYS",
    "noted",
    "U.K.",
    "u.n.",
    "Russian Federation",
    "“quoted”",
    "café",
    "Ünïcödé",
    "ſays",
    "preſident",
    "dıd",
    "İstanbul",
    "\u212aelvin",
    "Σίσυφος",
    "naïve",
    "’s",
    "—",
    "2024",
    "\n\n",
    ".",
    ",",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=20))
def test_copy_normalisation_fast_path_equals_every_pattern(pieces: list[str]) -> None:
    text = " ".join(pieces)
    plain = dedup._normalize_for_copies(text, skip=False)
    assert dedup._normalize_for_copies(text, skip=True) == plain
    assert dedup.normalize_for_copies(text) == plain
    assert dedup._copy_terms(text, Stemmer()) == content_terms(plain, Stemmer())
    assert dedup._copy_terms(text, Stemmer()) == content_terms(plain, Stemmer().__call__)


def test_copy_normalisation_on_typical_non_ascii_news_text() -> None:
    text = "“We will not stop,” the U.S. leader says — Café owners noted the truce’s end."
    plain = dedup._normalize_for_copies(text, skip=False)
    assert "us president said" in plain and "ceasefire" in plain
    assert dedup.normalize_for_copies(text) == plain
    assert dedup._copy_terms(text, Stemmer()) == content_terms(plain, Stemmer().__call__)
    # A hazard character keeps the case-insensitive path, which folds it.
    hazard = "The preſident ſays so."
    assert dedup.normalize_for_copies(hazard) == dedup._normalize_for_copies(hazard, skip=False)
    assert "said" in dedup.normalize_for_copies(hazard)


def _same_csr(fast: sp.csr_matrix, plain: sp.csr_matrix) -> None:
    assert type(fast) is type(plain)
    assert fast.shape == plain.shape
    for name in ("data", "indices", "indptr"):
        got, want = getattr(fast, name), getattr(plain, name)
        assert got.dtype == want.dtype, name
        assert got.tobytes() == want.tobytes(), name


@pytest.mark.parametrize("seed", range(12))
def test_gram_matrix_is_the_scipy_product(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 40)), int(rng.integers(1, 300))
    density = float(rng.choice([0.0, 0.01, 0.05, 0.3]))
    matrix = sp.random(n_rows, n_cols, density=density, format="csr", random_state=seed)
    matrix = sp.csr_matrix(
        (matrix.data, matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)),
        shape=matrix.shape,
    )
    _same_csr(gram_matrix(matrix), matrix @ matrix.T)


def test_gram_matrix_of_unsorted_or_64_bit_matrices() -> None:
    # Columns out of order within a row, and a duplicate entry: still scipy's result.
    data = np.array([0.5, 0.25, 1.0, 2.0, 3.0])
    indices = np.array([4, 1, 1, 0, 0], dtype=np.int32)
    indptr = np.array([0, 2, 2, 5], dtype=np.int32)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(3, 6))
    _same_csr(gram_matrix(matrix), matrix @ matrix.T)
    wide = sp.csr_matrix((data, indices.astype(np.int64), indptr.astype(np.int64)), shape=(3, 6))
    _same_csr(gram_matrix(wide), wide @ wide.T)


def test_tfidf_matrix_and_its_gram_match_the_plain_construction() -> None:
    stem = Stemmer()
    sentences = [
        "The council approved the budget on Tuesday.",
        "On Tuesday the council approved a budget of $2 million.",
        "Residents protested outside the hall.",
        "",
        "The mayor said the budget was fair; the mayor said so twice.",
    ]
    documents = [content_terms(s, stem, bigrams=True) for s in sentences]
    matrix, vocabulary = tfidf_matrix(documents)
    entries = tfidf_entries(documents)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(entries.rows, minlength=len(documents)))))
    plain = sp.csr_matrix((entries.data, entries.cols, indptr), shape=entries.shape)
    assert vocabulary == entries.vocabulary
    _same_csr(matrix, plain)
    _same_csr(gram_matrix(matrix), plain @ plain.T)
