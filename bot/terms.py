"""Terms: the content words of the library, stemmed, counted per sentence and per article.

Summaries, key terms and comparisons all read from one :class:`TermIndex`, built once when the
library loads. A term is a stem ("imperi" for imperialism, imperialist, imperialists); the bot
shows its commonest wording instead. Each article is read in its own language (its declared
one, else the one detected from its text): its stopwords are left out and its words stemmed
by that language's Snowball stemmer, so a German article's key terms are not "der, die, und".
"""

from __future__ import annotations

import bisect
import collections
import gc
import itertools
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter, _count_elements, defaultdict  # type: ignore[attr-defined]
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from bot.language import DEFAULT, language_of, stem
from bot.library import Article, Library, Paragraph
from bot.stopwords import generic, stopwords
from bot.text import _TRANSLATION, fold_word, normalise, split_elision

# Words, with hyphenated compounds ("neo-Stalinist") kept whole; dashes between words are not
# hyphens, so they are turned into spaces first. "U.S." is a word of its own (not "u" and "s",
# each too short to count), "U.S.-led" a compound of it, and so is "US" in capitals (see
# :func:`_united_states`).
_WORD = re.compile(r"(?i:u\.s\.)(?:['-][^\W\d_]+)*(?![^\W\d_])|[^\W\d_]+(?:['-][^\W\d_]+)*")
_DASHES = str.maketrans(dict.fromkeys("\u2013\u2014\u2015", " "))
# The United States as a text names it, before the text is lower-cased: "United States (of
# America)", "USA", "U.S.A.", "U.S." or "U.S" (at a sentence's end), and "US" in capitals (lower
# case, it would be the pronoun "us", a stopword); not "U.S.S.R.".
_US_OR_ABBREVIATION = re.compile(
    r"(?<![\w.'’])(?:United\s+States(?:\s+of\s+America)?(?!\w)|U\.S\.A\.?(?!\w)|USA(?!\w)"
    r"|U\.S\.(?![^\W\d_])|U\.S(?![\w.])|US(?!\w))"
)
_CAPITAL_WORD_BEFORE = re.compile(r"(?:^|[^\w.'’-])([^\W\d_]{2,})\s+$")
_CAPITAL_WORD_AFTER = re.compile(r"^\s+([^\W\d_]{2,})(?![\w'’-])")


def _united_states(text: str) -> str:
    """``text`` with the United States written "U.S." wherever it is "US", "U.S", "USA",
    "U.S.A." or "United States (of America)", so that each is one term, the one /compare
    matches whichever way a member writes it (not "united" and "states"): a line in
    capitals ("LET US UNITE"), where the words on either side of "US" are in capitals too, has
    the pronoun, and is left as it is. Read before lower case, so on the text as written (a
    word is a neighbour only across white space: the same within a clause as in its sentence)."""
    found = united_states_spans(text)
    if not found:
        return text
    pieces, at = [], 0
    for start, end in found:
        pieces += [text[at:start], "U.S."]
        at = end
    return "".join(pieces) + text[at:]


