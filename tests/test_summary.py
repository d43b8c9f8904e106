"""/summary's core: the sentences that carry each seed's argument."""

from __future__ import annotations

import pytest

from bench.judgement import CORPUS, FRESH, carried, judged_library, measure
from bot.summary import summarise, summary_length
from bot.terms import TermIndex
from bot.text import normalise
from tests.test_furniture import SEED_FURNITURE

ARTICLES = [
    "pro-putin-left",
    "putin-v-prigozhin",
    "no-peace-with-empire",
    "trumps-world-order",
    "progressive-bloc",
]


@pytest.fixture(scope="module")
def terms(library):
    return TermIndex(library)


@pytest.mark.parametrize("article_id", ARTICLES)
@pytest.mark.parametrize("long", [False, True])
def test_summary_sentences_are_verbatim_whole_in_order_and_cited(library, terms, article_id, long):
    summary = summarise(terms, article_id, long=long)
    article = library.get(article_id)
    low, high = (8, 10) if long else (3, 5)
    assert low <= len(summary.passages) <= high
    positions = []
    for passage in summary.passages:
        assert library.resolve(passage.ref) == passage  # the reference names exactly this text
        para = article.paragraphs[passage.paragraph - 1]
        assert passage.text in para.text  # verbatim
        assert passage.text[-1] in '.!?…”’"', passage.text  # never cut in half
        positions.append((passage.paragraph, (passage.sentences or (1, 1))[0]))
    assert positions == sorted(positions)  # the article's order


@pytest.mark.parametrize("article_id", ARTICLES)
def test_summaries_hold_no_furniture_and_no_near_duplicates(library, terms, article_id):
    from rapidfuzz import fuzz

    summary = summarise(terms, article_id, long=True)
    texts = [normalise(p.text) for p in summary.passages]
    furniture = [normalise(f) for fs in SEED_FURNITURE.values() for f in fs]
    for text in texts:
        assert not any(f in text for f in furniture)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert fuzz.ratio(a, b) < 80


def test_the_one_paragraph_article_gets_a_real_summary_not_its_opening(terms):
    summary = summarise(terms, "pro-putin-left")
    refs = [p.ref for p in summary.passages]
    assert refs != ["pro-putin-left ¶1.1", "pro-putin-left ¶1.2", "pro-putin-left ¶1.3"]
    assert all(r.startswith("pro-putin-left ¶1.") for r in refs)


def test_a_quotation_of_someone_else_is_not_the_articles_argument(terms):
    for long in (False, True):
        refs = [p.ref for p in summarise(terms, "putin-v-prigozhin", long=long).passages]
        assert not any(r.startswith("putin-v-prigozhin ¶11") for r in refs)  # Putin's speech


