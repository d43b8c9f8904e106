"""The shared corpora (../shared/corpus, see SOURCES.md there), read in place, never copied."""

from __future__ import annotations

import lzma
from functools import cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@cache
def documents(name: str) -> dict[str, list[str]]:
    """Every document of a corpus file, by id: its paragraphs. Skips the test without it."""
    if not (CORPUS / name).is_file():
        pytest.skip(f"{CORPUS / name} is not here")
    documents: dict[str, list[str]] = {}
    current: list[str] = []
    with lzma.open(CORPUS / name, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("@@DOC "):
                doc_id = line[6:].partition("\t")[0]
                while doc_id in documents:  # an id used twice: the second is "<id>#2"
                    base, _, n = doc_id.partition("#")
                    doc_id = f"{base}#{int(n or 1) + 1}"
                current = documents[doc_id] = []
            elif line.strip():
                current.append(line.strip())
    return documents


def corpus_text(name: str, doc_id: str) -> str:
    """One document of a corpus file as its text file would read: paragraphs separated by
    blank lines. Skips the test where the corpora are not beside the project."""
    return "\n\n".join(documents(name)[doc_id]) + "\n"
