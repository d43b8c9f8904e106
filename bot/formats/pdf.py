"""PDF: the text layer made into paragraphs.

A PDF has no paragraphs, only lines placed on pages. They are read with pdfminer.six (exact
positions and font sizes for every character: see bench/RESULTS.md for why not pypdf) and put
back together by geometry: lines join into a paragraph until a wider gap, an indented first
line, a short last line, a change of font size or a bullet; a paragraph carries on across a
page or column break. Running heads and footers (short lines repeated at the top or bottom of
pages, page numbers and all) and bare page numbers are dropped; footnotes (smaller type below
the text) are kept apart, and their marks taken out of the text; end-of-line hyphens are undone
when the joined word is a word of the document, and kept when the hyphen is real.

PyMuPDF reads PDFs well and fast, but is AGPL-licensed: using it would put the whole bot
under the AGPL, so it is not used.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.formats import Document, Unreadable, iso_date, without_title_page

MAX_PAGES = 3000  # a book; more is not a reading-group text and would take minutes to read


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text on a page, where it stands and in what size of type."""

    page: int
    x0: float
    x1: float
    top: float  # the baseline's distance from the top of the page
    size: float  # the size most of its characters are set in
    text: str  # without superscript note marks
    lead: str = ""  # a superscript mark the line starts with (a footnote's number)


@dataclass
class Pages:
    """What a PDF reader hands over: the lines of each page in reading order, the metadata."""

    lines: list[list[Line]]
    info: dict[str, str]


ENCRYPTED = (
    "it is locked with a password. Send an unlocked copy (open it and print or export it to a "
    "new PDF, or remove the password with qpdf --decrypt)."
)
SCANNED = (
    "it has no text layer: it looks like a scan, and I can only read text. Run it through OCR "
    "first (for example OCRmyPDF, or a scanner's 'searchable PDF' setting) and send the result."
)
DAMAGED = "I could not read it as a PDF; it may be damaged. Export or print it to a new PDF."


def read_pdf(data: bytes) -> Document:
    """A PDF's paragraphs, notes and metadata; refusals raise :class:`Unreadable`."""
    return document(read_pages(data))


def read_pages(data: bytes) -> Pages:
    """Every page's lines, with pdfminer.six's exact character boxes and sizes."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise Unreadable(DAMAGED)
    try:
        parsed = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise Unreadable(ENCRYPTED) from None
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; all mean one thing
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise Unreadable(ENCRYPTED) from None
        raise Unreadable(DAMAGED) from None
    try:
        info = _info([*parsed.info, {"Lang": parsed.catalog.get("Lang")}])  # /Lang: its language
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
        interpreter = PDFPageInterpreter(resources, device)
        pages: list[list[Line]] = []
        for number, page in enumerate(PDFPage.create_pages(parsed)):
            if number >= MAX_PAGES:
                raise Unreadable(
                    f"it has more than {MAX_PAGES:,} pages; split it into the parts you read."
                )
            interpreter.process_page(page)
            pages.append(_pdfminer_lines(device.get_result(), number))
    except Unreadable:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise Unreadable(ENCRYPTED) from None
    except Exception:
        raise Unreadable(DAMAGED) from None
    return Pages(pages, info)


def _info(infos: list) -> dict[str, str]:
    """The document information dictionary (Title, Author, CreationDate…) as strings."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    found: dict[str, str] = {}
    for info in infos or []:
        info = resolve1(info)
        if not isinstance(info, dict):
            continue
        for key, value in info.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str) and value.strip():
                found.setdefault(str(key), value.strip())
    return found


