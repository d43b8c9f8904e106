"""Adding articles: decoding, HTML, duplicates, the command line, and search quality as the
library grows."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys

import pytest

from bot.commands import Commands
from bot.ingest import IngestError, Librarian, decode, fingerprint, prepare
from bot.library import load_library
from bot.storage import Store
from tests.conftest import SEEDS


def test_decode_refuses_what_is_not_utf8_text():
    assert decode("naïve “text”".encode(), "a.txt") == "naïve “text”"
    assert decode("\ufeffwith a BOM".encode(), "a.txt") == "with a BOM"
    assert decode("UTF-16 text".encode("utf-16"), "a.txt") == "UTF-16 text"
    for data, reason in [
        (b"\x00\x01\x02binary", "not a text file"),
        ("caf\xe9".encode("latin-1"), "not UTF-8 text (line 1, byte 3)"),
        (b"", "is empty"),
        (b"x" * 2_000_001, "the limit is 2 MB"),
    ]:
        with pytest.raises(IngestError) as caught:
            decode(data, "a.txt")
        assert reason in str(caught.value)


def test_the_same_text_has_the_same_fingerprint_whatever_its_typography():
    a = prepare(b"Title\n\nThe workers\xe2\x80\x99 struggle goes on and on, day after day, until it is won.", "a.txt", 1, set())  # fmt: skip
    b = prepare(b"Title\n\nThe  WORKERS' struggle goes on and on, day after day, until it is won.", "b.txt", 1, set())  # fmt: skip
    assert fingerprint(a.article) == fingerprint(b.article)


def test_html_is_reduced_to_the_article():
    page = b"<html><head><title>A title</title></head><body><nav>Home | Shop</nav><article><h1>A title</h1><p>The first paragraph of the article is long enough to count as prose here.</p><p>And a second one follows, also long enough to be counted as prose.</p></article><footer>Subscribe</footer><script>var x = 1;</script></body></html>"  # fmt: skip
    article = prepare(page, "page.html", 1, set()).article
    assert article.title == "A title"
    assert [p.text[:20] for p in article.paragraphs] == [
        "The first paragraph ",
        "And a second one fol",
    ]


async def test_librarian_adds_once_removes_and_sync_restores(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        librarian = Librarian(store, commands.shelf)
        text = b"Notes\n\nWe read the texts together, paragraph by paragraph, and argue every line."
        first = await librarian.add(text, "notes.txt")
        second = await librarian.add(text, "copy.txt")
        assert first.new
        assert not second.new
        assert second.article.id == first.article.id
        assert commands.index.search("we argue every line")[0].passage.article_id == "notes"
        restarted = Commands(load_library(SEEDS))
        assert await Librarian(store, restarted.shelf).sync() == 1
        assert restarted.library.get("notes") is not None
        await librarian.remove(commands.library.get("pro-putin-left"))
        again = Commands(load_library(SEEDS))
        await Librarian(store, again.shelf).sync()
        assert again.library.get("pro-putin-left") is None  # a removed folder article stays out
        assert [a.number for a in again.library.articles] == [1, 2, 3, 4, 5]
    finally:
        await store.close()


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=120)  # fmt: skip


def test_the_command_line_adds_folders_and_removes(tmp_path):
    (tmp_path / "config.toml").write_text(f'[storage]\ndatabase = "{tmp_path / "db.sqlite3"}"\n[library]\npath = "{SEEDS}"\n', encoding="utf-8")  # fmt: skip
    folder = tmp_path / "texts"
    folder.mkdir()
    for n in range(3):
        (folder / f"pamphlet-{n}.md").write_text(f"# Pamphlet {n}\n\nThe point, comrades, is number {n}: to change the world, not only to interpret it.\n", encoding="utf-8")  # fmt: skip
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    first = run("add", str(folder), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 added, 0 already in the library, 0 refused." in first.stdout
    assert "[#" not in first.stderr  # a progress bar only on a terminal, not in a log
    again = run("add", str(folder / "pamphlet-1.md"), cwd=tmp_path)
    assert "already there: pamphlet-1.md is pamphlet-1" in again.stdout
    removed = run("remove", "pamphlet-2", cwd=tmp_path)
    assert removed.stdout.startswith("removed pamphlet-2: Pamphlet 2")
    listing = subprocess.run([sys.executable, "-m", "bot", "console"], input="/articles\n", capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120)  # fmt: skip
    assert "Pamphlet 0" in listing.stdout
    assert "Pamphlet 2" not in listing.stdout
    missing = run("add", str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.txt: not found" in missing.stderr


async def test_search_stays_right_as_the_library_grows(tmp_path):
    """A generated library: the seeds' sentences dealt into 40 new articles, then misremembered
    queries (a word dropped, a typo, two words swapped) for held-back sentences."""
    rng = random.Random(3)
    seeds = load_library(SEEDS)
    sentences = [p.text[s:e] for a in seeds.articles for p in a.paragraphs for s, e in p.sentences if len(p.text[s:e].split()) >= 10]  # fmt: skip
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        librarian = Librarian(store, commands.shelf)
        for n in range(40):
            picked = rng.sample(sentences, 6)
            body = "\n\n".join(" ".join(picked[i : i + 2]) for i in range(0, 6, 2))
            await librarian.add(f"Generated article {n}\n\n{body}\n".encode(), f"gen-{n}.txt")
        held_back = rng.sample(sentences, 60)
        right = 0
        for sentence in held_back:
            words = sentence.split()
            i = rng.randrange(1, len(words) - 1)
            change = rng.choice(["drop", "typo", "swap"])
            if change == "drop":
                del words[i]
            elif change == "typo" and len(words[i]) > 3:
                words[i] = words[i][:1] + words[i][2:]
            else:
                words[i], words[i - 1] = words[i - 1], words[i]
            [best, *_] = commands.index.search(" ".join(words))
            right += sentence in best.passage.text  # it is in the passage found first
        assert right / len(held_back) >= 0.95
    finally:
        await store.close()


async def test_added_articles_come_back_from_their_parsed_form(tmp_path):
    from bot.ingest import apply_stored, pack, unpack

    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        text = b"Workers' Liberty\n\nSolidarity with the strikers\n\nWednesday, 5 March 2025\n\nThe strike at the depot entered its third week. The drivers show no sign of going back.\n\nArticle by Jane Doe\n"  # fmt: skip
        added = (await Librarian(store, commands.shelf).add(text, "strike.txt")).article
        [row] = await store.added_articles()
        assert row[-1] == pack(added)  # kept parsed beside its text
        again = load_library(SEEDS)
        assert await apply_stored(store, again) == 1
        back = again.get(added.id)
        assert (back.title, back.publication, back.author, back.date) == (added.title, added.publication, added.author, added.date)  # fmt: skip
        assert back.paragraphs == added.paragraphs
        assert unpack(pack(added), added.id, 6, added.path).paragraphs == added.paragraphs
    finally:
        await store.close()


async def test_terms_can_be_counted_after_start_without_missing_new_articles(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS), defer_terms=True)
        assert commands.terms_if_ready is None
        waiting = commands.handle("summary", "2").text()
        assert waiting.startswith("I'm still reading the library for summaries and comparisons")
        librarian = Librarian(store, commands.shelf)
        warm_up = asyncio.ensure_future(commands.shelf.warm_up())
        await librarian.add(b"Notes on the general strike\n\nThe general strike is the weapon of the working class, and the general strike is its school.", "gs.txt")  # fmt: skip
        await warm_up
        terms = commands.terms_if_ready
        assert terms is not None
        assert "notes-on-the-general-strike" in terms.articles
        assert "general strike" in commands.summary("notes on the general strike").text()
    finally:
        await store.close()


PROSE = "The strike committee met again tonight and voted to stay out until the demands are met."


def _zip_bomb() -> bytes:
    """A small zip that inflates to 100 MB of zeros, saved under a text file's name."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * 100_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bomb.txt", _zip_bomb(), "not a text file"),
        ("page.html", __import__("gzip").compress(b"<p>" + PROSE.encode() * 1000), "not a text file"),
        ("utf16.txt", PROSE.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        ("cp1252.txt", f"{PROSE}\n\nThe boss\x92s answer came.".encode("latin-1"),
         "not UTF-8 text (line 3"),
        ("nested.html", b"<div>" * 400_000, "no article text"),
        ("entities.html", b"<p>" + b"&amp;" * 399_000 + b"</p>", "no article text"),
        ("only-script.html", b"<html><body><script>" + PROSE.encode() * 20 + b"</script></body></html>",
         "no article text"),
    ],
    ids=["zip bomb", "gzip", "utf-16 without BOM", "windows-1252", "nested tags", "entities",
         "script only"],
)  # fmt: skip
def test_hostile_files_are_refused_with_a_reason(name, data, reason):
    with pytest.raises(IngestError) as caught:
        prepare(data, name, 6, set())
    assert reason in str(caught.value)
    assert name in str(caught.value)


