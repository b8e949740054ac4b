"""Briefs on disk from annotated articles: idempotent, atomic, and never over a person's edits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

import yaml

from brief.clocks import on_clock
from brief.content.frontmatter import split_front_matter
from brief.content.load import brief_files
from brief.errors import BriefError
from brief.files import replace_file
from brief.ingest.model import Annotated
from brief.ingest.similar import SimilarIndex, sketch
from brief.slugs import slugify
from brief.yamlfile import parse_yaml

HASH_LINE = re.compile(r"^ingest_sha256: ?([0-9a-f]*)$", re.M)
MAX_SLUG = 72


def _escape_markdown(paragraph: str) -> str:
    """Article text stays text: no raw HTML, no accidental headings, lists, quotes or links."""
    text = paragraph.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("[", "\\[").replace("]", "\\]").replace("`", "\\`")
    text = re.sub(r"^(\s*)([#>+=|-]|\d+[.)])(?=\s|$)", r"\1\\\2", text)
    text = re.sub(r"^(\s*)\*(?=\s)", r"\1\\*", text)
    return text


def brief_slug(title: str) -> str:
    slug = slugify(title)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def render(article: Annotated, duplicate_of: str | None = None) -> str:
    """The brief file's text, with its own hash filled in last."""
    front: dict[str, object] = {"title": article.title, "date": article.published.isoformat()}
    if article.updated:
        front["updated"] = article.updated.isoformat()
    if article.authors:
        front["authors"] = list(article.authors)
    source = {k: v for k, v in (("name", article.outlet), ("url", article.url)) if v}
    if source:
        front["source"] = source
    if article.tags:
        front["tags"] = list(article.tags)
    entities: dict[str, list[object]] = {}
    for entity in article.entities:
        entry: dict[str, object] = {"name": entity.name}
        if entity.aliases:
            entry["aliases"] = list(entity.aliases)
        entry["mentions"] = entity.mentions
        entities.setdefault(entity.kind, []).append(entry)
    if entities:
        front["entities"] = entities
    if article.summary:
        front["summary"] = article.summary
    if duplicate_of:
        front["duplicate_of"] = duplicate_of
    front["raw_sha256"] = article.raw.raw_sha256
    front["ingest_sha256"] = ""
    yaml_text = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    body = "\n\n".join(_escape_markdown(p) for p in article.paragraphs)
    yaml_text = yaml_text.replace("ingest_sha256: ''", "ingest_sha256:")
    text = f"---\n{yaml_text}---\n\n{body}\n"
    return with_hash(text)


def as_duplicate(text: str, duplicate_of: str) -> str:
    """A rendered brief's text marked `duplicate_of`, as `render` writes it: the key goes
    just before `raw_sha256`, the only top-level key at the start of its line after it. Saves
    the YAML dump again in the one process that writes."""
    line = yaml.safe_dump({"duplicate_of": duplicate_of}, allow_unicode=True, width=100)
    at = text.index("\nraw_sha256:") + 1
    return with_hash(text[:at] + line + text[at:])


def content_hash(text: str) -> str:
    return hashlib.sha256(HASH_LINE.sub("ingest_sha256:", text, count=1).encode("utf-8")).hexdigest()


def with_hash(text: str) -> str:
    digest = content_hash(text)
    return HASH_LINE.sub(f"ingest_sha256: {digest}", text, count=1)


def is_pristine(text: str) -> bool:
    """True when the file is exactly as ingest wrote it: nobody has edited it since."""
    match = HASH_LINE.search(text)
    return bool(match and match.group(1) and match.group(1) == content_hash(text))


@dataclass
class Prepared:
    """An annotated article with what saving it needs that any process can work out: the
    brief's text (as written when it duplicates nothing) and the sketch of its body."""

    article: Annotated
    text: str
    sketch: frozenset[int]


def prepare(article: Annotated) -> Prepared:
    return Prepared(article, render(article), sketch("\n\n".join(article.paragraphs)))


@dataclass
class Known:
    path: Path
    raw_sha256: str | None
    url: str | None


class BriefStore:
    """The briefs already on disk, indexed by raw hash, source URL and slug."""

    def __init__(self, briefs_dir: Path, zone: tzinfo | None) -> None:
        self.briefs_dir = briefs_dir
        self.zone = zone
        self.by_raw: dict[str, Known] = {}
        self.by_url: dict[str, Known] = {}
        self.by_slug: dict[str, Known] = {}
        self.similar = SimilarIndex()
        for path in brief_files(briefs_dir):
            body = ""
            try:
                yaml_text, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
                front = parse_yaml(yaml_text, str(path), 2) or {}
            except (BriefError, UnicodeDecodeError, OSError):
                front = {}
            if not isinstance(front, dict):
                front = {}
            source = front.get("source")
            url = source.get("url") if isinstance(source, dict) else None
            known = Known(
                path,
                front.get("raw_sha256") if isinstance(front.get("raw_sha256"), str) else None,
                url if isinstance(url, str) else None,
            )
            slug = slugify(front["slug"]) if isinstance(front.get("slug"), str) else path.stem
            self._index(known, slug)
            if not front.get("duplicate_of"):
                self.similar.add(slug, sketch(body))

    def _index(self, known: Known, slug: str) -> None:
        if known.raw_sha256:
            self.by_raw[known.raw_sha256] = known
        if known.url:
            self.by_url[known.url] = known
        self.by_slug[slug] = known

    def save(self, prepared: Prepared, dry_run: bool = False) -> tuple[str, Path]:
        """Write the brief; returns (outcome, path): written, duplicate, updated, unchanged or incoming.

        An article is known by its source: its canonical URL, else the hash of its raw input.
        Its headline only names the file, so a different article with a taken headline gets a
        free slug and never replaces the brief that has it."""
        article = prepared.article
        raw_hash = article.raw.raw_sha256
        if raw_hash in self.by_raw:
            return "unchanged", self.by_raw[raw_hash].path
        text = prepared.text
        same = self.by_url.get(article.url) if article.url else None
        if same is not None:
            target = same.path
            if is_pristine(target.read_text(encoding="utf-8")):
                if not dry_run:
                    replace_file(target, text)
                self._index(Known(target, raw_hash, article.url), target.stem)
                return "updated", target
            incoming = target.with_name(target.stem + ".incoming.md")
            if not dry_run:
                replace_file(incoming, text)
            return "incoming", incoming
        local = on_clock(article.published, self.zone)
        folder = self.briefs_dir / f"{local.year:04d}" / f"{local.month:02d}"
        base = brief_slug(article.title)
        slug, n = base, 1
        while slug in self.by_slug or (folder / f"{slug}.md").exists():
            n += 1
            slug = f"{base}-{n}"
        path = folder / f"{slug}.md"
        # The same story told again (another outlet, a lightly edited copy) is kept, marked as
        # a duplicate: the site lists it under the first one as "also reported by".
        body_sketch = prepared.sketch
        match = self.similar.most_similar(body_sketch)
        outcome = "written"
        if match is not None:
            text = as_duplicate(text, match[0])
            outcome = "duplicate"
        else:
            self.similar.add(slug, body_sketch)
        if not dry_run:
            replace_file(path, text)
        self._index(Known(path, raw_hash, article.url), slug)
        return outcome, path
