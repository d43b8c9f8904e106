"""Adding and removing articles through the chat; quotable at once; kept across a restart."""

from __future__ import annotations

import asyncio

from bot.commands import Commands
from bot.library import load_library
from tests.auxil.botapi import parse_telegram_html
from tests.conftest import SEEDS, start_bot, stop_bot

CURATOR = 777
GROUP = -100888
ADMIN = 900

STRIKE = (
    "Workers' Liberty\n\nSolidarity with the strikers\n\nWednesday, 5 March 2025\n\n"
    "Above: pickets outside the depot at dawn\n\n"
    "The strike at the depot entered its third week on Monday, and the drivers show no sign of "
    "going back without a settled deal.\n\n"
    "Management had hoped that a promise of a review would divide the workforce. Instead it "
    "united them, and the union branch voted by a large majority to continue.\n\n"
    "Article by Jane Doe\n\nShare this article\n"
)
PAGE = (
    "<html><head><title>On the mass strike</title><meta name='author' content='Rosa Luxemburg'>"
    "</head><body><nav>Home | Donate</nav><article><h1>On the mass strike</h1>"
    "<p>The mass strike is not artificially made, not decided at random, not propagated, but it is "
    "a historical phenomenon which, at a given moment, results from social conditions with "
    "historical inevitability.</p><p>It is therefore not by abstract speculations that the "
    "question can be discussed, but only by an examination of the factors out of which the mass "
    "strike grows in the present phase of the class struggle.</p></article>"
    "<footer>Subscribe to our newsletter</footer><script>alert(1)</script></body></html>"
)


def fresh_commands() -> Commands:
    return Commands(load_library(SEEDS))  # its own library: adding must not touch the shared one


async def bot_with_curator(botapi, tmp_path):
    return await start_bot(botapi, fresh_commands(), tmp_path / "db.sqlite3", admins=[CURATOR])


def texts(calls):
    return [parse_telegram_html(c.params["text"]) for c in calls]


async def test_a_curator_adds_files_that_are_quotable_at_once_and_after_a_restart(botapi, tmp_path):
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.send_file("strike.txt", STRIKE.encode(), user_id=CURATOR)
        botapi.send_file("strike-again.txt", STRIKE.replace("  ", " ").encode(), user_id=CURATOR)
        botapi.send_file("mass-strike.html", PAGE.encode(), user_id=CURATOR)
        botapi.send_file("notes.md", b"# Notes on method\n\nWe read the texts **together**, paragraph by paragraph, and argue about every line of them.\n", user_id=CURATOR)  # fmt: skip
        replies = texts(await botapi.wait_for_messages(4))
        added, again, page, notes = replies
        assert added.startswith("Added: Solidarity with the strikers")
        for line in ("Publication: Workers' Liberty", "Date: 5 March 2025", "Author: Jane Doe",
                     "52 words in 2 paragraphs", "Number 6, id solidarity-with-the-strikers"):  # fmt: skip
            assert line in added
        assert "photo caption" in added
        assert "share or comment widget" in added
        assert again.startswith("Already in the library: Solidarity with the strikers")
        assert page.startswith("Added: On the mass strike")
        assert "Author: Rosa Luxemburg" in page
        assert notes.startswith("Added: Notes on method")
        botapi.send_text("/quote the mass strike is not artificialy made", user_id=501)
        [quote] = texts((await botapi.wait_for_messages(5))[4:])
        assert "on-the-mass-strike ¶1" in quote
    finally:
        await stop_bot(bot)
    bot = await bot_with_curator(botapi, tmp_path)  # a restart: nothing re-imported by hand
    try:
        botapi.send_text("/quote drivers show no sign of going back", user_id=501)
        botapi.send_text("/articles newest", user_id=501)
        *_, quote, listing = texts(await botapi.wait_for_messages(7))
        assert "solidarity-with-the-strikers ¶1" in quote
        assert listing.index("Notes on method") < listing.index("The twisted logic")
    finally:
        await stop_bot(bot)


