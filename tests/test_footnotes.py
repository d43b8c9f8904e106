"""Footnote marks out of the prose; each footnote a paragraph of its own."""

from __future__ import annotations

from bot.footnotes import is_note, strip_notes


def test_plain_text_marks_go_only_where_the_notes_exist():
    """Project Gutenberg's "[6]" after a word is a mark when a "[6] …" note defines it."""
    lines = [
        "that has so little progressed since Gutenberg.[6] It takes two hours",
        "a bracketed [sic] and a year [1913] stay",
        "[6] See the note on printing.",
        "[Footnote 7: The older form.]",
    ]
    out, starts = strip_notes(lines, "plain")
    assert out[0] == "that has so little progressed since Gutenberg. It takes two hours"
    assert out[1] == lines[1]
    assert out[2:] == lines[2:]
    assert starts == {3, 4}


def test_plain_text_without_notes_is_left_alone():
    lines = ["The decree of 1917[1] said so."]
    assert strip_notes(lines, "plain") == (lines, set())


def test_markdown_references_and_definitions():
    out, starts = strip_notes(["society[^1] is", "[^1]: That is, all written history."], "markdown")
    assert out == ["society is", "[1] That is, all written history."]
    assert starts == {2}


def test_muse_references_and_definitions():
    out, starts = strip_notes(["Steffen[1] to give", "[1] Gustaf Steffen, see [2]."], "muse")
    assert out == ["Steffen to give", "[1] Gustaf Steffen, see."]
    assert starts == {2}


def test_a_footnote_paragraph_is_told_from_the_text():
    assert is_note("[1] Gustaf Steffen contributed to Freedom in 1891.")
    assert is_note("[Footnote 7: The older form.]")
    assert not is_note("[Our comrade P. Kropotkin, having been asked by Professor Steffen]")
    assert not is_note("1. Abolition of property in land.")
