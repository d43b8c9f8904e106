"""Summaries and comparisons against a reader's judgement (tests/data/judgement.toml).

    .venv/bin/python bench/judgement.py [--fresh PATH] [--no-fresh] [--held-out PATH]

The second judgement, tests/data/judgement-fresh.toml (same format, written by a fresh reader
who never saw the bot's output), is measured too when it exists, and reported apart; another is
measured with ``--fresh PATH``. These are development sets: the summaries were chosen by
measuring on them. So are the later readers' (judgement-fresh2.toml, judgement-fresh3.toml, and
two readers each of judgement-fresh4.toml, judgement-fresh5.toml and judgement-fresh6.toml's
texts, the second reader's as judgement-fresh4b.toml, judgement-fresh5b.toml and
judgement-fresh6b.toml): each was held out until measured once,
after the code was final, and is a development set since. The next held-out judgement
(tests/data/judgement-fresh7.toml) is read only when named with ``--held-out PATH``, never by
default and never through ``--fresh``: it is to be measured once, by the lead engineer, after
the code is final. A second reader's judgement of the same texts
(tests/data/judgement-fresh7b.toml) is named with ``--second-reader PATH``; when both readers
wrote their own summaries of each text (``short`` and ``long``, with the bot's sentence counts),
each reader's summaries are measured against the other's argument sentences too: how far two
careful readers agree, the ceiling a summary is held to.

The judgement was written by a careful reader who never saw the bot's output: for each text,
the sentences that state its own argument, and those a summary must not present as it (a view
it rejects, a rhetorical question); for each topic, each seed's own line. The library is the
seeds plus the judged corpus texts (read in place from ../shared/corpus/). Printed per text:
how many argument sentences the short and the long summary carry, and how many of the
sentences it must not carry; for each topic, whether /compare shows each article's own line.
Targets (issue 16): at least 2 argument sentences in every short summary, 4 in every long one.
"""

from __future__ import annotations

import argparse
import lzma
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.compare import compare_topic  # noqa: E402
from bot.library import Library, LibraryError, article_from_text, load_library  # noqa: E402
from bot.readings import another_line, plan_readings  # noqa: E402
from bot.summary import summarise  # noqa: E402
from bot.terms import TermIndex  # noqa: E402
from bot.text import normalise  # noqa: E402

JUDGEMENT = ROOT / "tests" / "data" / "judgement.toml"
FRESH = ROOT / "tests" / "data" / "judgement-fresh.toml"
HELD_OUT = "judgement-fresh7.toml"  # read only through --held-out: see the module's docstring
SECOND = "judgement-fresh7b.toml"  # the same texts by a second reader: --second-reader only
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Judged:
    article_id: str
    argument: list[str]
    not_argument: list[str]
    held_out: bool = False  # added after the summaries were tuned: reported apart


def corpus_text(file: str, doc: str, paragraphs: int | None) -> str:
    """One document of a corpus file (its first ``paragraphs`` non-empty lines, if given)."""
    return corpus_texts(file, {doc: paragraphs})[doc]


def corpus_texts(file: str, wanted: dict[str, int | None]) -> dict[str, str]:
    """Several documents of one corpus file, read in one pass that stops once all are found
    (each document: ``@@DOC`` header line -> its first N non-empty lines, or all of them)."""
    found: dict[str, list[str]] = {}
    with lzma.open(CORPUS / file, "rt", encoding="utf-8") as source:
        lines: list[str] | None = None
        limit: int | None = None
        for line in source:
            line = line.rstrip("\n")
            if line.startswith("@@DOC "):
                if lines is not None and len(found) == len(wanted):
                    break
                lines = found.setdefault(line, []) if line in wanted and line not in found else None
                limit = wanted.get(line)
                continue
            if lines is not None and line.strip() and not (limit and len(lines) >= limit):
                lines.append(line.strip())
    return {doc: "\n\n".join(found.get(doc, [])) for doc in wanted}


def another_lines(library: Library, terms: TermIndex, table: list[dict]) -> list[tuple]:
    """For each seed's reading post (the whole seed, as a five-minute plan reads it): the
    "Another line" topic, the other article, its passage, and whether a careful reader accepts
    them (tests/data/judgement.toml, [[another_line]])."""
    results: list[tuple[str, str | None, str | None, str | None, bool]] = []
    for reading in plan_readings(library, [], 5):
        if library.get(reading.article_id) is None or reading.parts > 1:
            continue
        seed = reading.article_id
        if not any(seed in entry["readings"] for entry in table):
            continue
        found = another_line(terms, reading)
        if found is None:
            results.append((seed, None, None, None, False))
            continue
        topic, other = found
        ok = any(
            seed in entry["readings"]
            and topic.casefold() in {w.casefold() for w in entry["words"]}
            and bool(carried(entry["lines"].get(other.article.id, []), [other.passage.text]))
            for entry in table
        )
        results.append((seed, topic, other.article.id, other.passage.ref, ok))
    return results


