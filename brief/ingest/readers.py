"""Readers: raw bytes of each supported format → RawArticle(s). No cleaning here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

from brief.clocks import home_zone
from brief.errors import BriefError, quote
from brief.ingest.decode import check_size, decode, repair, sha256
from brief.ingest.meta import (
    byline_outlet,
    dates_from_line,
    http_url,
    in_home_zone,
    is_date_line,
    outlet_for,
    outlet_from_domain,
    parse_byline,
    parse_date_text,
    parse_page_date,
)
from brief.ingest.model import RawArticle

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES


def read_bytes(
    data: bytes, origin: str, suffix: str, zone: tzinfo, url: str | None = None
) -> list[RawArticle]:
    """Dispatch on the file's kind; a feed or JSON Lines file may hold many articles."""
    suffix = suffix.lower()
    if suffix in HTML_SUFFIXES:
        return [read_html(data, origin, zone, url)]
    if suffix in JSON_SUFFIXES:
        return list(read_json(data, origin, zone))
    if suffix in FEED_SUFFIXES:
        from brief.ingest.feeds import read_feed

        return read_feed(data, origin, zone)
    if suffix in TEXT_SUFFIXES:
        return [read_text(data, origin, zone)]
    raise BriefError(
        f"unsupported file type {suffix or '(none)'}",
        path=origin,
        hint="brief reads " + ", ".join(sorted(SUPPORTED)),
    )


# --- plain-text scrapes -------------------------------------------------------------------

# "By Jane Doe", "By: Jane Doe", and as a copy of a page can give it, "ByJane Doe" (the name
# was a link) or "By :" with the name on the next line.
_BYLINE_LINE = re.compile(r"^\s*(?:(?:Written|Words|Story|Text) )?[Bb]y(?:\b[\s.:]+\S|(?=[A-Z]))")
_BYLINE_ALONE = re.compile(r"^\s*(?:(?:Written|Words|Story|Text) )?[Bb]y\s*:?\s*$")
# "By Ela on 31. October, 2023 | 18 Comments", "By Luke Kemp 11 February 2020": byline and date
# in one line; "October 19, 2019 by IWB" the other way round.
_BYLINE_DATE = re.compile(
    r"^(?P<byline>(?:(?:Written|Words) )?By\b.*?)(?:\s+(?:on|\||·|-|,))?\s+(?P<date>(?:\w+day,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\.?\s+[A-Z][a-z]+|[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b).*\d{4}.*)$",
    re.I,
)
_DATE_BYLINE = re.compile(r"^(?P<date>.*\d{4}.*?)\s+by\s+(?P<byline>[A-Z].{0,60})$")
_DATELINE = re.compile(r"^\s*(published|posted|updated|last updated|first published)\b", re.I)
_DATELINE_HEAD = re.compile(
    r"^(?:[^|]*?\b(?:published|posted|updated)\b[^|]*?\b\d{4}\b[\s.]*(?:\|[\s.]*)?)+", re.I
)
_READ_MORE = re.compile(r"^\s*read more (?:at|on)\s+(?P<site>[\w.-]+\.[a-z]{2,})", re.I)
# The Daily Mail header on one line:
# "By . Name . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: ..."
_INLINE_HEADER = re.compile(
    r"^By\s*\.\s*(?P<byline>.+?(?:\s+\.\s+and\s+.+?)*)\s+\.\s+"
    r"(?P<dates>(?:(?:PUBLISHED|UPDATED|Last updated)\b.*?\d{4}\s*\.\s*(?:\|\s*\.\s*)?)*)"
)


