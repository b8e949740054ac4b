"""Atom and JSON Feed documents, sitemap.xml and robots.txt, written by code, not templates,
so that escaping and structure are always right."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape as html_escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: a text splice (builder.splice) imports this module, not the model
    from brief.config import SiteConfig
    from brief.site.model import BriefPage

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

BodyRenderer = Callable[["BriefPage"], str]
EntryRenderer = Callable[["BriefPage"], str]
# Characters XML 1.0 cannot carry at all; a stray one in a brief must not break every feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# A feed carries each brief's whole text, in every feed that lists it (the site's, each tag's,
# each entity's): a 10 MB brief made 71 MB of feeds. Past this many characters of HTML (ten
# times a long read), a feed carries the paragraphs that fit and a link to the brief's page.
FEED_BODY_CHARS = 200_000


def feed_body(html: str, url: str) -> str:
    """The body as a feed carries it: whole, or cut after a paragraph with a link to the rest."""
    if len(html) <= FEED_BODY_CHARS:
        return html
    cut = max(html.rfind(end, 0, FEED_BODY_CHARS) for end in ("</p>", "</ul>", "</ol>", "</blockquote>"))
    kept = html[: html.find(">", cut) + 1] if cut > 0 else ""
    return f'{kept}\n<p><a href="{html_escape(url)}">Read the whole brief</a></p>\n'


def xml_text(text: str) -> str:
    """`text` as the content of an XML element: characters XML forbids dropped, the rest escaped."""
    return html_escape(_NOT_XML.sub("", text), quote=False)


def _attribute(value: str) -> str:
    """`value` inside double quotes. html.escape, not xml.sax.saxutils: that imports urllib.request
    (0.03 s of a text splice); whitespace as references, as an XML parser would otherwise fold it."""
    return html_escape(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


class _Xml:
    """A small XML writer: escaping and indentation always the same, much faster than
    building an ElementTree for thousands of feeds."""

    def __init__(self) -> None:
        self.parts: list[str] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.depth = 0

    @staticmethod
    def _attrs(attrs: dict[str, str]) -> str:
        return "".join(f' {k}="{_attribute(_NOT_XML.sub("", v))}"' for k, v in attrs.items())

    def open(self, tag: str, **attrs: str) -> None:
        self.parts.append(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'  ' * self.depth}</{tag}>\n")

    def leaf(self, tag: str, text: str | None = None, **attrs: str) -> None:
        indent = "  " * self.depth
        if text is None:
            self.parts.append(f"{indent}<{tag}{self._attrs(attrs)} />\n")
        else:
            self.parts.append(f"{indent}<{tag}{self._attrs(attrs)}>{xml_text(text)}</{tag}>\n")

    def bytes(self) -> bytes:
        return "".join(self.parts).encode("utf-8")


def atom_feed(
    config: SiteConfig, url: str, title: str, home: str, items: list[BriefPage], entry: EntryRenderer
) -> bytes:
    """An Atom feed; `entry` gives each item's <entry> element (see atom_entry)."""
    xml = _Xml()
    xml.open("feed", **{"xmlns": ATOM_NS, "xml:lang": config.language})
    xml.leaf("id", config.absolute_url(url))
    xml.leaf("title", title)
    if config.description:
        xml.leaf("subtitle", config.description)
    updated = max((i.brief.modified for i in items), default=EPOCH)
    xml.leaf("updated", updated.isoformat())
    xml.leaf("link", rel="self", type="application/atom+xml", href=config.absolute_url(url))
    xml.leaf("link", rel="alternate", type="text/html", href=config.absolute_url(home))
    xml.leaf("generator", "brief")
    xml.open("author")
    xml.leaf("name", config.title)
    xml.close("author")
    xml.parts.extend(entry(item) for item in items)
    xml.close("feed")
    return xml.bytes()


def atom_entry(config: SiteConfig, item: BriefPage, body: BodyRenderer) -> str:
    """One brief as an Atom <entry>, the same in every feed that carries it: so the caller
    can make it once per build, and escape each body once rather than once per feed."""
    brief = item.brief
    xml = _Xml()
    xml.parts.clear()
    xml.depth = 1
    xml.open("entry")
    xml.leaf("id", config.absolute_url(item.url))
    xml.leaf("title", brief.title)
    xml.leaf("link", rel="alternate", type="text/html", href=config.absolute_url(item.url))
    xml.leaf("published", brief.date.isoformat())
    xml.leaf("updated", brief.modified.isoformat())
    for name in brief.authors:
        xml.open("author")
        xml.leaf("name", name)
        xml.close("author")
    for tag in item.tags:
        xml.leaf("category", term=tag.name, label=tag.name)
    if brief.summary:
        xml.leaf("summary", brief.summary)
    xml.leaf("content", feed_body(body(item), config.absolute_url(item.url)), type="html")
    xml.close("entry")
    return "".join(xml.parts)


def json_feed(
    config: SiteConfig, url: str, title: str, home: str, items: list[BriefPage], body: BodyRenderer
) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    document: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": config.absolute_url(home),
        "feed_url": config.absolute_url(url),
        "language": config.language,
    }
    if config.description:
        document["description"] = config.description
    entries = []
    for item in items:
        brief = item.brief
        entry: dict[str, object] = {
            "id": config.absolute_url(item.url),
            "url": config.absolute_url(item.url),
            "title": brief.title,
            "content_html": feed_body(body(item), config.absolute_url(item.url)),
            "date_published": brief.date.isoformat(),
            "date_modified": brief.modified.isoformat(),
        }
        if brief.summary:
            entry["summary"] = brief.summary
        if brief.authors:
            entry["authors"] = [{"name": name} for name in brief.authors]
        if item.tags:
            entry["tags"] = [t.name for t in item.tags]
        if brief.source.url:
            entry["external_url"] = brief.source.url
        entries.append(entry)
    document["items"] = entries
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def sitemap(config: SiteConfig, pages: list[tuple[str, datetime | None]]) -> bytes:
    """`pages` are (site path, last modified) of every page meant for search engines."""
    xml = _Xml()
    xml.open("urlset", xmlns=SITEMAP_NS)
    for url, lastmod in pages:
        xml.open("url")
        xml.leaf("loc", config.absolute_url(url))
        if lastmod is not None:
            xml.leaf("lastmod", lastmod.isoformat())
        xml.close("url")
    xml.close("urlset")
    return xml.bytes()


def robots_txt(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('/sitemap.xml')}\n".encode()


def stories_json(config: SiteConfig, stories: list) -> bytes:
    """Every story with its briefs and its timeline, for other tools: each key date has a
    `weight`, so that a reader can cut a timeline to its N most important dates."""
    document = [
        {
            "slug": story.slug,
            "title": story.title,
            "url": config.absolute_url(story.url),
            "briefs": [
                {
                    "slug": item.brief.slug,
                    "url": config.absolute_url(item.url),
                    "source_url": item.brief.source.url,
                    "date": item.brief.date.isoformat(),
                }
                for item in story.briefs
            ],
            "timeline": [
                {
                    "date": key.day.isoformat(),
                    "weight": key.weight,
                    "summary": list(key.summary),
                    "briefs": list(key.briefs),
                }
                for key in story.timeline
            ],
        }
        for story in stories
    ]
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
