"""PDF, EPUB and Word files into the library: quality of the PDF reading, and the cost of
adding a 300-page book and a 100-chapter EPUB.

Quality: books typeset at run time (fpdf2 through tests/formats/make.py; groff's ms macros
too when groff is installed) from Kropotkin in ../shared/corpus, read in place, so the text put
in is known; and the real PDFs found on this machine, where what comes out is counted. Each is
read twice with the same paragraph rules (bot/formats/pdf.py): once from pdfminer.six, the
library the bot uses, and once from pypdf, the strong baseline. Cost: seconds and peak memory
(tracemalloc) of prepare() for each, and of adding the files through Librarian.add.

    .venv/bin/python bench/formats.py              # prints the tables
    .venv/bin/python bench/formats.py --pages 300 --chapters 100
"""

from __future__ import annotations

import argparse
import asyncio
import io
import math
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.summary_compare import CORPUS, documents  # noqa: E402
from bot.formats import Document, Unreadable  # noqa: E402
from bot.formats.pdf import ENCRYPTED, Pages, Piece, document, lay_out, read_pages  # noqa: E402
from bot.text import normalise  # noqa: E402
from tests.formats.make import Book, epub, pdf  # noqa: E402

REAL = [
    Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
    Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"),
]


def pypdf_pages(data: bytes) -> Pages:
    """The baseline: pypdf's text operations, placed by their matrices. pypdf gives where a
    run of text starts but not where it ends, so its width is guessed at half an em a
    character; everything after that is the bot's own code."""
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise Unreadable(ENCRYPTED)
    info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    pages = []
    for number, page in enumerate(reader.pages):
        height = float(page.mediabox.top)
        fragments: list[tuple[float, float, float, str]] = []

        def visit(text, cm, tm, font, size, fragments=fragments, height=height):  # type: ignore[no-untyped-def]
            text = text.replace("\n", "")
            if not text.strip():
                return
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            if a <= 0 or abs(b) > abs(a) * 0.01:
                return  # rotated
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append((x, height - y, round(size * math.hypot(a, b), 1), text))

        page.extract_text(visitor_text=visit)
        pieces: list[Piece] = []
        for x, top, size, text in fragments:
            width = 0.5 * size * len(text)
            last = pieces[-1] if pieces else None
            if last and abs(top - last.top) <= 0.5 * max(size, last.size) and x >= last.x0:
                pieces[-1] = Piece(last.x0, x + width, last.top, (*last.runs, (size, text)))
            else:
                pieces.append(Piece(x, x + width, top, ((size, text),)))
        pages.append(lay_out(pieces, number))
    return Pages(pages, info)


def pdfminer_read(data: bytes) -> Document:
    return document(read_pages(data))


def pypdf_read(data: bytes) -> Document:
    return document(pypdf_pages(data))


READERS: dict[str, Callable[[bytes], Document]] = {
    "pdfminer.six": pdfminer_read,
    "pypdf": pypdf_read,
}


def prose(count: int, skip: int = 0) -> list[tuple[str, list[str]]]:
    """Kropotkin's works as (title, paragraphs) of plain prose: no markup, no short lines."""
    found = []
    for title, paragraphs in documents(CORPUS / "kropotkin_works.txt.xz"):
        kept = [
            p for p in paragraphs
            if len(p.split()) >= 25 and not re.search(r"[<>#_\[\]*|{}\\]", p)
        ]  # fmt: skip
        if len(kept) >= 10:
            found.append((title.split(": ", 1)[-1], kept))
    return found[skip : skip + count]


def sample_book(chapters: int = 4, paragraphs: int = 12, skip: int = 3) -> Book:
    """Chapters of Kropotkin, with a note (a sentence from a later work) on two paragraphs of
    each."""
    works = prose(chapters + 1, skip)
    chosen = [(f"{n + 1}. {title}", paras[:paragraphs]) for n, (title, paras) in enumerate(works)]
    chosen = chosen[:chapters]
    sentences = [
        s for p in works[-1][1] for s in re.split(r"(?<=[.!?]) ", p) if 8 < len(s.split()) < 30
    ]
    spots = [(c, p) for c in range(len(chosen)) for p in (2, 7)]
    notes = dict(zip(spots, sentences, strict=False))
    return Book("Selected Essays", "Peter Kropotkin", chosen, notes)


