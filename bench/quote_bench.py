"""Quote search on the held-out style benchmark (issue 15): ours against tantivy + rapidfuzz.

    DATA=/tmp/quote-bench python ../shared/bench/make_quote_bench.py     # once: the data set
    .venv/bin/python bench/quote_bench.py [--data /tmp/quote-bench] [--tiers 10000 100000]
                                          [--methods ours baseline] [--json results.json]

A tier of N passages is every query's gold passage, a fixed random sample of the other real
passages and, past the ~341k real ones, distractors; the rows are shuffled with a fixed seed and
grouped into articles of 50 paragraphs (so a reference is ``a123 ¶7``). Every (tier, method)
runs in processes of its own, pinned to one core, so that memory and pauses are its own:

* ``build``: loads the library, builds the index (timed; peak RSS), answers every query
  (R@1, R@5 and latency per perturbation level, the answers kept), saves the index;
* ``load``: a new process with another hash seed, as after a restart: loads the library and
  the saved index (timed), answers every query again; its answers must equal the first's.

Reported per tier and level: R@1, R@5 (the gold paragraph, or a sentence run inside it, first
or in the top five), p50/p95 latency (wall clock, and the p95 of the CPU time the search itself
took, which other work on the shared machine inflates less), and for ours the share of answers
the bot would present as the quote (``Match.is_hit``: a score of HIT or more, clear of the
runner-up by MARGIN) and how many of those are the right passage. Per tier: build time, peak
RSS of the process (library included) and of the index alone (peak less the library's RSS),
load time, the longest garbage-collection pause while answering (and while building), answers
identical after the restart, the size of the file the library keeps its texts in once large
(:class:`bot.library.TextFile`: the kernel's page cache, not the process's memory) and how long
the saved index's check of the library (``FuzzyIndex.signature``) takes, timed apart after the
answers. The library is built as the bot builds its own at a start, article by article, its
texts read one by one from the data set: the benchmark never holds them all. The baseline is
tantivy fuzzy term search (each word as a BM25 term or within one edit, two for words of eight
letters or more) and rapidfuzz ``partial_ratio`` rerank of its top 200, as in the issue; it
needs the ``bench`` extra (``pip install -e .[bench]``). Figures, not assertions: the machine
is shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mib  # noqa: E402

DATA = Path(os.environ.get("DATA", Path(tempfile.gettempdir()) / "quote-bench"))
PER_ARTICLE = 50
SEED = 7
TOP = 5


# --- the tier ----------------------------------------------------------------------------


def read_queries(data: Path) -> list[dict]:
    with (data / "queries.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def tier_rows(data: Path, size: int, queries: list[dict]) -> list[tuple[int, Path, int, int]]:
    """The tier's passages as (pid, file, where its line begins, its length), shuffled with a
    fixed seed
    (see the docstring); their texts are read one by one as the library is built, so the
    benchmark never holds the tier's texts beside the library's."""
    gold = {q["gt_pid"] for q in queries}
    with (data / "passages.tsv").open(encoding="utf-8") as lines:
        real = sum(1 for _ in lines)
    others = [pid for pid in range(real) if pid not in gold]
    rng = random.Random(SEED)
    wanted = gold | set(rng.sample(others, min(len(others), size - len(gold))))
    del others
    found: dict[int, tuple[Path, int, int]] = {}
    for name in ("passages.tsv", "distractors.tsv"):
        if len(found) >= size:
            break
        path = data / name
        with path.open("rb") as lines:
            at = 0
            for pid, line in enumerate(lines):
                if name == "distractors.tsv":
                    pid = int(line.split(b"\t", 1)[0])
                    if len(found) >= size:
                        break
                if pid in wanted or name == "distractors.tsv":
                    found[pid] = (path, at, len(line))
                at += len(line)
    rows = [(pid, *found[pid]) for pid in sorted(found)]
    random.Random(SEED).shuffle(rows)  # the same order as the shuffled (pid, text) rows were
    return rows


def tier_library(rows: list[tuple[int, Path, int, int]], wanted: set[int], texts: Path):
    """The rows as a library of articles of PER_ARTICLE paragraphs, built as the bot builds
    its own at a start (:func:`bot.ingest.apply_stored`): article by article, each into the
    library (whose texts go to a file in ``texts`` once large) as it is read; and where each
    pid of ``wanted`` went (only those: a map of a million pids would count as the library's
    memory)."""
    from bot.library import Article, Library, Paragraph, bulk_loading
    from bot.text import sentence_spans

    library, where = Library([], DATA, texts_folder=texts), {}
    files = {path: path.open("rb") for path in {row[1] for row in rows}}
    with bulk_loading():
        for start in range(0, len(rows), PER_ARTICLE):
            number = len(library) + 1
            article = Article(f"a{number}", number, DATA, f"Article {number}")
            paragraphs = []
            for pid, path, at, size in rows[start : start + PER_ARTICLE]:
                line = os.pread(files[path].fileno(), size, at).decode()
                text = line.rstrip("\n").split("\t", 2)[2]
                paragraphs.append(Paragraph(len(paragraphs) + 1, text, sentence_spans(text)))
                if pid in wanted:
                    where[pid] = (article.id, len(paragraphs))
            article.paragraphs = paragraphs
            library.add(article)
    for file in files.values():
        file.close()
    return library, where


# --- the methods -------------------------------------------------------------------------


class Ours:
    def __init__(self, library, saved: Path | None = None) -> None:
        from bot.search import FuzzyIndex

        self.index = FuzzyIndex.load(saved, library) if saved else FuzzyIndex(library)
        if self.index is None:
            raise SystemExit(f"the saved index {saved} did not load")

    def save(self, path: Path) -> None:
        self.index.save(path)

    def search(self, query: str) -> list[tuple[str, int, float]]:
        found = self.index.search(query, limit=TOP)
        # Timed too, what /quote bolds (worked out when asked for): the quote, or else the
        # three closest passages it offers.
        for match in found[:1] if found and found[0].is_hit else found[:3]:
            match.highlights  # noqa: B018
        return [(m.passage.article_id, m.passage.paragraph, m.score, m.is_hit) for m in found]


class Baseline:
    """tantivy fuzzy term search, rapidfuzz partial_ratio rerank of its top 200."""

    SHORTLIST = 200

    def __init__(self, library, saved: Path | None = None) -> None:
        import tantivy

        self.tantivy = tantivy
        self.refs = [(a.id, p.number) for a in library.articles for p in a.paragraphs]
        self.texts = [p.text for a in library.articles for p in a.paragraphs]
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("text", stored=False, tokenizer_name="default")
        builder.add_unsigned_field("row", stored=True, indexed=False, fast=True)
        self.schema = builder.build()
        if saved:
            self.index = tantivy.Index(self.schema, path=str(saved))
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="tantivy-"))
            self.index = tantivy.Index(self.schema, path=str(self.folder))
            writer = self.index.writer(heap_size=500_000_000, num_threads=1)
            for row, text in enumerate(self.texts):
                document = tantivy.Document()
                document.add_text("text", text)
                document.add_unsigned("row", row)
                writer.add_document(document)
            writer.commit()
            writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def save(self, path: Path) -> None:
        import shutil

        shutil.copytree(self.folder, path)

    def search(self, query: str) -> list[tuple[str, int, float]]:
        from rapidfuzz import fuzz, process, utils

        tantivy = self.tantivy
        terms = [w for w in utils.default_process(query).split() if w]
        if not terms:
            return []
        clauses = []
        for word in terms:
            distance = 0 if len(word) <= 3 else 1 if len(word) < 8 else 2
            term = tantivy.Query.term_query(self.schema, "text", word)
            clauses.append((tantivy.Occur.Should, term))
            if distance:
                fuzzy = tantivy.Query.fuzzy_term_query(
                    self.schema, "text", word, distance=distance, transposition_cost_one=True
                )
                clauses.append((tantivy.Occur.Should, fuzzy))
        query_ = tantivy.Query.boolean_query(clauses)
        hits = self.searcher.search(query_, self.SHORTLIST, count=False).hits
        rows = self.searcher.fast_field_values("row", [address for _, address in hits])
        choices = {row: self.texts[row] for row in rows}
        ranked = process.extract(
            utils.default_process(query),
            choices,
            scorer=fuzz.partial_ratio,
            processor=utils.default_process,
            limit=TOP,
        )
        return [(*self.refs[row], score) for _, score, row in ranked]


METHODS = {"ours": Ours, "baseline": Baseline}


# --- one process: build or load, then answer ---------------------------------------------


class Pauses:
    """The longest garbage-collection pause, through gc.callbacks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._started)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(options: argparse.Namespace) -> None:
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # one core
    pauses = Pauses()
    queries = read_queries(options.data)
    if options.limit:
        queries = queries[: options.limit]
    started = time.perf_counter()
    saved = Path(options.saved)
    rows = tier_rows(options.data, options.tier, read_queries(options.data))
    library, where = tier_library(rows, {q["gt_pid"] for q in queries}, saved.parent)
    del rows
    gc.collect()
    library_s, library_mb = time.perf_counter() - started, rss_mib()
    texts = library.texts_file
    out: dict = {
        "library_s": library_s,
        "library_mb": library_mb,
        "texts_mb": texts.size / 2**20 if texts else 0.0,  # on disk (page cache), not RSS
    }
    started = time.perf_counter()
    method = METHODS[options.method](library, saved if options.mode == "load" else None)
    out["ready_s"] = time.perf_counter() - started
    out["ready_mb"] = rss_mib()
    if options.mode == "build":
        method.save(saved)
    answers, seconds = [], []
    out["gc_pause_ready_s"], pauses.longest = pauses.longest, 0.0  # serving from here on
    cpu = []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        found = method.search(query["query"])
        seconds.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        answers.append(found)
    if options.method == "ours":  # what reading every text costs the check of a saved index
        from bot.search import FuzzyIndex

        started = time.perf_counter()
        FuzzyIndex.signature(library)
        out["signature_s"] = time.perf_counter() - started
    out.update(
        peak_mb=peak_mb(),
        gc_pause_s=pauses.longest,
        seconds=seconds,
        cpu_seconds=cpu,
        answers=answers,
        gold=[list(where[q["gt_pid"]]) for q in queries],
    )
    Path(options.out).write_text(json.dumps(out))


