"""Which clock a time is shown on, and what that clock is called.

A brief keeps the offset its article was published with (`07:45:00+01:00`). By default a site
shows each time on that clock, as the outlet's readers saw it, and files the brief under that
day; `timezone:` in site.yml converts every time to one zone instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def on_clock(moment: datetime, zone: tzinfo | None) -> datetime:
    """`moment` on the site's zone, or on its own offset when the site has none."""
    return moment if zone is None else moment.astimezone(zone)


def _offset_name(offset: timedelta) -> str:
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@lru_cache(maxsize=4096)
def home_zone(url: str | None, outlet: str | None = None) -> ZoneInfo | None:
    """The outlet's home time zone, by its URL's domain, else by its name, when the data files
    know it."""
    from brief import data

    name = data.by_domain("outlet_zones.yml", url) if url else None
    if name is None and outlet:
        domain = data.domains_by_outlet().get(outlet.lower())
        name = data.by_domain("outlet_zones.yml", domain) if domain else None
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name(
    moment: datetime, zone: tzinfo | None, url: str | None = None, outlet: str | None = None
) -> str:
    """What to call the clock `moment` is shown on: the site zone's abbreviation (BST, EDT);
    else the outlet's home zone's, when that zone had this offset at that moment; else the
    offset itself (UTC+1)."""
    if zone is not None:
        return moment.astimezone(zone).tzname() or _offset_name(
            moment.astimezone(zone).utcoffset() or timedelta()
        )
    offset = moment.utcoffset() or timedelta()
    home = home_zone(url, outlet)
    if home is not None:
        local = moment.astimezone(home)
        if local.utcoffset() == offset and local.tzname():
            return str(local.tzname())
    return _offset_name(offset)
