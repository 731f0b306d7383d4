"""The entities stage: who and where the story is about, variants merged, mentions counted.

The default recogniser is rule-based and offline (no model to download):
capitalised spans, titles ("President", "Secretary of State", "Foreign
Minister") that mark people and give their role, organisation words and
acronyms, and a gazetteer of countries from ``pycountry`` plus a small
hand-written table of aliases, demonyms and cities. Mentions are then merged
into entities: aliases ("U.S."/"US"/"United States", "Russian Federation"/
"Russia"), surnames into full names ("Putin" -> "Vladimir Putin"), and
transliteration variants by normalised edit distance ("Lavrentiev" /
"Lavrentyev", "Sergei"/"Sergey").

If spaCy and an English pipeline (``en_core_web_sm`` ...) are installed — the
optional ``nlp`` extra — its named-entity spans replace the capitalised-span
finder; merging, roles and counting stay the same. Nothing is downloaded.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import itertools
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from newsbrief.model import Brief, Entity, Sentence, Story, stable_id
from newsbrief.text import STOP_WORDS


def _wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists compact)."""
    return frozenset(text.split())


# ----------------------------------------------------------------------- word lists

#: Alternative names, lower-cased, to the canonical name (countries come from pycountry).
ALIASES: dict[str, str] = {
    "u.s.": "United States",
    "u.s": "United States",
    "us": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "united states of america": "United States",
    "russian federation": "Russia",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "un": "United Nations",
    "u.n.": "United Nations",
    "isis": "Islamic State",
    "isil": "Islamic State",
    "daesh": "Islamic State",
    "eu": "European Union",
    "syrian arab republic": "Syria",
    "islamic republic of iran": "Iran",
    "iran, islamic republic of": "Iran",
    "south korea": "South Korea",
    "north korea": "North Korea",
    "the netherlands": "Netherlands",
    "uae": "United Arab Emirates",
    "nato": "NATO",
    "turkey": "Turkey",
    "islamic state": "Islamic State",
    "turkiye": "Turkey",
    "group of seven": "G7",
    "g-7": "G7",
    "g7": "G7",
    "group of 20": "G20",
    "g-20": "G20",
    "g20": "G20",
    "england": "England",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern ireland": "Northern Ireland",
}
#: Countries whose pycountry names are not what news writes.
_COMMON_COUNTRY_NAMES = {
    "Korea, Republic of": "South Korea",
    "Russian Federation": "Russia",
    "Türkiye": "Turkey",
}

#: Adjectives of nationality; they qualify a role ("Russian President") but are not entities.
DEMONYMS = _wordset(
    "american russian syrian turkish iranian israeli british french german chinese japanese "
    "ukrainian iraqi saudi egyptian jordanian lebanese kurdish kazakh afghan pakistani indian "
    "european african arab western eastern korean italian spanish canadian mexican brazilian "
    "australian qatari emirati yemeni libyan palestinian sunni shiite shia muslim christian "
    "jewish arabic english polish dutch swedish norwegian greek portuguese swiss belgian danish "
    "finnish austrian irish scottish welsh czech hungarian romanian bulgarian serbian croatian "
    "nigerian kenyan ethiopian ghanaian argentine argentinian chilean peruvian colombian "
    "venezuelan cuban thai vietnamese indonesian malaysian filipino taiwanese georgian armenian "
    "swede swedes dane danes finn finns briton britons"
)

#: Cities and regions news mentions most, beyond pycountry's countries and subdivisions.
PLACES = frozenset(
    [
        "Washington",
        "Moscow",
        "London",
        "Paris",
        "Berlin",
        "Beijing",
        "Tokyo",
        "Damascus",
        "Aleppo",
        "Raqqa",
        "Homs",
        "Idlib",
        "Daraa",
        "Quneitra",
        "Qunaitra",
        "Sweida",
        "Ghouta",
        "Palmyra",
        "Deir",
        "Astana",
        "Ankara",
        "Istanbul",
        "Tehran",
        "Baghdad",
        "Mosul",
        "Kabul",
        "Jerusalem",
        "Beirut",
        "Amman",
        "Cairo",
        "Riyadh",
        "Doha",
        "Geneva",
        "Vienna",
        "Brussels",
        "Rome",
        "Madrid",
        "Kiev",
        "Kyiv",
        "Hamburg",
        "Munich",
        "Sochi",
        "Crimea",
        "Donbas",
        "Gaza",
        "Hong Kong",
        "New York",
        "Los Angeles",
        "Chicago",
        "Texas",
        "California",
        "Florida",
        "Europe",
        "Asia",
        "Africa",
        "Middle East",
        "Latin America",
        "South America",
        "North America",
        "Central America",
        "Southeast Asia",
        "East Asia",
        "Low Countries",
        "Balkans",
        "Caribbean",
        "Scandinavia",
        "Golan Heights",
        "Kremlin",
    ]
)
#: Multi-word places override pycountry's names for the same words ("Hong Kong").
_MULTIWORD_PLACES = tuple(sorted(place for place in PLACES if " " in place))

#: Titles before a name (matched on lower-cased words; longest first).
TITLES = tuple(
    sorted(
        (
            "president",
            "vice president",
            "prime minister",
            "foreign minister",
            "defense minister",
            "defence minister",
            "minister",
            "secretary of state",
            "secretary-general",
            "secretary",
            "defense secretary",
            "chancellor",
            "king",
            "queen",
            "prince",
            "senator",
            "sen.",
            "rep.",
            "gov.",
            "governor",
            "mayor",
            "general",
            "gen.",
            "colonel",
            "col.",
            "lt.",
            "admiral",
            "ambassador",
            "envoy",
            "special envoy",
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "chief",
            "fire chief",
            "police chief",
            "judge",
            "justice",
            "prosecutor",
            "dr.",
            "pope",
            "sheikh",
            "ayatollah",
            "leader",
            "commander",
            "director",
            "chairman",
            "chairwoman",
            "ceo",
            "councillor",
            "cllr",  # British style ("Cllr Ffion Pugh")
            "cllr.",
            "keeper",
            "councilwoman",
            "councilman",
            "inspector",
            "detective",
            "sergeant",
            "officer",
            "professor",
            "prof.",
            "prof",  # British style writes it without a full stop ("Prof Carole Mainz")
            "investigator",
            "mp",
            "captain",
            "coach",
            "manager",
            "striker",
            "goalkeeper",
            "midfielder",
            "defender",
            "winger",
            "author",
            "lead author",
            "co-author",
            "analyst",
            "economist",
            "astronomer",
            "astrophysicist",
            "scientist",
            "researcher",
            "owner",
            "founder",
            "chief executive",
            "chair",
            "boss",
            "mr.",
            "mrs.",
            "ms.",
        ),
        key=lambda t: -len(t.split()),
    )
)
_HONORIFICS = {"mr.", "mrs.", "ms.", "dr."}
#: Lower-case words that, right before a name, say what the person is.
_ROLE_WORDS = _wordset(
    "spokesman spokeswoman spokesperson president minister secretary envoy ambassador chief "
    "leader commander director chairman chairwoman counterpart delegation official head mayor "
    "general governor senator adviser advisor aide foreign prime deputy vice former opposition "
    "defense defence interior finance coach manager striker captain goalkeeper midfielder "
    "defender winger player scientist researcher professor astronomer economist analyst "
    "founder executive lawyer attorney prosecutor chef"
)

#: Words that make a capitalised span an organisation.
ORG_WORDS = _wordset(
    "council department ministry party army forces agency organization organisation union "
    "nations group committee commission court bank university hospital news times post press "
    "kremlin pentagon congress senate parliament government coalition herald radio xinhua "
    "reuters associated office police service services corporation corp inc ltd company "
    "institute foundation association federation league alliance brigade brigades front guard "
    "guards militia board authority bureau network tv channel daily journal gazette state rail "
    "railway railways airline airlines airways school college academy church mosque cathedral "
    "trust fund club holdings terminals partners systems technologies industries motors "
    "pharmaceuticals ventures labs media entertainment foods energy logistics shipping steel "
    "mining petroleum telecom communications insurance securities chamber commerce exchange "
    "pharma medical capital united rovers athletic wanderers fc laboratory laboratories "
    "observatory society team survey panel administration management consortium tribunal "
    "assembly directorate secretariat programme inspectorate consultancy consulting athletics "
    "centre center fisheries infirmary standards municipality navy "
    # National adjectives of other languages open the names of national companies and
    # bodies ("Deutsche Bahn", "Poste Italiane" aside), never a person's name.
    "deutsche française francaise italiana española espanola nederlandse "
    # Organisation words of other languages ("Minera Quebrada Alta", "Editorial Cardón",
    # "Nationaal Muziekinstrumenten Fonds", "Ribe Handbold").
    "minera grupo banco compañía compania editorial editions éditions fonds stichting "
    "handbold håndbold sociedad société societe verlag gmbh "
    # Round 13: "Blue Star Ferries", "Vellmar Brewery Museum", "Brauerei Hollbach",
    # "Oberland Bräu Gruppe", "Solent Week Limited".
    "ferries museum museums limited brauerei bräu gruppe stiftung verein iarnrod iarnród "
    # Irish "aer" (air) opens airlines' names ("Aer Lingus"); "Bus Eireann", "Coastguard
    # Collingwood": a bus company, a coastguard station.
    "aer bus coastguard"
)
_ORG_NAMES = frozenset(
    {"Xinhua", "Reuters", "Haaretz", "Kremlin", "Pentagon", "Hamas", "Hezbollah"}
    # International bodies whose names carry no organisation word.
    | {"Red Cross", "Red Crescent", "Amnesty International", "Human Rights Watch", "Interpol"}
)

# Capitalised words that are never names on their own.
_NOT_NAMES = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december mr mrs ms dr i read more "
    "advertisements video photo caption source editor select page share comment subscribe "
    "meanwhile however earlier later also still but according during after although despite "
    "while citing breaking update updated live latest the a an it this that these those he she "
    "they we you his her their its our there here what when where why how yes no ok "
    "nobody somebody anybody everybody someone anyone everyone nothing something everything "
    # Sentence openers joined to the name after them ("If Calum had walked past",
    # "Four Eurasian lynx"): a conjunction or a number word is never part of a name.
    "if unless because one two three four five six seven eight nine ten eleven twelve "
    "dozens hundreds thousands"
)
# Words that start names ("New York", "Lower Marrow") but are none on their own.
_NOT_SINGLE_NAMES = _wordset(
    "central north south east west northern southern eastern western new old upper lower"
)
# Lower-case joining words allowed inside a name ("Secretary of State", "Bashar al-Assad").
_CONNECTORS = frozenset(
    {"of", "de", "des", "del", "della", "di", "da", "al", "bin", "van", "von", "der", "la", "du"}
    | {"for", "el", "do", "dos", "das"}  # "Viana do Castelo", "Rio dos Sinos"
)

#: Words after a possessive that keep the name going ("St. Brigid's Hospital").
_OWNED_NAME_WORDS = frozenset(
    {"hospital", "school", "college", "church", "cathedral", "university", "square", "park"}
)
_POSSESSIVE = re.compile(r"['’]s?$")
#: Possessive group nouns inside organisation names ("Women's Tennis Association").
_GROUP_POSSESSIVES = frozenset(
    [
        "women's",
        "men's",
        "children's",
        "people's",
        "workers'",
        "veterans'",
        "teachers'",
        "farmers'",
        "citizens'",
        "girls'",
        "boys'",
        "nurses'",
        "doctors'",
        "lawyers'",
        "writers'",
        "consumers'",
        "taxpayers'",
    ]
)
_PARTICLE_NAME = re.compile(r"^(?:al|el|ad|as|bin|ibn)-[A-Z]")
_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\u00C0-\u024F.-]*|\d[\w-]*|[^\w\s]")


# The stage tokenizes every sentence twice (``_mid_sentence_caps`` over the story,
# then ``find_mentions``); the tokens depend on the text alone.
@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


