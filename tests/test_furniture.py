"""Site furniture stays out of the readable body: seeds and articles the bot has never seen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.furniture import classify_line, parse_byline, parse_date_line, split_article
from bot.text import normalise

# Furniture in the seed files, by file: none of it may reach a quote, summary or search result.
SEED_FURNITURE = {
    "001_e6f3a08007a2bc1a.txt": ["Article by Dreyfus"],
    "002_7c48e2a291217d54.txt": [
        "Tuesday, August 12, 2025",
        "Above: an Armenian soldier guarding the border with Azerbaijan",
        "————————",
        "If you appreciate my work, I hope you become a one-time or regular donor",
        "Go to my Patreon here",
        "join my Telegram channel",
        "No comments:",
        "Post a Comment",
    ],
    "003_6733eafdf7736935.txt": [
        "The Spark",
        "the Voice of",
        "The Communist League of Revolutionary Workers–Internationalist",
        "The emancipation of the working class will only be achieved by the working class itself.",
        "— Karl Marx",
        "Mar 17, 2025",
    ],
    "004_8c572ea15cafd315.txt": [
        "Socialist Worker",
        "Issue No. 2308",
        "Alex Callinicos’s book Imperialism and Global Political Economy",
        "It is available from Bookmarks, the socialist bookshop",
        "phone 020 7637 1848",
        "Click here to subscribe to our daily morning email newsletter",
        "Article information",
        "Tue 19 Jun 2012, 16:56 BST",
        "Share this article",
        "Mobile users! Don't forget to add Socialist Worker to your home screen.",
    ],
}


@pytest.mark.parametrize("file", sorted(SEED_FURNITURE))
def test_seed_furniture_never_reaches_the_body(library, file):
    [article] = [a for a in library.articles if a.path.name == file]
    body = normalise(" ".join(p.text for p in article.paragraphs))
    for furniture in SEED_FURNITURE[file]:
        assert normalise(furniture) not in body, furniture


def test_seed_bodies_start_and_end_with_the_article_itself(library):
    ends = {
        "pro-putin-left": ("American-sponsored globalisation", "not to mention relentlessly."),
        "putin-v-prigozhin": ("The failed Russian coup", "No War but the Class War!"),
        "no-peace-with-empire": ("At this moment, a lesson", "global anti-imperialist war."),
        "trumps-world-order": ("On the third anniversary", "a truce between two wars."),
        "progressive-bloc": ("The revolutionary socialist", "as the key to liberation."),
    }
    for article_id, (first, last) in ends.items():
        article = library.get(article_id)
        assert article.paragraphs[0].text.startswith(first), article_id
        assert article.paragraphs[-1].text.endswith(last), article_id


# An article the bot has never seen, saved from a web page with every kind of furniture.
NEW_ARTICLE = """\
Workers' Liberty

Solidarity with the strikers

Wednesday, 5 March 2025

Above: pickets outside the depot at dawn

The strike at the depot entered its third week on Monday, and the drivers show no sign of going back without a settled deal.

Management had hoped that a promise of a review would divide the workforce. Instead it united them, and the union branch voted by a large majority to continue.

Our readers have asked how they can help. The answer is simple: visit the picket line, bring food, and argue for solidarity action in your own workplace.

Article by Jane Doe

Sue Smith's book Strikes that Changed Britain tells the story of the great disputes.

It is available from the Bookmarks bookshop, phone 020 7637 1848.

Support our work: become a regular donor today. Click here to donate.

Share this article

3 comments

