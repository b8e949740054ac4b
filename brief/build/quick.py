"""Rebuilding after edits to brief text only, in a process that keeps its last build.

`brief serve` keeps the site model, page plan, renderer and page digests of its last build
(a `WarmBuild`). When the only files that changed are briefs whose front-matter is exactly as
before, the site's structure cannot have changed: no list, tag, entity, archive or relation
moves. Only the pages that show those briefs' text do: their own page and the feeds carrying
them. Those are found in the plan, rendered and written in place; nothing else is touched.
(A fresh `brief build` process has no model: see build.splice.)

Anything else (a front-matter edit, a new or deleted file, a template, site.yml) returns None
and the caller runs a full build, which is incremental in its own way.
"""

from __future__ import annotations

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
from brief.render.plan import Page, briefs_with_text
from brief.render.renderer import Renderer
from brief.site.model import BriefPage, Site


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
        return {page.brief.source_path: page for page in self.site.brief_pages}

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
            new = read_brief(path, config.root, config.input_zone)
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
    page_digests: dict[str, str] = {}
    for planned in warm.plan:
        if not any(item.brief.slug in slugs for item in briefs_with_text(planned)):
            continue
        digest = page_digest(digester, planned, warm.build_key)
        if digest != warm.pages.get(planned.path):
            rendered[planned.path] = warm.renderer.render(planned)
            page_digests[planned.path] = digest
    manifest = warm.cache.manifest
    texts = manifest.get("texts", "")
    warm.cache.forget_pages(rendered)
    written, _ = update_in_place(config.output_dir, rendered, {}, set(), lock)
    warm.pages.update(page_digests)
    warm.digests = digests
    # The new bodies, so that a later `brief build` can splice into these pages. Parsed briefs
    # are not saved: briefs.pickle is checked against file hashes when read.
    shown = {page.brief.slug for page in warm.site.brief_pages}
    warm.cache.save_bodies({s: b for s, b in warm.renderer.stored_bodies.items() if s in shown})
    manifest["fingerprint"] = inputs_fingerprint(digests, warm.fingerprint_extra)
    manifest["pages"], manifest["texts"] = warm.pages, texts
    warm.cache.save_manifest()
    return written