def _opening_token_only(text: str) -> str | None:
    """The first token of ``text`` when no later token can start with a capital, else None.

    Most sentences of lower-cased text (Multi-News) have one capital, the first
    letter: such a sentence adds nothing to ``_mid_sentence_caps`` and gives
    ``find_mentions`` at most its first word, so neither needs its tokens. None
    (look at the tokens) whenever in doubt: a capital after the first character, or
    no cased letter there at all. "" when there is no token.
    """
    # No upper- or title-case character after the first one (``islower()`` stops at
    # the first such one, so cased text is turned away at once); every token but the
    # first starts after the first character.
    if not text[1:].islower():
        return None
    first = _TOKEN.search(text)
    return "" if first is None else first.group()


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Lower-case ASCII form for comparing names ("Erdoğan" -> "erdogan").

    Memoised: merging compares each name with many others, and a pure function of
    a short string is safe to share across calls and threads (the cache is bounded).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.cache
def _gazetteer() -> dict[str, str]:
    """Folded place name -> canonical name: pycountry countries, aliases, cities.

    Built once per process (reading pycountry's tables costs tens of milliseconds,
    every brief used to pay it); callers only read it.
    """
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        canonical = _COMMON_COUNTRY_NAMES.get(country.name, canonical)
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value:
                names[_fold(value)] = canonical
        names[_fold(canonical)] = canonical
    for place in PLACES:
        names.setdefault(_fold(place), place)
    for place in _MULTIWORD_PLACES:
        names[_fold(place)] = place
    for alias, canonical in ALIASES.items():
        names[alias] = canonical
    return names


# ---------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """A name found in a sentence, before merging."""

    text: str  # surface form, title and possessive removed ("Vladimir Putin")
    source: int  # Source.number of the article
    kind_hint: str | None = None  # "person" when a title precedes; a spaCy label when used
    role: str | None = None
    after_preposition: bool = False  # "in Astana", "to Egypt": a place when unknown
    not_person: bool = False  # "Harborton, which ...": whatever it is, not a person
    #: Right after "the" ("told the Brenford Courier"): people's names take no article;
    #: or after "at" ("analysts at Peel Hunt"): one is not "at" a person.
    after_article: bool = False
    #: "Norwegian National Security Authority, known as NSM": the short name the text gives.
    alias: str | None = None
    #: Right before a number that is no year ("the Hollin CrispPro 5"): a model's name.
    before_number: bool = False


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


def _looks_like_headline(tokens: list[str]) -> bool:
    words = [t for t in tokens if t[:1].isalpha()]
    if len(words) < 4:
        return False
    caps = sum(1 for w in words if w[:1].isupper() and w.lower() not in _CONNECTORS)
    # Title Case without a full stop is a headline or a menu; prose full of names
    # ("Russian President Vladimir Putin met ...") still ends like a sentence.
    ends_like_prose = tokens[-1][-1:] in {".", "!", "?", '"', "”", "'", ")"}
    return caps / len(words) > (0.9 if ends_like_prose else 0.6)


# Compiled once: these run for every capitalised span (``re.sub`` with a pattern
# string looks the pattern up in ``re``'s cache on every call).
_POSSESSIVE_END = re.compile(r"['’]s?$")
_INITIALS_END = re.compile(r"\b[A-Z]\.[A-Z]\.$")
_LED = re.compile(r"^\w+-led$")
_ROLE_LEAD = re.compile(r"^(?:of|the)\s+", re.IGNORECASE)
_SURNAME_PARTICLE = re.compile(r"^(?:al|el|ad|as|bin|ibn)-")


def _clean_surface(text: str) -> str:
    text = _POSSESSIVE_END.sub("", text.strip())
    return text.strip(" .,-") if not _INITIALS_END.search(text) else text


def _titles_by_first_word() -> dict[str, tuple[tuple[str, list[str]], ...]]:
    grouped: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for title in TITLES:
        parts = title.split()
        grouped[parts[0]].append((title, parts))
    return {first: tuple(titles) for first, titles in grouped.items()}


_TITLES_BY_FIRST_WORD = _titles_by_first_word()


def _split_title(words: list[str]) -> tuple[str | None, list[str]]:
    """Strip a leading title phrase ("Russian President", "US Secretary of State")."""
    lowered = [w.lower() for w in words]
    for start in range(min(3, len(words))):
        # Only titles opening with this word can match here (same order as TITLES).
        for title, parts in _TITLES_BY_FIRST_WORD.get(lowered[start], ()):
            end = start + len(parts)
            if lowered[start:end] == parts:
                if end == len(words):
                    # A bare title ("the US Secretary of State") names nobody.
                    return " ".join(words), []
                qualifier = words[:start]
                # A nationality or country before the title belongs to the role,
                # not to the name ("Russian President", "US Secretary of State").
                role_words = [*qualifier, *words[start:end]]
                role = " ".join(role_words)
                if title in _HONORIFICS:
                    role = None
                rest = words[end:]
                if role and len(rest) > 2:
                    # "Chief Operations Officer Dana Vole", "General Manager Ivo Pank":
                    # a longer title than the list spells, a title word one or two
                    # words on; the name is what follows it.
                    more, name = _split_title(rest)
                    if more and name:
                        return f"{role} {more}", name
                return role, rest
    # "Vice-Admiral Laurent Kerbrat", "Lieutenant-Colonel X": a hyphenated title none of
    # the titles above spells, made of title words, is a title like its parts.
    if len(words) > 1 and "-" in lowered[0]:
        parts = lowered[0].split("-")
        if all(p in _HYPHEN_TITLE_PARTS for p in parts) and parts[-1] in _TITLE_WORDS:
            role, rest = _split_title(words[1:])
            if rest:
                return (f"{words[0]} {role}" if role else words[0]), rest
    return None, words


#: Words of hyphenated titles ("Vice-Admiral", "Rear-Admiral", "Lieutenant-Colonel").
_HYPHEN_TITLE_PARTS = _wordset("vice rear lieutenant sub deputy major chief") | {
    word for title in TITLES for word in title.split()
}


def find_mentions(
    sentence: str, source: int, *, mid_sentence_caps: frozenset[str] | None = None
) -> list[Mention]:
    """Rule-based name mentions of one sentence.

    ``mid_sentence_caps`` are words the story writes capitalised away from a
    sentence start (or inside a run of capitalised words); a sentence's first
    word counts as a name only if it is one of them, so "Meanwhile" or
    "Delegations" are not taken for names. None: no story to ask, keep it.
    """
    opening = _opening_token_only(sentence)
    if opening is not None and not (
        _is_cap(opening)
        and opening[:1].isalpha()
        and _keeps_opening_word(opening, mid_sentence_caps)
    ):
        # The only name the sentence could hold is its first word, and the rule for a
        # sentence's first word below drops it (or there is none): nothing to find.
        return []
    tokens = list(_tokens(sentence))
    # Where names can start (a capital letter); the loop below jumps between them.
    starts = [i for i, t in enumerate(tokens) if t[:1].isupper() and t[:1].isalpha()]
    if not starts:
        return []
    # A headline needs more than 60% of at least four words capitalised, so three
    # capitalised words at least, and each of them is one of ``starts``.
    if len(starts) >= 3 and _looks_like_headline(tokens):
        return []
    mentions: list[Mention] = []
    i = 0
    next_start = 0
    while True:
        while next_start < len(starts) and starts[next_start] < i:
            next_start += 1
        if next_start == len(starts):
            break
        i = starts[next_start]
        token = tokens[i]
        start = i
        words = [token]
        i += 1
        # A possessive ends a name: "Vidal's Valdoran counterpart" is two things.
        while i < len(tokens) and not (
            _POSSESSIVE.search(words[-1])
            and tokens[i].lower() not in _OWNED_NAME_WORDS
            and words[-1].lower().replace("’", "'") not in _GROUP_POSSESSIVES
            and not _plural_possessive_in_name(words[-1], tokens[i])
        ):
            if words[-1][-1] == "." and _ends_sentence(words[-1]):
                # "from Copenhagen. We thought": the syntok splitter keeps a quotation
                # whole, so a sentence can end inside one; no name crosses its full stop.
                break
            nxt = tokens[i]
            if nxt == "I" and i + 1 < len(tokens) and tokens[i + 1][:1].islower():
                break  # "After the operation in Munich I could not walk": the pronoun
            if (_is_cap(nxt) and nxt[:1].isalpha()) or _PARTICLE_NAME.match(nxt):
                words.append(nxt)
                i += 1
            elif nxt == "," and _comma_list_in_name(words, tokens, start, i):
                # "the Foreign, Commonwealth and Development Office", "Department for
                # Environment, Food and Rural Affairs": the comma lists parts of one name.
                words[-1] += ","
                i += 1
            elif nxt in ("on", "and", "to") and _joins_organisation_name(
                nxt, words, tokens, start, i
            ):
                # "Intergovernmental Panel on Climate Change", "Competition and Markets
                # Authority": the lower-case word is inside one body's name.
                words.append(nxt)
                i += 1
            elif (
                nxt.lower() in _CONNECTORS
                or nxt == "&"  # "Morrow & Pike", "Procter & Gamble"
                or (nxt.lower() in {"al-", "el-", "the"} and words[-1].lower() in {"of", "for"})
            ) and i + 1 < len(tokens):
                # "Secretary of State", "Ministry of Foreign Affairs", "Group of Seven"
                follow = tokens[i + 1]
                if _is_cap(follow) or follow.lower() == "the":
                    words.append(nxt)
                    i += 1
                    continue
                break
            else:
                break
        while words and words[-1].lower() in _CONNECTORS_OR_THE:
            words.pop()
        if (
            len(words) > 2
            and words[-1].lower() in _HOLIDAYS
            and i < len(tokens)
            and tokens[i][:1].islower()
        ):
            # "the El Rayo Christmas draw": the holiday says which draw, no name's end
            # (and no name of its own: the scan goes on after it).
            words.pop()
        # A word after a full stop inside the sentence opens a sentence of its own.
        opening = start == 0 or (tokens[start - 1][-1] == "." and _ends_sentence(tokens[start - 1]))
        if opening and words:
            first = words[0]
            if not _keeps_opening_word(first, mid_sentence_caps):
                words = words[1:]
                start += 1
                # "Residents of Ponte de Lima": the "of" went with the dropped word.
                while words and words[0].lower() in _CONNECTORS | {"the", "&"}:
                    words = words[1:]
                    start += 1
        if (
            opening
            and len(words) == 1
            and i + 1 < len(tokens)
            and tokens[i].lower() in _KIND_NOUNS
            and _is_cap(tokens[i + 1])
        ):
            # "Security company Kvarts said": the opening word describes the company.
            words = []
        if len(words) == 1 and i + 3 < len(tokens) and tokens[i] == "and":
            words = _unless_title_part(words, tokens, i)
        # Cheap guards first: this runs for every capitalised span of the story.
        quoted = (
            start > 0
            and tokens[start - 1] in _OPEN_QUOTES
            and _quoted_whole(tokens, start, i, len(words))
        )
        alias = _known_as(tokens, i) if i < len(tokens) and tokens[i] == "," else None
        following = tokens[i].lower() if i < len(tokens) else ""
        relative = tokens[i + 1].lower() if following == "," and i + 1 < len(tokens) else ""
        apposed_kind = _apposition_kind(tokens, i) if following == "," else None
        pieces = _affiliation_split(words, start)
        for k, (piece, piece_start) in enumerate(pieces):
            last = k == len(pieces) - 1
            after = following if last else pieces[k + 1][0][0].lower()
            for mention in _mentions_of_span(piece, tokens, piece_start, source, after):
                if not last:
                    mentions.append(mention)
                    continue
                if alias:
                    mention = replace(mention, alias=alias)
                if quoted:
                    # A title in quotation marks is a work (a film, a book, a song),
                    # whatever its words look like ("The Salt Road", "Harbour Lights").
                    mention = replace(mention, kind_hint="other", after_preposition=False)
                elif apposed_kind and mention.kind_hint is None:
                    mention = replace(mention, kind_hint=apposed_kind)
                mentions.extend(_with_relative(mention, relative, tokens, piece_start))
    return mentions


#: Holidays that name a draw, a market or a show after a name ("El Rayo Christmas draw").
_HOLIDAYS = _wordset("christmas easter")

#: Words that are no name on their own: a nationality, a holiday (a date like a month:
#: "the week before Christmas") and the words of ``_NOT_NAMES`` and ``_NOT_SINGLE_NAMES``
#: (one set, built once: ``_mentions_of_span`` asks for every span).
_NO_NAME_ALONE = _NOT_NAMES | _NOT_SINGLE_NAMES | DEMONYMS | _HOLIDAYS
_CONNECTORS_OR_THE = _CONNECTORS | {"the"}