Leave a comment
"""


def test_a_new_article_comes_out_sensibly_without_a_catalog():
    split = split_article(NEW_ARTICLE)
    assert split.publication == "Workers' Liberty"
    assert split.title == "Solidarity with the strikers"
    assert split.date == date(2025, 3, 5)
    assert split.author == "Jane Doe"
    assert [p[:30] for p in split.body] == [
        "The strike at the depot entere",
        "Management had hoped that a pr",
        "Our readers have asked how the",
    ]
    kinds = {kind for _, kind, _ in split.dropped}
    assert {"caption", "date", "byline", "advert", "appeal", "widget", "masthead"} <= kinds


def test_dropped_furniture_keeps_its_line_number():
    split = split_article(NEW_ARTICLE)
    assert (7, "caption", "Above: pickets outside the depot at dawn") in split.dropped


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tuesday, August 12, 2025", date(2025, 8, 12)),
        ("Mar 17, 2025", date(2025, 3, 17)),
        ("Tue 19 Jun 2012, 16:56 BST", date(2012, 6, 19)),
        ("5 March 2025", date(2025, 3, 5)),
        ("2025-03-17", date(2025, 3, 17)),
        ("The failed Russian coup of June 24th, 2023 was a farce.", None),
        ("February 30, 2025", None),
    ],
)
def test_date_lines(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Those who subscribe to Stalinist ideas rarely read Trotsky.",
        "The party newsletter argued for a general strike.",
        "The book of the month was a pamphlet on imperialism.",
        "Share prices fell as the war dragged on.",
        "No comments were made by the ministry about the coup.",
    ],
)
def test_article_sentences_that_mention_furniture_words_are_kept(line):
    assert classify_line(line) is None


# --- bylines and dates in the languages reading groups read ---------------------------------


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Von Karin Vogel", "Karin Vogel"),
        ("Par Jean Dupont", "Jean Dupont"),
        ("Par : Jean Dupont", "Jean Dupont"),
        ("Por Ana Gómez", "Ana Gómez"),
        ("Di Marco Rossi", "Marco Rossi"),
        ("Автор: Иван Петров", "Иван Петров"),
        ("By Jane Doe", "Jane Doe"),
        ("Article by Dreyfus", "Dreyfus"),
        ("by Ursula von der Leyen", "Ursula von der Leyen"),
        ("Von Karl Marx und Friedrich Engels", "Karl Marx und Friedrich Engels"),
    ],
)
def test_bylines_in_other_languages_name_the_author(line, author):
    assert parse_byline(line) == (author, None)
    assert classify_line(line) == "byline"


@pytest.mark.parametrize(
    "line",
    ["By the way, the strike goes on.", "Von der Leyen", "Par exemple", "Por qué", "Di più"],
)
def test_lines_that_only_start_like_a_byline_are_kept(line):
    assert parse_byline(line) is None


def test_a_byline_with_its_date():
    assert parse_byline("Von Karin Vogel, 12. März 2024") == ("Karin Vogel", date(2024, 3, 12))
    assert parse_byline("Par Jean Dupont | 12 mars 2024") == ("Jean Dupont", date(2024, 3, 12))


@pytest.mark.parametrize(
    ("header", "author", "when"),
    [
        ("Von Karin Vogel\n\n12. März 2024", "Karin Vogel", date(2024, 3, 12)),
        ("Par : Jean Dupont\n\n12 mars 2024", "Jean Dupont", date(2024, 3, 12)),
        ("Por Ana Gómez\n\n12 de marzo de 2024", "Ana Gómez", date(2024, 3, 12)),
        ("Por Ana Gómez\n\n12 de março de 2024", "Ana Gómez", date(2024, 3, 12)),
        ("Di Marco Rossi\n\n12 marzo 2024", "Marco Rossi", date(2024, 3, 12)),
        ("Автор: Иван Петров\n\n12 марта 2024 г.", "Иван Петров", date(2024, 3, 12)),
    ],
)
def test_an_article_in_another_language_gets_its_author_and_date(header, author, when):
    body = "\n\n".join(split_article(NEW_ARTICLE).body)
    split = split_article(f"Der Titel\n\n{header}\n\n{body}")
    assert (split.title, split.author, split.date, split.standfirst) == (
        "Der Titel",
        author,
        when,
        "",
    )
    assert split.body[0].startswith("The strike at the depot")


def test_a_german_article_reads_its_masthead_title_byline_and_date():
    """Rosa Luxemburg in Die Rote Fahne (tests/data): "Von Rosa Luxemburg" was the standfirst."""
    text = (Path(__file__).parent / "data" / "luxemburg-der-anfang.txt").read_text(encoding="utf-8")
    split = split_article(text)
    assert (split.publication, split.title, split.author, split.date, split.standfirst) == (
        "Die Rote Fahne", "Der Anfang", "Rosa Luxemburg", date(1918, 11, 18), "",
    )  # fmt: skip
    assert split.body[0].startswith("Die Revolution hat begonnen.")
    assert len(split.body) == 3


def test_hard_wrapped_lines_are_never_furniture():
    """Gutenberg wraps its lines: "…but buys it of" / "middlemen, who in their turn buy it of
    peasants…" was dropped as a bookshop's advert ("buy it")."""
    wrapped = (
        "about 700 hours too much to fatten the idle and the would-be\n"
        "administrators, because he does not produce his own food, but buys it of\n"
        "middlemen, who in their turn buy it of peasants who exhaust themselves\n"
        "by working with bad tools.\n"
    )
    split = split_article(f"A title\n\n{wrapped}")
    assert split.body == [" ".join(wrapped.split("\n")).strip()]
    assert split.dropped == [(1, "title", "A title")]