def read_text(data: bytes, origin: str, zone: tzinfo) -> RawArticle:
    text = decode(data, origin)
    article = RawArticle(origin=origin, raw_sha256=sha256(data), text="", kind="text")
    lines = text.split("\n")
    dropped: set[int] = set()
    content_lines = [i for i, ln in enumerate(lines) if ln.strip()]
    # Bylines and datelines live at the top of the article: the first lines of a scrape of the
    # article alone, or the lines just before its body in a copy of the whole page, whose first
    # lines are the site's menus.
    body_start = _body_start([lines[i].strip() for i in content_lines])
    head_positions = set(range(HEAD_LINES)) | set(range(max(0, body_start - HEAD_LINES), body_start))
    for position, index in enumerate(content_lines):
        line = lines[index].strip()
        in_head = position in head_positions
        if (
            in_head
            and not article.authors
            and _BYLINE_ALONE.match(line)
            and position + 1 < len(content_lines)
        ):
            line = "By " + lines[content_lines[position + 1]].strip()  # the name is on the next line
            dropped.add(content_lines[position + 1])
        # A byline with its date: a short line of its own, never the start of a paragraph.
        combined = (
            (_BYLINE_DATE.match(line) or _DATE_BYLINE.match(line)) if in_head and len(line) < 120 else None
        )
        if combined and not article.authors and parse_date_text(combined.group("date"), zone):
            article.authors = parse_byline(combined.group("byline"))
            article.published = article.published or parse_date_text(combined.group("date"), zone)
        elif in_head and _BYLINE_LINE.match(line) and not article.authors and len(line) < 120:
            line = re.sub(r"^\s*(?:(?:Written|Words|Story|Text) )?[Bb]y(?=[A-Z])", "By ", line)
            line = re.sub(r"^\s*(?:Written|Words|Story|Text) by\b", "By", line, flags=re.I)
            article.authors = parse_byline(line)
            article.outlet = article.outlet or byline_outlet(line)
        elif in_head and (_DATELINE.match(line) or is_date_line(line)):
            # A dateline may run straight into the text ("Last updated at 3:31 PM on 19th July
            # 2011 . Cheaper farmland..."): only the part up to its last year is metadata.
            head = _DATELINE_HEAD.match(line)
            dateline, rest = (line[: head.end()], line[head.end() :]) if head else (line, "")
            published, updated = dates_from_line(dateline, zone)
            if published is None and updated is None and not _DATELINE.match(dateline):
                published = parse_date_text(dateline, zone)  # a bare date: the first is the published one
            article.published = article.published or published or updated
            article.updated = article.updated or updated
            if rest.strip(" .|"):
                lines[index] = rest.strip(" .|")
                continue
        elif match := _READ_MORE.match(line):
            article.outlet = article.outlet or outlet_from_domain("https://" + match.group("site"))
        else:
            continue
        dropped.add(index)
    # "\n:\nHeadline" near the end: the syndication page's title block.
    remaining = [i for i in content_lines if i not in dropped]
    for k in range(len(remaining) - 2, max(-1, len(remaining) - 9), -1):
        if lines[remaining[k]].strip() == ":":
            article.title = lines[remaining[k + 1]].strip()
            dropped.update((remaining[k], remaining[k + 1]))
            break
    if not article.title and body_start:
        found = _headline(content_lines, lines, dropped, body_start)
        if found is not None:
            article.title = lines[found].strip()
            # What comes before the headline is the site around the article: menus, banners.
            dropped.update(i for i in content_lines if i <= found)
    kept = [ln for i, ln in enumerate(lines) if i not in dropped]
    text = "\n".join(kept)
    inline = _INLINE_HEADER.match(text.lstrip())
    if inline and not article.authors:
        article.authors = parse_byline(inline.group("byline"))
        if inline.group("dates"):
            published, updated = dates_from_line(
                re.sub(r"\s*\.\s*\|\s*\.\s*", " | ", inline.group("dates")), zone
            )
            article.published = article.published or published or updated
            article.updated = article.updated or updated
        text = text.lstrip()[inline.end() :]
        text = re.sub(r"\s+\.\s+(?=[A-Z‘“'\"])", ".\n\n", text) if text.count("\n") < 2 else text
    article.text = text
    if not article.title:
        article.title = _first_line_title(text)
    return article


HEAD_LINES = 12  # how far above the body a headline, byline or dateline may be


def _sentence_like(line: str) -> bool:
    from brief.ingest.clean import ends_sentence

    return len(line.split()) >= 12 and ends_sentence(line)


def _body_start(lines: list[str]) -> int:
    """Where the article's text begins: the first line of prose (a dozen words or more, ending
    like a sentence) followed closely by another. Menus, headlines and captions are not prose,
    so in a copy of a whole page this skips the site's header."""
    for position, line in enumerate(lines):
        if _sentence_like(line) and any(
            _sentence_like(other) for other in lines[position + 1 : position + 4]
        ):
            return position
    return 0


