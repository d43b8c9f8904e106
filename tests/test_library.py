"""The catalog, passages and references, and the errors a broken library gives."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.library import (
    Library,
    LibraryError,
    Paragraph,
    StoredParagraphs,
    TextFile,
    article_from_text,
    format_date,
    load_library,
)
from bot.text import normalise, sentence_spans
from bot.worker import FORKS
from tests.conftest import SEEDS


def test_catalog_metadata_is_what_the_texts_state(library):
    expected = {
        "pro-putin-left": ("The twisted logic of the pro-Putin left", "", "", None),
        "putin-v-prigozhin": ("Putin v Prigozhin – Moscowpades on Ice", "", "Dreyfus", None),
        "no-peace-with-empire": (
            "There is no making “peace” with the empire or its proxies. Principled resistance "
            "is the only path forward.",
            "",
            "",
            date(2025, 8, 12),
        ),
        "trumps-world-order": (
            "Trump’s World Order—and Putin’s?",
            "The Spark",
            "",
            date(2025, 3, 17),
        ),
        "progressive-bloc": (
            "Revolution in the 'progressive' bloc",
            "Socialist Worker",
            "",
            date(2012, 6, 19),
        ),
    }
    assert [a.id for a in library.articles] == list(expected)
    for article in library.articles:
        title, publication, author, when = expected[article.id]
        assert (article.title, article.publication, article.author, article.date) == (
            title,
            publication,
            author,
            when,
        )


def test_no_metadata_is_invented(library):
    """Every stated field appears in the article's own file."""
    for article in library.articles:
        raw = normalise(article.path.read_text(encoding="utf-8"))
        for value in (article.title, article.publication, article.author, article.standfirst):
            assert normalise(value) in raw, (article.id, value)
        if article.date:
            assert str(article.date.year) in raw
            assert str(article.date.day) in raw


# SHA-256 of the five files in ../shared/seeds/, taken when they were copied in.
SHARED_SEEDS = {
    "000_07a1c362d617318b.txt": "b3555fb8523f7d85e447e165ba6730121357d736bf87d1a4682d0cc9a696b544",
    "001_e6f3a08007a2bc1a.txt": "9a7cc6521c80a150ca834727e9cbc999b6b3e671323c5eac8decbd55ff7a14b9",
    "002_7c48e2a291217d54.txt": "3793a16278f5f30a932971e2eac08e4ed27371b699c2aac1d468f091beccd85c",
    "003_6733eafdf7736935.txt": "d7da762e236b7371821621e8c3ac839ac88ee9227b32f1a9a33fd4fd22ab955e",
    "004_8c572ea15cafd315.txt": "0a542020f2329eb3115e396a0f1cd9ce382ada82d0271b88541fd6decd07f365",
}


def test_seed_files_are_the_shared_seeds_unchanged():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    assert found == SHARED_SEEDS


def test_standfirst_is_not_repeated_in_the_body(library):
    article = library.get("trumps-world-order")
    assert article.standfirst.startswith("The following is excerpted")
    assert article.paragraphs[0].text.startswith("On the third anniversary")


def test_references_name_paragraphs_and_sentences(library):
    passage = library.resolve("putin-v-prigozhin ¶7")
    assert passage.text.startswith("But Putin’s victory may prove pyrrhic.")
    assert passage.ref == "putin-v-prigozhin ¶7"
    sentence = library.resolve("pro-putin-left ¶1.3")
    assert sentence.text == (
        "The world is reverting to multi-polarity and inter-imperialist rivalry as the film of "
        "globalisation is wound off backwards."
    )
    assert library.resolve("pro-putin-left ¶1.3-4").ref == "pro-putin-left ¶1.3-4"
    for bad in (
        "pro-putin-left ¶2",
        "pro-putin-left ¶1.99",
        "nope ¶1",
        "¶1",
        "pro-putin-left ¶1.4-2",
    ):
        assert library.resolve(bad) is None, bad


def test_every_reference_resolves_back_to_its_passage(library):
    for article in library.articles:
        for para in article.paragraphs:
            assert library.resolve(f"{article.id} ¶{para.number}").text == para.text
            for s in range(1, len(para.sentences) + 1):
                passage = article.passage(para.number, s)
                assert library.resolve(passage.ref) == passage


def test_the_one_paragraph_article_is_addressable_by_sentence(library):
    [para] = library.get("pro-putin-left").paragraphs
    assert len(para.text) > 2000
    assert len(para.sentences) == 15
    assert max(e - s for s, e in para.sentences) < 400