# One long paragraph, as a work's excerpt is often saved: its last sentence carries a footnote
# mark, and nothing above it but the title.
ONE_PARAGRAPH = (
    "Thirdly, the survey of the three villages was used to deny that the peasants are overworked"
    " and underfed. The critics pass over what it shows of the middle peasant. About a quarter of"
    " the farmers are prosperous, keep cows and pigs for the market and hire labourers at harvest"
    " time.[3] In the second group the yields are lower, there is less livestock, meat is rarely"
    " eaten, and many families sell their grain in the autumn when they are short of money and buy"
    " it back in the spring. More and more of them go to work in the factories of the town, and"
    " walk there and back every day because they cannot afford the fare. In the third group the"
    " land is a side line worked by the women, and the number of goats, the poor man's cow, has"
    " grown tenfold in forty years. The author of the survey ends by praising the factory worker"
    " who hoes his potatoes before his shift as a man risen into the middle class by his own"
    " diligence and morality. [4]"
)


def test_an_article_of_one_long_paragraph_is_its_body_not_its_standfirst():
    """lenin/part030 (1,015 words in one paragraph, ending in a footnote mark) was read as
    title and standfirst, and the library refused it: "no article text left"."""
    split = split_article(f"The agrarian question\n\n{ONE_PARAGRAPH}\n")
    assert split.title == "The agrarian question"
    assert split.standfirst == ""
    assert split.body == [ONE_PARAGRAPH]


def test_a_long_paragraph_cut_off_mid_sentence_is_still_the_body():
    cut = ONE_PARAGRAPH.removesuffix(" diligence and morality. [4]")
    split = split_article(f"The agrarian question\n\n{cut}\n")
    assert split.body == [cut]


def test_a_one_paragraph_articles_furniture_is_still_dropped():
    text = (
        "Home > Archive > Lenin > 1901\n\nThe agrarian question\n\n"
        f"{ONE_PARAGRAPH}\n\nPage 12 of 40\n\n« Previous | Contents | Next »\n\n"
        "© 2024 Marxists Internet Archive. All rights reserved.\n"
    )
    split = split_article(text)
    assert split.title == "The agrarian question"
    assert split.body == [ONE_PARAGRAPH]
    dropped = [line for _, _, line in split.dropped]
    assert "Page 12 of 40" in dropped
    assert "« Previous | Contents | Next »" in dropped
    assert "© 2024 Marxists Internet Archive. All rights reserved." in dropped


def test_a_short_standfirst_is_still_a_standfirst():
    split = split_article(
        f"Solidarity with the depot strikers\n\nWhy the strike matters and what comes next\n\n{ONE_PARAGRAPH}\n"
    )
    assert split.standfirst == "Why the strike matters and what comes next"
    assert split.body == [ONE_PARAGRAPH]


@pytest.mark.parametrize(
    "line",
    [
        "Page 3 of the report shows the cuts.",
        "Copyright law was used against the strikers.",
        "Copyright 2019 was a bad year for the union, and this is why.",
        "The next chapter shows the contents of the budget.",
        "12 workers were sacked.",
    ],
)
def test_sentences_like_page_or_copyright_lines_are_kept(line):
    assert classify_line(line) is None