async def test_bad_files_are_refused_with_a_reason_and_nothing_is_added(botapi, tmp_path):
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        files = [
            ("scan.pdf", b"%PDF-1.4 binary"),
            ("image.txt", bytes(range(256)) * 4),
            (
                "latin1.txt",
                "Caf\xe9 society, once more, in the words of the workers who serve it.".encode(
                    "latin-1"
                ),
            ),
            ("empty.txt", b"   \n\n  "),
            ("furniture.txt", b"Share this article\n\nNo comments:\n\nPost a Comment\n"),
        ]
        for name, data in files:
            botapi.send_file(name, data, user_id=CURATOR)
        refusals = texts(await botapi.wait_for_messages(len(files)))
        assert "scan.pdf: I could not read it as a PDF; it may be damaged" in refusals[0]
        assert "is not a text file" in refusals[1]
        assert "is not UTF-8 text (line 1" in refusals[2]
        assert "is empty" in refusals[3]
        assert "no article text in it" in refusals[4]
        assert len(bot.application.bot_data.commands.library) == 5
        assert await bot.store.added_articles() == []
    finally:
        await stop_bot(bot)


async def test_too_big_and_not_allowed(botapi, tmp_path):
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.send_file("huge.txt", b"word " * 500_000, user_id=CURATOR)
        botapi.send_file("strike.txt", STRIKE.encode(), user_id=501)  # not a curator
        big, refused = texts(await botapi.wait_for_messages(2))
        assert "is too big: the limit is 2 MB" in big
        assert "Only the bot's admins" in refused
    finally:
        await stop_bot(bot)


async def test_in_a_group_files_need_the_add_caption_and_an_admin(botapi, tmp_path):
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.chat(GROUP, "supergroup")
        botapi.admins.add(ADMIN)
        botapi.send_file("minutes.txt", STRIKE.encode(), chat_id=GROUP, user_id=ADMIN)  # shared
        botapi.send_file("strike.txt", STRIKE.encode(), chat_id=GROUP, caption="/add@ReadingGroupBot", user_id=501)  # fmt: skip
        botapi.send_file("strike.txt", STRIKE.encode(), chat_id=GROUP, caption="/add@ReadingGroupBot", user_id=ADMIN)  # fmt: skip
        refused, added = texts(await botapi.wait_for_messages(2, GROUP))
        await asyncio.sleep(0.3)
        assert len(botapi.sent(GROUP)) == 2  # the file shared without /add was left alone
        assert "Only the bot's admins, or a group's admins" in refused
        assert added.startswith("Added: Solidarity with the strikers")
        botapi.send_text("/remove@ReadingGroupBot 6", chat_id=GROUP, user_id=501)
        botapi.send_text("/remove@ReadingGroupBot solidarity-with-the-strikers", chat_id=GROUP, user_id=ADMIN)  # fmt: skip
        botapi.send_text("/quote@ReadingGroupBot drivers show no sign of going back", chat_id=GROUP)
        no, removed, quote = texts((await botapi.wait_for_messages(5, GROUP))[2:])
        assert "Only the bot's admins" in no
        assert removed.startswith("Removed Solidarity with the strikers")
        assert "solidarity-with-the-strikers" not in quote
    finally:
        await stop_bot(bot)


def zip_bomb(member: str) -> bytes:
    """A small zip holding one member that inflates to 50 MB."""
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, b"\0" * 50_000_000)
    return bomb.getvalue()


async def test_hostile_uploads_are_refused_or_cleaned_and_nothing_is_half_added(botapi, tmp_path):
    bomb = zip_bomb("bomb.txt")
    script = (
        "<html><head><title>Picket report</title><script>alert('INJECTED')</script></head>"
        "<body onload=\"alert('INJECTED')\"><article><h1>Picket report</h1>"
        + "".join(f"<p>{p}<script>alert('INJECTED')</script></p>" for p in STRIKE.split("\n\n"))
        + "</article></body></html>"
    )
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.send_file("<b>bomb</b>\u202e.txt", bomb, user_id=CURATOR)
        botapi.send_file("report.html", script.encode(), user_id=CURATOR)
        refused, added = texts(await botapi.wait_for_messages(2))
        assert not botapi.refused()  # the hostile name was escaped
        assert refused.startswith("<b>bomb</b>\u202e.txt is not a text file")
        assert added.startswith("Added: Picket report")
        botapi.send_text("/quote drivers show no sign of going back")
        [quote] = texts((await botapi.wait_for_messages(3))[2:])
        assert "Picket report" in quote
        assert "INJECTED" not in quote
        assert len(await bot.store.added_articles()) == 1
    finally:
        await stop_bot(bot)


def _book():
    from tests.formats.make import Book

    chapters = [
        ("The Mass Strike", [
            f"Paragraph {p}: the mass strike in Russia was not a single act but a whole period of the class struggle, lasting for years, with its ebbs and its floods."
            for p in range(1, 25)
        ]),
    ]  # fmt: skip
    chapters[0][1][23] = (
        "The bakers of Odessa struck first, and within a week the printers, the dockers and the tramwaymen had followed them into the streets."
    )
    return Book("The Mass Strike, the Political Party and the Trade Unions", "Rosa Luxemburg", chapters, notes={(0, 3): "Written in Kuokkala, Finland, in 1906."}, date="1906-09-15")  # fmt: skip