def test_a_paragraph_keeps_its_sentences_and_cannot_be_changed():
    text = "Any peace is only a truce.  The war goes on."
    para = Paragraph(3, text, sentence_spans(text))
    assert [text[s:e] for s, e in para.sentences] == [
        "Any peace is only a truce.",
        "The war goes on.",
    ]
    assert Paragraph(1, "One sentence.", [(0, 13)]).sentences == ((0, 13),)
    assert Paragraph(1, "   ", []).sentences == ()
    assert para == Paragraph(3, text, tuple(sentence_spans(text)))
    assert len({para, Paragraph(3, text, sentence_spans(text))}) == 1
    assert para != Paragraph(4, text, sentence_spans(text))
    with pytest.raises(AttributeError):
        para.text = "Another text."  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2", ["putin-v-prigozhin"]),
        ("#4", ["trumps-world-order"]),
        ("progressive-bloc", ["progressive-bloc"]),
        ("prigozhin", ["putin-v-prigozhin"]),
        ("twisted logic", ["pro-putin-left"]),
        ("trump's world order", ["trumps-world-order"]),
        ("9", []),
        ("chocolate", []),
    ],
)
def test_find_article_by_number_id_or_fuzzy_title(library, query, expected):
    assert [a.id for a in library.find_article(query)] == expected


# --- errors ---------------------------------------------------------------------------------


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(SEEDS, folder)
    return folder


def _error(folder: Path) -> str:
    with pytest.raises(LibraryError) as caught:
        load_library(folder)
    return str(caught.value)


def test_malformed_catalog_names_the_file_and_line(seeds_copy):
    catalog = seeds_copy / "catalog.toml"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    lines[10] = 'id = "broken'
    catalog.write_text("\n".join(lines), encoding="utf-8")
    message = _error(seeds_copy)
    assert "catalog.toml" in message
    assert "line 11" in message


def test_unknown_catalog_key_is_named(seeds_copy):
    catalog = seeds_copy / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + 'auther = "x"\n', encoding="utf-8")
    message = _error(seeds_copy)
    assert "article #5" in message
    assert "'auther'" in message


def test_bad_catalog_date_is_named(seeds_copy):
    catalog = seeds_copy / "catalog.toml"
    text = catalog.read_text(encoding="utf-8").replace('"2025-03-17"', '"17/03/2025"')
    catalog.write_text(text, encoding="utf-8")
    message = _error(seeds_copy)
    assert "article #4" in message
    assert "'date'" in message
    assert "2025-08-12" in message


def test_missing_article_file_is_named(seeds_copy):
    (seeds_copy / "003_6733eafdf7736935.txt").unlink()
    message = _error(seeds_copy)
    assert "article #4" in message
    assert "003_6733eafdf7736935.txt" in message
    assert "not found" in message


def test_empty_article_file_is_named(seeds_copy):
    (seeds_copy / "001_e6f3a08007a2bc1a.txt").write_text("  \n\n", encoding="utf-8")
    message = _error(seeds_copy)
    assert "001_e6f3a08007a2bc1a.txt" in message
    assert "empty" in message


def test_non_utf8_article_names_the_file_and_line(seeds_copy):
    path = seeds_copy / "004_8c572ea15cafd315.txt"
    cp1252 = path.read_bytes().replace("workers’".encode(), "workers’".encode("cp1252"), 1)
    path.write_bytes(cp1252)
    message = _error(seeds_copy)
    assert "004_8c572ea15cafd315.txt" in message
    assert "line 7" in message
    assert "UTF-8" in message


def test_an_article_of_nothing_but_furniture_is_refused(seeds_copy):
    (seeds_copy / "extra.txt").write_text("Share this article\n\nNo comments:\n", encoding="utf-8")
    assert "extra.txt" in _error(seeds_copy)


def test_duplicate_ids_are_refused(seeds_copy):
    catalog = seeds_copy / "catalog.toml"
    text = catalog.read_text(encoding="utf-8").replace('"progressive-bloc"', '"pro-putin-left"')
    catalog.write_text(text, encoding="utf-8")
    assert "used twice" in _error(seeds_copy)


