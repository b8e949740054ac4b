"""Reading the whole site: briefs from disk (through the build cache) into the site model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from brief.builder import parallel
from brief.builder.cache import BuildCache
from brief.builder.search import pagefind_available
from brief.config import SiteConfig
from brief.content.entities import entity_kinds, read_entities_file
from brief.content.load import load_briefs, relative
from brief.progress import Progress
from brief.site.model import Site, add_stories, build_site
from brief.site.stories import read_stories_file, story_text_key


def load_site(
    config: SiteConfig,
    drafts: bool,
    progress: Progress,
    cache: BuildCache,
    digests: dict[str, str | None],
    names: list[str],
    workers: int | None = None,
) -> Site:
    """Read and validate everything, write nothing. A brief saved again after `digests` were
    taken gets the digest of what was read, there and in the manifest the cache saves next."""
    if config.search and not pagefind_available():
        # No indexer: no search box pointing at an index that does not exist.
        config = dataclasses.replace(config, search=False)
    progress.step("reading briefs", len(names))
    root = config.root
    unread = [Path(name) for name in names if cache.get(relative(name, root), digests.get(name)) is None]
    texts = cache.memo.setdefault("story_texts", {})
    parsed = parallel.parse_briefs(
        unread, config.root, config.input_zone, config.zone, config.stories, progress, workers
    )
    for path, found in parsed.items():
        if found.digest != digests.get(str(path)):  # saved again since it was hashed
            digests[str(path)] = found.digest
            cache.file_read(str(path), found.digest)
        cache.put(found.brief.source_path, found.digest, found.brief)
        if found.text is not None:
            texts[story_text_key(found.brief, config)] = found.text
    briefs = load_briefs([Path(name) for name in names], config.root, config.input_zone, cache, digests)
    published = [b for b in briefs if drafts or not b.draft]
    progress.step("relating briefs, tags and entities")
    listed = entity_kinds(read_entities_file(config.root))
    site = build_site(
        config,
        published,
        cache.memo,
        listed,
        lambda function, shared, count, on_result, minimum: parallel.fork_map(
            function, shared, count, on_result, workers, minimum, progress
        ),
    )
    if config.stories:
        progress.step("threading stories")
    add_stories(site, cache.memo, read_stories_file(config.root))
    return site