def test_summaries_carry_what_a_reader_names_as_each_seeds_argument():
    """Against tests/data/judgement.toml, written by a reader who never saw the bot's output:
    every seed's long summary carries four of its argument sentences and every short one but
    one carries two. The one is pro-putin-left, a text of a single paragraph, where only how
    firmly and how centrally a sentence argues can speak: its short summary carries one (the
    old mix carried two, by weighing claims made general, which cost texts nobody tuned on)."""
    library, judged, _ = judged_library(corpus=False)
    terms = TermIndex(library)
    short_of = []
    for item in judged:
        short = [p.text for p in summarise(terms, item.article_id).passages]
        long = [p.text for p in summarise(terms, item.article_id, long=True).passages]
        if carried(item.argument, short) < 2:
            short_of.append(item.article_id)
        assert carried(item.argument, short) >= 1, (item.article_id, short)
        assert carried(item.argument, long) >= 4, (item.article_id, long)
        assert carried(item.not_argument, short + long) == 0, (item.article_id, short, long)
    assert set(short_of) <= {"pro-putin-left"}, short_of


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_judged_texts_get_their_argument_in_both_summaries_tuned_on_or_not():
    """Two argument sentences in the short summary and four in the long one, against both
    readers' judgements (the 19 texts of judgement.toml, the 6 of judgement-fresh.toml, the 8
    of judgement-fresh2.toml, the 8 of judgement-fresh3.toml and the 8 of judgement-fresh4.toml,
    judged again in judgement-fresh4b.toml). The
    ranking is five general signals, not cues fitted to the first 14 texts: it meets the bar on
    12 of those 14 (the old hand-weighted mix met it on all 14), and on 5 of the 6 texts of the
    second reader, who never saw the bot (the old mix: 1 of 6). The floors are today's figures;
    a text carrying a line its reader rejects is counted, not excused."""
    rows, _ = measure()
    tuned = [r for r in rows if not r[6]]
    assert len(tuned) == 14
    assert sum(r[2] >= 2 and r[3] >= 4 for r in tuned) >= 12, tuned
    assert not any(r[4] or r[5] for r in tuned), tuned  # views rejected, shown as the argument
    for name, texts, met, short, long, rejected in FLOORS:
        rows, _ = measure(FRESH.with_name(name))
        assert len(rows) == texts, name
        assert sum(r[2] >= 2 and r[3] >= 4 for r in rows) >= met, (name, rows)
        assert sum(r[2] for r in rows) >= short, (name, rows)
        assert sum(r[3] for r in rows) >= long, (name, rows)
        assert sum(1 for r in rows if r[4] or r[5]) <= rejected, (name, rows)


# Each later judgement (file, texts, and today's floors: texts meeting the bar, argument
# sentences the short and the long summaries carry, texts showing a sentence the reader
# rejects). judgement-fresh.toml: the second reader, who never saw the bot (the old mix: 1 of
# 6 met the bar, 10 and 17 sentences). fresh2: the third reader's, held out until measured
# once (3 of the 7 read then; the eighth was refused), words quoted at length left out since.
# fresh3: the fourth reader's (3 of 8 when measured). fresh4 and fresh4b: a fifth and a sixth
# reader's judgements of the same eight texts (4 of 8 against each when measured), then a
# paragraph's opening sentence weighed and its closing one no longer. fresh5 and fresh5b: two
# more readers of eight more texts (4 of 8 against each when measured). Then the argument
# model (bot/argument.py), fitted on all of these: the floors are in-sample figures, what it
# does on texts it was not fitted on is bench/argument_model.py --check's and RESULTS.md's.
# fresh6 and fresh6b: two readers of eight more texts, held out from the model too and
# measured once with it (3 and 4 of 8).
FLOORS = [
    ("judgement-fresh.toml", 6, 6, 18, 25, 2),  # of 56 argument sentences
    ("judgement-fresh2.toml", 8, 4, 21, 32, 1),  # of 79
    ("judgement-fresh3.toml", 8, 4, 17, 30, 2),  # of 76
    ("judgement-fresh4.toml", 8, 5, 21, 32, 1),  # of 94
    ("judgement-fresh4b.toml", 8, 4, 19, 31, 1),  # of 95
    ("judgement-fresh5.toml", 8, 6, 20, 35, 1),  # of 96
    ("judgement-fresh5b.toml", 8, 5, 17, 32, 1),  # of 96
    ("judgement-fresh6.toml", 8, 3, 17, 28, 1),  # of 92
    ("judgement-fresh6b.toml", 8, 4, 18, 26, 3),  # of 92
]


def test_summary_is_deterministic(library):
    first = [p.ref for a in ARTICLES for p in summarise(TermIndex(library), a).passages]
    second = [p.ref for a in ARTICLES for p in summarise(TermIndex(library), a).passages]
    assert first == second


def test_header_figures_and_key_terms(terms):
    summary = summarise(terms, "no-peace-with-empire")
    assert summary.words == 1194
    assert summary.reading_minutes == 6
    assert "anti-imperialist" in summary.key_terms
    assert "the" not in summary.key_terms


def test_key_terms_are_distinctive_not_common_to_every_article(terms):
    everywhere = {t for t, df in terms.document_frequency.items() if df == terms.size}
    for article_id in ARTICLES:
        for term in terms.key_terms(article_id):
            assert term not in {terms.show(t) for t in everywhere}, (article_id, term)


