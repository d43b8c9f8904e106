"""Search at scale: recall and speed of /quote's index at 10,000 to 1,000,000 passages.

    .venv/bin/python bench/scale.py [--sizes 10000 100000 1000000] [--queries 400] [--brute 40]

Libraries are built from ../shared/corpus/ (read in place): UN General Debate speeches as
articles, each sentence a passage (the unit a member quotes), so a million passages are
reachable. Queries are misremembered copies of passages sampled from the library (a word
dropped, a typo, two words swapped, or a stretch of eight to twelve words), each answered by
the index as /quote does. Printed per size: recall@1, recall@5, MRR, p50/p95 latency, build
time, peak memory, and the same recall for a brute-force rapidfuzz scan (partial_ratio over
every passage) on a sample of the queries; and the index saved to disk: its size and the time to
load it back (what a restart costs instead of a rebuild).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from bench.quote_search import misremember  # noqa: E402
from bench.summary_compare import CORPUS, documents  # noqa: E402
from bot.library import Article, Library, Paragraph  # noqa: E402
from bot.search import FuzzyIndex  # noqa: E402
from bot.text import normalise, sentence_spans  # noqa: E402


def build_library(size: int) -> Library:
    articles: list[Article] = []
    count = 0
    for title, paragraphs in documents(CORPUS / "un_general_debates_1946_2024.txt.xz"):
        article = Article(f"s{len(articles) + 1}", len(articles) + 1, CORPUS, title)
        for text in paragraphs:
            for start, end in sentence_spans(text):
                sentence = text[start:end]
                if len(sentence.split()) < 4:
                    continue
                number = len(article.paragraphs) + 1
                article.paragraphs.append(Paragraph(number, sentence, ((0, len(sentence)),)))
                count += 1
                if count == size:
                    break
            if count == size:
                break
        if article.paragraphs:
            articles.append(article)
        if count == size:
            break
    return Library(articles, CORPUS)


def queries_for(
    library: Library, count: int, rng: random.Random
) -> list[tuple[str, tuple[str, int]]]:
    passages = [
        (a, p)
        for a in rng.sample(library.articles, min(len(library.articles), count * 2))
        for p in a.paragraphs
    ]
    chosen = rng.sample([x for x in passages if len(x[1].text.split()) >= 8], count)
    return [(misremember(p.text, rng), (a.id, p.number)) for a, p in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--brute", type=int, default=40)
    options = parser.parse_args()
    columns = (
        "passages|recall@1|recall@5|MRR|p50|p95|build|index on disk|load|peak memory|"
        "brute force on a sample"
    )
    print("| " + " | ".join(columns.split("|")) + " |")
    print("|" + "---|" * len(columns.split("|")))
    for size in options.sizes:
        rng = random.Random(size)
        library = build_library(size)
        started = time.perf_counter()
        index = FuzzyIndex(library)
        built = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            saved = Path(folder) / "quote-index.npz"
            index.save(saved)
            size_on_disk = saved.stat().st_size
            started = time.perf_counter()
            assert FuzzyIndex.load(saved, library) is not None
            loaded_in = time.perf_counter() - started
        queries = queries_for(library, options.queries, rng)
        hits1 = hits5 = 0
        reciprocal = 0.0
        times = []
        for query, target in queries:
            started = time.perf_counter()
            matches = index.search(query, limit=5)
            times.append(time.perf_counter() - started)
            ranked = [(m.passage.article_id, m.passage.paragraph) for m in matches]
            if target in ranked:
                rank = ranked.index(target) + 1
                hits1 += rank == 1
                hits5 += 1
                reciprocal += 1 / rank
        times.sort()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        texts = [normalise(p.text) for a in library.articles for p in a.paragraphs]
        keys = [(a.id, p.number) for a in library.articles for p in a.paragraphs]
        brute = ours = 0
        sample = queries[: options.brute]
        for query, target in sample:
            best = process.extractOne(normalise(query), texts, scorer=fuzz.partial_ratio)
            brute += best is not None and keys[best[2]] == target
            [top] = index.search(query, limit=1) or [None]
            ours += top is not None and (top.passage.article_id, top.passage.paragraph) == target
        n, m = len(queries), len(sample)
        print(
            f"| {size:,} | {hits1 / n:.3f} | {hits5 / n:.3f} | {reciprocal / n:.3f} | "
            f"{times[n // 2] * 1000:.1f} ms | {times[int(0.95 * (n - 1))] * 1000:.1f} ms | "
            f"{built:.0f} s | {size_on_disk / 2**20:,.0f} MiB | {loaded_in:.1f} s | "
            f"{peak:,.0f} MiB | recall@1 {brute / m:.3f} vs the index "
            f"{ours / m:.3f} on the same {m} |",
            flush=True,
        )
        del index, library, texts


if __name__ == "__main__":
    main()
