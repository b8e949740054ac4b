"""The page plan: one Page per output file, saying which template renders it from which data.

Build, sitemap, `brief check` and deploy all read this one list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from brief.errors import BriefError
from brief.site.model import BriefPage, Site
from brief.site.taxonomy import Taxonomy, Term
from brief.site.timeline import Period


@dataclass
class Paginator:
    """One page of a list, and links to its neighbours."""

    items: list[Any]
    number: int
    total: int
    base_url: str
    count: int  # items over all pages

    def url_for(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def previous_url(self) -> str | None:
        return self.url_for(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_for(self.number + 1) if self.number < self.total else None

    @property
    def numbers(self) -> list[int]:
        return list(range(1, self.total + 1))


@dataclass
class Page:
    """One output file."""

    url: str  # the site path a reader sees, e.g. /tags/nato/ or /feed.xml
    kind: str  # brief, index, terms, term, entity, timeline, archive, not_found, atom, json_feed, ...
    template: str | None = None  # Jinja template, or None for files written by code
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    lastmod: datetime | None = None
    in_sitemap: bool = True

    @property
    def path(self) -> str:
        """The file under the output folder: directories get index.html."""
        rel = self.url.lstrip("/")
        return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def paginate(items: list[Any], size: int, base_url: str) -> list[Paginator]:
    total = max(1, math.ceil(len(items) / size))
    return [
        Paginator(items[(n - 1) * size : n * size], n, total, base_url, len(items))
        for n in range(1, total + 1)
    ]


def _newest(pages: list[BriefPage]) -> datetime | None:
    return max((p.brief.modified for p in pages), default=None)


def plan_pages(site: Site) -> list[Page]:
    config = site.config
    size = config.pagination
    plan: list[Page] = []
    add = plan.append

    for item in site.brief_pages:
        add(Page(item.url, "brief", "brief.html", {"item": item}, item.brief.title, item.brief.modified))

    for pager in paginate(site.pages, size, "/"):
        title = config.title if pager.number == 1 else f"{config.title}, page {pager.number}"
        add(
            Page(
                pager.url_for(pager.number),
                "index",
                "index.html",
                {"paginator": pager},
                title,
                _newest(pager.items),
            )
        )

    for taxonomy in site.taxonomies:
        _plan_taxonomy(site, taxonomy, plan)

    _plan_stories(site, plan)
    timeline = site.timeline
    add(
        Page(
            timeline.url, "timeline", "timeline.html", {"timeline": timeline}, "Timeline", _newest(site.pages)
        )
    )
    for level in ("year", "month", "day"):
        for period in timeline.periods(level):
            add(_archive_page(site, period))

    add(Page("/404.html", "not_found", "404.html", {}, "Page not found", in_sitemap=False))
    if config.search:
        add(Page("/search/", "search", "search.html", {}, "Search", in_sitemap=False))
    feeds = config.feeds
    site_feed = {"items": site.pages[: feeds.items], "title": config.title, "home": "/"}
    for wanted, url, kind in ((feeds.atom, "/feed.xml", "atom"), (feeds.json, "/feed.json", "json_feed")):
        if wanted:
            add(Page(url, kind, context=site_feed, in_sitemap=False))
    add(Page("/robots.txt", "robots", in_sitemap=False))
    add(Page("/sitemap.xml", "sitemap", in_sitemap=False))
    _check_unique(plan)
    return plan


def term_items(site: Site, term: Term) -> list[BriefPage]:
    return [site.by_slug[b.slug] for b in term.briefs]


def _plan_taxonomy(site: Site, taxonomy: Taxonomy, plan: list[Page]) -> None:
    config = site.config
    is_entity = taxonomy in site.entities.values()
    plan.append(Page(taxonomy.url, "terms", "terms.html", {"taxonomy": taxonomy}, taxonomy.title))
    wants_feed = config.feeds.atom and (
        (is_entity and config.feeds.per_entity) or (taxonomy is site.tags and config.feeds.per_tag)
    )
    template = "entity.html" if is_entity else "term.html"
    kind = "entity" if is_entity else "term"
    for term in taxonomy.terms:
        items = term_items(site, term)
        feed_url = term.url + "feed.xml" if wants_feed else None
        for pager in paginate(items, config.pagination, term.url):
            title = term.name if pager.number == 1 else f"{term.name}, page {pager.number}"
            context = {"term": term, "taxonomy": taxonomy, "paginator": pager, "feed_url": feed_url}
            plan.append(
                Page(pager.url_for(pager.number), kind, template, context, title, _newest(pager.items))
            )
        if feed_url:
            context = {
                "items": items[: config.feeds.items],
                "title": f"{term.name} — {config.title}",
                "home": term.url,
            }
            plan.append(Page(feed_url, "atom", context=context, in_sitemap=False))


def _plan_stories(site: Site, plan: list[Page]) -> None:
    """The story index, a page and an Atom feed per story, and stories.json for other tools."""
    config = site.config
    if not config.stories:
        return
    newest = _newest(site.pages)
    plan.append(Page("/stories/", "stories", "stories.html", {"stories": site.stories}, "Stories", newest))
    for story in site.stories:
        # Its briefs in pages like any list: a story can run to thousands of briefs.
        for pager in paginate(story.newest_first, config.pagination, story.url):
            title = story.title if pager.number == 1 else f"{story.title}, page {pager.number}"
            context = {"story": story, "paginator": pager}
            plan.append(
                Page(pager.url_for(pager.number), "story", "story.html", context, title, _newest(pager.items))
            )
        if config.feeds.atom:
            context = {
                "items": story.newest_first[: config.feeds.items],
                "title": f"{story.title} — {config.title}",
                "home": story.url,
            }
            plan.append(Page(story.url + "feed.xml", "atom", context=context, in_sitemap=False))
    plan.append(Page("/stories.json", "stories_json", context={"stories": site.stories}, in_sitemap=False))


def _archive_page(site: Site, period: Period) -> Page:
    items = [site.by_slug[b.slug] for b in period.briefs]
    fmt = {"year": "%Y", "month": "%B %Y", "day": "%-d %B %Y"}[period.level]
    title = period.start.strftime(fmt)
    return Page(
        period.url, "archive", "archive.html", {"period": period, "items": items}, title, _newest(items)
    )


def _check_unique(plan: list[Page]) -> None:
    seen: dict[str, Page] = {}
    for page in plan:
        other = seen.get(page.path)
        if other is not None:
            raise BriefError(
                f"two pages would be written to {page.path} ({other.kind} {other.title!r} "
                f"and {page.kind} {page.title!r})",
                path="site.yml",
                field="permalinks",
                hint="make the permalink patterns distinct",
            )
        seen[page.path] = page
