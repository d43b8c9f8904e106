"""A text's source read from its own header, as a member sees the article it makes: Project
Gutenberg e-books, Markdown with front matter, The Anarchist Library's Muse files.

Real files: tests/data (sources in tests/data/SOURCES.md) and the shared corpus, read in place.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import Commands
from bot.dropped import describe_dropped
from bot.library import (
    Article,
    Library,
    LibraryError,
    article_from_text,
    format_date,
    load_library,
)
from bot.sources import read_source
from tests.auxil.corpus import corpus_text, documents
from tests.conftest import SEEDS

DATA = Path(__file__).parent / "data"
KROPOTKIN = "kropotkin_works.txt.xz"


def library_with(tmp_path: Path, *files: tuple[str, str]) -> Library:
    """The seeds and the given (file name, text) in a library folder, loaded."""
    folder = tmp_path / "library"
    shutil.copytree(SEEDS, folder)
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    return load_library(folder)


def data(name: str) -> tuple[str, str]:
    return name, (DATA / name).read_text(encoding="utf-8")


def body(article: Article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


def listing(library: Library, article: Article) -> str:
    """The article's entry in /articles, as a member reads it."""
    text = Commands(library).articles(str(-(-article.number // 10))).text()
    start = text.index(f"\n{article.number}. ") + 1
    return text[start : text.index("¶", start) + 1]


# --- Project Gutenberg -----------------------------------------------------------------------


def test_a_gutenberg_ebook_is_titled_from_its_header_and_keeps_only_the_book(tmp_path):
    library = library_with(tmp_path, data("gutenberg-conquest-of-bread.txt"))
    book = library.articles[-1]
    assert (book.title, book.author, book.publication) == (
        "The Conquest of Bread", "Peter Kropotkin", "Project Gutenberg",
    )  # fmt: skip
    assert (format_date(book.date), book.language) == ("9 November 2007", "en")
    assert listing(library, book) == (
        "6. The Conquest of Bread\nProject Gutenberg, 9 November 2007, by Peter Kropotkin\n"
        "the-conquest-of-bread · 606 words · 5 ¶"
    )
    # The title page, the contents and the licence are not the book.
    assert book.paragraphs[0].text.startswith("Prince Peter Alexeivitch Kropotkin, revolutionary")
    assert book.paragraphs[1].text == "PREFACE"
    assert book.paragraphs[-1].text.endswith("they cannot procure better ones.")
    text = body(book)
    for boilerplate in ("Gutenberg", "eBook", "licen", "START OF", "END OF", "[Illustration",
                        "CONTENTS", "OUR RICHES", "VANGUARD PRESS", "_"):  # fmt: skip
        assert boilerplate not in text, boilerplate
    assert "established Le Révolté in Geneva and Freedom in London" in text  # _italics_ read
    assert describe_dropped(book) == (
        "1 Project Gutenberg header, 1 title page, 1 illustration, 1 table of contents, "
        "1 Project Gutenberg licence"
    )


def test_the_older_gutenberg_header_and_footer(tmp_path):
    [*_, book] = library_with(tmp_path, data("gutenberg-mutual-aid.txt")).articles
    assert book.title == "Mutual Aid: A Factor of Evolution"  # Title: and its second line
    assert book.author == "kniaz' Petr Alekseevich Kropotkin"  # as Author: states it
    assert format_date(book.date) == "August 2003"  # "Release Date: August, 2003": no day
    assert [p.text[:30] for p in book.paragraphs] == [
        "INTRODUCTION",
        "Two aspects of animal life imp",
        "Each time, however, that an at",
    ]
    assert not re.search(r"Gutenberg|Produced by|Aldarondo|4341|MUTUAL AID|1902", body(book))


def _gutenberg_book(doc_id: str, header_of: str) -> str:
    """A book of the shared corpus with Gutenberg's header and licence put back around it
    (the corpus has them removed): header and footer of a real e-book in tests/data."""
    wrapper = (DATA / header_of).read_text(encoding="utf-8")
    start = wrapper.index("*** START")
    header = wrapper[: wrapper.index("\n", start) + 1]
    footer = wrapper[wrapper.index("*** END") :]
    return f"{header}\n\n{corpus_text(KROPOTKIN, doc_id)}\n\n{footer}"


def test_a_whole_gutenberg_book_summarises_the_book_not_the_licence(tmp_path):
    text = _gutenberg_book("kropotkin/23428-0", "gutenberg-conquest-of-bread.txt")
    library = library_with(tmp_path, ("conquest.txt", text))
    book = library.articles[-1]
    assert (book.title, book.author) == ("The Conquest of Bread", "Peter Kropotkin")
    assert book.words > 70_000
    summary = Commands(library).summary("conquest of bread").text()
    title, header, rest = summary.split("\n\n", 2)
    assert title == "The Conquest of Bread"
    assert "Project Gutenberg" in header
    assert "by Peter Kropotkin" in header
    assert "gutenberg" not in rest.casefold()  # in no sentence, nor in the key terms
    assert "licen" not in summary.casefold()


@pytest.mark.parametrize(
    ("doc_id", "title", "author", "first"),
    [
        ("kropotkin/64353-0", "Fields, Factories and Workshops", "P. Kropotkin", "PREFACE."),
        ("kropotkin/73882-0", "Memoirs of a Revolutionist", "P. Kropotkin",
         "This book would not probably have been written"),
        ("kropotkin/23428-0", "The Conquest of Bread", "Peter Kropotkin",
         "Prince Peter Alexeivitch Kropotkin"),
        ("kropotkin/4341", "Mutual Aid", "P. Kropotkin", "INTRODUCTION"),
        ("kropotkin/31104", "The Place of Anarchism in Socialistic Evolution", "Pierre Kropotkin",
         "PART I."),
    ],
)  # fmt: skip
def test_gutenberg_books_without_their_header_are_titled_from_their_title_page(
    doc_id, title, author, first
):
    """The corpus keeps Gutenberg's books with the header removed: the title page names the
    book (one was titled "TRANSCRIBER'S NOTE"), and the transcriber's notes are left out."""
    book = article_from_text(corpus_text(KROPOTKIN, doc_id), Path(f"{doc_id}.txt"), 6)
    assert (book.title, book.author) == (title, author)
    assert book.paragraphs[0].text.startswith(first)
    text = body(book)
    assert not re.search(
        r"(?i)transcriber|\[illustration|denoted by|typographical errors|pgdp", text
    )


def test_transcribers_notes_at_the_start_and_end_of_a_book():
    book = article_from_text(corpus_text(KROPOTKIN, "kropotkin/64353-0"), Path("ffw.txt"), 6)
    notes = [text for _, kind, text in book.dropped if kind == "transcriber's note"]
    assert notes == ["TRANSCRIBER’S NOTE", "TRANSCRIBER’S NOTE"]
    text = body(book)
    assert "Nineteenth Century" in text
    assert "_Nineteenth Century_" not in text  # "Italic text is denoted by _underscores_."


# --- Markdown with front matter --------------------------------------------------------------


def test_front_matter_is_metadata_and_markdown_marks_never_reach_a_quote(tmp_path):
    library = library_with(tmp_path, data("manifesto.md"))
    manifesto = library.articles[-1]
    assert manifesto.title == "Manifesto of the Communist Party"
    assert manifesto.author == "Karl Marx, Frederick Engels"
    assert (format_date(manifesto.date), manifesto.language) == ("February 1848", "en")
    assert manifesto.url == "https://www.marxists.org/archive/marx/works/1848/communist-manifesto/"
    assert manifesto.standfirst == "Chapters I and II, in part"
    assert listing(library, manifesto).startswith(
        "6. Manifesto of the Communist Party\nFebruary 1848, by Karl Marx, Frederick Engels\n"
        "manifesto-of-the-communist-party · "
    )
    text = body(manifesto)
    for mark in ("layout", "permalink", "nav_order", "---", "*", "_", "[^", "##"):
        assert mark not in text, mark
    quote = Commands(library).quote("the epoch of the bourgeoisie possesses this distinct feature")
    assert "Our epoch, the epoch of the bourgeoisie, possesses, however" in quote.text()
    assert "Bourgeoisie and Proletariat." in body(manifesto)


def test_a_numbered_list_is_one_paragraph_per_item_and_footnotes_stand_apart():
    name, text = data("manifesto.md")
    manifesto = article_from_text(text, Path(name), 6)
    texts = [p.text for p in manifesto.paragraphs]
    measures = [t for t in texts if re.match(r"\d+\. ", t)]
    assert len(measures) == 10
    assert measures[0] == (
        "1. Abolition of property in land and application of all rents of land to public purposes."
    )
    assert measures[4].endswith("by means of a national bank with State capital and an exclusive monopoly.")  # fmt: skip
    assert texts[texts.index(measures[0]) - 1].endswith("will be pretty generally applicable.")
    assert texts[1] == (
        "The history of all hitherto existing society is the history of class struggles."
    )  # its footnote mark [^2] is gone
    assert texts[-2].startswith("[1] By bourgeoisie is meant the class of modern capitalists")
    assert texts[-1] == "[2] That is, all written history. [Engels, 1888 English edition]"


def test_toml_front_matter_and_front_matter_lookalikes():
    hugo = read_source(
        '+++\ntitle = "Wage Labour and Capital"\nauthor = ["Karl Marx"]\ndate = 1849-04-05\n'
        'language = "de"\n+++\n\nThe text.\n'
    )
    assert (hugo.kind, hugo.title, hugo.author, hugo.language) == (
        "front matter", "Wage Labour and Capital", "Karl Marx", "de",
    )  # fmt: skip
    assert format_date(hugo.date) == "5 April 1849"
    assert hugo.text.splitlines()[-1] == "The text."
    ruled = read_source("---\nThe first line of a text under a rule.\n---\n")
    assert ruled.kind == ""  # not key: value lines: a rule, not front matter


# --- The Anarchist Library (Muse) ------------------------------------------------------------


def test_muse_headers_are_metadata_and_muse_markup_plain_text(tmp_path):
    library = library_with(tmp_path, data("kropotkin-letter-on-the-present-war.muse"))
    letter = library.articles[-1]
    assert (letter.title, letter.author) == ("A Letter on the Present War", "Pëtr Kropotkin")
    assert (format_date(letter.date), letter.language) == ("October 1914", "en")
    assert letter.url == "https://freedomnews.org.uk/wp-content/uploads/2018/02/Freedom-1914-10.pdf"
    assert listing(library, letter).startswith(
        "6. A Letter on the Present War\nOctober 1914, by Pëtr Kropotkin\n"
    )
    texts = [p.text for p in letter.paragraphs]
    assert texts[0].startswith(
        "[Our comrade P. Kropotkin, having been asked by the Swedish Professor G. Steffen to give"
    )
    assert texts[2].startswith("The cause of this war was not Russia’s attitude")
    assert texts[2].endswith("Bismarck’s well-known trick of 1870.")
    assert texts[-3].startswith("[1] Gustaf Steffen contributed to Freedom in 1891")
    assert texts[-1].startswith("[3] In his “Lettres á un Français”")
    for mark in ("#title", "#author", "#lang", "#pubdate", "<em>", "</em>", "<br>", "[[",
                 "Steffen[1]", "1870.[2]", "Bakunin,[3]", "----"):  # fmt: skip
        assert mark not in "\n".join(texts), mark
    quote = Commands(library).quote("The territories of both France and Belgium MUST be freed")
    assert "a-letter-on-the-present ¶5" in quote.text()
    assert "<em>" not in quote.text()


def test_muse_headings_are_paragraphs_without_their_stars():
    essay = article_from_text(
        corpus_text(KROPOTKIN, "kropotkin/Modern_Science_and_Anarchism"), Path("msa.muse"), 6
    )
    assert (essay.title, essay.author, format_date(essay.date)) == (
        "Modern Science and Anarchism", "Pëtr Kropotkin", "1903",
    )  # fmt: skip
    assert essay.paragraphs[0].text.startswith("I. Two fundamental tendencies in Society")
    assert not any(p.text.startswith("*") for p in essay.paragraphs)


def test_every_anarchist_library_text_of_the_corpus_loses_its_header_and_markup():
    """The corpus keeps each Muse file's directives joined on one line; each is still read."""
    every = documents(KROPOTKIN).items()
    muse = [d for d, paragraphs in every if paragraphs[0][:1] == "#"]
    assert len(muse) >= 50
    # The six books among them take four seconds: the articles and pamphlets are enough here.
    muse = [d for d, paragraphs in every if d in muse and sum(map(len, paragraphs)) < 200_000]
    for doc_id in muse:
        article = article_from_text(corpus_text(KROPOTKIN, doc_id), Path("a.txt"), 6)
        assert article.title, doc_id
        assert not article.title.startswith("#"), doc_id
        assert "Pëtr Kropotkin" in article.author, doc_id
        assert not re.search(r"#(?:title|author|lang|source|pubdate)\b|</?em>|\[\[", body(article))


# --- any text --------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "\n", "\n\n", " ", "word ", "A Title", "---", "+++", "title: x", "- item", "#title ",
        "#author A B", "#lang de", "*** START OF THE PROJECT GUTENBERG EBOOK X ***",
        "*** END OF THE PROJECT GUTENBERG EBOOK X ***", "Title: ", "Release Date: 2003",
        "TRANSCRIBER'S NOTE", "[Illustration: ", "]", "BY", "OR", "CONTENTS", "I. ONE 1",
        "[1] ", "[^1]: ", "<em>", "Von Karin Vogel", "12. März 2024", "Produced by X",
        "The strike at the depot entered its third week and the drivers stayed out. ",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.sampled_from([".txt", ".md", ".muse"]))
def test_any_text_makes_an_article_or_a_clear_refusal(text, suffix):
    try:
        article = article_from_text(text, Path(f"any{suffix}"), 6)
    except LibraryError as refused:
        reason = str(refused)
    else:
        reason = ""
    if reason:
        assert "no article text left" in reason
        return
    assert article.title
    assert article.paragraphs
    assert all(p.text.strip() for p in article.paragraphs)
