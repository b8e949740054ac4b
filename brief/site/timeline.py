"""Year, month and day archives, by each brief's day on the site's clock (brief.clocks), with
previous/next links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo
from itertools import pairwise

from brief.clocks import on_clock
from brief.model import Brief

TIMELINE_URL = "/timeline/"


@dataclass(eq=False)
class Period:
    """One year, month or day that has briefs (newest first)."""

    level: str  # year, month, day
    start: date
    url: str
    briefs: list[Brief] = field(default_factory=list, repr=False)
    children: list[Period] = field(default_factory=list, repr=False)
    previous: Period | None = field(default=None, repr=False)
    next: Period | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        return len(self.briefs)

    @property
    def key(self) -> str:
        return {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[self.level]


@dataclass
class Timeline:
    url: str
    years: list[Period]  # newest first

    def periods(self, level: str) -> list[Period]:
        if level == "year":
            return self.years
        if level == "month":
            return [m for y in self.years for m in y.children]
        return [d for y in self.years for m in y.children for d in m.children]


def period_url(day: date, level: str) -> str:
    parts = [f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"]
    depth = {"year": 1, "month": 2, "day": 3}[level]
    return TIMELINE_URL + "/".join(parts[:depth]) + "/"


def build_timeline(briefs: list[Brief], zone: tzinfo | None) -> Timeline:
    """Group briefs (newest first) by their local date; periods are newest first too."""
    years: dict[int, Period] = {}
    months: dict[tuple[int, int], Period] = {}
    days: dict[date, Period] = {}
    for brief in briefs:
        local = on_clock(brief.date, zone).date()
        year = years.get(local.year)
        if year is None:
            year = years[local.year] = Period("year", date(local.year, 1, 1), period_url(local, "year"))
        month = months.get((local.year, local.month))
        if month is None:
            start = date(local.year, local.month, 1)
            month = months[(local.year, local.month)] = Period("month", start, period_url(local, "month"))
            year.children.append(month)
        day = days.get(local)
        if day is None:
            day = days[local] = Period("day", local, period_url(local, "day"))
            month.children.append(day)
        for period in (year, month, day):
            period.briefs.append(brief)
    timeline = Timeline(url=TIMELINE_URL, years=list(years.values()))
    for level in ("year", "month", "day"):
        periods = timeline.periods(level)
        # Newest first: "previous" in time is the next one in the list.
        for newer, older in pairwise(periods):
            newer.previous = older
            older.next = newer
    return timeline


MONTH_NAMES = ("", *(date(2000, m, 1).strftime("%B") for m in range(1, 13)))


@dataclass(frozen=True)
class Bar:
    """One month of a density strip."""

    start: date
    count: int
    height: int  # percent of the busiest month in the strip
    url: str | None  # the month's archive, when it has briefs

    @property
    def label(self) -> str:
        plural = "s" if self.count != 1 else ""
        return f"{MONTH_NAMES[self.start.month]} {self.start.year}: {self.count} brief{plural}"


def month_span(briefs: list[Brief], zone: tzinfo | None) -> tuple[date, date] | None:
    if not briefs:
        return None
    days = [on_clock(b.date, zone).date() for b in briefs]
    return min(days).replace(day=1), max(days).replace(day=1)


def month_counts(briefs: list[Brief], zone: tzinfo | None) -> dict[tuple[int, int], int]:
    """Briefs per (year, month) on the site's clock."""
    counts: dict[tuple[int, int], int] = {}
    for brief in briefs:
        local = on_clock(brief.date, zone).date()
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + 1
    return counts


def density(counts: dict[tuple[int, int], int], span: tuple[date, date] | None) -> list[Bar]:
    """Briefs per month over `span` (inclusive), empty months included, for a strip chart."""
    if span is None:
        return []
    busiest = max(counts.values(), default=1)
    bars = []
    year, month = span[0].year, span[0].month
    while (year, month) <= (span[1].year, span[1].month):
        count = counts.get((year, month), 0)
        start = date(year, month, 1)
        height = round(100 * count / busiest) if count else 0
        bars.append(Bar(start, count, height, period_url(start, "month") if count else None))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return bars