_MARK = re.compile(r"^[\d*†‡§¶]+$")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text on one baseline as the PDF places it: a line, or part of a line."""

    x0: float
    x1: float
    top: float  # the baseline's distance from the top of the page
    runs: tuple[tuple[float, str], ...]  # (size, text) in reading order

    @property
    def size(self) -> float:
        sizes: Counter[float] = Counter()
        for size, text in self.runs:
            sizes[size] += len(text.strip())
        return sizes.most_common(1)[0][0]


def _pdfminer_lines(layout: object, page: int) -> list[Line]:
    """The lines of a laid-out page in reading order, columns one after the other."""
    from pdfminer.layout import LTAnno, LTChar, LTTextLineHorizontal

    def walk(item: object) -> Iterable[LTTextLineHorizontal]:
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from walk(child)

    height = layout.height  # type: ignore[attr-defined]
    pieces = []
    for line in walk(layout):
        sized = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
        if not sized or sum(c.upright for c in sized) < len(sized) / 2:
            continue  # no text, or rotated text: a watermark or a margin note
        runs: list[tuple[float, str]] = []
        for c in line:
            if not isinstance(c, LTChar | LTAnno):
                continue
            size = round(c.size, 1) if isinstance(c, LTChar) else (runs[-1][0] if runs else 0)
            if runs and runs[-1][0] == size:
                runs[-1] = (size, runs[-1][1] + c.get_text())
            else:
                runs.append((size, c.get_text()))
        main = Counter(round(c.size, 1) for c in sized).most_common(1)[0][0]
        baseline = min(c.y0 for c in sized if round(c.size, 1) == main)
        pieces.append(Piece(line.x0, line.x1, height - baseline, tuple(runs)))
    return lay_out(pieces, page)


def lay_out(pieces: list[Piece], page: int) -> list[Line]:
    """A page's pieces of text as lines in reading order: columns found by the gutters no
    line crosses, read one after the other; lines crossing them (a title, a running head, a
    footnote across the page) in their place above or below."""
    if not pieces:
        return []
    size = statistics.median(p.size for p in pieces)
    gutters = _gutters(pieces, size)
    order: list[list[Piece] | Piece] = []
    for piece in sorted(pieces, key=lambda p: p.top):
        if gutters and any(piece.x0 < g0 and piece.x1 > g1 for g0, g1 in gutters):
            order.append(piece)
        else:
            if not order or not isinstance(order[-1], list):
                order.append([])
            order[-1].append(piece)  # type: ignore[union-attr]
    lines: list[Line] = []
    for item in order:
        if isinstance(item, Piece):
            lines += _merge([item], page)
            continue
        edges = [g1 for _, g1 in gutters]
        for column in range(len(gutters) + 1):
            inside = [
                p for p in item
                if sum((p.x0 + p.x1) / 2 > edge for edge in edges) == column
            ]  # fmt: skip
            lines += _merge(inside, page)
    return lines


def _gutters(pieces: list[Piece], size: float) -> list[tuple[float, float]]:
    """The gaps between columns: a stretch at least an em wide, inside the text's width,
    that at most a few lines cross while many lines stand on either side of it."""
    left = min(p.x0 for p in pieces)
    right = max(p.x1 for p in pieces)
    if right - left < size * 20 or len(pieces) < 8:
        return []
    cover = [0] * (int(right - left) + 2)
    for p in pieces:
        for x in range(int(p.x0 - left), int(p.x1 - left) + 1):
            cover[x] += 1
    allowed = max(1, len(pieces) // 20)
    found: list[tuple[float, float]] = []
    x = 0
    while x < len(cover):
        if cover[x] <= allowed:
            start = x
            while x < len(cover) and cover[x] <= allowed:
                x += 1
            g0, g1 = left + start, left + x
            if g1 - g0 >= size and g0 > left + size * 8 and g1 < right - size * 8:
                before = sum(1 for p in pieces if p.x1 <= g0 + 1)
                after = sum(1 for p in pieces if p.x0 >= g1 - 1)
                if min(before, after) >= max(4, len(pieces) // 5):
                    found.append((g0, g1))
        x += 1
    return found


def _merge(pieces: list[Piece], page: int) -> list[Line]:
    """Pieces on the same baseline made one line, lines top to bottom; small note marks
    taken out of the text (a line's first one kept as its lead)."""
    lines: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.top, p.x0)):
        if lines:
            last = lines[-1]
            tolerance = 0.5 * max(piece.size, max(p.size for p in last))
            if abs(piece.top - min(p.top for p in last)) <= tolerance:
                last.append(piece)
                continue
        lines.append([piece])
    found = []
    for parts in lines:
        parts.sort(key=lambda p: p.x0)
        runs: list[tuple[float, str]] = []
        for n, part in enumerate(parts):
            if n and part.x0 - parts[n - 1].x1 > 0.1 * part.size:
                runs.append((runs[-1][0], " "))
            runs += part.runs
        sizes: Counter[float] = Counter()
        for run_size, text in runs:
            sizes[run_size] += len(text.strip())
        main = sizes.most_common(1)[0][0]
        lead, text = "", ""
        for run_size, run in runs:
            if run_size < main * 0.8 and _MARK.match(run.strip()):
                if not text.strip():
                    lead = lead or run.strip()
                continue
            text += run
        text = " ".join(text.split())
        if text or lead:
            top = (
                min(p.top for p in parts if p.size == main)
                if any(p.size == main for p in parts)
                else parts[0].top
            )
            found.append(Line(page, parts[0].x0, parts[-1].x1, top, main, text, lead))
    return found


