"""What each page shows, as one hash: a page whose hash is unchanged since the last build is not
rendered again.

Every value a template or feed writer reads for a page goes into its hash: the briefs it lists
(their front-matter's hash; for a brief's own page and feeds, their text's too), the URLs and
names of the terms it links, pagination, neighbouring periods. What every page shares
(templates, theme, static files, site.yml, brief's version) is hashed once into the build key.
The incremental tests compare incremental output with clean builds byte for byte over random
edit sequences, which is what keeps this list honest.
"""

from __future__ import annotations

import hashlib
from typing import Any

from brief.model import Brief
from brief.render.plan import Page, Paginator
from brief.site.model import BriefPage, Site
from brief.site.taxonomy import Taxonomy, Term
from brief.site.timeline import Period, Timeline


def _hash(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:32]


def _term(term: Term | None) -> tuple[str, str] | None:
    return (term.name, term.url) if term is not None else None


class Digester:
    def __init__(self, site: Site) -> None:
        self.site = site
        self._cards: dict[int, str] = {}
        self._terms: dict[object, str] = {}
        self._dates: dict[int, str] = {}
        dates = [p.brief.date for p in site.pages]
        self.span = (min(dates).isoformat(), max(dates).isoformat()) if dates else None

    def card(self, item: BriefPage) -> str:
        """Everything a brief's card in a list may show (any front-matter field, not the body),
        hashed once per build: editing a brief's text leaves the lists that show it alone."""
        key = id(item)
        found = self._cards.get(key)
        if found is None:
            found = _hash(
                (
                    item.url,
                    item.brief.meta_hash,
                    item.day_url,
                    tuple(_term(t) for t in item.tags),
                    tuple(_term(a) for a in item.authors),
                    _term(item.source),
                    # Entity links inside the body (brief pages, feed entries) point at these URLs.
                    tuple((k, tuple(_term(t) for t in ts)) for k, ts in item.entities.items()),
                )
            )
            self._cards[key] = found
        return found

    def _date(self, brief: Brief) -> str:
        found = self._dates.get(id(brief))
        if found is None:
            found = self._dates[id(brief)] = brief.date.isoformat()
        return found

    def entry(self, item: BriefPage) -> tuple[str, str]:
        """A brief with its body: its own page, a feed entry."""
        return self.card(item), item.brief.content_hash

    def _paginator(self, pager: Paginator) -> tuple:
        return (
            pager.number,
            pager.total,
            pager.base_url,
            pager.count,
            tuple(self.card(i) for i in pager.items),
        )

    def _term_full(self, term: Term) -> str:
        found = self._terms.get(id(term))
        if found is None:
            found = self._terms[id(term)] = _hash(self._term_value(term))
        return found

    def _term_briefs(self, term: Term) -> str:
        key = ("briefs", id(term))
        found = self._terms.get(key)  # type: ignore[call-overload]
        if found is None:
            # The strip counts briefs per month: only their dates matter, not their text.
            found = self._terms[key] = _hash(tuple(self._date(b) for b in term.briefs))  # type: ignore[index]
        return found

    @staticmethod
    def _term_value(term: Term) -> tuple:
        first = term.briefs[-1].date.isoformat() if term.briefs else ""
        last = term.briefs[0].date.isoformat() if term.briefs else ""
        related = tuple((o.name, o.url, n) for o, n in term.related)
        return (term.kind, term.name, term.url, term.count, tuple(term.aliases), related, first, last)

    @staticmethod
    def _taxonomy(taxonomy: Taxonomy) -> tuple:
        return (
            taxonomy.kind,
            taxonomy.title,
            taxonomy.url,
            tuple((t.name, t.url, t.count) for t in taxonomy.terms),
        )

    @staticmethod
    def _period(period: Period | None) -> tuple | None:
        if period is None:
            return None
        return (period.level, period.start.isoformat(), period.url, period.count)

    def _timeline(self, timeline: Timeline) -> tuple:
        return tuple((self._period(y), tuple(self._period(m) for m in y.children)) for y in timeline.years)

    def value(self, page: Page, plan_sitemap: tuple) -> Any:
        ctx = page.context
        head = (
            page.url,
            page.kind,
            page.template,
            page.title,
            page.lastmod.isoformat() if page.lastmod else None,
        )
        if page.kind == "brief":
            item: BriefPage = ctx["item"]
            entities = tuple((kind, tuple(_term(t) for t in terms)) for kind, terms in item.entities.items())
            related = tuple(self.card(r) for r in item.related)
            also = tuple((p.url, p.brief.meta_hash) for p in item.also_reported)
            first = item.first_telling
            told_first = (first.url, first.brief.meta_hash) if first else None
            return head, self.entry(item), entities, related, also, told_first
        if page.kind == "index":
            return head, self._paginator(ctx["paginator"])
        if page.kind in ("term", "entity"):
            taxonomy: Taxonomy = ctx["taxonomy"]
            # Entity pages draw a strip of all the entity's briefs over the site's span.
            return (
                self.span,
                self._term_briefs(ctx["term"]),
                head,
                self._term_full(ctx["term"]),
                taxonomy.title,
                taxonomy.url,
                ctx["feed_url"],
                self._paginator(ctx["paginator"]),
            )
        if page.kind == "terms":
            return head, self._taxonomy(ctx["taxonomy"])
        if page.kind == "timeline":
            return head, self.span, self._timeline(ctx["timeline"])
        if page.kind == "archive":
            period: Period = ctx["period"]
            children = tuple(self._period(c) for c in period.children)
            return (
                head,
                self._period(period),
                children,
                self._period(period.previous),
                self._period(period.next),
                tuple(self.card(i) for i in ctx["items"]),
            )
        if page.kind in ("atom", "json_feed"):
            return head, ctx["title"], ctx["home"], tuple(self.entry(i) for i in ctx["items"])
        if page.kind == "sitemap":
            return head, plan_sitemap
        return head  # 404, robots: only what every page shares


def page_digest(digester: Digester, page: Page, build_key: str, sitemap: tuple = ()) -> str:
    value = repr((build_key, digester.value(page, sitemap)))
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def page_digests(site: Site, plan: list[Page], build_key: str) -> dict[str, str]:
    digester = Digester(site)
    sitemap = tuple((p.url, p.lastmod.isoformat() if p.lastmod else None) for p in plan if p.in_sitemap)
    return {page.path: page_digest(digester, page, build_key, sitemap) for page in plan}