def test_summary_length_grows_with_the_article():
    assert [summary_length(w, False) for w in (300, 700, 5000)] == [3, 4, 5]
    assert [summary_length(w, True) for w in (300, 2000, 9000)] == [8, 9, 10]


def test_a_tiny_article_is_summarised_by_what_it_has(tmp_path):
    from bot.library import load_library

    (tmp_path / "a.txt").write_text(
        "A short note\n\nThe strike goes on. Management will not move and the union will not either.\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    summary = summarise(TermIndex(library), library.articles[0].id)
    assert [p.text for p in summary.passages] == [
        "Management will not move and the union will not either."
    ]


def test_key_terms_name_things_and_ideas_not_what_is_done_or_judged(terms):
    every = {t for a in ("pro-putin-left", "putin-v-prigozhin", "trumps-world-order") for t in terms.key_terms(a)}  # fmt: skip
    assert not every & {"voted", "choosing", "desirable", "stabbed", "profitable", "asks"}
    assert {"globalisation", "prigozhin", "coup"} <= every


def test_a_short_general_claim_is_chosen_and_a_question_never(tmp_path):
    from bot.library import load_library

    (tmp_path / "a.txt").write_text(
        "On equality\n\n"
        "Democracy means equality. The congress of 1903 met in Brussels and then in London in "
        "the summer, with forty-three delegates from twenty-six organisations. Can the party "
        "survive the split between its two wings? We think that it can. The delegates argued "
        "over the first paragraph of the rules for many days and nights in the hall.\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    summary = summarise(TermIndex(library), library.articles[0].id)
    texts = [p.text for p in summary.passages]
    assert "Democracy means equality." in texts
    assert not any(t.endswith("?") for t in texts)


def test_a_summary_is_shorter_than_the_text_it_sums_up(tmp_path):
    from bot.library import load_library

    sentences = [
        f"The strike in mill number {n} goes on while the owners wait for rain." for n in "abcdef"
    ]
    (tmp_path / "a.txt").write_text("Strikes\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    library = load_library(tmp_path)
    summary = summarise(TermIndex(library), library.articles[0].id, long=True)
    assert len(summary.passages) <= 4  # two thirds of six sentences, not all of them


def test_german_key_terms_are_its_nouns_not_its_verbs_or_adjectives(library):
    from pathlib import Path

    from bot.library import article_from_text

    path = Path(__file__).parent / "data" / "luxemburg-der-anfang.txt"
    article = article_from_text(
        path.read_text(encoding="utf-8"), path, 6, {}, {a.id for a in library.articles}
    )
    library.add(article)
    try:
        terms = TermIndex(library)
        assert terms.languages[article.id] == "de"
        key = terms.key_terms(article.id)
        assert {"feind", "monarchie", "revolution"} <= set(key)
        assert not set(key) & {"begonnen", "niedergeworfenen", "der", "und"}  # verb, adjective
    finally:
        library.remove(article.id)


def test_key_terms_leave_out_words_of_general_prose_and_doubled_roots(terms):
    every = [t for a in ARTICLES for t in terms.key_terms(a)]
    assert not set(every) & {"important", "world", "global", "bloody", "moment", "country"}
    for article_id in ARTICLES:
        key = terms.key_terms(article_id)
        assert not any(a != b and b.startswith(a) and len(a) >= 4 for a in key for b in key), key


def test_a_translators_note_is_not_the_argument_and_a_short_thesis_is(tmp_path):
    from bot.library import load_library

    (tmp_path / "a.txt").write_text(
        "On the strike\n\n"
        "The general strike is the workers' own weapon. The miners of the north stopped work in "
        "the spring of that year, and the dockers of the south joined them within a fortnight. "
        "The owners brought in men from the villages and the police escorted them to the pits. "
        "Only the workers themselves can end the rule of the owners.\n\n"
        "[3] The Prater is a large public park in Vienna, where the workers must meet every "
        "year on the first of May and where the police cannot stop them. (translator)\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    texts = [p.text for p in summarise(TermIndex(library), library.articles[0].id).passages]
    assert "The general strike is the workers' own weapon." in texts
    assert "Only the workers themselves can end the rule of the owners." in texts
    assert not any("Prater" in t or "police cannot" in t for t in texts)


def test_a_speech_is_summed_up_by_its_closing_claim_not_its_closing_courtesies(tmp_path):
    """The conclusion weighs by how central its sentences are: the claim it ends on is chosen,
    the blessing and the greeting are not (the old mix took a closing sentence for closing)."""
    from bot.library import load_library

    (tmp_path / "a.txt").write_text(
        "Statement by the President of the islands\n\n"
        "I bring warm greetings from the people of our islands to this Assembly, and I "
        "congratulate the President on his election.\n\n"
        "The sea is rising around our islands every year. The rising sea destroys our homes and "
        "our fields. The world must act on the rising sea now, before our islands are lost.\n\n"
        "Our people have lived on these islands for many centuries. Our fishermen go out to the "
        "sea each morning in their boats. The rising sea now reaches the houses of the "
        "fishermen.\n\n"
        "The rich nations, whose factories warm the world, must pay for the damage the rising "
        "sea has done to our islands.\n\n"
        "Only a world that acts together can stop the rising sea and save the islands. In "
        "closing, I share our traditional blessing of health, peace and prosperity with every "
        "delegation here.\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    terms = TermIndex(library)
    short = [p.text for p in summarise(terms, library.articles[0].id).passages]
    long = [p.text for p in summarise(terms, library.articles[0].id, long=True).passages]
    assert "Only a world that acts together can stop the rising sea and save the islands." in short
    assert not any("blessing" in t for t in short + long)
    assert not any("greetings" in t for t in short)


def test_words_quoted_at_length_are_someone_elses_not_the_argument(tmp_path):
    """A quotation that runs over several sentences (a quotation within it too), or over
    several paragraphs (each opening with a mark, only the last closing), is the quoted
    author's words: never the summary's. A word or two in quotation marks is not."""
    from bot.library import load_library
    from bot.summary import quoted_sentences

    (tmp_path / "a.txt").write_text(
        "On the peasant worker\n\n"
        "The professor's idyll of the worker-peasant hides the worker's overwork. "
        "“The worker,” says the professor, moved, “has a house of his own and a plot of land. "
        "The worker is both a factory hand and a free peasant. In summer, when work starts "
        "only [“only”!] at seven, he rises at four to hoe his field, and he is happy.” "
        "This “happiness” is sixteen hours of toil a day.\n\n"
        "“The landlord's rights must be respected in every village and every province.\n\n"
        "“The peasant's duty is to obey the landlord and the priest in all things.”\n\n"
        "Only the workers' own organisation can end the overwork of the worker-peasant. "
        "The worker-peasant must join the workers of the towns in one struggle.\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path)
    article = library.articles[0]
    texts = [s.text for s in TermIndex(library).articles[article.id].sentences]
    quoted = {texts[i] for i, s in enumerate(TermIndex(library).articles[article.id].sentences)
              if (s.paragraph, s.number) in quoted_sentences(article)}  # fmt: skip
    assert any(t.startswith("“The worker,” says the professor") for t in quoted)
    assert "The worker is both a factory hand and a free peasant." in quoted
    assert any(t.startswith("In summer, when work starts") for t in quoted)
    assert any("landlord's rights" in t for t in quoted)  # a quotation of two paragraphs
    assert any("peasant's duty" in t for t in quoted)
    assert "This “happiness” is sixteen hours of toil a day." not in quoted  # a word in marks
    assert not any(t.startswith("The professor's idyll") for t in quoted)
    for long in (False, True):
        chosen = [p.text for p in summarise(TermIndex(library), article.id, long=long).passages]
        assert chosen, long
        assert not any(t in quoted for t in chosen), chosen
        assert "Only the workers' own organisation can end the overwork of the worker-peasant." in (
            chosen
        )