def test_scripts_styles_and_handlers_never_reach_the_article():
    page = f"""<html><head><title>Picket report</title><style>p {{ color: red }}</style>
    <script>document.write('INJECTED')</script></head>
    <body onload="alert('INJECTED')"><article><h1>Picket report</h1>
    <p>{PROSE} <script>alert('INJECTED')</script></p>
    <p onclick="alert('INJECTED')">{PROSE.replace("tonight", "on Monday")}</p>
    <iframe src="javascript:alert('INJECTED')"></iframe><noscript>INJECTED</noscript>
    </article></body></html>""".encode()
    prepared = prepare(page, "report.html", 6, set())
    assert "INJECTED" not in prepared.text
    assert "color: red" not in prepared.text
    assert len(prepared.article.paragraphs) == 2


# Books and documents: PDF, EPUB and Word files made at test time, through the real paths.


def _book():
    from tests.formats.make import Book

    chapters = [
        (f"Chapter {c}", [f"In chapter {c}, paragraph {p}, the council of workers' deputies met again and voted to keep the strike going until the demands were won." for p in range(1, 7)])
        for c in range(1, 4)
    ]  # fmt: skip
    chapters[1][1][2] = (
        "The soviets were not invented by any party: the workers of Ivanovo made them in the summer strike of 1905."
    )
    return Book("Results and Prospects", "Leon Trotsky", chapters, notes={(0, 1): "Written in prison, 1906."}, date="1906-09-01", language="en")  # fmt: skip


