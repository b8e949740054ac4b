"""Atom and JSON Feed documents, sitemap.xml and robots.txt, written by code, not templates,
so that escaping and structure are always right."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from brief.config import SiteConfig
from brief.site.model import BriefPage

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

BodyRenderer = Callable[[BriefPage], str]
# Characters XML 1.0 cannot carry at all; a stray one in a brief must not break every feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in attrs.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(
    config: SiteConfig, url: str, title: str, home: str, items: list[BriefPage], body: BodyRenderer
) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    _sub(feed, "id", config.absolute_url(url))
    _sub(feed, "title", title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    updated = max((i.brief.modified for i in items), default=EPOCH)
    _sub(feed, "updated", updated.isoformat())
    _sub(feed, "link", rel="self", type="application/atom+xml", href=config.absolute_url(url))
    _sub(feed, "link", rel="alternate", type="text/html", href=config.absolute_url(home))
    _sub(feed, "generator", "brief")
    author = _sub(feed, "author")
    _sub(author, "name", config.title)
    for item in items:
        brief = item.brief
        entry = _sub(feed, "entry")
        _sub(entry, "id", config.absolute_url(item.url))
        _sub(entry, "title", brief.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=config.absolute_url(item.url))
        _sub(entry, "published", brief.date.isoformat())
        _sub(entry, "updated", brief.modified.isoformat())
        for name in brief.authors:
            _sub(_sub(entry, "author"), "name", name)
        for tag in item.tags:
            _sub(entry, "category", term=tag.name, label=tag.name)
        if brief.summary:
            _sub(entry, "summary", brief.summary)
        _sub(entry, "content", body(item), type="html")
    return _xml(feed)


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
            "content_html": body(item),
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
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for url, lastmod in pages:
        entry = _sub(urlset, "url")
        _sub(entry, "loc", config.absolute_url(url))
        if lastmod is not None:
            _sub(entry, "lastmod", lastmod.isoformat())
    return _xml(urlset)


def robots_txt(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('/sitemap.xml')}\n".encode()
