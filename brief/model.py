"""The data brief works on: plain frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ENTITY_KINDS = ("people", "organizations", "places")
# The singular of each entity kind, as used in permalinks and templates.
ENTITY_KIND_SINGULAR = {"people": "person", "organizations": "organization", "places": "place"}


@dataclass(frozen=True)
class Source:
    name: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class EntityRef:
    """An entity as one brief names it."""

    kind: str  # one of ENTITY_KINDS
    name: str
    aliases: tuple[str, ...] = ()
    mentions: int | None = None


@dataclass(frozen=True)
class Brief:
    """One brief: its front-matter, validated, and its markdown body."""

    source_path: str  # relative to the site root, for messages
    slug: str
    title: str
    date: datetime  # always timezone-aware
    body: str
    body_line: int  # first line of the body in the file
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    tags: tuple[str, ...] = ()
    entities: tuple[EntityRef, ...] = ()
    summary: str = ""
    draft: bool = False
    raw_sha256: str | None = None
    duplicate_of: str | None = None  # slug of the brief that tells the same story first
    extra: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""  # the whole file: what a page showing the body depends on
    meta_hash: str = ""  # path and front-matter: what a list showing the brief depends on

    @property
    def modified(self) -> datetime:
        return self.updated or self.date

    def __hash__(self) -> int:
        return hash(self.source_path)