def _books():
    from tests.formats.make import docx, epub, pdf

    book = _book()
    return {"results.pdf": pdf(book), "results.epub": epub(book), "results.docx": docx(book)}


@pytest.mark.parametrize("name", ["results.pdf", "results.epub", "results.docx"])
async def test_a_book_is_added_with_its_metadata_quotable_and_recognised_again(tmp_path, name):
    data = _books()[name]
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        librarian = Librarian(store, commands.shelf)
        added = await librarian.add(data, name)
        article = added.article
        assert added.new
        assert (article.title, article.author) == ("Results and Prospects", "Leon Trotsky")
        # An EPUB states when it was published; a PDF's or a Word file's date is when the file
        # was made, which is not the text's: left empty, never guessed.
        assert str(article.date) == ("1906-09-01" if name.endswith(".epub") else "None")
        assert len(article.paragraphs) >= 18
        if not name.endswith(".docx"):  # python-docx writes no footnotes
            assert article.paragraphs[-1].text.endswith("Written in prison, 1906.")  # apart, last
        [hit, *_] = commands.index.search("the workers of ivanovo made them in the summer strike")
        assert hit.passage.article_id == article.id
        again = await librarian.add(data, "copy-" + name)
        assert not again.new
        restarted = Commands(load_library(SEEDS))
        assert await Librarian(store, restarted.shelf).sync() == 1
        back = restarted.library.get(article.id)
        assert back is not None
        assert back.paragraphs == article.paragraphs
    finally:
        await store.close()


