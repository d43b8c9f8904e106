"""The reading of a query (bot/search/query.py): typos and words run together."""

from __future__ import annotations


def test_two_words_run_together_are_found_as_the_text_writes_them(index):
    [best, *_] = index.search("teh wrold is revertng to multipolarity and interimperialist rivalry")
    assert best.passage.ref == "pro-putin-left ¶1.3"
    assert best.is_hit  # presented as the quote, not only offered as a candidate
