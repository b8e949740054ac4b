"""The example site builds into a complete, well-formed, fully linked site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import html5lib
import pytest
from lxml import etree

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def parse(path: Path):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def resolve(out: Path, page: Path, href: str, base_path: str) -> tuple[Path, str] | None:
    """The file an internal link points at and its fragment; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    assert path.startswith(base_path), f"link {href} is outside the site's base path"
    target = out / path[len(base_path) :]
    if path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def test_every_page_is_valid_html5(built_example):
    root, _ = built_example
    pages = html_files(root / "public")
    assert len(pages) > 60
    for page in pages:
        try:
            parse(page)
        except Exception as exc:  # html5lib raises ParseError with the position
            pytest.fail(f"{page}: {exc}")


def test_every_internal_link_and_anchor_resolves(built_example):
    root, result = built_example
    out = root / "public"
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in html_files(out):
        tree = parse(page)
        page_ids = [el.get("id") for el in tree.iter() if el.get("id")]
        assert len(page_ids) == len(set(page_ids)), f"duplicate ids in {page}"
        ids[page] = set(page_ids)
        for element in tree.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value:
                    links.append((page, value))
    assert len(links) > 500
    for page, href in links:
        target = resolve(out, page, href, result.config.base_path)
        if target is None:
            continue
        file, fragment = target
        assert file.is_file(), f"{page.relative_to(out)} links to missing {href}"
        if fragment:
            assert fragment in ids.get(file, set()), f"{page.relative_to(out)}: no #{fragment} in {href}"


def test_feeds_parse_without_errors(built_example):
    root, result = built_example
    out = root / "public"
    feeds = sorted(out.rglob("feed.xml"))
    assert out / "feed.xml" in feeds and len(feeds) > 20
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.bozo_exception}"
        assert parsed.version == "atom10"
        assert parsed.entries, f"{path} has no entries"
        for entry in parsed.entries:
            assert entry.link.startswith(result.config.base_url)
            assert entry.published_parsed and entry.updated_parsed
    site_feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert len(site_feed.entries) == len(result.site.pages)
    dates = [e.published_parsed for e in site_feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_json_feed(built_example):
    import json

    root, result = built_example
    feed = json.loads((root / "public" / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feed["items"]) == len(result.site.pages)
    for item in feed["items"]:
        assert item["url"].startswith(result.config.base_url)
        assert item["content_html"] and item["title"]


def test_sitemap_lists_every_page(built_example):
    root, result = built_example
    out = root / "public"
    tree = etree.parse(str(out / "sitemap.xml"))
    assert tree.getroot().tag == SITEMAP_NS + "urlset"
    locs = {el.text for el in tree.iter(SITEMAP_NS + "loc")}
    base = result.config.base_url
    expected = set()
    for page in html_files(out):
        rel = page.relative_to(out).as_posix()
        if rel in ("404.html", "search/index.html") or rel.startswith("pagefind/"):
            continue  # not pages for search engines
        expected.add(base + rel.removesuffix("index.html"))
    assert locs == expected
    assert (out / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")


def test_page_types_exist(built_example):
    root, result = built_example
    out = root / "public"
    site = result.site
    # Pagination is 5 in the example, so the index and busy tags have several pages.
    assert (out / "page" / "2" / "index.html").is_file()
    for rel in (
        "tags/index.html",
        "people/index.html",
        "organizations/index.html",
        "places/index.html",
        "authors/index.html",
        "sources/index.html",
        "timeline/index.html",
        "404.html",
        "timeline/2025/index.html",
        "timeline/2025/04/index.html",
        "timeline/2025/04/15/index.html",
        "people/marta-lindqvist/feed.xml",
        "tags/baltic-security/feed.xml",
        "static/style.css",
        "stories/index.html",
        "stories.json",
        "stories/baltic-ministers-agree-a-shared-fund-for-sea-floor-surveillance/index.html",
        "stories/baltic-ministers-agree-a-shared-fund-for-sea-floor-surveillance/feed.xml",
    ):
        assert (out / rel).is_file(), rel
    assert len(site.pages) == 17  # fourteen written, three ingested; the draft is left out
    assert site.entities["people"].find("Marta Lindqvist").count == 6


def test_brief_page_content(built_example):
    root, _ = built_example
    html = (root / "public/briefs/2025/04/lindqvist-calls-for-cable-patrols/index.html").read_text()
    tree = parse(root / "public/briefs/2025/04/lindqvist-calls-for-cable-patrols/index.html")
    body = tree.find(".//div[@class='body']")
    entity_links = [a for a in body.iter("a") if "entity" in (a.get("class") or "")]
    hrefs = [a.get("href") for a in entity_links]
    # Each entity is linked once, at its first mention, through the token stream.
    assert hrefs.count("/people/marta-lindqvist/") == 1
    assert "/people/jaan-tamm/" in hrefs and "/places/tallinn/" in hrefs
    assert entity_links[0].text == "Marta Lindqvist"
    assert '<meta property="og:title" content="Lindqvist asks Baltic states' in html
    assert '"@type": "NewsArticle"' in html
    assert '<link rel="canonical" href="https://briefs.example.org/briefs/2025/04/lindqvist' in html
    assert '<time datetime="2025-04-15T11:40:00+03:00">' in html
    related = tree.find(".//aside[@class='related']")
    titles = [a.text for a in related.iter("a")]
    # The brief sharing the most entities comes first.
    assert titles[0] == "Baltic ministers agree a shared fund for sea-floor surveillance"


def test_entity_page_lists_co_occurring(built_example):
    root, _ = built_example
    html = (root / "public/people/marta-lindqvist/index.html").read_text()
    assert "Often with" in html and "/people/jaan-tamm/" in html
    assert "Also written as" in html and "Ms Lindqvist" in html
