"""What a build reports: counts, timings, and the build itself for a quick rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brief.config import SiteConfig

if TYPE_CHECKING:
    from brief.build.quick import WarmBuild
    from brief.ingest.run import IngestReport
    from brief.render.plan import Page
    from brief.site.model import Site


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