# --- the whole run -----------------------------------------------------------------------


def run_worker(options, tier: int, method: str, mode: str, saved: Path, seed: str) -> dict:
    out = saved.with_suffix(f".{mode}.json")
    command = [sys.executable, __file__, "--worker", mode, "--tier", str(tier)]
    command += ["--method", method, "--saved", str(saved), "--out", str(out)]
    command += ["--data", str(options.data), "--limit", str(options.limit)]
    env = dict(os.environ, PYTHONHASHSEED=seed, OMP_NUM_THREADS="1")
    subprocess.run(command, check=True, env=env)
    return json.loads(out.read_text())


def summarise(queries: list[dict], built: dict, loaded: dict, method: str) -> dict:
    from bot.search import HIT

    levels: dict = {}
    for level in ("all", 0, 1, 2):
        chosen = [i for i, q in enumerate(queries) if level == "all" or q["level"] == level]
        first = top = hits = right_hits = 0
        for i in chosen:
            gold = tuple(built["gold"][i])
            refs = [tuple(a[:2]) for a in built["answers"][i]]
            first += bool(refs) and refs[0] == gold
            top += gold in refs
            answer = built["answers"][i][0] if refs else None
            if answer and (answer[3] if len(answer) > 3 else answer[2] >= HIT):
                hits += 1
                right_hits += refs[0] == gold
        times = sorted(built["seconds"][i] for i in chosen)
        cpu = sorted(built["cpu_seconds"][i] for i in chosen) if "cpu_seconds" in built else []
        levels[str(level)] = {
            "queries": len(chosen),
            "r1": first / len(chosen),
            "r5": top / len(chosen),
            "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
            "max_ms": 1000 * times[-1],
            "cpu_p95_ms": 1000 * cpu[int(0.95 * (len(cpu) - 1))] if cpu else float("nan"),
            "hit_share": hits / len(chosen),
            "hit_precision": right_hits / hits if hits else 1.0,
        }
    same = sum(a == b for a, b in zip(built["answers"], loaded["answers"], strict=True))
    loaded_times = sorted(loaded["seconds"])
    return {
        "method": method,
        "levels": levels,
        "build_s": built["ready_s"],
        "library_s": built["library_s"],
        "library_mb": built["library_mb"],
        "peak_mb": built["peak_mb"],
        "index_mb": built["peak_mb"] - built["library_mb"],
        "load_s": loaded["ready_s"],
        "signature_s": loaded.get("signature_s", float("nan")),
        "texts_mb": built.get("texts_mb", 0.0),
        "load_peak_mb": loaded["peak_mb"],
        "gc_pause_ms": 1000 * max(built["gc_pause_s"], loaded["gc_pause_s"]),
        "gc_pause_ready_ms": 1000 * max(built["gc_pause_ready_s"], loaded["gc_pause_ready_s"]),
        "identical": same,
        "answers": len(built["answers"]),
        "loaded_p95_ms": 1000 * loaded_times[int(0.95 * (len(loaded_times) - 1))],
        "top1": [[a[0][2] if a else 0.0, bool(a) and a[0][:2] == g]
                 for a, g in zip(built["answers"], built["gold"], strict=True)],
        "every_answer": built["answers"],
        "gold": built["gold"],
    }  # fmt: skip


