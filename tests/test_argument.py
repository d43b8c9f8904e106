"""The argument model: sentence embeddings installed with the package, a learned direction."""

import json
import socket

import numpy as np
import pytest

from bot import argument, summary
from bot.library import load_library
from bot.terms import TermIndex
from tests.conftest import SEEDS


@pytest.fixture
def no_network(monkeypatch):
    """Any connection attempt fails the test: the model must load from the installed files."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the argument model tried to connect: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def fresh_model(monkeypatch):
    """The model as a new process finds it: nothing loaded yet."""
    argument._embedder.cache_clear()
    argument.use(argument._read(argument.MODEL))
    yield
    argument._embedder.cache_clear()
    argument.use(argument._read(argument.MODEL))


def test_model_loads_offline_and_tells_a_claim_from_narration(no_network, fresh_model):
    """A thesis ranks above scene-setting and above thanks, with the network refused."""
    claim = "War is an indispensable tool in a global capitalist system dominated by the race for profit."
    scene = "The U.S. voted against it, as did Russia, of course."
    thanks = "I thank the President for giving me the floor."
    scores = argument.scores([claim, scene, thanks])
    assert scores is not None
    assert scores[0] > scores[1]
    assert scores[0] > scores[2]


def test_model_scores_are_deterministic(fresh_model):
    texts = ["Only class war can end this madness.", "Flight radar services pinged dozens of jets."]
    first = argument.scores(texts)
    argument._embedder.cache_clear()
    second = argument.scores(texts)
    assert first is not None
    assert second is not None
    assert np.array_equal(first, second)


def test_model_says_nothing_of_languages_it_was_not_fitted_on(fresh_model):
    assert argument.scores(["Der Krieg ist die Fortsetzung der Politik."], "de") is None


def test_shipped_model_file_names_what_it_was_fitted_on():
    data = json.loads(argument.MODEL.read_text(encoding="utf-8"))
    assert len(data["weights"]) == 256
    assert "judgement.toml" in data["trained_on"]
    assert data["named"] < data["examples"]


def test_a_damaged_model_file_leaves_summaries_working(tmp_path, fresh_model, caplog):
    """A model file that does not parse is named in the log, and the summary ranks without
    it: the same sentences as with no model at all."""
    broken = tmp_path / "argument-model.json"
    broken.write_text("{not json", encoding="utf-8")
    argument.use(argument._read(broken))
    assert "argument-model.json" in caplog.text
    terms = TermIndex(load_library(SEEDS))
    without = [p.ref for p in summary.summarise(terms, "trumps-world-order").passages]
    argument.use(None)
    terms.ranks.clear()
    assert [p.ref for p in summary.summarise(terms, "trumps-world-order").passages] == without
    assert len(without) == 3


def test_without_embeddings_summaries_still_answer(monkeypatch, fresh_model, caplog):
    """If the embeddings package cannot load, the log says so once and summaries still come."""
    import builtins

    real_import = builtins.__import__

    def no_wordllama(name, *args, **kwargs):
        if name == "wordllama":
            raise ImportError("No module named 'wordllama'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_wordllama)
    argument._embedder.cache_clear()
    terms = TermIndex(load_library(SEEDS))
    passages = summary.summarise(terms, "putin-v-prigozhin").passages
    assert len(passages) == 4
    assert caplog.text.count("summaries rank without the argument model") == 1
