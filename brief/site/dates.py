"""Dates named in a brief's text, resolved against the day it was published.

"on Friday", "last month", "March 3", "two days ago": news writes most dates relative to the
day of the story, so each expression is resolved against the brief's publication date. Values
follow TimeML (TIMEX3 `value`): 2011-03-03, 2011-03, 2011, 2011-W09, 2011-Q1, 2011-SU,
PRESENT_REF, PAST_REF, FUTURE_REF. Rules, not a model: each says what a reader of any news
article would take the words to mean (`bench/stories_bench.py` measures them on TimeBank).

dateparser (measured beside these rules in the bench) parses a date string well but does not
find expressions in running text, and resolves "Friday" forward, where news means the last one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    ("month_day", re.compile(rf"\b{_MONTH} {_DAY}\b(?:,? {_YEAR}\b)?")),
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
        re.compile(rf"\b(?:(?P<which>last|next|this|on|early|late) )?{_WEEKDAY}\b"),
    ),
    (
        "ago",
        re.compile(
            rf"\b{_NUMBER} (?P<unit>day|week|month|year|decade)s? (?P<dir>ago|earlier|before|later)\b", re.I
        ),
    ),
    (
        "season",
        re.compile(
            r"\b(?P<which>last|this|next|early|late) (?P<season>spring|summer|fall|autumn|winter)\b", re.I
        ),
    ),
    ("recent_quarter", re.compile(r"\bthe (?:latest |most recent |recent |just-ended |)quarter\b", re.I)),
    ("decade", re.compile(r"\b(?:the )?(?P<decade>1[89]\d0|20\d0)s\b")),
    (
        "period",
        re.compile(
            r"\b(?P<which>last|this|next|past|coming|previous) (?P<unit>week|month|year|quarter)\b", re.I
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
        "month_alone",
        re.compile(
            rf"\b(?P<which>in|last|this|next|early|late|mid-|since|until|by|through|during) ?{_MONTH}"
            r"\b(?! \d)"
        ),
    ),
    (
        "year",
        re.compile(rf"(?<![$\d,.])\b{_YEAR}\b(?![-%\d]|,\d| (?:percent|people|tons|times|dollars|shares))"),
    ),
    # The adjectives ("current", "recent", "future") name a time less often than they qualify a
    # noun ("current account", "future plans"): only the adverbs and phrases are taken.
    ("present", re.compile(r"\b(?:now|currently|at present|these days|nowadays)\b", re.I)),
    ("past", re.compile(r"\b(?:recently|in the past|formerly)\b", re.I)),
    ("future", re.compile(r"\bin the future\b", re.I)),
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
    if kind == "season":
        which, season = groups["which"].lower(), groups["season"].lower()
        code = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}[season]
        shift = {"last": -1, "next": 1}.get(which, 0)
        return f"{anchor.year + shift:04d}-{code}"
    if kind == "recent_quarter":
        # The quarter a story reports on is the last one to have ended a month before it.
        index = anchor.year * 4 + (anchor.month - 1) // 3 - 1
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if kind == "decade":
        return groups["decade"][:3]
    if kind == "period":
        which, unit = groups["which"].lower(), groups["unit"].lower()
        shift = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[which]
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
        which = groups["which"].lower()
        if which == "last":
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
    return {"present": "PRESENT_REF", "past": "PAST_REF", "future": "FUTURE_REF"}[kind]


_MONTH_WORDS = frozenset(MONTHS)
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
    "season": frozenset({"spring", "summer", "fall", "autumn", "winter"}),
    "recent_quarter": frozenset({"quarter"}),
    "decade": None,
    "period": frozenset({"last", "this", "next", "past", "coming", "previous"}),
    "quarter": frozenset({"quarter"}),
    "fiscal": frozenset({"fiscal"}),
    "month_alone": _MONTH_WORDS,
    "year": None,
    "present": frozenset({"now", "currently", "present", "days", "nowadays"}),
    "past": frozenset({"recently", "past", "formerly"}),
    "future": frozenset({"future"}),
}
_WORDS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")

# Words kept out of the expression a match names ("in 2011" names 2011).
_LEAD = re.compile(r"^(?:in|on|since|by|during|until|before|after|of|for|from|through) ", re.I)


def find_dates(text: str, anchor: date) -> list[DateMention]:
    """Date expressions in `text`, left to right, none overlapping (the first pattern that
    claims a span keeps it), each resolved against `anchor`."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
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
            if kind == "month_alone" and m.group("month") == "May" and m.group("which") in ("by", "this"):
                continue  # "this May" is fine, but "by May" is rarer than the verb: keep the rule simple
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
    found.sort(key=lambda mention: mention.start)
    return found
