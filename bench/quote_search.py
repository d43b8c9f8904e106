"""Benchmark /quote's search: build time, memory and query latency, on the seeds and at scale.

    .venv/bin/python bench/quote_search.py [--corpus ../shared/corpus/kropotkin_works.txt.xz]
                                          [--paragraphs 15000] [--queries 200]

Queries are misremembered quotes made from random sentences of the library: a word dropped, a
typo, words swapped. It prints build time, peak memory, query p50/p95/max and how often the
right paragraph came first. Figures, not assertions: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import lzma
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.library import Article, Library, Paragraph, load_library  # noqa: E402
from bot.search import FuzzyIndex  # noqa: E402
from bot.text import sentence_spans  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "kropotkin_works.txt.xz"


def corpus_library(path: Path, max_paragraphs: int) -> Library:
    """Documents of a shared corpus file as articles (format: see ../shared/corpus/SOURCES.md)."""
    articles: list[Article] = []
    count = 0
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("@@DOC "):
                if count >= max_paragraphs:
                    break
                _, _, title = line[6:].partition("\t")
                articles.append(Article(f"doc-{len(articles) + 1}", len(articles) + 1, path, title))
            elif line and articles:
                paras = articles[-1].paragraphs
                paras.append(Paragraph(len(paras) + 1, line, tuple(sentence_spans(line))))
                count += 1
    return Library([a for a in articles if a.paragraphs], path.parent)


def misremember(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 12:  # members remember a stretch, not a whole long sentence
        start = rng.randrange(len(words) - 10)
        words = words[start : start + 10]
    change = rng.choice(["drop", "typo", "swap"])
    if change == "drop" and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif change == "typo":
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1 :]
    elif len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def measure(name: str, library: Library, queries: int, seed: int = 7) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    index = FuzzyIndex(library)
    build = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rng = random.Random(seed)
    sentences = [
        (a.id, p.number, p.text[s:e])
        for a in library.articles
        for p in a.paragraphs
        for s, e in p.sentences
        if len(p.text[s:e].split()) >= 6
    ]
    times, first = [], 0
    for article_id, paragraph, sentence in rng.sample(sentences, min(queries, len(sentences))):
        query = misremember(sentence, rng)
        started = time.perf_counter()
        matches = index.search(query)
        times.append(time.perf_counter() - started)
        if matches and (matches[0].passage.article_id, matches[0].passage.paragraph) == (
            article_id,
            paragraph,
        ):
            first += 1
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    passages = sum(len(a.paragraphs) for a in library.articles)
    print(
        f"| {name} | {passages:,} | {build:.2f} s | {peak / 2**20:.0f} MiB | "
        f"{statistics.median(times) * 1000:.1f} ms | {p95 * 1000:.1f} ms | "
        f"{times[-1] * 1000:.1f} ms | {first}/{len(times)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--paragraphs", type=int, nargs="*", default=[2000, 15000])
    parser.add_argument("--queries", type=int, default=200)
    options = parser.parse_args()
    columns = (
        "library|paragraphs|index build|peak memory|query p50|query p95|query max|right ¶ first"
    )
    print("| " + " | ".join(columns.split("|")) + " |")
    print("|---|---|---|---|---|---|---|---|")
    measure("seeds", load_library(ROOT / "seeds"), options.queries)
    if options.corpus.exists():
        for size in options.paragraphs:
            library = corpus_library(options.corpus, size)
            measure(options.corpus.name.split(".")[0], library, options.queries)
    else:
        print(f"(corpus {options.corpus} not found; seeds only)")


if __name__ == "__main__":
    main()
