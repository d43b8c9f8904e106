"""Fit the argument model (bot/argument.py) on the readers' judgements, and measure it.

    .venv/bin/python bench/argument_model.py            # fit on every judgement, write the model
    .venv/bin/python bench/argument_model.py --check    # measure only: each judgement held out

The examples are each judged text's candidate sentences (those the summary could choose), the
label whether its reader names the sentence as the argument; the features the sentence's
embedding. The model is an L2-regularised logistic regression, each class weighed to count
equally, fitted by Newton's method from zero: deterministic, no library beyond numpy.

``--check`` fits it on all judgements but one and measures the summaries on that one, each in
turn (two readers of the same texts are held out together), against the summaries without it:
texts meeting the bar (short ≥ 2 and long ≥ 4 argument sentences), argument sentences carried,
sentences shown that a reader rejects. The held-out judgement (bench/judgement.py HELD_OUT) is
never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.judgement import HELD_OUT, SECOND, carried, judged_library  # noqa: E402
from bot import argument, summary  # noqa: E402
from bot.terms import TermIndex  # noqa: E402
from bot.text import normalise  # noqa: E402

DATA = ROOT / "tests" / "data"
C = 0.1  # inverse regularisation: chosen among 0.01 to 1 with each judgement held out in turn


def judgements() -> list[list[Path]]:
    """The judgement files, two readers of the same texts together (one fold each)."""
    files = sorted(p for p in DATA.glob("judgement*.toml") if p.name not in (HELD_OUT, SECOND))
    folds: dict[str, list[Path]] = {}
    for path in files:
        folds.setdefault(path.stem.removesuffix("b"), []).append(path)
    return list(folds.values())


Example = tuple[np.ndarray, np.ndarray]


def examples(terms: TermIndex, judged: list) -> Example:
    """The candidate sentences' embeddings and whether the reader names each."""
    rows: list[np.ndarray] = []
    labels: list[bool] = []
    for item in judged:
        candidates, _, _ = summary._ranked(terms, item.article_id)
        sentences = terms.articles[item.article_id].sentences
        texts = [sentences[i].text for i in candidates]
        vectors = argument.embed(texts)
        if vectors is None:
            raise SystemExit("the embeddings (wordllama) are not installed")
        named = [normalise(a) for a in item.argument]
        for text, vector in zip(texts, vectors, strict=True):
            t = normalise(text)
            rows.append(vector)
            labels.append(any(t and (t in a or a in t) for a in named))
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    """Logistic regression, classes weighed equally, L2 penalty 1/c on the weights."""
    n, d = x.shape
    positive = max(int(y.sum()), 1)
    weight = np.where(y, n / (2 * positive), n / (2 * max(n - positive, 1)))
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.r_[np.full(d, 1 / c), 0.0]
    for _ in range(30):
        p = 1 / (1 + np.exp(-(xb @ w)))
        gradient = xb.T @ (weight * (p - y)) + penalty * w
        hessian = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w[:-1], float(w[-1])


def measure(sets: list, model: tuple[np.ndarray, float] | None) -> tuple[int, int, int, int]:
    """Summaries of the judged texts with this model (None: without it): (texts meeting the
    bar, argument sentences in the short summaries, in the long ones, rejected ones shown)."""
    argument.use(model)
    met = short_total = long_total = rejected = 0
    for terms, judged in sets:
        terms.ranks.clear()
        for item in judged:
            short = [p.text for p in summary.summarise(terms, item.article_id).passages]
            long = [p.text for p in summary.summarise(terms, item.article_id, long=True).passages]
            a, b = carried(item.argument, short), carried(item.argument, long)
            met += a >= 2 and b >= 4
            short_total += a
            long_total += b
            rejected += carried(item.not_argument, short) + carried(item.not_argument, long)
    return met, short_total, long_total, rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="measure only; write nothing")
    options = parser.parse_args()
    folds = judgements()
    loaded = []
    for fold in folds:
        part = []
        for path in fold:
            library, judged, _ = judged_library(path=path)
            terms = TermIndex(library)
            part.append((path, terms, judged, examples(terms, judged)))
        loaded.append(part)
    if options.check:
        print("| held out | texts | without: met, short, long, rejected | with the model |")
        print("|---|---|---|---|")
        totals = np.zeros((2, 4), dtype=int)
        for k, part in enumerate(loaded):
            others = [e for j, p in enumerate(loaded) if j != k for (_, _, _, e) in p]
            model = fit(np.vstack([e[0] for e in others]), np.concatenate([e[1] for e in others]))
            sets = [(terms, judged) for _, terms, judged, _ in part]
            texts = sum(len(j) for _, j in sets)
            without = measure(sets, None)
            within = measure(sets, model)
            totals += np.array([without, within])
            names = " + ".join(p.name for p, _, _, _ in part)
            cells = ", ".join(map(str, without)), ", ".join(map(str, within))
            print(f"| {names} | {texts} | {cells[0]} | {cells[1]} |")
        print(f"| all | | {', '.join(map(str, totals[0]))} | {', '.join(map(str, totals[1]))} |")
        return
    every = [e for part in loaded for (_, _, _, e) in part]
    x, y = np.vstack([e[0] for e in every]), np.concatenate([e[1] for e in every])
    weights, intercept = fit(x, y)
    names = [p.name for part in loaded for (p, _, _, _) in part]
    count = sum(len(e[1]) for e in every)
    named = sum(int(e[1].sum()) for e in every)
    argument.MODEL.write_text(
        json.dumps(
            {
                "about": "bot/argument.py: a logistic regression over WordLlama l2_supercat 256-d"
                " sentence embeddings; written by bench/argument_model.py",
                "trained_on": names,
                "examples": count,
                "named": named,
                "C": C,
                "intercept": round(intercept, 6),
                "weights": [round(float(w), 6) for w in weights],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {argument.MODEL} from {count} sentences ({named} named) of {len(names)} files")


if __name__ == "__main__":
    main()