def _headline(content_lines: list[int], lines: list[str], dropped: set[int], body_start: int) -> int | None:
    """The headline above the body: the longest line there that is not prose, a byline, a
    date, nor boilerplate, of 3 to 30 words (menu entries are shorter; captions end in a full
    stop)."""
    from brief.ingest.clean import boilerplate_pattern

    noise = boilerplate_pattern()
    window = content_lines[max(0, body_start - HEAD_LINES) : body_start]
    best, best_score = None, (False, 0)
    for position, index in enumerate(window):
        line = lines[index].strip()
        words = len(line.split())
        if (
            index in dropped
            or not 3 <= words <= 30
            or line.endswith((".", ",", ";", ":"))
            or _BYLINE_LINE.match(line)
            or is_date_line(line)
            or noise.fullmatch(line)
            or re.search(r"[›»]", line)  # a breadcrumb trail
        ):
            continue
        # A headline is followed by its byline or its date; a menu or share bar is not.
        following = [lines[i].strip() for i in window[position + 1 : position + 4]] + [""]
        credited = any(
            i in dropped
            or _BYLINE_LINE.match(f)
            or _BYLINE_ALONE.match(f)
            or is_date_line(f)
            or _DATE_BYLINE.match(f)
            for i, f in zip(window[position + 1 : position + 4], following, strict=False)
        )
        score = (credited, words)
        if score > best_score:
            best, best_score = index, score
    return best


def _first_line_title(text: str) -> str | None:
    from brief.ingest.clean import boilerplate_pattern

    noise = boilerplate_pattern()
    for line in text.split("\n"):
        line = line.strip()
        if line and not noise.fullmatch(line):
            if len(line.split()) <= 20 and not line.endswith((".", ",", ";")):
                return line
            return None
    return None


# --- saved web pages ----------------------------------------------------------------------

_META_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publication_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
)
_META_UPDATED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dc.date.modified",
    "modified_time",
)


