"""Rebuilding after edits to brief text only.

When the only files that changed are briefs whose front-matter is exactly as before, the site's
structure cannot have changed: no list, tag, entity, archive or relation moves. Only the pages
that show those briefs' text do: their own page and the feeds carrying them. Two ways to
update just those:

- `rebuild_text_edits`: `brief serve` keeps the site model, page plan, renderer and page digests
  of its last build (a `WarmBuild`); the pages are found in the plan, rendered and written.
- `splice_text_edits`: a fresh `brief build` process has no model, and making one takes seconds
  at 10,000 briefs. With brief's own templates a brief's text reaches its page only as the
  rendered body, once, and its feed entries as that body escaped, once each. So the last build
  records which files show each brief's text (`text_index`), and the new body replaces the old
  one in those files. Each old body must occur exactly once in each file, or nothing is done.

Anything else (a front-matter edit, a new or deleted file, a template, site.yml, a site with
templates of its own for the splice) returns None and the caller runs a full build, which is
incremental in its own way.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from brief.build.cache import BuildCache, file_digest, inputs_fingerprint
from brief.build.digest import Digester, page_digest
from brief.build.inplace import update_in_place
from brief.config import SiteConfig
from brief.content.load import read_brief, relative
from brief.errors import BriefError
from brief.model import Brief
from brief.render.feeds import xml_text
from brief.render.markdown import make_markdown
from brief.render.plan import Page
from brief.render.renderer import Renderer, body_key
from brief.site.model import BriefPage, Site

# Pages that show a brief's text, by kind, and how to tell which briefs a page shows.
_SHOWS_TEXT = {
    "brief": lambda page: [page.context["item"]],
    "atom": lambda page: page.context["items"],
    "json_feed": lambda page: page.context["items"],
}

# How a body appears in each kind of page that shows it.
_BODY_AS: dict[str, Callable[[str], str]] = {
    "brief": lambda html: html,
    "atom": xml_text,
    "json_feed": lambda html: json.dumps(html, ensure_ascii=False),
}

# (front-matter hash, slug, ((output path, page kind), ...)) of one brief.
TextRecord = tuple[str, str, tuple[tuple[str, str], ...]]


def text_index(plan: list[Page]) -> tuple[dict[str, TextRecord], str]:
    """Which files show each brief's text, by source path, and a digest of that."""
    shown: dict[str, list[tuple[str, str]]] = {}
    briefs: dict[str, Brief] = {}
    for page in plan:
        shows = _SHOWS_TEXT.get(page.kind)
        if shows is not None:
            for item in shows(page):
                briefs[item.brief.source_path] = item.brief
                shown.setdefault(item.brief.source_path, []).append((page.path, page.kind))
    texts = {path: (b.meta_hash, b.slug, tuple(shown[path])) for path, b in briefs.items()}
    return texts, hashlib.sha256(pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@dataclass
class WarmBuild:
    config: SiteConfig
    drafts: bool
    cache: BuildCache
    digests: dict[Path, str | None]  # every input file of the last build → its SHA-256
    fingerprint_extra: str
    build_key: str
    site: Site
    plan: list[Page]
    renderer: Renderer
    pages: dict[str, str]  # output path → digest

    @cached_property
    def _by_path(self) -> dict[str, BriefPage]:
        return {page.brief.source_path: page for page in self.site.pages}

    @cached_property
    def _resolved(self) -> dict[Path, Path]:
        # Made on the first quick rebuild, not by every build: resolving 10,000 paths takes time.
        return {path.resolve(): path for path in self.digests}

    def page_for(self, path: Path) -> BriefPage | None:
        return self._by_path.get(relative(path, self.config.root))

    def known(self, path: Path) -> Path | None:
        """The input path as the last build named it, or None for a file it did not read."""
        return self._resolved.get(path.resolve())


def rebuild_text_edits(
    warm: WarmBuild, changed: set[Path], lock: AbstractContextManager | None = None
) -> int | None:
    """Apply edits to brief bodies and say how many files were written; None when `changed`
    holds anything else."""
    config = warm.config
    digests = dict(warm.digests)
    edited: list[tuple[BriefPage, Brief, str | None]] = []
    for changed_path in changed:
        path = warm.known(changed_path)
        if path is None or not path.is_file():
            return None  # a new, deleted or unrelated file
        digest = file_digest(path)
        if digest == digests[path]:
            continue
        page = warm.page_for(path)
        if page is None:
            return None  # site.yml, a template, a static file, a draft
        try:
            new = read_brief(path, config.root, config.zone)
        except BriefError:
            return None  # the full build reports it, with the others
        if new.meta_hash != page.brief.meta_hash:
            return None  # front-matter changed: lists, tags, relations may have too
        digests[path] = digest
        edited.append((page, new, digest))

    slugs = set()
    for page, new, digest in edited:
        page.brief = new
        slugs.add(new.slug)
        warm.renderer.forget_body(new.slug)
        warm.cache.put(new.source_path, digest, new)
    digester = Digester(warm.site)
    rendered: dict[str, bytes] = {}
    for planned in warm.plan:
        shows = _SHOWS_TEXT.get(planned.kind)
        if shows is None or not any(item.brief.slug in slugs for item in shows(planned)):
            continue
        digest = page_digest(digester, planned, warm.build_key)
        if digest != warm.pages.get(planned.path):
            rendered[planned.path] = warm.renderer.render(planned)
            warm.pages[planned.path] = digest
    written, _ = update_in_place(config.output_dir, rendered, {}, set(), lock)
    warm.digests = digests
    warm.cache.manifest["fingerprint"] = inputs_fingerprint(digests, warm.fingerprint_extra)
    warm.cache.manifest["pages"] = warm.pages
    # Only the manifest: briefs and bodies stored earlier are checked against file hashes when
    # read, so a stale entry is re-parsed, never trusted.
    warm.cache.save_manifest()
    return written


def splice_text_edits(
    config: SiteConfig,
    cache: BuildCache,
    digests: dict[Path, str | None],
    fingerprint_extra: str,
    lock: AbstractContextManager | None = None,
) -> tuple[int, int] | None:
    """Put the new text of edited briefs into the files the last build wrote; (briefs edited,
    files written), or None when the edits are not text alone (see the module's docstring)."""
    manifest = cache.manifest
    known = manifest.get("files", {})
    if (
        not manifest.get("texts")
        or manifest.get("extra") != fingerprint_extra
        or manifest.get("output") != str(config.output_dir)
        or len(known) != len(digests)
    ):
        return None
    changed = []
    for path, digest in digests.items():
        entry = known.get(str(path))
        if entry is None:
            return None  # a file added (and, the counts being equal, another one removed)
        if entry[1] != digest:
            changed.append(path)
    texts, texts_digest = cache.load_texts()
    if not changed or texts_digest != manifest["texts"]:
        return None
    records = [texts.get(relative(path, config.root)) for path in changed]
    bodies = cache.load_bodies(record[1] for record in records if record is not None)
    edits: list[tuple[Brief, TextRecord]] = []  # new brief, and what the last build knew of it
    for path, record in zip(changed, records, strict=True):
        if record is None:
            return None  # not a brief shown on the site: site.yml, a template, a draft
        try:
            brief = read_brief(path, config.root, config.zone)
        except BriefError:
            return None  # the full build reports it, with the others
        if brief.meta_hash != record[0] or brief.slug not in bodies:
            return None
        edits.append((brief, record))

    markdown = make_markdown(config.unsafe_html)
    files: dict[str, str] = {}
    for brief, (_, slug, shown_in) in edits:
        _, old_html, links = bodies[slug]
        new_html = markdown.render(brief.body, {"entity_links": links})
        for rel_path, kind in shown_in:
            if rel_path not in files:
                try:
                    files[rel_path] = (config.output_dir / rel_path).read_text(encoding="utf-8")
                except OSError:
                    return None
            as_shown = _BODY_AS[kind]
            old, new = as_shown(old_html), as_shown(new_html)
            if files[rel_path].count(old) != 1:
                return None  # the output is not what the last build wrote
            files[rel_path] = files[rel_path].replace(old, new)
        bodies[slug] = (body_key(brief.content_hash, config.unsafe_html, links), new_html, links)

    written, _ = update_in_place(
        config.output_dir, {p: t.encode("utf-8") for p, t in files.items()}, {}, set(), lock
    )
    # Parsed briefs are not saved: briefs.pickle is checked against file hashes when read, so the
    # edited files are simply parsed again by the next full build.
    cache.save_bodies(bodies, whole=False)
    pages = manifest["pages"]
    for rel_path in files:
        pages[rel_path] = ""  # no digest made: the next full build renders these pages again
    manifest["fingerprint"] = inputs_fingerprint(digests, fingerprint_extra)
    cache.save_manifest()
    return len(edits), written