def judged_library(
    corpus: bool = True, path: Path = JUDGEMENT
) -> tuple[Library, list[Judged], list[dict]]:
    """The seeds and (``corpus``) the corpus texts a judgement (``path``) judges, and the
    judgement of each."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    library = load_library(ROOT / "seeds")
    wanted: dict[str, dict[str, int | None]] = {}
    for entry in data["summary"]:
        if corpus and entry["source"] != "seeds":
            wanted.setdefault(entry["file"], {})[entry["doc"]] = entry.get("paragraphs")
    texts = {(f, doc): t for f, docs in wanted.items() for doc, t in corpus_texts(f, docs).items()}
    judged = []
    for entry in data["summary"]:
        if entry["source"] == "seeds":
            article_id = entry["article"]
        elif not corpus:
            continue
        else:
            text = texts[(entry["file"], entry["doc"])]
            title = entry["doc"].split("\t", 1)[-1]
            try:
                article = article_from_text(
                    f"{title}\n\n{text}", Path(entry["doc_id"].replace("/", "-") + ".txt"),
                    len(library) + 1, {"title": title}, {a.id for a in library.articles},
                )  # fmt: skip
            except LibraryError as error:  # the library refuses it: say so, count it a miss
                print(f"NOT READ: {entry['doc_id']}: {error}")
                continue
            library.add(article)
            article_id = article.id
        judged.append(
            Judged(
                article_id,
                entry["argument"],
                entry.get("not_argument", []),
                entry.get("held_out", False),
            )
        )
    return library, judged, data.get("compare", [])


def carried(sentences: list[str], texts: list[str]) -> int:
    """How many of the judged sentences the texts carry (whole, whatever the spacing)."""
    shown = [normalise(t) for t in texts]
    return sum(
        1 for s in sentences if any(normalise(s) in t or t in normalise(s) for t in shown if t)
    )


Row = tuple[str, int, int, int, int, int, bool]


def measure(path: Path = JUDGEMENT) -> tuple[list[Row], list[tuple[str, str, bool]]]:
    """Per text (id, argument sentences, carried by the short and the long summary, rejected
    ones in each, held out); per (topic, article): whether /compare shows its own line."""
    library, judged, topics = judged_library(path=path)
    terms = TermIndex(library)
    rows = []
    for item in judged:
        short = [p.text for p in summarise(terms, item.article_id).passages]
        long = [p.text for p in summarise(terms, item.article_id, long=True).passages]
        rows.append((
            item.article_id, len(item.argument), carried(item.argument, short),
            carried(item.argument, long), carried(item.not_argument, short),
            carried(item.not_argument, long), item.held_out,
        ))  # fmt: skip
    shown = []
    for topic in topics:
        result = compare_topic(terms, topic["topic"])
        found = {p.article.id: p.passage.text for p in getattr(result, "positions", [])}
        for article_id, lines in topic.get("lines", {}).items():
            shown.append(
                (topic["topic"], article_id, bool(carried(lines, [found.get(article_id, "")])))
            )
    return rows, shown


def _table(rows: list[Row]) -> None:
    print(
        "| text | argument sentences | short carries | long carries | rejected in short | in long |"
    )
    print("|---|---|---|---|---|---|")
    for article_id, total, short, long, bad_short, bad_long, _ in rows:
        print(f"| {article_id} | {total} | {short} | {long} | {bad_short} | {bad_long} |")
    met = sum(1 for r in rows if r[2] >= 2 and r[3] >= 4)
    clean = sum(1 for r in rows if r[4] == r[5] == 0)
    print(
        f"\nShort ≥ 2 and long ≥ 4: {met} of {len(rows)} texts; no rejected sentence in either:"
        f" {clean} of {len(rows)}."
    )


def _shown(shown: list[tuple[str, str, bool]]) -> None:
    """How many (topic, article) pairs /compare shows the article's own line for, and which."""
    right = sum(1 for s in shown if s[2])
    print(
        f"\n/compare shows the article's own line: {right} of {len(shown)} (topic, article) pairs."
    )
    for topic, article_id, ok in shown:
        print(f"  {'✓' if ok else '✗'} {topic}: {article_id}")


def _fresh(path: Path, title: str = "The fresh reader's judgement") -> None:
    """Another reader's judgement: every text and topic reported apart, measured as they come."""
    rows, shown = measure(path)
    print(f"\n## {title} ({path.name})\n")
    if rows:
        _table(rows)
    _shown(shown)
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("another_line", [])
    if table:
        library, _, _ = judged_library(corpus=False, path=path)
        lines = another_lines(library, TermIndex(library), table)
        print(
            f'\nThe reading post\'s "Another line" accepted by its table: '
            f"{sum(r[4] for r in lines)} of {len(lines)} seeds."
        )
        for seed, topic, other, ref, ok in lines:
            print(f"  {'✓' if ok else '✗'} {seed}: on {topic}, {other} ({ref})")


