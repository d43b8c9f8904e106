"""A paragraph's words read fast (bot/search/words.py), exactly as a query reads them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search import fast_words
from bot.text import words


def test_the_index_reads_the_seeds_word_for_word_as_the_query_does(library):
    for article in library.articles:
        for para in article.paragraphs:
            assert fast_words(para.text) == [w.norm for w in words(para.text)]


_PIECES = st.sampled_from(
    [
        *"abcxyzABCÉéèüßøæİıœ0129 ,.;:!?-'`\"()[]_\x01\u00a0\u2009ﬁǄ",
        *[
            "\u2019",
            "\u2018",
            "\u201c",
            "\u2014",
            "\u2011",
            "\u00ad",
            "\u200b",
            "e\u0301",
            "\u0301",
        ],
        *[
            "l'",
            "qu'",
            "dell'",
            "2",
            "12",
            "don't",
            "peoples'",
            "''",
            "ё",
            "Война",
            "ά",
            "ς",
            "½",
            "²",
        ],
    ]
)


_LONG_AND_RARE = st.sampled_from(
    ["internationalisation", "Übernationalität", "\U0001d518nion", "peace\U0001f600", "a\u0301b"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_the_index_reads_any_text_word_for_word_as_the_query_does(text):
    assert fast_words(text) == [w.norm for w in words(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | _LONG_AND_RARE, max_size=40).map("".join))
def test_the_words_of_a_text_are_counted_as_they_are_read(text):
    from bot.search.words import _count

    assert _count(text) == len(fast_words(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abzé", min_size=1, max_size=16).filter(lambda t: len(t.encode()) <= 16),
        min_size=1,
        max_size=40,
    )
)
def test_new_words_are_numbered_in_the_order_of_their_bytes(texts):
    """The build numbers a chunk's new words in the order of their written forms' bytes
    (forms of up to 8 bytes and of 9 to 16 together), whatever order they come in."""
    from bot.search.words import _Reader

    reader = _Reader()
    tokens = [t.encode() for t in texts]
    [ids] = reader.read([b" ".join(tokens)])
    forms = sorted(set(tokens))
    assert reader.vocabulary == [fast_words(form.decode())[0] for form in forms]
    assert ids[:-1].tolist() == [forms.index(t) for t in tokens]
