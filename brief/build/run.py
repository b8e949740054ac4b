"""`brief build`: config → briefs → site model → page plan → files, swapped in at the end."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from brief import __version__
from brief.build.cache import BuildCache, inputs_fingerprint
from brief.build.digest import page_digests
from brief.build.inplace import update_in_place
from brief.build.output import StagedOutput
from brief.build.parallel import MIN_PAGES_FOR_POOL, render_bodies, render_plan
from brief.build.quick import WarmBuild, rebuild_text_edits
from brief.build.search import INDEX_DIR, index_site, pagefind_available
from brief.build.splice import splice_text_edits, text_index
from brief.config import SiteConfig, load_config
from brief.content.load import brief_files, load_briefs, relative
from brief.ingest.inbox import inbox_files
from brief.progress import Progress
from brief.render.plan import Page, plan_pages
from brief.render.renderer import Renderer
from brief.render.templates import theme_dir, uses_bundled_templates
from brief.site.model import Site, build_site

if TYPE_CHECKING:
    from brief.ingest.run import IngestReport


@dataclass(repr=False)
class BuildResult:
    config: SiteConfig
    site: Site | None  # None when the output was already up to date
    plan: list[Page]
    seconds: float
    written: int
    unchanged: int
    counts: str  # "N pages (B briefs, T tags, E entities)"
    warnings: list[str] = field(default_factory=list)
    ingest: IngestReport | None = None
    warm: WarmBuild | None = None  # this build, kept for a quick rebuild (see build.quick)
    text_edits: int = 0  # briefs whose new text was put into the last build's files

    @property
    def up_to_date(self) -> bool:
        return self.site is None and not self.text_edits

    def summary(self) -> str:
        if self.text_edits:
            briefs = f"{self.text_edits} brief{'s' if self.text_edits != 1 else ''}"
            return (
                f"updated the text of {briefs} in {self.written} file{'s' if self.written != 1 else ''}"
                f" ({self.counts}) in {self.seconds:.2f} s"
            )
        if self.up_to_date:
            return f"up to date: {self.counts}, nothing changed since the last build ({self.seconds:.2f} s)"
        return f"built {self.counts} in {self.seconds:.2f} s"


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
    briefs = load_briefs(paths, config.root, config.zone, cache, digests)
    published = [b for b in briefs if drafts or not b.draft]
    progress.step("relating briefs, tags and entities")
    return build_site(config, published, cache.memo if cache is not None else None)


def _input_files(config: SiteConfig, briefs: list[Path]) -> list[Path]:
    """Every file a build reads."""
    files = [config.root / "site.yml", *briefs]
    for folder in (config.templates_dir, config.root / "static", theme_dir(config)):
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file())
    return files


def build(
    root: Path,
    drafts: bool = False,
    progress: Progress | None = None,
    ingest_inbox: bool = True,
    clean: bool = False,
    workers: int | None = None,
    swap_lock: AbstractContextManager | None = None,
    warm: WarmBuild | None = None,
    changed: set[Path] | None = None,
    keep_model: bool = False,
    index_search: bool = True,
) -> BuildResult:
    """Build the site at `root`. On any error the previous output is left as it was.

    New raw articles in the inbox are ingested first when site.yml's `ingest.on_build` is on.
    When no input changed since the last build, nothing is rendered (`clean` forces a build).
    A long-running caller passes the last result's `warm` build and the files that `changed`
    since: edits to brief text alone are then applied without a full build. `keep_model` loads
    the site model even when nothing changed, so that the result has a `warm` build. Without
    `index_search` the search index is left as it was, for the caller to refresh (brief serve
    does it in the background).
    """
    progress = progress or Progress(quiet=True)
    started = time.perf_counter()
    report = None
    config = load_config(root)
    if ingest_inbox and config.ingest.on_build and inbox_files(config):
        from brief.ingest.run import ingest  # only now: its readers and models take time to load

        report = ingest(root, progress=progress, config=config)
    elif warm is not None and changed is not None and not clean and warm.drafts == drafts:
        quick = rebuild_text_edits(warm, changed, swap_lock)  # files written, or None
        if quick is not None:
            if config.search and quick and index_search:
                index_site(config.output_dir, swap_lock)
            return BuildResult(
                config,
                warm.site,
                warm.plan,
                time.perf_counter() - started,
                quick,
                len(warm.plan) - quick,
                warm.cache.manifest["counts"],
                warm=warm,
            )
    progress.step("checking inputs")
    cache = BuildCache.load(config.root, config.timezone)
    if clean:
        cache.clear()
    brief_paths = brief_files(config.briefs_dir)
    digests = cache.file_digests(_input_files(config, brief_paths))
    fingerprint_extra = f"{drafts}|{config.output_dir}|{theme_dir(config)}"
    fingerprint = inputs_fingerprint(digests, fingerprint_extra)
    manifest = cache.manifest
    if (
        not clean
        and not keep_model
        and manifest.get("fingerprint") == fingerprint
        and (config.output_dir / manifest.get("witness", "index.html")).is_file()
    ):
        return BuildResult(
            config, None, [], time.perf_counter() - started, 0, 0, manifest["counts"], ingest=report
        )
    if not clean and not keep_model and warm is None:
        spliced = splice_text_edits(config, cache, digests, fingerprint_extra, swap_lock)
        if spliced is not None:
            edited, written = spliced
            if config.search and written and index_search and pagefind_available():
                progress.step("indexing for search")
                index_site(config.output_dir, swap_lock)
            progress.done()
            seconds = time.perf_counter() - started
            counts = manifest["counts"]
            return BuildResult(
                config, None, [], seconds, written, 0, counts, ingest=report, text_edits=edited
            )

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
        slugs = {item.brief.slug for item in site.pages}
        bodies = {slug: entry for slug, entry in renderer.stored_bodies.items() if slug in slugs}
        cache.save_bodies(bodies)
        if texts_digest != manifest.get("texts"):
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
