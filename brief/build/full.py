"""The full build: briefs → site model → page plan → pages, rendered on every core.

Only pages whose digest changed since the last build are rendered: a few are written in place,
many are rendered into a staging folder swapped in at the end.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from brief import __version__
from brief.build.cache import BuildCache, inputs_fingerprint
from brief.build.digest import page_digests
from brief.build.inplace import update_in_place
from brief.build.output import StagedOutput
from brief.build.parallel import MIN_PAGES_FOR_POOL, render_bodies, render_plan
from brief.build.quick import WarmBuild
from brief.build.result import BuildResult
from brief.build.search import INDEX_DIR, index_site, pagefind_available
from brief.build.splice import text_index
from brief.config import SiteConfig, load_config
from brief.content.entities import entity_kinds, read_entities_file
from brief.content.load import brief_files, load_briefs, relative
from brief.progress import Progress
from brief.render.plan import plan_pages
from brief.render.renderer import Renderer
from brief.site.model import Site, build_site
from brief.themes import uses_bundled_templates

if TYPE_CHECKING:
    from brief.ingest.run import IngestReport


def load_site(
    root: Path,
    drafts: bool = False,
    progress: Progress | None = None,
    cache: BuildCache | None = None,
    digests: dict[Path, str | None] | None = None,
    paths: list[Path] | None = None,
) -> Site:
    """Read and validate everything, write nothing."""
    progress = progress or Progress(quiet=True)
    config = load_config(root)
    if config.search and not pagefind_available():
        # No indexer: no search box pointing at an index that does not exist.
        config = dataclasses.replace(config, search=False)
    paths = paths if paths is not None else brief_files(config.briefs_dir)
    progress.step("reading briefs", len(paths))
    briefs = load_briefs(paths, config.root, config.input_zone, cache, digests)
    published = [b for b in briefs if drafts or not b.draft]
    progress.step("relating briefs, tags and entities")
    listed = entity_kinds(read_entities_file(config.root))
    return build_site(config, published, cache.memo if cache is not None else None, listed)


def full_build(
    root: Path,
    config: SiteConfig,
    cache: BuildCache,
    digests: dict[Path, str | None],
    brief_paths: list[Path],
    *,
    fingerprint: str,
    fingerprint_extra: str,
    started: float,
    drafts: bool,
    progress: Progress,
    clean: bool,
    workers: int | None,
    swap_lock: AbstractContextManager | None,
    index_search: bool,
    report: IngestReport | None,
) -> BuildResult:
    """Build what changed since the build `cache` describes (everything when `clean`)."""
    manifest = cache.manifest
    texts_stored = manifest.get("texts")  # before forget_pages clears it: what texts.pickle holds
    site = load_site(root, drafts, progress, cache, digests, brief_paths)
    config = site.config
    for warning in site.warnings:
        progress.note(f"warning: {warning}")
    progress.step("planning pages")
    plan = plan_pages(site)
    stored_bodies = cache.load_bodies() if not clean else {}
    renderer = Renderer(site, plan, stored_bodies)
    static = renderer.static_files()
    briefs_prefix = str(config.briefs_dir) + "/"
    shared = [(str(p), d) for p, d in sorted(digests.items()) if not str(p).startswith(briefs_prefix)]
    build_key = inputs_fingerprint({}, repr((shared, drafts, str(config.output_dir), __version__)))
    search = config.search  # load_site turned it off when pagefind is missing
    if not search and load_config(root).search:
        progress.note(
            "warning: search is on in site.yml but pagefind is not installed (pip install 'brief[search]')"
        )
    previous = manifest.get("pages") if manifest.get("output") == str(config.output_dir) else None
    changed = plan
    progress.step("hashing pages")
    pages = page_digests(site, plan, build_key)
    if not clean and previous is not None and config.output_dir.is_dir():
        out = str(config.output_dir)  # plain strings: this runs for every page of every build
        changed = [
            p for p in plan if previous.get(p.path) != pages[p.path] or not os.path.isfile(f"{out}/{p.path}")
        ]
    written = unchanged = 0
    try:
        if changed is not plan and len(changed) <= max(MIN_PAGES_FOR_POOL, len(plan) // 4):
            # Few pages changed: render just those, then update the output in place.
            progress.step("rendering changed pages", len(changed))
            rendered = {}
            for page in changed:
                rendered[page.path] = renderer.render(page)
                progress.advance()
            stale = (set(previous or {}) - set(pages)) | (set(manifest.get("static", [])) - set(static))
            cache.forget_pages(rendered.keys() | stale)
            written, _removed = update_in_place(config.output_dir, rendered, static, stale, swap_lock)
            unchanged = len(plan) - written
            if search and written and index_search:
                index_site(config.output_dir, swap_lock)
        else:
            staged = StagedOutput(config.output_dir)
            try:
                render_bodies(renderer, progress, workers)
                progress.step("rendering pages", len(plan))
                render_plan(renderer, plan, staged, progress, workers)
                for rel_path, source in static.items():
                    staged.copy(rel_path, source)
                if search and index_search:
                    progress.step("indexing for search")
                    index_site(staged.staging)
                elif search and (config.output_dir / INDEX_DIR).is_dir():
                    # Keep the last index until the caller makes a new one: stale beats none.
                    shutil.copytree(
                        config.output_dir / INDEX_DIR, staged.staging / INDEX_DIR, copy_function=os.link
                    )
                staged.commit(swap_lock)
            except BaseException:
                staged.discard()
                raise
            written, unchanged = staged.written, staged.unchanged
    finally:
        progress.done()
    # Where each brief's text shows, for the next build to splice text edits in (build.splice).
    texts, texts_digest = text_index(plan) if uses_bundled_templates(config) else ({}, "")
    entities = sum(len(t) for t in site.entities.values())
    counts = f"{len(plan)} pages ({len(site.pages)} briefs, {len(site.tags)} tags, {entities} entities)"
    cache.manifest = {
        "fingerprint": fingerprint,
        "extra": fingerprint_extra,
        "texts": texts_digest,
        "counts": counts,
        "witness": "sitemap.xml",
        "pages": pages,
        "static": sorted(static),
        "output": str(config.output_dir),
    }
    progress.step("saving the build cache")
    try:
        slugs = {item.brief.slug for item in site.brief_pages}
        bodies = {slug: entry for slug, entry in renderer.stored_bodies.items() if slug in slugs}
        cache.save_bodies(bodies)
        if texts_digest != texts_stored:
            cache.save_texts(texts, texts_digest)
        cache.save(keep={relative(p, config.root) for p in brief_paths})  # the manifest last
    except OSError as error:
        progress.note(f"warning: cannot write the build cache ({error}); the next build starts afresh")
    progress.done()
    return BuildResult(
        config,
        site,
        plan,
        time.perf_counter() - started,
        written,
        unchanged,
        counts,
        site.warnings,
        report,
        WarmBuild(config, drafts, cache, digests, fingerprint_extra, build_key, site, plan, renderer, pages),
    )
