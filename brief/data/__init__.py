"""Pattern and word-list data files, loaded once: boilerplate and names for ingest, outlets and
their home time zones for ingest and for showing times (brief.clocks)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def by_domain(table: str, host_or_text: str) -> Any:
    """The entry of data file `table` for the host's longest listed suffix: news.bbc.co.uk
    finds bbc.co.uk."""
    entries = load(table)
    value = host_or_text.strip().lower()
    if "//" in value:
        try:
            value = urlsplit(value).netloc
        except ValueError:
            return None
    value = value.split("/")[0].removeprefix("www.").rstrip(".")
    parts = value.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in entries:
            return entries[candidate]
    return None


@cache
def domains_by_outlet() -> dict[str, str]:
    """Outlet name → its first listed domain (the reverse of outlets.yml)."""
    found: dict[str, str] = {}
    for domain, name in load("outlets.yml").items():
        found.setdefault(str(name).lower(), domain)
    return found
