"""Dates as texts write them, in the languages reading groups read: lines and header values.

A web page's date line is "Tuesday, August 12, 2025" in English, "12. März 2024" in German,
"12 mars 2024" in French, "12 de marzo de 2024" in Spanish and Portuguese, "12 marzo 2024" in
Italian and "12 марта 2024 г." in Russian; a header may state only a month or a year
("October 1914", "1892"). A date known only to the month or year is a :class:`PartialDate`: it
sorts as its first day but is shown as stated, so no day is ever made up.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from bot.text import fold

Precision = Literal["day", "month", "year"]


class PartialDate(date):
    """A date the text states only to the month or the year: it sorts as the first day of that
    month or year, and :func:`format_date` shows only what was stated."""

    precision: Precision

    def __new__(cls, year: int, month: int = 1, precision: Precision = "year") -> PartialDate:
        self = super().__new__(cls, year, month, 1)
        self.precision = precision
        return self

    def __reduce__(self) -> tuple[type[PartialDate], tuple[int, int, Precision]]:
        return (PartialDate, (self.year, self.month, self.precision))

    def __repr__(self) -> str:
        return f"PartialDate({self.year}, {self.month}, {self.precision!r})"


def precision(value: date) -> Precision:
    """How much of a date the text stated."""
    return value.precision if isinstance(value, PartialDate) else "day"


def format_date(value: date | None) -> str:
    """A date as a reader writes it: ``12 August 2025``, ``October 1914`` or ``1892``."""
    if value is None:
        return ""
    kind = precision(value)
    if kind == "year":
        return str(value.year)
    if kind == "month":
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"


def iso_date(value: date | None) -> str:
    """ISO 8601 at the precision stated: ``2025-08-12``, ``1914-10`` or ``1892``; "" for none.
    Stored forms use this, so a partial date comes back partial."""
    if value is None:
        return ""
    kind = precision(value)
    if kind == "year":
        return f"{value.year:04d}"
    if kind == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?$")


def parse_iso_date(text: str) -> date | None:
    """The inverse of :func:`iso_date` (a time after the date is ignored); None if not ISO."""
    m = _ISO.match(text.strip()[:10])
    if not m:
        return None
    try:
        if m["day"]:
            return date(int(m["year"]), int(m["month"]), int(m["day"]))
        if m["month"]:
            return PartialDate(int(m["year"]), int(m["month"]), "month")
        return PartialDate(int(m["year"]))
    except ValueError:
        return None


def _names(table: dict[int, str]) -> dict[str, int]:
    return {fold(name): n for n, names in table.items() for name in names.split()}


# Full names, genitives and abbreviations, by month: en, de, fr, es, pt, it, ru.
MONTHS = _names({
    1: "january jan januar jänner janvier janv enero ene janeiro gennaio gen января январь янв",
    2: "february feb februar feber février févr fév febrero fevereiro fev febbraio февраля "
       "февраль фев",
    3: "march mar märz mrz mars marzo março марта март мар",
    4: "april apr avril avr abril abr aprile апреля апрель апр",
    5: "may mai mayo maio maggio mag мая май",
    6: "june jun juni juin junio junho giugno giu июня июнь",
    7: "july jul juli juillet juil julio julho luglio lug июля июль",
    8: "august aug août agosto ago августа август авг",
    9: "september sep sept septembre septiembre setiembre setembro set settembre сентября "
       "сентябрь сен сент",
    10: "october oct oktober okt octobre octubre outubro out ottobre ott октября октябрь окт",
    11: "november nov novembre noviembre novembro ноября ноябрь ноя",
    12: "december dec dezember dez décembre déc diciembre dic dezembro dicembre декабря "
        "декабрь дек",
})  # fmt: skip
WEEKDAYS = {
    fold(name)
    for name in (
        "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday "
        "sat sunday sun montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag "
        "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves "
        "viernes sábado domingo segunda-feira terça-feira quarta-feira quinta-feira sexta-feira "
        "lunedì martedì mercoledì giovedì venerdì sabato domenica понедельник вторник среда "
        "четверг пятница суббота воскресенье"
    ).split()
}

_WORD = r"[^\W\d_]+"
_WEEKDAY = rf"(?:(?P<weekday>{_WORD}(?:-feira)?)\.?,?\s+)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_TIME = (  # 16:56 BST, at 10.30 am, um 10:30 Uhr, à 10h30
    r"(?:,?\s*(?:at\s+|um\s+|a\s+|a las\s+|alle\s+|в\s+)?\d{1,2}[:.h]\d\d"
    r"(?:\s*[ap]\.?m\.?)?(?:\s+[^\W\d_]{2,5})?)?"
)
_RU_YEAR = r"(?:\s*(?:г\.?|года?))?"
_PUBLISHED = (
    r"(?:(?:published|posted|publie|publiee|veroffentlicht|publicado|publicada|pubblicato|"
    r"pubblicata|опубликовано)(?:\s+(?:on|le|am|el|em|il))?\s*:?\s+)?"
)
_DAY = r"(?P<day>\d{1,2})"
_MONTH = rf"(?P<month>{_WORD})\.?"
_START = f"^{_PUBLISHED}{_WEEKDAY}"
# The text is folded as a reader types it (bot.text.fold: case, accents, "º" as "o") before
# matching: "1º de março" reads "1o de marco", and the words here are written folded.
_DATE_LINES = [
    # Tuesday, August 12, 2025 · Mar 17, 2025
    re.compile(rf"{_START}{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}{_TIME}$"),
    # Tue 19 Jun 2012, 16:56 BST · 12. März 2024 · 1er mars 2024 · 12 de marzo de 2024 ·
    # 12 марта 2024 г.
    re.compile(
        rf"{_START}{_DAY}(?:st|nd|rd|th|er|\.|o|a)?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?"
        rf"{_YEAR}{_RU_YEAR}{_TIME}$"
    ),
    re.compile(rf"^{_PUBLISHED}{_YEAR}-(?P<month>\d\d)-{_DAY}$"),  # 2025-03-17
    re.compile(rf"^{_PUBLISHED}{_DAY}\.(?P<month>\d{{1,2}})\.{_YEAR}{_TIME}$"),  # 12.03.2024
]
_MONTH_YEAR = re.compile(rf"^(?P<month>{_WORD})\.?,?\s+(?:de\s+)?{_YEAR}{_RU_YEAR}$")
_YEAR_ONLY = re.compile(rf"^{_YEAR}$")


def parse_date_line(line: str) -> date | None:
    """The date a line states when the whole line is a date (with weekday or time), else None."""
    text = fold(line).strip(" .")
    for pattern in _DATE_LINES:
        m = pattern.match(text)
        if not m:
            continue
        weekday = m.groupdict().get("weekday")
        if weekday and weekday not in WEEKDAYS:
            continue
        month = m["month"]
        month_no = int(month) if month.isdigit() else MONTHS.get(month)
        if month_no is None:
            continue
        try:
            return date(int(m["year"]), month_no, int(m["day"]))
        except ValueError:
            return None
    return None


def parse_stated_date(text: str) -> date | None:
    """A date as a header states it, to the day, the month or the year: ``2024-03-12``,
    ``12 March 1918``, ``October 1914``, ``1892``; None when it is not one of these."""
    value = " ".join(text.split()).strip(" .")
    found = parse_iso_date(value) if re.match(r"^\d{4}(?:-\d\d){0,2}(?:[T ]|$)", value) else None
    if found:
        return found
    found = parse_date_line(value)
    if found:
        return found
    folded = fold(value)
    m = _MONTH_YEAR.match(folded)
    if m and m["month"] in MONTHS:
        return PartialDate(int(m["year"]), MONTHS[m["month"]], "month")
    if _YEAR_ONLY.match(folded):
        return PartialDate(int(folded))
    return None
