"""Benchmark /summary and /compare on large libraries built from ../shared/corpus/.

    .venv/bin/python bench/summary_compare.py [--articles 10000] [--paragraphs 8] [--runs 60]

* /compare: a library of N UN General Debate speeches (their first P paragraphs each, so the
  articles are article-sized); p50/p95 of topic comparisons (single words, two-word topics,
  typos) and of article-pair comparisons.
* /summary: twenty 10,000-word articles cut from Kropotkin's works; p50/p95 of a summary,
  short and long.

The term index is built once at start-up, as the bot does; its build time (wall and CPU), the
memory it holds (the process's resident memory after the build less before, the language
models loaded first) and the process's peak memory are printed too. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import gc
import lzma
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mib  # noqa: E402
from bot.compare import compare_articles, compare_topic  # noqa: E402
from bot.library import Article, Library, Paragraph  # noqa: E402
from bot.summary import summarise  # noqa: E402
from bot.terms import TermIndex  # noqa: E402
from bot.text import sentence_spans  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def documents(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(title, paragraphs) of each document of a corpus file (see SOURCES.md there)."""
    title, paragraphs = "", []
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("@@DOC "):
                if paragraphs:
                    yield title, paragraphs
                title, paragraphs = line[6:].partition("\t")[2], []
            elif line:
                paragraphs.append(line)
    if paragraphs:
        yield title, paragraphs


def article(number: int, title: str, paragraphs: list[str]) -> Article:
    result = Article(f"a{number}", number, CORPUS, title)
    result.paragraphs = [
        Paragraph(n, text, tuple(sentence_spans(text))) for n, text in enumerate(paragraphs, 1)
    ]
    return result


def timed(label: str, calls: list[Callable[[], object]]) -> None:
    """A row of the table: wall times, and the p95 of the CPU times (what a loaded machine
    does not inflate much)."""
    times, cpu = [], []
    for call in calls:
        started, used = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    times.sort()
    cpu.sort()
    p50 = times[len(times) // 2] * 1000
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    cpu95 = cpu[int(0.95 * (len(cpu) - 1))] * 1000
    print(
        f"| {label} | {len(times)} | {p50:.1f} ms | {p95:.1f} ms ({cpu95:.1f}) | "
        f"{times[-1] * 1000:.1f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=8)
    parser.add_argument("--runs", type=int, default=60)
    options = parser.parse_args()
    rng = random.Random(7)

    started = time.perf_counter()
    speeches = []
    for title, paragraphs in documents(CORPUS / "un_general_debates_1946_2024.txt.xz"):
        speeches.append(article(len(speeches) + 1, title, paragraphs[: options.paragraphs]))
        if len(speeches) == options.articles:
            break
    library = Library(speeches, CORPUS)
    words = sum(a.words for a in library.articles)  # (counted by the library, not the index)
    loaded = time.perf_counter() - started
    TermIndex(Library(speeches[:20], CORPUS))  # the language models and stemmers loaded
    gc.collect()
    before = rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    terms = TermIndex(library)
    built, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.collect()
    held = rss_mib() - before
    print(
        f"Compare library: {len(library):,} speeches, {words:,} words; loaded in {loaded:.1f} s, "
        f"term index built in {built:.1f} s ({cpu:.1f} s CPU), holding {held:,.0f} MiB.\n"
    )
    print("| operation | runs | p50 | p95 (CPU) | max |")
    print("|---|---|---|---|---|")
    common = [t for t, df in terms.document_frequency.most_common(400)[50:] if "-" not in t]
    topics = [terms.show(t) for t in rng.sample(common, options.runs // 3)]
    pairs = [f"{a} {b}" for a, b in zip(topics, reversed(topics), strict=True)]
    typos = [t[:2] + t[3:] if len(t) > 5 else t for t in topics]
    timed(
        f"/compare <topic> over {len(library):,} articles",
        [lambda t=t: compare_topic(terms, t) for t in topics + pairs + typos],
    )
    ids = [a.id for a in rng.sample(library.articles, 2 * options.runs)]
    timed(
        "/compare <article> \\| <article>",
        [
            lambda a=a, b=b: compare_articles(terms, a, b)
            for a, b in zip(ids[::2], ids[1::2], strict=True)
        ],
    )

    long_articles = []
    for title, paragraphs in documents(CORPUS / "kropotkin_works.txt.xz"):
        chunk: list[str] = []
        for paragraph in paragraphs:
            chunk.append(paragraph)
            if sum(len(p.split()) for p in chunk) >= 10_000:
                long_articles.append(article(len(long_articles) + 1, title, chunk))
                chunk = []
                if len(long_articles) == 20:
                    break
        if len(long_articles) == 20:
            break
    books = TermIndex(Library(long_articles, CORPUS))
    average = sum(a.words for a in long_articles) // len(long_articles)
    timed(
        f"/summary of a {average:,}-word article",
        [lambda a=a: summarise(books, a.id) for a in long_articles] * 3,
    )
    timed(
        f"/summary … long ({average:,} words)",
        [lambda a=a: summarise(books, a.id, long=True) for a in long_articles],
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory of the whole run: {peak:,.0f} MiB.")


if __name__ == "__main__":
    main()