def reader_against_reader(judge: Path, reader: Path) -> list[tuple[str, int, int, int]]:
    """How a second careful reader's own summaries (``reader``'s ``short`` and ``long``, picked
    with the bot's sentence counts) fare against the first reader's argument sentences
    (``judge``'s): per text both judged, (doc id, argument sentences, carried by the short
    summary, carried by the long one). What a person meets is the ceiling a summary can be held
    to: two careful readers agree on an article's argument only so far."""
    judged = {e["doc_id"]: e for e in tomllib.loads(judge.read_text("utf-8"))["summary"]}
    rows = []
    for entry in tomllib.loads(reader.read_text("utf-8"))["summary"]:
        first = judged.get(entry.get("doc_id", ""))
        if first is None or "short" not in entry or "long" not in entry:
            continue
        arguments = first["argument"]
        rows.append((
            entry["doc_id"], len(arguments), carried(arguments, entry["short"]),
            carried(arguments, entry["long"]),
        ))  # fmt: skip
    return rows


def _ceiling(judge: Path, reader: Path) -> None:
    rows = reader_against_reader(judge, reader)
    print(f"\n## {reader.name}'s own summaries against {judge.name}'s argument sentences\n")
    print("| text | argument sentences | short carries | long carries |")
    print("|---|---|---|---|")
    for doc_id, total, short, long in rows:
        print(f"| {doc_id} | {total} | {short} | {long} |")
    met = sum(1 for r in rows if r[2] >= 2 and r[3] >= 4)
    short = sum(r[2] for r in rows)
    long = sum(r[3] for r in rows)
    total = sum(r[1] for r in rows)
    print(
        f"\nShort ≥ 2 and long ≥ 4: {met} of {len(rows)} texts; the short summaries carry"
        f" {short}/{total} argument sentences, the long ones {long}/{total}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", type=Path, default=FRESH, help="the fresh reader's judgement")
    parser.add_argument("--no-fresh", action="store_true", help="measure the first one only")
    parser.add_argument(
        "--held-out", type=Path, default=None, metavar="PATH",
        help=f"the held-out judgement ({HELD_OUT}); read only when named here",
    )  # fmt: skip
    parser.add_argument(
        "--second-reader", type=Path, default=None, metavar="PATH",
        help="another reader's judgement of the held-out texts, with their own summaries: the bot"
        " measured against it too, and each reader's summaries against the other's sentences",
    )  # fmt: skip
    options = parser.parse_args()
    if options.second_reader is not None and options.held_out is None:
        parser.error("--second-reader goes with --held-out (the texts both readers judged)")
    if options.fresh.name in (HELD_OUT, SECOND):
        parser.error(f"{options.fresh.name} is held out: name it with --held-out, --second-reader")
    rows, shown = measure()
    _table([r for r in rows if not r[6]])
    later = [r for r in rows if r[6]]
    if later:
        print("\nJudged later (before the bot's output on them was seen; tuned on since):\n")
        _table(later)
    _shown(shown)
    table = tomllib.loads(JUDGEMENT.read_text(encoding="utf-8")).get("another_line", [])
    judged = {t["topic"].casefold() for t in _topics()}
    others = [
        {"topic": entry["words"][0], "lines": entry["lines"]}
        for entry in table
        if entry["topic"].casefold() not in judged
    ]
    library, _, _ = judged_library(corpus=False)
    terms = TermIndex(library)
    pairs = [
        (entry["topic"], article_id, _shows(terms, entry["topic"], article_id, lines))
        for entry in others
        for article_id, lines in entry["lines"].items()
    ]
    print(
        "On the reading-post table's other topics"
        f" ({', '.join(e['topic'] for e in others)}; written before /compare's passages were"
        f" changed): {sum(p[2] for p in pairs)} of {len(pairs)}."
    )
    lines = another_lines(library, terms, table)
    print(
        f"\nThe reading post's \"Another line\" accepted by the reader's table: "
        f"{sum(r[4] for r in lines)} of {len(lines)} seeds."
    )
    for seed, topic, other, ref, ok in lines:
        print(f"  {'✓' if ok else '✗'} {seed}: on {topic}, {other} ({ref})")
    if not options.no_fresh and options.fresh.exists():
        _fresh(options.fresh)
    if options.held_out is not None:
        _fresh(options.held_out, "The held-out judgement (measured once, never tuned on)")
    if options.second_reader is not None:
        _fresh(options.second_reader, "The second reader's judgement of the same texts")
        _ceiling(options.held_out, options.second_reader)
        _ceiling(options.second_reader, options.held_out)


def _topics() -> list[dict]:
    return tomllib.loads(JUDGEMENT.read_text(encoding="utf-8")).get("compare", [])


def _shows(terms: TermIndex, topic: str, article_id: str, lines: list[str]) -> bool:
    found = {p.article.id: p.passage.text for p in compare_topic(terms, topic).positions}
    return bool(carried(lines, [found.get(article_id, "")]))


if __name__ == "__main__":
    main()
