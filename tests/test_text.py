"""Normalising for matching, words and sentences."""

from __future__ import annotations

import pytest

from bot.text import fold, normalise, sentence_spans, word_count, words


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("Putin’s", "putin's"),
        ("“peace”", '"peace"'),
        ("post\u2011colonial", "post-colonial"),  # non-breaking hyphen
        ("war — peace – war", "war - peace - war"),
        ("Moscowpades on\u00a0Ice.", "moscowpades on ice."),
        ("ﬁnance", "finance"),  # NFKC ligature
        ("  Many\n\tspaces  ", "many spaces"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_normalise_folds_typographic_variants(variant, plain):
    assert normalise(variant) == plain


def test_words_keep_original_spans_and_split_hyphens():
    text = "Wagner’s pro‑Putin left"
    found = words(text)
    assert [w.norm for w in found] == ["wagner's", "pro", "putin", "left"]
    assert [text[w.start : w.end] for w in found] == ["Wagner’s", "pro", "Putin", "left"]


def test_small_numbers_match_their_names():
    assert [w.norm for w in words("2 wars, 1917")] == ["two", "wars", "1917"]


def test_word_count_counts_words_not_punctuation():
    assert word_count("It was — not — “going” to turn out well.") == 8


def _sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_on_terminal_punctuation_and_closing_quotes():
    text = "Where was his army? Where were “his elite.” Nobody knows! The end…"
    assert _sentences(text) == [
        "Where was his army?",
        "Where were “his elite.”",
        "Nobody knows!",
        "The end…",
    ]


def test_sentences_do_not_split_after_abbreviations_or_initials():
    text = "They voted in the U.N. Security Council. Mr. Smith and J. Reed agreed. Then U.S. troops came."
    assert _sentences(text) == [
        "They voted in the U.N. Security Council.",
        "Mr. Smith and J. Reed agreed.",
        "Then U.S. troops came.",
    ]


def test_sentences_need_a_capital_after_the_stop():
    assert _sentences("the time. masquerading as leaders") == ["the time. masquerading as leaders"]


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("etat", "État"),  # accents, as a reader types without them
        ("liberte egalite fraternite", "Liberté, égalité, fraternité"),
        ("burgerliche", "bürgerliche"),
        ("strasse", "Straße"),
        ("espana", "España"),
        ("coracao", "coração"),
        ("еще", "ещё"),  # ё as е, in either direction
        ("ещё", "еще"),
        ("σοφος", "ΣΟΦΟΣ"),  # final sigma
        ("σοφος", "σοφός"),  # Greek accents
        ("αθηναι", "Ἀθῆναι"),
        ("coeur", "cœur"),
    ],
)
def test_words_fold_what_a_reader_folds(typed, text):
    assert [w.norm for w in words(typed)] == [w.norm for w in words(text)]


def test_folding_keeps_letters_that_are_not_accents():
    assert fold("й") != fold("и")  # a letter of its own in Russian
    assert fold("Война и мир") == "война и мир"
    assert normalise("État") == "état"  # normalise keeps accents (stored fingerprints use it)


def test_words_of_any_script_keep_their_original_spans():
    text = "Ἀθῆναι, «Патриотизм или мир?» — e\u0301tat"  # the last word not composed (NFD)
    found = words(text)
    assert [w.norm for w in found] == ["αθηναι", "патриотизм", "или", "мир", "etat"]
    assert [text[w.start : w.end] for w in found][-1] == "e\u0301tat"


def test_an_elided_article_is_a_word_of_its_own():
    text = "L’État, dell’Italia, qu’aujourd’hui, Russia’s, don’t"
    found = words(text)
    assert [w.norm for w in found] == [
        "l", "etat", "dell", "italia", "qu", "aujourd'hui", "russia's", "don't",
    ]  # fmt: skip
    assert [text[w.start : w.end] for w in found][:4] == ["L", "État", "dell", "Italia"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Война — это не случайность. Пока существует капитализм, мир лишь передышка.", 2),
        ("Ἡ πόλις. Ὁ δῆμος.", 2),
        ("الحرب ليست صدفة. إنها نتيجة الإمبريالية؟ نعم.", 3),
        ("战争不是偶然的。它来自帝国主义。", 2),
        ("He wrote «Non.» Then left.", 2),
        ("He said no. then left.", 1),  # a small letter after a full stop opens no sentence
        ("The U.S. policy. The end", 2),
    ],
)
def test_sentences_in_every_script(text, sentences):
    assert len(sentence_spans(text)) == sentences
