"""A raw article → cleaned paragraphs with title, dates, entities, summary and tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from brief.errors import BriefError
from brief.ingest.clean import clean_paragraphs, ends_sentence, normalise, split_paragraphs
from brief.ingest.entities import Analysis, Recognizer
from brief.ingest.entities.canonical import Catalogue, canonicalise
from brief.ingest.meta import TIMEZONE_ABBREVIATIONS, parse_byline
from brief.ingest.model import Annotated, RawArticle
from brief.ingest.summary import summarise
from brief.ingest.tags import TagRule, choose_tags

MIN_WORDS = 15


# A wire dateline opens the text: a place in capitalised words (perhaps with its country), the
# agency in brackets, a dash. "LONDON (Reuters) -", "KABUL, Afghanistan (CNN) --", "WASHINGTON (AP) —".
_PLACE_WORD = r"[A-Z][A-Za-z.'’-]*"
_DATELINE = re.compile(
    rf"^{_PLACE_WORD}(?: {_PLACE_WORD}){{0,3}}(?:, {_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}})?"
    r"\s\(([A-Z][A-Za-z&.']*(?: [A-Z][A-Za-z&.']*){0,3})\)\s*(?:--|—|–|-)\s"
)


# "(CNN)The ...", "(Reuters) - The ...": the agency alone, opening the text.
_BARE_DATELINE = re.compile(
    r"^\(([A-Z][A-Za-z&.']*(?: [A-Z][A-Za-z&.']*){0,3})\)\s*(?:(?:--|—|–|-)\s*)?(?=[A-Z“\"‘'])"
)


def dateline_outlet(first_paragraph: str) -> str | None:
    """The agency a wire dateline names: the outlet of a scrape that names none elsewhere."""
    bare = _BARE_DATELINE.match(first_paragraph)
    if bare:
        return bare.group(1)
    match = _DATELINE.match(first_paragraph)
    if match is None:
        return None
    place = first_paragraph[: match.start(1)]
    # Datelines set the city in capitals or follow it with its region; a name in the text
    # ("Boris Johnson (Conservative) -") does neither.
    first_word = place.split()[0].rstrip(",")
    if not (first_word.isupper() and len(first_word) > 1) and "," not in place:
        return None
    return match.group(1).strip()


def _is_byline(paragraph: str, authors: list[str]) -> bool:
    """A first paragraph that is the byline again: no sentence, a few words, an author's name."""
    return (
        len(paragraph.split()) <= 12
        and not ends_sentence(paragraph)
        and any(name in paragraph for name in authors)
    )


_SIGNOFF = re.compile(r"^(?:additional )?reporting by (?P<names>[^;.]+)", re.I)


def signoff_authors(paragraphs: list[str]) -> list[str]:
    """The reporters a wire sign-off names ("Reporting by Jane Doe; Editing by John Roe") near
    the end of the text: the authors of a story whose byline is missing."""
    for paragraph in paragraphs[-4:]:
        if match := _SIGNOFF.match(paragraph.strip()):
            return parse_byline(match.group("names").replace(" in ", " for "))
    return []


@dataclass
class _Draft:
    """An article cleaned and dated, waiting for its entities."""

    raw: RawArticle
    title: str
    paragraphs: list[str]
    authors: list[str]
    published: datetime
    updated: datetime | None
    outlet: str | None
    text: str


@dataclass
class Annotator:
    recognizer: Recognizer
    catalogue: Catalogue = field(default_factory=Catalogue)
    boilerplate: tuple[str, ...] = ()
    tag_rules: list[TagRule] = field(default_factory=list)
    fallback_date: datetime | None = None

    def __call__(self, raw: RawArticle) -> Annotated:
        result = self.annotate_many([raw])[0]
        if isinstance(result, BriefError):
            raise result
        return result

    def annotate_many(self, raws: list[RawArticle]) -> list[Annotated | BriefError]:
        """Each article annotated, or the error that stops it. The recogniser sees the texts
        together, so that spaCy can run them through `nlp.pipe` in batches."""
        drafts: list[_Draft | BriefError] = []
        for raw in raws:
            try:
                drafts.append(self._draft(raw))
            except BriefError as error:
                drafts.append(error)
        texts = [d.text for d in drafts if isinstance(d, _Draft)]
        analyses = iter(self.recognizer.analyse_many(texts))
        return [d if isinstance(d, BriefError) else self._finish(d, next(analyses)) for d in drafts]

    def _draft(self, raw: RawArticle) -> _Draft:
        raw_paragraphs = split_paragraphs(raw.text)
        authors = raw.authors or signoff_authors(raw_paragraphs)
        paragraphs = clean_paragraphs(raw_paragraphs, self.boilerplate, whole_page=raw.kind == "text")
        title = (raw.title or "").strip()
        title = re.sub(r"\s+", " ", title)
        if not title and paragraphs and len(paragraphs[0].split()) <= 20:
            title = paragraphs[0]
        if paragraphs and title and normalise(paragraphs[0]) == normalise(title):
            paragraphs = paragraphs[1:]
        if paragraphs and _is_byline(paragraphs[0], authors):
            paragraphs = paragraphs[1:]  # "Jane Doe, chief political correspondent, in Brussels"
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
        outlet = raw.outlet or dateline_outlet(paragraphs[0])
        return _Draft(raw, title, paragraphs, authors, published, updated, outlet, "\n\n".join(paragraphs))

    def _finish(self, draft: _Draft, analysis: Analysis) -> Annotated:
        exclude = set(draft.authors) | set(TIMEZONE_ABBREVIATIONS)
        if draft.outlet:
            exclude.add(draft.outlet)
            exclude.add(draft.outlet.removeprefix("The "))
        entities = canonicalise(analysis.mentions, exclude, self.catalogue)
        return Annotated(
            raw=draft.raw,
            title=draft.title,
            paragraphs=draft.paragraphs,
            authors=draft.authors,
            published=draft.published,
            updated=draft.updated,
            outlet=draft.outlet,
            url=draft.raw.url,
            entities=entities,
            summary=summarise(draft.paragraphs),
            tags=choose_tags(draft.text, entities, self.tag_rules, draft.title, analysis.nouns),
        )
