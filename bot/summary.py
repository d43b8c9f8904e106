"""Extractive summaries: the sentences that best carry an article's argument, in their order.

Sentences are ranked half by centrality (LexRank: PageRank over the cosine similarity of their
TF-IDF vectors: what the rest of the article keeps coming back to, wherever it stands) and half
by signature (how much of what sets the article apart from the rest of the library a sentence
carries); near-duplicates are skipped. Deterministic and offline: the same library
always gives the same summary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from bot.library import Article, Passage
from bot.stance import stance
from bot.terms import Sentence, TermIndex

WORDS_PER_MINUTE = 230
MIN_WORDS = 6  # shorter sentences ("Far from it.") are not summary material
SIMILAR = 0.5  # cosine above which a sentence repeats one already chosen
DAMPING = 0.85
MAX_RANKED = 1500  # sentences ranked by centrality (a book: its best 1,500 by signature)
WEIGHTS = (0.25, 0.25, 0.5)  # centrality, signature, stance
PLACE = (0.05, 0.1)  # bonus for the opening tenth, and for the closing sixth


@dataclass(frozen=True)
class Summary:
    """An article's summary: its sentences as passages, in order, its key terms, and the
    language it was read in (ISO 639-1), for /summary to show."""

    article: Article
    passages: list[Passage]
    key_terms: list[str]
    words: int
    language: str = "en"

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def summary_length(words: int, long: bool) -> int:
    """How many sentences: 3 to 5 by the article's length, or 8 to 10 for a long summary."""
    if long:
        return 8 if words <= 1000 else 9 if words <= 3000 else 10
    return 3 if words <= 400 else 4 if words <= 1000 else 5


def centrality(
    sentences: list[Sentence],
    idf: dict[str, float] | None = None,
    vectors: np.ndarray | None = None,
) -> np.ndarray:
    """LexRank score of each sentence (sums to 1); uniform for fewer than two sentences."""
    count = len(sentences)
    if count < 2:
        return np.ones(count)
    vectors = _tfidf(sentences, idf) if vectors is None else vectors
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    row_sums = similarity.sum(axis=1, keepdims=True)
    # A sentence sharing nothing with the others links to all equally.
    transition = np.where(row_sums > 0, similarity / np.where(row_sums > 0, row_sums, 1), 1 / count)
    scores = np.full(count, 1 / count)
    for _ in range(100):
        updated = (1 - DAMPING) / count + DAMPING * (transition.T @ scores)
        if np.abs(updated - scores).sum() < 1e-9:
            break
        scores = updated
    return scores


def _tfidf(sentences: list[Sentence], idf: dict[str, float] | None) -> np.ndarray:
    """Unit-length TF-IDF rows; IDF over the article's own sentences unless given. Only terms
    found in two sentences or more get a column: a term of one sentence adds nothing to its
    similarity with any other (it still counts in the sentence's length), and a book's
    thousands of one-off words would otherwise fill gigabytes of zeros."""
    frequency: dict[str, int] = {}
    for sentence in sentences:
        for term in sentence.terms:
            frequency[term] = frequency.get(term, 0) + 1
    if idf is None:
        idf = {t: math.log((1 + len(sentences)) / (1 + f)) + 1 for t, f in frequency.items()}
    columns: dict[str, int] = {}
    for term, found in frequency.items():
        if found > 1:
            columns[term] = len(columns)
    matrix = np.zeros((len(sentences), max(1, len(columns))), dtype=np.float64)
    norms = np.ones(len(sentences))
    for row, sentence in enumerate(sentences):
        length = 0.0
        for term, count in sentence.terms.items():
            weight = (1 + math.log(count)) * idf.get(term, 1.0)
            length += weight * weight
            if (column := columns.get(term)) is not None:
                matrix[row, column] = weight
        norms[row] = math.sqrt(length) or 1.0
    return matrix / norms[:, None]


def _signature(terms: TermIndex, article_id: str, sentences: list[Sentence]) -> np.ndarray:
    """How much of what sets this article apart from the rest of the library (its weighted
    distinctive terms) each sentence carries, per word."""
    weights = terms.weights(article_id)
    return np.array(
        [
            sum(weights.get(t, 0.0) * n for t, n in s.terms.items())
            / math.sqrt(max(1, sum(s.terms.values())))
            for s in sentences
        ]
    )


def _importance(
    terms: TermIndex, article_id: str, sentences: list[Sentence], vectors: np.ndarray
) -> np.ndarray:
    """Centrality, signature and stance (whether the sentence states the author's own claim,
    see :mod:`bot.stance`), and a little for where it stands: an argument is stated at the
    start and drawn together at the end."""
    central = centrality(sentences, vectors=vectors)
    signature = _signature(terms, article_id, sentences)
    central = central / (central.max() or 1)
    signature = signature / (signature.max() or 1)
    language = terms.languages.get(article_id, "en")
    argues = np.array([stance(s.text, language) for s in sentences])
    last = max((s.position for s in sentences), default=0) or 1
    place = np.array([_place(s.position / last) for s in sentences])
    return WEIGHTS[0] * central + WEIGHTS[1] * signature + WEIGHTS[2] * argues + place


def _place(where: float) -> float:
    """A bonus for the opening and, more, for the conclusion (``where`` from 0 to 1)."""
    if where >= 0.85:
        return PLACE[1]
    return PLACE[0] if where <= 0.1 else 0.0


def _is_quotation(text: str) -> bool:
    """Text that is wholly someone else's words, in quotation marks."""
    stripped = text.strip()
    return stripped[:1] in '\u201c"' and stripped[-1:] in '\u201d"'


def summarise(terms: TermIndex, article_id: str, *, long: bool = False) -> Summary:
    """The summary of one article of the library."""
    entry = terms.articles[article_id]
    article = entry.article
    sentences = entry.sentences
    wanted = summary_length(article.words, long)
    # Someone else's words (a paragraph-long quotation of Putin, say) are not the argument.
    quoted = {p.number for p in article.paragraphs if _is_quotation(p.text)}
    candidates = [
        i
        for i, s in enumerate(sentences)
        if len(s.text.split()) >= MIN_WORDS
        and len(s.terms) >= 3
        and s.paragraph not in quoted
        and not _is_quotation(s.text)
    ] or list(range(len(sentences)))
    if len(candidates) > MAX_RANKED:
        # A book: centrality among its best sentences by signature (LexRank is quadratic in
        # the sentences it ranks; 12,000 of them took 35 s and 3.7 GB).
        signature = _signature(terms, article_id, [sentences[i] for i in candidates])
        best = sorted(range(len(candidates)), key=lambda k: (-signature[k], k))[:MAX_RANKED]
        candidates = [candidates[k] for k in sorted(best)]
    vectors = _tfidf([sentences[i] for i in candidates], None)
    scores = _importance(terms, article_id, [sentences[i] for i in candidates], vectors)
    ranked = sorted(range(len(candidates)), key=lambda k: (-scores[k], candidates[k]))
    chosen: list[int] = []
    for k in ranked:
        if len(chosen) == wanted:
            break
        text = sentences[candidates[k]].text
        if any(
            float(vectors[k] @ vectors[j]) > SIMILAR
            or fuzz.ratio(text, sentences[candidates[j]].text) > 80
            for j in chosen
        ):
            continue
        chosen.append(k)
    picked = sorted(candidates[k] for k in chosen)
    passages = [
        article.passage(sentences[i].paragraph, sentences[i].number, sentences[i].number)
        for i in picked
    ]
    language = terms.languages.get(article_id, "en")
    return Summary(article, passages, terms.key_terms(article_id), article.words, language)
