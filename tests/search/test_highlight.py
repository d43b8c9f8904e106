"""The words of a found passage shown bold (bot/search/highlight.py)."""

from __future__ import annotations


def test_matched_words_are_highlighted_and_inserted_words_are_not(index):
    [best, *_] = index.search("choosing between putin and prigozhin is like choosing")
    bold = [best.passage.text[s:e] for s, e in best.highlights]
    assert bold[0] == "Choosing between Putin and"
    assert bold[1].startswith("Prigozhin is like choosing")
    assert "Wagner’s" not in " ".join(bold)  # the word the member left out is not bold


def test_bold_stops_at_the_end_of_a_sentence(index):
    matches = index.search("NATO expansion caused the war in Ukraine", limit=5)
    [nato] = [m for m in matches if m.passage.ref == "no-peace-with-empire ¶4.3-4"]
    bold = [nato.passage.text[s:e] for s, e in nato.highlights]
    assert "war" in bold
    assert not any("." in b for b in bold)
