"""Turn one planned Page into the bytes of its file."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from brief.config import SiteConfig
from brief.errors import BriefError
from brief.model import ENTITY_KIND_SINGULAR
from brief.render import feeds
from brief.render.markdown import EntityLinks, body_key, make_markdown
from brief.render.plan import Page
from brief.render.reads import REF_OF, Body, ReadLog, context_id, fingerprint, page_value, unwatched, watch
from brief.render.templates import make_environment, template_error
from brief.site.model import BriefPage, Site
from brief.site.taxonomy import Term
from brief.site.timeline import Bar, density, month_counts
from brief.themes import theme_dir

StoredBody = tuple[str, str, EntityLinks]  # (body key, HTML, the entity links it was made with)


class Renderer:
    """Holds what every page shares: the Jinja environment, markdown, rendered bodies."""

    def __init__(
        self,
        site: Site,
        plan: list[Page],
        stored_bodies: dict[str, StoredBody] | None = None,
        log: ReadLog | None = None,
    ) -> None:
        self.site = site
        self.config: SiteConfig = site.config
        self.plan = plan
        self.markdown = make_markdown(self.config.unsafe_html)
        self.log = log if log is not None else ReadLog()  # what each page reads (render.reads)
        self.env = make_environment(self.config)
        self.env.log = self.log
        self.env.globals.update(
            site=site,
            asset=self.asset_url,
            news_article_ld=self.news_article_ld,
            density=self.density,
            partial_cached=self.partial_cached,
        )
        self._bodies: dict[str, str] = {}  # slug → HTML, checked for this build
        # slug → (body key, HTML, entity links), from earlier builds and this one.
        self.stored_bodies: dict[str, StoredBody] = stored_bodies if stored_bodies is not None else {}
        self._strips: dict[tuple[int, int], tuple[list[Bar], frozenset[int]]] = {}
        self._assets: dict[str, str] = {}
        # Fragments made once per build, with the keys their making read (render.reads).
        self._fragments: dict[tuple[str, object], tuple[Markup, frozenset[int]]] = {}
        # Fragments by template and context_id, the same name in any process and build: made
        # before the page workers forked (builder.parallel.render_fragments), made here, or kept
        # from the last build because none of their keys changed (the build cache keeps them).
        self.prerendered: dict[tuple[str, tuple], tuple[Markup, frozenset[int]]] = {}
        # While a list: the fragments' calls, collected before the workers fork.
        self.partial_calls: list[tuple[str, dict[str, object]]] | None = None
        self._entries: dict[str, tuple[str, frozenset[int]]] = {}  # slug → Atom <entry>
        self._keys: dict[str, tuple[str, EntityLinks]] = {}  # slug → body key and links
        self.static_dirs = [theme_dir(self.config) / "static", self.config.root / "static"]

    def _entity_links(self, item: BriefPage) -> EntityLinks:
        links: EntityLinks = {}
        for ref in item.brief.entities:
            term = self.site.entities[ref.kind].find(ref.name)
            if term is None:
                continue
            target = (self.config.url(term.url), f"entity {ENTITY_KIND_SINGULAR[ref.kind]}")
            for surface in (ref.name, *ref.aliases):
                links.setdefault(surface, target)
        return links

    def body_key(self, item: BriefPage) -> str:
        return self._key_and_links(item)[0]

    def _key_and_links(self, item: BriefPage) -> tuple[str, EntityLinks]:
        """Once per brief and build: every page and feed showing a body asks for its key."""
        found = self._keys.get(item.brief.slug)
        if found is None:
            links = self._entity_links(item)
            found = body_key(item.brief.content_hash, self.config.unsafe_html, links), links
            self._keys[item.brief.slug] = found
        return found

    def stored_body(self, item: BriefPage) -> tuple[StoredBody, bool]:
        """(the brief's body as stored by an earlier build, True) if it is still right, else
        (its key and links with no HTML, False)."""
        key, links = self._key_and_links(item)
        stored = self.stored_bodies.get(item.brief.slug)
        if stored is not None and stored[0] == key:
            return stored, True
        return (key, "", links), False

    def render_body(self, item: BriefPage) -> StoredBody:
        """The markdown rendered, first mention of each entity linked."""
        key, links = self._key_and_links(item)
        return key, self.markdown.render(item.brief.body, {"entity_links": links}), links

    def body_html(self, item: BriefPage) -> str:
        """The brief's body as HTML: rendered once per build, and only when its file or its links
        changed since the build that stored it."""
        slug = item.brief.slug
        html = self._bodies.get(slug)
        if html is None:
            key, links = self._key_and_links(item)
            stored = self.stored_bodies.get(slug)
            if stored is not None and stored[0] == key:
                html = stored[1]
            else:
                html = self.markdown.render(item.brief.body, {"entity_links": links})
                self.stored_bodies[slug] = (key, html, links)
            self._bodies[slug] = html
        return html

    def forget_body(self, slug: str) -> None:
        """The brief's text changed: render its body again when next asked."""
        self._bodies.pop(slug, None)
        self._entries.pop(slug, None)
        self._keys.pop(slug, None)

    def forget(self, changed: set[int]) -> None:
        """Drop the fragments made from keys whose values changed (a warm rebuild, or the last
        build's fragments)."""
        for cache in (self._fragments, self.prerendered, self._entries, self._strips):
            for name in [name for name, (_, keys) in cache.items() if not changed.isdisjoint(keys)]:
                del cache[name]  # type: ignore[attr-defined]

    def _recorded(self, make, *args):
        """make(*args), and the keys it read apart from the page's."""
        log = self.log
        outer, log.page = log.page, set()
        try:
            made = make(*args)
            return made, frozenset(log.page)
        finally:
            log.page = outer

    def _feed_body(self, form: str):
        def body(item: object) -> str:
            item = unwatched(item)
            self.log.note((("body", item.brief.slug), form), self.body_key(item))
            return self.body_html(item)

        return body

    def atom_entry(self, item: BriefPage) -> str:
        """A brief's Atom entry, made once per build for all the feeds that carry it."""
        item = unwatched(item)
        found = self._entries.get(item.brief.slug)
        if found is None:
            found = self._entries[item.brief.slug] = self._recorded(
                feeds.atom_entry, self.config, watch(item, self.log), self._feed_body("atom")
            )
        self.log.add(found[1])
        return found[0]

    def add_bodies(self, bodies: list[tuple[str, StoredBody]]) -> None:
        """Bodies checked or rendered elsewhere (worker processes), by slug."""
        for slug, stored in bodies:
            self.stored_bodies[slug] = stored
            self._bodies[slug] = stored[1]
            self._keys[slug] = stored[0], stored[2]

    def partial_cached(self, name: str, key: object, **context: object) -> Markup:
        """Template `name` rendered with `context` once per build for each `key` (Hugo's
        partialCached): the key must say everything the output depends on.

        A brief's card shows up in a dozen lists (index, tags, entities, archives, related
        briefs) and an entity's strip on each of its pages; each is rendered once."""
        cache_key = (name, key)
        found = self._fragments.get(cache_key)
        if found is None:
            named = None
            if self.partial_calls is not None:
                self.partial_calls.append((name, context))
            elif (named := context_id(context)) is not None:
                found = self.prerendered.get((name, named))
            if found is None:
                found = self.render_partial(name, context)
                if named is not None:
                    self.prerendered[name, named] = found
            self._fragments[cache_key] = found
        self.log.add(found[1])
        return found[0]

    def render_partial(self, name: str, context: dict[str, object]) -> tuple[Markup, frozenset[int]]:
        """Template `name` rendered with `context`, and the keys it read. A failure names the
        template's file and line here: a fragment may be made before any page shows it."""
        try:  # the template is loaded inside: the fragment depends on it (render.templates)
            return self._recorded(lambda: Markup(self.env.get_template(name).render(context)))
        except BriefError:
            raise
        except Exception as exc:
            raise template_error(exc, self.config) from None

    def density(self, briefs: object) -> list[Bar]:
        """Briefs per month over the whole site's span, so that every strip lines up: of a term
        (`density(term)`), of the whole site (`density(site)`) or of any list of briefs.

        Every page of a paginated entity draws the same strip: computed once per list."""
        key = (id(briefs), getattr(briefs, "__len__", lambda: 0)())
        found = self._strips.get(key)
        if found is None:

            def bars() -> list[Bar]:
                span = self.site.month_span
                self.log.read(self.site, "month_span", span)
                if type(briefs) in (Term, Site):
                    # One key for the whole strip, not one per brief: entity pages list thousands.
                    counts = self.month_counts(briefs)
                    self.log.note((REF_OF[type(briefs)](briefs), "month_counts"), fingerprint(counts))
                else:
                    for brief in briefs:  # type: ignore[attr-defined]
                        self.log.read(brief, "date", brief.date)
                    counts = month_counts(briefs, self.config.zone)  # type: ignore[arg-type]
                return density(counts, span)

            found = self._strips[key] = self._recorded(bars)
        self.log.add(found[1])
        return found[0]

    def sitemap_entries(self, site: Site) -> list[tuple[str, datetime | None]]:
        """(URL, last modified) of every page meant for search engines."""
        return [(p.url, p.lastmod) for p in self.plan if p.in_sitemap]

    def month_counts(self, owner: Term | Site) -> dict[tuple[int, int], int]:
        briefs = owner.briefs if isinstance(owner, Term) else [p.brief for p in owner.pages]
        return month_counts(briefs, self.config.zone)

    def asset_url(self, name: str) -> str:
        """URL of a static file with a content hash, so browsers never keep a stale copy."""
        url = self._assets.get(name)
        if url is None:
            digest = ""
            for base in reversed(self.static_dirs):
                candidate = base / name
                if candidate.is_file():
                    digest = hashlib.sha256(candidate.read_bytes()).hexdigest()[:10]
                    break
            url = self.config.url("/static/" + name) + (f"?v={digest}" if digest else "")
            self._assets[name] = url
        return url

    def render(self, page: Page) -> tuple[bytes, frozenset[int]]:
        """The page's file, and the keys it read (render.reads)."""
        log = self.log
        log.page = {log.key_id((("page", page.path), "@"), lambda: page_value(page))}
        try:
            return self._render(page), frozenset(log.page)
        finally:
            log.page = None

    def _render(self, page: Page) -> bytes:
        if page.template is None:
            return self._generated(page)
        try:
            template = self.env.get_template(page.template)
            context = dict(page.context, page=page)
            if page.kind == "brief":
                item = page.context["item"]
                context["content"] = Body(
                    self.body_html(item), self.body_key(item), item.brief.slug, self.log
                )
            text = template.render(context)
        except BriefError:
            raise
        except Exception as exc:
            raise template_error(exc, self.config) from None
        return text.encode("utf-8")

    def _generated(self, page: Page) -> bytes:
        config, ctx, log = self.config, page.context, self.log
        if page.kind == "atom":
            items = watch(ctx["items"], log)
            return feeds.atom_feed(config, page.url, ctx["title"], ctx["home"], items, self.atom_entry)
        if page.kind == "json_feed":
            items = watch(ctx["items"], log)
            return feeds.json_feed(
                config, page.url, ctx["title"], ctx["home"], items, self._feed_body("json")
            )
        if page.kind == "sitemap":
            listed = self.sitemap_entries(self.site)
            log.note((("site",), "sitemap_entries"), fingerprint(listed))  # one key for 20,000 pages
            return feeds.sitemap(config, listed)
        if page.kind == "stories_json":
            return feeds.stories_json(config, watch(ctx["stories"], log))
        if page.kind == "robots":
            return feeds.robots_txt(config)
        raise ValueError(f"no generator for page kind {page.kind!r}")

    def static_files(self) -> dict[str, Path]:
        """Output path → source file; the site's own static/ overrides the theme's."""
        files: dict[str, Path] = {}
        for base in self.static_dirs:
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files["static/" + path.relative_to(base).as_posix()] = path
        return files

    def news_article_ld(self, item: BriefPage) -> Markup:
        """schema.org NewsArticle for a brief page. Every read goes through the template
        environment's getattr, so that the page records it (render.reads) as a template would."""
        get, config = self.env.getattr, self.config
        brief = get(item, "brief")
        url = config.absolute_url(get(item, "url"))
        source = get(brief, "source")
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": get(brief, "title"),
            "datePublished": get(brief, "date").isoformat(),
            "dateModified": get(brief, "modified").isoformat(),
            "url": url,
            "mainEntityOfPage": url,
            "author": [
                {"@type": "Person", "name": get(a, "name"), "url": config.absolute_url(get(a, "url"))}
                for a in get(item, "authors")
            ],
            "publisher": {"@type": "Organization", "name": source.name or config.title},
            "keywords": [get(t, "name") for t in get(item, "tags")],
            "inLanguage": config.language,
        }
        if summary := get(brief, "summary"):
            data["description"] = summary
        if source.url:
            data["isBasedOn"] = source.url
        kinds = {"people": "Person", "organizations": "Organization", "places": "Place"}
        mentions = [
            {"@type": kinds[kind], "name": get(t, "name"), "url": config.absolute_url(get(t, "url"))}
            for kind, terms in get(item, "entities").items()
            for t in terms
        ]
        if mentions:
            data["mentions"] = mentions
        return json_ld(data)


def json_ld(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json"> that no text can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