def test_files_outside_the_catalog_are_loaded_with_detected_metadata(seeds_copy):
    from tests.test_furniture import NEW_ARTICLE

    (seeds_copy / "strike.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    library = load_library(seeds_copy)
    article = library.articles[-1]
    assert (article.number, article.id) == (6, "solidarity-with-the-strikers")
    assert article.author == "Jane Doe"
    assert article.publication == "Workers' Liberty"


def test_missing_library_folder(tmp_path):
    assert "library folder not found" in _error(tmp_path / "nowhere")


def test_a_markdown_article_reads_as_its_plain_text(seeds_copy):
    (seeds_copy / "zz-strike.md").write_text(
        "# Solidarity with the strikers\n\n![pickets](pickets.jpg)\n\n"
        "The strike at the depot entered its **third week** on Monday, and the drivers show no "
        "sign of going back without a [settled deal](https://example.org/deal).\n",
        encoding="utf-8",
    )
    article = load_library(seeds_copy).articles[-1]
    assert article.title == "Solidarity with the strikers"
    assert [p.text for p in article.paragraphs] == [
        "The strike at the depot entered its third week on Monday, and the drivers show no sign "
        "of going back without a settled deal."
    ]


# --- copies of articles already in the library ----------------------------------------------


def test_a_copy_of_any_seed_file_has_one_of_its_fingerprints():
    """`bot add` of a byte-identical copy of a seed must find the seed: the copy is read
    without the catalog, so where the catalog changed the body (trumps-world-order's
    standfirst is in the catalog, not found in the text) the seed keeps its file's print too."""
    from bot.ingest import prepare

    library = load_library(SEEDS)
    for article in library.articles:
        copy = prepare(article.path.read_bytes(), article.path.name, 6, set())
        assert copy.fingerprint in article.fingerprints, article.id
    changed = library.get("trumps-world-order")
    assert len(changed.fingerprints) == 2
    assert all(len(a.fingerprints) == 1 for a in library.articles if a is not changed)


def test_a_copy_whatever_its_spacing_quotes_or_case_has_the_same_fingerprint(seeds_copy):
    path = seeds_copy / "001_e6f3a08007a2bc1a.txt"
    text = path.read_text(encoding="utf-8")
    (seeds_copy / "zz-copy.txt").write_text(
        text.replace("’", "'").replace("  ", " ").upper(), encoding="utf-8"
    )
    library = load_library(seeds_copy)
    assert library.get("putin-v-prigozhin").fingerprints & library.articles[-1].fingerprints


# --- sources, languages and dates in the folder ------------------------------------------------


def test_muse_files_in_the_folder_are_loaded(seeds_copy):
    from tests.test_sources import DATA

    shutil.copy(DATA / "kropotkin-letter-on-the-present-war.muse", seeds_copy)
    letter = load_library(seeds_copy).articles[-1]
    assert (letter.title, letter.language) == ("A Letter on the Present War", "en")


def test_the_catalog_may_state_a_month_a_year_and_a_language(seeds_copy):
    catalog = seeds_copy / "catalog.toml"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace('date = ""  # the text names', 'date = "1914-10"\nlanguage = "en"  #', 1)
    text = text.replace('date = "2012-06-19"', 'date = "1892"', 1)
    catalog.write_text(text, encoding="utf-8")
    library = load_library(seeds_copy)
    assert format_date(library.get("putin-v-prigozhin").date) == "October 1914"
    assert library.get("putin-v-prigozhin").language == "en"
    assert format_date(library.get("progressive-bloc").date) == "1892"


def test_a_passage_is_found_however_a_member_types_its_reference(library):
    for typed in (
        "putin-v-prigozhin ¶7", "putin-v-prigozhin 7", "2 ¶7", "2:7", "prigozhin 7",
        "2 p7", "2 #7", "2 para 7", "2 paragraph 7", "putin v prigozhin 7",
    ):  # fmt: skip
        passage = library.find_passage(typed)
        assert passage is not None, typed
        assert passage.ref == "putin-v-prigozhin ¶7", typed
    assert library.find_passage("prigozhin 7.2").ref == "putin-v-prigozhin ¶7.2"
    assert library.find_passage("2 ¶7.1-2").ref == "putin-v-prigozhin ¶7.1-2"
    for unknown in ("¶7", "2:999", "nonsense 3", ""):
        assert library.find_passage(unknown) is None, unknown


def test_an_articles_texts_are_its_paragraphs_texts_in_order(library):
    for article in library.articles:
        assert article.texts() == [p.text for p in article.paragraphs]
        assert article.texts() == [
            article.passage(n).text for n in range(1, len(article.paragraphs) + 1)
        ]


# --- a large library: its texts in a file -------------------------------------------------


def _aside(folder: Path, in_memory: int = 0) -> Library:
    """The seeds as a library whose texts pass ``in_memory`` characters: kept in a file."""
    return Library(load_library(SEEDS).articles, SEEDS, texts_folder=folder, in_memory=in_memory)


def test_a_large_librarys_texts_are_read_from_a_file_as_they_were(library, tmp_path):
    aside = _aside(tmp_path)
    assert aside.texts_file is not None
    assert library.texts_file is None
    assert aside.texts_file.size == sum(
        len(p.text.encode()) for a in library.articles for p in a.paragraphs
    )
    for kept, article in zip(library.articles, aside.articles, strict=True):
        assert isinstance(article.paragraphs, StoredParagraphs)
        assert article.paragraphs == kept.paragraphs
        assert kept.paragraphs == article.paragraphs
        assert list(article.paragraphs) == kept.paragraphs
        assert article.texts() == kept.texts()
        assert article.characters == kept.characters == sum(map(len, kept.texts()))
        assert article.paragraphs[1:4] == kept.paragraphs[1:4]
        assert article.paragraphs[::2] == kept.paragraphs[::2]
        assert article.paragraphs[-1] == kept.paragraphs[-1]
        assert article.paragraphs[5:2] == []
        with pytest.raises(IndexError):
            article.paragraphs[len(kept.paragraphs)]
        assert article.words == kept.words
        assert article.fingerprints == kept.fingerprints
        for para in kept.paragraphs:
            stored = article.paragraphs[para.number - 1]
            assert (stored.number, stored.text, stored.sentences) == (
                para.number, para.text, para.sentences,
            )  # fmt: skip
            assert stored == para
            assert hash(stored) == hash(para)
            for ref in _refs(kept.id, para):
                assert aside.resolve(ref) == library.resolve(ref), ref
    assert list(tmp_path.iterdir()) == []  # the file has no name: nothing outlives the process


def _refs(article_id: str, para: Paragraph) -> list[str]:
    count = len(para.sentences)
    refs = [f"{article_id} ¶{para.number}", f"{article_id} ¶{para.number}.{count}"]
    return refs + ([f"{article_id} ¶{para.number}.1-{count}"] if count > 1 else [])


def test_a_library_growing_past_the_limit_moves_every_text_to_the_file(library, tmp_path):
    first, *others = load_library(SEEDS).articles
    grown = Library([first], SEEDS, texts_folder=tmp_path, in_memory=first.characters)
    assert grown.texts_file is None  # at the limit, still in memory
    for article in others:
        grown.add(article)
    assert grown.texts_file is not None
    assert all(isinstance(a.paragraphs, StoredParagraphs) for a in grown.articles)
    assert [a.texts() for a in grown.articles] == [a.texts() for a in library.articles]


def test_a_removed_articles_text_is_never_served_for_another(library, tmp_path):
    aside = _aside(tmp_path)
    gone = aside.remove("putin-v-prigozhin")
    size = aside.texts_file.size
    other = article_from_text(
        "A new article\n\nIts only paragraph, with words of its own. And a second sentence.\n",
        Path("new.txt"),
        len(aside) + 1,
        {"id": "putin-v-prigozhin"},
    )
    aside.add(other)
    assert aside.texts_file.size > size  # written anew: the removed one's bytes are not reused
    assert aside.resolve("putin-v-prigozhin ¶1").text == (
        "Its only paragraph, with words of its own. And a second sentence."
    )
    assert aside.resolve("putin-v-prigozhin ¶1.2").text == "And a second sentence."
    assert aside.resolve("putin-v-prigozhin ¶2") is None
    assert gone.texts() == library.get("putin-v-prigozhin").texts()  # its own, still


def test_a_text_file_that_lost_bytes_is_never_read_as_text(tmp_path):
    aside = _aside(tmp_path)
    article = aside.articles[-1]
    os.ftruncate(aside.texts_file._fd, aside.texts_file.size - 10)
    with pytest.raises(LibraryError, match="lost bytes"):
        article.texts()
    assert aside.articles[0].paragraphs[0].text  # what is still there reads as written


def test_a_stored_article_pickles_as_the_plain_article(library, tmp_path):
    aside = _aside(tmp_path)
    article = pickle.loads(pickle.dumps(aside.get("pro-putin-left")))
    assert isinstance(article.paragraphs, list)
    assert article.paragraphs == library.get("pro-putin-left").paragraphs


def _read_in_fork(aside: Library, out: Any) -> None:
    first = aside.get("putin-v-prigozhin")
    text = "Forked\n\nA paragraph added in the fork, with words of its own. And a second.\n"
    again = article_from_text(text, Path("f.txt"), 9)
    aside.add(again)  # into a file of the fork's own: the parent's is only read here
    out.send(([a.texts() for a in aside.articles[:-1]], first.passage(2, 1).text, again.texts()))


@pytest.mark.skipif(not FORKS, reason="this system does not fork")
def test_texts_are_read_in_a_forked_process_and_never_written_by_it(library, tmp_path):
    aside = _aside(tmp_path)
    size = aside.texts_file.size
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_fork, args=(aside, send))
    child.start()
    send.close()  # the child's only: if it fails, receiving ends at once
    assert receive.poll(60)
    texts, sentence, added = receive.recv()
    child.join(30)
    assert child.exitcode == 0
    assert texts == [a.texts() for a in library.articles]
    assert sentence == library.get("putin-v-prigozhin").passage(2, 1).text
    assert added == ["A paragraph added in the fork, with words of its own. And a second."]
    assert aside.texts_file.size == size
    assert [a.texts() for a in aside.articles] == texts  # the parent's file as it was