# The building of paragraphs from lines, whichever library read them.

_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:(?:page|p\.|seite|página|pagina|страница|стр\.)\s*)?"
    r"(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/|de|von|из)\s*\d{1,4})?[\W_]*$",
    re.IGNORECASE,
)
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlcdm]{1,7})$", re.IGNORECASE)
_NOTE_START = re.compile(r"^(?:\d{1,3}|[*†‡§¶]{1,3})(?:[.)]\s*|\s+)(?=\S)")
_BULLET = re.compile(r"^[•◦▪‣●○■□–]\s")
_TERMINAL = re.compile(r"""[.!?:;…]['"’”»)\]]*$""")
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_LINE_END_WORD = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_LINE_START_WORD = re.compile(r"^([^\W\d_]+)")
# Prefixes that keep their hyphen ("anti-imperialist", "non-aligned", "self-determination").
_HYPHEN_PREFIXES = {
    "anti", "non", "self", "quasi", "semi", "pseudo", "neo", "counter", "half", "cross",
    "well", "ultra", "vice",
}  # fmt: skip
# Short words that run into a closed compound ("some-thing", "with-out", "there-fore"): two
# words of the document, but joined.
_CLOSED = {
    "some", "any", "every", "no", "him", "her", "them", "it", "my", "your", "our", "there",
    "where", "here", "with", "out", "in", "to", "for", "how", "what", "when", "who", "be",
    "can", "over", "under", "up", "down", "after", "may", "which",
}  # fmt: skip


def document(pages: Pages) -> Document:
    """Paragraphs, notes and metadata from the lines of every page."""
    lines = [line for page in pages.lines for line in page]
    if not lines:
        raise Unreadable(SCANNED)
    body_size = _body_size(lines)
    kept = _drop_furniture(pages.lines, body_size)
    body, notes = _split_notes(kept, body_size)
    vocabulary = _vocabulary(lines)
    paragraphs = [p for p in _paragraphs(body, vocabulary) if p]
    note_texts = _notes(notes, vocabulary)
    words = sum(len(_WORD.findall(p)) for p in paragraphs)
    empty = sum(1 for page in pages.lines if not page)
    if not paragraphs or (words < 20 * len(pages.lines) and empty >= len(pages.lines) / 2):
        raise Unreadable(SCANNED)
    title = _sensible(pages.info.get("Title", "")) or _title_from_text(kept, body_size)
    author = _sensible(pages.info.get("Author", ""))
    when = _pdf_date(pages.info.get("CreationDate", ""))
    paragraphs = without_title_page(paragraphs, title, author)
    return Document(
        paragraphs, note_texts, title=title, author=author, date=when, date_is_file_date=True,
        language=pages.info.get("Lang", ""),
    )  # fmt: skip


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size)] += len(line.text)
    return float(sizes.most_common(1)[0][0])


def _key(text: str, top: float | None = None) -> str:
    """What a running head keeps from page to page: its words, numbers aside, and its place
    (a footnote that happens to repeat is not in the same place)."""
    key = re.sub(r"\d+", "#", " ".join(text.casefold().split()))
    return key if top is None else f"{round(top / 3)} {key}"


def _edges(page: list[Line]) -> tuple[set[int], set[int]]:
    """The lines on the first and on the last two baselines of a page that stand apart from
    the text (a wider gap than between its lines): where running heads and footers are."""
    tops = sorted({round(line.top) for line in page})
    size = statistics.median(line.size for line in page) if page else 0
    gaps = [b - a for a, b in itertools.pairwise(tops) if b - a <= size * 3]
    usual = statistics.median(gaps) if gaps else size * 1.2
    head: set[int] = set()
    foot: set[int] = set()
    for i in (0, 1):
        if i + 1 < len(tops) and tops[i + 1] - tops[i] > usual * 1.25:
            head.update(tops[: i + 1])
        if i + 1 < len(tops) and tops[-i - 1] - tops[-i - 2] > usual * 1.25:
            foot.update(tops[-i - 1 :])
    return (
        {i for i, line in enumerate(page) if round(line.top) in head},
        {i for i, line in enumerate(page) if round(line.top) in foot},
    )


