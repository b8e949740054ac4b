"""Read content/briefs/**/*.md into validated Brief objects."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, Protocol

from brief.content.frontmatter import split_front_matter
from brief.errors import BriefError, BuildErrors, quote
from brief.model import ENTITY_KINDS, Brief, EntityRef, Source
from brief.slugs import slugify
from brief.yamlfile import line_of, parse_yaml


class ParsedBriefs(Protocol):
    """Briefs parsed before, by path and file hash (the build cache is one)."""

    def get(self, rel_path: str, digest: str | None) -> Brief | None: ...

    def put(self, rel_path: str, digest: str | None, brief: Brief) -> None: ...


KNOWN_KEYS = {
    "title",
    "slug",
    "date",
    "updated",
    "authors",
    "source",
    "tags",
    "entities",
    "summary",
    "draft",
    "raw_sha256",
    "ingest_sha256",
    "duplicate_of",
}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Control characters have no meaning in news text and make HTML and XML invalid.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_HINT = "use ISO 8601, such as 2025-04-11T07:45:00+01:00 or 2025-04-11"


class _Fields:
    """Typed access to one brief's front-matter; every failure names file, line and field."""

    def __init__(self, data: dict[str, Any], yaml_text: str, path: str) -> None:
        self.data, self.yaml_text, self.path = data, yaml_text, path

    def fail(self, keys: tuple[str | int, ...], message: str, hint: str | None = None) -> BriefError:
        field = ".".join(str(k) for k in keys)
        line = line_of(self.yaml_text, keys, first_line=2)
        return BriefError(message, path=self.path, line=line, field=field, hint=hint)

    def text(self, value: Any, keys: tuple[str | int, ...], required: bool = False) -> str | None:
        if value is None:
            if required:
                raise self.fail(keys, "is required", hint="add it to the front-matter")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(keys, f"expected text, got {type(value).__name__}")
        text = _CONTROL.sub("", str(value)).strip()
        if required and not text:
            raise self.fail(keys, "must not be empty")
        return text

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail((key,), "expected a list of names", hint=f"write {key}: [one, two]")
        items = []
        for index, item in enumerate(value):
            text = self.text(item, (key, index))
            if text and text not in items:
                items.append(text)
        return tuple(items)

    def moment(self, key: str, zone: tzinfo, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail((key,), "is required", hint=DATE_HINT)
            return None
        if not isinstance(value, str):
            raise self.fail((key,), f"expected a date, got {quote(value)}", hint=DATE_HINT)
        try:
            return parse_moment(value, zone)
        except ValueError:
            raise self.fail((key,), f"not a valid date: {quote(value)}", hint=DATE_HINT) from None


def parse_moment(value: str, zone: tzinfo) -> datetime:
    """An ISO 8601 date or date-time; naive ones are in the site's time zone."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=zone)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def parse_brief(text: str, rel_path: str, zone: tzinfo) -> Brief:
    """Validate one brief file's text; raise BriefError at the first problem."""
    yaml_text, body, body_line = split_front_matter(text, rel_path)
    data = parse_yaml(yaml_text, rel_path, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BriefError(
            "front-matter must be a mapping of keys to values",
            path=rel_path,
            line=2,
            hint="write one `key: value` per line",
        )
    fields = _Fields(data, yaml_text, rel_path)
    for key in data:
        if not isinstance(key, str):
            raise fields.fail((key,), "keys must be text")

    title = fields.text(data.get("title"), ("title",), required=True)
    slug_text = fields.text(data.get("slug"), ("slug",))
    slug = slugify(slug_text or Path(rel_path).stem)
    published = fields.moment("date", zone, required=True)
    updated = fields.moment("updated", zone)
    if updated is not None and published is not None and updated < published:
        raise fields.fail(("updated",), "is before date", hint="updated must not precede date")

    draft = data.get("draft", False)
    if draft is None:
        draft = False
    if not isinstance(draft, bool):
        raise fields.fail(("draft",), f"expected true or false, got {quote(draft)}")

    duplicate_of = fields.text(data.get("duplicate_of"), ("duplicate_of",))
    raw_sha = fields.text(data.get("raw_sha256"), ("raw_sha256",))
    if raw_sha is not None and not _SHA256.match(raw_sha):
        raise fields.fail(("raw_sha256",), "expected 64 lowercase hex digits")

    return Brief(
        source_path=rel_path,
        slug=slug,
        title=title or "",
        date=published,  # type: ignore[arg-type]
        updated=updated,
        body=_CONTROL.sub("", body),
        body_line=body_line,
        authors=fields.text_list("authors"),
        source=_source(fields),
        tags=fields.text_list("tags"),
        entities=_entities(fields),
        summary=fields.text(data.get("summary"), ("summary",)) or "",
        draft=draft,
        raw_sha256=raw_sha,
        duplicate_of=slugify(duplicate_of) if duplicate_of else None,
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta_hash=hashlib.sha256(f"{rel_path}\0{yaml_text}".encode()).hexdigest(),
    )


def _source(fields: _Fields) -> Source:
    value = fields.data.get("source")
    if value is None:
        return Source()
    if isinstance(value, str):
        return Source(name=value.strip() or None)
    if not isinstance(value, dict):
        raise fields.fail(("source",), "expected an outlet name or a mapping with name and url")
    unknown = set(value) - {"name", "url"}
    if unknown:
        raise fields.fail(
            ("source", sorted(map(str, unknown))[0]), "unknown key", hint="source takes name and url"
        )
    url = fields.text(value.get("url"), ("source", "url"))
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise fields.fail(("source", "url"), f"expected an http(s) URL, got {quote(url)}")
    return Source(name=fields.text(value.get("name"), ("source", "name")), url=url)


def _entities(fields: _Fields) -> tuple[EntityRef, ...]:
    value = fields.data.get("entities")
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise fields.fail(
            ("entities",),
            "expected a mapping",
            hint="entities: {people: [...], organizations: [...], places: [...]}",
        )
    refs: list[EntityRef] = []
    for kind, items in value.items():
        if kind not in ENTITY_KINDS:
            raise fields.fail(
                ("entities", kind), "unknown entity kind", hint="use people, organizations or places"
            )
        if items is None:
            continue
        if not isinstance(items, list):
            raise fields.fail(("entities", kind), "expected a list of entities")
        seen: set[str] = set()
        for index, item in enumerate(items):
            ref = _entity(fields, kind, index, item)
            if ref.name.casefold() not in seen:
                seen.add(ref.name.casefold())
                refs.append(ref)
    return tuple(refs)


def _entity(fields: _Fields, kind: str, index: int, item: Any) -> EntityRef:
    keys: tuple[str | int, ...] = ("entities", kind, index)
    if not isinstance(item, dict):
        name = fields.text(item, keys, required=True)
        return EntityRef(kind=kind, name=name or "")
    unknown = set(item) - {"name", "aliases", "mentions"}
    if unknown:
        raise fields.fail(
            (*keys, sorted(map(str, unknown))[0]),
            "unknown key",
            hint="an entity takes name, aliases and mentions",
        )
    name = fields.text(item.get("name"), (*keys, "name"), required=True) or ""
    aliases_value = item.get("aliases") or []
    if isinstance(aliases_value, str):
        aliases_value = [aliases_value]
    if not isinstance(aliases_value, list):
        raise fields.fail((*keys, "aliases"), "expected a list of names")
    aliases = []
    for alias_index, alias in enumerate(aliases_value):
        text = fields.text(alias, (*keys, "aliases", alias_index))
        if text and text != name and text not in aliases:
            aliases.append(text)
    mentions = item.get("mentions")
    if mentions is not None and (isinstance(mentions, bool) or not isinstance(mentions, int) or mentions < 0):
        raise fields.fail((*keys, "mentions"), f"expected a whole number, got {quote(mentions)}")
    return EntityRef(kind=kind, name=name, aliases=tuple(aliases), mentions=mentions)


def relative(path: str | Path, root: Path) -> str:
    """`path` as written in messages: relative to the site, with forward slashes.

    String slicing, not Path.relative_to: this runs for every brief of every build."""
    text, prefix = str(path), str(root).rstrip("/") + "/"
    return text[len(prefix) :].replace("\\", "/") if text.startswith(prefix) else text


def brief_files(briefs_dir: Path) -> list[Path]:
    """Every brief file, in path order; editor droppings and ingest's .incoming files skipped."""
    return [Path(name) for name in brief_names(briefs_dir)]


def brief_names(briefs_dir: Path) -> list[str]:
    """brief_files as strings: a build that finds nothing changed makes no Path (10,000 take 0.04 s).

    os.scandir rather than Path.rglob: every build lists every brief, and scandir's entries
    know their type without a stat each (0.24 s against 0.03 s for 10,000 briefs)."""
    found: list[str] = []
    if briefs_dir.is_dir():
        _find_briefs(str(briefs_dir), found)
    return found


def _find_briefs(folder: str, found: list[str]) -> None:
    """Each folder's entries sorted by name, a subfolder's files at its place: the order of Paths,
    part by part, without sorting 10,000 split paths."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        name = entry.name
        if entry.is_dir():
            _find_briefs(entry.path, found)
        elif (
            name.endswith(".md")
            and not name.startswith(".")
            and not name.endswith(".incoming.md")
            and entry.is_file()
        ):
            found.append(entry.path)


def read_brief(path: Path, root: Path, zone: tzinfo) -> Brief:
    return read_brief_file(path, root, zone)[0]


def read_brief_file(path: Path, root: Path, zone: tzinfo) -> tuple[Brief, str]:
    """A brief, and the SHA-256 of the bytes it was parsed from: a build records the file as
    it read it, even when an editor saved it again after the build hashed it."""
    rel_path = relative(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BriefError(f"cannot read: {exc.strerror}", path=rel_path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BriefError("not valid UTF-8", path=rel_path, line=line, hint="save the file as UTF-8") from None
    return parse_brief(text, rel_path, zone), hashlib.sha256(data).hexdigest()


def load_briefs(
    paths: Iterable[Path],
    root: Path,
    zone: tzinfo,
    cache: ParsedBriefs | None = None,
    digests: dict[str, str | None] | None = None,
) -> list[Brief]:
    """Read every brief, collecting all errors so a user can fix them in one go.

    With a cache, briefs whose file has not changed since the last build are not parsed again.
    """
    briefs: list[Brief] = []
    errors: list[BriefError] = []
    by_slug: dict[str, Brief] = {}
    for path in paths:
        rel_path = relative(path, root)
        digest = digests.get(str(path)) if digests is not None else None
        brief = cache.get(rel_path, digest) if cache is not None else None
        if brief is None:
            try:
                brief, read_as = read_brief_file(path, root, zone)
            except BriefError as error:
                errors.append(error)
                continue
            if cache is not None:
                cache.put(rel_path, read_as, brief)
        other = by_slug.get(brief.slug)
        if other is not None:
            errors.append(
                BriefError(
                    f"duplicate slug {quote(brief.slug)}, also used by {other.source_path}",
                    path=brief.source_path,
                    line=1,
                    field="slug",
                    hint="rename one file or set a distinct `slug:` in its front-matter",
                )
            )
            continue
        by_slug[brief.slug] = brief
        briefs.append(brief)
    if errors:
        raise BuildErrors(errors)
    return briefs
