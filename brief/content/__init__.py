"""Briefs on disk, read into the model."""

from pathlib import Path

# What a site keeps in content/ beside its briefs; every build reads them (named here, away from
# their readers, so that a build that finds nothing changed need not import those).
ENTITIES_FILE = Path("content") / "entities.yml"  # names' kinds (content.entities)
STORIES_FILE = Path("content") / "stories.yml"  # stories pinned, merged, named (site.stories)