#: Abbreviations written with a full stop that do not end a sentence ("Gen. Ray Park",
#: "Acme Corp. said"); stems of two letters or fewer ("St.", "Dr.", "J.") and dotted
#: ones ("U.S.") never do (``_ends_sentence``).
_ABBREVIATIONS = _wordset(
    "mrs sen rep gov gen col prof capt sgt cpl lieut supt insp det cllr hon rev messrs mme "
    "mlle ave blvd inc ltd corp bros dept univ assn est vol nos jan feb mar apr jun jul aug "
    "sep sept oct nov dec"
)


def _ends_sentence(token: str) -> bool:
    """Whether ``token`` ends with a sentence's full stop ("Copenhagen.", not "St.")."""
    if token[-1:] != ".":
        return False
    stem = token[:-1]
    return len(stem) > 2 and "." not in stem and stem.lower() not in _ABBREVIATIONS


def _unless_title_part(words: list[str], tokens: list[str], i: int) -> list[str]:
    """ "Oceans and Fisheries Minister Aroha Waititi": "Oceans" is the title's, not a name.

    ``tokens[i]`` is "and"; the single word before it is dropped when one capitalised
    word, a title and a name follow ("... and Fisheries Minister Waititi"). Not when
    that word is a role or a department word of its own ("Germany and Foreign Minister
    X", "Smith and Health Minister Y": two people or a place and a person) or the word
    before "and" is a known place.
    """
    middle, title, name = tokens[i + 1], tokens[i + 2], tokens[i + 3]
    if (
        _is_cap(middle)
        and _is_cap(title)
        and _is_cap(name)
        and title.lower() in _TITLES_BY_FIRST_WORD
        and title.lower() not in _HONORIFICS
        and middle.lower() not in _ROLE_WORDS
        and middle.lower() not in _DEPARTMENT_WORDS
        and middle.lower() not in DEMONYMS
        and _fold(words[0]) not in _gazetteer()
    ):
        return []
    return words


def _keeps_opening_word(word: str, mid_sentence_caps: frozenset[str] | None) -> bool:
    """Whether a capitalised sentence-opening ``word`` may be (part of) a name."""
    return word.lower() not in STOP_WORDS and (
        mid_sentence_caps is None or word in mid_sentence_caps or word.lower() in DEMONYMS
    )


_OPEN_QUOTES = frozenset({'"', "“", "‘"})
_CLOSE_QUOTES = frozenset({'"', "”", "’"})


def _quoted_whole(tokens: list[str], start: int, end: int, n_words: int) -> bool:
    """Whether the name ``tokens[start:end]`` is the whole of a quotation.

    Titles of works are quoted on their own ("won the Golden Lion for "The Salt
    Road""); a quotation of speech that merely opens with a name goes on after it.
    A comma or full stop before the closing mark (American style) is allowed for
    titles of two words or more, so a one-word quoted reply ("Venice," he said)
    is not taken for a title.
    """
    if start == 0 or tokens[start - 1] not in _OPEN_QUOTES or end >= len(tokens):
        return False
    if tokens[end] in _CLOSE_QUOTES:
        return True
    return (
        n_words >= 2
        and tokens[end] in {",", "."}
        and end + 1 < len(tokens)
        and tokens[end + 1] in _CLOSE_QUOTES
    )


def _known_as(tokens: list[str], end: int) -> str | None:
    """The acronym in ", (also) known (locally) as NSM" right after a name, if any."""
    k = end
    if k >= len(tokens) or tokens[k] != ",":
        return None
    k += 1
    if k < len(tokens) and tokens[k].lower() == "also":
        k += 1
    if k >= len(tokens) or tokens[k].lower() != "known":
        return None
    k += 1
    if k < len(tokens) and tokens[k].endswith("ly"):
        k += 1  # "known locally as"
    if k + 1 < len(tokens) and tokens[k].lower() == "as" and _is_code(tokens[k + 1]):
        return tokens[k + 1]
    return None


def _plural_possessive_in_name(word: str, following: str) -> bool:
    """ "Dundee University Students' Association": a plural possessive before a
    capitalised organisation word is inside the name, not the end of an owner's."""
    return (
        word[-2:] in ("s'", "s’")
        and following[:1].isupper()
        and following.lower().rstrip(".,") in ORG_WORDS
    )


#: Heads of bodies whose names go on with "on" ("Council on Foreign Relations").
_ON_HEADS = _wordset("panel committee commission council conference convention forum institute")
_CALENDAR_WORDS = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december today tomorrow"
)


def _joins_organisation_name(
    word: str, words: list[str], tokens: list[str], start: int, i: int
) -> bool:
    """Whether the lower-case ``word`` at ``tokens[i]`` continues the name ``words``.

    "on" after the head of a body, before a capitalised topic that is no day
    ("Panel on Climate Change", but not "the Council on Monday"). "and" when the
    capitalised words after it end in an organisation word and the name so far is
    no known place or body of its own, written after "the" or a possessive ("the
    Food and Drug Administration", "Britain's Competition and Markets Authority");
    or inside "<body> for/of/on X and Y" ("Organization for Security and
    Co-operation"). "Russia and Turkey", "Iran and the European Union" stay apart.
    """
    if i + 1 >= len(tokens):
        return False
    follow = tokens[i + 1]
    if not (_is_cap(follow) and follow[:1].isalpha()) or (
        follow.lower().rstrip(".,") in _CALENDAR_WORDS
    ):
        return False
    if word == "on":
        return words[-1].lower() in _ON_HEADS
    lowered = [w.lower() for w in words]
    if word == "to":
        # "Society for the Prevention of Cruelty to Animals": inside "<body> for ...".
        return any(
            lowered[k] in ORG_WORDS and lowered[k + 1] == "for" for k in range(len(lowered) - 1)
        )
    if word != "and":
        return False
    if any(
        lowered[k] in ORG_WORDS and lowered[k + 1] in {"for", "of", "on"}
        for k in range(len(lowered) - 2)
    ):
        return True
    if words[0].lower() == "the":  # a sentence opening "The Food and Drug ..."
        words, before = words[1:], "the"
    else:
        before = tokens[start - 1] if start > 0 else ""
    run = []
    for token in tokens[i + 1 : i + 6]:
        if not (_is_cap(token) and token[:1].isalpha()):
            break
        run.append(token)
    if not (words and run and run[-1].lower().rstrip(".,") in _AND_NAME_HEADS):  # keeps a "."
        return False
    if run[0].lower() in DEMONYMS or _fold(run[0]) in _gazetteer():
        return False  # "the French Navy and British Army": a second body starts
    if _national_prefix(words) and not any(_generic_org_word(w) for w in words):
        # "Greater Manchester Fire and Rescue Service", "Australian Communications and
        # Media Authority": a place or nationality, then words that name no body of
        # their own, then "and" and the rest of one body's name, wherever it stands.
        return True
    if (
        len(words) == 1
        and len(run) in (2, 3)
        and _generic_org_word(words[0])
        and _generic_org_word(run[0])
    ):
        # "the University and College Union", ", Universities and Colleges Employers
        # Association": two generic words joined by "and" before a head name one
        # body wherever it stands (after "the", a comma, a sentence start); "the
        # Council and European Parliament" are two.
        return True
    return (
        (before.lower() == "the" or bool(_POSSESSIVE.search(before)))
        and len(words) <= 2
        and not any(_generic_org_word(w) for w in words)
        and _fold(" ".join(words)) not in _gazetteer()
    )


#: Last words of bodies whose names hold "and": the organisation words, and "Executive",
#: a title word elsewhere ("Health and Safety Executive", not "Chief Executive").
_AND_NAME_HEADS = ORG_WORDS | {"executive"}


def _national_prefix(words: list[str]) -> bool:
    """Whether ``words`` open with a nationality or a known place and go on after it.

    "Australian Communications", "Greater Manchester Fire", "US Food": the rest is the
    start of a body's name; the words after the place must not be a place themselves.
    """
    if len(words) >= 3 and words[0].lower() == "greater":
        return True  # "Greater Manchester Fire": a metropolitan area, then the body
    k = 1 if words and words[0].lower() in _PLACE_PART_WORDS else 0
    for end in range(len(words) - 1, k, -1):
        head = words[k:end]
        if not head:
            break
        folded = _fold(" ".join(head))
        if head[-1].lower() in DEMONYMS or folded in _gazetteer() or head[-1] in {"US", "UK"}:
            rest = words[end:]
            return bool(rest) and _fold(" ".join(rest)) not in _gazetteer()
    return False


def _comma_list_in_name(words: list[str], tokens: list[str], start: int, i: int) -> bool:
    """Whether the comma at ``tokens[i]`` lists parts of one body's name.

    "<body> for/of X, Y and Z" ("Department for Environment, Food and Rural
    Affairs"), or "the X, Y and Z <head>" ("the Foreign, Commonwealth and
    Development Office"): one capitalised word after the comma, then "and", then
    capitalised words; in the second shape they end in an organisation word.
    Lists of places or bodies ("Russia, Iran and Turkey") do not match.
    """
    if i + 3 >= len(tokens) or tokens[i + 2] != "and" or not words:
        return False
    item = tokens[i + 1]
    if not (_is_cap(item) and item[:1].isalpha()) or _generic_org_word(item):
        return False
    if _fold(item) in _gazetteer() or item.lower() in DEMONYMS:
        return False
    lowered = [w.lower().rstrip(",") for w in words]
    if any(
        lowered[k] in ORG_WORDS and lowered[k + 1] in {"for", "of"} for k in range(len(lowered) - 2)
    ):
        return _is_cap(tokens[i + 3])
    if words[0].lower() == "the":
        words, before = words[1:], "the"
    else:
        before = tokens[start - 1].lower() if start > 0 else ""
    if before != "the" or len(words) != 1 or _fold(words[0].rstrip(",")) in _gazetteer():
        return False
    run = []
    for token in tokens[i + 3 : i + 8]:
        if not (_is_cap(token) and token[:1].isalpha()):
            break
        run.append(token)
    return bool(run) and run[-1].lower().rstrip(".,") in ORG_WORDS


def _generic_org_word(word: str) -> bool:
    """ "University", "Universities", "Colleges": a generic organisation word or its plural."""
    word = word.lower()
    singular = word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")
    return word in _GENERIC_ORG_WORDS or singular in _GENERIC_ORG_WORDS


def _with_relative(mention: Mention, relative: str, tokens: list[str], start: int) -> list[Mention]:
    """``mention`` retyped by a relative clause after it (", who ..." / ", which ...")."""
    # ", who ..." follows a person; ", which ..." anything but one.
    # (Not after a preposition: in "exporters in the Verde Valley, who ship",
    # "who" is the exporters.)
    before = tokens[start - 1].lower() if start > 0 else ""
    if relative == "who" and mention.kind_hint is None and before not in _PREPOSITIONS:
        mention = replace(mention, kind_hint="person")
    elif relative == "which":
        mention = replace(mention, not_person=True)
    return [mention]


#: Last words of a name that make "X Y of the Z" one name ("Democratic Republic of the Congo").
_BODY_WORDS = _wordset("republic kingdom emirates islands states people's")


def _affiliation_split(words: list[str], start: int) -> list[tuple[list[str], int]]:
    """Split "Ingrid Solheim of the University of Tromso" into the person and the body.

    A name of two or three capitalised words, no title or organisation word among
    them, followed by "of"/"for" and an organisation (or "the ..."), is a person
    with an affiliation, not one long name. "Bank of England", "Secretary of State",
    "Carnegie Institution for Science" stay whole.
    """
    for j, word in enumerate(words):
        if word.lower() not in {"of", "for"}:
            continue
        head, tail = words[:j], words[j + 1 :]
        # A title in front ("Professor Mark Etheridge of ...") is not part of the name.
        while head and head[0].lower() in _TITLE_WORDS | _ROLE_WORDS:
            head = head[1:]
        titled = len(head) < j
        if not 2 <= len(head) <= 3 or not tail:
            return [(words, start)]
        lowered = [w.lower() for w in head]
        if (
            _has_org_word(" ".join(head))
            or any(w in _TITLE_WORDS or w in _ROLE_WORDS or w in _BODY_WORDS for w in lowered)
            or not all(w[:1].isupper() or w.lower() in _SURNAME_PARTICLES for w in head)
        ):
            return [(words, start)]
        tail_start = start + j + 1
        if tail[0].lower() == "the":
            tail, tail_start = tail[1:], tail_start + 1
        elif (
            not _has_org_word(" ".join(tail))
            and "&" not in tail
            and _fold(" ".join(tail)).rstrip(".") not in _gazetteer()
            # "Mayor Petra Kersting of Wuppertal": after a title the words before "of"
            # are a person, so one capitalised word after it is where they serve.
            and not (titled and len(tail) == 1 and tail[0][:1].isupper())
        ):
            # "Camille Durand of France": a known country or city also ends the name.
            return [(words, start)]
        return [(words[:j], start), (tail, tail_start)] if tail else [(words, start)]
    return [(words, start)]


