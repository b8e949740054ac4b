"""The whole site as data: briefs with their URLs, taxonomies, timeline and relations."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from brief.clocks import on_clock
from brief.config import SiteConfig
from brief.model import ENTITY_KIND_SINGULAR, ENTITY_KINDS, Brief, EntityRef
from brief.site.related import ChunkMap, in_process, related_briefs, related_terms
from brief.site.stories import BriefText, Story, StoryMemo, brief_text, build_stories, story_text_key
from brief.site.taxonomy import Taxonomy, Term, build_taxonomy, index_url
from brief.site.timeline import Timeline, build_timeline, month_span, period_url

ENTITY_TITLES = {"people": "People", "organizations": "Organizations", "places": "Places"}
RELATED_ENTITIES = 12


@dataclass(eq=False)
class BriefPage:
    """A brief with everything its page links to."""

    brief: Brief
    url: str
    day_url: str  # the day archive this brief is listed in
    tags: list[Term] = field(default_factory=list, repr=False)
    entities: dict[str, list[Term]] = field(default_factory=dict, repr=False)  # by kind
    authors: list[Term] = field(default_factory=list, repr=False)
    source: Term | None = field(default=None, repr=False)
    related: list[BriefPage] = field(default_factory=list, repr=False)
    # The same story from other outlets: briefs marked `duplicate_of` this one, each with a page
    # of its own that points back here (first_telling).
    also_reported: list[BriefPage] = field(default_factory=list, repr=False)
    first_telling: BriefPage | None = field(default=None, repr=False)
    # Each entity term with the times this brief mentions it (None: not counted), by kind.
    mentions: dict[str, list[tuple[Term, int | None]]] = field(default_factory=dict, repr=False)
    story: Story | None = field(default=None, repr=False)  # the story it is part of
    story_previous: BriefPage | None = field(default=None, repr=False)  # the brief before, in it
    story_next: BriefPage | None = field(default=None, repr=False)

    @cached_property
    def month_key(self) -> str:
        """Sorts and groups by local month: /timeline/YYYY/MM."""
        return self.day_url.rstrip("/").rsplit("/", 1)[0]

    def __getattr__(self, name: str):
        # Templates write `item.title`, `item.date`: reach through to the brief.
        try:
            brief = self.__dict__["brief"]
        except KeyError:
            raise AttributeError(name) from None
        return getattr(brief, name)


@dataclass(eq=False, repr=False)
class Site:
    config: SiteConfig
    pages: list[BriefPage]  # newest first
    by_slug: dict[str, BriefPage]
    tags: Taxonomy
    entities: dict[str, Taxonomy]  # by kind, in ENTITY_KINDS order
    authors: Taxonomy
    sources: Taxonomy
    timeline: Timeline
    warnings: list[str]
    # Briefs told first by another brief: a page each, but in no list, feed or archive.
    retold: list[BriefPage] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)  # newest first

    @property
    def brief_pages(self) -> list[BriefPage]:
        """Every brief that has a page of its own: the listed ones, then the retold ones."""
        return self.pages + self.retold

    @cached_property
    def month_span(self) -> tuple[date, date] | None:
        """The first and last month with a brief: every density strip spans them, so they line up."""
        return month_span([p.brief for p in self.pages], self.config.zone)

    @property
    def taxonomies(self) -> list[Taxonomy]:
        return [self.tags, *self.entities.values(), self.authors, self.sources]


def brief_url(config: SiteConfig, brief: Brief) -> str:
    local = on_clock(brief.date, config.zone)
    return config.permalinks["brief"].format(
        year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}", slug=brief.slug
    )


def build_site(
    config: SiteConfig,
    briefs: list[Brief],
    memo: dict | None = None,
    listed: dict[str, str] | None = None,
    chunk_map: ChunkMap = in_process,
) -> Site:
    """Everything the pages need, computed once from the published briefs.

    `memo` (kept by the build cache between builds) holds the relations computed last time:
    they depend only on which briefs carry which entities, so an edit to a brief's text or a
    new tag reuses them instead of recomputing them for the whole archive. `chunk_map` runs
    the work per brief (related briefs); the builder gives one that uses every core.
    """
    memo = memo if memo is not None else {}
    # A brief marked as the same story as another is shown on that one's page, not on its own.
    first_telling = _first_tellings(briefs)
    retold = [b for b in briefs if first_telling[b.slug] != b.slug]
    briefs = [b for b in briefs if first_telling[b.slug] == b.slug]
    ordered = sorted(briefs, key=lambda b: (b.date, b.slug), reverse=True)
    warnings: list[str] = []
    links = config.permalinks

    def taxonomy(kind: str, title: str, names) -> Taxonomy:
        return build_taxonomy(
            kind, title, index_url(links[kind]), links[kind], ((b, names(b)) for b in ordered), warnings
        )

    kind_of = _site_kinds(ordered, listed or {})
    # Each brief's entities by the site's kind for them, sorted once for the taxonomies and pages.
    by_kind: dict[str, dict[str, list[EntityRef]]] = {}
    for brief in (*ordered, *retold):
        groups = by_kind[brief.slug] = {kind: [] for kind in ENTITY_KINDS}
        for ref in brief.entities:
            groups[kind_of(ref)].append(ref)
    tags = taxonomy("tag", "Tags", lambda b: b.tags)
    authors = taxonomy("author", "Authors", lambda b: b.authors)
    sources = taxonomy("source", "Sources", lambda b: [b.source.name] if b.source.name else [])
    entities = {
        kind: taxonomy(
            ENTITY_KIND_SINGULAR[kind],
            ENTITY_TITLES[kind],
            lambda b, kind=kind: [e.name for e in by_kind[b.slug][kind]],
        )
        for kind in ENTITY_KINDS
    }

    pages = [
        BriefPage(
            brief=b,
            url=brief_url(config, b),
            day_url=period_url(on_clock(b.date, config.zone).date(), "day"),
        )
        for b in ordered
    ]
    by_slug = {p.brief.slug: p for p in pages}
    retold_pages = []
    for brief in sorted(retold, key=lambda b: (b.date, b.slug)):
        first = by_slug[first_telling[brief.slug]]
        page = BriefPage(
            brief=brief,
            url=brief_url(config, brief),
            day_url=period_url(on_clock(brief.date, config.zone).date(), "day"),
            first_telling=first,
        )
        first.also_reported.append(page)
        retold_pages.append(page)
    aliases: defaultdict[Term, set[str]] = defaultdict(set)  # every other name a term's briefs call it by
    for page in pages:
        brief = page.brief
        page.tags = [tags.find(t) for t in brief.tags]  # type: ignore[misc]
        page.authors = [authors.find(a) for a in brief.authors]  # type: ignore[misc]
        page.source = sources.find(brief.source.name) if brief.source.name else None
        for kind, refs in by_kind[brief.slug].items():
            terms = [entities[kind].find(e.name) for e in refs]
            page.entities[kind] = terms  # type: ignore[assignment]
            page.mentions[kind] = list(zip(terms, (e.mentions for e in refs), strict=True))  # type: ignore[arg-type]
            for ref, term in zip(refs, terms, strict=True):
                names = aliases[term]  # type: ignore[index]
                names.update(ref.aliases)
                names.add(ref.name)
    for term, names in aliases.items():
        names.discard(term.name)
        term.aliases = sorted(names, key=lambda s: (s.casefold(), s))
    # A retold brief is in no taxonomy; its page links the terms that have pages of their own.
    for page in retold_pages:
        brief = page.brief
        page.tags = [t for t in map(tags.find, brief.tags) if t]
        page.authors = [a for a in map(authors.find, brief.authors) if a]
        page.source = sources.find(brief.source.name) if brief.source.name else None
        for kind, refs in by_kind[brief.slug].items():
            found = [(entities[kind].find(e.name), e.mentions) for e in refs]
            page.mentions[kind] = [(t, n) for t, n in found if t]
            page.entities[kind] = [t for t, _ in page.mentions[kind]]

    keys = {p.brief.slug: [(t.kind, t.slug) for ts in p.entities.values() for t in ts] for p in pages}
    shape = hashlib.sha256(
        repr(
            (
                config.related,
                [
                    (
                        p.brief.slug,
                        p.brief.date.isoformat(),
                        keys[p.brief.slug],
                        [t.name for ts in p.entities.values() for t in ts],
                    )
                    for p in pages
                ],
            )
        ).encode()
    ).hexdigest()
    if memo.get("shape") != shape:
        related = related_briefs(ordered, keys, config.related, chunk_map)
        memo["shape"] = shape
        memo["related"] = {slug: [b.slug for b in found] for slug, found in related.items()}
        terms_of = [[t for ts in p.entities.values() for t in ts] for p in pages]
        memo["together"] = related_terms(terms_of, RELATED_ENTITIES, chunk_map)
    for page in pages:
        page.related = [by_slug[slug] for slug in memo["related"][page.brief.slug]]
    terms = {(t.kind, t.slug): t for taxonomy in entities.values() for t in taxonomy.terms}
    for key, others in memo["together"].items():
        terms[key].related = [(terms[other], count) for other, count in others]

    return Site(
        config=config,
        pages=pages,
        by_slug=by_slug,
        tags=tags,
        entities=entities,
        authors=authors,
        sources=sources,
        timeline=build_timeline(ordered, config.zone),
        warnings=warnings,
        retold=retold_pages,
    )


def add_stories(site: Site, memo: dict, overrides: list[dict]) -> None:
    """The site's stories (site.stories, and each brief page's place in its story). What each
    brief's text gives them is kept in `memo` by the text's hash, and the threading and the
    timelines by what they were made of, so a build redoes only what changed."""
    config, pages = site.config, site.pages
    if not config.stories:
        memo.pop("story_texts", None)
        memo.pop("stories", None)
        return
    known: dict[str, BriefText] = memo.get("story_texts", {})
    texts, kept = {}, {}
    for page in pages:
        key = story_text_key(page.brief, config)
        found = known.get(key)
        if found is None:
            found = brief_text(page.brief, config.zone)
        texts[page.brief.slug] = kept[key] = found
    memo["story_texts"] = kept
    stories = build_stories(
        pages, texts, config.zone, overrides, memo=memo.setdefault("stories", StoryMemo())
    )
    site.stories = stories
    for story in stories:
        for number, page in enumerate(story.briefs):
            page.story = story
            page.story_previous = story.briefs[number - 1] if number else None
            page.story_next = story.briefs[number + 1] if number + 1 < len(story.briefs) else None


def _site_kinds(briefs: list[Brief], listed: dict[str, str]) -> Callable[[EntityRef], str]:
    """One kind per name across the site: the one `content/entities.yml` gives it (`listed`,
    by casefolded name or alias), else the kind most briefs give it (a tie goes to people, then
    organizations, then places). A recogniser that calls San Diego a person in one brief and a
    place in five files it under places everywhere."""
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)  # not setdefault: a Counter per mention
    for brief in briefs:
        for ref in brief.entities:
            votes[ref.name.casefold()][ref.kind] += 1
    order = {kind: i for i, kind in enumerate(ENTITY_KINDS)}
    chosen = {
        name: min(counts, key=lambda k: (-counts[k], order[k]))
        for name, counts in votes.items()
        if len(counts) > 1
    }
    chosen.update((name, listed[name]) for name in votes if name in listed)

    def kind_of(ref: EntityRef) -> str:
        return chosen.get(ref.name.casefold(), ref.kind)

    return kind_of


def _first_tellings(briefs: list[Brief]) -> dict[str, str]:
    """Each brief's slug → the slug of the brief its story is shown under (itself if none).

    `duplicate_of` chains are followed; a target that does not exist is ignored, and a cycle
    is shown under its alphabetically first member.
    """
    points_to = {b.slug: b.duplicate_of for b in briefs}
    roots: dict[str, str] = {}
    for brief in briefs:
        path = [brief.slug]
        slug = brief.slug
        while points_to.get(slug) in points_to and points_to[slug] not in path:
            slug = points_to[slug]  # type: ignore[assignment]
            path.append(slug)
        cycle = points_to.get(slug) in path
        roots[brief.slug] = min(path[path.index(points_to[slug]) :]) if cycle else slug  # type: ignore[arg-type]
    return roots