def _html_dates(tree, zone: tzinfo, date_zone: tzinfo | None) -> tuple[datetime | None, datetime | None]:
    """Published and updated time with their offset, from meta tags and JSON-LD."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key and meta.get("content") and key not in metas:
            metas[key] = meta.get("content")
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for key, value in re.findall(r'"(datePublished|dateModified)"\s*:\s*"([^"]+)"', script.text):
                metas.setdefault(key.lower(), value)
    for element in tree.iter("time"):
        if element.get("datetime") and (
            "pubdate" in element.attrib or "published" in (element.get("class") or "")
        ):
            metas.setdefault("pubdate", element.get("datetime"))

    def first(keys: tuple[str, ...]) -> datetime | None:
        for key in keys:
            if key in metas:
                moment = parse_page_date(metas[key], zone, date_zone)
                if moment is not None:
                    return moment
        return None

    return first(_META_DATE_KEYS), first(_META_UPDATED_KEYS)


# Deeper than any real page's layout. libxml2 drops everything below 2,048 levels (256 without
# huge_tree) and says so only in its error log.
MAX_DEPTH = 200
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def parse_html(text: str, origin: str) -> Any:
    """The page's tree, parsed once for trafilatura and for our own metadata. Bytes in UTF-8
    with the encoding given, so that an XHTML page's `<?xml ... encoding=...?>` line is no
    obstacle. Comments and processing instructions go, as trafilatura's own loader drops them."""
    import lxml.html

    def parse(markup: str) -> tuple[Any, bool]:
        parser = lxml.html.HTMLParser(
            encoding="utf-8",
            huge_tree=True,
            collect_ids=False,
            default_doctype=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
        except (ValueError, lxml.etree.ParserError):
            raise BriefError("not an HTML page", path=origin) from None
        return tree, any("Excessive depth" in entry.message for entry in parser.error_log)

    tree, too_deep = parse(text)
    if too_deep:
        tree, _ = parse(flatten_deep_nesting(text))
    return tree


def flatten_deep_nesting(markup: str) -> str:
    """The markup again, without the tags of elements nested deeper than MAX_DEPTH: their text
    and the elements inside them are kept. Read with the standard library's tokenizer, which
    has no depth limit."""
    import html.parser

    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    depth = [0]  # how many elements of the stack are kept

    class Flatten(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            raw = self.get_starttag_text() or ""
            if tag in _VOID:
                out.append(raw)
                return
            kept = depth[0] < MAX_DEPTH
            if kept:
                out.append(raw)
                depth[0] += 1
            stack.append((tag, kept))

        def handle_startendtag(self, tag: str, attrs: list) -> None:
            out.append(self.get_starttag_text() or "")

        def handle_endtag(self, tag: str) -> None:
            # A close tag matches one of the innermost open elements, or none (and is dropped);
            # looking no further keeps a page of stray close tags linear.
            for index in range(len(stack) - 1, max(-1, len(stack) - 65), -1):
                if stack[index][0] == tag:
                    for name, kept in reversed(stack[index:]):
                        if kept:
                            out.append(f"</{name}>")
                            depth[0] -= 1
                    del stack[index:]
                    return

        def handle_data(self, data: str) -> None:
            out.append(data)

        def handle_entityref(self, name: str) -> None:
            out.append(f"&{name};")

        def handle_charref(self, name: str) -> None:
            out.append(f"&#{name};")

        def handle_decl(self, decl: str) -> None:
            out.append(f"<!{decl}>")

    reader = Flatten(convert_charrefs=False)
    reader.feed(markup)
    reader.close()
    return "".join(out)


def canonical_url(tree: Any, fetched_from: str | None) -> str | None:
    """The address the page gives for itself (<link rel=canonical>, else og:url), made absolute
    against the address it was fetched from. A mirror, a proxy or a local test server serves the
    page from elsewhere; the canonical address is what identifies the article."""
    from urllib.parse import urljoin

    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            try:
                candidate = urljoin(fetched_from or "", str(value).strip())
            except ValueError:  # a malformed address, such as http://[bad/
                continue
            if http_url(candidate):
                return candidate
    return None


def read_html(data: bytes, origin: str, zone: tzinfo, url: str | None = None) -> RawArticle:
    check_size(data, origin)
    import trafilatura

    tree = parse_html(decode(data, origin, repair=False), origin)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        # No extensive search: a page without a clear date must get none, never a guess.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise BriefError(
            "no article text found in the page",
            path=origin,
            hint="save the article's own page, not a list or a login page",
        )
    page_url = canonical_url(tree, url) or url or document.url
    date_zone = home_zone(page_url)
    published, updated = _html_dates(tree, zone, date_zone)
    if published is None and document.date:
        published = parse_page_date(document.date, zone, date_zone)
    if published is None and tree.find(".//article") is not None:
        # An <article> page with no date in its metadata: let htmldate look through the text.
        # Not for other pages, where such a search finds copyright years and calendar widgets.
        from htmldate import find_date

        found = find_date(tree, url=url, extensive_search=True, original_date=True)
        published = parse_page_date(found, zone, date_zone) if found else None
    if page_url:
        published, updated = in_home_zone(published, page_url), in_home_zone(updated, page_url)
    outlet = None
    if page_url:
        outlet = outlet_for(page_url)
    if not outlet and document.sitename and "." not in document.sitename:
        outlet = document.sitename
    if not outlet and page_url:
        outlet = outlet_from_domain(page_url)
    authors = []
    if document.author:
        for name in re.split(r";|\band\b", repair(document.author)):
            authors.extend(parse_byline(name))
    body = repair(document.text).replace("\n", "\n\n")
    return RawArticle(
        origin=origin,
        raw_sha256=sha256(data),
        text=body,
        title=repair(document.title) if document.title else None,
        authors=authors,
        published=published,
        updated=updated,
        outlet=outlet,
        url=http_url(page_url),
        kind="html",
    )


# --- JSON and JSON Lines records ------------------------------------------------------------

_TEXT_KEYS = ("text", "body", "content", "article", "content_text", "description")
_TITLE_KEYS = ("title", "headline", "name")
_DATE_KEYS = (
    "date",
    "published",
    "published_at",
    "publishedAt",
    "pubDate",
    "date_published",
    "datetime",
    "time",
)
_UPDATED_KEYS = ("updated", "updated_at", "modified", "date_modified", "dateModified")
_URL_KEYS = ("url", "link", "source_url", "href")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_OUTLET_KEYS = ("outlet", "source", "site_name", "sitename", "publisher", "site")


def _first_key(record: dict, keys: tuple[str, ...]):
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def record_to_article(record: object, origin: str, raw: bytes, zone: tzinfo) -> RawArticle:
    if not isinstance(record, dict):
        raise BriefError("a JSON record must be an object with title and text fields", path=origin)
    text = _first_key(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        raise BriefError(
            "no article text found", path=origin, hint="give each record a `text` or `body` field"
        )
    if "<" in text and re.search(r"</?(p|div|br|span|a)\b", text, re.I):
        from brief.ingest.feeds import html_to_text

        text = html_to_text(text)
    title = _first_key(record, _TITLE_KEYS)
    url_value = _first_key(record, _URL_KEYS)
    url = http_url(url_value)
    if url is None and isinstance(url_value, str) and url_value.startswith(("http://", "https://")):
        raise BriefError(
            f"url: not a valid address: {quote(url_value)}", path=origin, hint="fix the record's url"
        )
    authors_value = _first_key(record, _AUTHOR_KEYS)
    authors: list[str] = []
    if isinstance(authors_value, str):
        authors = parse_byline(authors_value)
    elif isinstance(authors_value, list):
        for item in authors_value:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str):
                authors.extend(parse_byline(name))
    elif isinstance(authors_value, dict) and isinstance(authors_value.get("name"), str):
        authors = parse_byline(authors_value["name"])

    def moment(keys: tuple[str, ...]) -> datetime | None:
        value = _first_key(record, keys)
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 4e10:
            from datetime import UTC

            return datetime.fromtimestamp(value, UTC)
        return parse_date_text(value, zone) if isinstance(value, str) else None

    outlet = _first_key(record, _OUTLET_KEYS)
    if isinstance(outlet, dict):
        outlet = outlet.get("name")
    if not isinstance(outlet, str):
        outlet = outlet_for(url) if url else None
    return RawArticle(
        origin=origin,
        raw_sha256=sha256(raw),
        text=text,
        title=title if isinstance(title, str) else None,
        authors=authors,
        published=moment(_DATE_KEYS),
        updated=moment(_UPDATED_KEYS),
        outlet=outlet,
        url=url,
        kind="json",
    )


def read_json(data: bytes, origin: str, zone: tzinfo) -> Iterator[RawArticle | BriefError]:
    """One article per record. JSON Lines errors name the line; a bad record does not stop the rest."""
    text = decode(data, origin).strip()
    if not text.startswith(("[", "{")) and "\n" not in text:
        raise BriefError("not JSON", path=origin, line=1)
    try:
        document = json.loads(text)
    except RecursionError:
        raise BriefError("JSON nested too deeply to be an article", path=origin) from None
    except json.JSONDecodeError as error:
        if "\n" in text and text.lstrip().startswith("{"):
            yield from _read_json_lines(text, origin, zone)
            return
        raise BriefError(f"invalid JSON: {error.msg}", path=origin, line=error.lineno) from None
    records = (
        document
        if isinstance(document, list)
        else document.get("items") or document.get("articles")
        if isinstance(document, dict) and isinstance(document.get("items") or document.get("articles"), list)
        else [document]
    )
    for index, record in enumerate(records):
        where = f"{origin}[{index}]" if len(records) > 1 else origin
        raw = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
        try:
            yield record_to_article(record, where, raw, zone)
        except BriefError as error:
            yield error


JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}


