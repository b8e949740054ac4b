"""Putting the new text of edited briefs into the files the last build wrote, in a fresh
`brief build` process, without building the site model (seconds at 10,000 briefs).

When the only files that changed are briefs whose front-matter is exactly as before, the site's
structure cannot have changed: only what pages read of those briefs' text can. The last build
recorded how each page read each body (render.reads): as it is (`{{ content }}`), in a feed,
for the summary box, or some other way. Where every read is one of the first three, the new
body replaces the old one in those files, each old body found exactly once where it was read
once. Anything else (a template that counts the words, an excerpt) is not spliced: the caller
builds the site, which renders those pages again.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from brief.builder.cache import BuildCache, TextRecord, mark_search_lag
from brief.builder.writer import Writer
from brief.config import SiteConfig
from brief.content.load import read_brief_file, relative
from brief.errors import BriefError
from brief.model import Brief
from brief.render.feeds import feed_body, xml_text
from brief.render.markdown import body_key, make_markdown, summary_adds

if TYPE_CHECKING:
    from brief.render.renderer import StoredBody  # types only: it imports Jinja


def _as_shown(form: str, html: str, url: str) -> str:
    """A body as a page of that form carries it (render.renderer, render.feeds)."""
    if form == "atom":
        return xml_text(feed_body(html, url))
    if form == "json":
        return json.dumps(feed_body(html, url), ensure_ascii=False)
    return html


def splice_text_edits(
    config: SiteConfig,
    cache: BuildCache,
    digests: dict[str, str | None],
    lock: AbstractContextManager | None,
) -> tuple[int, int] | None:
    """Put the new text of edited briefs into the files the last build wrote; (briefs edited,
    files written), or None when the edits are not text alone or not read in spliceable forms.
    The caller saves the manifest."""
    manifest = cache.manifest
    if not manifest.texts_trusted or manifest.output != str(config.output_dir):
        return None
    changed = cache.changed_files(digests)
    if not changed:
        return None
    names = [relative(path, config.root) for path in changed]
    texts = cache.load_texts(names)
    records = [texts.get(name) for name in names]
    if any(record is None or not record.spliceable for record in records):
        return None  # site.yml, a template, a draft, or text read in a way a splice cannot follow
    bodies = cache.load_bodies(record.slug for record in records if record is not None)
    edits: list[tuple[Brief, TextRecord]] = []
    for path, record in zip(changed, records, strict=True):
        assert record is not None
        try:
            brief, read_as = read_brief_file(Path(path), config.root, config.input_zone)
        except BriefError:
            return None  # the full build reports it, with the others
        if read_as != digests[path]:
            return None  # saved again since it was hashed: the full build records what it reads
        if brief.meta_hash != record.meta_hash or brief.slug not in bodies:
            return None
        edits.append((brief, record))
    if not cache.outputs_as_written(config.output_dir):
        return None  # a file deleted or changed by hand: the full build writes it again

    markdown = make_markdown(config.unsafe_html)
    files: dict[str, str] = {}
    changed: dict[str, StoredBody] = {}
    for brief, record in edits:
        _, old_html, links = bodies[record.slug]
        new_html = markdown.render(brief.body, {"entity_links": links})
        for rel_path, form in record.shown:
            if form.startswith("adds:"):
                summary = form.removeprefix("adds:")
                if summary_adds(summary, old_html) != summary_adds(summary, new_html):
                    return None  # the page's summary box comes or goes: more than the body changes
                continue
            if rel_path not in files:
                try:
                    files[rel_path] = (config.output_dir / rel_path).read_text(encoding="utf-8")
                except OSError:
                    return None
            old, new = _as_shown(form, old_html, record.url), _as_shown(form, new_html, record.url)
            if files[rel_path].count(old) != 1:
                return None  # the output is not what the last build wrote
            files[rel_path] = files[rel_path].replace(old, new)
        changed[record.slug] = (body_key(brief.content_hash, config.unsafe_html, links), new_html, links)

    # The spliced pages' records of what they read hold the old bodies' keys: the caller saves
    # the manifest without saving reads, so they are kept out of the next full build's trust.
    cache.forget_pages(files)
    lags = partial(mark_search_lag, config.root) if config.search else None  # Pagefind runs after
    writer = Writer(config.output_dir, False, lags)
    for rel_path, text in files.items():
        writer.write(rel_path, text.encode("utf-8"))
    writer.commit(lock)
    cache.outputs_replaced(config.output_dir, files)
    cache.update_bodies(changed)
    return len(edits), writer.written
