"""Languages: which one a text is written in, and the stems its words count as.

The bot reads English, French, German, Spanish, Italian, Portuguese and Russian (``SUPPORTED``).
An article's language is the one its source declares (a catalog entry, an Anarchist Library
``#lang`` header, an EPUB's ``dc:language``, an HTML ``lang``), else the one detected from its
text with py3langid, restricted to the supported languages: a detector free to answer any of
its 97 languages calls a short political paragraph Latin or Javanese, and a wrong guess
among seven is much rarer (see the measurements in the README). A text too short to tell
is taken as English, the library's first language, and says so by its low confidence.

Stems come from the Snowball algorithms (PyStemmer, the C build: 80 times faster than the
pure-Python ``snowballstemmer`` on the same words, with identical stems). Snowball keeps apart
what a hand-made stemmer merged (state/statement/statistics, general/generation, organ/
organisation, power), and a small documented layer on top keeps word families together where
Snowball splits them or merges the wrong ones (:func:`_english`, :func:`_isms`). Stems are
folded like the words a reader types (accents, ё), so "etat" meets "État". Stems are only
compared, never shown: the bot shows the commonest wording instead.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import py3langid.langid as langid  # type: ignore[import-untyped]
import Stemmer  # type: ignore[import-not-found]

from bot.text import fold

# ISO 639-1 code -> (Snowball algorithm, English name).
SUPPORTED: dict[str, tuple[str, str]] = {
    "en": ("english", "English"),
    "fr": ("french", "French"),
    "de": ("german", "German"),
    "es": ("spanish", "Spanish"),
    "it": ("italian", "Italian"),
    "pt": ("portuguese", "Portuguese"),
    "ru": ("russian", "Russian"),
}
DEFAULT = "en"
# Below this many letters a detector's answer is a guess: "la guerre" could be French, a
# typo or a name. Such a text is taken as DEFAULT, with no confidence.
MIN_LETTERS = 20
# Declared languages come as codes of two or three letters, with a region or not ("fr-FR",
# "pt_BR", "fre", "fra"), or as a name ("French", "Deutsch").
_ALIASES = {
    **{code: code for code in SUPPORTED},
    **{name.casefold(): code for code, (_, name) in SUPPORTED.items()},
    "eng": "en", "fra": "fr", "fre": "fr", "français": "fr", "francais": "fr",
    "deu": "de", "ger": "de", "deutsch": "de", "spa": "es", "español": "es", "espanol": "es",
    "castellano": "es", "ita": "it", "italiano": "it", "por": "pt", "português": "pt",
    "portugues": "pt", "rus": "ru", "русский": "ru",
}  # fmt: skip
_LETTER = re.compile(r"[^\W\d_]")
# A long article is told by its beginning as well as by all of it, at a fraction of the cost.
_SAMPLE = 4000


@dataclass(frozen=True, slots=True)
class Detection:
    """A detected language and how sure the detector is (0 to 1; 0 when not detected)."""

    language: str
    confidence: float


def declared_language(value: str | None) -> str | None:
    """The ISO 639-1 code a source's declaration names ("fr-FR" is "fr"), or None when it
    declares nothing the bot can use.

    A well-formed code of a language the bot does not support ("nl") is kept: it is true to
    the source, and such an article is matched by its folded words without stems or
    stopwords rather than with another language's."""
    if not value:
        return None
    text = value.strip().casefold().replace("_", "-")
    found = _ALIASES.get(text) or _ALIASES.get(text.split("-")[0])
    if found:
        return found
    head = text.split("-")[0]
    return head if re.fullmatch(r"[a-z]{2}", head) else None


_identifier: langid.LanguageIdentifier | None = None
_identifier_lock = threading.Lock()