#: "for"/"at" end the head too: "Quiroga, a former reporter for the newspaper La Jornada"
#: is a reporter, not a newspaper.
_APPOSITION_STOPS = frozenset(
    {"of", ",", ".", "who", "which", "that", "and", "in", "with", ";", "for", "at"}
)


def _apposition_kind(tokens: list[str], comma: int) -> str | None:
    """ "organization" when the name is followed by ", a <...> maker" and the like.

    The head noun of the apposition (its last word before "of", a comma, a
    relative pronoun ...) says what the name is: "Quillfield, a British maker of
    kitchen scales"; "Okonkwo, a club captain" has the head "captain".
    """
    if comma + 2 >= len(tokens) or tokens[comma + 1].lower() not in {"a", "an", "the"}:
        return None
    head = None
    stop = ""
    for token in tokens[comma + 2 : comma + 7]:
        if token.lower() in _APPOSITION_STOPS:
            stop = token.lower()
            break
        head = token.lower()
    if (
        comma + 3 < len(tokens)
        and tokens[comma + 2].lower() in _VESSEL_NOUNS
        and _ends_noun_phrase(tokens[comma + 3])
    ):
        # "the Helios Pride, the tanker stuck on the rocks": a ship (its noun comes
        # first, and the phrase may end in "rocks"); not "a ferry engineer".
        return "other"
    if head in _THING_NOUNS:
        return "other"
    if head in _BUILDING_NOUNS:
        return "place"
    # "Tom Whelan, a software developer who works for ...": "who" says the head
    # noun is a person's trade, whatever a company of that name would be.
    return "organization" if head in _KIND_NOUNS and stop != "who" else None


def _ends_noun_phrase(token: str) -> bool:
    """Whether ``token`` can follow the last noun of a phrase (not another noun)."""
    lowered = token.lower()
    return (
        not token[:1].isalpha()
        or lowered in STOP_WORDS
        or lowered in _APPOSITION_STOPS
        or lowered.endswith(("ed", "ing"))
        or lowered in {"stuck", "sunk", "hit", "run", "built"}
    )


#: Nouns for ships: a name they describe ("the tanker Helios Pride", "Helios Pride, the
#: tanker") is a vessel ("other"), whatever its words look like.
_VESSEL_NOUNS = _wordset(
    "ship tanker vessel freighter ferry trawler yacht liner frigate destroyer submarine "
    "cruiser containership supertanker"
)
#: Nouns for made things other than ships: instruments, works of art, products. Right
#: before a name ("the violin known as the Lady Ashbourne", "the painting X") or heading
#: its apposition they make it a thing ("other"), whatever its words look like.
_THING_NOUNS = _VESSEL_NOUNS | _wordset(
    "violin viola cello guitar piano instrument stradivarius painting portrait sculpture "
    "statue manuscript phone smartphone handset app drug vaccine rocket satellite number "
    "hotline"
)
#: Heads of an apposition that make the name before it a place ("Calder Point, the
#: Manchester apartment tower", "Calder Point, a block of 180 flats").
_BUILDING_NOUNS = _wordset("tower block building estate skyscraper")


def _mentions_of_span(
    words: list[str], tokens: list[str], start: int, source: int, following: str = ""
) -> list[Mention]:
    while words and (words[0].lower() in _NOT_NAMES or words[0].lower() == "the"):
        words = words[1:]
        start += 1
    if (
        len(words) > 1
        and words[0].lower() in _OPENING_PREPOSITIONS
        and start > 0
        and tokens[start - 1] in _CLAUSE_OPENERS
    ):
        # "VIC, Spain - At Bugaderia Ferrer, a family laundry": after a dateline's dash
        # the sentence starts again, and its capitalised preposition is no name's.
        words = words[1:]
        start += 1
    if not words:
        return []
    # "Toronto-listed Halberd Copper Corp", "Malta-flagged Helios Pride": a hyphenated
    # participle before a name describes it and is no part of it.
    while len(words) > 1 and "-" in words[0] and _HYPHEN_PARTICIPLE.search(words[0]):
        words = words[1:]
        start += 1
    role, name_words = _split_title(words)
    # "Special Envoy for Syria Staffan de Mistura": the "for Syria" belongs to the role.
    while role and len(name_words) > 2 and name_words[0].lower() in {"for", "of"}:
        role = f"{role} {name_words[0]} {name_words[1]}"
        name_words = name_words[2:]
    if role and name_words and name_words[0].lower() in {"for", "of"}:
        return []  # "Minister for Enterprise, Siobhan Carey": all title, the name follows
    while name_words and _LED.match(name_words[0]):
        name_words = name_words[1:]
    # "Ministers of Foreign Affairs Sergei Lavrov and Defense Sergei Shoygu": the
    # second title is cut to its department word, which belongs to the role.
    if (
        len(name_words) >= 3
        and name_words[0].lower() in _DEPARTMENT_WORDS
        and name_words[1] != "and"  # "Health and Safety Executive" is one body
        and not _has_org_word(" ".join(name_words[1:]))
    ):
        role = f"{role} {name_words[0]}" if role else name_words[0]
        name_words = name_words[1:]
    # A lower-case role right before the name: "Kremlin spokesman Dmitry Peskov".
    if (
        role is None
        and start > 0
        and tokens[start - 1].lower() in _ROLE_WORDS
        and tokens[start - 1].lower() not in _ROLE_ADJECTIVES
    ):
        back = start - 1
        while back > 0 and back > start - 6:
            previous = tokens[back - 1]
            if (
                previous.lower() in _ROLE_WORDS
                or previous.lower() in {"of", "the"}
                or (_is_cap(previous) and previous[:1].isalpha())
            ):
                back -= 1
            else:
                break
        role = " ".join(tokens[back:start])
        role = _ROLE_LEAD.sub("", role)
    # Strip nationality adjectives in front: "Russian Vladimir Putin" is rare, "Syrian" alone common.
    while (
        name_words
        and (name_words[0].lower() in DEMONYMS or name_words[0].lower() in _PARTY_LABELS)
        and len(name_words) > 1
    ):
        if role is None and _has_org_word(" ".join(name_words[1:])):
            break  # "Russian Federation", "European Space Agency": part of the name
        if _fold(_clean_surface(" ".join(name_words))) in _gazetteer():
            break  # "Saudi Arabia", "South African Republic": a known place
        if role is None and " ".join(name_words[1:]) in _ORG_NAMES:
            break  # "Portuguese Red Cross": a national branch keeps its nationality
        if role is None and name_words[-1].lower() in _EVENT_WORDS:
            break  # "European Individual Chess Championship", "Russian Grand Prix"
        name_words = name_words[1:]
    text = _clean_surface(" ".join(name_words))
    if not text or text.lower() in _NO_NAME_ALONE:
        return []
    if text.isupper() and start > 0 and tokens[start - 1][:1].isdigit():
        return []  # "1200 BC", "40 MW": an era or a unit after a number
    if following.isdigit() and not 1800 <= int(following) <= 2100 and _is_code(text.split()[-1]):
        # "LHS 7712 b", "A 320", "Flight EA 137": a catalogue, model or flight
        # code, not a body or a person.
        return []
    if text.lower() in STOP_WORDS and not text.isupper():
        return []
    # A bare title ("the Foreign Minister", "UN Secretary-General") names nobody, and a
    # lone generic word ("Union", "Council", "Coalition") no particular body.
    if (
        text.split()[-1].lower() in _TITLE_WORDS and " and " not in text
    ) or text.lower() in _GENERIC_ORG_WORDS:
        return []
    previous = tokens[start - 1].lower() if start > 0 else ""
    kind_hint = "person" if role is not None and not _has_org_word(text) else None
    if kind_hint is None and _POSSESSIVE.search(words[-1]) and following in _STATE_POSSESSIONS:
        kind_hint = "place"  # "Kestria's foreign minister": only a country has one
    elif kind_hint is None and following in _PLACE_NOUNS:
        kind_hint = "place"  # "the Lower Marrow valley", "Harborton Central station"
    elif (
        kind_hint is None
        # "she told Canal Norte television.": the full stop is no part of the noun.
        and (following in _ORG_NOUNS or (following[:-1] in _ORG_NOUNS and following[-1:] == "."))
        and not _place_shaped(name_words)
    ):
        # "Dragan's Kestria First party"; but "the Cape Town company" is a company in
        # Cape Town: a name shaped like a place only says where the company is.
        kind_hint = "organization"
    elif kind_hint is None and (
        previous in _KIND_NOUNS
        or (previous == "," and start > 1 and tokens[start - 2].lower() in _KIND_NOUNS)
        or (previous in {"called", "named", "as"} and _named_after_kind_noun(tokens, start))
        or (previous == "house" and start > 1 and tokens[start - 2].lower() in _HOUSE_KINDS)
    ):
        # "coffee-machine maker Tessaro", "the journal Nature", "His team, Andes Pro Cycling",
        # "a criminal group known as Black Lantern"
        kind_hint = "organization"
    elif (
        kind_hint is None
        and previous == "the"
        and start > 1
        and tokens[start - 2].lower() in _WIN_VERBS
        and not _has_org_word(text)
        and _fold(text) not in _gazetteer()
    ):
        # "won the Golden Lion": what one wins is a prize or a contest.
        kind_hint = "other"
    if (
        kind_hint is None
        and previous == "in"
        and start > 1
        and tokens[start - 2].lower() in _HOLDING_NOUNS
    ):
        # "Shares in Oakridge rose": one holds shares in a company, not a place.
        kind_hint, previous = "organization", ""
    if kind_hint is None and previous in ("of", "the") and _part_of_land_before(tokens, start):
        kind_hint = "place"  # "on the slopes of Gorse Hill", "the outskirts of Tarnow"
    if kind_hint is None and following in _SHIPWRECK_VERBS:
        # "after the Amoco Cadiz ran aground", "the Erika sank": only ships do that.
        end = start + len(words) + sum(word.endswith(",") for word in words)
        if following != "ran" or (end + 1 < len(tokens) and tokens[end + 1] == "aground"):
            kind_hint = "other"
    if kind_hint is None and (previous in _THING_NOUNS or _named_after_thing(tokens, start)):
        # "the tanker Helios Pride": a ship; "the violin known as the Lady Ashbourne"
        kind_hint = "other"
    if len(name_words) > 1 and name_words[0] in _VESSEL_PREFIXES:
        # "RRS Sir David Attenborough", "HMS Victory": a ship, whoever it is named after.
        kind_hint, role = "other", None
    if role and role.lower().split()[-1] in _HONORIFICS:
        role = None
    # "from Aldgate's Kelso factory": the preposition governs the factory, not Aldgate.
    possessive = bool(_POSSESSIVE.search(words[-1]))
    # "on the Lido", "over the Atlantic": a single word after a preposition of
    # position and "the", ending its noun phrase, is a place when nothing else types it.
    located = (
        previous == "the"
        and start > 1
        and tokens[start - 2].lower() in _POSITION_PREPOSITIONS
        and " " not in text
        # Not a modifier of a noun: "near the Roman bridge", "on the Euronext exchange".
        and not (following[:1].isalpha() and following not in STOP_WORDS)
    )
    return [
        Mention(
            text=text,
            source=source,
            kind_hint=kind_hint,
            role=role,
            after_preposition=(previous in _PLACE_PREPOSITIONS or located)
            and not possessive
            # "according to Diane Fell": a source is quoted, not a place reached.
            and not (previous == "to" and start > 1 and tokens[start - 2].lower() == "according")
            # "officials from Unite", "researchers from Aker": people come from a body as
            # often as from a place, so "from" after them is no cue either way.
            and not (
                previous == "from" and start > 1 and tokens[start - 2].lower() in _STAFF_NOUNS
            ),
            # Only when "the" is right before the name itself, not before a
            # nationality or title that was stripped ("the Russian Vladimir Putin").
            # Likewise after "at": "analysts at Peel Hunt", "economists at Harwood
            # Brothers" work at a firm (places after "at" mostly carry a place word).
            after_article=previous in ("the", "at")
            and role is None
            and len(text.split()) > 1
            and words[0] == text.split()[0],
            before_number=following.isdigit() and not 1800 <= int(following) <= 2100,
        )
    ]


