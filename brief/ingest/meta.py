"""Headline, bylines, dates with their zones, outlet: found in text the way newsrooms print them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

from brief import data
from brief.clocks import home_zone

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
MONTHS = {m[:3]: i for m, i in MONTHS.items()}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
_ZONE = r"(?P<zone>[A-Z]{1,5}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
# "07:45 BST, 11 April 2025", "1:25 AM on 3rd August 2011", "14:11 EST, 25 October 2013"
TIME_THEN_DATE = re.compile(rf"{_TIME}\s*(?:{_ZONE})?,?\s*(?:on\s+)?{_WEEKDAY}?{_DAY}\s+{_MONTH},?\s+{_YEAR}")
# "3:05 PM EST, Tue January 15, 2019"
TIME_THEN_MONTH_DAY = re.compile(
    rf"{_TIME}\s*(?:{_ZONE})?,?\s*(?:on\s+)?{_WEEKDAY}?{_MONTH}\s+{_DAY},?\s+{_YEAR}"
)
_TIME_AFTER = rf"(?:,?\s*(?:at\s+|-\s+|\|\s+)?{_TIME}\s*(?:{_ZONE})?)?"
# "11 April 2025 07:45 BST", "Friday 11 April 2025"
DAY_MONTH_YEAR = re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME_AFTER}")
# "April 11, 2025 at 7:45 a.m. EDT", "April 11, 2025"
MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME_AFTER}")
# "15/01/2019", "15.01.2019 12:37": day first, as written outside the United States; a first
# number over 12 can only be a day, a second over 12 only a day (then the first is the month).
NUMERIC_DATE = re.compile(rf"\b(?P<day>\d{{1,2}})[/.](?P<month>\d{{1,2}})[/.]{_YEAR}\b{_TIME_AFTER}")
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)\b")


def http_url(value: object) -> str | None:
    """`value` when it is a well-formed absolute http(s) address, else None. Addresses come from
    untrusted text: `http://[bad/` must be rejected here, not raise deep inside urllib."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return None
    return value if parts.hostname else None


def zone_offsets() -> dict[str, tzinfo]:
    table = data.load("timezones.yml")
    zones: dict[str, tzinfo] = {}
    for name, offset in table.items():
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = offset.lstrip("+-").split(":")
        zones[name] = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return zones


_ZONES = zone_offsets()
TIMEZONE_ABBREVIATIONS = frozenset(_ZONES)


def _zone(name: str | None, default: tzinfo | None) -> tzinfo | None:
    if not name:
        return default
    if name in _ZONES:
        return _ZONES[name]
    match = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2}):?(\d{2})?", name)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0)))
    return default


