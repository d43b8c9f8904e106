"""Building the index (bot/search/build.py): every paragraph's words and postings, and
articles added or removed."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library import Article, Library, Paragraph
from bot.search import FuzzyIndex, fast_words
from bot.text import sentence_spans
from tests.search.test_index import MISREMEMBERED
from tests.search.test_words import _LONG_AND_RARE, _PIECES


def test_a_loaded_index_takes_new_articles(tmp_path):
    from bot.library import article_from_text, load_library
    from tests.conftest import SEEDS

    library = load_library(SEEDS)
    path = tmp_path / "quote-index.npz"
    FuzzyIndex(library).save(path)
    loaded = FuzzyIndex.load(path, library)
    article = article_from_text(
        "Notes\n\nThe war in Ukraine and the class war are not the same war at all, comrades.",
        tmp_path / "notes.txt", 6,
    )  # fmt: skip
    library.add(article)
    loaded.add_article(article)
    [best, *_] = loaded.search("the class war is not the same war")
    assert best.passage.article_id == "notes"
    [old, *_] = loaded.search("no war but the class war")
    assert old.passage.ref == "putin-v-prigozhin ¶19"


def test_a_library_whose_last_paragraphs_have_no_words_is_indexed():
    """Found by the property test below: paragraphs read together that hold no word at all
    ("* * *" closing a library) stopped the index being built."""
    article = Article("a", 1, Path("."), "A")
    article.paragraphs = [Paragraph(1, "* * *", ((0, 5),)), Paragraph(2, "—", ((0, 1),))]
    index = FuzzyIndex(Library([article], Path(".")))
    assert index.search("any peace is only a truce") == []


def test_words_kept_beside_the_sequences_answer_as_the_others(
    library, index, tmp_path, monkeypatch
):
    """A word numbered past 65,534 (a library of more words than that) is kept beside the
    two-byte word sequences: with the bar lowered to 40 words, most are, and every paragraph,
    answer, save and load is the same."""
    import bot.search.arrays
    import bot.search.build

    expected = {q: [(m.passage.ref, m.score) for m in index.search(q)] for q, _ in MISREMEMBERED}
    for module in (bot.search.arrays, bot.search.build):  # where it is read
        monkeypatch.setattr(module, "_FAR", 40)
    far = FuzzyIndex(library)
    assert len(far._far) > 1000
    every = [(a, p) for a in library.articles for p in a.paragraphs]
    for n, (_, para) in enumerate(every):
        assert [far._words[i] for i in far._held(n).tolist()] == fast_words(para.text)
    path = tmp_path / "far.npz"
    far.save(path)
    loaded = FuzzyIndex.load(path, library)
    for query, _ in MISREMEMBERED:
        assert [(m.passage.ref, m.score) for m in far.search(query)] == expected[query]
        assert [(m.passage.ref, m.score) for m in loaded.search(query)] == expected[query]
    from bot.library import article_from_text

    article = article_from_text(
        "Notes\n\nThe zeppelin war in Ukraine and the class war are not the same war at all.",
        tmp_path / "notes.txt", 6,
    )  # fmt: skip
    loaded.add_article(article)
    [best, *_] = loaded.search("the zeppelin war is not the same war")
    assert best.passage.article_id == "notes"
    loaded.remove_article("notes")
    assert all(m.passage.article_id != "notes" for m in loaded.search("zeppelin war"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PIECES | _LONG_AND_RARE, max_size=20).map("".join), max_size=6))
def test_the_index_holds_every_paragraph_word_for_word_as_the_query_reads_it(texts):
    """Building reads many paragraphs at once (numpy, not word by word): each paragraph's
    words in the index are still exactly those a query reads in its text."""
    import bot.search.build

    article = Article("a", 1, Path("."), "A")
    article.paragraphs = [Paragraph(n, t, sentence_spans(t)) for n, t in enumerate(texts, 1)]
    chunk, bot.search.build._CHUNK = bot.search.build._CHUNK, 2  # read two paragraphs at a time
    try:
        index = FuzzyIndex(Library([article], Path(".")))
    finally:
        bot.search.build._CHUNK = chunk
    for n, text in enumerate(texts):
        assert [index._words[i] for i in index._held(n).tolist()] == fast_words(text)
    for i, word in enumerate(index._words):  # and each word lists the paragraphs holding it
        holding = [n for n, text in enumerate(texts) if word in fast_words(text)]
        assert index._ids(i).tolist() == holding


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(_PIECES | _LONG_AND_RARE, max_size=12).map("".join), max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_the_index_is_the_same_from_a_file_and_in_pieces_of_any_size(bodies):
    """A large library's texts are read from its file as they were written (many articles
    at once, never decoded), and a chunk is read in pieces whose new words are numbered
    together: the same index, array for array, as from the texts in memory read whole."""
    import bot.search.build
    from bot.search.store import SAVED

    def index(in_memory: int | None, piece: int) -> FuzzyIndex:
        articles = []
        for number, texts in enumerate(bodies, 1):
            article = Article(f"a{number}", number, Path("."), f"A{number}")
            article.paragraphs = [
                Paragraph(n, t, sentence_spans(t)) for n, t in enumerate(texts, 1)
            ]
            articles.append(article)
        library = Library(articles, Path("."), in_memory=in_memory)
        assert (library.texts_file is not None) == (in_memory == 0 and any(map(any, bodies)))
        saved = bot.search.build._CHUNK, bot.search.build._PIECE, bot.search.build._READ
        # Chunks, pieces and reads across articles.
        bot.search.build._CHUNK, bot.search.build._PIECE, bot.search.build._READ = 5, piece, 40
        try:
            return FuzzyIndex(library)
        finally:
            bot.search.build._CHUNK, bot.search.build._PIECE, bot.search.build._READ = saved

    whole = index(None, 5)
    for other in (index(None, 2), index(0, 2), index(0, 1)):
        assert other._words == whole._words
        for name in SAVED:
            assert getattr(other, f"_{name}").tolist() == getattr(whole, f"_{name}").tolist()


def test_every_apostrophe_and_blank_past_ascii_reads_as_the_query_reads_it():
    """Characters past ASCII made apostrophes (of two bytes and of three) or blanked by the
    build, many paragraphs at once: each paragraph's words are those a query reads."""
    texts = [
        "l\u00b4\u00e9tat don\u02bct qu\u2019il \u2018peoples\u2019 dell\u02bbarte",
        "\u201cwar\u201d \u2014 peace\u2026 \u00abpain\u00bb \u2032x y\u201b \u201akz",
        "plain ascii, then \u00e9t\u00e9\u2019s \u00a0gap\u2009and\u2014dash",
    ]
    article = Article("a", 1, Path("."), "A")
    article.paragraphs = [Paragraph(n, t, sentence_spans(t)) for n, t in enumerate(texts, 1)]
    index = FuzzyIndex(Library([article], Path(".")))
    for n, text in enumerate(texts):
        assert [index._words[i] for i in index._held(n).tolist()] == fast_words(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aabbcz1é\u0301ßx", max_size=9), max_size=30))
def test_the_typo_index_built_many_words_at_once_is_the_one_word_by_word(words):
    """The typo index is built in numpy, the ASCII words by length (runs of one letter give
    one form with a letter less): the same keys and words as word by word."""
    import zlib

    import numpy as np

    from bot.search.typos import _crc_rows, _typo_index, _typo_keys

    pairs = sorted(
        (key, i)
        for i, word in enumerate(words)
        if len(word) >= 2 and not word.isdigit()
        for key in _typo_keys(word)
    )
    keys, ids = _typo_index(words)
    assert list(zip(keys.tolist(), ids.tolist(), strict=True)) == pairs
    rows = np.frombuffer(b"peacewar!!", dtype=np.uint8).reshape(2, 5)
    assert _crc_rows(rows).tolist() == [zlib.crc32(b"peace"), zlib.crc32(b"war!!")]


def test_the_build_s_mapped_arrays_grow_past_their_room_and_give_back_what_is_cut():
    """The word sequences and the pieces' postings are kept in memory mapped for them, with
    room for the most words the texts can hold: more than that still fits (the room grows),
    and what is cut off the end is gone, its pages given back."""
    import numpy as np

    from bot.search.build import _Mapped

    mapped = _Mapped(np.uint32, 3)
    mapped.extend(np.arange(2))
    mapped.extend(np.arange(2, 5000))  # past the room: grown
    assert mapped.view().tolist() == list(range(5000))
    mapped.cut(1500)
    mapped.extend(np.arange(7))
    assert mapped.view().tolist() == [*range(1500), *range(7)]
    assert mapped.fitted().tolist() == [*range(1500), *range(7)]