#: People who come "from" a body as often as from a place.
#: Parts of a stretch of land: "<part> of X" makes X a place ("the slopes of Gorse Hill").
_LAND_PARTS = _wordset("slopes summit shores banks outskirts foothills")


def _part_of_land_before(tokens: list[str], start: int) -> bool:
    """Whether the name at ``tokens[start]`` follows "<part of land> of (the)"."""
    back = start - 1
    if back > 0 and tokens[back].lower() == "the":
        back -= 1
    return back > 0 and tokens[back].lower() == "of" and tokens[back - 1].lower() in _LAND_PARTS


#: Words that make "<word> house" a kind of firm ("the auction house Lund Berg").
_HOUSE_KINDS = _wordset("auction fashion publishing trading design")

_STAFF_NOUNS = _wordset(
    "officials representatives members delegates lawyers executives analysts researchers "
    "scientists staff workers engineers experts economists investigators inspectors "
    "spokesmen spokeswomen rescuers"
)
_HYPHEN_PARTICIPLE = re.compile(r"-(?:[a-z]+ed|born|run)$")
#: Party labels written before a politician's name like a nationality ("Democrat
#: Joanne Whitlock"): stripped, so the full name merges with the bare one.
_PARTY_LABELS = _wordset("democrat republican")
#: Verbs whose object after "the" is a prize or a contest ("won the Golden Lion").
_WIN_VERBS = _wordset("won win wins winning awarded")
#: Prepositions of position: with "the", the single name after them is a place
#: ("on the Lido", "over the Atlantic"); "in"/"at the" also precede newspapers and leagues.
_POSITION_PREPOSITIONS = _wordset(
    "on over across along off near into beneath under around beyond toward towards"
)
_ROMAN_NUMERALS = _wordset("ii iii iv vi vii viii ix xi xii")


def _is_code(word: str) -> bool:
    """ "EA", "UCU", "LHS": two or more capital letters (no full stops), no roman numeral."""
    return (
        len(word) >= 2 and word.isalpha() and word.isupper() and word.lower() not in _ROMAN_NUMERALS
    )


def _named_after_kind_noun(tokens: list[str], start: int) -> bool:
    """ "a gang called Black Lantern", "a group known as Black Lantern", "a firm named X"."""
    if start > 1 and tokens[start - 1].lower() in {"called", "named"}:
        return tokens[start - 2].lower() in _KIND_NOUNS
    return (
        start > 2
        and tokens[start - 1].lower() == "as"
        and tokens[start - 2].lower() == "known"
        and tokens[start - 3].lower() in _KIND_NOUNS
    )


#: Verbs after a name that only a ship does ("ran aground" with its next word).
_SHIPWRECK_VERBS = _wordset("ran sank capsized foundered")


def _place_shaped(words: list[str]) -> bool:
    """ "Cape Town", "Port Lemos", "Marrow River", "Spain": words that name a place."""
    return bool(words) and (
        words[0].lower() in _LEADING_PLACE_WORDS
        or words[-1].lower() in _PLACE_WORDS
        or _fold(" ".join(words)) in _gazetteer()
    )


#: Prepositions that open a sentence after a dateline, capitalised ("- At Bugaderia").
_OPENING_PREPOSITIONS = _wordset("at in on from for with after before by to into inside")
_CLAUSE_OPENERS = frozenset({"-", "–", "—", ":"})


def _named_after_thing(tokens: list[str], start: int) -> bool:
    """ "the violin known as the Lady Ashbourne", "a painting called The Harbour"."""
    k = start - 1
    if k >= 0 and tokens[k].lower() == "the":
        k -= 1
    if k >= 1 and tokens[k].lower() in {"called", "named"}:
        return tokens[k - 1].lower() in _THING_NOUNS
    return (
        k >= 2
        and tokens[k].lower() == "as"
        and tokens[k - 1].lower() == "known"
        and tokens[k - 2].lower() in _THING_NOUNS
    )


#: Nouns that, before "in", make the name after it a company ("a stake in Helvard").
_HOLDING_NOUNS = _wordset("shares share stake stakes holding holdings investment investors stock")
#: Ship prefixes (written in capitals): the name after them is a vessel, not a person.
_VESSEL_PREFIXES = frozenset(
    ["RRS", "HMS", "USS", "MV", "MS", "RV", "SS", "HMAS", "HMCS", "HMNZS", "FV", "INS"]
)

#: Role words that are adjectives ("the former England defender"): no role on their own.
_ROLE_ADJECTIVES = _wordset(
    "former deputy vice foreign prime defense defence interior finance opposition general chief"
)
#: Common nouns naming a kind of organisation; right before a name they type it
#: ("the Polish side Lech Poznan"), and after it in an apposition
#: ("Quillfield, a British maker of kitchen scales").
_KIND_NOUNS = _wordset(
    "company firm maker manufacturer carrier airline insurer lender retailer supplier "
    "developer publisher broadcaster newspaper magazine journal website startup charity "
    "club side team band brand bank group party union alliance movement distributor studio "
    "gang champions rivals holders foundation agency association organisation organization"
)

#: Capitalised department words that open a cut-down title ("and Defense Sergei Shoygu").
_DEPARTMENT_WORDS = _wordset("defense defence interior finance foreign justice health")


_PREPOSITIONS = _wordset("in on at of from to into near across off by for with through the")
_PLACE_PREPOSITIONS = frozenset(
    {"in", "to", "from", "near", "across", "outside", "into", "toward", "above", "below"}
)
#: Lower-case nouns that, right after a name, say it is a place or an organisation.
_PLACE_NOUNS = _wordset(
    "river valley province region town city district county village airport station street "
    "square bridge border lake island governorate countryside capital port desert coast sea "
    "estuary peninsula mountains hills glacier lagoon bay"
)
_STATE_POSSESSIONS = _wordset(
    "foreign prime president government capital army military parliament economy border "
    "embassy ambassador"
)
_ORG_NOUNS = _wordset(
    "party company group agency newspaper ministry militia movement network daily shares "
    "shareholders stock television tv"  # "she told Canal Norte television"
)
#: Last words of a span that make it a place ("Marrow River", "Kessel Street").
_PLACE_WORDS = _wordset(
    "river valley lake sea ocean island islands bay gulf province region county street "
    "square bridge park airport mountains heights desert strait canal road avenue beach "
    "governorate coast peninsula plains hills forest harbour harbor plaza lane way boulevard "
    "highway quarter palace castle stadium arena tower glacier glaciers mountain mountains "
    "range volcano reef fjord delta basin trench ridge archipelago lagoon creek estuary "
    "straits falls marsh wetlands moor moors shelf rise plateau seamount canyon shoal shoals "
    "trough farm drive spit"
)
#: First words of multi-word place names ("Port Lemos", "Santa Ana", "Lake Geneva").
_LEADING_PLACE_WORDS = _wordset(
    "port mount mt. lake fort cape point san santa saint sao los las "
    "calle avenida rua rue"  # streets of other languages ("Calle Mayor", "Rue Haute")
)
# Words of titles that also end names ("Islamic State", "Department of Justice") are left out.
_TITLE_WORDS = frozenset(word for title in TITLES for word in title.split() if len(word) > 3) - {
    "state",
    "justice",
    "general",
}
_GENERIC_ORG_WORDS = _wordset(
    "council department ministry party army forces agency organization organisation union "
    "nations group committee commission court bank university hospital news times post press "
    "government coalition radio office police service services corporation company institute "
    "foundation association federation league alliance brigade brigades front guard guards "
    "militia board authority bureau network channel daily journal gazette state rail railway "
    "school college church club trust fund survey panel administration management consortium "
    "tribunal assembly directorate secretariat programme inspectorate"
)


def _has_org_word(text: str) -> bool:
    for word in text.lower().split():
        word = word.strip(".,")
        if word in ORG_WORDS:
            return True
        # A possessive hides the head noun: "the European Space Agency's CryoSat mission"
        # (what ``_POSSESSIVE`` strips, without a regex on every word).
        if word[-1:] in ("'", "’"):
            word = word[:-1]
        elif word[-2:] in ("'s", "’s"):
            word = word[:-2]
        else:
            continue
        if word in ORG_WORDS:
            return True
    return False


# --------------------------------------------------------------------- optional spaCy

_SPACY_KINDS = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": None,  # nationalities qualify roles; they are not entities here
}
SPACY_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


# Once per process: the stage asks for every story, and looking for the package
# (and loading a model, when one is installed) each time cost more than the stage.
@functools.lru_cache(maxsize=1)
def load_spacy_pipeline() -> Callable[[str], Any] | None:
    """An installed spaCy English pipeline, or None (never downloads one)."""
    if importlib.util.find_spec("spacy") is None:
        return None
    import spacy

    for model in SPACY_MODELS:
        if spacy.util.is_package(model):
            return spacy.load(model, exclude=["lemmatizer"])  # type: ignore[no-any-return]
    return None


#: The shared spaCy pipeline is not documented as safe to call from several threads
#: at once (the server briefs in a thread pool), so calls take turns.
_SPACY_LOCK = threading.Lock()


def spacy_mentions(nlp: Callable[[str], Any], sentence: str, source: int) -> list[Mention]:
    """Mentions from spaCy's named-entity spans of ``sentence``."""
    mentions = []
    with _SPACY_LOCK:
        doc = nlp(sentence)
    for ent in doc.ents:
        if ent.label_ not in _SPACY_KINDS or _SPACY_KINDS[ent.label_] is None:
            continue
        role, words = _split_title(ent.text.split())
        text = _clean_surface(" ".join(words))
        if text and text.lower() not in _NOT_NAMES:
            prefix = sentence[: ent.start_char].split()
            previous = prefix[-1].lower() if prefix else ""
            mentions.append(
                Mention(
                    text=text,
                    source=source,
                    kind_hint=_SPACY_KINDS[ent.label_],
                    role=role,
                    after_preposition=previous in {"in", "to", "from", "near"},
                )
            )
    return mentions


