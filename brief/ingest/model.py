"""What a reader hands on: an article's text and whatever metadata its format carried."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawArticle:
    origin: str  # file path, file:line, or URL: for messages
    raw_sha256: str  # hash of the raw input this article came from
    text: str  # the article text, paragraphs separated by blank lines (uncleaned)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    outlet: str | None = None
    url: str | None = None
    kind: str = "text"  # text, html, json, feed: which reader made it


@dataclass
class Entity:
    kind: str  # people, organizations, places
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class Annotated:
    """A cleaned article with everything a brief's front-matter needs."""

    raw: RawArticle
    title: str
    paragraphs: list[str]
    authors: list[str]
    published: datetime
    updated: datetime | None
    outlet: str | None
    url: str | None
    entities: list[Entity]
    summary: str
    tags: list[str]
