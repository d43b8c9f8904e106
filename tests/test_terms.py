"""The term index: its fast build counts what the sentence-by-sentence build counts, in the
same order; its sentences read their texts from the library; its pairs read as a Counter."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from bot.library import Article, Library, Paragraph, load_library
from bot.terms import (
    _CLAUSES,
    Sentence,
    TermIndex,
    _normalised,
    _Pairs,
    content_words,
    term_of,
)
from bot.text import normalise, sentence_spans

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Texts that try each step of reading words: elisions, curly apostrophes, a soft hyphen,
# ligatures and full-width letters (NFKC), dashes between words and within them, quotes of
# every kind, a combining accent after a clause's mark, case folding that lengthens a word.
TRICKY = {
    "en": [
        "Russia’s war—and the West’s – is “imperialist”; anti-imperialists (and multi-polar "
        "dreamers) disagree… The ﬁrst co\u00adoperation: Ｗorkers, unite! Is peace, war?",
        "The working class, the working class again: war, peace, war. Working-class unity.",
        "— 1917 — ,\u0301abc «War» and [peace] ﹘ truce\u2015armistice.",
        "Imperialism is imperialism. Imperialists, imperialist, IMPERIALISM!",
        "The US, the U.S. and the U.S; the US-led war—US sanctions (US) on the U.S.S.R. and the"
        " USA. LET US UNITE, THE US WAR! The US’s allies and ours: give us peace. US",
    ],
    "fr": [
        "L'État et l’état de la société, dell'Italia. Qu'il vienne : l'etat, l'Etat !",
        "La guerre impérialiste ; la paix — la lutte des classes, « la révolution ».",
    ],
    "de": [
        "Die Straße der Arbeiter. Der Krieg und der Frieden, STRASSE und Straße.",
        "Der Imperialismus — die Monarchie; der Feind (der Imperialismus).",
    ],
}


def _article(number: int, texts: list[str], language: str) -> Article:
    article = Article(f"t{number}", number, Path("t.txt"), f"T{number}", language=language)
    article.paragraphs = [
        Paragraph(n, text, tuple(sentence_spans(text))) for n, text in enumerate(texts, 1)
    ]
    return article


def _tricky_library() -> Library:
    articles = [
        _article(n, texts, language)
        for n, (language, texts) in enumerate(
            [(lang, texts) for lang, texts in TRICKY.items()]
            + [("en", TRICKY["en"][::-1]), ("fr", TRICKY["fr"][:1]), ("en", ["x\x00y war. War"])],
            1,
        )
    ]
    return Library(articles, SEEDS)


def _state(terms: TermIndex) -> dict[str, object]:
    """Everything the index counted, in the order it holds it."""
    return {
        "wordings": list(terms.wordings.items()),
        "vocabulary": [(k, list(v.items())) for k, v in terms.vocabulary.items()],
        "show": [(t, terms.show(t)) for t in terms.postings]
        + [(t, lang, terms.show(t, lang)) for t in terms.postings for lang in terms.languages],
        "surface": [
            (lang, [(k, list(v.items())) for k, v in table.items()])
            for lang, table in terms._surface_in.items()
        ],
        "postings": [(k, list(v.items())) for k, v in terms.postings.items()],
        "parts": [(k, sorted(v)) for k, v in terms.parts.items()],
        "df": list(terms.document_frequency.items()),
        "counts": [(a, list(e.counts.items())) for a, e in terms.articles.items()],
        "bigrams": [(a, sorted(e.bigrams.items())) for a, e in terms.articles.items()],
        "sentences": [(a, [_sentence(s) for s in e.sentences]) for a, e in terms.articles.items()],
        "totals": (terms.size, terms.total_terms),
    }


def _sentence(s: Sentence) -> tuple[object, ...]:
    return (s.article_id, s.paragraph, s.number, s.text, list(s.terms.items()), s.position)


def _slowly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TermIndex, "_add", lambda self, a: self._add_slowly(a, list(a.paragraphs)))


@pytest.mark.parametrize("make", [_tricky_library, lambda: load_library(SEEDS)])
def test_the_fast_build_counts_what_the_sentence_by_sentence_build_counts(monkeypatch, make):
    fast = _state(TermIndex(make()))
    _slowly(monkeypatch)
    assert fast == _state(TermIndex(make()))


def test_a_small_piece_at_a_time_counts_the_same(monkeypatch):
    whole = _state(TermIndex(_tricky_library()))
    monkeypatch.setattr("bot.terms._CHUNK", 1)  # each paragraph normalised on its own
    assert _state(TermIndex(_tricky_library())) == whole


def test_the_counts_are_those_of_the_words_of_each_clause():
    library = _tricky_library()
    terms = TermIndex(library)
    for article in library.articles:
        language = terms.languages[article.id]
        entry = terms.articles[article.id]
        pairs: Counter[tuple[str, str]] = Counter()
        stems_of_article: Counter[str] = Counter()
        sentences = [
            (para.number, n, para.text[a:b])
            for para in article.paragraphs
            for n, (a, b) in enumerate(para.sentences, 1)
        ]
        assert len(entry.sentences) == len(sentences)
        for sentence, (paragraph, number, text) in zip(entry.sentences, sentences, strict=True):
            assert (sentence.paragraph, sentence.number, sentence.text) == (paragraph, number, text)
            assert sentence.article_id == article.id
            stems = []
            for clause in _CLAUSES.split(text):
                clause_stems = [term_of(w, language) for w in content_words(clause, language)]
                pairs.update(itertools.pairwise(clause_stems))
                stems += clause_stems
            assert sentence.terms == Counter(stems)
            stems_of_article.update(stems)
        assert entry.counts == stems_of_article
        assert dict(entry.bigrams.items()) == dict(pairs)


def test_words_read_at_once_are_the_words_normalise_gives():
    for texts in TRICKY.values():
        for text in texts:
            text = text.replace("\x00", "")
            dashed = text.translate(str.maketrans(dict.fromkeys("\u2013\u2014\u2015", " ")))
            assert _normalised(text).split() == normalise(dashed).split(), text


def test_the_pairs_read_as_a_counter():
    terms = TermIndex(_tricky_library())
    entry = next(e for e in terms.articles.values() if len(e.bigrams) > 3)
    pairs = entry.bigrams
    assert isinstance(pairs, _Pairs)
    for pair, count in pairs.items():
        assert count >= 1
        assert pairs[pair] == count
        assert pair in pairs
    assert pairs[("no such", "term")] == 0
    assert ("no such", "term") not in pairs
    first = next(iter(pairs))
    assert pairs[(first[1] + "x", first[0])] == 0
    assert len(pairs) == len(list(pairs)) == len(dict(pairs.items()))
    assert pairs.total() == sum(count for _, count in pairs.items())


def test_a_sentence_is_read_only_and_compared_by_value():
    terms = TermIndex(load_library(SEEDS))
    sentence = next(iter(terms.articles.values())).sentences[0]
    assert isinstance(sentence, Sentence)
    with pytest.raises(AttributeError):
        sentence.number = 2  # type: ignore[misc]
    again = TermIndex(load_library(SEEDS))
    assert sentence == next(iter(again.articles.values())).sentences[0]
    assert sentence.text in repr(sentence)


def test_sentences_of_a_library_whose_texts_are_in_a_file(tmp_path):
    kept = load_library(SEEDS)
    aside = Library(load_library(SEEDS).articles, SEEDS, texts_folder=tmp_path, in_memory=0)
    assert aside.texts_file is not None
    assert _state(TermIndex(aside)) == _state(TermIndex(kept))


def test_a_second_language_keeps_each_languages_wording_apart():
    english = _article(1, ["The social question. Social reform, social war."], "en")
    italian = _article(2, ["La questione sociale. Sociale, sociale e sociale."], "it")
    library = Library([english], SEEDS)
    terms = TermIndex(library)
    term = term_of("social", "en")
    assert terms.show(term) == "social"
    terms.add_article(italian)
    italian_term = term_of("sociale", "it")
    assert terms.show(term, "en") == "social"
    assert terms.show(italian_term, "it") == "sociale"
    both = TermIndex(Library([english, italian], SEEDS))
    assert _state(both)["surface"] == _state(terms)["surface"]
    assert [terms.show(t) for t in terms.postings] == [both.show(t) for t in both.postings]


def test_an_article_removed_and_added_again_counts_as_before():
    library = _tricky_library()
    terms = TermIndex(library)
    before = _state(terms)
    article = library.articles[0]
    terms.remove_article(article.id)
    terms.add_article(article)
    after = _state(terms)
    assert after["parts"] == before["parts"]
    assert after["totals"] == before["totals"]
    assert after["counts"] == before["counts"][1:] + before["counts"][:1]


def test_an_articles_terms_pickled_read_as_before():
    import pickle

    terms = TermIndex(_tricky_library())
    for entry in terms.articles.values():
        again = pickle.loads(pickle.dumps(entry))
        assert [_sentence(s) for s in again.sentences] == [_sentence(s) for s in entry.sentences]
        assert (again.counts, sorted(again.bigrams.items())) == (
            entry.counts,
            sorted(entry.bigrams.items()),
        )


def test_sentence_texts_read_again_after_their_paragraph_was_let_go(monkeypatch):
    monkeypatch.setattr("bot.terms._CUT_KEPT", 2)  # two paragraphs' texts kept at a time
    library = load_library(SEEDS)
    terms = TermIndex(library)
    for _ in range(2):
        for article in library.articles:
            texts = [para.text[a:b] for para in article.paragraphs for a, b in para.sentences]
            assert [s.text for s in terms.articles[article.id].sentences] == texts


def _one_article_library(*texts: str) -> Library:
    """The seeds and one more article of ``texts`` (its paragraphs)."""
    seeds = load_library(SEEDS)
    extra = _article(len(seeds.articles) + 1, list(texts), "en")
    return Library([*seeds.articles, extra], SEEDS)


def test_the_us_written_in_capitals_or_as_u_s_is_a_key_term():
    """ "US" was read as the pronoun "us" (a stopword) and "U.S." as the letters "u" and "s":
    an article about the United States had neither among its key terms."""
    library = _one_article_library(
        "The US has sanctioned Cuba for sixty years. The U.S. blockade is an act of war.",
        "Cuba survived the US blockade, and the U.S. Congress renews it every year.",
        "Sanctions by the US hurt the people of Cuba first; the U.S. knows it.",
    )
    terms = TermIndex(library)
    key = terms.key_terms(library.articles[-1].id)
    assert "U.S." in key, key  # shown as written
    assert content_words("US") == content_words("U.S.") == ["u.s."]
    for name in ("the United States", "United States of America", "USA", "the U.S.A."):
        assert content_words(name) == ["u.s."], name  # one term, not "united" and "states"
    assert content_words("the United Nations") == ["united", "nations"]
    assert content_words("The US-led war and the U.S.’s allies") == [
        "u.s.-led", "war", "u.s.", "allies",
    ]  # fmt: skip


def test_the_pronoun_us_is_never_a_key_term():
    library = _one_article_library(
        "Let us unite. They tell us to wait, and give us nothing; none of us will wait.",
        "LET US UNITE AGAINST THE WAR. Join us, all of us, to stop the war with us.",
        "Us and them: they want us divided. Tell us why, and we will answer with us united.",
    )
    terms = TermIndex(library)
    key = terms.key_terms(library.articles[-1].id)
    assert not {"us", "u.s.", "U.S."} & set(key), key
    assert content_words("give us peace") == content_words("give peace")
    assert content_words("LET US UNITE") == content_words("LET UNITE")
    assert content_words("U.S.S.R.") == []