def united_states_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names the United States (see :func:`_united_states`), as it is written:
    what /compare bolds for the term "u.s."."""
    if "US" not in text and "U.S" not in text and "United" not in text:
        return []
    found = []
    for match in _US_OR_ABBREVIATION.finditer(text):
        if match.group() == "US":  # not the pronoun of a line in capitals ("LET US UNITE")
            before = _CAPITAL_WORD_BEFORE.search(text, 0, match.start())
            after = _CAPITAL_WORD_AFTER.match(text, match.end())
            neighbours = [m.group(1) for m in (before, after) if m]
            if neighbours and all(word.isupper() for word in neighbours):
                continue
        found.append(match.span())
    return found


def content_words(text: str, language: str = DEFAULT) -> list[str]:
    """The normalised content words of ``text`` in ``language``, in order (its stopwords and
    short words left out; "l'état" is "état")."""
    found = []
    ignored = stopwords(language)
    for word in _WORD.findall(normalise(_united_states(text).translate(_DASHES))):
        word = word.removesuffix("'s")
        elided = split_elision(word)
        if elided:
            word = elided[1]
        if len(word) >= 3 and word not in ignored:
            found.append(word)
    return found


# Endings of verb forms and of judging adjectives and adverbs, per language: a key term names a
# thing or an idea. Only endings no common noun of political prose has: Spanish "-ado" would take
# "estado" and "partido", French "-té" "société", Russian "-ие" "движение".
_NOT_A_THING = {
    "en": ("ed", "ing", "able", "ible", "ly", "ful", "less"),
    "fr": ("ée", "ées", "ment", "ait", "aient", "erait", "eraient"),
    "es": ("ando", "iendo", "mente"),
    "it": ("ando", "endo", "mente"),
    "pt": ("ando", "endo", "indo", "mente"),
    "ru": (
        "ать",
        "ять",
        "еть",
        "ить",
        "уть",
        "ться",
        "тись",
        "ый",
        "ой",
        "ых",
        "ого",
        "ому",
        "ыми",
    ),
}
# But these are nouns ("government", "movement", "element"; French "gouvernement" ends in -ment)
_THINGS_ENDING_SO = {"en": ("ment",), "fr": ("ement",)}


def _names_a_thing(form: str, language: str, capitalised: float = 0.0) -> bool:
    """Whether a word, in its commonest form, can be a key term: not a verb form, a judging
    adjective or an adverb ("voted", "choosing", "desirable", "recently"), as far as its ending
    tells, nor a word of general prose ("important", "moment"); a proper name ("Washington",
    capitalised within sentences) always can. In German, where nouns are written with a
    capital, only a word capitalised within sentences (``capitalised``: the share of its
    occurrences there) names a thing: "Feind", "Monarchie", not "begonnen" or "gering"."""
    if form in generic(language) and (language == "de" or capitalised < 0.8):
        return False
    if language == "de":
        return capitalised >= 0.5
    if capitalised >= 0.8:
        return True
    if form.endswith(_THINGS_ENDING_SO.get(language, ())):
        return True
    endings = _NOT_A_THING.get(language, ())
    return not (len(form) > 4 and form.endswith(endings))


def _same_root(one: str, other: str) -> bool:
    """Two words of one root as a reader sees them: one begins with the other, four letters or
    more ("Japan" and "Japanese"), or they differ only past their first seven letters."""
    shorter, longer = sorted((one, other), key=len)
    return (len(shorter) >= 4 and longer.startswith(shorter)) or (
        len(shorter) >= 7 and shorter[:7] == longer[:7]
    )


def term_of(word: str, language: str = DEFAULT) -> str:
    """The term a content word counts as in ``language``: its stem, part by part for a
    compound ("anti-imperialist" is "anti-imperi", which "imperialist" finds by its part)."""
    word = word.removesuffix("'s")
    if "-" not in word:
        return stem(word, language)
    return "-".join(stem(part, language) for part in word.split("-") if part)


def term_parts(term: str) -> list[str]:
    """The stems a term is made of: one, or each part of a compound and the compound written
    as one word ("multi-polar" is also "multipolar", as a reader may type it)."""
    parts = term.split("-")
    return parts if len(parts) == 1 else [*parts, "".join(parts)]


class Sentence:
    """One sentence of an article with its place and its term counts. Its text is not kept
    but cut from its paragraph when asked (:attr:`text`): a library's sentences would be a
    second copy of its texts, and a large library's texts are in a file (bot/library.py)."""

    __slots__ = ("_place", "number", "position", "terms")

    def __init__(self, place: _Place, number: int, terms: Counter[str], position: int) -> None:
        _SET_PLACE(self, place)
        _SET_NUMBER(self, number)  # within the paragraph, 1-based
        _SET_TERMS(self, terms)
        _SET_POSITION(self, position)  # within the article, 0-based

    number: int
    terms: Counter[str]
    position: int
    _place: _Place

    @property
    def article_id(self) -> str:
        return self._place.article.id

    @property
    def paragraph(self) -> int:
        """The paragraph's number."""
        return self._place.number

    @property
    def text(self) -> str:
        texts = self._place.texts
        if texts is None:
            texts = self._place.cut()
        return texts[self.number - 1]

    def _key(self) -> tuple[str, int, int, str, Counter[str], int]:
        return (self.article_id, self.paragraph, self.number, self.text, self.terms, self.position)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Sentence cannot be changed ({name!r})")

    def __reduce__(self) -> tuple[type[Sentence], tuple[_Place, int, Counter[str], int]]:
        return (Sentence, (self._place, self.number, self.terms, self.position))

    def __repr__(self) -> str:
        return (
            f"Sentence(article_id={self.article_id!r}, paragraph={self.paragraph!r}, "
            f"number={self.number!r}, text={self.text!r}, terms={self.terms!r}, "
            f"position={self.position!r})"
        )