def groff_pdf(book: Book, columns: int = 1) -> bytes | None:
    """The book typeset by groff with the ms macros: TeX-like justification and hyphenation,
    running heads, page numbers and numbered footnotes; None where groff is not installed."""
    if not shutil.which("groff"):
        return None
    escape = lambda s: s.replace("\\", "\\e").replace("\n", " ")  # noqa: E731
    out = [".ds CH", f".ds LH {escape(book.title)}", ".ds RH %", ".ds CF", ".nr HY 6"]
    out += [".TL", escape(book.title), ".AU", escape(book.author)]
    if columns == 2:
        out.append(".2C")
    for number, (heading, paragraphs) in enumerate(book.chapters):
        out += [".SH", escape(heading)]
        for index, paragraph in enumerate(paragraphs):
            note = book.notes.get((number, index))
            out += [".PP", "\\&" + escape(paragraph) + ("\\**" if note else "")]
            if note:
                out += [".FS", "\\&" + escape(note), ".FE"]
    made = subprocess.run(
        ["groff", "-ms", "-k", "-Tpdf"], input="\n".join(out).encode(), capture_output=True,
        check=False, timeout=300,
    )  # fmt: skip
    return made.stdout if made.returncode == 0 and made.stdout.startswith(b"%PDF") else None


def _words(text: str) -> list[str]:
    return text.split()


def quality(book: Book, read: Document, heads: list[str]) -> dict[str, float]:
    """How close what came out is to what went in, compared as the bot matches quotes
    (bot.text.normalise: typographic quotes, dashes, case and spacing folded)."""
    source = [normalise(p) for _, paragraphs in book.chapters for p in paragraphs]
    headings = {normalise(h) for h, _ in book.chapters} | {normalise(book.title)}
    headings.add(normalise(book.author))
    got = [normalise(p) for p in read.paragraphs]
    got = [p for p in got if p not in headings]
    ours, theirs = " ".join(got).split(), " ".join(source).split()
    vocabulary = set(theirs) | {w for h in headings for w in h.split()}
    notes = [normalise(n) for n in book.notes.values()]
    kept = [normalise(n) for n in read.notes]
    return {
        "paragraphs exact": len(set(source) & set(got)) / len(source),
        "paragraphs out/in": len(got) / len(source),
        "word similarity": Levenshtein.normalized_similarity(ours, theirs),
        "words not in source": sum(1 for w in ours if w not in vocabulary),
        "heads in text": sum(" ".join(got).count(normalise(h)) for h in heads),
        "notes apart": sum(1 for n in notes if any(n in k for k in kept)) / len(notes),
        "notes glued": sum(1 for n in notes if any(n[:40] in p for p in got)),
    }


def real_figures(read: Document) -> dict[str, float]:
    """For a PDF whose text is not known: counts that show trouble."""
    text = "\n".join(read.paragraphs)
    sizes = [len(p.split()) for p in read.paragraphs]
    return {
        "paragraphs": len(read.paragraphs),
        "median words/¶": statistics.median(sizes) if sizes else 0,
        "bare numbers ¶": sum(1 for p in read.paragraphs if re.fullmatch(r"[\W\d]+", p)),
        "hyphen left (x- y)": len(re.findall(r"[a-z]- [a-z]", text)),
        "words run together": len(re.findall(r"[a-z]{3}[A-Z][a-z]{2}", text)),
        "notes": len(read.notes),
    }


def measure(call: Callable[[], object]) -> tuple[float, float, object]:
    """Seconds (best of two, without tracing) and peak traced memory in MB of one call."""
    times = []
    result = None
    for _ in range(2):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return min(times), peak, result


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def quality_tables() -> list[str]:
    book = sample_book()
    made = {
        "fpdf2, 1 column": pdf(book),
        "fpdf2, 2 columns": pdf(book, columns=2),
    }
    for columns in (1, 2):
        groff = groff_pdf(book, columns)
        if groff:
            made[f"groff ms, {columns} column{'s' * (columns > 1)}"] = groff
    heads = [book.title]
    lines = [
        _row("PDF", "library", "¶ exact", "¶ out/in", "word similarity", "words not in source",
             "heads in text", "notes apart", "notes glued", "s"),
        _row(*["---"] * 10),
    ]  # fmt: skip
    for name, data in made.items():
        for library, reader in READERS.items():
            started = time.perf_counter()
            read = reader(data)
            seconds = time.perf_counter() - started
            q = quality(book, read, heads)
            lines.append(
                f"| {name} | {library} | {q['paragraphs exact']:.0%} "
                f"| {q['paragraphs out/in']:.2f} "
                f"| {q['word similarity']:.3f} | {q['words not in source']} | {q['heads in text']} "
                f"| {q['notes apart']:.0%} | {q['notes glued']} | {seconds:.2f} |"
            )
    lines += [
        "",
        _row("real PDF", "pages", "library", "¶", "median words/¶", "bare-number ¶",
             "hyphen left", "words run together", "notes", "s"),
        _row(*["---"] * 10),
    ]  # fmt: skip
    for path in REAL:
        if not path.exists():
            continue
        data = path.read_bytes()
        for library, reader in READERS.items():
            started = time.perf_counter()
            read = reader(data)
            seconds = time.perf_counter() - started
            f = real_figures(read)
            pages = len(read_pages(data).lines) if library == "pdfminer.six" else ""
            lines.append(
                f"| {path.name} | {pages} | {library} | {f['paragraphs']} "
                f"| {f['median words/¶']:.0f} "
                f"| {f['bare numbers ¶']} | {f['hyphen left (x- y)']} | {f['words run together']} "
                f"| {f['notes']} | {seconds:.2f} |"
            )
    return lines


