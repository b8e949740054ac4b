"""`brief check`: verify a built site the way a reader's browser and feed reader would meet it.

Every internal link and #anchor resolves to a file of the output; no page is empty; no page
repeats an id; feeds and the sitemap are well-formed XML (JSON for JSON Feed) with the parts
readers need. Problems are listed as `file: what`, one per line.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.text = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text += len(data.strip())


@dataclass
class CheckReport:
    pages: int = 0
    links: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verdict = "no problems" if not self.problems else f"{len(self.problems)} problem(s)"
        return f"checked {self.pages} pages and {self.links} internal links: {verdict}"


def check_output(output: Path, base_path: str = "/") -> CheckReport:
    report = CheckReport()
    pages: dict[Path, _PageParser] = {}
    for path in sorted(output.rglob("*.html")):
        parser = _PageParser()
        try:
            parser.feed(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError) as error:
            report.problems.append(f"{path.relative_to(output)}: cannot read ({error})")
            continue
        pages[path] = parser
    report.pages = len(pages)
    for path, parser in pages.items():
        rel = path.relative_to(output).as_posix()
        if parser.text == 0:
            report.problems.append(f"{rel}: the page has no text")
        seen: set[str] = set()
        for ident in parser.ids:
            if ident in seen:
                report.problems.append(f"{rel}: duplicate id {ident!r}")
            seen.add(ident)
        for link in parser.links:
            problem = _check_link(output, path, link, base_path, pages)
            if problem is not None:
                report.problems.append(f"{rel}: {problem}")
            elif not urlsplit(link).scheme and not link.startswith("//"):
                report.links += 1
    for feed in sorted(output.rglob("feed.xml")):
        report.problems.extend(f"{feed.relative_to(output)}: {p}" for p in _check_atom(feed))
    json_feed = output / "feed.json"
    if json_feed.exists():
        report.problems.extend(f"feed.json: {p}" for p in _check_json_feed(json_feed))
    sitemap = output / "sitemap.xml"
    if sitemap.exists():
        report.problems.extend(f"sitemap.xml: {p}" for p in _check_sitemap(sitemap, output, base_path))
    return report


def _check_link(output: Path, page: Path, link: str, base_path: str, pages: dict) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or link.startswith("//") or link.startswith(("mailto:", "tel:")):
        return None
    path = unquote(parts.path)
    if not path:
        target = page
    else:
        if path.startswith("/"):
            if not path.startswith(base_path):
                return f"link {link} is outside the site's base path {base_path}"
            resolved = path[len(base_path) :]
        else:
            resolved = posixpath.normpath(posixpath.join(page.parent.relative_to(output).as_posix(), path))
        target = output / resolved
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return f"broken link {link}"
    if parts.fragment and target.suffix == ".html":
        parser = pages.get(target)
        if parser is not None and parts.fragment not in parser.ids:
            return f"missing anchor #{parts.fragment} in {link}"
    return None


def _check_atom(path: Path) -> list[str]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        return [f"not well-formed XML ({error})"]
    problems = []
    if root.tag != ATOM + "feed":
        return ["not an Atom feed"]
    for name in ("id", "title", "updated"):
        if root.find(ATOM + name) is None:
            problems.append(f"the feed has no <{name}>")
    for index, entry in enumerate(root.findall(ATOM + "entry"), start=1):
        for name in ("id", "title", "updated"):
            if entry.find(ATOM + name) is None:
                problems.append(f"entry {index} has no <{name}>")
    return problems


def _check_json_feed(path: Path) -> list[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        return [f"not valid JSON ({error})"]
    if not isinstance(document, dict) or "items" not in document or "version" not in document:
        return ["not a JSON Feed (no version or items)"]
    return [f"item {i} has no id" for i, item in enumerate(document["items"], 1) if "id" not in item]


def _check_sitemap(path: Path, output: Path, base_path: str) -> list[str]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        return [f"not well-formed XML ({error})"]
    problems = []
    for loc in root.iter(SITEMAP + "loc"):
        url_path = urlsplit(loc.text or "").path
        rel = url_path[len(base_path) :] if url_path.startswith(base_path) else url_path.lstrip("/")
        target = output / rel
        if url_path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"lists {loc.text}, which is not in the output")
    return problems
