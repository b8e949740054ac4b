"""A raw article → cleaned paragraphs with title, dates, entities, summary and tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from brief.errors import BriefError
from brief.ingest.clean import clean_paragraphs, normalise, split_paragraphs
from brief.ingest.entities import Recognizer
from brief.ingest.entities.canonical import Catalogue, canonicalise
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS
from brief.ingest.model import Annotated, RawArticle
from brief.ingest.summary import summarise
from brief.ingest.tags import TagRule, choose_tags

MIN_WORDS = 15


@dataclass
class Annotator:
    recognizer: Recognizer
    catalogue: Catalogue = field(default_factory=Catalogue)
    boilerplate: tuple[str, ...] = ()
    tag_rules: list[TagRule] = field(default_factory=list)
    fallback_date: datetime | None = None

    def __call__(self, raw: RawArticle) -> Annotated:
        paragraphs = clean_paragraphs(split_paragraphs(raw.text), self.boilerplate)
        title = (raw.title or "").strip()
        title = re.sub(r"\s+", " ", title)
        if not title and paragraphs and len(paragraphs[0].split()) <= 20:
            title = paragraphs[0]
        if paragraphs and title and normalise(paragraphs[0]) == normalise(title):
            paragraphs = paragraphs[1:]
        if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
            raise BriefError(
                "no article text found",
                path=raw.origin,
                hint="the file holds too little text after removing boilerplate",
            )
        if not title:
            from brief.ingest.sentences import split_sentences

            first = split_sentences(paragraphs[0])[0]
            words = first.rstrip(".").split()
            title = " ".join(words[:16]) + ("…" if len(words) > 16 else "")
        published = raw.published or self.fallback_date
        if published is None:
            raise BriefError(
                "no publication date found",
                path=raw.origin,
                hint="pass --date 2025-04-11, or a full ISO 8601 time, to set it",
            )
        updated = raw.updated if raw.updated and raw.updated > published else None
        text = "\n\n".join(paragraphs)
        exclude = set(raw.authors) | set(TIMEZONE_ABBREVIATIONS)
        if raw.outlet:
            exclude.add(raw.outlet)
            exclude.add(raw.outlet.removeprefix("The "))
        entities = canonicalise(self.recognizer.mentions(text), exclude, self.catalogue)
        return Annotated(
            raw=raw,
            title=title,
            paragraphs=paragraphs,
            authors=raw.authors,
            published=published,
            updated=updated,
            outlet=raw.outlet,
            url=raw.url,
            entities=entities,
            summary=summarise(paragraphs),
            tags=choose_tags(text, entities, self.tag_rules, title),
        )