def _detector() -> langid.LanguageIdentifier:
    """py3langid's model (loaded once, on first use: about 0.2 s), restricted to SUPPORTED."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            identifier = langid.LanguageIdentifier.from_model_file(
                langid.MODEL_FILE, norm_probs=True
            )
            identifier.set_languages(list(SUPPORTED))
            _identifier = identifier
        return _identifier


def detect(text: str) -> Detection:
    """The supported language ``text`` is most likely in, with the detector's confidence;
    DEFAULT with confidence 0 when the text has too few letters to tell."""
    sample = text[:_SAMPLE]
    if len(_LETTER.findall(sample, 0, 8 * MIN_LETTERS)) < MIN_LETTERS:
        return Detection(DEFAULT, 0.0)
    identifier = _detector()
    with _identifier_lock:
        language, confidence = identifier.classify(sample)
    return Detection(str(language), float(confidence))


def language_of(text: str, declared: str | None = None) -> str:
    """The ISO 639-1 code of the language ``text`` is in: the declared one when the source
    states one (see :func:`declared_language`), else the detected one."""
    return declared_language(declared) or detect(text).language


def is_supported(language: str) -> bool:
    """True when the bot has stems and stopwords for ``language``."""
    return language in SUPPORTED


_stemmers: dict[str, Stemmer.Stemmer] = {}
_stemmer_lock = threading.Lock()  # a PyStemmer object is not safe to share between threads


def _snowball(word: str, language: str) -> str:
    algorithm = SUPPORTED[language][0]
    with _stemmer_lock:
        stemmer = _stemmers.get(algorithm)
        if stemmer is None:
            stemmer = _stemmers[algorithm] = Stemmer.Stemmer(algorithm)
        return str(stemmer.stemWord(word))


# English words that Snowball reduces onto another family's stem: "liberal" and "liberation"
# both become "liber"; the politics of the one is not the other.
_KEEP_WHOLE = ("liberal",)
# "-ist" agents whose "-ism" Snowball stems otherwise: "imperialist" stays "imperialist"
# while "imperialism" is "imperi"; stemmed as their "-ism", they meet. Not "-sist" verbs
# (persist, consist) nor short words (artist, list).
_ENGLISH_IST = re.compile(r"(?P<base>[a-z]{4,}?)(?<!s)ists?")
# "-ionary" adjectives and nouns are their "-ion" (revolutionary, reactionary).
_ENGLISH_IONARY = re.compile(r"(?P<base>[a-z]{3,}ion)ar(?:y|ies)")
# Countries and their people: "Russia", "Russian", "Russians" (and Syria, India, Italy...);
# "Ukraine" and "Ukrainian", "Palestine" and "Palestinian".
_ENGLISH_INIAN = re.compile(r"(?P<base>[a-z]{3,}in)ians?")
_ENGLISH_IAN = re.compile(r"(?P<base>[a-z]{3,}i)(?:a|ans?)")


def _english(word: str) -> str:
    """English Snowball with the family rules above."""
    for whole in _KEEP_WHOLE:
        if whole in word:
            return word[: word.index(whole) + len(whole)]
    for pattern, suffix in (
        (_ENGLISH_IST, "ism"),
        (_ENGLISH_IONARY, ""),
        (_ENGLISH_INIAN, "e"),
        (_ENGLISH_IAN, ""),
    ):
        m = pattern.fullmatch(word)
        if m:
            return _snowball(m["base"] + suffix, "en")
    return _snowball(word, "en")


# German and Russian Snowball keep "-ismus"/"-ist" and "-изм"/"-ист" on the stem, so
# "Imperialismus" and "Imperialisten" (империализм, империалистов) would not meet; French,
# Spanish, Italian and Portuguese Snowball already strip -isme/-iste, -ismo/-ista.
_ISM_SUFFIXES = {
    "de": ("istisch", "ismus", "ist"),
    "ru": ("истическ", "изм", "ист"),
}


def _isms(stem_: str, language: str) -> str:
    for suffix in _ISM_SUFFIXES.get(language, ()):
        base = stem_.removesuffix(suffix)
        if base != stem_ and len(base) >= 4 and not base.endswith(("s", "с")):
            return _snowball(base, language)
    return stem_


_cache: dict[tuple[str, str], str] = {}
_CACHE_SIZE = 400_000


def stem(word: str, language: str = DEFAULT) -> str:
    """The stem of a normalised (lower-case) word in ``language``, folded for matching; the
    folded word itself for a language the bot has no stemmer for."""
    key = (word, language)
    found = _cache.get(key)
    if found is None:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        found = _cache[key] = _stem(word, language)
    return found


def _stem(word: str, language: str) -> str:
    word = word.replace("'", "")
    if language == "ru":
        word = word.replace("ё", "е")
    if language not in SUPPORTED:
        return fold(word)
    found = _english(word) if language == "en" else _isms(_snowball(word, language), language)
    return fold(found)
