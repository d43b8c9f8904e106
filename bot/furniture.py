"""Site furniture: the parts of a saved web page that are not the article.

Mastheads and slogans, date and issue lines, photo captions, donation and subscription appeals,
share buttons and comment widgets, bookshop adverts. :func:`split_article` separates them from
the readable body and reads what metadata they state (date, author, publication, title,
standfirst). It works on any article, not only the seeds; the catalog may override what it finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.dates import parse_date_line
from bot.text import normalise, word_count

__all__ = ["Split", "classify_line", "parse_byline", "parse_date_line", "split_article"]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Lines that are furniture whatever their length.
_ISSUE_LINE = re.compile(r"^(?:issue|no\.?|number|vol(?:ume)?\.?)\s*(?:no\.?|#)?\s*\d+[\s,.]*$")
_SEPARATOR = re.compile(r"^[\W_]*$")
_CAPTION = re.compile(
    r"^(?:above|below|top|left|right|pictured|photo|picture|image|caption|credit|"
    r"illustration|main picture|inset)\s*(?:\([^)]*\))?\s*[:|-]"
)
_NAV = r"(?:previous|prev|next|contents|index|home|up)"
_NAV_WORD = rf"(?:[«‹<←\"]+\s*)?{_NAV}(?:\s*[»›>→\"]+)?"
_WIDGET = _any(
    r"^share (?:this|on)\b",
    r"^(?:no|\d+) comments?:?$",
    r"^(?:post|leave|add|write) a comment$",
    r"^comments?$",
    r"^article information$",
    r"^(?:related|read more|more from|tags|filed under|print this|email this|tweet)\b.{0,40}$",
    r"\bhome screen\b",
    r"^mobile users\b",
    r"^(?:back to |return to )?(?:the )?top(?: of (?:the )?page)?$",
    r"^last (?:updated|modified)\b.{0,30}$",
    r"^[^>›]{1,30}(?:\s+[>›]\s+[^>›]{1,30}){2,}$",  # a breadcrumb trail: Home > Archive > Lenin
    # A page's links to the next and previous pages: "« Previous | Contents | Next »", "Next »"
    # (a word alone, "Contents", may be a heading).
    rf"^{_NAV_WORD}(?:\s*[|·•/]\s*{_NAV_WORD})+$",
    rf"^(?:[«‹<←\"]+\s*{_NAV}(?:\s*[»›>→\"]+)?|{_NAV}\s*[»›>→\"]+)$",
)
# Page numbers of a printed or paged text ("Page 12", "Page 3 of 40", "- 12 -") and copyright
# lines ("© 2024 Marxists Internet Archive. All rights reserved.", "Copyright (c) 2019 The Author").
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014])$"
)
_COPYRIGHT = re.compile(
    r"^(?:(?:copyright\s*)?(?:©|\(c\)\s*\d{4})|copyright\b.*\ball rights reserved\b|"
    r"all rights reserved\.?$)"
)
# Appeals: one strong phrase is enough in a short paragraph.
_APPEAL = _any(
    r"\bpatreon\b",
    r"\bko-fi\b",
    r"\bpaypal\b",
    r"\b(?:become|make) a\b.{0,30}\b(?:donor|donation|supporter|patron|member)\b",
    r"^(?:please )?(?:donate|subscribe|sign up)\b",
    r"\b(?:to|please) (?:donate|subscribe)\b.{0,40}\b(?:newsletter|list|channel|here|today|now)\b",
    r"\bclick here\b",
    r"\bjoin (?:my|our)\b.{0,30}\b(?:channel|mailing list|newsletter)\b",
    r"\bemail newsletter\b",
    r"\bsupport (?:my|our|this) (?:work|journalism|site|platform|blog)\b",
    r"\bif you (?:appreciate|enjoy|value|like)d? (?:my|our|this) (?:work|writing|article)\b",
)
# Bookshop adverts: the line selling the book, and the line before it that introduces the book.
_ADVERT = _any(
    r"\bavailable (?:from|at)\b.{0,60}\b(?:bookshop|bookstore|books|shop|store|press)\b",
    r"\b(?:bookshop|bookstore)\b.{0,60}\b(?:phone|call|order|go to|visit)\b",
    r"\bphone\s+[\d ()+-]{7,}",
    r"\bisbn\b",
    r"\b(?:buy|order) (?:it|the book|now|your copy)\b",
)
# The notes atop a page of the Marxists Internet Archive (and sites like it): where the text
# was first published, its source, who transcribed and marked it up.
_SOURCE_NOTE = re.compile(
    r"^(?:source|first published|first published in english|written|translated|translation|"
    r"transcribed|transcription(?:/markup)?|html markup|markup|proofed|proofread|online version|"
    r"copyleft|public domain)\s*:"
)
_BOOK_INTRO = re.compile(r"\b(?:book|pamphlet|new edition)\b")
# "By Jane Doe" and its forms in other languages: "Von Karin Vogel", "Par : Jean Dupont",
# "Por Ana Gómez", "Di Marco Rossi", "Автор: Иван Петров"; the name is checked apart.
_BYLINE = re.compile(
    r"^(?:(?:article|words|written|text|report|texte|un article|artículo|articolo|artigo)\s+)?"
    r"(?:by|von|par|por|di|автор|авторы)(?:\s*[:\uff1a]\s*|\s+)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w.'\u2019-]*$")
# Small words inside names (Ursula von der Leyen, Luiz Inácio Lula da Silva) and between two
# names (Karl Marx und Friedrich Engels).
_PARTICLES = frozenset(
    "von van de der den la le du di da del della dos das do y e et und and и zu ter bin ibn al"
    .split()
)  # fmt: skip
_BYLINE_SEPARATOR = re.compile(r"\s*[|\u00b7\u2022,]\s*|\s+[\u2013\u2014-]\s+")
_ATTRIBUTION = re.compile(r"^\s*[\u2014\u2013-]{1,2}\s*(?P<name>[A-Z][\w.' -]{1,60})$")
_QUOTATION = re.compile(r'^\s*["\u201c\u201e\u00ab].+["\u201d\u00bb]\s*$')
_TERMINAL = re.compile(r"""[.!?\u2026]['"\u2019\u201d)\]]*$""")

# A paragraph of prose: long enough and ending like a sentence (a footnote mark after its last
# full stop, "…they have reached.” [4]", still ends one). Anything shorter at the top of a page
# is the header: masthead, title, standfirst. A paragraph of several sentences and more words
# than any standfirst is prose however it ends (an excerpt may stop mid-sentence), unless it is
# a line of Muse directives or comments run together ("#title … #author … #date …", "; …").
PROSE_MIN_WORDS = 12
PROSE_LONG_WORDS = 80
_END_MARK = re.compile(r"\s*(?:\[\^?\w{1,4}\]|\{\d{1,4}\}|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\*+)$")
_DIRECTIVES = re.compile(r"^(?:#[a-z]\w*\s|;\s)")
_SENTENCE_BREAK = re.compile(r"""[.!?\u2026]['"\u2019\u201d)\]]*\s+\S""")


@dataclass
class Split:
    """An article file taken apart: the body paragraphs, what was dropped, what was stated."""

    body: list[str]
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (line no, kind, text)
    title: str = ""
    publication: str = ""
    author: str = ""
    date: date | None = None
    standfirst: str = ""


def _name(text: str) -> str:
    """``text`` when it reads as a person's name (or two), else ""."""
    text = text.strip().rstrip(",;:")
    names = text.split()
    if not 1 <= len(names) <= 7:
        return ""
    capitalised = 0
    for i, word in enumerate(names):
        if not _NAME_WORD.match(word):
            return ""
        if word[0].isupper():
            capitalised += 1
        elif not (0 < i < len(names) - 1 and word.casefold() in _PARTICLES):
            return ""
    return text if capitalised <= 4 else ""


def parse_byline(line: str) -> tuple[str, date | None] | None:
    """The author a byline names, and the date it gives beside it ("Von Karin Vogel, 12. März
    2024"), or None when the line is not a byline."""
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    rest = m["rest"]
    name = _name(rest)
    if name:
        return name, None
    for sep in _BYLINE_SEPARATOR.finditer(rest):
        name = _name(rest[: sep.start()])
        when = parse_date_line(rest[sep.end() :]) if name else None
        if when:
            return name, when
    return None


def classify_line(line: str) -> str | None:
    """The kind of furniture a single line is, or None when it may be article text."""
    text = normalise(line)
    short = word_count(line) <= 60
    if _SEPARATOR.match(text):
        return "separator"
    if parse_date_line(line):
        return "date"
    if _ISSUE_LINE.match(text):
        return "issue"
    if _PAGE_NUMBER.match(text):
        return "page number"
    if word_count(line) <= 30 and _COPYRIGHT.match(text):
        return "copyright"
    if _CAPTION.match(text):
        return "caption"
    if parse_byline(line):
        return "byline"
    if _ATTRIBUTION.match(line):
        return "attribution"
    if word_count(line) <= 80 and _SOURCE_NOTE.match(text):
        return "source note"
    if short and _WIDGET.search(text):
        return "widget"
    if short and _ADVERT.search(text):
        return "advert"
    if short and _APPEAL.search(text):
        return "appeal"
    return None


def _blocks(lines: list[str], breaks: frozenset[int] = frozenset()) -> list[list[tuple[int, str]]]:
    """Group numbered lines into blocks separated by blank lines; a line whose number is in
    ``breaks`` (a list item, a heading, a footnote) starts a block of its own."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if current and (number in breaks or not line.strip()):
            blocks.append(current)
            current = []
        if line.strip():
            current.append((number, line.strip()))
    if current:
        blocks.append(current)
    return blocks


_WRAP_WIDTH = 50
_SENTENCE_END = re.compile(r"""[.!?\u2026:;]['"\u2019\u201d)\]]*$""")


def _wrapped(lines: list[tuple[int, str]], number: int) -> bool:
    """Whether line ``number`` carries on a hard-wrapped sentence (the line kept just above it
    is long and does not end one), as in Project Gutenberg's texts: "…but buys it of" /
    "middlemen, who in their turn buy it of peasants…" is prose, never a bookshop's advert."""
    if not lines or lines[-1][0] != number - 1:
        return False
    above = lines[-1][1]
    return len(above) >= _WRAP_WIDTH and not _SENTENCE_END.search(above)


def _is_prose(text: str) -> bool:
    words = word_count(text)
    long = words >= PROSE_LONG_WORDS and not _DIRECTIVES.match(text.lstrip())
    if long and len(_SENTENCE_BREAK.findall(text)) >= 2:
        return True
    end = text.strip()
    while (unmarked := _END_MARK.sub("", end)) != end:
        end = unmarked
    return words >= PROSE_MIN_WORDS and bool(_TERMINAL.search(end))


def split_article(
    raw: str,
    breaks: frozenset[int] = frozenset(),
    *,
    title_page: bool = True,
    known: tuple[str, ...] = (),
    titled: str = "",
) -> Split:
    """Separate an article's body from its furniture and read the metadata the text states.

    ``breaks`` are line numbers that start a paragraph of their own (see :func:`_blocks`). With
    ``title_page`` false, the source's own header already stated the title (front matter, Muse
    directives): the blocks above the body are then not read as masthead, title and standfirst;
    only those repeating one of the ``known`` values (title, subtitle, author) are left out.
    ``titled``: the title stated elsewhere (a catalog entry, a book's metadata): a short first
    paragraph that ends in a full stop is then taken for the title only if it is that title,
    never for a book's opening sentence.
    """
    split = Split(body=[])
    kept: list[tuple[int, str]] = []  # (first line number, paragraph text)
    for block in _blocks(raw.splitlines(), breaks):
        lines: list[tuple[int, str]] = []
        for number, line in block:
            kind = None if _wrapped(lines, number) else classify_line(line)
            if kind == "date" and split.date is None:
                split.date = parse_date_line(line)
            elif kind == "byline":
                name, when = parse_byline(line) or ("", None)
                split.author = split.author or name
                split.date = split.date or when
            elif kind == "attribution" and lines and _QUOTATION.match(lines[-1][1]):
                # A slogan under a masthead: the quotation and its "— Karl Marx" line.
                split.dropped.append((lines[-1][0], "slogan", lines.pop()[1]))
                kind = "slogan"
            elif kind == "advert" and not lines and kept and _BOOK_INTRO.search(kept[-1][1]):
                # The paragraph introducing the book the advert sells.
                number_before, text_before = kept.pop()
                split.dropped.append((number_before, "advert", text_before))
            if kind is None:
                lines.append((number, line))
            else:
                split.dropped.append((number, kind, line))
        if lines:
            kept.append((lines[0][0], " ".join(text for _, text in lines)))

    if not title_page:
        repeats = {normalise(k) for k in known if k}
        while kept and not _is_prose(kept[0][1]) and normalise(kept[0][1]) in repeats:
            number, text = kept.pop(0)
            split.dropped.append((number, "title", text))
        split.body = [text for _, text in kept]
        return split
    # The header: short blocks before the first paragraph of prose.
    header: list[tuple[int, str]] = []
    while kept and not _is_prose(kept[0][1]) and len(header) < 6:
        header.append(kept.pop(0))
    if (
        not header
        and kept
        and word_count(kept[0][1]) <= 25
        and len(kept) > 1
        and (not titled or normalise(kept[0][1]).rstrip(".") == normalise(titled).rstrip("."))
    ):
        header.append(kept.pop(0))  # a one-line title that happens to end in a full stop
    _read_header(header, split)
    split.body = [text for _, text in kept]
    return split


def _read_header(header: list[tuple[int, str]], split: Split) -> None:
    """Masthead, title and standfirst from the blocks above the body."""
    blocks = list(header)
    # A masthead: a name of four words or fewer on top of another header line, and taglines
    # under it that start in lower case ("the Voice of ...").
    if len(blocks) >= 2 and word_count(blocks[0][1]) <= 4:
        number, text = blocks.pop(0)
        split.publication = text
        split.dropped.append((number, "masthead", text))
        while len(blocks) >= 2 and blocks[0][1][:1].islower():
            number, text = blocks.pop(0)
            split.dropped.append((number, "masthead", text))
    if blocks:
        number, text = blocks.pop(0)
        split.title = text
        split.dropped.append((number, "title", text))
    if blocks:
        number, text = blocks.pop(0)
        split.standfirst = text
        split.dropped.append((number, "standfirst", text))
    for number, text in blocks:
        split.dropped.append((number, "header", text))