def test_a_book_date_in_the_text_wins_over_the_files_own_date():
    from tests.formats.make import lines_pdf

    dated = lines_pdf([["Workers' Liberty", "", "Wednesday, 5 March 2025", "", "  The strike at the depot entered its third week on Monday, and the", "drivers show no sign of going back without a settled deal, they say."]])  # fmt: skip
    assert str(prepare(dated, "strike.pdf", 6, set()).article.date) == "2025-03-05"


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("essay.odt", "this is .odt: save it as .docx or PDF"),
        ("essay.doc", "this is .doc: save it as .docx"),
        ("essay.rtf", "this is .rtf: save it as .docx or PDF"),
        ("book.mobi", "this is .mobi: convert it to EPUB with Calibre"),
        ("book.azw3", "this is .azw3: convert it to EPUB with Calibre"),
        ("noending", "this one has no ending."),
    ],
)
def test_other_kinds_of_file_are_refused_with_how_to_convert_them(name, advice):
    with pytest.raises(IngestError) as caught:
        prepare(b"anything", name, 6, set())
    message = str(caught.value)
    assert message.startswith(
        f"{name}: I take .txt, .md, .muse, .html, .pdf, .epub and .docx files;"
    )
    assert advice in message


def test_books_may_be_20_mb_and_text_2_mb():
    with pytest.raises(IngestError) as caught:
        prepare(b"%PDF-1.4\n" + b"0" * 20_000_000, "huge.pdf", 6, set())
    assert "huge.pdf is too big: the limit is 20 MB for a PDF, EPUB or Word file" in str(caught.value)  # fmt: skip
    with pytest.raises(IngestError) as caught:
        prepare(b"x" * 2_000_001, "huge.txt", 6, set())
    assert "huge.txt is too big: the limit is 2 MB for a text file" in str(caught.value)


async def test_a_refused_book_adds_nothing(tmp_path):
    from tests.formats.make import lines_pdf

    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        librarian = Librarian(store, commands.shelf)
        locked = lines_pdf([["  Words behind a password, long enough to be a line of a page."]], password="x")  # fmt: skip
        for name, data, reason in [
            ("locked.pdf", locked, "locked with a password. Send an unlocked copy"),
            ("bomb.epub", _zip_bomb(), "zip bomb"),
            ("bomb.docx", _zip_bomb(), "zip bomb"),
        ]:
            with pytest.raises(IngestError) as caught:
                await librarian.add(data, name)
            assert str(caught.value).startswith(f"{name}: ")
            assert reason in str(caught.value)
        assert len(commands.library) == 5
        assert await store.added_articles() == []
    finally:
        await store.close()


async def test_reading_a_book_does_not_block_the_event_loop(tmp_path):
    """While a PDF is read, the loop keeps ticking (the reading runs in a worker thread)."""
    from tests.formats.make import pdf

    data = pdf(_book())
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        librarian = Librarian(store, Commands(load_library(SEEDS)).shelf)
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        await librarian.add(data, "results.pdf")
        ticker.cancel()
        assert ticks >= 5
    finally:
        await store.close()


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SUFFIXES = [".pdf", ".epub", ".docx"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4000), suffix=st.sampled_from(_SUFFIXES), head=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04"]))  # fmt: skip
def test_random_bytes_never_crash_prepare(data, suffix, head):
    name = f"random{suffix}"
    with pytest.raises(IngestError) as caught:
        prepare(head + data, name, 6, set())
    assert name in str(caught.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(["results.pdf", "results.epub", "results.docx"]), cut=st.floats(0, 1), flip=st.integers(0, 10**6))  # fmt: skip
def test_damaged_real_files_give_an_answer_naming_the_file(which, cut, flip):
    data = bytearray(_BOOKS[which][: int(len(_BOOKS[which]) * cut)])
    if data and flip % 3 == 0:
        data[flip % len(data)] ^= 0xFF
    try:
        prepared = prepare(bytes(data), which, 6, set())
    except IngestError as exc:
        refusal = str(exc)
    else:
        refusal = ""
        assert prepared.article.paragraphs  # what can still be read is read, never empty
    assert not refusal or which in refusal


_BOOKS = _books()


def test_the_command_line_adds_books_from_a_folder(tmp_path):
    (tmp_path / "config.toml").write_text(f'[storage]\ndatabase = "{tmp_path / "db.sqlite3"}"\n[library]\npath = "{SEEDS}"\n', encoding="utf-8")  # fmt: skip
    folder = tmp_path / "books"
    folder.mkdir()
    for name, data in _BOOKS.items():
        (folder / name).write_bytes(data)
    (folder / "essay.odt").write_bytes(b"PK\x03\x04")
    added = run("add", str(folder), str(folder / "essay.odt"), cwd=tmp_path)
    assert "added results-and-prospects: Results and Prospects" in added.stdout
    assert "3 added, 0 already in the library, 1 refused." in added.stdout  # three readings
    assert "essay.odt: I take .txt, .md, .muse, .html, .pdf, .epub and .docx files" in added.stderr


