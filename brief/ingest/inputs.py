"""What a user names (files, folders, URLs, `-`) → units of work → raw articles.

A unit is what one worker reads: a file, a URL, or a run of lines of a JSON Lines export, so
that one large export keeps every worker busy. Units are planned where the run starts; a
worker (this process, a local one, or one on a cluster) reads them.
"""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from brief.config import SiteConfig
from brief.errors import BriefError
from brief.ingest.model import RawArticle
from brief.ingest.readers import JSON_LINES_SUFFIXES, SUPPORTED, json_lines, read_bytes, read_html

# A JSON Lines export is read in runs of this many lines, each a unit of its own.
LINES_PER_RUN = 100
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Unit:
    """One piece of one input. `item` is the input as named (a file, a URL, `-`); a run of a
    JSON Lines file is its bytes [start, end), whose first line is numbered `first_line`."""

    item: str
    articles: int = 1  # how many articles it holds, or about: for chunk sizes and progress
    start: int = 0
    end: int | None = None
    first_line: int = 1
    # The bytes, read where the run started: standard input, or a file shipped to a cluster
    # whose workers do not share this machine's files.
    data: bytes | None = None

    @property
    def is_url(self) -> bool:
        return self.item.startswith(("http://", "https://"))

    def with_data(self) -> Unit:
        """This unit with its bytes read here; as it is when they cannot be (the worker then
        reports the file)."""
        if self.data is not None or self.is_url:
            return self
        try:
            with open(self.item, "rb") as stream:
                stream.seek(self.start)
                data = stream.read() if self.end is None else stream.read(self.end - self.start)
        except OSError:
            return self
        return dataclasses.replace(self, data=data)

    @property
    def last_line(self) -> int:
        return self.first_line + self.articles - 1


def expand(items: list[str]) -> list[str]:
    """Folders become the supported files in them, recursively; everything else stays."""
    expanded: list[str] = []
    for item in items:
        path = Path(item)
        if not item.startswith(("http://", "https://")) and path.is_dir():
            expanded.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED
            )
        else:
            expanded.append(item)
    return expanded


def plan_units(items: list[str]) -> Iterator[Unit]:
    """The units of these inputs, in their order. Standard input is read here: it is this
    process's own."""
    for item in items:
        if item == "-":
            yield Unit("-", data=sys.stdin.buffer.read())
        elif Path(item).suffix.lower() in JSON_LINES_SUFFIXES and Path(item).is_file():
            yield from _line_runs(item)
        else:
            yield Unit(item)


def _line_runs(item: str) -> Iterator[Unit]:
    """A JSON Lines file cut into runs of LINES_PER_RUN lines, by a scan for line ends."""
    start = offset = count = 0
    first_line = 1
    try:
        stream = open(item, "rb")  # noqa: SIM115 (closed below; a file that will not open is the worker's to report)
    except OSError:
        yield Unit(item)
        return
    last = b"\n"
    with stream:
        while block := stream.read(_BLOCK):
            last = block[-1:]
            position = 0
            while (newline := block.find(b"\n", position)) >= 0:
                position = newline + 1
                count += 1
                if count == LINES_PER_RUN:
                    end = offset + position
                    yield Unit(item, count, start, end, first_line)
                    start, first_line, count = end, first_line + count, 0
            offset += len(block)
    if offset > start:  # the lines after the last full run, the last perhaps without its end
        yield Unit(item, count + (last != b"\n"), start, offset, first_line)


def read_unit(unit: Unit, config: SiteConfig) -> list[RawArticle | BriefError]:
    """The unit's articles, or the errors that stopped them."""
    if unit.end is not None:  # a run of JSON Lines
        if unit.data is not None:
            lines: io.BufferedIOBase = io.BytesIO(unit.data)
        else:
            lines = _open_range(unit)
        with lines:
            return list(json_lines(lines, unit.first_line, unit.item, config.input_zone))
    if unit.data is not None:
        origin = "<stdin>" if unit.item == "-" else unit.item
        suffix = Path(unit.item).suffix.lower()
        return _read(unit.data, origin, suffix if suffix in SUPPORTED else _sniff_suffix(unit.data), config)
    return read_input(unit.item, config)


def _open_range(unit: Unit) -> io.BufferedIOBase:
    try:
        with open(unit.item, "rb") as stream:
            stream.seek(unit.start)
            assert unit.end is not None
            return io.BytesIO(stream.read(unit.end - unit.start))
    except OSError as error:
        raise BriefError(f"cannot read: {error.strerror}", path=unit.item) from None


def read_input(item: str, config: SiteConfig) -> list[RawArticle | BriefError]:
    """The articles of one file or URL."""
    if item.startswith(("http://", "https://")):
        from brief.ingest.fetch import fetch

        fetched = fetch(item, typed=True, allow_internal=config.ingest.fetch_private)
        if (
            fetched.content_type
            in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
            or _sniff_suffix(fetched.data) == ".xml"
        ):
            from brief.ingest.feeds import read_feed

            return read_feed(fetched.data, item, config.input_zone, fetch=lambda u: _fetch_page(u, config))
        return [read_html(fetched.data, item, config.input_zone, url=fetched.url)]
    path = Path(item)
    if not path.exists():
        raise BriefError("no such file or folder", path=item, hint="check the path, or pass an http(s) URL")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BriefError(f"cannot read: {error.strerror}", path=item) from None
    suffix = path.suffix.lower() if path.suffix.lower() in SUPPORTED else _sniff_suffix(data)
    return _read(data, item, suffix, config)


def _read(data: bytes, origin: str, suffix: str, config: SiteConfig) -> list[RawArticle | BriefError]:
    if suffix in (".xml", ".rss", ".atom"):
        from brief.ingest.feeds import read_feed

        return read_feed(data, origin, config.input_zone, fetch=lambda u: _fetch_page(u, config))
    return read_bytes(data, origin, suffix, config.input_zone)  # type: ignore[return-value]


def _sniff_suffix(data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if head.startswith((b"{", b"[")):
        return ".json"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return ".xml"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        return ".html"
    return ".txt"


def _fetch_page(url: str, config: SiteConfig) -> RawArticle:
    """A page linked from a feed entry: a link found in content, never trusted with internal hosts."""
    from brief.ingest.fetch import fetch

    fetched = fetch(url, allow_internal=config.ingest.fetch_private)
    return read_html(fetched.data, url, config.input_zone, url=fetched.url)
