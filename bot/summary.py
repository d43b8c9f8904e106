"""Extractive summaries: the sentences that best carry an article's argument, in their order.

Sentences are ranked by six plain signals, chosen by measuring against readers' judgements
(tests/data/judgement*.toml) and kept only where they carried the argument in texts they were
not chosen on: how firmly a sentence states a claim of the
author's (:mod:`bot.stance`, as a rank among the article's own sentences), its centrality
(LexRank: PageRank over the cosine similarity of the sentences' TF-IDF vectors: what the rest
of the article keeps coming back to), its centrality again within the conclusion (the last two
paragraphs, or a short text's last sentences), and a little for a sentence that opens its
paragraph (its topic sentence), more for one given a paragraph of its own, and how much it
reads like what readers name as an argument (:mod:`bot.argument`, English only). Questions, views
reported ("Some began to say that…"), quotations (a sentence mostly inside quotation marks,
also where the quotation runs over several sentences or paragraphs) and a translator's or an
editor's notes are never chosen, and near-duplicates are skipped. A summary is at most two
thirds of the sentences it could choose from. Deterministic and offline: the same library
always gives the same summary.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from bot import argument
from bot.library import Article, Passage
from bot.stance import is_general, is_question, reports, stance
from bot.terms import Sentence, TermIndex

WORDS_PER_MINUTE = 230
MIN_WORDS = 6  # shorter sentences ("Far from it.") are not summary material
SIMILAR = 0.5  # cosine above which a sentence repeats one already chosen
DAMPING = 0.85
MAX_RANKED = 1500  # sentences ranked by centrality (a book: its best 1,500 by signature)
WEIGHTS = (0.5, 0.3, 0.3)  # stance (as a rank), centrality, centrality within the conclusion
OPENS = 0.05  # for a sentence that opens its paragraph (its topic sentence; a closing one is not:
# it leads on as often as it concludes, and readers name it no more than one inside)
ALONE = 0.1  # and for one given a paragraph of its own
LEARNED = 0.1  # how much it reads like what readers name as an argument (bot.argument), as a rank
CLOSING_PARAGRAPHS = 2  # a text's conclusion, when it has more than twice as many
CLOSING_SHARE = 0.85  # else its last sentences: from here on (0 to 1, by position)
# A translator's or editor's note: a paragraph that opens with its mark ("[6] The Prater is…")
# or ends by signing it ("(translator)").
_NOTE = re.compile(r"^\s*\[\d{1,3}\]|\((?:translator|editor|ed\.|trans\.|tr\.)\)\s*$", re.I)


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
    # The similarities in single precision (half the work, and ample for a ranking), the walk
    # in double; every step in place (a book's matrix is 1,500 square).
    single = vectors.astype(np.float32)
    similarity = (single @ single.T).astype(np.float64)
    np.fill_diagonal(similarity, 0.0)
    row_sums = similarity.sum(axis=1)
    linked = row_sums > 0
    similarity /= np.where(linked, row_sums, 1.0)[:, None]
    if not linked.all():
        similarity[~linked] = 1 / count  # a sentence sharing nothing with the others links to all
    step = similarity.T  # the transition matrix, transposed (a view: no copy)
    scores = np.full(count, 1 / count)
    for _ in range(100):
        updated = DAMPING * (step @ scores) + (1 - DAMPING) / count
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
    """How much each sentence carries the argument, from six plain signals: how firmly it
    states a claim of the author's (its :func:`~bot.stance.stance`, as a rank among the
    article's own sentences: the cues of commitment order the sentences, but however many a
    sentence has, it is one rank above the next), how central it is, whether it is a
    central sentence of the conclusion (the conclusion's thanks and pleasantries are not),
    whether it opens its paragraph, whether it has a paragraph of its own, and how much it
    reads like what careful readers name as an argument (:mod:`bot.argument`)."""
    central = centrality(sentences, vectors=vectors)
    central = central / (central.max() or 1)
    language = terms.languages.get(article_id, "en")
    claims = _percentile(np.array([stance(s.text, language) for s in sentences]))
    # Where a sentence stands in the article's paragraphs (as written: all their sentences).
    size: dict[int, int] = {}
    for s in terms.articles[article_id].sentences:
        size[s.paragraph] = max(size.get(s.paragraph, 0), s.number)
    paragraphs = sorted({s.paragraph for s in sentences})
    last = max((s.position for s in sentences), default=0) or 1
    if len(paragraphs) > 2 * CLOSING_PARAGRAPHS:  # the conclusion is the last paragraphs
        closing = np.array([s.paragraph in paragraphs[-CLOSING_PARAGRAPHS:] for s in sentences])
    else:  # or, in a text of few paragraphs, its last sentences
        closing = np.array([s.position / last >= CLOSING_SHARE for s in sentences])
    alone = np.array([size[s.paragraph] == 1 for s in sentences])
    opens = np.array([s.number == 1 for s in sentences])
    score = (
        WEIGHTS[0] * claims
        + WEIGHTS[1] * central
        + WEIGHTS[2] * closing * central
        + OPENS * opens
        + ALONE * alone
    )
    learned = argument.scores([s.text for s in sentences], language) if LEARNED else None
    if learned is not None:
        score = score + LEARNED * _percentile(learned)
    return score


def _percentile(values: np.ndarray) -> np.ndarray:
    """Each value's rank among them, from 0 (the lowest) to 1 (the highest); equal values share
    the middle of their ranks, so a tie is never settled by the order of the sentences."""
    count = len(values)
    if count < 2:
        return np.ones(count)
    ordered = np.sort(values)
    below = np.searchsorted(ordered, values, side="left")
    upto = np.searchsorted(ordered, values, side="right")
    return (below + (upto - below - 1) / 2) / (count - 1)


def _enough(sentence: Sentence, language: str) -> bool:
    """Whether a sentence says enough to stand in a summary: six words or more with three
    terms, or a short claim made general ("Democracy means equality.")."""
    size = len(sentence.text.split())
    if size >= MIN_WORDS and len(sentence.terms) >= 3:
        return True
    return size >= 3 and len(sentence.terms) >= 2 and is_general(sentence.text, language)


def _answers(sentences: list[Sentence], language: str) -> set[int]:
    """The sentences that answer the question just before them in the same paragraph ("Can a
    connection be established…? We think that it can."): the author's own answer, not a
    shrug ("That remains to be seen.")."""
    return {
        i
        for i in range(1, len(sentences))
        if sentences[i].paragraph == sentences[i - 1].paragraph
        and is_question(sentences[i - 1].text)
        and not is_question(sentences[i].text)
        and len(sentences[i].text.split()) >= 3
        and stance(sentences[i].text, language) >= 0.3
    }


def _is_quotation(text: str) -> bool:
    """Text that is wholly someone else's words, in quotation marks."""
    stripped = text.strip()
    return stripped[:1] in '\u201c"' and stripped[-1:] in '\u201d"'


_OPENING = "\u201c\u00ab\u201e"  # “ « „
_CLOSING = "\u201d\u00bb"  # ” »
_MARKS = re.compile(f'[{_OPENING}{_CLOSING}"]')
_LETTER = re.compile(r"[^\W_]")  # a letter or a digit (as str.isalnum)


def quoted_sentences(article: Article) -> set[tuple[int, int]]:
    """The sentences (paragraph, number) mostly inside double quotation marks: someone else's
    words quoted at length ("“This increase,” writes Hecht, “can be explained only by…”"), a
    document read out, or a paragraph of a quotation that runs on over several (each of its
    paragraphs opens with a mark, only the last one closes). A word or two in quotation marks
    ("the “middle” peasant") leaves its sentence the author's. Marks are read as a careful
    reader would where a text is careless: a mark opened while one is open is taken for a
    closing mark forgotten (the quotation before it is not counted), and a mark left open at
    the end of a paragraph runs on to its end only when the paragraph opens with it."""
    found: set[tuple[int, int]] = set()
    for para in article.paragraphs:
        text = para.text
        if '"' not in text and not any(mark in text for mark in _OPENING):
            continue
        marks = [(m.start(), m[0] in _OPENING) for m in _MARKS.finditer(text)]
        inside: list[tuple[int, int]] = []  # the quotations, as spans of the text
        depth, start = 0, 0  # how many quotations are open, and where the outermost began
        for k, (at, opening) in enumerate(marks):
            if text[at] == '"':
                opening = depth == 0  # a straight mark opens, or closes what is open
            if opening:
                # Opened inside a quotation: a quotation within it ("[“only”!]") when two
                # closing marks come next, else the closing mark before it was forgotten.
                nested = depth and [not o for _, o in marks[k + 1 : k + 3]] == [True, True]
                if not nested:
                    depth, start = 0, at
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0:
                    inside.append((start, at + 1))
        if depth and not text[:start].strip():
            inside.append((start, len(text)))
        if not inside:
            continue
        for number, (first, last) in enumerate(para.sentences, start=1):
            within = [(max(a, first), min(b, last)) for a, b in inside if a < last and b > first]
            if not within:
                continue
            quoted = sum(len(_LETTER.findall(text, a, b)) for a, b in within)
            if quoted * 2 > len(_LETTER.findall(text, first, last)):
                found.add((para.number, number))
    return found


def _ranked(terms: TermIndex, article_id: str) -> tuple[list[int], np.ndarray, np.ndarray | None]:
    """The sentences that could be chosen (indices), their importance and, when they were
    ranked just now, their TF-IDF rows. The ranking is kept on the term index until the
    library changes (:attr:`TermIndex.version`), so a summary asked again, or the reading
    post's prompts after it, rank nothing twice."""
    kept = terms.ranks.get(article_id)
    if kept is not None and kept[0] == terms.version:
        return kept[1], kept[2], None
    entry = terms.articles[article_id]
    article = entry.article
    sentences = entry.sentences
    # Someone else's words (a paragraph-long quotation of Putin, say) are not the argument.
    # nor is a translator's or an editor's note (the paragraphs read in one pass)
    quoted = {p.number for p in article.paragraphs if _is_quotation(p.text) or _NOTE.search(p.text)}
    language = terms.languages.get(article_id, "en")
    answers = _answers(sentences, language)
    within = quoted_sentences(article)
    # What could be chosen: enough said, not a question, not someone else's words, and not a
    # view reported. Reading how a sentence argues costs most, so for a book (more sentences
    # than LexRank can rank) it is read only down the ranking by signature, until MAX_RANKED
    # are found: the same sentences as reading all of them, in a tenth of the time.
    possible = [
        i
        for i, s in enumerate(sentences)
        if (i in answers or _enough(s, language))
        and s.paragraph not in quoted
        and not _is_quotation(s.text)
        and (s.paragraph, s.number) not in within
        and not is_question(s.text)
    ]
    if len(possible) > MAX_RANKED:
        # A book: centrality among its best sentences by signature (LexRank is quadratic in
        # the sentences it ranks; 12,000 of them took 35 s and 3.7 GB).
        among = _signature(terms, article_id, [sentences[i] for i in possible])
        best: list[int] = []
        for k in sorted(range(len(possible)), key=lambda k: (-among[k], k)):
            if not reports(sentences[possible[k]].text, language):
                best.append(k)
                if len(best) == MAX_RANKED:
                    break
        best.sort()
        candidates = [possible[k] for k in best]
    else:
        candidates = [i for i in possible if not reports(sentences[i].text, language)]
    if not candidates:
        candidates = list(range(len(sentences)))
    vectors = _tfidf([sentences[i] for i in candidates], None)
    scores = _importance(terms, article_id, [sentences[i] for i in candidates], vectors)
    terms.ranks[article_id] = (terms.version, candidates, scores)
    return candidates, scores, vectors


def argument_scores(terms: TermIndex, article_id: str) -> dict[int, float]:
    """How much each sentence carries the article's argument as the summary ranks it (by the
    sentence's position in the article, 0-based); those it could never choose are left out."""
    candidates, scores, _ = _ranked(terms, article_id)
    sentences = terms.articles[article_id].sentences
    return {sentences[i].position: float(v) for i, v in zip(candidates, scores, strict=True)}


def summarise(terms: TermIndex, article_id: str, *, long: bool = False) -> Summary:
    """The summary of one article of the library."""
    entry = terms.articles[article_id]
    article = entry.article
    sentences = entry.sentences
    language = terms.languages.get(article_id, "en")
    wanted = summary_length(article.words, long)
    candidates, scores, vectors = _ranked(terms, article_id)
    if vectors is None:
        vectors = _tfidf([sentences[i] for i in candidates], None)
    # A summary is shorter than what it sums up: at most two thirds of what could be chosen.
    wanted = min(wanted, max(2, math.ceil(len(candidates) * 2 / 3)))
    ranked = sorted(range(len(candidates)), key=lambda k: (-scores[k], candidates[k]))
    chosen: list[int] = []
    for k in ranked:
        if len(chosen) == wanted:
            break
        text = sentences[candidates[k]].text
        few = len(sentences[candidates[k]].terms) < 4  # too few terms to tell by them
        if any(
            (float(vectors[k] @ vectors[j]) > SIMILAR and not few)
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
    return Summary(article, passages, terms.key_terms(article_id), article.words, language)
