"""RSS and Atom feeds: each entry becomes a raw article (its full content when the feed has it)."""

from __future__ import annotations

import calendar
import email.utils
import json
import re
from datetime import UTC, datetime, tzinfo

from brief.errors import BriefError
from brief.ingest.decode import check_size, sha256
from brief.ingest.meta import http_url, outlet_for, parse_byline, parse_date_text
from brief.ingest.model import RawArticle

# A feed entry whose text is shorter than this is a teaser: the linked page is fetched instead.
FULL_TEXT_WORDS = 120


def html_to_text(html: str) -> str:
    """Paragraph text of an HTML fragment; markup is dropped, never kept."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", html)
    for bad in root.xpath("//script|//style|//iframe|//object|//embed|//noscript"):
        bad.drop_tree()
    blocks = []
    for element in root.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote"):
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    if not blocks:
        blocks = [" ".join(root.text_content().split())]
    return "\n\n".join(blocks)


def read_feed(data: bytes, origin: str, zone: tzinfo, fetch=None) -> list[RawArticle | BriefError]:
    import feedparser

    check_size(data, origin)
    try:
        parsed = feedparser.parse(data)
    except (TypeError, ValueError, LookupError, UnicodeError, RecursionError) as error:
        # feedparser fails this way on some broken markup and on made-up encoding names.
        raise BriefError(f"not a readable RSS or Atom feed ({type(error).__name__})", path=origin) from None
    if parsed.bozo and not parsed.entries:
        raise BriefError(f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})", path=origin)
    if not parsed.entries:
        raise BriefError("the feed has no entries", path=origin)
    site_name = parsed.feed.get("title")
    articles: list[RawArticle | BriefError] = []
    for index, entry in enumerate(parsed.entries):
        where = f"{origin}#{index + 1}"
        link = http_url(entry.get("link"))
        content = ""
        if entry.get("content"):
            content = max((c.get("value") or "" for c in entry.content), key=len)
        content = content or entry.get("summary") or ""
        text = html_to_text(content) if "<" in content else content

        def moment(key: str, entry=entry) -> datetime | None:
            # .keys(): feedparser's `in` quietly maps "updated" to "published"; we want each as given.
            value = entry[key] if key in entry.keys() else None  # noqa: SIM118
            if value:
                try:
                    found = email.utils.parsedate_to_datetime(value)  # RSS: RFC 822 with offset
                except (TypeError, ValueError, IndexError):
                    found = parse_date_text(value, None)  # Atom: ISO 8601
                if found and found.tzinfo:
                    return found
            parsed_value = entry[key + "_parsed"] if key + "_parsed" in entry.keys() else None  # noqa: SIM118
            return datetime.fromtimestamp(calendar.timegm(parsed_value), UTC) if parsed_value else None

        if len(text.split()) < FULL_TEXT_WORDS and link and fetch is not None:
            try:
                page = fetch(link)
            except BriefError as error:
                if not text.strip():
                    articles.append(error)
                    continue
            else:
                # A page without a date of its own is dated by its feed entry.
                page.published = page.published or moment("published") or moment("updated")
                page.updated = page.updated or moment("updated")
                articles.append(page)
                continue
        if not text.strip():
            articles.append(BriefError("feed entry has no text and no readable link", path=where))
            continue

        authors: list[str] = []
        for author in entry.get("authors") or []:
            if author.get("name"):
                authors.extend(parse_byline(author["name"]))
        identity = json.dumps(
            {"id": entry.get("id") or link, "title": entry.get("title"), "text": text},
            sort_keys=True,
            ensure_ascii=False,
        ).encode("utf-8")

        articles.append(
            RawArticle(
                origin=where,
                raw_sha256=sha256(identity),
                text=text,
                title=entry.get("title"),
                authors=authors,
                published=moment("published") or moment("updated"),
                updated=moment("updated"),
                outlet=(outlet_for(link) if link else None) or site_name,
                url=link,
                kind="feed",
            )
        )
    return articles