def _from_match(match: re.Match[str], default_zone: tzinfo | None) -> datetime | None:
    groups = match.groupdict()
    try:
        if groups["month"].isdigit():
            day, month = int(groups["day"]), int(groups["month"])
            if month > 12 >= day:
                day, month = month, day
        else:
            month = MONTHS[groups["month"].lower()[:3]]
            day = int(groups["day"])
        year = int(groups["year"])
        hour = int(groups.get("hour") or 0)
        minute = int(groups.get("minute") or 0)
        second = int(groups.get("second") or 0)
        ampm = (groups.get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone = _zone(groups.get("zone"), default_zone)
        if zone is None:
            return None
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except (ValueError, KeyError, TypeError):
        return None


def parse_date_text(text: str, default_zone: tzinfo | None) -> datetime | None:
    """The first date in `text`, in any of the forms above; naive ones take `default_zone`
    (when None, a date without a zone is not accepted)."""
    text = text.strip()
    iso = ISO.search(text)
    if iso:
        value = iso.group(1).replace(" ", "T")
        if re.search(r"[+-]\d{4}$", value):
            value = value[:-2] + ":" + value[-2:]
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                if default_zone is None:
                    return None
                moment = moment.replace(tzinfo=default_zone)
            return moment
    # The first date in the text, read as fully as any pattern reads it (with its time and zone).
    found: list[tuple[int, int, datetime]] = []
    for pattern in (TIME_THEN_DATE, TIME_THEN_MONTH_DAY, DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC_DATE):
        for match in pattern.finditer(text):
            moment = _from_match(match, default_zone)
            if moment is not None:
                found.append((match.start(), -len(match.group(0)), moment))
                break
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


# Words a line of date and time may hold besides numbers: labels, weekdays, months, clock words.
_DATE_LINE_WORDS = re.compile(
    r"(?:published|posted|updated|last|first|modified|on|at|a\.?m|p\.?m|mon|tues?|wed(?:nes)?"
    r"|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?$|(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?$",
    re.I,
)


def is_date_line(line: str) -> bool:
    """A line that holds a date and nothing else but its labels ("Updated 3:05 PM EST, Tue
    January 15, 2019", "15/01/2019"): the scrape's dateline, whatever the outlet's format."""
    if len(line) > 100 or parse_date_text(line, UTC) is None:
        return False
    for word in re.split(r"[\s,|/·•–—-]+", line.strip()):
        word = word.strip("().:;")
        if word and not (
            word[0].isdigit()
            or _DATE_LINE_WORDS.match(word)
            or word in _ZONES
            or re.fullmatch(r"(?:GMT|UTC)[+-][\d:]+", word)
        ):
            return False
    return True


# "Published: 07:45 BST, 11 April 2025 | Updated: 07:45 BST, 11 April 2025"
PUBLISHED = re.compile(
    r"(?:published|posted|first published|created)\s*(?:on|at)?\s*[:.]?\s*\.?\s*(?P<rest>.*)", re.I
)
UPDATED = re.compile(r"(?:(?:last\s+)?updated|modified)\s*(?:on|at)?\s*[:.]?\s*\.?\s*(?P<rest>.*)", re.I)


def dates_from_line(line: str, default_zone: tzinfo | None) -> tuple[datetime | None, datetime | None]:
    """(published, updated) from a dateline such as the Daily Mail's."""
    published = updated = None
    for part in re.split(r"\s\|\s|\s\.\s\|\s\.\s", line):
        part = part.strip(" .|")
        if (m := UPDATED.match(part)) and not part.lower().startswith("published"):
            updated = updated or parse_date_text(m.group("rest"), default_zone)
        elif m := PUBLISHED.match(part):
            published = published or parse_date_text(m.group("rest"), default_zone)
    return published, updated


_PARTICLES = frozenset(("de", "van", "von", "da", "al", "bin", "le", "la", "der", "den", "du", "di", "del"))
_ROLE_AFTER_COMMA = re.compile(r",\s*[^,]*$")
_NAME_WORD = re.compile(r"^[A-Z][\w'’.-]*$")


def _title_case(name: str) -> str:
    def word(w: str) -> str:
        if w.isupper() and len(w) > 1 and not re.fullmatch(r"[A-Z]\.?", w):
            parts = re.split(r"([-'’])", w.lower())
            cased = "".join(p.capitalize() for p in parts)
            return (
                re.sub(r"^(Mc|Mac)(\w)", lambda m: m.group(1) + m.group(2).upper(), cased)
                if w.startswith(("MC", "MAC")) and len(w) > 4
                else cased
            )
        return w

    return " ".join(word(w) for w in name.split())


# News organisations name themselves with these words; a person's name never ends in them.
_OUTLET_WORDS = re.compile(
    r"\b(press|news|agency|service|wire|times|post|herald|journal|tribune|telegraph|gazette|network"
    r"|broadcasting|media|radio|television|tv|reuters|bloomberg)$",
    re.I,
)


def is_outlet_name(text: str) -> bool:
    """`Associated Press`, `Reuters`, `The Guardian`: an organisation in a byline, not an author."""
    text = text.strip(" .")
    names = {str(v).lower() for v in data.load("outlets.yml").values()}
    return bool(text) and (text.lower() in names or bool(_OUTLET_WORDS.search(text)))


def byline_outlet(text: str) -> str | None:
    """The outlet a byline credits: `By Jane Doe, Associated Press`, `Jane Doe | Reuters`."""
    for piece in re.split(r"\s*[,|]\s*", re.sub(r"^\s*by\b[\s.:]*", "", text.strip(), flags=re.I))[1:]:
        if is_outlet_name(piece):
            return piece.strip(" .")
    return None


def parse_byline(text: str) -> list[str]:
    """`By IWAN STONE` → [Iwan Stone]; `By . Ray Massey, Transport Editor .` → [Ray Massey];
    `By Jane Doe and John Roe` → both; agencies such as `Associated Press` are kept as they are."""
    text = re.sub(r"^\s*by\b[\s.:]*", "", text.strip(), flags=re.I).strip(" .")
    text = re.sub(r"\s+(for|in)\s+.*$", "", text)  # "for MailOnline", "in Washington"
    names = []
    parts = re.split(r"\s*(?:\band\b|&|;|\|)\s*", text)
    for part in parts:
        part = part.strip(" .,")
        if not part:
            continue
        # "Ray Massey, Transport Editor": the role after the comma is not part of the name,
        # but "Smith, Jones" is two names.
        pieces = [p.strip(" .") for p in part.split(",") if p.strip(" .")]
        for piece in pieces:
            if is_outlet_name(piece) and (piece != pieces[0] or len(parts) > 1):
                continue  # "Jane Doe, Associated Press", "Jane Doe | Reuters": the outlet
            if piece.split()[0][0].islower() or (
                re.search(
                    r"\b(editor|correspondent|reporter|writer|columnist|staff|chief|political|senior)\b",
                    piece,
                    re.I,
                )
                and piece != pieces[0]
            ):
                continue
            name = _title_case(piece)
            # "Mobasir hassan": a surname typed in lower case is still a surname.
            name = " ".join(
                w.capitalize() if w.isalpha() and w.islower() and w not in _PARTICLES else w
                for w in name.split()
            )
            if (
                1 <= len(name.split()) <= 5
                and all(_NAME_WORD.match(w) or w.lower() in _PARTICLES for w in name.split())
                and name not in names
            ):
                names.append(name)
    return names


def outlet_for(host_or_text: str) -> str | None:
    """`DailyMail.co.uk`, `https://www.dailymail.co.uk/news/...` → Daily Mail."""
    return data.by_domain("outlets.yml", host_or_text)


_DATE_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def parse_page_date(text: str, zone: tzinfo | None, date_zone: tzinfo | None) -> datetime | None:
    """A page's date or date-time. A date without a time (2019-01-18, as trafilatura and many
    meta tags give it) is that day on the outlet's calendar, `date_zone`: read as UTC midnight
    it would be shown on the evening before in any zone west of Greenwich."""
    if _DATE_ONLY.fullmatch(text):
        return parse_date_text(text.strip(), date_zone or zone)
    return parse_date_text(text, zone)


def in_home_zone(moment: datetime | None, url: str | None) -> datetime | None:
    """A time the page gives in UTC, on the clock of the outlet's home zone (same instant)."""
    if moment is None or not url or moment.utcoffset() != timedelta(0):
        return moment
    zone = home_zone(url)
    if zone is None:
        return moment
    local = moment.astimezone(zone)
    # Front-matter keeps a fixed offset, like the zones of times found in text.
    return local.replace(tzinfo=timezone(local.utcoffset()))


def outlet_from_domain(url: str) -> str | None:
    known = outlet_for(url)
    if known:
        return known
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    if not host:
        return None
    labels = host.split(".")
    name = (
        labels[-3]
        if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov")
        else labels[-2]
        if len(labels) >= 2
        else labels[0]
    )
    return " ".join(part.capitalize() for part in name.split("-"))
