"""Sentences, tokens and term vectors.

Sentence splitting is syntok's (rule-based, offline; NLTK's punkt needs data that
cannot be downloaded here). Term vectors are TF-IDF built directly on
``scipy.sparse``: scikit-learn's vectorizer would do the same arithmetic, but
importing scikit-learn alone takes about a second, the whole start-up budget of
the command-line tool.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import snowballstemmer
from syntok import segmenter
from syntok.tokenizer import Token, Tokenizer

from newsbrief.model import Article, Sentence, count_words

# A common English stop-word list (function words, auxiliaries, pronouns).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "couldn",
        "did",
        "didn",
        "do",
        "does",
        "doesn",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn",
        "has",
        "hasn",
        "have",
        "haven",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "let",
        "ll",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "mustn",
        "my",
        "myself",
        "neither",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "rather",
        "re",
        "same",
        "shall",
        "shan",
        "she",
        "should",
        "shouldn",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "toward",
        "towards",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "ve",
        "very",
        "via",
        "was",
        "wasn",
        "we",
        "were",
        "weren",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "won",
        "would",
        "wouldn",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "d",
        "m",
        "o",
        "y",
        "said",
        "says",
        "say",
        "told",
        "according",
    ]
)

_WORD = re.compile(r"[a-z0-9]+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping each sentence's original characters.

    Paragraph breaks (blank lines) always end a sentence. Returns stripped,
    non-empty sentence strings in order.
    """
    return list(_split_sentences(text))


def clear_memos() -> None:
    """Forget the memoized per-text results (sentence splits, stemmed terms).

    Timing code calls this so that a run is not flattered by work an earlier run
    did on the same texts (``newsbrief evaluate`` does, before each system).
    """
    _split_sentences.cache_clear()
    _porter_terms.cache_clear()


@functools.lru_cache(maxsize=512)
def _split_sentences(text: str) -> tuple[str, ...]:
    # syntok is the slowest step of reading, and one brief splits the same article
    # text several times (building the story, the copy finder, the timeline's look
    # at copies). The split is a pure function of the text, so a small bounded memo
    # shared by all calls (and threads: lru_cache is thread-safe) is safe; it holds
    # at most 512 texts, and callers get a fresh list each time.
    sentences: list[str] = []
    # ``segmenter.analyze`` with a faster tokenizer (``syntok_tokens``): same paragraphs,
    # same tokens, same segmentation state machine.
    for offset, paragraph_text in segmenter.preprocess_with_offsets(text):
        pieces: list[str] = []
        paragraph = segmenter.segment(syntok_tokens(text, offset, offset + len(paragraph_text)))
        for tokens in paragraph:
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            piece = " ".join(text[start:end].split())
            if piece:
                pieces.append(piece)
        sentences.extend(_join_open_quotes(pieces))
    return tuple(sentences)


_SYNTOK = Tokenizer(replace_not_contraction=False)  # the tokenizer ``segmenter.analyze`` uses
_SPACES = Tokenizer._spaces
_SEPARATION = Tokenizer._separation


