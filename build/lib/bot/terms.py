"""Terms: the content words of the library, stemmed, counted per sentence and per article.

Summaries, key terms and comparisons all read from one :class:`TermIndex`, built once when the
library loads. A term is a stem ("imperi" for imperialism, imperialist, imperialists); the bot
shows its commonest wording instead.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.library import Article, Library
from bot.stemming import stem
from bot.text import normalise

# Words too common in any prose to say what a text is about.
TERM_STOPWORDS = frozenset(
    """a about above after again against all also am among an and any are aren't as at be
    because been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't down during each either even ever every few for from
    further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's
    its itself just least less let's like made make makes many may me might more most much must
    mustn't my myself never no nor not now of off often on once one only or other others ought
    our ours ourselves out over own per quite rather really same say says said see seen shall
    shan't she she'd she'll she's should shouldn't since so some still such than that that's the
    their theirs them themselves then there there's these they they'd they'll they're they've
    this those though through thus to too toward towards under until up upon us very via was
    wasn't way we we'd we'll we're we've well were weren't what what's whatever when when's
    where where's whether which while who who's whom whose why why's will with within without
    won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
    another around back become becomes came come comes get gets getting go goes going gone got
    know known take taken takes took put puts use used uses using want wants whole already
    always across along amongst although else enough etc far first last new old next two three
    four five six seven eight nine ten hundred thousand million billion time times yes fact
    facts need needs needed means mean meant became look looks looked looking great greater
    greatest supposed mention mentions end ends side sides part parts point points case cases
    kind kinds thing things lot lots course matter something nothing anything everything
    someone anyone everyone people day days year years today away able given give gives
    instead indeed simply certain certainly possible seems seem seemed tell told think thought
    called call mere merely""".split()
)
# Words, with hyphenated compounds ("neo-Stalinist") kept whole; dashes between words are not
# hyphens, so they are turned into spaces first.
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_DASHES = str.maketrans(dict.fromkeys("\u2013\u2014\u2015", " "))


def content_words(text: str) -> list[str]:
    """The normalised content words of ``text``, in order (stopwords and short words left out)."""
    found = []
    for word in _WORD.findall(normalise(text.translate(_DASHES))):
        word = word.removesuffix("'s")
        if len(word) >= 3 and word not in TERM_STOPWORDS:
            found.append(word)
    return found


def term_of(word: str) -> str:
    """The term a content word counts as: its stem, part by part for a compound."""
    return "-".join(stem(part) for part in word.split("-") if part)


def term_parts(term: str) -> list[str]:
    """The stems a term is made of: one, or each part of a compound."""
    return term.split("-")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article with its place and its term counts."""

    article_id: str
    paragraph: int
    number: int  # within the paragraph, 1-based
    text: str
    terms: Counter[str]
    position: int  # within the article, 0-based


@dataclass
class ArticleTerms:
    """An article's sentences and term counts."""

    article: Article
    words: int = 0
    sentences: list[Sentence] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)


class TermIndex:
    """Term counts for every article of a library, and the wording each stem is shown in."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.articles: dict[str, ArticleTerms] = {}
        self.document_frequency: Counter[str] = Counter()
        # term -> {article id: count}, and stem -> the terms it is part of ("imperi" is part
        # of "anti-imperi"), so topics are found without scanning every article.
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.parts: dict[str, set[str]] = defaultdict(set)
        self._surface: dict[str, Counter[str]] = defaultdict(Counter)
        self.wordings: dict[str, str] = {}  # every word of the library -> its term
        self.size = 0
        for article in library.articles:
            self.add_article(article)

    def add_article(self, article: Article) -> None:
        """Count an article's terms (one added to the library while the bot runs, too)."""
        entry = self._add(article)
        self.articles[article.id] = entry
        for term, count in entry.counts.items():
            self.postings[term][article.id] = count
            for part in term_parts(term):
                self.parts[part].add(term)
        self.size = len(self.articles)

    def remove_article(self, article_id: str) -> None:
        """Forget an article's terms."""
        entry = self.articles.pop(article_id, None)
        if entry is None:
            return
        for term in entry.counts:
            self.postings[term].pop(article_id, None)
            self.document_frequency[term] -= 1
            if self.document_frequency[term] <= 0:
                del self.document_frequency[term]
        self.size = len(self.articles)

    def _add(self, article: Article) -> ArticleTerms:
        entry = ArticleTerms(article, article.words)
        position = 0
        for para in article.paragraphs:
            for number, (start, end) in enumerate(para.sentences, start=1):
                text = para.text[start:end]
                found = content_words(text)
                stems = [term_of(w) for w in found]
                for word, term in zip(found, stems, strict=True):
                    self._surface[term][word] += 1
                    self.wordings[word] = term
                entry.bigrams.update(itertools.pairwise(stems))
                sentence = Sentence(article.id, para.number, number, text, Counter(stems), position)
                entry.sentences.append(sentence)
                entry.counts.update(sentence.terms)
                position += 1
        self.document_frequency.update(entry.counts.keys())
        return entry

    def idf(self, term: str) -> float:
        """How rare a term is across the library's articles (0 for a term in all of them)."""
        return math.log((self.size + 1) / (self.document_frequency.get(term, 0) + 1))

    def show(self, term: str) -> str:
        """The commonest wording of a term."""
        forms = self._surface.get(term)
        return forms.most_common(1)[0][0] if forms else term

    def key_terms(self, article_id: str, limit: int = 8) -> list[str]:
        """Terms frequent in this article and rare in the rest of the library, best first."""
        entry = self.articles[article_id]
        idf_floor = 0.1 if self.size > 1 else 1.0  # a lone article: frequency alone
        scores: dict[str, float] = {}
        for term, count in entry.counts.items():
            if count >= 2:
                scores[term] = count * max(self.idf(term), idf_floor)
        # Two-word terms that recur ("working class") stand for their words.
        for (first, second), count in entry.bigrams.items():
            if count >= 2 and first != second:
                score = 1.5 * count * max((self.idf(first) + self.idf(second)) / 2, idf_floor)
                scores[f"{first} {second}"] = score
        chosen: list[str] = []
        covered: set[str] = set()
        for term in sorted(scores, key=lambda t: (-scores[t], t)):
            parts = term.split()
            if any(p in covered for p in parts) or term in covered:
                continue
            chosen.append(term)
            covered.update(parts)
            if len(chosen) == limit:
                break
        return [" ".join(self.show(p) for p in term.split()) for term in chosen]

    def weights(self, article_id: str) -> dict[str, float]:
        """Each term's weight in an article: frequency times rarity in the library."""
        entry = self.articles[article_id]
        return {t: c * self.idf(t) for t, c in entry.counts.items()}
