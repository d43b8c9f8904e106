"""PDF reading: paragraphs back from real PDFs typeset at test time, and the refusals."""

from __future__ import annotations

import pytest

from bot.formats import Unreadable
from bot.formats.pdf import ENCRYPTED, SCANNED, join_hyphenated, read_pages, read_pdf
from bot.text import normalise
from tests.formats.make import Book, lines_pdf, pdf

# Lines of about the same length, as a typesetter sets them; two spaces indent a first line.
PAGE_1 = [
    "  The theory of imperialism is not a moral complaint about impe-",
    "rialism, it is an account of the world market in the epoch of mono-",
    "poly capital, and the anti-imperialist movement of the working-",
    "class districts read it as a guide to action, not as a prophecy;",
    "the working class of every country took it up in its own words.",
    "  A second paragraph begins here and runs on past the foot of this",
    "page, where a running head, a page number and a footnote stand,",
]
PAGE_2 = [
    "and it carries on at the top of the next page without a break in",
    "the middle of it, as the paragraphs of every printed book do now.",
    "  The third paragraph is short, and it is the end of the chapter.",
]
HEAD = "Imperialism and the World Economy"
NOTE = "Lenin, Collected Works, vol. 22, Moscow 1964, p. 185."


def test_lines_become_paragraphs_without_heads_numbers_hyphens_or_notes():
    read = read_pdf(lines_pdf([PAGE_1, PAGE_2], head=HEAD, notes={1: NOTE}))
    first, second, third = read.paragraphs
    assert first.startswith(
        "The theory of imperialism is not a moral complaint about imperialism, it is"
    )
    assert "epoch of monopoly capital" in first  # end-of-line hyphens undone
    assert "the anti-imperialist movement of the working-class districts" in first  # real ones kept
    assert second.endswith("a footnote stand, and it carries on at the top of the next page without a break in the middle of it, as the paragraphs of every printed book do now.")  # fmt: skip
    assert third == "The third paragraph is short, and it is the end of the chapter."
    text = "\n".join(read.paragraphs)
    assert HEAD not in text  # the running head
    assert not any(p.strip().isdigit() for p in read.paragraphs)  # page numbers
    assert "Lenin, Collected Works" not in text  # the footnote is not glued into the text
    assert "do now.1" not in text  # nor is its mark
    assert "stand,1" not in text
    assert read.notes == [f"1 {NOTE}"]


@pytest.mark.parametrize(
    ("left", "right", "vocabulary", "joined"),
    [
        ("impe", "rialism", {"imperialism"}, True),  # the document has the word
        ("impe", "rialism", set(), True),  # a fragment of no word: a typesetter's break
        ("anti", "imperialist", set(), False),  # a prefix that keeps its hyphen
        ("self", "determination", {"self", "determination"}, False),
        ("working", "class", {"working", "class"}, False),  # two words: a compound
        ("pro", "Putin", set(), False),  # a capital after the hyphen
        ("pro", "duction", {"pro"}, True),  # "pro-" is mostly a syllable
        ("some", "thing", {"some", "thing"}, True),  # a closed compound
        ("co", "operation", {"co-operation"}, False),  # the document writes it hyphenated
    ],
)
def test_a_hyphen_at_a_line_end_is_undone_only_inside_a_word(left, right, vocabulary, joined):
    words = {w for w in vocabulary if "-" not in w}
    compounds = {w for w in vocabulary if "-" in w}
    assert join_hyphenated(left, right, (words, compounds)) is joined


def book(chapters: int = 2, paragraphs: int = 8) -> Book:
    sentences = [
        "The general strike is the weapon of the working class, and the general strike is its school",
        "Every partial struggle for higher wages prepares the ground for the political mass strike",
        "The anti-imperialist movement grew in the working-class districts of the great industrial cities",
        "Monopoly capital divides the world market between the great powers and their banks",
        "Nothing was decided in advance, and the organisations followed the masses into the streets",
    ]  # fmt: skip
    chosen = []
    for c in range(chapters):
        body = []
        for p in range(paragraphs):
            picked = [sentences[(c * 7 + p * 3 + k) % len(sentences)] for k in range(4)]
            body.append(f"Paragraph {c + 1}.{p + 1}. " + ". ".join(picked) + ".")
        chosen.append((f"Chapter {c + 1}", body))
    notes = {(0, 2): "Rosa Luxemburg, The Mass Strike, 1906.", (1, 5): "See the resolution of the Jena congress."}  # fmt: skip
    return Book("The Mass Strike", "Rosa Luxemburg", chosen, notes)


@pytest.mark.parametrize("columns", [1, 2])
def test_a_typeset_book_comes_back_paragraph_for_paragraph(columns):
    made = book()
    read = read_pdf(pdf(made, columns=columns))
    source = [normalise(p) for _, paragraphs in made.chapters for p in paragraphs]
    got = [normalise(p) for p in read.paragraphs]
    found = [got.index(p) for p in source if p in got]
    assert len(found) >= 0.8 * len(source)
    assert found == sorted(found)  # in reading order, columns one after the other
    assert (read.title, read.author) == ("The Mass Strike", "Rosa Luxemburg")
    assert "the mass strike" not in got  # the title page and running heads are not text
    assert [n.split(" ", 1)[1] for n in read.notes] == list(made.notes.values())
    assert any(line.text.endswith("-") for page in read_pages(pdf(made, columns=columns)).lines for line in page)  # fmt: skip


def test_without_metadata_the_title_is_the_largest_type_on_the_first_page():
    read = read_pdf(pdf(book(), metadata=False))
    assert read.title == "The Mass Strike"
    assert read.author == ""
    assert read.language == ""


def test_the_language_a_pdf_declares_is_its_language():
    made = book()
    made.language = "de-DE"
    assert read_pdf(pdf(made)).language == "de-DE"


def test_a_locked_pdf_asks_for_an_unlocked_copy_and_a_permissions_lock_is_read():
    with pytest.raises(Unreadable) as caught:
        read_pdf(lines_pdf([PAGE_1], password="secret"))
    assert str(caught.value) == ENCRYPTED
    assert "unlocked copy" in ENCRYPTED
    opened = read_pdf(lines_pdf([PAGE_1], owner_password="owner-only"))
    assert opened.paragraphs[0].startswith("The theory of imperialism")


def test_a_scan_without_a_text_layer_needs_ocr():
    from fpdf import FPDF

    scan = FPDF()
    for _ in range(3):
        scan.add_page()
        for y in range(20, 260, 8):  # lines drawn, as a scanned page's picture shows them
            scan.rect(20, y, 170, 3, style="F")
    with pytest.raises(Unreadable) as caught:
        read_pdf(bytes(scan.output()))
    assert str(caught.value) == SCANNED
    assert "OCR" in SCANNED
