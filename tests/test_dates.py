"""Dates as texts write them, in each language the library reads, and partial dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import (
    PartialDate,
    format_date,
    iso_date,
    parse_date_line,
    parse_iso_date,
    parse_stated_date,
)

MARCH_12 = date(2024, 3, 12)


@pytest.mark.parametrize(
    "line",
    [
        "12. März 2024", "Dienstag, 12. März 2024", "12.03.2024",
        "Veröffentlicht am 12. März 2024, 10:30 Uhr",
        "12 mars 2024", "mardi 12 mars 2024", "Publié le 12 mars 2024 à 10h30",
        "12 de marzo de 2024", "martes, 12 de marzo de 2024",
        "12 de março de 2024", "terça-feira, 12 de março de 2024",
        "12 marzo 2024", "martedì 12 marzo 2024",
        "12 марта 2024", "12 марта 2024 г.", "вторник, 12 марта 2024 года",
        "March 12, 2024", "Tuesday, 12 March 2024",
    ],
)  # fmt: skip
def test_date_lines_in_seven_languages(line):
    assert parse_date_line(line) == MARCH_12


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1er mars 2024", date(2024, 3, 1)),
        ("1º de março de 2024", date(2024, 3, 1)),
        ("12 mai 2024", date(2024, 5, 12)),
        ("12 мая 2024", date(2024, 5, 12)),
        ("14. Januar 1919", date(1919, 1, 14)),
        ("18 mars 1871", date(1871, 3, 18)),
    ],
)
def test_first_days_and_older_years(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    ["Kapitel 12, 1917", "12 Genossen 2024", "Montag, 12 Tage 2024", "31. Februar 2024", "März"],
)
def test_what_is_not_a_date_line(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    ("stated", "shown", "iso"),
    [
        ("2024-03-12", "12 March 2024", "2024-03-12"),
        ("2024-03-12T10:00:00+01:00", "12 March 2024", "2024-03-12"),
        ("12 March 1918", "12 March 1918", "1918-03-12"),
        ("October 1914", "October 1914", "1914-10"),
        ("März 2024", "March 2024", "2024-03"),
        ("August, 2003", "August 2003", "2003-08"),
        ("1848-02", "February 1848", "1848-02"),
        ("1892", "1892", "1892"),
    ],
)
def test_a_header_date_is_shown_as_precisely_as_it_was_stated(stated, shown, iso):
    value = parse_stated_date(stated)
    assert (format_date(value), iso_date(value)) == (shown, iso)
    assert parse_iso_date(iso) == value
    assert format_date(parse_iso_date(iso)) == shown  # a stored date comes back as partial


def test_partial_dates_sort_among_full_ones():
    dates = [date(1914, 10, 7), PartialDate(1914, 10, "month"), PartialDate(1914), date(1913, 1, 1)]
    assert sorted(dates) == [date(1913, 1, 1), PartialDate(1914), dates[1], date(1914, 10, 7)]
    assert parse_stated_date("around 1900") is None
    assert format_date(None) == iso_date(None) == ""