# -------------------------------------------------------------------------- merging


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions).

    Myers' bit-parallel algorithm (Hyyrö's formulation): one column of the dynamic
    programme is a pair of bit vectors over the shorter string, so each character
    of the longer one costs a few integer operations instead of an inner loop.
    Same distances as the textbook table, about 7x faster in CPython.
    """
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if not m:
        return len(a)
    positions: dict[str, int] = {}
    for i, char in enumerate(b):
        positions[char] = positions.get(char, 0) | (1 << i)
    full, last = (1 << m) - 1, 1 << (m - 1)
    plus, minus, score = full, 0, m  # vertical +1/-1 deltas of the current column
    for char in a:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        h_plus = minus | ~(horizontal | plus)
        h_minus = plus & horizontal
        if h_plus & last:
            score += 1
        elif h_minus & last:
            score -= 1
        h_plus = (h_plus << 1) | 1
        h_minus <<= 1
        plus = (h_minus | ~(vertical | h_plus)) & full
        minus = h_plus & vertical & full
    return score


def name_distance(a: str, b: str) -> float:
    """Edit distance over the longer length, on folded names (0 same, 1 unrelated)."""
    a, b = _fold(a), _fold(b)
    if not a or not b:
        return 1.0
    return edit_distance(a, b) / max(len(a), len(b))


def _surname(name: str) -> str:
    last = name.split()[-1]
    return _SURNAME_PARTICLE.sub("", _fold(last))


def _first_names_compatible(a: str, b: str) -> bool:
    first_a, first_b = _fold(a.split()[0]).rstrip("."), _fold(b.split()[0]).rstrip(".")
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return name_distance(first_a, first_b) <= 0.34


@dataclass(slots=True)
class _Cluster:
    kind: str
    #: Typed "person" only because it looks like "Firstname Lastname", with no other cue.
    by_default: bool = False
    #: Where the kind came from (one of ``EVIDENCE``): how far to trust it.
    evidence: str = "default"
    forms: Counter[str] = field(default_factory=Counter)
    by_source: Counter[int] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    canonical: str | None = None

    def add(self, mention: Mention, form: str) -> None:
        self.forms[form] += 1
        self.by_source[mention.source] += 1
        if mention.role:
            self.roles[mention.role] += 1

    def absorb(self, other: _Cluster) -> None:
        self.forms.update(other.forms)
        self.by_source.update(other.by_source)
        self.roles.update(other.roles)


def _kind_of(
    text: str,
    hints: Counter[str],
    gazetteer: dict[str, str],
    places_hint: int,
    not_person: int = 0,
    with_article: bool = False,
) -> str:
    """The kind of a name, from the strongest cue it has (``_kind_and_evidence``)."""
    return _kind_and_evidence(text, hints, gazetteer, places_hint, not_person, with_article)[0]


def _kind_and_evidence(
    text: str,
    hints: Counter[str],
    gazetteer: dict[str, str],
    places_hint: int,
    not_person: int = 0,
    with_article: bool = False,
) -> tuple[str, str]:
    """The kind of a name and the cue it comes from (see ``_DEFAULT_PERSON``, ``EVIDENCE``).

    ``with_article``: the story mostly writes the name after "the" ("the Brenford
    Courier"); a multi-word name people-shaped but for that is an organisation.
    """
    folded = _fold(text)
    if folded in gazetteer:
        return ("organization" if gazetteer[folded] in _ORG_CANONICAL else "place"), "gazetteer"
    if hints:
        kind = hints.most_common(1)[0][0]
        # A person's hint comes from a title or role before the name.
        return kind, "title" if kind == "person" else "context"
    words = text.split()
    if len(words) > 1 and (
        words[-1].lower() in _PLACE_WORDS
        # "Port Lemos", but "Port of Rotterdam Authority" is the body running it.
        or (words[0].lower() in _LEADING_PLACE_WORDS and not _generic_org_word(words[-1]))
    ):
        return "place", "name word"
    if len(words) > 2 and words[1] == "of" and words[0].lower() in _PLACE_OF_WORDS:
        # "Bay of Biscay", "Isle of Skye", "Gulf of Mexico": a feature "of" a name.
        return "place", "name word"
    if len(words) > 1 and (
        words[-1].lower() in _NOT_BODY_HEADS or words[0].lower() in _STORM_WORDS
    ):
        # "Bronze Age", "Grand Tour", "James Webb Space Telescope": an era, an event or
        # an instrument, neither a person nor a body.
        return "other", "name word"
    if text in _ORG_NAMES or _has_org_word(text) or " & " in text:
        return "organization", "name word"
    if len(words) > 1 and _named_after_place(words, gazetteer):
        return "organization", "named after a place"
    letters = text.replace(".", "")
    # "RV-9", "F-35": a code with digits names a product or model, not a body.
    if letters.isupper() and letters.isalpha() and 2 <= len(letters) <= 6:
        return "organization", "capitals"
    if places_hint:
        return "place", "preposition"
    if all(w.lower() in _COMPASS_WORDS for w in words):
        return "place", "name word"  # "the North East", "South West"
    if with_article and len(words) > 1:
        return "organization", "after the"
    if len(words) > 1 and any(_is_code(w) for w in words):
        return (
            "organization",
            "name word",
        )  # "UCU Scotland", "BBC Arabic": people's names have no acronyms
    if len(words) > 1 and words[-1] in {"City", "Town"}:
        # "Coventry City", "Denholm City": no person's surname; a club far more often
        # than a city the gazetteer lacks ("Mexico City" is the price).
        return "organization", "name word"
    if (
        not not_person
        and 2 <= len(words) <= 4
        and all(w[:1].isupper() or w.lower() in _CONNECTORS for w in words)
    ):
        return _DEFAULT_PERSON, "default"
    return "other", "default"


#: First words of a place named "<word> of <name>" ("Bay of Biscay", "Isle of Skye").
_PLACE_OF_WORDS = _wordset("bay gulf isle isles strait straits sea lake cape firth vale")
#: First words that make "<word> <place>" a part of that place ("Central London").
_PLACE_PART_WORDS = _wordset("greater inner outer downtown metropolitan rural central mid")


def _named_after_place(words: list[str], gazetteer: dict[str, str]) -> bool:
    """ "Forestry England", "Seafood New Zealand", "Bayern Munich": a body named for a place.

    A name that ends in a known country or city after capitalised words of its own
    is neither that place nor, by its shape, a person (a surname is seldom a known
    place); a public body, a trade group or a club is named that way. Not when the
    first word locates a part of the place ("Central London", "South Wales").
    """
    first = words[0].lower()
    if first in _NOT_SINGLE_NAMES or first in _COMPASS_WORDS or first in _PLACE_PART_WORDS:
        return False
    for size in (1, 2):
        head, tail = words[:-size], words[-size:]
        if not head or not _is_cap(head[-1]) or head[-1].lower() in DEMONYMS:
            continue  # "City of London", "Saudi ...": no name of its own before the place
        place = gazetteer.get(_fold(" ".join(tail)))
        if place is not None and place not in _ORG_CANONICAL:
            return True
    return False


#: Last words of the names of eras, events and time zones ("Bronze Age", "World Cup",
#: "Middle Ages", "Central European Time").
_EVENT_WORDS = _wordset(
    "age era war cup championship championships games olympics marathon tour festival prize "
    "award awards trophy grand prix ages time week regatta exhibition expo biennale"
)
#: Last words of the names of instruments and craft ("Hubble Space Telescope").
_THING_WORDS = _wordset("telescope satellite spacecraft probe rover")
#: Last words of the names of laws, bills and treaties ("Proceeds of Crime Act", "Paris
#: Accord", "Marine Protection Amendment Bill").
_LAW_WORDS = _wordset("act treaty accord accords protocol amendment bill")
_NOT_BODY_HEADS = _EVENT_WORDS | _THING_WORDS | _LAW_WORDS
#: First words of named storms ("Storm Ulla", "Hurricane Maria"): an event, not a person.
_STORM_WORDS = _wordset("storm hurricane typhoon cyclone")

# The kind ``_kind_of`` gives a bare "Firstname Lastname"-looking name; ``merge_mentions``
# revisits it when the story shortens the name to its first word ("Meridian").
_DEFAULT_PERSON = "person"


_ORG_CANONICAL = frozenset(
    {"United Nations", "Islamic State", "European Union", "NATO", "Kremlin", "G7", "G20"}
)


def merge_mentions(mentions: Iterable[Mention], gazetteer: dict[str, str]) -> list[_Cluster]:
    """Group mentions into entities (aliases, surnames, transliterations)."""
    mentions = _without_models(list(mentions))
    hints: dict[str, Counter[str]] = defaultdict(Counter)
    place_votes: Counter[str] = Counter()
    not_person: Counter[str] = Counter()
    with_article: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for mention in mentions:
        seen[mention.text] += 1
        with_article[mention.text] += mention.after_article
        if mention.kind_hint:
            hints[mention.text][mention.kind_hint] += 1
        if mention.after_preposition:
            place_votes[mention.text] += 1
        if " of " in mention.text:
            # "University of Dundee", "Bank of England": a body "of" one word
            # is named after a place, so that word alone is the place.
            head, _, tail = mention.text.rpartition(" of ")
            if " " not in tail and _has_org_word(head):
                place_votes[tail] += 1
        if mention.not_person:
            not_person[mention.text] += 1
    clusters: dict[str, _Cluster] = {}
    for mention in mentions:
        folded = _fold(mention.text)
        canonical = gazetteer.get(folded) or _compass_place(folded, gazetteer)
        if canonical is None and folded in ALIASES:
            canonical = ALIASES[folded]
        key = canonical or mention.text
        if key not in clusters:
            kind, evidence = _kind_and_evidence(
                key,
                hints[mention.text],
                gazetteer,
                place_votes[mention.text],
                not_person[mention.text],
                # At least half the time: "the Donald Trump administration" once
                # does not make a person an organisation.
                2 * with_article[mention.text] >= seen[mention.text],
            )
            by_default = kind == "person" and not hints[mention.text]
            clusters[key] = _Cluster(
                kind=kind, canonical=canonical, by_default=by_default, evidence=evidence
            )
        cluster = clusters[key]
        cluster.canonical = cluster.canonical or canonical
        cluster.add(mention, mention.text)
    merged = _merge_people(_shortened_names(list(clusters.values())), _merge_spellings)
    merged = _acronyms(_repeated_in_full(merged))
    if any("," in name or " and " in name for c in merged for name in c.forms):
        merged = _clipped_bodies(merged)
    aliases = {(m.text, m.alias) for m in mentions if m.alias}
    return _national_names(_given_aliases(merged, aliases) if aliases else merged)


def _clipped_bodies(clusters: list[_Cluster]) -> list[_Cluster]:
    """ "Foreign Office" is "Foreign, Commonwealth and Development Office" clipped.

    A body of two words, "<first> <head>", joins the one long body name of the story
    that lists parts with commas or "and" and starts with that first word and ends with
    that head; with two such long names it stays apart.
    """
    long_names: dict[tuple[str, str], list[_Cluster]] = defaultdict(list)
    for cluster in clusters:
        name = cluster.forms.most_common(1)[0][0]
        if cluster.kind == "organization" and ("," in name or " and " in name):
            words = name.split()
            long_names[(words[0].rstrip(",").lower(), words[-1].lower())].append(cluster)
    absorbed: set[int] = set()
    for cluster in clusters:
        name = cluster.forms.most_common(1)[0][0]
        words = name.split()
        if cluster.kind != "organization" or len(words) != 2 or cluster.canonical:
            continue
        targets = long_names.get((words[0].lower(), words[1].lower()), [])
        if len(targets) == 1:
            targets[0].absorb(cluster)
            absorbed.add(id(cluster))
    return [c for c in clusters if id(c) not in absorbed]


def _without_models(mentions: list[Mention]) -> list[Mention]:
    """Drop names of two words or more that the story only ever writes before a number.

    "the Hollin CrispPro 5", "Heathrow Terminal 5": a product model, a terminal or a
    route, never who or where the story is about; a club before its score is written
    "29-28" (no bare number), and a name also written without a number stays.
    """
    numbered = {m.text for m in mentions if m.before_number and " " in m.text}
    if not numbered:
        return mentions
    numbered -= {m.text for m in mentions if not m.before_number}
    return [m for m in mentions if m.text not in numbered] if numbered else mentions


def _given_aliases(clusters: list[_Cluster], pairs: set[tuple[str, str]]) -> list[_Cluster]:
    """Merge the short names the text gives ("..., known as NSM") into their long names."""
    by_form = {form: c for c in clusters for form in c.forms}
    absorbed: set[int] = set()
    for name, alias in sorted(pairs):
        long, short = by_form.get(name), by_form.get(alias)
        if long is None or short is None or long is short or id(short) in absorbed:
            continue
        if id(long) in absorbed or short.kind == "person":
            continue
        long.absorb(short)
        long.canonical = long.canonical or name  # shown under the long name
        absorbed.add(id(short))
        for form in short.forms:
            by_form[form] = long
    return [c for c in clusters if id(c) not in absorbed]


def _national_names(clusters: list[_Cluster]) -> list[_Cluster]:
    """ "National Security Authority" into "Norwegian National Security Authority".

    Also a name after an acronym into the name with it ("Champions League" into "EHF
    Champions League"); the longer, fuller name is kept.

    A body is named with its nationality once and without it after; only names of
    two words or more are joined (a single "Airways" is no body's short name).
    """
    by_name = {_name(c): c for c in clusters if c.kind == "organization"}
    absorbed: set[int] = set()
    for name, cluster in by_name.items():
        first, _, rest = name.partition(" ")
        short = by_name.get(rest)
        if (
            # "EHF Champions League" and "Champions League": an acronym prefix likewise.
            (first.lower() in DEMONYMS or _is_code(first))
            and " " in rest
            and short is not None
            and short is not cluster
            and id(short) not in absorbed
        ):
            cluster.absorb(short)
            absorbed.add(id(short))
    return [c for c in clusters if id(c) not in absorbed]


_COMPASS = {"n": "north", "s": "south", "e": "east", "w": "west"}
_COMPASS_WORDS = _wordset(
    "north south east west northern southern eastern western north-east north-west "
    "south-east south-west northeast northwest southeast southwest mid"
)
_COMPASS_INITIAL = re.compile(r"([nsew])\. ?(\S.*)")


def _compass_place(folded: str, gazetteer: dict[str, str]) -> str | None:
    """ "E. Ghouta", "N. Korea": a known place behind an abbreviated compass word.

    The spelled-out name wins when it is known ("N. Korea" is North Korea);
    otherwise the bare place ("E. Ghouta" is the Ghouta region).
    """
    match = _COMPASS_INITIAL.fullmatch(folded)
    if match is None:
        return None
    direction = _COMPASS[match.group(1)]
    for spelled in (f"{direction} {match.group(2)}", f"{direction}ern {match.group(2)}"):
        if spelled in gazetteer:
            return gazetteer[spelled]
    return gazetteer.get(match.group(2))


_INITIAL_SKIP = frozenset({"of", "the", "for", "and", "&", "de", "du", "des", "la", "le"})


def _initials(name: str, skip: frozenset[str] = _INITIAL_SKIP) -> str:
    """ "World Health Organization" -> "WHO" (joining words in ``skip`` left out)."""
    return "".join(w[0].upper() for w in name.split() if w.lower() not in skip and w[:1].isalpha())


#: Joining words left out of initials that keep "of" ("Department of Justice" -> "DOJ").
_INITIAL_SKIP_BUT_OF = _INITIAL_SKIP - {"of"}


def _acronyms(clusters: list[_Cluster]) -> list[_Cluster]:
    """Merge an acronym into the one long name of the story it abbreviates ("WHO").

    Only an all-capital name the gazetteer does not know, and only when exactly
    one multi-word name has those initials; the long name is shown.
    """
    # Names taken before any merge: a long name that absorbs an acronym it is
    # written less often than must not then be taken for that acronym itself.
    names = [_name(cluster) for cluster in clusters]
    long_names: defaultdict[str, list[_Cluster]] = defaultdict(list)
    for cluster, name in zip(clusters, names, strict=True):
        if len(name.split()) >= 2 and cluster.kind != "person":
            long_names[_initials(name)].append(cluster)
            # "DOC" for "Department of Conservation", "MOD" for "Ministry of Defence".
            if " of " in name:
                long_names[_initials(name, _INITIAL_SKIP_BUT_OF)].append(cluster)
    absorbed: set[int] = set()
    long_name = {id(cluster): name for cluster, name in zip(clusters, names, strict=True)}
    for cluster, name in zip(clusters, names, strict=True):
        if cluster.canonical or " " in name or not (name.isupper() and name.isalpha()):
            continue
        targets = long_names.get(name.replace(".", ""), [])
        if len(targets) == 1 and len(name) >= 2 and targets[0] is not cluster:
            target = targets[0]
            target.absorb(cluster)
            # Shown under the long name even when the acronym is written more often.
            target.canonical = target.canonical or long_name[id(target)]
            absorbed.add(id(cluster))
    return [c for c in clusters if id(c) not in absorbed]


def _repeated_in_full(clusters: list[_Cluster]) -> list[_Cluster]:
    """People-shaped names a source repeats in full, never by surname, are not people.

    News names a person in full once, then by surname ("Maria Conti ... Conti
    said"); a company or newspaper is named in full again ("Solberg Medical").
    Only names typed a person by their shape alone are revisited.
    """
    out = []
    for cluster in clusters:
        if (
            cluster.kind == "person"
            and cluster.by_default
            and all(" " in form for form in cluster.forms)
            and max(cluster.by_source.values()) >= 2
        ):
            cluster = replace(cluster, kind="organization", by_default=False, evidence="repeated")
        out.append(cluster)
    return out


def _shortened_names(clusters: list[_Cluster]) -> list[_Cluster]:
    """Names the story shortens to their first word are not people.

    People are shortened to their surname ("Strand"), companies and bodies to their
    first word ("Meridian" for "Meridian Terminals"): such a name, typed a person only
    by its shape, becomes an organisation and absorbs the short form.
    """
    singles = {
        c.forms.most_common(1)[0][0]: c for c in clusters if c.kind in {"other", "organization"}
    }
    singles = {name: c for name, c in singles.items() if " " not in name and not c.canonical}
    # Surnames of the story's people: an untyped "Dybdal" may be Poul Dybdal as well as
    # his company Dybdal Vind, so it is left for the people's merge ("Dybdal Vind" is
    # still no person); one typed a body ("Verhoeven" shares rose) goes to the company.
    surnames = {
        form.split()[-1] for c in clusters if c.kind == "person" for form in c.forms if " " in form
    }
    lone_names = {form for c in clusters for form in c.forms if " " not in form}
    absorbed: set[int] = set()
    # Two long names may share the first word ("Hollin Home", "Hollin CrispPro"): the
    # short form goes to the one the story writes most often (then the first by name),
    # never to whichever the story's article order happens to reach first.
    longest_first = sorted(
        clusters, key=lambda c: (-sum(c.forms.values()), c.forms.most_common(1)[0][0])
    )
    for cluster in longest_first:
        if not (cluster.by_default or cluster.kind == "organization"):
            continue
        name = cluster.forms.most_common(1)[0][0]
        if cluster.by_default and name.split()[-1] in lone_names:
            # "Jonas Vandersteen ... Vandersteen said ... 'Jonas has never cheated'": a
            # name the story also cuts to its last word is a person's; the first word
            # alone is his first name, not a company's short form.
            continue
        short = singles.get(name.split()[0])
        # Only when every source using the short form also uses the long one: "Kestria"
        # named alone by a source that never mentions "Kestria First" is the country.
        if (
            short is None
            or short is cluster
            or " " not in name
            or id(short) in absorbed
            or not set(short.by_source) <= set(cluster.by_source)
        ):
            continue
        if cluster.by_default:
            cluster.evidence = "short form"
        cluster.kind, cluster.by_default = "organization", False
        if short.kind != "organization" and name.split()[0] in surnames:
            continue  # no cue makes the short form a body: it may be the person
        # Shown under its full name even when the short form is commoner.
        cluster.canonical = cluster.canonical or name
        cluster.absorb(short)
        absorbed.add(id(short))
    return [c for c in clusters if id(c) not in absorbed]


@functools.lru_cache(maxsize=65536)
def _skeleton(name: str) -> str:
    """Consonants of a name, doubled letters collapsed ("Daraa" -> "dr")."""
    consonants = re.sub(r"[aeiouy\W\d_]", "", _fold(name))
    return re.sub(r"(.)\1+", r"\1", consonants)


def _merge_spellings(clusters: list[_Cluster]) -> list[_Cluster]:
    """Same-kind, non-person names a letter or so apart ("Quneitra"/"Qunaitra")."""
    merged: list[_Cluster] = []
    # Each kept cluster's display name, and which kept clusters each test could pick:
    # places by first word ("Marrow" -> "Marrow River"), and names by (kind, first
    # folded letter), the only pairs either test can accept. Checking just those, in
    # the order they were kept, gives the same first match as scanning them all.
    target_names: list[str] = []
    by_first_word: defaultdict[str, list[int]] = defaultdict(list)
    by_initial: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    #: Kept single-word names without a canonical form, to their rows.
    single_rows: dict[str, int] = {}

    def keys(row: int) -> list[tuple[defaultdict[Any, list[int]], Any]]:
        target, target_name = merged[row], target_names[row]
        found: list[tuple[defaultdict[Any, list[int]], Any]] = []
        if target.kind == "place":
            found.append((by_first_word, target_name.split()[0]))
        if target.kind != "person":
            found.append((by_initial, (target.kind, _fold(target_name)[:1])))
        return found

    def rename(row: int) -> None:
        name = merged[row].canonical or merged[row].forms.most_common(1)[0][0]
        if name == target_names[row]:
            return
        for index, key in keys(row):
            index[key].remove(row)
        target_names[row] = name
        for index, key in keys(row):
            bisect.insort(index[key], row)

    for cluster in sorted(clusters, key=lambda c: -sum(c.forms.values())):
        name = cluster.canonical or cluster.forms.most_common(1)[0][0]
        candidates: set[int] = set()
        if " " not in name:
            candidates.update(by_first_word.get(name, ()))
        elif cluster.kind == "place" and name.split()[-1].lower() in _PLACE_WORDS:
            row = single_rows.get(name.split()[0])
            if row is not None and merged[row].kind in {"place", "other"}:
                # "Shannon Airport" after a commoner bare "Shannon": the same place,
                # shown under its full name.
                target = merged[row]
                # A row is indexed by its kind: take it out under the old kind before
                # retyping it (``rename`` used to look for it under the new one and
                # raise, failing the whole brief).
                retyped = target.kind != "place"
                if retyped:
                    for index, key in keys(row):
                        index[key].remove(row)
                target.absorb(cluster)
                target.kind, target.canonical = "place", name
                if retyped:
                    for index, key in keys(row):
                        bisect.insort(index[key], row)
                rename(row)
                continue
        if cluster.kind != "person" and len(name) >= 5:
            candidates.update(by_initial.get((cluster.kind, _fold(name)[:1]), ()))
        for row in sorted(candidates):
            target, target_name = merged[row], target_names[row]
            # "Marrow" for "Marrow River": a place named by its first word.
            if (
                " " not in name
                and target.kind == "place"
                and target_name.split()[0] == name
                and target_name.split()[-1].lower() in _PLACE_WORDS
            ):
                target.absorb(cluster)
                rename(row)
                break
            if (
                target.kind == cluster.kind
                and target.kind != "person"
                and len(name) >= 5
                and _fold(name)[0] == _fold(target_name)[0]
                and _could_be_within(name, target_name, 0.4 if target.kind == "place" else 0.15)
                and (
                    (
                        name_distance(name, target_name) <= 0.15
                        # A spelling changes letters, not words: "National Museums
                        # Scotland" is not the "National Museum of Scotland" it runs.
                        and name.count(" ") == target_name.count(" ")
                    )
                    # Transliterated places differ in their vowels: "Deraa"/"Daraa".
                    or (
                        target.kind == "place"
                        and _skeleton(name) == _skeleton(target_name)
                        and name_distance(name, target_name) <= 0.4
                    )
                )
            ):
                target.absorb(cluster)
                rename(row)
                break
        else:
            merged.append(cluster)
            target_names.append(name)
            if " " not in name and not cluster.canonical:
                single_rows.setdefault(name, len(merged) - 1)
            for index, key in keys(len(merged) - 1):
                index[key].append(len(merged) - 1)
    return merged


def _could_be_within(a: str, b: str, ratio: float) -> bool:
    """False when ``name_distance(a, b) > ratio`` is certain from the lengths alone
    (edit distance is at least the difference in length); saves most edit distances."""
    a, b = _fold(a), _fold(b)
    longest = max(len(a), len(b))
    return not longest or abs(len(a) - len(b)) / longest <= ratio


class _NameIndex:
    """Cheap lower bounds on the edit distance from one name to many, to skip hopeless pairs.

    Merging compares every new name with every name kept so far; on a big story
    (thousands of people) the quadratic pure-Python Levenshtein dominated the whole
    pipeline. Levenshtein distance is at least the length difference, and at least
    half the L1 distance between the two strings' character histograms (a
    substitution changes two counts by one, an insertion or deletion one count), so
    a pair whose bound already exceeds the threshold cannot match; the pairs left
    are checked exactly, in the original order, so results are unchanged.
    """

    _BUCKETS = 64  # characters are hashed into buckets; coarser buckets only loosen the bound

    def __init__(self, capacity: int) -> None:
        self._hist = np.zeros((max(capacity, 1), self._BUCKETS), dtype=np.int32)
        self._length = np.zeros(max(capacity, 1), dtype=np.int32)
        self.size = 0

    def _vector(self, text: str) -> np.ndarray:
        # Counted in a list: one numpy array at the end, not a numpy item write per character.
        counts = [0] * self._BUCKETS
        for char in text:
            counts[ord(char) % self._BUCKETS] += 1
        return np.array(counts, dtype=np.int32)

    def set(self, row: int, text: str) -> None:
        """Store ``text`` (already folded) at ``row``; ``row == size`` appends."""
        self._hist[row] = self._vector(text)
        self._length[row] = len(text)
        self.size = max(self.size, row + 1)

    def may_be_within(self, text: str, ratio: float) -> np.ndarray:
        """Per stored row: False when ``edit_distance / max length > ratio`` is certain."""
        if not self.size:
            # Most calls: the first name of a story meets an empty index (no numpy work).
            return np.zeros(0, dtype=bool)
        hist, length = self._hist[: self.size], self._length[: self.size]
        l1 = np.abs(hist - self._vector(text)).sum(axis=1)
        bound = np.maximum((l1 + 1) // 2, np.abs(length - len(text)))
        longest = np.maximum(np.maximum(length, len(text)), 1)
        return bound / longest <= ratio


def _merge_people(
    clusters: list[_Cluster], then: Callable[[list[_Cluster]], list[_Cluster]]
) -> list[_Cluster]:
    """Full names with full names (transliterations), then surnames into full names."""
    people = [c for c in clusters if c.kind == "person"]
    full = sorted(
        (c for c in people if not _surname_only(_name(c))), key=lambda c: -sum(c.forms.values())
    )
    merged_full: list[_Cluster] = []
    # The strings ``name_distance`` compares, indexed so that only pairs that can pass
    # a threshold are compared (see ``_NameIndex``); first match in order still wins.
    surnames, names = _NameIndex(len(full)), _NameIndex(len(full))
    target_names: list[str] = []

    def keep(row: int, cluster: _Cluster) -> None:
        name = _name(cluster)
        if row == len(target_names):
            target_names.append(name)
        elif target_names[row] == name:
            return
        target_names[row] = name
        surnames.set(row, _fold(_surname(name)))
        names.set(row, _fold(name))

    for cluster in full:
        name = _name(cluster)
        maybe = surnames.may_be_within(_fold(_surname(name)), 0.25) | names.may_be_within(
            _fold(name), 0.15
        )
        for row in np.flatnonzero(maybe):
            target, other = merged_full[row], target_names[row]
            if (
                name_distance(_surname(name), _surname(other)) <= 0.25
                and _first_names_compatible(name, other)
            ) or name_distance(name, other) <= 0.15:
                target.absorb(cluster)
                keep(int(row), target)  # its display name may have changed
                break
        else:
            merged_full.append(cluster)
            keep(len(merged_full) - 1, cluster)
    # Single words (surnames, or names the recogniser could not type) join the one
    # full name whose surname they match; ambiguous ones (two people, one surname) stay.
    rest: list[_Cluster] = []
    # The name after an organisation word ("Brauerei Hollbach", "Banco Ruiz"): alone,
    # it may be the body as much as the person ("Elke Hollbach"), so it joins neither.
    body_words = set()
    for c in clusters:
        if c.kind == "organization" and " " in (name := _name(c)):
            *head, last = name.split()
            if last.lower() not in ORG_WORDS and any(w.lower() in ORG_WORDS for w in head):
                body_words.add(_fold(last))
    for cluster in clusters:
        if cluster.kind == "person" and not _surname_only(_name(cluster)):
            continue
        name = _name(cluster)
        # A single word the story types an organisation ("software maker Brannock")
        # is not the surname of a person who shares it ("founder Peter Brannock").
        if (
            _surname_only(name)
            and cluster.canonical is None
            and cluster.kind != "organization"
            and _fold(name) not in body_words
        ):
            maybe = surnames.may_be_within(_fold(_surname(name)), 0.2)
            matches = [
                int(row)
                for row in np.flatnonzero(maybe)
                if name_distance(_surname(name), _surname(target_names[row])) <= 0.2
                and _surname(name)[:1] == _surname(target_names[row])[:1]
            ]
            if len(matches) > 1:
                # "Dobreva" with "Mirela Dobreva" and "Stoyan Dobrev": a surname written
                # exactly as one person's goes to that person; close spellings are no tie.
                exact = [
                    row
                    for row in matches
                    if _fold(_surname(target_names[row])) == _fold(_surname(name))
                ]
                matches = exact if len(exact) == 1 else matches
            if len(matches) == 1:
                merged_full[matches[0]].absorb(cluster)
                keep(matches[0], merged_full[matches[0]])
                continue
        rest.append(cluster)
    return merged_full + then(rest)


def _surname_only(name: str) -> bool:
    """ "Putin", or "De Mistura" (a surname with its particle)."""
    words = name.split()
    return len(words) == 1 or (len(words) == 2 and words[0].lower() in _SURNAME_PARTICLES)


_SURNAME_PARTICLES = frozenset(
    {"de", "van", "von", "al", "el", "bin", "da", "di", "le", "la", "du"}
)


def _name(cluster: _Cluster) -> str:
    """The cluster's display name: alias canonical, else the longest of its commonest forms."""
    if cluster.canonical:
        return cluster.canonical
    # One pass in the order the forms were first seen, no sort: ``most_common()``
    # orders equal counts that way too, and ``max`` keeps the first of equal keys,
    # so a later form wins only with a strictly greater key (merging asks often).
    forms = cluster.forms
    if cluster.kind == "person":
        # The commonest form of two words or more, the longest of those.
        best, best_key = None, (0, 0)
        for form, count in forms.items():
            if len(form.split()) > 1 and (count, len(form)) > best_key:
                best, best_key = form, (count, len(form))
        if best is not None:
            return best
    best_count = max(forms.values())
    longest: str | None = None
    for form, count in forms.items():
        if count == best_count and (longest is None or len(form) > len(longest)):
            longest = form
    assert longest is not None  # a cluster has at least one form
    return longest


# ------------------------------------------------------------------------- the stage

#: The cues a kind can come from, strongest first: a gazetteer entry; a title or role
#: before a person; a context cue (a kind noun, an apposition, a place noun after the
#: name, quotation marks); a word of the name itself (an organisation head, a place
#: word); a body named after a known place; an all-capital name; a place preposition;
#: "the" before the name; a full name repeated like a company's, or shortened to its
#: first word; and none at all (the name's shape: "Firstname Lastname" a person, else
#: "other").
EVIDENCE = (
    "gazetteer",
    "title",
    "context",
    "name word",
    "named after a place",
    "capitals",
    "preposition",
    "after the",
    "repeated",
    "short form",
    "default",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityStage:
    """Brief stage adding ``Brief.entities``: the story's top people, organisations, places.

    ``max_entities`` bounds the list (ranked by mentions across sources, times how
    far the cue that gave each entity its kind can be trusted, ``_trust``);
    ``use_spacy`` lets an installed spaCy English pipeline find the names.
    """

    kind: ClassVar[str] = "brief"
    name: ClassVar[str] = "entities.v1"

    max_entities: int = 12
    use_spacy: bool = True

    def __post_init__(self) -> None:
        if self.max_entities < 1:
            raise ValueError(f"max_entities must be at least 1, got {self.max_entities}")

    def run(self, story: Story, brief: Brief) -> Brief:
        """The brief with its ``entities`` filled from every sentence of the story."""
        return replace(brief, entities=self.entities(story, brief))

    def entities(self, story: Story, brief: Brief) -> tuple[Entity, ...]:
        """Entities of ``story``, cited with ``brief``'s source numbers."""
        return tuple(_entity(c) for c in self._chosen(story, brief))

    def evidence(self, story: Story, brief: Brief) -> tuple[tuple[Entity, str], ...]:
        """``entities`` with, for each, the cue its kind came from (one of ``EVIDENCE``).

        For measuring how far each kind of cue can be trusted (``benchmarks/entities_eval.py``).
        """
        return tuple((_entity(c), c.evidence) for c in self._chosen(story, brief))

    def _chosen(self, story: Story, brief: Brief) -> list[_Cluster]:
        number_of = {s.article_id: s.number for s in brief.sources}
        nlp = load_spacy_pipeline() if self.use_spacy else None
        mid_caps = _mid_sentence_caps(s.text for s in story.sentences)
        mentions: list[Mention] = []
        for sentence in _content_order(story):
            source = number_of.get(sentence.article_id)
            if source is None:
                continue
            if nlp is not None:
                mentions += spacy_mentions(nlp, sentence.text, source)
            else:
                mentions += find_mentions(sentence.text, source, mid_sentence_caps=mid_caps)
        singles = {m.text for m in mentions if " " not in m.text}
        mentions = [m for m in mentions if not _derived_demonym(m.text, singles)]
        clusters = merge_mentions(mentions, _gazetteer())
        ranked = sorted(
            (c for c in clusters if c.kind != "other" or len(c.by_source) > 1),
            key=lambda c: (-_spread_score(c) * _trust(c), -sum(c.by_source.values()), _name(c)),
        )
        # No kind may fill more than half the list: a story's "who" should not be
        # crowded out by every country it names.
        cap = max(1, self.max_entities // 2)
        per_kind: Counter[str] = Counter()
        chosen = []
        for cluster in ranked:
            if per_kind[cluster.kind] < cap:
                per_kind[cluster.kind] += 1
                chosen.append(cluster)
            if len(chosen) == self.max_entities:
                break
        return chosen


def _content_order(story: Story) -> list[Sentence]:
    """The story's sentences, articles in an order fixed by their content.

    Merging keeps the first of equal candidates (a name's first-seen form, the first
    of two equally common clusters), so the order mentions arrive in decides ties.
    Article ids derive from paths, and the story orders articles by date then id:
    the same texts read from another directory could merge differently. Articles
    are ordered here by date, then a digest of their text, sentences by position.
    """
    keys = {
        a.id: (a.date is None, a.date or "", stable_id(a.text, length=16)) for a in story.articles
    }
    return sorted(
        story.sentences,
        # A sentence of no listed article (none expected) falls back to its id.
        key=lambda s: (keys.get(s.article_id) or (True, "~", s.article_id), s.position),
    )


def _derived_demonym(word: str, names: set[str]) -> bool:
    """ "Valdoran" when "Valdora" is also named: an adjective of a place the list lacks."""
    if " " in word or not word.endswith(("n", "i", "ese")):
        return False
    return any(len(word) - k >= 4 and word[:-k] in names for k in (1, 2, 3))


def _spread_score(cluster: _Cluster) -> float:
    """Mentions, damped within a source: an entity many sources name outranks one
    a single long article repeats (its own count still counts, as a square root)."""
    return sum(math.sqrt(n) for n in cluster.by_source.values())


#: How far a kind given by each weak cue is trusted, against 1 for the others
#: (``benchmarks/entities_eval.py --by-cue``: over every development set, kinds from
#: these cues were right about half to three quarters of the time in the top 12, those
#: from a gazetteer entry, a title, a context cue, a word of the name or a place
#: preposition 95 % or more).
_WEAK_CUES = {"after the": 0.5, "capitals": 0.5, "short form": 0.5, "named after a place": 0.5}
#: A name with no cue at all that is no person's shape is typed "other": its kind is a
#: guess (half of those listed were places, people or bodies), so it ranks lowest.
_NO_CUE = 0.25


def _trust(cluster: _Cluster) -> float:
    """How far the cluster's kind can be trusted, from the cue it came from: the
    list ranks an entity by mentions times this, so one whose kind is a guess falls
    below the entities the text types clearly."""
    if cluster.evidence == "default":
        return _NO_CUE if cluster.kind == "other" else 1.0
    return _WEAK_CUES.get(cluster.evidence, 1.0)


def _mid_sentence_caps(sentences: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for text in sentences:
        if _opening_token_only(text) is not None:
            continue  # no capital after the first word: nothing to add
        tokens = _tokens(text)
        # ``_is_cap`` inlined: this runs on every token of the story.
        if ". " in text:
            # A word after a full stop inside the sentence ("from Copenhagen. We
            # thought") opens a sentence: it says nothing about being a name.
            words.update(
                t
                for before, t in itertools.pairwise(tokens)
                if t[:1].isupper() and not (before[-1:] == "." and _ends_sentence(before))
            )
        else:
            words.update(t for t in tokens[1:] if t[:1].isupper())
        # A run of capitalised words ("Alexander Lavrentyev said") is a name even
        # at a sentence start, and so are its words when they start another sentence.
        if len(tokens) > 1 and _is_cap(tokens[0]) and _is_cap(tokens[1]):
            words.add(tokens[0])
    return frozenset(words)


def _entity(cluster: _Cluster) -> Entity:
    name = _name(cluster)
    variants = tuple(sorted(f for f in cluster.forms if f != name))
    role = cluster.roles.most_common(1)[0][0] if cluster.roles else None
    return Entity(
        name=name,
        kind=cluster.kind,
        variants=variants,
        role=role,
        mentions=sum(cluster.by_source.values()),
        mentions_by_source=tuple(sorted(cluster.by_source.items())),
        citations=tuple(sorted(cluster.by_source)),
    )