def _drop_furniture(pages: list[list[Line]], body_size: float) -> list[list[Line]]:
    """Without running heads, footers and page numbers, and contents lines with leaders.

    Running heads and footers stand apart at the top or bottom of a page and repeat in the
    same place on another page (numbers aside), or name a heading of the document; a head may
    also be short and in smaller type than the text. A page number is a bare number on the
    first or last two baselines.
    """
    edges = [_edges(page) for page in pages]
    seen: Counter[str] = Counter()
    for page, (head, foot) in zip(pages, edges, strict=True):
        for key in {_key(page[i].text, page[i].top) for i in head | foot}:
            seen[key] += 1
    headings = {_key(line.text) for page in pages for line in page if line.size > body_size * 1.15}
    kept = []
    for page, (head, foot) in zip(pages, edges, strict=True):
        tops = sorted({round(line.top) for line in page})
        ends = set(tops[:2] + tops[-2:])
        keep = []
        for i, line in enumerate(page):
            text = line.text
            if round(line.top) in ends and _PAGE_NUMBER.match(text):
                continue
            short = len(text.split()) <= 20 and line.size <= body_size * 1.15
            repeated = seen[_key(text, line.top)] >= 2 or _key(text) in headings
            if short and i in head | foot and len(pages) >= 2 and repeated:
                continue
            if (
                i in head
                and line.size < body_size * 0.95
                and len(text.split()) <= 12
                and not _TERMINAL.search(text)
            ):
                continue
            if _LEADERS.search(text) or not text.strip(" .·"):
                continue
            keep.append(line)
        kept.append(keep)
    return kept


def _split_notes(pages: list[list[Line]], body_size: float) -> tuple[list[Line], list[Line]]:
    """Body lines, and footnote lines: smaller type with no line of text below it in its
    column (a block quotation in smaller type has text below it)."""
    body: list[Line] = []
    notes: list[Line] = []
    for page in pages:
        text = [line for line in page if line.size >= body_size * 0.9]
        for line in page:
            below = any(t.top > line.top and t.x0 < line.x1 and t.x1 > line.x0 for t in text)
            if line.size <= body_size * 0.85 and not below:
                notes.append(line)
            else:
                body.append(line)
    return body, notes


def _vocabulary(lines: list[Line]) -> tuple[set[str], set[str]]:
    """The document's words and hyphenated compounds, lower case, to tell a hyphenated line
    end ("impe-rialism") from a real hyphen ("anti-imperialist"). The halves of a word broken
    at a line end are not words of the document."""
    words: set[str] = set()
    compounds: set[str] = set()
    broken = False
    for line in lines:
        found = _WORD.findall(line.text.casefold())
        if broken:
            found = found[1:]
        broken = line.text.endswith(("-", "\u2010", "\u00ad"))
        if broken:
            found = found[:-1]
        words.update(found)
        compounds.update(_COMPOUND.findall(line.text.casefold()))
    return words, compounds


def join_hyphenated(left: str, right: str, vocabulary: tuple[set[str], set[str]]) -> bool:
    """Whether a word broken at a line end ("impe-" + "rialism") is one word to join, rather
    than a compound whose hyphen is real ("anti-" + "imperialist")."""
    words, compounds = vocabulary
    low_left, low_right = left.casefold(), right.casefold()
    if low_left + low_right in words:
        return True
    if f"{low_left}-{low_right}" in compounds:
        return False
    if right[:1].isupper() and not left.isupper():
        return False  # "anti-Semitism", "pro-Putin", "Marx-Engels"
    if low_left in _HYPHEN_PREFIXES:
        return False
    both_words = len(left) >= 3 and len(right) >= 3 and {low_left, low_right} <= words
    return not (both_words and low_left not in _CLOSED)  # "working-class" stays


def _join(text: str, more: str, vocabulary: tuple[set[str], set[str]]) -> str:
    if text.endswith("\u00ad"):
        return text[:-1] + more
    m = _LINE_END_WORD.search(text)
    start = _LINE_START_WORD.match(more)
    if m and start and text[-1] in "-\u2010":
        if join_hyphenated(m[1], start[1], vocabulary):
            return text[:-1] + more
        return text + more
    if text.endswith(("—", "/")):
        return text + more
    return f"{text} {more}"


@dataclass
class _Column:
    left: float
    right: float


def _columns(lines: list[Line]) -> list[_Column]:
    """For each line, the column it is set in: a run of lines going down a page; its left
    margin is where most of its lines start."""
    found: list[_Column] = []
    start = 0
    for i in range(1, len(lines) + 1):
        if (
            i == len(lines)
            or lines[i].page != lines[i - 1].page
            or lines[i].top < lines[i - 1].top - lines[i].size * 0.5
        ):
            run = lines[start:i]
            lefts = Counter(round(line.x0) for line in run)
            left = min(x for x, n in lefts.items() if n == max(lefts.values()))
            rights = sorted(line.x1 for line in run)
            right = rights[int(len(rights) * 0.9)] if len(run) > 3 else rights[-1]
            found += [_Column(left, max(right, left + 1))] * len(run)
            start = i
    return found