def json_lines(
    lines: Iterable[bytes], first_line: int, origin: str, zone: tzinfo
) -> Iterator[RawArticle | BriefError]:
    """Records of a JSON Lines export, or of a run of its lines starting at `first_line`: the
    10 MB cap applies to each record, and a bad record is an error for its line only."""
    from brief.ingest.decode import MAX_BYTES

    for number, raw_line in enumerate(lines, start=first_line):
        if len(raw_line) > MAX_BYTES:
            yield BriefError(
                f"record too large ({len(raw_line) // 1024 // 1024} MB, the limit is 10 MB)",
                path=origin,
                line=number,
            )
            continue
        if not raw_line.strip():
            continue
        try:
            line = decode(raw_line, origin).strip()
        except BriefError as error:
            yield BriefError(error.message, path=origin, line=number, hint=error.hint)
            continue
        yield from _json_line(line, number, origin, zone)


def _json_line(line: str, number: int, origin: str, zone: tzinfo) -> Iterator[RawArticle | BriefError]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        yield BriefError(f"invalid JSON: {error.msg}", path=origin, line=number)
        return
    except RecursionError:
        yield BriefError("JSON nested too deeply to be an article", path=origin, line=number)
        return
    try:
        yield record_to_article(record, f"{origin}:{number}", line.encode("utf-8"), zone)
    except BriefError as error:
        yield BriefError(error.message, path=origin, line=number, hint=error.hint)


def _read_json_lines(text: str, origin: str, zone: tzinfo) -> Iterator[RawArticle | BriefError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield from _json_line(line, number, origin, zone)