def long_book(pages: int) -> Book:
    """Kropotkin's prose, chapter after chapter, until the PDF has about ``pages`` pages
    (about 560 words a page as set here)."""
    words, chapters = 0, []
    for title, paragraphs in prose(200):
        chapters.append((title, paragraphs))
        words += sum(len(p.split()) for p in paragraphs)
        if words >= pages * 560:
            break
    return Book("Works", "Peter Kropotkin", chapters)


def many_chapters(count: int) -> Book:
    """``count`` chapters of 20 paragraphs each, from Kropotkin's prose."""
    paragraphs = [p for _, found in prose(200) for p in found]
    chapters = [(f"Chapter {n + 1}", paragraphs[n * 20 : n * 20 + 20]) for n in range(count)]
    return Book("Works in a hundred chapters", "Peter Kropotkin", chapters)


def once(call: Callable[[], object]) -> tuple[float, float]:
    """Seconds of one call, then the peak memory it traces (MB) in a second call."""
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def cost_tables(pages: int, chapters: int) -> list[str]:
    """Seconds and peak memory of adding a long PDF and a many-chapter EPUB."""
    from bot.commands import Commands
    from bot.ingest import Librarian, prepare
    from bot.library import load_library
    from bot.storage import Store

    started = time.perf_counter()
    book = long_book(pages)
    data = pdf(book, title_page=False)
    made_pdf = time.perf_counter() - started
    pdf_pages = len(read_pages(data).lines)
    started = time.perf_counter()
    ebook = epub(many_chapters(chapters))
    made_epub = time.perf_counter() - started
    words = sum(len(p.split()) for _, ps in book.chapters for p in ps)
    lines = [
        f"PDF: {pdf_pages} pages, {len(data) / 1e6:.1f} MB, {words:,} words "
        f"(typeset in {made_pdf:.0f} s); EPUB: {chapters} chapters, {len(ebook) / 1e6:.1f} MB "
        f"(made in {made_epub:.1f} s)",
        "",
        "| file | reader | seconds | peak traced MB | paragraphs |",
        "|---|---|---|---|---|",
    ]
    rows = [
        ("PDF", "pdfminer.six (bot)", lambda: prepare(data, "works.pdf", 6, set())),
        ("PDF", "pypdf (baseline)", lambda: pypdf_read(data)),
        ("EPUB", "zipfile + lxml (bot)", lambda: prepare(ebook, "works.epub", 6, set())),
    ]
    for kind, reader, call in rows:
        seconds, peak = once(call)
        result = call()
        count = (
            len(result.article.paragraphs) if hasattr(result, "article") else len(result.paragraphs)
        )  # type: ignore[attr-defined]
        lines.append(f"| {kind} | {reader} | {seconds:.1f} | {peak:.0f} | {count:,} |")

    async def add_both(folder: Path) -> list[float]:
        store = await Store.open(folder / "db.sqlite3")
        try:
            librarian = Librarian(store, Commands(load_library(ROOT / "seeds")).shelf)
            took = []
            for name, content in (("works.pdf", data), ("works.epub", ebook)):
                started = time.perf_counter()
                await librarian.add(content, name)
                took.append(time.perf_counter() - started)
            return took
        finally:
            await store.close()

    with tempfile.TemporaryDirectory() as folder:
        took = asyncio.run(add_both(Path(folder)))
    lines += [
        "",
        f"Librarian.add with a real Store (read, store, index): PDF {took[0]:.1f} s, "
        f"EPUB {took[1]:.1f} s.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--chapters", type=int, default=100)
    parser.add_argument("--skip-quality", action="store_true")
    options = parser.parse_args()
    lines = [] if options.skip_quality else quality_tables()
    lines += ["", *cost_tables(options.pages, options.chapters)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