def _paragraphs(lines: list[Line], vocabulary: tuple[set[str], set[str]]) -> list[str]:
    """Lines joined into paragraphs (see the module's docstring for the rules)."""
    if not lines:
        return []
    columns = _columns(lines)
    leading = _leading(lines)
    slack = [
        (col.right - line.x1) / (col.right - col.left)
        for line, col in zip(lines, columns, strict=True)
    ]
    ragged = sorted(slack)[int(len(slack) * 0.75)] > 0.04
    short = 0.3 if ragged else 0.1
    paragraphs: list[str] = []
    text = ""
    for i, line in enumerate(lines):
        col = columns[i]
        new = i == 0
        if not new:
            before, before_col = lines[i - 1], columns[i - 1]
            same_column = before_col is col
            after = lines[i + 1] if i + 1 < len(lines) and columns[i + 1] is col else None
            indent = line.x0 - col.left > line.size * 0.6 and (
                after is None or after.x0 < line.x0 - line.size * 0.6
            )
            gap = line.top - before.top
            # A line ending in a broken word never ends its paragraph, however short.
            broken = before.text.endswith(("-", "\u00ad")) and line.text[:1].islower()
            before_slack = 0.0 if broken else slack[i - 1]
            new = (
                abs(line.size - before.size) > 0.12 * max(line.size, before.size)
                or (same_column and gap > leading.get(round(line.size), line.size * 1.2) * 1.45)
                or indent
                or before_slack > 0.4
                or (before_slack > short and bool(_TERMINAL.search(before.text)))
                or bool(_BULLET.match(line.text))
            )
        if new:
            if text:
                paragraphs.append(text)
            text = line.text
        else:
            text = _join(text, line.text, vocabulary)
    paragraphs.append(text)
    return [" ".join(p.split()) for p in paragraphs]


def _leading(lines: list[Line]) -> dict[int, float]:
    """The usual distance from one baseline to the next, for each size of type."""
    gaps: dict[int, list[float]] = {}
    for before, line in itertools.pairwise(lines):
        if before.page == line.page and round(before.size) == round(line.size):
            gap = line.top - before.top
            if 0 < gap < line.size * 3:
                gaps.setdefault(round(line.size), []).append(gap)
    return {size: statistics.median(found) for size, found in gaps.items()}


def _notes(lines: list[Line], vocabulary: tuple[set[str], set[str]]) -> list[str]:
    """Footnotes, one a paragraph: a new one at each mark, a line without one continues."""
    notes: list[str] = []
    for line in lines:
        if line.lead:
            notes.append(f"{line.lead} {line.text}".strip())
        elif _NOTE_START.match(line.text) or not notes:
            notes.append(line.text)
        else:
            notes[-1] = _join(notes[-1], line.text, vocabulary)
    return [" ".join(n.split()) for n in notes if n.strip()]


def _title_from_text(pages: list[list[Line]], body_size: float) -> str:
    """The largest type on the first page with text, when it is larger than the body's."""
    for page in pages:
        if not page:
            continue
        biggest = max(line.size for line in page)
        if biggest < body_size * 1.25:
            return ""
        title = [line.text for line in page if line.size >= biggest * 0.95][:4]
        return " ".join(" ".join(title).split())
    return ""


_NOT_A_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint)\s*-|untitled|document\d*$|slide \d|print$|"
    r"title$|noname|unknown$)|\.(?:docx?|odt|rtf|pdf|tex|dvi|indd|qxd|pages|txt)$|^[\W\d_]+$",
    re.IGNORECASE,
)


def _sensible(value: str) -> str:
    """A metadata value worth showing: not a file name, a placeholder or a software's name."""
    value = " ".join(value.split())
    if not value or len(value) > 300 or _NOT_A_TITLE.search(value):
        return ""
    if value.casefold() in {"admin", "administrator", "user", "owner", "author", "unknown"}:
        return ""
    return value


def _pdf_date(value: str) -> str:
    """A PDF date ("D:20250208122313Z") as an ISO date, or ""."""
    m = re.match(r"^(?:D:)?(\d{4})(\d\d)?(\d\d)?", value.strip())
    if not m:
        return iso_date(value)
    return iso_date("-".join(part for part in m.groups() if part))
