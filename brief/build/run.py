"""`brief build`: config → briefs → site model → page plan → files, swapped in at the end."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from brief.build.output import StagedOutput
from brief.config import SiteConfig, load_config
from brief.content.load import brief_files, load_briefs
from brief.ingest.run import IngestReport, inbox_files, ingest
from brief.progress import Progress
from brief.render.plan import Page, plan_pages
from brief.render.renderer import Renderer
from brief.site.model import Site, build_site


@dataclass(repr=False)
class BuildResult:
    config: SiteConfig
    site: Site
    plan: list[Page]
    seconds: float
    written: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)
    ingest: IngestReport | None = None

    def summary(self) -> str:
        site = self.site
        entities = sum(len(t) for t in site.entities.values())
        return (
            f"built {len(self.plan)} pages ({len(site.pages)} briefs, {len(site.tags)} tags, "
            f"{entities} entities) in {self.seconds:.2f} s"
        )


def load_site(root: Path, drafts: bool = False, progress: Progress | None = None) -> Site:
    """Read and validate everything, write nothing."""
    progress = progress or Progress(quiet=True)
    config = load_config(root)
    paths = brief_files(config.briefs_dir)
    progress.step("reading briefs", len(paths))
    briefs = load_briefs(paths, config.root, config.zone)
    published = [b for b in briefs if drafts or not b.draft]
    return build_site(config, published)


def build(
    root: Path, drafts: bool = False, progress: Progress | None = None, ingest_inbox: bool = True
) -> BuildResult:
    """Build the site at `root`. On any error the previous output is left as it was.

    New raw articles in the inbox are ingested first when site.yml's `ingest.on_build` is on.
    """
    progress = progress or Progress(quiet=True)
    started = time.perf_counter()
    report = None
    config = load_config(root)
    if ingest_inbox and config.ingest.on_build and inbox_files(config):
        report = ingest(root, progress=progress, config=config)
    site = load_site(root, drafts, progress)
    config = site.config
    for warning in site.warnings:
        progress.note(f"warning: {warning}")
    plan = plan_pages(site)
    renderer = Renderer(site, plan)
    staged = StagedOutput(config.output_dir)
    try:
        progress.step("rendering pages", len(plan))
        for page in plan:
            staged.write(page.path, renderer.render(page))
            progress.advance()
        for rel_path, source in renderer.static_files().items():
            staged.copy(rel_path, source)
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    finally:
        progress.done()
    return BuildResult(
        config,
        site,
        plan,
        time.perf_counter() - started,
        staged.written,
        staged.unchanged,
        site.warnings,
        report,
    )
