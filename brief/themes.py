"""Where a site's theme lives: the site's own themes/NAME, else the one installed with brief."""

from __future__ import annotations

from pathlib import Path

from brief.config import SiteConfig
from brief.errors import BriefError

# An installed wheel carries the default theme inside the package (brief/themes/default); a
# source checkout (pip install -e) has it at the repository's top level.
PACKAGE_THEMES = Path(__file__).resolve().parent / "themes"
REPO_THEMES = Path(__file__).resolve().parent.parent / "themes"


def theme_dir(config: SiteConfig) -> Path:
    """The site's own themes/NAME, else the one installed with brief."""
    for base in (config.root / "themes", PACKAGE_THEMES, REPO_THEMES):
        candidate = base / config.theme
        if (candidate / "templates").is_dir():
            return candidate
    if config.theme == "default":
        hint = "brief's own theme is missing from its installation: reinstall brief"
    else:
        hint = f"create themes/{config.theme}/templates/ or use theme: default"
    raise BriefError(
        f"theme {config.theme!r} not found",
        path=config.root / "site.yml",
        field="theme",
        hint=hint,
    )
