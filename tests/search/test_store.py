"""The index saved to disk and loaded back (bot/search/store.py), in this process or another."""

from __future__ import annotations

from bot.search import FuzzyIndex
from tests.search.test_index import MISREMEMBERED


def test_the_index_saved_to_disk_loads_back_and_answers_the_same(library, tmp_path):
    built = FuzzyIndex(library)
    path = tmp_path / "quote-index.npz"
    built.save(path)
    loaded = FuzzyIndex.load(path, library)
    assert loaded is not None
    for query, _ in MISREMEMBERED:
        assert [(m.passage.ref, m.score) for m in loaded.search(query)] == [
            (m.passage.ref, m.score) for m in built.search(query)
        ]


def test_a_saved_index_is_used_only_for_the_library_it_was_built_from(library, tmp_path):
    from bot.library import load_library
    from tests.conftest import SEEDS

    path = tmp_path / "quote-index.npz"
    FuzzyIndex(library).save(path)
    other = load_library(SEEDS)
    other.remove("progressive-bloc")
    assert FuzzyIndex.load(path, other) is None  # stale: rebuilt instead
    saved = bytearray(path.read_bytes())
    path.write_bytes(saved[: len(saved) // 2])
    assert FuzzyIndex.load(path, library) is None  # cut short: rebuilt instead
    saved[len(saved) // 2] ^= 1
    path.write_bytes(saved)
    assert FuzzyIndex.load(path, library) is None  # one bit flipped: rebuilt instead
    path.write_bytes(b"not an index")
    assert FuzzyIndex.load(path, library) is None  # damaged: rebuilt instead
    assert FuzzyIndex.load(tmp_path / "missing.npz", library) is None


def test_an_index_saved_after_articles_came_and_went_loads_as_a_fresh_build(tmp_path):
    from bot.library import article_from_text, load_library
    from tests.conftest import SEEDS

    library = load_library(SEEDS)
    index = FuzzyIndex(library)
    article = article_from_text(
        "Notes\n\nThe war in Ukraine and the class war are not the same war at all, comrades.",
        tmp_path / "notes.txt", 6,
    )  # fmt: skip
    library.add(article)
    index.add_article(article)
    library.remove("progressive-bloc")
    index.remove_article("progressive-bloc")
    path = tmp_path / "quote-index.npz"
    index.save(path)
    loaded, fresh = FuzzyIndex.load(path, library), FuzzyIndex(library)
    assert loaded is not None
    for query in [q for q, _ in MISREMEMBERED] + ["the class war is not the same war"]:
        answers = [(m.passage.ref, m.score) for m in loaded.search(query)]
        assert answers == [(m.passage.ref, m.score) for m in fresh.search(query)]
        assert answers == [(m.passage.ref, m.score) for m in index.search(query)]


_ANSWERS = """
import json, sys
from pathlib import Path
from bot.library import load_library
from bot.search import FuzzyIndex
from tests.search.test_index import MISREMEMBERED, NOT_IN_THE_LIBRARY
library = load_library(Path(sys.argv[1]))
saved = Path(sys.argv[2])
index = FuzzyIndex.load(saved, library) if saved.exists() else FuzzyIndex(library)
if not saved.exists():
    index.save(saved)
queries = [q for q, _ in MISREMEMBERED] + NOT_IN_THE_LIBRARY + ["war", "the", "imperialism"]
print(json.dumps([[(m.passage.ref, m.score, m.is_hit) for m in index.search(q, limit=10)] for q in queries]))
"""


def test_a_restarted_bot_answers_exactly_as_before(tmp_path):
    """Built in one process and loaded in another, with other hash seeds (so other set and
    dictionary orders), the index gives the same passages with the same scores."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, SEEDS

    saved = tmp_path / "quote-index.npz"
    answers = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", _ANSWERS, str(SEEDS), str(saved)],
            capture_output=True, text=True, check=True, cwd=ROOT,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        )  # fmt: skip
        answers.append(run.stdout)
    assert saved.exists()
    assert answers[0] == answers[1]


def test_a_loaded_index_answers_on_when_its_file_is_saved_over(library, tmp_path):
    """The loaded arrays are mapped from the file (copy on write): a save writes a new file in
    its place, and what was loaded still answers as before; articles still come and go."""
    from bot.library import load_library
    from tests.conftest import SEEDS

    path = tmp_path / "quote-index.npz"
    FuzzyIndex(library).save(path)
    loaded = FuzzyIndex.load(path, library)
    assert loaded is not None
    before = [[(m.passage.ref, m.score) for m in loaded.search(q)] for q, _ in MISREMEMBERED]
    other = load_library(SEEDS)
    other.remove("progressive-bloc")
    FuzzyIndex(other).save(path)  # another library's index, in the same place
    after = [[(m.passage.ref, m.score) for m in loaded.search(q)] for q, _ in MISREMEMBERED]
    assert after == before
    article = library.get("progressive-bloc")
    loaded.remove_article(article.id)
    assert all(
        m.passage.article_id != article.id for q, _ in MISREMEMBERED for m in loaded.search(q)
    )
    loaded.add_article(article)
    again = [[(m.passage.ref, m.score) for m in loaded.search(q)] for q, _ in MISREMEMBERED]
    assert again == before
