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

from bot.text import normalise, word_count

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?"
_DATE_LINES = [
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}$"),  # Tuesday, August 12, 2025
    re.compile(rf"^{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}$"),  # Tue 19 Jun 2012, 16:56 BST
    re.compile(r"^(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)$"),  # 2025-03-17
]


def parse_date_line(line: str) -> date | None:
    """The date a line states when the whole line is a date (with weekday or time), else None."""
    text = normalise(line).strip(" .")
    for pattern in _DATE_LINES:
        m = pattern.match(text)
        if not m:
            continue
        month = m["month"]
        month_no = int(month) if month.isdigit() else _MONTHS[month[:3]]
        try:
            return date(int(m["year"]), month_no, int(m["day"]))
        except ValueError:
            return None
    return None


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Lines that are furniture whatever their length.
_ISSUE_LINE = re.compile(r"^(?:issue|no\.?|number|vol(?:ume)?\.?)\s*(?:no\.?|#)?\s*\d+[\s,.]*$")
_SEPARATOR = re.compile(r"^[\W_]*$")
_CAPTION = re.compile(
    r"^(?:above|below|top|left|right|pictured|photo|picture|image|caption|credit|"
    r"illustration|main picture|inset)\s*(?:\([^)]*\))?\s*[:|-]"
)
_WIDGET = _any(
    r"^share (?:this|on)\b",
    r"^(?:no|\d+) comments?:?$",
    r"^(?:post|leave|add|write) a comment$",
    r"^comments?$",
    r"^article information$",
    r"^(?:related|read more|more from|tags|filed under|print this|email this|tweet)\b.{0,40}$",
    r"\bhome screen\b",
    r"^mobile users\b",
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
_BOOK_INTRO = re.compile(r"\b(?:book|pamphlet|new edition)\b")
_BYLINE = re.compile(
    r"^(?i:article |words |written |text |report )?(?i:by)\s+"
    r"(?P<name>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})\s*$"
)
_ATTRIBUTION = re.compile(r"^\s*[\u2014\u2013-]{1,2}\s*(?P<name>[A-Z][\w.' -]{1,60})$")
_QUOTATION = re.compile(r'^\s*["\u201c\u201e\u00ab].+["\u201d\u00bb]\s*$')
_TERMINAL = re.compile(r"""[.!?\u2026]['"\u2019\u201d)\]]*$""")

# A paragraph of prose: long enough and ending like a sentence. Anything shorter at the top of
# a page is the header: masthead, title, standfirst.
PROSE_MIN_WORDS = 12


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
    if _CAPTION.match(text):
        return "caption"
    if _BYLINE.match(line.strip()):
        return "byline"
    if _ATTRIBUTION.match(line):
        return "attribution"
    if short and _WIDGET.search(text):
        return "widget"
    if short and _ADVERT.search(text):
        return "advert"
    if short and _APPEAL.search(text):
        return "appeal"
    return None


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Group numbered lines into blocks separated by blank lines."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line.strip()))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_prose(text: str) -> bool:
    return word_count(text) >= PROSE_MIN_WORDS and bool(_TERMINAL.search(text.strip()))


def split_article(raw: str) -> Split:
    """Separate an article's body from its furniture and read the metadata the text states."""
    split = Split(body=[])
    kept: list[tuple[int, str]] = []  # (first line number, paragraph text)
    for block in _blocks(raw.splitlines()):
        lines: list[tuple[int, str]] = []
        for number, line in block:
            kind = classify_line(line)
            if kind == "date" and split.date is None:
                split.date = parse_date_line(line)
            elif kind == "byline" and not split.author:
                m = _BYLINE.match(line)
                split.author = m["name"] if m else ""
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

    # The header: short blocks before the first paragraph of prose.
    header: list[tuple[int, str]] = []
    while kept and not _is_prose(kept[0][1]) and len(header) < 6:
        header.append(kept.pop(0))
    if not header and kept and word_count(kept[0][1]) <= 25 and len(kept) > 1:
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