def test_the_texts_are_read_from_threads_at_once(library, tmp_path):
    aside = _aside(tmp_path)
    wanted = [a.texts() for a in library.articles]
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda _: [a.texts() for a in aside.articles], range(40)))
    assert all(f == wanted for f in found)


async def test_a_restart_reads_added_articles_one_by_one_into_the_file(library, tmp_path):
    from bot.commands import Commands
    from bot.ingest import Librarian, apply_stored
    from bot.storage import Store

    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        librarian = Librarian(store, Commands(load_library(SEEDS)).shelf)
        texts = []
        for n in range(40):  # more than are read from the database at once
            body = (
                f"Workers' Liberty\n\nSolidarity with strike number {n}\n\n"
                f"The strike at depot {n} entered its third week. The drivers show no sign of "
                f"going back.\n\nThe {n} pickets stood firm.\n"
            )
            added = await librarian.add(body.encode(), f"a{n}.txt")
            texts.append(added.article.texts())
        folder = tmp_path / "data"
        folder.mkdir()
        again = load_library(SEEDS)
        again.texts_folder, again.in_memory = folder, sum(a.characters for a in library.articles)
        assert await apply_stored(store, again) == 40
        assert again.texts_file is not None
        assert [a.texts() for a in again.articles] == [a.texts() for a in library.articles] + texts
        assert [a.number for a in again.articles] == list(range(1, 46))
        assert list(folder.iterdir()) == []
    finally:
        await store.close()


