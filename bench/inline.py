"""Benchmark inline queries: the time to build a page of inline results at 100,000 passages.

    .venv/bin/python bench/inline.py [--passages 100000] [--queries 200]

The library is the first N paragraphs of the UN General Debate corpus (../shared/corpus/), as
articles of their speeches. Each query is what a member types after @bot: a misremembered
stretch of a random sentence (a word dropped, a typo, two words swapped) or two or three words
of it. Timed: the search, and rendering the page of results (twenty cited quotes as HTML) that
the bot sends. Target: p95 ≤ 100 ms at 100,000 passages.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quote_search import misremember  # noqa: E402
from bench.summary_compare import CORPUS, article, documents  # noqa: E402
from bot.library import Library  # noqa: E402
from bot.quotes import inline_results  # noqa: E402
from bot.reply import to_html  # noqa: E402
from bot.search import FuzzyIndex  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    options = parser.parse_args()
    rng = random.Random(5)
    articles, count = [], 0
    for title, paragraphs in documents(CORPUS / "un_general_debates_1946_2024.txt.xz"):
        paragraphs = paragraphs[: options.passages - count]
        articles.append(article(len(articles) + 1, title, paragraphs))
        count += len(paragraphs)
        if count >= options.passages:
            break
    library = Library(articles, CORPUS)
    started = time.perf_counter()
    index = FuzzyIndex(library)
    built = time.perf_counter() - started
    sentences = [
        p.text[s:e]
        for a in rng.sample(library.articles, min(2000, len(library.articles)))
        for p in a.paragraphs
        for s, e in p.sentences
        if len(p.text[s:e].split()) >= 8
    ]
    queries = []
    for sentence in rng.sample(sentences, options.queries):
        if rng.random() < 0.7:
            queries.append(misremember(sentence, rng))
        else:
            words = sentence.split()
            start = rng.randrange(len(words) - 3)
            queries.append(" ".join(words[start : start + rng.choice((2, 3))]))
    times = []
    for query in queries:
        started = time.perf_counter()
        items, _ = inline_results(index, library, query, 0)
        for item in items:
            to_html(item.reply)
        times.append(time.perf_counter() - started)
    times.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Library: {count:,} passages in {len(library):,} speeches; index built in "
        f"{built:.1f} s; peak memory {peak:,.0f} MiB.\n"
    )
    print("| passages | queries | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    p50, p95 = times[len(times) // 2], times[int(0.95 * (len(times) - 1))]
    figures = f"{p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {times[-1] * 1000:.1f} ms"
    print(f"| {count:,} | {len(times)} | {figures} |")


if __name__ == "__main__":
    main()
