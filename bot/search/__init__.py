"""Finding the passage a member remembers, however loosely they remember it.

The search runs in three stages, each dearer per paragraph than the one before:

1. **Rarity** (every paragraph, through an inverted index): each query word stands for the
   library words it may mean (itself, and for a typo the words one edit away, two for a long
   word, found through an index of their one-letter deletions), weighted by its rarity; a
   paragraph earns the weight of the query words it holds, scaled down gently as it grows
   longer (BM25's length normalisation: a 200-word paragraph holds more words by chance). The
   best 300 go on, or every paragraph holding all the words that count (up to 3,000): a short
   quotation of common words has few rare words to tell paragraphs apart.
2. **Order** (those paragraphs' word sequences): the query's word pairs found side by side in
   the paragraph, or one word apart (a word dropped or added), weighted by their rarity. A
   clean quotation, even of common words, is mostly pairs in order.
3. **Alignment** (the best dozen, up to 20 in a library of a million paragraphs, where more
   paragraphs share a quotation's words; sentence run by sentence run): coverage, how much of
   the query's weight is found in the stretch that lines up with it, and alignment,
   rapidfuzz's ``partial_ratio`` between query and stretch; the score (0-100) is 0.6
   coverage + 0.4 alignment, and decides what is shown: a whole paragraph when it is short,
   the matched sentences when it is long. A longer list is scored as many at a time, so that
   it begins with the shorter one. A paragraph or a run that cannot beat what is found
   already is not aligned.

The best match is presented as the quote only when it scores HIT and no other passage comes
within MARGIN of it; otherwise the bot offers candidates. Both bars were set on the benchmark
of ``bench/quote_bench.py``, where at a million passages 99.8% of the passages so presented
were the right one.

The index is a handful of numpy arrays (postings, word sequences, the deletion index) and one
dictionary of words, so a million paragraphs are few Python objects. It is built by reading
thousands of paragraphs at once in numpy (:class:`_Reader`), not word by word; once built or
loaded it is frozen out of the garbage collector's full passes (:func:`gc.freeze`), which
would otherwise walk it for a second. Ties are broken by the words and the paragraphs' order,
never by the order of a set or dictionary, so an index loaded from disk in a new process
answers exactly as the one that was saved. :class:`QuoteIndex` is the interface;
:class:`FuzzyIndex` implements it.

The package, by concept: :mod:`.match` (what a search finds, and the bars that decide how it
is shown), :mod:`.words` (a paragraph's words read fast, many paragraphs at once),
:mod:`.typos` (the keys a word is found under by its typos), :mod:`.arrays` (what the index
holds and how it is read), :mod:`.build` (building it, and articles added or removed),
:mod:`.query` (what a query's words stand for and weigh), :mod:`.runs` (a paragraph's runs of
sentences, aligned in stage 3), :mod:`.store` (the index on disk), :mod:`.highlight` (the
words of a passage to bold) and :mod:`.index` (the index and its three stages).
"""

from bot.search.highlight import highlight
from bot.search.index import FuzzyIndex
from bot.search.match import (
    CANDIDATE_FLOOR,
    HIT,
    MARGIN,
    MAX_QUERY_CHARS,
    SHORT_PARAGRAPH,
    STOPWORDS,
    Match,
    QuoteIndex,
)
from bot.search.words import fast_words

__all__ = [
    "CANDIDATE_FLOOR",
    "HIT",
    "MARGIN",
    "MAX_QUERY_CHARS",
    "SHORT_PARAGRAPH",
    "STOPWORDS",
    "FuzzyIndex",
    "Match",
    "QuoteIndex",
    "fast_words",
    "highlight",
]