def syntok_tokens(text: str, start: int, end: int) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, exactly as syntok's ``Tokenizer.tokenize`` makes them.

    Same as ``Tokenizer(replace_not_contraction=False).tokenize(text[start:end], start)``
    (the tokenizer of ``segmenter.analyze``), token for token: value, spacing and offset.
    syntok's tokenizer was a quarter of a batch run's CPU; most whitespace-separated
    chunks are a plain ASCII word, perhaps with one trailing punctuation mark, and for
    those the general code (a Python loop over characters calling ``str.isalnum``, then
    a generator per word) is replaced by one ``str.isalnum`` call on the chunk: for
    ASCII text ``isalnum`` is exactly the per-character test syntok makes. Every other
    chunk takes syntok's own code path. ``tests/test_speedups.py`` checks the equality.
    """
    # syntok pads the paragraph with ``start`` spaces to keep offsets absolute; matching
    # inside [start, end) of the whole text gives the same matches and offsets.
    offset = start
    for match in _SPACES.finditer(text, start, end):
        chunk_start, chunk_end = match.span()
        chunk = match.group(0)
        if chunk.isascii():
            if chunk.isalnum():
                word, tail = chunk, ""
            elif len(chunk) > 1 and chunk[:-1].isalnum() and not chunk[-1].isalnum():
                word, tail = chunk[:-1], chunk[-1]
            else:
                word = ""
            if word:
                spacing = text[offset:chunk_start]
                # In an ASCII alphanumeric word the separation pattern can only match a
                # lower-case letter followed by a capital ("McDonald"): impossible when no
                # capital follows the first letter, or when there is no lower-case letter.
                if word[1:].islower() or word.isupper() or _SEPARATION.search(word) is None:
                    yield Token(spacing, word, chunk_start)
                else:
                    yield from _SYNTOK._split_word(spacing, word, chunk_start)
                if tail:
                    yield Token("", tail, chunk_start + len(word))
                offset = chunk_end
                continue
        # syntok's own loop body (``Tokenizer.tokenize``) for every other chunk.
        first = Tokenizer._find_start(chunk_start, chunk_end, text)
        if first == chunk_end:
            yield Token(text[offset:chunk_start], chunk, chunk_start)
        else:
            last = Tokenizer._find_end(first, chunk_end, text)
            if first > chunk_start:
                offset = yield from Tokenizer._split_nonword_prefix(match, offset, first, text)
            if first != last:
                yield from _SYNTOK._split_word(text[offset:first], text[first:last], first)
            tail = text[last:chunk_end]
            if tail.startswith("..."):
                yield Token("", "...", last)
                last += 3
                tail = tail[3:]
            yield from [Token("", c, index + last) for index, c in enumerate(tail)]
        offset = chunk_end
    if offset < end:
        yield Token(text[offset:end], "", end)


#: At most this many splitter pieces are joined to close one quotation.
MAX_QUOTE_PIECES = 4


_OPENING_QUOTE = re.compile(r'(?<!\S)"(?=\S)')
_CLOSING_QUOTE = re.compile(r'(?<=\S)"(?!\w)')


def _quote_open(piece: str) -> bool:
    """Whether a quotation opened in ``piece`` is still open at its end.

    Straight quotes count only when attached to a word ('"People', 'said,"'): detached
    ones ('" the lost symbol , "', as in tokenized corpora) could be either side.
    """
    curly = piece.count("\u201c") - piece.count("\u201d")
    if curly:
        return curly > 0
    return len(_OPENING_QUOTE.findall(piece)) > len(_CLOSING_QUOTE.findall(piece))


def _join_open_quotes(pieces: list[str]) -> list[str]:
    """Re-join a quotation the splitter cut into several sentences.

    syntok ends a sentence at every full stop, also inside quoted speech, which leaves
    fragments such as '"People sent photos to the council.' that read badly on their
    own. Pieces of one paragraph are joined while a quote is open, up to
    ``MAX_QUOTE_PIECES`` pieces, and only when the quote does close within them.
    """
    joined: list[str] = []
    index = 0
    while index < len(pieces):
        current = pieces[index]
        end = index
        if _quote_open(current):
            candidate = current
            for ahead in range(index + 1, min(index + MAX_QUOTE_PIECES, len(pieces))):
                candidate = f"{candidate} {pieces[ahead]}"
                if not _quote_open(candidate):
                    current, end = candidate, ahead
                    break
        joined.append(current)
        index = end + 1
    return joined


def article_sentences(article: Article) -> tuple[Sentence, ...]:
    """The article's sentences as ``Sentence`` records with stable ids."""
    return tuple(
        Sentence(
            id=f"{article.id}:{position}",
            article_id=article.id,
            position=position,
            text=piece,
            n_words=count_words(piece),
        )
        for position, piece in enumerate(split_sentences(article.text))
    )