async def test_a_copy_of_any_seed_is_the_seed_already_there(tmp_path):
    """A byte-identical copy of each seed, added, is recognised: trumps-world-order's catalog
    standfirst made its body differ from what the copy alone reads."""
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        librarian = Librarian(store, commands.shelf)
        for path in sorted(SEEDS.glob("*.txt")):
            added = await librarian.add(path.read_bytes(), f"copy-{path.name}")
            assert not added.new, path.name
            assert added.article.path == path
        assert len(commands.library) == 5
        assert await store.added_articles() == []
        assert commands.articles("newest").text().count("Trump’s World Order") == 1
    finally:
        await store.close()


def test_a_muse_file_is_taken_and_its_parsed_form_keeps_a_partial_date_and_the_url():
    from bot.ingest import pack, unpack
    from bot.library import format_date

    muse = SEEDS.parent / "tests" / "data" / "kropotkin-letter-on-the-present-war.muse"
    article = prepare(muse.read_bytes(), "letter.muse", 6, set()).article
    assert (article.title, format_date(article.date)) == (
        "A Letter on the Present War",
        "October 1914",
    )
    back = unpack(pack(article), article.id, 6, article.path)
    assert format_date(back.date) == "October 1914"
    assert (back.url, back.language) == (article.url, "en")


async def test_an_add_waiting_for_answers_and_the_sync_meeting_it_lose_no_article(tmp_path):
    """An admin's add waits for the answers reading the library; the ten-second sync may find
    it in the database meanwhile, beside an article added from the command line."""
    import threading

    from bot.worker import Worker

    commands = Commands(load_library(SEEDS))
    worker = Worker()
    commands.shelf.worker = worker
    store = await Store.open(tmp_path / "db.sqlite3")
    other = await Store.open(tmp_path / "db.sqlite3")  # the command line, another process
    release = threading.Event()
    try:
        librarian = Librarian(store, commands.shelf)
        reading = asyncio.ensure_future(worker.read_long(release.wait, 10))  # a long answer
        text = (
            "Strike\n\n"
            + "The depot is out on strike for the third week running, and the drivers hold firm. "
            * 5
        )
        adding = asyncio.ensure_future(librarian.add(text.encode(), "strike.txt"))
        async with asyncio.timeout(10):
            while not await store.added_articles():  # noqa: ASYNC110 - another task's write
                await asyncio.sleep(0.01)  # saved; its change waits for the answer
        cli = (
            "Picket\n\n"
            + "The picket line at the gate held from dawn until the evening shift came. " * 5
        )
        await Librarian(other, Commands(load_library(SEEDS)).shelf).add(cli.encode(), "picket.txt")
        syncing = asyncio.ensure_future(librarian.sync())
        release.set()
        await asyncio.gather(reading, adding, syncing)
        await librarian.sync()
        titles = {a.title for a in commands.library.articles}
        assert {"Strike", "Picket"} <= titles
        assert len(commands.library) == 7
    finally:
        release.set()
        await other.close()
        await store.close()
        worker.close()


@pytest.mark.parametrize("kind", ["epub", "docx"])
async def test_a_books_short_opening_paragraph_is_its_text_not_taken_for_its_title(tmp_path, kind):
    from tests.formats import make

    opening = (
        "The party is not the goal of the movement but its tool. Whoever puts it first has lost."
    )
    book = make.Book("The Party Question", "Karl Weber", [("The Party Question", [
        opening, "Some say the masses are not ready for power. The councils proved otherwise.",
        "Therefore the party must serve the councils, and not the other way round.",
    ])])  # fmt: skip
    data = make.epub(book) if kind == "epub" else make.docx(book)
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        commands = Commands(load_library(SEEDS))
        added = await Librarian(store, commands.shelf).add(data, f"party.{kind}")
        assert added.article.title == "The Party Question"
        assert [p.text for p in added.article.paragraphs] == [opening, *book.chapters[0][1][1:]]
    finally:
        await store.close()
