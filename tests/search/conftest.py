"""The index of the seeds, shared by the search's tests."""

from __future__ import annotations

import pytest

from bot.search import FuzzyIndex


@pytest.fixture(scope="package")
def index(library):
    return FuzzyIndex(library)
