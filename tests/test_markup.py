"""Markdown and Muse as the plain text their reader sees; line numbers kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.markup import markdown_to_text, read_markdown, read_muse, read_plain, strip_emphasis


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("The *third* week", "The third week"),
        ("The **third** week", "The third week"),
        ("The ***third*** week", "The third week"),
        ("The _third_ week, the __fourth__", "The third week, the fourth"),
        (
            "An *emphasis that runs\nover two lines* of a paragraph",
            "An emphasis that runs\nover two lines of a paragraph",
        ),
        ("snake_case_names and 2*3*4 stay", "snake_case_names and 2*3*4 stay"),
        ("a lone * star stays", "a lone * star stays"),
        ("a [settled deal](https://example.org/deal)", "a settled deal"),
        ("a [reference][1] link", "a reference link"),
        ("see <https://example.org>", "see https://example.org"),
        ("![pickets](pickets.jpg) at dawn", " at dawn"),
        ("`code` and ~~struck~~", "code and struck"),
        ("an <em>HTML</em> tag and a<br>break", "an HTML tag and a break"),
        (r"escaped \*stars\* and Hyndman\'s", "escaped *stars* and Hyndman's"),
        ("[MIA](../index.htm){#top} \\> [Archive](a.htm)", "MIA > Archive"),
        ("> a quoted line", "a quoted line"),
        ("AT&amp;T", "AT&T"),
    ],
)
def test_markdown_marks_are_taken_out_and_what_they_mark_kept(markdown, plain):
    assert markdown_to_text(markdown) == plain


def test_markdown_headings_list_items_and_footnotes_are_paragraphs_of_their_own():
    text = (
        "# Title\n"
        "A line under it.\n"
        "The measures:\n"
        "1. Abolition of property in land.\n"
        "2. A heavy progressive income tax,\n"
        "   wrapped onto a second line.\n"
        "- a bullet\n"
        "Hence it happened that the active side was developed by idealism\n"
        "    - but only abstractly.\n"
        "The history of all society[^1] is the history of class struggles.\n"
        "[^1]: That is, all written history.\n"
    )
    plain = read_markdown(text)
    lines = plain.text.splitlines()
    assert len(lines) == len(text.splitlines())  # line numbers stay the file's
    assert lines[0] == "Title"
    assert lines[3:6] == [
        "1. Abolition of property in land.",
        "2. A heavy progressive income tax,",
        "   wrapped onto a second line.",
    ]
    assert lines[6] == "a bullet"
    assert lines[8] == "    - but only abstractly."  # a dash in a wrapped line, not an item
    assert lines[9] == "The history of all society is the history of class struggles."
    assert lines[10] == "[1] That is, all written history."
    assert plain.breaks >= {1, 2, 4, 5, 7, 11}
    assert 6 not in plain.breaks
    assert 9 not in plain.breaks


def test_markdown_code_blocks_comments_and_link_definitions():
    text = "```\nprint('x')\n```\n<!-- a\ncomment -->\n[1]: https://example.org\nText."
    assert read_markdown(text).text.splitlines() == ["", "print('x')", "", "", "", "", "Text."]


@pytest.mark.parametrize(
    ("muse", "plain"),
    [
        ("The cause was <em>not</em> Russia", "The cause was not Russia"),
        ("<strong>MUST</strong> be freed", "MUST be freed"),
        ("<em>c</em><em>oup d’état</em>", "coup d’état"),
        ("*emphasis* and **strong** and ***both***", "emphasis and strong and both"),
        ("=code= here", "code here"),
        (
            "from [[https://freedomnews.org.uk/a.pdf][freedomnews.org.uk]]",
            "from freedomnews.org.uk",
        ),
        ("see [[https://example.org]]", "see https://example.org"),
        ("[[cover.jpg]]", ""),
        ("7<sup>th</sup> October", "7th October"),
        ("Professor G. Steffen[1] to give", "Professor G. Steffen to give"),
        ("the trick of 1870.[2]", "the trick of 1870."),
        ("by Bakunin,[3] by Garibaldi", "by Bakunin, by Garibaldi"),
        ("a secondary note{1} here", "a secondary note here"),
        ("<quote> Dmitrov (Moscow province)", " Dmitrov (Moscow province)"),
    ],
)
def test_muse_markup_is_taken_out(muse, plain):
    assert read_muse(muse).text == plain


def test_muse_headings_lists_footnotes_and_block_tags():
    text = (
        "** I.\n"
        "The text of the first part.\n"
        "*** A smaller heading\n"
        " - an item\n"
        " 1. a numbered item\n"
        "; a comment\n"
        "<quote>\n"
        "A quotation.\n"
        "</quote>\n"
        "<br>\n"
        "[1] The footnote, [2] with a mark of its own.\n"
    )
    plain = read_muse(text)
    lines = plain.text.splitlines()
    assert len(lines) == len(text.splitlines())
    assert lines == [
        "I.", "The text of the first part.", "A smaller heading", "an item",
        "1. a numbered item", "", "", "A quotation.", "", " ",
        "[1] The footnote, with a mark of its own.",
    ]  # fmt: skip
    assert {1, 2, 3, 4, 5, 11} <= plain.breaks


def test_strip_emphasis_can_leave_underscores():
    assert strip_emphasis("_a_ *b*", underscores=False) == "_a_ b"


# --- any text --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*"ab *_#[]^:-=>`!()/\\{}1.\n\r\u2028 ", "<em>", "</em>", "<!--", "-->", "&#8232;", "[^1]:"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_any_text_keeps_its_line_numbers(text):
    """Line n of what a reader gives back is line n of the file, so the line numbers of what
    was left out point into the file."""
    for reader in (read_markdown, read_muse, read_plain):
        plain = reader(text)
        assert len(plain.text.split("\n")) == max(1, len(text.splitlines())), reader.__name__