_SET = {name: getattr(Sentence, name).__set__ for name in Sentence.__slots__}
_SET_PLACE, _SET_NUMBER, _SET_POSITION, _SET_TERMS = (_SET[n] for n in Sentence.__slots__)
_NEW = object.__new__
_NEW_COUNTER = dict.__new__  # a Counter made without its __init__ (filled at once after)
_NO_PAIRS = np.zeros(0, dtype=np.uint64)


class _Place:
    """Where a paragraph's sentences are: its article, its index among the article's
    paragraphs, its number and its sentences' spans (start, end, start, end...), shared by
    the paragraph's sentences; and their texts, while the paragraph is among the last
    :data:`_CUT_KEPT` whose sentences were read (a summary reads each sentence many times)."""

    __slots__ = ("article", "index", "number", "spans", "texts")

    def __init__(self, article: Article, index: int, number: int, spans: array[int]) -> None:
        self.article, self.index, self.number, self.spans = article, index, number, spans
        self.texts: tuple[str, ...] | None = None

    def cut(self) -> tuple[str, ...]:
        """The sentences' texts, cut from the paragraph's (read from the file, for a large
        library's), and kept a while."""
        text, spans = self.article.paragraphs[self.index].text, self.spans
        texts = tuple(text[spans[i] : spans[i + 1]] for i in range(0, len(spans), 2))
        with _CUT_LOCK:
            _CUT.append(self)
            if len(_CUT) > _CUT_KEPT:
                _CUT.popleft().texts = None
        self.texts = texts
        return texts

    def __getstate__(self) -> tuple[Article, int, int, array[int]]:
        return (self.article, self.index, self.number, self.spans)

    def __setstate__(self, state: tuple[Article, int, int, array[int]]) -> None:
        self.__init__(*state)  # type: ignore[misc]


# The paragraphs whose sentences' texts are kept cut, oldest first (a few megabytes).
_CUT: collections.deque[_Place] = collections.deque()
_CUT_KEPT = 20_000
_CUT_LOCK = threading.Lock()


