"""A paragraph's runs of sentences (bot/search/runs.py), the units stage 3 aligns."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library import Article, Library, Paragraph
from bot.search import FuzzyIndex, fast_words
from bot.text import sentence_spans
from tests.search.test_words import _LONG_AND_RARE, _PIECES


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(_PIECES | _LONG_AND_RARE | st.sampled_from([". ", "! ", "? ", ".' ", " 'Tis"]),
                 max_size=30).map("".join),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_the_sentence_runs_aligned_are_the_sentences_read_word_by_word(texts):
    """Stage 3 takes a paragraph's words from the index and only counts each sentence's:
    its runs of sentences hold exactly the words of those sentences read alone."""
    article = Article("a", 1, Path("."), "A")
    article.paragraphs = [Paragraph(n, t, sentence_spans(t)) for n, t in enumerate(texts, 1)]
    index = FuzzyIndex(Library([article], Path(".")))
    for n, para in enumerate(article.paragraphs):
        sentences = [fast_words(para.text[a:b]) for a, b in para.sentences]
        for unit in index._units(n):
            run = [w for s in sentences[unit.first - 1 : unit.last] for w in s]
            assert list(unit.words) == run
            assert unit.joined == " ".join(run)
