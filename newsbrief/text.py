"""Sentences, tokens and term vectors.

Sentence splitting is syntok's (rule-based, offline; NLTK's punkt needs data that
cannot be downloaded here). Term vectors are TF-IDF built directly on
``scipy.sparse``: scikit-learn's vectorizer would do the same arithmetic, but
importing scikit-learn alone takes about a second, the whole start-up budget of
the command-line tool.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import snowballstemmer
from syntok import segmenter
from syntok._segmentation_states import Begin, InnerToken, State
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
    _porter_stems.cache_clear()
    sentence_word_tokens.cache_clear()


@functools.lru_cache(maxsize=512)
def _split_sentences(text: str) -> tuple[str, ...]:
    # syntok is the slowest step of reading, and one brief splits the same article
    # text several times (building the story, the copy finder, the timeline's look
    # at copies). The split is a pure function of the text, so a small bounded memo
    # shared by all calls (and threads: lru_cache is thread-safe) is safe; it holds
    # at most 512 texts, and callers get a fresh list each time.
    sentences: list[str] = []
    # ``segmenter.analyze`` with a faster tokenizer (``syntok_tokens``): same paragraphs,
    # same tokens, same segmentation state machine; stretches of a paragraph where
    # syntok surely ends a sentence are split there first, and a stretch that can only
    # be one sentence skips syntok (``_sure_stretches``).
    for offset, paragraph_text in segmenter.preprocess_with_offsets(text):
        pieces: list[str] = []
        end = offset + len(paragraph_text)
        if "\u200b" in paragraph_text:
            # (Python's ``str.split`` keeps the zero-width space syntok treats as space.)
            _syntok_pieces(text, offset, end, pieces)
        else:
            for start, stop, single in _sure_stretches(text, offset, end):
                if single:
                    piece = " ".join(text[start:stop].split())
                    if piece:
                        pieces.append(piece)
                else:
                    _syntok_pieces(text, start, stop, pieces)
        # Without any quotation mark in the paragraph no piece opens a quote, and
        # ``_join_open_quotes`` returns the pieces as they are (most paragraphs).
        if '"' in paragraph_text or "\u201c" in paragraph_text or "\u201d" in paragraph_text:
            sentences.extend(_join_open_quotes(pieces))
        else:
            sentences.extend(pieces)
    return tuple(sentences)


def _syntok_pieces(text: str, start: int, end: int, pieces: list[str]) -> None:
    """Append to ``pieces`` syntok's sentences of ``text[start:end]`` (spacing
    normalised), a paragraph or a stretch of one (``_sure_stretches``)."""
    for tokens in segment_tokens(syntok_tokens(text, start, end)):
        if not tokens:
            continue
        first = tokens[0].offset
        last = tokens[-1].offset + len(tokens[-1].value)
        piece = " ".join(text[first:last].split())
        if piece:
            pieces.append(piece)


def _sure_stretches(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """The paragraph ``text[start:end]`` cut where syntok surely ends a sentence, as
    (start, stop, single) stretches; ``single`` says the stretch is one sentence.

    syntok's segmenter ends a sentence only at a terminal token or an opening bracket
    (``_move_and_maybe_extract_terminal``, ``FirstToken``). At a full stop after a plain
    word W of two or more characters (``_SURE_STOP``; one token, as ``syntok_tokens``
    keeps such a word whole) followed by a space and a capitalised word, that decision
    splits whatever state it is reached in: the next token is not lower case nor inner
    punctuation; W is no single letter or Roman numeral, so a sentence starter splits;
    otherwise every test that keeps the sentence together fails (W is not in
    ``State.abbreviations``, checked here; it is not a number and holds no full stop;
    the next token has spacing, no digit and is no bracket), and the last branch
    splits. The full stop is reached as a decision (a word precedes it, so no earlier
    decision moved it) unless bracket skipping passes over it, hence no opening
    bracket within ``_BRACKET_REACH_CHUNKS`` chunks before it. Decisions before the
    cut look ahead at most to W, and after a split the state machine starts afresh
    (``Terminal`` -> ``FirstToken``, as ``Begin`` does), so syntok's sentences of the
    paragraph are those of each stretch on its own: a cut falls at a space, so the
    stretches have the paragraph's tokens. A stretch without a terminal mark or an
    opening bracket before its final mark (a full stop, "!" or "?", perhaps with one
    closing quote right after) is one sentence. ``tests/test_speed_round10_story.py``
    checks the equality.
    """
    brackets = [m.start() for m in _OPENING_CHAR.finditer(text, start, end)]
    cleared = -1  # the last opening bracket seen to be out of reach
    at = start
    for match in _SURE_STOP.finditer(text, start, end):
        dot, stop = match.start(), match.end()
        # The chunk ending at the full stop: after the last space before it (or at the
        # paragraph's start). A chunk holding other spacing fails ``_SURE_WORD``.
        word_start = max(text.rfind(" ", start, dot), start - 1) + 1
        if _SURE_WORD.fullmatch(text, word_start, dot) is None:
            continue
        word = text[word_start:dot]
        if (
            word in State.abbreviations
            or word in State.roman_numerals
            or not (word[1:].islower() or word.isupper() or _SEPARATION.search(word) is None)
            or (word.isnumeric() and match.group(1) in State.months)
        ):
            continue
        if brackets:
            last = bisect.bisect_left(brackets, stop) - 1  # the last opening bracket before
            if last >= 0 and brackets[last] != cleared:
                if _OUT_OF_REACH.match(text, brackets[last], stop) is None:
                    continue
                cleared = brackets[last]  # (so is it for every later full stop)
        yield at, stop, _SPLIT_CHAR.search(text, at, dot) is None
        at = stop
    if at < end:
        tail = text[at:end].rstrip(SYNTOK_SPACES)
        if tail and tail[-1] in _FINAL_QUOTES:
            tail = tail[:-1]
        if tail and tail[-1] in ".!?":
            tail = tail[:-1]
        yield at, end, _SPLIT_CHAR.search(tail) is None


def segment_tokens(tokens: Iterator[Token]) -> Iterator[list[Token]]:
    """The sentences of a token stream, exactly as syntok's ``segmenter.segment`` makes them.

    syntok's segmentation is a state machine stepped once per token; most tokens are
    the inside of a sentence (``InnerToken``), where a step only moves the token to
    the sentence and looks at the next one. ``_FastInnerToken`` makes those steps in
    a tight loop and hands every other step (terminals, brackets) to syntok's own
    code, so the states, and the sentences, are syntok's. ``tests/test_speedups.py``
    checks the equality.
    """
    state: State | None = Begin(tokens)
    while state is not None:
        if state.at_sentence:
            history = state.collect_history()
            if history and (len(history) > 1 or history[0].value):
                yield history
        if type(state) is InnerToken:
            state = _FastInnerToken(state._stream, state._queue, state._history)
        state = next(state, None)


#: Tokens after which syntok's ``InnerToken`` step does more than move on.
_INNER_STOPS = State.terminals | State.opening_brackets


class _FastInnerToken(InnerToken):
    """syntok's ``InnerToken`` with its plain steps (next token neither a terminal nor
    an opening bracket: the step moves one token and returns the same state) run in
    a loop. The loop reads the stream exactly when syntok's steps would (one token
    per step, into the look-ahead queue) and leaves the queue and the sentence so
    far as they would be before syntok's first step that is not plain, which syntok
    then makes itself."""

    def __next__(self) -> State:
        queue = self._queue
        if len(queue) == 1:
            move = self._history.append
            current = queue[0]
            for following in self._stream:
                # (``_value`` is what syntok's ``Token.value`` property returns.)
                if following._value in _INNER_STOPS:
                    queue[0] = current
                    queue.append(following)
                    break
                move(current)
                current = following
            else:
                queue[0] = current
        return super().__next__()


_SYNTOK = Tokenizer(replace_not_contraction=False)  # the tokenizer ``segmenter.analyze`` uses
_SPACES = Tokenizer._spaces
_SEPARATION = Tokenizer._separation
#: The characters syntok's chunk pattern (``[^\\s\\u200b]+``, ``regex`` module) treats as
#: space: Unicode White_Space and the zero-width space. ``tests/test_speedups.py`` checks
#: the list against syntok's own pattern on every code point.
SYNTOK_SPACES = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_CLASS = re.escape(SYNTOK_SPACES)
#: ASCII characters that are neither alphanumeric nor space: a plain word's trailing mark.
_ASCII_MARKS = re.escape(
    "".join(chr(c) for c in range(128) if not chr(c).isalnum() and chr(c) not in SYNTOK_SPACES)
)
#: One chunk with the spacing before it: a plain ASCII word ([A-Za-z0-9] is ``str.isalnum``
#: on ASCII) with at most one trailing ASCII mark, or any other chunk. The standard
#: ``re`` module with explicit classes finds the same chunks as syntok's pattern, twice
#: as fast.
_CHUNK = re.compile(
    f"([{_SPACE_CLASS}]*)"
    f"(?:([A-Za-z0-9]++)([{_ASCII_MARKS}]?)(?![^{_SPACE_CLASS}])|([^{_SPACE_CLASS}]+))"
)


#: syntok's sentence-ending marks (one character each; its "..." is three full stops).
_TERMINAL_CHARS = "".join(sorted(t for t in State.terminals if len(t) == 1))
_OPENING_CHARS = "".join(sorted(State.opening_brackets))
#: A character without which syntok's state machine never ends a sentence: a terminal
#: mark or an opening bracket (the only tokens that lead to its ``Terminal`` state).
_SPLIT_CHAR = re.compile(f"[{re.escape(_TERMINAL_CHARS + _OPENING_CHARS)}]")
_OPENING_CHAR = re.compile(f"[{re.escape(_OPENING_CHARS)}]")
#: A full stop where syntok may surely end a sentence: after two ASCII letters or digits,
#: perhaps with one closing quote right after it, and before one space and either a
#: capitalised word (one token: its letters after the first are lower case) followed by
#: a space or a comma and a space, or a quote mark (a token of its own, with spacing)
#: before a letter, digit or space. ``_sure_stretches`` checks the rest (see there).
_SURE_STOP = re.compile(
    "(?<=[A-Za-z0-9][A-Za-z0-9])\\.[\"'\u2019\u201d]?"
    '(?= (?:([A-Z][a-z]*)(?: |, )|["\u201c][A-Za-z0-9 ]))'
)
#: A plain ASCII word of two or more characters (a whole chunk before a sure stop).
_SURE_WORD = re.compile("[A-Za-z0-9]{2,}")
#: An opening bracket makes syntok look at most 49 tokens on (``State``'s bracket
#: skipping); a full stop this many chunks after the last one is out of its reach.
_BRACKET_REACH_CHUNKS = 60
#: Matches at a position followed (before the end given) by at least that many runs of
#: spacing: each repetition takes one run of other characters and one run of spacing
#: whole (possessive), so a run is never counted twice.
_OUT_OF_REACH = re.compile(f"(?:[^{_SPACE_CLASS}]*+[{_SPACE_CLASS}]++){{{_BRACKET_REACH_CHUNKS}}}")
#: A closing quote that may follow the last full stop of a one-sentence stretch.
_FINAL_QUOTES = "\"'\u2019\u201d"


def syntok_tokens(text: str, start: int, end: int) -> Iterator[Token]:
    """The tokens of ``text[start:end]``, exactly as syntok's ``Tokenizer.tokenize`` makes them.

    Same as ``Tokenizer(replace_not_contraction=False).tokenize(text[start:end], start)``
    (the tokenizer of ``segmenter.analyze``), token for token: value, spacing and offset
    (plain words come as ``_Token`` tuples with the same attributes). syntok's tokenizer
    was a quarter of a batch run's CPU; most whitespace-separated chunks are a plain
    ASCII word, perhaps with one trailing punctuation mark, and for
    those the general code (a Python loop over characters calling ``str.isalnum``, then
    a generator per word) is replaced by one test of the chunk: for ASCII text
    ``isalnum`` is exactly ``[A-Za-z0-9]``, the per-character test syntok makes. One
    regex (``_CHUNK``) splits each chunk into its spacing, word and trailing mark. Every
    other chunk takes syntok's own code path. ``tests/test_speedups.py`` checks the
    equality.
    """
    # syntok pads the paragraph with ``start`` spaces to keep offsets absolute; matching
    # inside [start, end) of the whole text gives the same matches and offsets.
    offset = start  # end of the previous chunk
    for spacing, word, tail, other in _CHUNK.findall(text, start, end):
        chunk_start = offset + len(spacing)
        if word:
            # In an ASCII alphanumeric word the separation pattern can only match a
            # lower-case letter followed by a capital ("McDonald"): impossible when no
            # capital follows the first letter, or when there is no lower-case letter.
            if word[1:].islower() or word.isupper() or _SEPARATION.search(word) is None:
                yield _Token((spacing, word, chunk_start))
            else:
                yield from _SYNTOK._split_word(spacing, word, chunk_start)
            offset = chunk_start + len(word)
            if tail:
                yield _Token(("", tail, offset))
                offset += 1
        else:
            chunk_end = chunk_start + len(other)
            yield from _syntok_chunk(text, offset, chunk_start, chunk_end)
            offset = chunk_end
    if offset < end:
        yield Token(text[offset:end], "", end)


class _Token(tuple):
    """A syntok ``Token`` as the tuple (spacing, value, offset).

    It has the read-only interface syntok's segmenter uses (``value``, ``spacing``,
    ``offset``) and is made by C code, where a ``Token`` runs a Python ``__init__``
    (a fifth of the tokenizer's time).
    """

    __slots__ = ()
    spacing = property(operator.itemgetter(0))
    value = property(operator.itemgetter(1))
    _value = value  # (the attribute behind syntok's ``Token.value``)
    offset = property(operator.itemgetter(2))


class _ChunkStart:
    """What syntok's ``_split_nonword_prefix`` reads of a chunk's match: its start."""

    __slots__ = ("_start",)

    def __init__(self, start: int) -> None:
        self._start = start

    def start(self) -> int:
        return self._start


def _syntok_chunk(text: str, offset: int, chunk_start: int, chunk_end: int) -> Iterator[Token]:
    """syntok's own loop body (``Tokenizer.tokenize``) for the chunk at
    ``text[chunk_start:chunk_end]``; ``offset`` is where the previous chunk ended."""
    first = Tokenizer._find_start(chunk_start, chunk_end, text)
    if first == chunk_end:
        yield Token(text[offset:chunk_start], text[chunk_start:chunk_end], chunk_start)
        return
    last = Tokenizer._find_end(first, chunk_end, text)
    if first > chunk_start:
        offset = yield from Tokenizer._split_nonword_prefix(
            _ChunkStart(chunk_start), offset, first, text
        )
    if first != last:
        yield from _SYNTOK._split_word(text[offset:first], text[first:last], first)
    tail = text[last:chunk_end]
    if tail.startswith("..."):
        yield Token("", "...", last)
        last += 3
        tail = tail[3:]
    yield from [Token("", c, index + last) for index, c in enumerate(tail)]


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
    if '"' not in piece:  # (both patterns need one; most pieces hold none)
        return False
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


#: Texts up to this long (a long sentence) have ``_porter_stems`` fill the token memo.
_SENTENCE_MEMO_CHARS = 2000


@functools.lru_cache(maxsize=4096)
def sentence_word_tokens(text: str) -> tuple[str, ...]:
    """``word_tokens(text)`` as a tuple, memoised: the stemmed terms of a sentence
    (``content_terms``, asked by the copy finder, support and off-topic stages) and
    the summarizer's features both tokenize the same sentence texts; the second asks
    the memo. Bounded to a few stories' sentences (their stages run back to back)."""
    return tuple(_WORD.findall(text.lower()))


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


#: Token -> its Porter stem when it is a content word (not a stop word, two or more
#: characters), "" when it is not. The stems of a text's tokens are then one C-level
#: ``map`` instead of a Python test and call per token. Bounded (cleared when full);
#: dict reads and writes are atomic, so threads may share it.
_CONTENT_STEMS: dict[str, str] = {}
_CONTENT_STEMS_LIMIT = 1 << 18


@functools.lru_cache(maxsize=16384)
def _porter_terms(text: str, bigrams: bool) -> tuple[str, ...]:
    # The same terms as ``_content_terms(text, porter_stem, bigrams)``, in the same order.
    stems = _porter_stems(text)
    if stems is None:
        return tuple(_content_terms(text, porter_stem, bigrams))
    terms = list(filter(None, stems))
    if bigrams:
        # A bigram joins two adjacent content words: exactly the pairs with two stems.
        terms.extend(
            [f"{left}_{right}" for left, right in itertools.pairwise(stems) if left and right]
        )
    return tuple(terms)


@functools.lru_cache(maxsize=16384)
def _porter_stems(text: str) -> tuple[str, ...] | None:
    """Per token of ``word_tokens(text)``: its Porter stem for a content word, "" for
    the others; None when a content word's stem is empty (it would read as a stop
    word, so ``_porter_terms`` takes the plain path).

    Memoised apart from ``_porter_terms``: the stages ask for the terms of most
    sentences both with bigrams (support) and without (copies, timeline,
    disagreements), and both lists come from the same stems.
    """
    # A sentence's tokens go through the memo the summarizer reads; a whole article's
    # (the copy finder's shingles, the off-topic filter) would only crowd it.
    tokens = sentence_word_tokens(text) if len(text) <= _SENTENCE_MEMO_CHARS else word_tokens(text)
    stems = list(map(_CONTENT_STEMS.get, tokens))
    if None in stems:
        if len(_CONTENT_STEMS) > _CONTENT_STEMS_LIMIT:
            _CONTENT_STEMS.clear()
        for index, token in enumerate(tokens):
            if stems[index] is None:
                stem = porter_stem(token) if token not in STOP_WORDS and len(token) > 1 else ""
                if not stem and token not in STOP_WORDS and len(token) > 1:
                    return None
                _CONTENT_STEMS[token] = stems[index] = stem
    return tuple(stems)


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
    entries = tfidf_entries(documents, sublinear_tf=sublinear_tf)
    n_docs, n_terms = entries.shape
    if not len(entries.data):
        return sp.csr_matrix((n_docs, n_terms), dtype=np.float64), entries.vocabulary
    indptr = np.concatenate(([0], np.cumsum(np.bincount(entries.rows, minlength=n_docs))))
    cols = entries.cols
    if len(cols) < _INT32_LIMIT and max(n_docs, n_terms) < _INT32_LIMIT:
        # The 32-bit index arrays scipy would make of these: given 64-bit ones it scans
        # their contents to choose (a good part of the cost of a small matrix).
        cols, indptr = cols.astype(np.int32), indptr.astype(np.int32)
    matrix = sp.csr_matrix((entries.data, cols, indptr), shape=(n_docs, n_terms))
    return matrix, entries.vocabulary


#: Index values below this fit scipy's 32-bit index arrays.
_INT32_LIMIT = 2**31 - 1


def gram_matrix(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix @ matrix.T`` (dot products between rows), the very same CSR matrix.

    scipy turns the transpose (CSC) into CSR inside the product, with index-dtype
    checks and a matrix construction of its own; here the transposed CSR arrays are
    made with numpy in the order scipy's ``csr_tocsc`` makes them (each column's
    entries in row order: a stable sort of the column indexes), so the product runs
    on identical operands. On the small matrices of a story this is about a third
    of the product's cost.
    """
    n_rows, n_cols = matrix.shape
    indices = matrix.indices
    if (
        type(matrix) is not sp.csr_matrix
        or indices.dtype != np.int32
        or matrix.indptr.dtype != np.int32
        or max(matrix.nnz, n_rows, n_cols) >= _INT32_LIMIT
    ):
        return matrix @ matrix.T
    nnz = int(matrix.indptr[-1])
    order = np.argsort(indices[:nnz], kind="stable")
    row = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(matrix.indptr))
    indptr = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(indices[:nnz], minlength=n_cols), out=indptr[1:])
    transposed = sp.csr_matrix(
        (matrix.data[:nnz][order], row[order], indptr), shape=(n_cols, n_rows)
    )
    return matrix @ transposed


@dataclass(frozen=True, slots=True)
class TfidfEntries:
    """The stored entries of ``tfidf_matrix``'s matrix in CSR order, as plain arrays
    (for callers whose few numpy steps would cost less than building the matrix)."""

    data: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]
    vocabulary: list[str]


def tfidf_entries(documents: Sequence[Sequence[str]], *, sublinear_tf: bool = True) -> TfidfEntries:
    """The non-zero entries of ``tfidf_matrix(documents)``: row-major, sorted columns."""
    # Vectorized: one id per token, then (row, column) pairs counted with np.unique; the
    # per-token Python loop this replaces was the largest single cost of a 5-article brief.
    # Columns in order of first appearance; ids looked up by C-level ``map``/``zip``.
    every_term = list(itertools.chain.from_iterable(documents))
    vocabulary = dict(zip(dict.fromkeys(every_term), itertools.count()))
    flat = list(map(vocabulary.__getitem__, every_term))
    n_docs, n_terms = len(documents), len(vocabulary)
    if not flat:
        empty = np.zeros(0, dtype=np.int64)
        return TfidfEntries(np.zeros(0), empty, empty, (n_docs, n_terms), list(vocabulary))
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
    return TfidfEntries(data, rows, cols, (n_docs, n_terms), list(vocabulary))


def sentence_vectors(sentences: Iterable[Sentence], *, bigrams: bool = True) -> sp.csr_matrix:
    """TF-IDF vectors of sentences over stemmed content words (and bigrams)."""
    stem = Stemmer()
    matrix, _ = tfidf_matrix([content_terms(s.text, stem, bigrams=bigrams) for s in sentences])
    return matrix