class _Pairs(Mapping[tuple[str, str], int]):
    """An article's two-word terms (consecutive terms of a clause) and how often each is
    used, as a Counter reads them (0 for one it does not have), in a few bytes a pair: each
    pair a number made of its terms' ids (:class:`_Ids`), in order, beside its count."""

    __slots__ = ("_codes", "_counts", "_ids")

    def __init__(self, ids: _Ids, codes: np.ndarray) -> None:
        """``codes``: each use of a pair, as ``first << 32 | second``, in any order."""
        unique, counts = np.unique(codes, return_counts=True)
        self._ids = ids
        self._codes = array("Q", unique.astype(np.uint64).tobytes())
        self._counts = array("I", counts.astype(np.uint32).tobytes())

    @classmethod
    def counted(cls, ids: _Ids, pairs: Counter[tuple[str, str]]) -> _Pairs:
        codes = [ids[a] << 32 | ids[b] for (a, b), n in pairs.items() for _ in range(n)]
        return cls(ids, np.array(codes, dtype=np.uint64))

    def __getitem__(self, pair: tuple[str, str]) -> int:
        first, second = (self._ids.get(term) for term in pair)
        if first is None or second is None:
            return 0
        code = first << 32 | second
        index = bisect.bisect_left(self._codes, code)
        if index < len(self._codes) and self._codes[index] == code:
            return self._counts[index]
        return 0

    def __contains__(self, pair: object) -> bool:
        return isinstance(pair, tuple) and len(pair) == 2 and self[pair] > 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        names = self._ids.names
        return ((names[c >> 32], names[c & 0xFFFFFFFF]) for c in self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def items(self) -> Iterator[tuple[tuple[str, str], int]]:  # type: ignore[override]
        return zip(self, self._counts, strict=True)

    def total(self) -> int:
        return sum(self._counts)


class _Ids(dict[str, int]):
    """A number for each term (given when first asked for), for packing pairs of them."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        for mark in _MARKS:  # ids 0 and 1: no term's
            self[mark]

    def __missing__(self, term: str) -> int:
        found = self[term] = len(self.names)
        self.names.append(term)
        return found


class ArticleTerms:
    """An article's sentences and term counts."""

    __slots__ = ("article", "bigrams", "counts", "sentences", "words")

    def __init__(self, article: Article, words: int = 0) -> None:
        self.article = article
        self.words = words
        self.sentences: list[Sentence] = []
        self.counts: Counter[str] = Counter()
        self.bigrams: Mapping[tuple[str, str], int] = {}


KEY_CANDIDATES = 64  # the likeliest key terms, whose writing is read in one pass
FORMS_READ = 50  # a term's uses read to tell how an article writes it
KEY_TERMS = 8  # key terms found at once (a shorter list is their first few)

# English words after which comes a verb, not a noun ("to organise", "we must negotiate").
_BEFORE_A_VERB = frozenset(
    "to will would can could must should shall may might cannot we they i you he she it not "
    "don't doesn't didn't won't wouldn't can't couldn't mustn't shouldn't".split()
)
_CLAUSES = re.compile(r"[,;:()\[\]\"“”«»!?…]|\s[\u2013\u2014-]\s|\u2014")

# Enough of an article to tell its language by; more costs time and changes nothing.
_LANGUAGE_SAMPLE = 800


def article_language(article: Article) -> str:
    """An article's language: the one it declares (``article.language``, once the library
    reads it from the source), else the one detected from the beginning of its text."""
    sample: list[str] = []
    size = 0
    for para in article.paragraphs:
        sample.append(para.text)
        size += len(para.text)
        if size >= _LANGUAGE_SAMPLE:
            break
    return language_of("\n\n".join(sample), declared=getattr(article, "language", None))


# What normalise() replaces, char by char (its table), and the dashes content_words() reads as
# spaces before it.
_REPLACED = sorted((chr(code), into) for code, into in _TRANSLATION.items())


def _normalised(text: str) -> str:
    """``normalise(text.translate(_DASHES))`` as far as its words go (:data:`_WORD`): the
    same letters, apostrophes and hyphens; white space not collapsed. Each character it
    replaces is looked for first (most texts have few of them): faster than translate()."""
    for dash in "\u2013\u2014\u2015":
        if dash in text:
            text = text.replace(dash, " ")
    text = unicodedata.normalize("NFKC", text)
    for char, into in _REPLACED:
        if char in text:
            text = text.replace(char, into)  # (none is replaced into another)
    return text.casefold()


# Marks put between a sentence's clauses and between sentences, so an article is normalised
# and split into words at once; no text holds them (one that does is read the slow way).
_CLAUSE_MARK = "\x00"
_SENTENCE_MARK = "\x01"
_MARKS = (_CLAUSE_MARK, _SENTENCE_MARK)
_WORD_OR_MARK = re.compile(_WORD.pattern + "|[" + _CLAUSE_MARK + _SENTENCE_MARK + "]")
# Characters normalised at once (a book's text is read in pieces, so no one call holds the
# interpreter long).
_CHUNK = 20_000


class _Words(dict[str, "tuple[str, str, str] | None"]):
    """A language's words as read from normalised text, each looked at once: the content word
    it is (as :func:`content_words` keeps it), its term and its folded form; None for a
    stopword or a short word."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.ignored = stopwords(language)
        for mark in _MARKS:  # a mark read as a term of its own, to be told apart
            self[mark] = ("", mark, "")

    def __missing__(self, token: str) -> tuple[str, str, str] | None:
        word = token.removesuffix("'s")
        elided = split_elision(word)
        if elided:
            word = elided[1]
        found = None
        if len(word) >= 3 and word not in self.ignored:
            found = (word, term_of(word, self.language), fold_word(word))
        self[token] = found
        return found


class TermIndex:
    """Term counts for every article of a library, and the wording each stem is shown in."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.articles: dict[str, ArticleTerms] = {}
        self.languages: dict[str, str] = {}  # article id -> ISO 639-1 code
        self.document_frequency: Counter[str] = Counter()
        # term -> {article id: count}, and stem -> the terms it is part of ("imperi" is part
        # of "anti-imperi"), so topics are found without scanning every article.
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.parts: dict[str, set[str]] = defaultdict(set)
        # (the same table as _surface_in's while the library has one language)
        self._surface: dict[str, Counter[str]] | None = None
        # the same per language: an English article's "social" is not shown as Italian "sociale"
        self._surface_in: dict[str, dict[str, Counter[str]]] = defaultdict(
            lambda: defaultdict(Counter)
        )
        self._capitals: dict[
            str, tuple[frozenset[str], Counter[str], Counter[str], Counter[str]]
        ] = {}
        # every word of the library, folded ("etat"), -> its term, over all languages and
        # per language (a topic is matched against the words of its own language)
        self.wordings: dict[str, str] = {}
        self.vocabulary: dict[str, dict[str, str]] = defaultdict(dict)
        self.size = 0
        self.total_terms = 0  # every term counted in the library, for a term's share of it
        self.version = 0  # changes whenever an article is added or removed
        # each summarised article's ranking (bot/summary.py), with the version it was made at
        self.ranks: dict[str, tuple[int, list[int], Any]] = {}
        self._keys: dict[str, tuple[int, int, list[str]]] = {}  # version, limit, stems
        self._known: dict[str, _Words] = {}  # each language's words, read once (the build's)
        self._ids = _Ids()  # a number for each term (for packing pairs of them)
        # The collector paused while the library is counted (each of its full passes would
        # walk the whole library and what is counted so far, holding the interpreter: 0.8 s
        # once in a build of 3,000 speeches, while another thread answered /quote), then what
        # was made frozen out of every later full pass, as the quote index is (bot/search).
        enabled = gc.isenabled()
        gc.disable()
        try:
            for article in library.articles:
                self.add_article(article)
        finally:
            if enabled:
                gc.enable()
            gc.freeze()
        self._known.clear()  # a word of an article added later is read again

    def add_article(self, article: Article) -> None:
        """Count an article's terms (one added to the library while the bot runs, too)."""
        self.languages[article.id] = article_language(article)
        entry = self._add(article)
        self.articles[article.id] = entry
        postings, parts = self.postings, self.parts
        for term in [t for t in entry.counts if t not in postings]:  # new to the library
            for part in term_parts(term):
                parts[part].add(term)
        for term, count in entry.counts.items():
            postings[term][article.id] = count
        self.total_terms += entry.counts.total()
        self.size = len(self.articles)
        self.version += 1

    def remove_article(self, article_id: str) -> None:
        """Forget an article's terms."""
        entry = self.articles.pop(article_id, None)
        if entry is None:
            return
        self.total_terms -= entry.counts.total()
        for term in entry.counts:
            self.postings[term].pop(article_id, None)
            self.document_frequency[term] -= 1
            if self.document_frequency[term] <= 0:
                del self.document_frequency[term]
        self.languages.pop(article_id, None)
        self._capitals.pop(article_id, None)
        self.ranks.pop(article_id, None)
        self.size = len(self.articles)
        self.version += 1

    def language_set(self) -> list[str]:
        """The languages of the library's articles, each once, in a fixed order."""
        return sorted(set(self.languages.values()))

    def _add(self, article: Article) -> ArticleTerms:
        """An article's sentences and counts. Its text is normalised and split into words a
        few thousand characters at a time (clauses and sentences marked by characters no text
        holds), each distinct word read once per language (:class:`_Words`): what
        :meth:`_add_slowly` does sentence by sentence and clause by clause, with the same
        counts in the same order."""
        paragraphs = list(article.paragraphs)  # (a large library's: its texts in one read)
        if any(_CLAUSE_MARK in p.text or _SENTENCE_MARK in p.text for p in paragraphs):
            return self._add_slowly(article, paragraphs)  # the marks would be read as text
        entry = ArticleTerms(article, article.words)
        language = self.languages[article.id]
        known = self._words_in(language)
        seen: Counter[str] = Counter()  # every word as read, in order of first use
        sentences = entry.sentences
        places: list[_Place] = []
        marked: list[str] = []
        pairs: list[np.ndarray] = []
        size = 0
        for index, para in enumerate(paragraphs):
            text, spans = para.text, para.sentences
            place = _Place(article, index, para.number, array("I", itertools.chain(*spans)))
            for start, end in spans:
                places.append(place)
                marked.append(text[start:end])
                size += end - start
            if size >= _CHUNK or index == len(paragraphs) - 1:
                pairs.append(self._read(marked, places, known, seen, entry.counts, sentences))
                marked, places, size = [], [], 0
        entry.bigrams = _Pairs(self._ids, np.concatenate(pairs) if pairs else _NO_PAIRS)
        # How the article writes each term, and each folded word's term: in order of first
        # use, as word by word; a folded word's term is its last use's.
        surface_all, surface = self._surfaces(language)
        folds: dict[str, str] = {}
        differ = False
        for mark in _MARKS:
            seen.pop(mark, None)
        for token, count in seen.items():
            found = known[token]
            if found is None:
                continue
            word, term, folded = found
            surface[term][word] += count
            if surface_all is not surface:
                surface_all[term][word] += count
            if folds.setdefault(folded, term) != term:
                differ = True
        if differ:  # two words of one folding with terms of their own: the last one's
            for said in sentences:
                for token in _WORD.findall(_normalised(_united_states(said.text))):
                    found = known[token]
                    if found is not None:
                        folds[found[2]] = found[1]
        self.wordings.update(folds)
        self.vocabulary[language].update(folds)
        self.document_frequency.update(entry.counts.keys())
        return entry

    def _read(
        self,
        marked: list[str],
        places: list[_Place],
        known: _Words,
        seen: Counter[str],
        counts: Counter[str],
        sentences: list[Sentence],
    ) -> np.ndarray:
        """Count the words of some sentences; the pairs of terms their clauses have, as
        codes (:class:`_Pairs`)."""
        # Clauses and sentences marked, then normalised and split into words at once:
        # normalise() maps each character on its own but for NFKC's composition, which no
        # mark takes part in, so the words between two marks are those of the clause alone.
        joined = _CLAUSES.sub(_CLAUSE_MARK, _SENTENCE_MARK.join(marked)) + _SENTENCE_MARK
        tokens = _WORD_OR_MARK.findall(_normalised(_united_states(joined)))
        _count_elements(seen, tokens)
        # each word's term, the marks kept (a mark is its own term: see _Words)
        read = [w[1] for w in map(known.__getitem__, tokens) if w is not None]
        if read.count(_SENTENCE_MARK) != len(places):  # (cannot be: no character
            raise ValueError("a sentence mark in a normalised text")  # normalises to one)
        position = len(sentences)
        number = 0
        last = None
        start = 0
        find = read.index
        for place in places:
            number = number + 1 if place is last else 1
            last = place
            end = find(_SENTENCE_MARK, start)
            terms = _NEW_COUNTER(Counter)
            _count_elements(terms, read[start:end])
            if _CLAUSE_MARK in terms:
                del terms[_CLAUSE_MARK]
            sentence = _NEW(Sentence)
            _SET_PLACE(sentence, place)
            _SET_NUMBER(sentence, number)
            _SET_TERMS(sentence, terms)
            _SET_POSITION(sentence, position)
            sentences.append(sentence)
            position += 1
            start = end + 1
        _count_elements(counts, read)
        for mark in _MARKS:
            counts.pop(mark, None)
        # Two-word terms only within a clause: "to commerce, to navigation" is no term.
        ids = self._ids
        numbers = np.fromiter(map(ids.__getitem__, read), dtype=np.uint64, count=len(read))
        term = numbers > 1  # (the marks are ids 0 and 1)
        within = term[1:] & term[:-1]
        return ((numbers[:-1] << np.uint64(32)) | numbers[1:])[within]

    def _surfaces(self, language: str) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
        """How the library writes each term, and how its articles in ``language`` do: one
        table while the library has one language (they are the same), two once it has more."""
        surface = self._surface_in[language]
        if self._surface is None:
            self._surface = surface
        elif self._surface is not surface and any(
            table is self._surface for table in self._surface_in.values()
        ):  # a second language: the library's own table from now on
            copied: dict[str, Counter[str]] = defaultdict(Counter)
            for term, forms in self._surface.items():
                copied[term] = Counter(forms)
            self._surface = copied
        return self._surface, surface

    def _words_in(self, language: str) -> _Words:
        known = self._known.get(language)
        if known is None:
            known = self._known[language] = _Words(language)
        return known

    def _add_slowly(self, article: Article, paragraphs: list[Paragraph]) -> ArticleTerms:
        """:meth:`_add` sentence by sentence and clause by clause (for a text holding one of
        the characters that method marks clauses and sentences with)."""
        entry = ArticleTerms(article, article.words)
        language = self.languages[article.id]
        vocabulary = self.vocabulary[language]
        surface_all, surface = self._surfaces(language)
        bigrams: Counter[tuple[str, str]] = Counter()
        position = 0
        for index, para in enumerate(paragraphs):
            place = _Place(
                article, index, para.number, array("I", itertools.chain(*para.sentences))
            )
            for number, (start, end) in enumerate(para.sentences, start=1):
                text = para.text[start:end]
                found: list[str] = []
                stems: list[str] = []
                for clause in _CLAUSES.split(text):
                    words = content_words(clause, language)
                    clause_stems = [term_of(w, language) for w in words]
                    bigrams.update(itertools.pairwise(clause_stems))
                    found += words
                    stems += clause_stems
                for word, term in zip(found, stems, strict=True):
                    surface[term][word] += 1
                    if surface_all is not surface:
                        surface_all[term][word] += 1
                    folded = fold_word(word)
                    self.wordings[folded] = vocabulary[folded] = term
                sentence = Sentence(place, number, Counter(stems), position)
                entry.sentences.append(sentence)
                entry.counts.update(sentence.terms)
                position += 1
        entry.bigrams = _Pairs.counted(self._ids, bigrams)
        self.document_frequency.update(entry.counts.keys())
        return entry

    def idf(self, term: str) -> float:
        """How rare a term is across the library's articles (0 for a term in all of them)."""
        return math.log((self.size + 1) / (self.document_frequency.get(term, 0) + 1))

    def show(self, term: str, language: str | None = None) -> str:
        """The commonest wording of a term (in ``language``'s articles, if given)."""
        forms = self._surface_in[language].get(term) if language else None
        forms = forms or (self._surface or {}).get(term)
        shown = forms.most_common(1)[0][0] if forms else term
        # the one term read from capitals (see _united_states): shown as an abbreviation
        return "U.S." + shown[4:] if shown.startswith("u.s.") else shown

    def capitalised(self, article_id: str, term: str) -> float:
        """The share of a term's occurrences within sentences (not opening one) that an
        article writes with a capital: 1 for a proper name, about 1 for a German noun."""
        upper, inside, _ = self._read_forms(article_id, {term})
        return upper[term] / inside[term] if inside[term] else 0.0

    def verb_like(self, article_id: str, term: str) -> bool:
        """Whether an English article uses a word as a verb more than not: after "to", a modal
        or a pronoun ("to organise", "we must negotiate") in half its occurrences or more."""
        _, inside, verbs = self._read_forms(article_id, {term})
        return bool(inside[term]) and verbs[term] * 2 >= inside[term]

    def _read_forms(
        self, article_id: str, wanted: set[str] | None = None
    ) -> tuple[Counter[str], Counter[str], Counter[str]]:
        """How an article writes some of its terms (``wanted``; all if None): how often within
        sentences, how often of those with a capital, and how often after a word only a verb
        follows ("to", "must"). Read in the sentences that have them, up to a term's first
        FORMS_READ uses within sentences (a book's commonest words are not read thousands of
        times over to tell the same share), and kept."""
        covered, *found = self._capitals.get(article_id, (frozenset(), None, None, None))
        if wanted is not None and wanted <= covered:
            return found  # type: ignore[return-value]
        entry = self.articles[article_id]
        terms = set(entry.counts) if wanted is None else set(wanted) | set(covered)
        language = self.languages.get(article_id, DEFAULT)
        forms = self._surface_in[language]
        spelled = {form: term for term in terms for form in forms.get(term, ())}
        upper: Counter[str] = Counter()
        inside: Counter[str] = Counter()
        verbs: Counter[str] = Counter()
        english = language == "en"
        needed = set(terms)  # a term's first FORMS_READ uses tell how it is written
        for sentence in entry.sentences:
            if needed.isdisjoint(sentence.terms):
                if not needed:
                    break
                continue
            text = _united_states(sentence.text)
            written = _WORD.findall(text)
            lowered = _WORD.findall(text.lower())  # (a word holds no ’)
            if len(lowered) != len(written):  # a letter whose lower case is two
                lowered = [w.lower() for w in written]
            for index in range(1, len(written)):  # the sentence's first word aside
                term = spelled.get(lowered[index].removesuffix("'s"))
                if term is not None and inside[term] < FORMS_READ:
                    inside[term] += 1
                    upper[term] += written[index][:1].isupper()
                    verbs[term] += english and lowered[index - 1] in _BEFORE_A_VERB
                    if inside[term] == FORMS_READ:
                        needed.discard(term)
        self._capitals[article_id] = (frozenset(terms), upper, inside, verbs)
        return upper, inside, verbs

    def key_terms(self, article_id: str, limit: int = 8) -> list[str]:
        """Terms frequent in this article and rare in the rest of the library, best first."""
        language = self.languages.get(article_id, DEFAULT)
        return [
            " ".join(self.show(p, language) for p in term.split())
            for term in self.key_stems(article_id, limit)
        ]

    def key_stems(self, article_id: str, limit: int = 8) -> list[str]:
        """The key terms as stems (a two-word term as its two stems, space between)."""
        # The first few key terms are the first few of a longer list: one list, KEY_TERMS
        # long or longer, serves every shorter one.
        kept = self._keys.get(article_id)
        if kept is None or kept[0] != self.version or kept[1] < limit:
            most = max(limit, KEY_TERMS)
            kept = (self.version, most, self._key_stems(article_id, most))
            self._keys[article_id] = kept
        return kept[2][:limit]

    def _key_stems(self, article_id: str, limit: int) -> list[str]:
        entry = self.articles[article_id]
        idf_floor = 0.1 if self.size > 1 else 1.0  # a lone article: frequency alone
        scores: dict[str, float] = {}
        idf = {term: self.idf(term) for term in entry.counts}  # each term's, worked out once
        for term, count in entry.counts.items():
            if count >= 2:
                scores[term] = count * max(idf[term], idf_floor)
        # Two-word terms that recur ("working class") stand for their words.
        for (first, second), count in entry.bigrams.items():
            if count >= 2 and first != second:
                score = 1.5 * count * max((idf[first] + idf[second]) / 2, idf_floor)
                scores[f"{first} {second}"] = score
        chosen: list[str] = []
        covered: set[str] = set()
        language = self.languages.get(article_id, DEFAULT)
        shown: list[str] = []
        ranked = sorted(scores, key=lambda t: (-scores[t], t))
        read = 0  # how the article writes the terms likeliest to be chosen, read in one pass
        for index, term in enumerate(ranked):
            parts = term.split()
            if index >= read:  # and the next ones, together, when those are not enough
                read = index + KEY_CANDIDATES
                self._read_forms(article_id, {p for t in ranked[index:read] for p in t.split()})
            if any(p in covered for p in parts) or term in covered:
                continue
            if len(parts) == 1:
                form = self.show(term, language)
                if any(_same_root(form, other) for other in shown):
                    continue  # "Japanese" after "Japan", "Cuban" after "Cuba"
                if self.verb_like(article_id, term):
                    continue  # "organise", "negotiate": what is done, not a topic
            if not all(
                _names_a_thing(self.show(p, language), language, self.capitalised(article_id, p))
                for p in (parts if len(parts) == 1 or language == "de" else parts[-1:])
            ):
                continue  # "voted", "choosing", "desirable": what is done or judged, not a topic
            chosen.append(term)
            shown.append(" ".join(self.show(p, language) for p in parts))
            covered.update(parts)
            if len(chosen) == limit:
                break
        return chosen

    def is_topic(self, article_id: str, term: str) -> bool:
        """Whether a term, as an article uses it, names a thing or an idea one could discuss:
        what :meth:`key_stems` asks of a key term (not a verb form, a judging adjective, a word
        of general prose)."""
        language = self.languages.get(article_id, DEFAULT)
        form = self.show(term, language)
        return not self.verb_like(article_id, term) and _names_a_thing(
            form, language, self.capitalised(article_id, term)
        )

    def weights(self, article_id: str) -> dict[str, float]:
        """Each term's weight in an article: frequency times rarity in the library."""
        entry = self.articles[article_id]
        return {t: c * self.idf(t) for t, c in entry.counts.items()}
