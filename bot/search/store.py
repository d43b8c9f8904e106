"""The index on disk: an uncompressed ``.npz`` of its arrays, read straight into them."""

from __future__ import annotations

import hashlib
import math
import mmap
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from bot.library import Library
from bot.text import WORDS_VERSION

# The arrays saved, by name (each the index's attribute of that name with a "_" before it).
SAVED = ("offsets", "postings", "seq", "far_at", "far", "seq_starts", "typo_keys", "typo_words")


def signature(library: Library) -> str:
    """What an index on disk must have been built from: every article and its size, and
    the way words were folded (an index of older words is rebuilt)."""
    digest = hashlib.sha256(f"words {WORDS_VERSION} index 3\n".encode())
    for article in library.articles:
        # (characters: counted once, not read again from a file of texts)
        digest.update(f"{article.id}:{len(article.paragraphs)}:{article.characters}\n".encode())
    return digest.hexdigest()


def write_saved(path: Path, signed: str, words: list[str], arrays: dict[str, Any]) -> None:
    """Write an index's words and arrays (:data:`SAVED`) under its library's signature, in
    place of ``path`` at once (never a half-written index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.npz")
    named: dict[str, Any] = {"signature": np.array(signed), "words": np.array("\n".join(words))}
    np.savez(partial, **(named | arrays))
    partial.replace(path)


def read_saved(path: Path, signed: str) -> tuple[list[str], dict[str, np.ndarray]] | None:
    """The words and arrays saved at ``path`` for the library of signature ``signed``, or
    None (missing, damaged, or saved for another library)."""
    try:
        saved = _read_saved(path)
        if str(saved["signature"]) != signed:
            return None
        arrays = {name: saved[name] for name in SAVED}
        text = str(saved["words"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    return (text.split("\n") if text else []), arrays


def _read_saved(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an index saved by :meth:`FuzzyIndex.save` (an uncompressed ``.npz``),
    each checked against its CRC as ``np.load`` checks it, but mapped from the file rather
    than read into new memory: a copy-on-write mapping of the kernel's page cache, so that a
    start touches pages already in memory instead of filling half a gigabyte of new ones
    (which took 1.5 of the 2 s a million-paragraph index took to load). The arrays can be
    written to (privately: the file never changes), and the file can be replaced meanwhile
    (a save writes a new one). Raises ValueError (or zipfile.BadZipFile) if the file is not
    such an index."""
    arrays = {}
    with path.open("rb") as file, zipfile.ZipFile(file) as archive:
        size = file.seek(0, 2)
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY) if size else b""
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{path}: not a saved index")
            file.seek(info.header_offset)
            header = file.read(30)  # the member's local header, then its name and extra field
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise ValueError(f"{path}: damaged")
            name_size, extra_size = (int.from_bytes(header[i : i + 2], "little") for i in (26, 28))
            start = info.header_offset + 30 + name_size + extra_size
            file.seek(start)
            version = np.lib.format.read_magic(file)
            if version not in ((1, 0), (2, 0)):  # what np.savez writes
                raise ValueError(f"{path}: not a saved index")
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(file)
            if dtype.hasobject or (fortran and len(shape) > 1):
                raise ValueError(f"{path}: not a saved index")
            count = math.prod(shape)
            end = file.tell()
            if end + count * dtype.itemsize > size:
                raise ValueError(f"{path}: damaged")  # cut short
            view = memoryview(mapped)[start : end + count * dtype.itemsize]
            if zlib.crc32(view) != info.CRC:
                raise ValueError(f"{path}: damaged")  # as np.load would find it
            array = np.frombuffer(mapped, dtype=dtype, count=count, offset=end)
            arrays[info.filename[: -len(".npy")]] = array.reshape(shape)
    return arrays