async def test_a_pdf_is_added_and_a_sentence_from_its_second_page_is_quoted(botapi, tmp_path):
    from bot.formats.pdf import read_pages
    from tests.formats.make import pdf

    data = pdf(_book(), title_page=False)
    second = " ".join(line.text for line in read_pages(data).lines[1])
    assert "bakers of Odessa" in second  # the sentence quoted below is on page 2
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.send_file("mass-strike.pdf", data, user_id=CURATOR)
        [added] = texts(await botapi.wait_for_messages(1))
        assert added.startswith("Added: The Mass Strike, the Political Party and the Trade Unions")
        assert "Author: Rosa Luxemburg" in added
        assert "words in 26 paragraphs" in added  # 24, the Notes heading and the note
        botapi.send_text("/quote the bakers of odessa struck first and within a week the printers", user_id=501)  # fmt: skip
        [quote] = texts((await botapi.wait_for_messages(2))[1:])
        assert "The bakers of Odessa struck first" in quote
        assert "the-mass-strike-the-political ¶24" in quote
    finally:
        await stop_bot(bot)


async def test_an_epub_and_a_word_file_are_added_in_a_group_with_the_add_caption(botapi, tmp_path):
    from tests.formats.make import docx, epub

    book = _book()
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        botapi.chat(GROUP, "supergroup")
        botapi.admins.add(ADMIN)
        botapi.send_file("mass-strike.epub", epub(book), chat_id=GROUP, caption="/add@ReadingGroupBot", user_id=ADMIN)  # fmt: skip
        word = book.chapters[0][1][:]
        word[23] = (
            "The printers of Moscow struck for the right to be paid for punctuation marks, and the whole city followed."
        )
        book.chapters[0] = ("The Mass Strike", word)
        book.title = "Strike notes"
        botapi.send_file("notes.docx", docx(book), chat_id=GROUP, caption="/add", user_id=ADMIN)
        from_epub, from_word = texts(await botapi.wait_for_messages(2, GROUP))
        assert from_epub.startswith(
            "Added: The Mass Strike, the Political Party and the Trade Unions"
        )
        assert "Date: 15 September 1906" in from_epub
        assert "Author: Rosa Luxemburg" in from_epub
        assert from_word.startswith("Added: Strike notes")
        assert "Author: Rosa Luxemburg" in from_word
        botapi.send_text("/quote@ReadingGroupBot paid for punctuation marks", chat_id=GROUP)
        [quote] = texts((await botapi.wait_for_messages(3, GROUP))[2:])
        assert "strike-notes ¶" in quote
    finally:
        await stop_bot(bot)


async def test_bad_books_get_one_clear_answer_and_nothing_is_added(botapi, tmp_path):
    from tests.formats.make import lines_pdf

    bomb = zip_bomb("OEBPS/chapter.xhtml")
    bot = await bot_with_curator(botapi, tmp_path)
    try:
        files = [
            ("locked.pdf", lines_pdf([["  Words behind a password."]], password="secret")),
            ("bomb.epub", bomb),
            ("essay.odt", b"PK\x03\x04 an OpenDocument text"),
            ("book.mobi", b"BOOKMOBI"),
            ("huge.pdf", b"%PDF-1.4\n" + b"0" * 20_500_000),
        ]
        for name, data in files:
            botapi.send_file(name, data, user_id=CURATOR)
        locked, bomb_answer, odt, mobi, huge = texts(await botapi.wait_for_messages(len(files)))
        assert locked.startswith("locked.pdf: it is locked with a password. Send an unlocked copy")
        assert bomb_answer.startswith("bomb.epub: it would inflate to 50 MB: that is a zip bomb")
        assert (
            odt
            == "essay.odt: I take .txt, .md, .muse, .html, .pdf, .epub and .docx files; this is .odt: save it as .docx or PDF (File > Save As in LibreOffice) and send that."
        )
        assert "convert it to EPUB with Calibre" in mobi
        assert huge.startswith(
            "huge.pdf is too big: the limit is 20 MB for a PDF, EPUB or Word file, and it is 20.5 MB."
        )
        assert len(bot.application.bot_data.commands.library) == 5
        assert await bot.store.added_articles() == []
    finally:
        await stop_bot(bot)