def table(results: list[dict]) -> str:
    lines = [
        "| tier | method | level | R@1 | R@5 | p50 | p95 | p95 CPU | hits | right among hits |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"all": "all", "0": "L0 clean", "1": "L1 light", "2": "L2 heavy"}
    for r in results:
        for level, name in names.items():
            s = r["levels"][level]
            hits = (
                f"{s['hit_share']:.3f} | {s['hit_precision']:.3f}"
                if r["method"] == "ours"
                else "– | –"
            )
            lines.append(
                f"| {r['tier']:,} | {r['method']} | {name} | {s['r1']:.3f} | {s['r5']:.3f} | "
                f"{s['p50_ms']:.1f} ms | {s['p95_ms']:.1f} ms | {s['cpu_p95_ms']:.1f} ms | {hits} |"
            )
    lines += [
        "",
        "| tier | method | build | library RSS | peak RSS | index (peak less library) | "
        "load | longest GC pause answering (building) | identical after restart | "
        "p95 after restart | texts in a file | saved index's check |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['tier']:,} | {r['method']} | {r['build_s']:.1f} s | {r['library_mb']:.0f} MB "
            f"| {r['peak_mb']:.0f} MB | {r['index_mb']:.0f} MB | {r['load_s']:.2f} s | "
            f"{r['gc_pause_ms']:.0f} ms ({r['gc_pause_ready_ms']:.0f} ms) | "
            f"{r['identical']}/{r['answers']} | {r['loaded_p95_ms']:.1f} ms | "
            f"{r.get('texts_mb', 0):.0f} MB | {r.get('signature_s', float('nan')):.2f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tiers", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--methods", nargs="*", default=["ours", "baseline"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--json", type=Path, help="write every figure here too")
    parser.add_argument("--worker", choices=["build", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--tier", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--saved", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        options.mode = options.worker
        worker(options)
        return
    queries = read_queries(options.data)
    if options.limit:
        queries = queries[: options.limit]
    results = []
    with tempfile.TemporaryDirectory(prefix="quote-bench-") as folder:
        for tier in options.tiers:
            for method in options.methods:
                saved = Path(folder) / f"{method}-{tier}"
                built = run_worker(options, tier, method, "build", saved, "1")
                loaded = run_worker(options, tier, method, "load", saved, "2")
                result = summarise(queries, built, loaded, method) | {"tier": tier}
                results.append(result)
                print(table([result]), flush=True)
    print()
    print(table(results))
    if options.json:
        options.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
