"""Extractive summaries: the sentences that best carry an article's argument, in their order.

Sentences are ranked a fifth by centrality (LexRank: PageRank over the cosine similarity of
their TF-IDF vectors: what the rest of the article keeps coming back to), a fifth by signature
(how much of what sets the article apart from the rest of the library a sentence carries) and
three fifths by stance (:mod:`bot.stance`: whether it states the author's own claim), with a
little for where it stands (the opening, the conclusion, a paragraph's last sentence), for a
claim made general about one of the article's key terms ("The Commune was the positive form of
that republic") or in a few words (a thesis: "Democracy means equality."), and a little less
for a sentence of names and particulars. The author's answer to a question just asked ("We
think that it can.") counts as a claim; questions, views reported ("Some began to say that…"),
quotations and a translator's or an editor's notes are never chosen, and near-duplicates are
skipped. A summary is at most two thirds of the sentences it could choose from. Deterministic
and offline: the same library always gives the same summary.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from bot.library import Article, Passage
from bot.stance import PAST, is_general, is_question, reports, stance, told_in_the_past
from bot.terms import Sentence, TermIndex, content_words, term_of

WORDS_PER_MINUTE = 230
MIN_WORDS = 6  # shorter sentences ("Far from it.") are not summary material
SIMILAR = 0.5  # cosine above which a sentence repeats one already chosen
DAMPING = 0.85
MAX_RANKED = 1500  # sentences ranked by centrality (a book: its best 1,500 by signature)
WEIGHTS = (0.2, 0.2, 0.6)  # centrality, signature, stance
PLACE = (0.05, 0.1)  # bonus for the opening tenth, and for the closing sixth
CLOSING = 0.1  # more for the article's last two sentences (of those that could be chosen)
PARAGRAPH_END = 0.03  # and a little for a paragraph's last
HISTORY = 0.4  # share of sentences told in the past above which an article is a history
KEY_SUBJECTS = 3  # key terms whose place as a sentence's subject counts
SUBJECT = 0.1  # stance added for a key term as the sentence's subject
CLOSING_PARAGRAPHS = 2  # a text's conclusion, when it has more than twice as many
ANSWER = 0.1  # bonus for the author's answer to the question just asked
THESIS_WORDS = 15  # a claim made general in this many words or fewer states a thesis
THESIS = 0.1  # what it adds ("Democracy means equality.", "Any peace is only a truce…")
NAMES = 0.2  # share of capitalised words within a sentence above which it tells particulars
PARTICULAR = 0.05  # what such a sentence loses ("…voting quotas in the International Monetary
# Fund", "…the G20 summit in New Delhi"): the argument is in what is said in general
# A translator's or editor's note: a paragraph that opens with its mark ("[6] The Prater is…")
# or ends by signing it ("(translator)").
_NOTE = re.compile(r"^\s*\[\d{1,3}\]|\((?:translator|editor|ed\.|trans\.|tr\.)\)\s*$", re.I)
_CAPITALISED = re.compile(r"(?<=[\w,;:’'\")] )[A-Z][\w’'-]*")


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
    terms: TermIndex,
    article_id: str,
    sentences: list[Sentence],
    vectors: np.ndarray,
    answers: list[bool] | None = None,
    signature: np.ndarray | None = None,
) -> np.ndarray:
    """Centrality, signature and stance (whether the sentence states the author's own claim,
    see :mod:`bot.stance`), and a little for where it stands: an argument is stated at the
    start and drawn together at the end."""
    central = centrality(sentences, vectors=vectors)
    if signature is None:
        signature = _signature(terms, article_id, sentences)
    central = central / (central.max() or 1)
    signature = signature / (signature.max() or 1)
    language = terms.languages.get(article_id, "en")
    argues = np.array([stance(s.text, language) for s in sentences])
    past = np.array([told_in_the_past(s.text, language) for s in sentences])
    if past.mean() > HISTORY:
        # A history is told in the past: there the past tense is no sign of narration.
        argues = np.minimum(1.0, argues + PAST * past)
    # A claim made general about what the article is about ("The Commune was the positive form
    # of that republic"): one of its key terms among the sentence's first words, and a copula.
    key = {p for t in terms.key_stems(article_id, limit=KEY_SUBJECTS) for p in t.split()}
    general = [is_general(s.text, language) for s in sentences]
    argues += np.array(
        [
            SUBJECT if general[k] and key & set(subject(s.text, language)) else 0.0
            for k, s in enumerate(sentences)
        ]
    )
    # A claim made general in a few words states a thesis; a sentence of names and particulars
    # tells a case of it.
    argues += np.array(
        [
            THESIS if general[k] and len(s.text.split()) <= THESIS_WORDS else 0.0
            for k, s in enumerate(sentences)
        ]
    )
    if language != "de":  # German writes every noun with a capital
        argues -= np.array([PARTICULAR if _particulars(s.text) > NAMES else 0.0 for s in sentences])
    if answers:
        # The author's answer to the question just asked ("We think that it can.") is theirs.
        argues = np.where(answers, 1.0, argues) + np.where(answers, ANSWER, 0.0)
    last = max((s.position for s in sentences), default=0) or 1
    # The conclusion is the last paragraphs (not the last sixth of a long speech's sentences,
    # its thanks and pledges), or, in a text of few paragraphs, its last sentences.
    paragraphs = sorted({s.paragraph for s in sentences})
    final = (
        set(paragraphs[-CLOSING_PARAGRAPHS:]) if len(paragraphs) > 2 * CLOSING_PARAGRAPHS else None
    )
    place = np.array(
        [_place(s.position / last, final is not None and s.paragraph in final) for s in sentences]
    )
    # The article's closing sentences draw it together; a paragraph's last one often does too.
    place += np.array([CLOSING if s.position >= last - 1 else 0.0 for s in sentences])
    ends = [k + 1 == len(sentences) or sentences[k + 1].paragraph != s.paragraph
            for k, s in enumerate(sentences)]  # fmt: skip
    place += np.array([PARAGRAPH_END if end else 0.0 for end in ends])
    return WEIGHTS[0] * central + WEIGHTS[1] * signature + WEIGHTS[2] * argues + place


def _particulars(text: str) -> float:
    """The share of a sentence's words written with a capital, its first word aside: names,
    places, institutions, acronyms."""
    size = len(text.split())
    return len(_CAPITALISED.findall(text)) / size if size > 1 else 0.0


def subject(text: str, language: str) -> list[str]:
    """The stems of a sentence's first content words, where its subject usually is."""
    return [term_of(w, language) for w in content_words(" ".join(text.split()[:4]), language)]


def _place(where: float, closing: bool | None = None) -> float:
    """A bonus for the opening and, more, for the conclusion (``where`` from 0 to 1; or
    ``closing``, when the conclusion is known by its paragraphs)."""
    if (where >= 0.85) if closing is None else closing:
        return PLACE[1]
    return PLACE[0] if where <= 0.1 else 0.0


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
        and not is_question(s.text)
    ]
    signature: np.ndarray | None = None
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
        signature = among[best]
    else:
        candidates = [i for i in possible if not reports(sentences[i].text, language)]
    if not candidates:
        candidates = list(range(len(sentences)))
    vectors = _tfidf([sentences[i] for i in candidates], None)
    scores = _importance(
        terms, article_id, [sentences[i] for i in candidates], vectors,
        [i in answers for i in candidates], signature,
    )  # fmt: skip
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
