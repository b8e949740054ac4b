"""Dates named in a brief's text, resolved against the day it was published.

"on Friday", "last month", "March 3", "two days ago": news writes most dates relative to the
day of the story, so each expression is resolved against the brief's publication date. Values
follow TimeML (TIMEX3 `value`): 2011-03-03, 2011-03, 2011, 2011-W09, 2011-Q1, 2011-SU,
PRESENT_REF, PAST_REF, FUTURE_REF. Rules, not a model: each says what a reader of any news
article would take the words to mean (`bench/stories_bench.py` measures them on TimeBank).

A few expressions are read against the date the text named just before them, as a reader
does: "the following year", "that day", and "a year earlier" after a quarter (a comparison
with the same quarter). Holidays that fall on one day a year ("Thanksgiving", "Easter") are
resolved like a month and day without a year.

dateparser (measured beside these rules in the bench) parses a date string well but does not
find expressions in running text, and resolves "Friday" forward, where news means the last one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: n
    for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3,
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The nth (1-based; -1 for the last) given weekday of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


# Holidays that name one day each year (those of the US, where most English news is dated by
# them, and the fixed ones everyone keeps), as a function of the year.
HOLIDAYS: dict[str, Callable[[int], date]] = {
    "New Year's Day": lambda y: date(y, 1, 1),
    "New Year's Eve": lambda y: date(y, 12, 31),
    "Martin Luther King Day": lambda y: _nth_weekday(y, 1, 0, 3),
    "Valentine's Day": lambda y: date(y, 2, 14),
    "Good Friday": lambda y: _easter(y) - timedelta(days=2),
    "Easter Sunday": _easter,
    "Easter": _easter,
    "Memorial Day": lambda y: _nth_weekday(y, 5, 0, -1),
    "Independence Day": lambda y: date(y, 7, 4),
    "Fourth of July": lambda y: date(y, 7, 4),
    "Labor Day": lambda y: _nth_weekday(y, 9, 0, 1),
    "Halloween": lambda y: date(y, 10, 31),
    "Election Day": lambda y: _nth_weekday(y, 11, 0, 1) + timedelta(days=1),
    "Veterans Day": lambda y: date(y, 11, 11),
    "Thanksgiving Day": lambda y: _nth_weekday(y, 11, 3, 4),
    "Thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "Christmas Eve": lambda y: date(y, 12, 24),
    "Christmas Day": lambda y: date(y, 12, 25),
    "Christmas": lambda y: date(y, 12, 25),
    "Boxing Day": lambda y: date(y, 12, 26),
}
_UNITS = tuple("one two three four five six seven eight nine".split())
_TEENS = tuple("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())
_TENS = tuple("twenty thirty forty fifty sixty seventy eighty ninety".split())
_NUMBER_WORDS = (
    {word: n for n, word in enumerate(_UNITS, 1)}
    | {word: n for n, word in enumerate(_TEENS, 10)}
    | {word: 10 * n for n, word in enumerate(_TENS, 2)}
)
# Years as broadcast transcripts spell them: "nineteen ninety-six", "two thousand and one".
_SPELLED_YEAR = (
    rf"(?:nineteen|eighteen) (?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)})"
    rf"|two thousand(?:(?: and)? (?:{'|'.join(_UNITS + _TEENS)}))?"
)


def _spelled_year(text: str) -> int:
    words = [word for word in text.lower().replace("-", " ").split() if word != "and"]
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_NUMBER_WORDS[word] for word in words[2:])
    return (1900 if words[0] == "nineteen" else 1800) + sum(_NUMBER_WORDS[word] for word in words[1:])


_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)  # the longest first: "Sept" before "Sep"
_MONTH = (
    "(?P<month>"
    + "|".join(m.capitalize() if len(m) > 4 or m == "may" else rf"{m.capitalize()}\.?" for m in _MONTH_NAMES)
    + ")"
)
_WEEKDAY = "(?P<weekday>" + "|".join(d.capitalize() for d in WEEKDAYS) + ")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_NUMBER = r"(?P<count>\d+|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")),
    ("month_day", re.compile(rf"\b(?:(?P<which>(?i:last|next)) )?{_MONTH} {_DAY}\b(?:,? {_YEAR}\b)?")),
    ("day_month", re.compile(rf"\b{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b{_MONTH},? (?:of )?{_YEAR}\b")),
    (
        "relative_day",
        re.compile(
            r"\b(?P<word>today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I
        ),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<which>(?i:last|next|this|on|early|late)) )?{_WEEKDAY}\b"),
    ),
    (
        "ago",
        re.compile(
            rf"\b{_NUMBER} (?P<unit>day|week|month|year|decade)s? (?P<dir>ago|earlier|before|later)\b", re.I
        ),
    ),
    (
        "that_unit",
        re.compile(
            r"\b(?:(?:earlier |later )?(?:that|the same|that same) (?P<unit>day|month|year)"
            r"|the (?P<relation>following|next|previous|preceding) (?P<next_unit>day|morning|month|year))\b",
            re.I,
        ),
    ),
    (
        "year_earlier",
        re.compile(r"\b(?:the )?(?:comparable |same )?year-(?:earlier|ago)\b(?: quarter| period)?", re.I),
    ),
    (
        "season",
        re.compile(
            r"\b(?P<which>last|this past|this|next|early|late) "
            r"(?P<season>spring|summer|fall|autumn|winter)\b",
            re.I,
        ),
    ),
    ("recent_quarter", re.compile(r"\bthe (?:latest |most recent |recent |just-ended |)quarter\b", re.I)),
    ("decade", re.compile(r"\b(?:the )?(?P<decade>1[89]\d0|20\d0)s\b")),
    ("decade_word", re.compile(rf"\bthe (?P<tens>{'|'.join(t[:-1] for t in _TENS)})ies\b", re.I)),
    ("century", re.compile(r"\b(?:the )?(?P<century>1\d|20|21|[1-9])(?:st|nd|rd|th)[ -]century\b", re.I)),
    (
        "month_alone",
        re.compile(
            rf"\b(?:(?P<which>(?i:in|last|this|next|early|late|mid-|since|until|by|through|during)) ?)?"
            rf"{_MONTH}\b(?! \d)(?:,? (?:of )?(?P<year_word>(?i:last|this|next)) year\b)?"
        ),
    ),
    (
        "period",
        re.compile(
            r"\b(?P<which>last|this past|this|next|past|coming|previous) (?P<unit>week|month|year|quarter)\b",
            re.I,
        ),
    ),
    (
        "quarter",
        re.compile(
            rf"\b(?:the )?(?P<ordinal>{'|'.join(ORDINALS)})[ -](?:fiscal )?quarter(?: of {_YEAR})?",
            re.I,
        ),
    ),
    ("fiscal", re.compile(rf"\bfiscal(?: year)? {_YEAR}\b", re.I)),
    (
        "holiday",
        re.compile(
            rf"\b(?:(?P<which>(?i:last|next|this)) )?(?P<holiday>{'|'.join(HOLIDAYS)})\b(?! week)(?:'s)?"
        ),
    ),
    ("spelled_year", re.compile(rf"\b(?:the year )?(?P<spelled>(?i:{_SPELLED_YEAR}))\b")),
    ("weekend", re.compile(r"\b(?P<which>this|last|next|the) weekend\b", re.I)),
    (
        "current",
        re.compile(r"\b(?:the )?current (?:fiscal |calendar )?(?P<unit>year|quarter|month|week)\b", re.I),
    ),
    (
        "year",
        re.compile(rf"(?<![$\d,.])\b{_YEAR}\b(?![-%\d]|,\d| (?:percent|people|tons|times|dollars|shares))"),
    ),
    # The adjectives ("current", "recent", "future") name a time less often than they qualify a
    # noun ("current account", "future plans"): only the adverbs and phrases are taken.
    ("present", re.compile(r"\b(?:now|currently|at present|these days|nowadays)\b", re.I)),
    (
        "past",
        re.compile(r"\b(?:recently|in the past|formerly|(?:in )?recent (?:days|weeks|months|years))\b", re.I),
    ),
    ("future", re.compile(r"\bthe (?:near |distant )?future\b", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # TIMEX3 value, see the module's docstring

    @property
    def day(self) -> date | None:
        """The day it names, when it names one."""
        if len(self.value) == 10 and self.value[4] == "-" and self.value[7] == "-":
            return date.fromisoformat(self.value)
        return None


def _nearest_year(month: int, day: int, anchor: date) -> int:
    """The year that puts month/day nearest the anchor: "October" in a January story is last October."""
    best = anchor.year
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidate = date(year, month, min(day, 28))
        except ValueError:
            continue
        if abs((candidate - anchor).days) < abs((date(best, month, min(day, 28)) - anchor).days):
            best = year
    return best


def _month_number(text: str) -> int:
    return MONTHS[text.rstrip(".").lower()]


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _resolve(kind: str, m: re.Match[str], anchor: date) -> str | None:
    groups = m.groupdict()
    if kind == "iso":
        try:
            return date(int(groups["year"]), int(groups["month"]), int(groups["day"])).isoformat()
        except ValueError:
            return None
    if kind in ("month_day", "day_month"):
        month, day = _month_number(groups["month"]), int(groups["day"])
        year = int(groups["year"]) if groups.get("year") else _nearest_year(month, day, anchor)
        which = (groups.get("which") or "").lower()
        if which == "last" and not groups.get("year"):  # "last Oct. 23": the one before the story
            year = anchor.year - (1 if (month, day) >= (anchor.month, anchor.day) else 0)
        elif which == "next" and not groups.get("year"):
            year = anchor.year + (1 if (month, day) <= (anchor.month, anchor.day) else 0)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    if kind == "month_year":
        return f"{int(groups['year']):04d}-{_month_number(groups['month']):02d}"
    if kind == "relative_day":
        word = groups["word"].lower()
        shift = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
        return (anchor + timedelta(days=shift)).isoformat()
    if kind == "weekday":
        weekday, which = WEEKDAYS[groups["weekday"].lower()], (groups["which"] or "").lower()
        back = (anchor.weekday() - weekday) % 7
        if which == "next":
            return (anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)).isoformat()
        if which == "last" and back == 0:
            back = 7
        return (anchor - timedelta(days=back)).isoformat()  # news tells what happened
    if kind == "ago":
        count_text = groups["count"].lower()
        count = int(count_text) if count_text.isdigit() else NUMBERS[count_text]
        sign = 1 if groups["dir"].lower() == "later" else -1
        unit = groups["unit"].lower()
        if unit == "day":
            return (anchor + timedelta(days=sign * count)).isoformat()
        if unit == "week":
            return _week(anchor + timedelta(weeks=sign * count))
        if unit == "month":
            year, month = _shift_month(anchor, sign * count)
            return f"{year:04d}-{month:02d}"
        if unit == "decade":
            return f"{anchor.year + sign * 10 * count:04d}"[:3]
        return f"{anchor.year + sign * count:04d}"
    if kind == "that_unit":
        return "REF"  # resolved against the date the text named last, in find_dates
    if kind == "year_earlier":
        return f"{anchor.year - 1:04d}"
    if kind == "season":
        which, season = groups["which"].lower(), groups["season"].lower()
        code = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}[season]
        shift = {"last": -1, "this past": -1, "next": 1}.get(which, 0)
        return f"{anchor.year + shift:04d}-{code}"
    if kind == "recent_quarter":
        # The quarter a story reports on is the last one to have ended a month before it.
        index = anchor.year * 4 + (anchor.month - 1) // 3 - 1
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if kind == "decade":
        return groups["decade"][:3]
    if kind == "decade_word":  # "the nineties": of the century the story is in, or the last one
        tens = _TENS.index(groups["tens"].lower() + "y") + 2
        century = anchor.year // 100 - (1 if tens * 10 > anchor.year % 100 else 0)
        return f"{century:02d}{tens}"
    if kind == "century":
        return f"{int(groups['century']) - 1:02d}"
    if kind == "period":
        which, unit = groups["which"].lower(), groups["unit"].lower()
        shift = {"last": -1, "this past": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[
            which
        ]
        if unit == "week":
            return _week(anchor + timedelta(weeks=shift))
        if unit == "month":
            year, month = _shift_month(anchor, shift)
            return f"{year:04d}-{month:02d}"
        if unit == "quarter":
            index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
            return f"{index // 4:04d}-Q{index % 4 + 1}"
        return f"{anchor.year + shift:04d}"
    if kind == "quarter":
        quarter = ORDINALS[groups["ordinal"].lower()]
        if groups.get("year"):
            return f"{int(groups['year']):04d}-Q{quarter}"
        current = (anchor.month - 1) // 3 + 1
        return f"{anchor.year - (1 if quarter > current else 0):04d}-Q{quarter}"  # results come after
    if kind == "fiscal":
        return f"{int(groups['year']):04d}"  # TimeML gives a fiscal year as the year
    if kind == "month_alone":
        month = _month_number(groups["month"])
        which = (groups["which"] or "").lower()
        if groups["year_word"]:
            year = anchor.year + {"last": -1, "this": 0, "next": 1}[groups["year_word"].lower()]
        elif which == "last":
            year = anchor.year - (1 if month >= anchor.month else 0)
        elif which == "next":
            year = anchor.year + (1 if month <= anchor.month else 0)
        elif which == "this":
            year = anchor.year
        else:
            year = _nearest_year(month, 15, anchor)
        return f"{year:04d}-{month:02d}"
    if kind == "year":
        return f"{int(groups['year']):04d}"
    if kind == "holiday":
        holiday, which = HOLIDAYS[groups["holiday"]], (groups["which"] or "").lower()
        shift = {"last": -1, "next": 1}.get(which)
        if shift is None:  # the nearest one, as for a month and day without a year
            return min(
                (holiday(anchor.year + k) for k in (-1, 0, 1)), key=lambda d: abs((d - anchor).days)
            ).isoformat()
        day = holiday(anchor.year)
        if (day - anchor).days * shift <= 0:
            day = holiday(anchor.year + shift)
        return day.isoformat()
    if kind == "spelled_year":
        return f"{_spelled_year(groups['spelled']):04d}"
    if kind == "weekend":
        which = groups["which"].lower()
        # "the weekend" in a story from Monday to Wednesday is the one just past.
        shift = {"last": -1, "next": 1, "this": 0}.get(which, -1 if anchor.weekday() < 3 else 0)
        return _week(anchor + timedelta(weeks=shift)) + "-WE"
    if kind == "current":
        unit = groups["unit"].lower()
        if unit == "year":
            return f"{anchor.year:04d}"
        if unit == "quarter":
            return f"{anchor.year:04d}-Q{(anchor.month - 1) // 3 + 1}"
        if unit == "month":
            return f"{anchor.year:04d}-{anchor.month:02d}"
        return _week(anchor)
    return {"present": "PRESENT_REF", "past": "PAST_REF", "future": "FUTURE_REF"}[kind]


_MONTH_WORDS = frozenset(MONTHS)
_WORDS = re.compile(r"[a-z]+")
# Each pattern runs only on text holding one of its words (or a digit): most sentences name no
# date, and twenty patterns on every sentence of 10,000 briefs took 23 s.
_NEEDS: dict[str, frozenset[str] | None] = {
    "iso": None,
    "month_day": _MONTH_WORDS,
    "day_month": _MONTH_WORDS,
    "month_year": _MONTH_WORDS,
    "relative_day": frozenset({"today", "tonight", "yesterday", "tomorrow", "this"}),
    "weekday": frozenset(WEEKDAYS),
    "ago": frozenset({"ago", "earlier", "before", "later"}),
    "that_unit": frozenset({"that", "same", "following", "next", "previous", "preceding"}),
    "year_earlier": frozenset({"earlier", "ago"}),
    "season": frozenset({"spring", "summer", "fall", "autumn", "winter"}),
    "recent_quarter": frozenset({"quarter"}),
    "decade": None,
    "decade_word": frozenset(t[:-1] + "ies" for t in _TENS),
    "century": frozenset({"century"}),
    "period": frozenset({"last", "this", "next", "past", "coming", "previous"}),
    "quarter": frozenset({"quarter"}),
    "fiscal": frozenset({"fiscal"}),
    "month_alone": _MONTH_WORDS,
    "year": None,
    "holiday": frozenset(w for name in HOLIDAYS for w in _WORDS.findall(name.lower())[-1:]),
    "spelled_year": frozenset({"nineteen", "eighteen", "thousand"}),
    "weekend": frozenset({"weekend"}),
    "current": frozenset({"current"}),
    "present": frozenset({"now", "currently", "present", "days", "nowadays"}),
    "past": frozenset({"recently", "past", "formerly", "recent"}),
    "future": frozenset({"future"}),
}
_DIGIT = re.compile(r"\d")

# Words kept out of the expression a match names ("in 2011" names 2011).
_LEAD = re.compile(r"^(?:in|on|since|by|during|until|before|after|of|for|from|through) ", re.I)


def _verb_not_month(m: re.Match[str]) -> bool:
    """ "May" and "March" are words before they are months ("prices may fall", "a march on the
    capital"): alone they name a month only after "in", "last", "since" and the like."""
    which = (m.group("which") or "").lower()
    if not which and len(m.group("month")) == 3:
        return True  # "Jan", "Dec": names and initials as often as months, without the dot
    if m.group("month") in ("May", "March"):
        return not (which or m.group("year_word")) or (m.group("month") == "May" and which in ("by", "this"))
    return False


def find_dates(text: str, anchor: date) -> list[DateMention]:
    """Date expressions in `text`, left to right, none overlapping (the first pattern that
    claims a span keeps it), each resolved against `anchor`."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    referring: dict[int, tuple[str, int]] = {}  # start → (unit, step) of "the following year"
    years_back: dict[int, int] = {}  # start → years, of the mentions counted back from another
    words = set(_WORDS.findall(text.lower()))
    digits = _DIGIT.search(text) is not None
    for kind, pattern in _PATTERNS:
        needs = _NEEDS[kind]
        if (needs is None and not digits) or (needs is not None and needs.isdisjoint(words)):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if kind == "month_alone" and _verb_not_month(m):
                continue
            value = _resolve(kind, m, anchor)
            if value is None:
                continue
            phrase = m.group(0)
            lead = _LEAD.match(phrase) if kind in ("month_alone", "weekday") else None
            if lead is not None:
                start += lead.end()
                phrase = phrase[lead.end() :]
            taken.append((m.start(), end))
            found.append(DateMention(start, end, phrase, value))
            if kind == "that_unit":
                relation = (m.group("relation") or "").lower()
                step = {"following": 1, "next": 1, "previous": -1, "preceding": -1}.get(relation, 0)
                referring[start] = ((m.group("unit") or m.group("next_unit")).lower(), step)
            if kind == "year_earlier" or (kind == "ago" and m.group("unit").lower() == "year"):
                years_back[start] = 1 if kind == "year_earlier" else _ago_years(m)
    found.sort(key=lambda mention: mention.start)
    # "Profit rose in the third quarter from a year earlier": a comparison a year back is with
    # the same period, the one the text has just named, when that is a quarter.
    # "that day", "the following year": the date the text named last, or no date at all.
    for index, mention in enumerate(found):
        back = years_back.get(mention.start)
        previous = found[index - 1].value if index else ""
        if back and _QUARTER_VALUE.fullmatch(previous):
            found[index] = replace(mention, value=f"{int(previous[:4]) - back:04d}{previous[4:]}")
        elif mention.start in referring:
            found[index] = replace(mention, value=_from_reference(previous, *referring[mention.start]) or "")
    return [mention for mention in found if mention.value]


def _from_reference(previous: str, unit: str, step: int) -> str | None:
    """The day, month or year `step` units from the date `previous` names, when it names one."""
    if unit in ("day", "morning") and len(previous) == 10 and previous[4] == "-":
        return (date.fromisoformat(previous) + timedelta(days=step)).isoformat()
    if unit == "month" and len(previous) >= 7 and previous[4] == "-" and previous[5:7].isdigit():
        year, month = _shift_month(date(int(previous[:4]), int(previous[5:7]), 1), step)
        return f"{year:04d}-{month:02d}"
    if unit == "year" and previous[:4].isdigit():
        return f"{int(previous[:4]) + step:04d}"
    return None  # weeks are left out: a week after a day is no ISO week the text means


_QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")


def _ago_years(m: re.Match[str]) -> int:
    """How many years "a year ago", "two years later" reach: negative when later."""
    count_text = m.group("count").lower()
    count = int(count_text) if count_text.isdigit() else NUMBERS[count_text]
    return -count if m.group("dir").lower() == "later" else count