def word_tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens (the tokenization ROUGE uses)."""
    return _WORD.findall(text.lower())


_PORTER = snowballstemmer.stemmer("porter")
_PORTER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1 << 17)
def porter_stem(word: str) -> str:
    """Porter stem of a lower-cased word, memoised for the whole process.

    Stemming is a pure function of the word, so sharing the memo across stories
    and requests cannot change a result; before, every brief re-stemmed its whole
    vocabulary (half the CPU of a 5-article brief in the server). The memo is
    bounded (LRU, 131,072 words, a few tens of MB at most). Snowball stemmer
    objects keep per-call state, hence the lock around the one shared instance.
    """
    with _PORTER_LOCK:
        return _PORTER.stemWord(word)  # type: ignore[no-any-return]


@dataclass(slots=True)
class Stemmer:
    """Porter stemmer with a per-instance memo in front of the shared ``porter_stem``."""

    _memo: dict[str, str] = field(default_factory=dict)

    def __call__(self, word: str) -> str:
        stem = self._memo.get(word)
        if stem is None:
            stem = porter_stem(word)
            self._memo[word] = stem
        return stem


def content_terms(text: str, stem: Stemmer, *, bigrams: bool = False) -> list[str]:
    """Stemmed non-stop-word tokens of ``text``; with ``bigrams``, adjacent pairs too.

    Bigrams are taken over the stemmed token stream with stop words kept in
    place, then kept only when neither side is a stop word (the "concepts" of
    concept-coverage summarizers such as ICSISumm).
    """
    if type(stem) is Stemmer:
        # Every stage asks for the terms of the same sentences (support, copies,
        # off-topic, timeline, summarizer...): with the standard Porter stemmer the
        # answer depends on the text alone, so it is memoised process-wide.
        return list(_porter_terms(text, bigrams))
    return _content_terms(text, stem, bigrams)


@functools.lru_cache(maxsize=16384)
def _porter_terms(text: str, bigrams: bool) -> tuple[str, ...]:
    return tuple(_content_terms(text, porter_stem, bigrams))


def _content_terms(text: str, stem: Callable[[str], str], bigrams: bool) -> list[str]:
    tokens = word_tokens(text)
    terms = [stem(t) for t in tokens if t not in STOP_WORDS and len(t) > 1]
    if bigrams:
        for left, right in itertools.pairwise(tokens):
            if left in STOP_WORDS or right in STOP_WORDS or len(left) < 2 or len(right) < 2:
                continue
            terms.append(f"{stem(left)}_{stem(right)}")
    return terms


def tfidf_matrix(
    documents: Sequence[Sequence[str]], *, sublinear_tf: bool = True
) -> tuple[sp.csr_matrix, list[str]]:
    """L2-normalised TF-IDF rows for already-tokenized documents.

    IDF is smoothed as in scikit-learn: ``ln((1 + n) / (1 + df)) + 1``.
    Returns the matrix (one row per document) and the vocabulary in column order.
    """
    # Vectorized: one id per token, then (row, column) pairs counted with np.unique; the
    # per-token Python loop this replaces was the largest single cost of a 5-article brief.
    vocabulary: dict[str, int] = {}
    flat = [vocabulary.setdefault(term, len(vocabulary)) for terms in documents for term in terms]
    n_docs, n_terms = len(documents), len(vocabulary)
    if not flat:
        return sp.csr_matrix((n_docs, n_terms), dtype=np.float64), list(vocabulary)
    lengths = np.fromiter((len(terms) for terms in documents), dtype=np.int64, count=n_docs)
    keys = np.repeat(np.arange(n_docs, dtype=np.int64), lengths) * n_terms + np.asarray(flat)
    unique, counts = np.unique(keys, return_counts=True)  # sorted: row-major, as CSR wants
    rows, cols = np.divmod(unique, n_terms)
    tf = 1.0 + np.log(counts) if sublinear_tf else counts.astype(np.float64)
    df = np.bincount(cols, minlength=n_terms)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    data = tf * idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs))
    norms[norms == 0] = 1.0
    data /= norms[rows]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_docs))))
    matrix = sp.csr_matrix((data, cols, indptr), shape=(n_docs, n_terms))
    return matrix, list(vocabulary)


def sentence_vectors(sentences: Iterable[Sentence], *, bigrams: bool = True) -> sp.csr_matrix:
    """TF-IDF vectors of sentences over stemmed content words (and bigrams)."""
    stem = Stemmer()
    matrix, _ = tfidf_matrix([content_terms(s.text, stem, bigrams=bigrams) for s in sentences])
    return matrix