def test_a_stored_paragraph_keeps_its_own_number(tmp_path):
    article = load_library(SEEDS).get("putin-v-prigozhin")
    article.paragraphs = [Paragraph(n * 2, p.text, p.sentences) for n, p in enumerate(article.paragraphs, 1)]  # fmt: skip
    kept = list(article.paragraphs)
    article.store_texts(TextFile(tmp_path))
    assert isinstance(article.paragraphs, StoredParagraphs)
    assert [p.number for p in article.paragraphs] == [2 * n for n in range(1, len(kept) + 1)]
    assert article.paragraphs[2] == kept[2]
    assert article.paragraphs == kept


@pytest.mark.parametrize(
    ("title", "made"),
    [
        ("Война и мир рабочих", "voyna-i-mir-rabochikh"),
        ("Der Anfang: Über die Räte", "der-anfang-uber-die-rate"),
        ("Trump’s World Order—and Putin’s?", "trumps-world-order-and-putins"),
    ],
)
def test_an_articles_id_is_made_from_its_title_in_any_script(tmp_path, title, made):
    path = tmp_path / "a.txt"
    body = "The text of the article runs on for a sentence or two, as an article's text does here."
    article = article_from_text(f"{title}\n\n{body}\n\n{body}", path, 1)
    assert article.title == title
    assert article.id == made


def test_an_article_of_one_long_paragraph_is_added():
    """A 1,015-word one-paragraph text (lenin/part030) was refused: "no article text left
    after removing headers and furniture"."""
    paragraph = (
        " ".join(
            f"In the village number {n} the peasants sell their grain in the autumn and buy it back"
            " in the spring, and more of them walk to the factory every day."
            for n in range(1, 40)
        )
        + " [4]"
    )
    article = article_from_text(
        f"Three villages\n\n{paragraph}\n",
        Path("three-villages.txt"),
        6,
        {"title": "Three villages"},
    )
    assert article.title == "Three villages"
    assert [p.text for p in article.paragraphs] == [paragraph]
