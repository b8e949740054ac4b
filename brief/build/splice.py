"""Putting the new text of edited briefs into the files the last build wrote, in a fresh
`brief build` process, without building the site model (seconds at 10,000 briefs).

When the only files that changed are briefs whose front-matter is exactly as before, the site's
structure cannot have changed: only the pages that show those briefs' text do (their own page,
the feeds carrying them). With brief's own templates a brief's text reaches its page only as
the rendered body, once, and its feed entries as that body escaped, once each. So every full
build records which files show each brief's text (`text_index`), and here the new body replaces
the old one in those files. Each old body must occur exactly once in each file, or nothing is
done. A site with templates of its own is not spliced: they may show the text in ways a splice
cannot follow (a word count, an excerpt). `brief serve` has its model: see build.quick.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from brief.build.cache import BuildCache
from brief.build.inplace import update_in_place
from brief.config import SiteConfig
from brief.content.load import read_brief, relative
from brief.errors import BriefError
from brief.model import Brief
from brief.render.feeds import xml_text
from brief.render.markdown import body_key, make_markdown, summary_adds
from brief.render.plan import Page, briefs_with_text

# How a body appears in each kind of page that shows it, with what surrounds it there (in the
# default theme's brief.html, in feeds.atom_entry and feeds.json_feed): a body is then never
# taken for the start of a longer one.
_BODY_AS: dict[str, Callable[[str], str]] = {
    "brief": lambda html: f'<div class="body">\n{html}\n  </div>',
    "atom": lambda html: f'<content type="html">{xml_text(html)}</content>',
    "json_feed": lambda html: f'"content_html": {json.dumps(html, ensure_ascii=False)},',
}

# (front-matter hash, slug, ((output path, page kind), ...)) of one brief.
TextRecord = tuple[str, str, tuple[tuple[str, str], ...]]


def text_index(plan: list[Page]) -> tuple[dict[str, TextRecord], str]:
    """Which files show each brief's text, by source path, and a digest of that."""
    shown: dict[str, list[tuple[str, str]]] = {}
    briefs: dict[str, Brief] = {}
    for page in plan:
        for item in briefs_with_text(page):
            briefs[item.brief.source_path] = item.brief
            shown.setdefault(item.brief.source_path, []).append((page.path, page.kind))
    texts = {path: (b.meta_hash, b.slug, tuple(shown[path])) for path, b in briefs.items()}
    return texts, hashlib.sha256(pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def splice_text_edits(
    config: SiteConfig,
    cache: BuildCache,
    digests: dict[Path, str | None],
    fingerprint: str,
    fingerprint_extra: str,
    lock: AbstractContextManager | None = None,
) -> tuple[int, int] | None:
    """Put the new text of edited briefs into the files the last build wrote; (briefs edited,
    files written), or None when the edits are not text alone (see the module's docstring).
    `fingerprint` is the inputs' as the caller made it from `digests` and `fingerprint_extra`."""
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
    if None in records:
        return None  # not only briefs shown on the site: site.yml, a template, a draft
    bodies = cache.load_bodies(record[1] for record in records)
    edits: list[tuple[Brief, TextRecord]] = []  # new brief, and what the last build knew of it
    for path, record in zip(changed, records, strict=True):
        try:
            brief = read_brief(path, config.root, config.input_zone)
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
        if summary_adds(brief.summary, old_html) != summary_adds(brief.summary, new_html):
            return None  # the page's summary box comes or goes: more than the body changes
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

    # The spliced pages get no digest (making one needs the site model): the next full build
    # renders them again rather than trusting them.
    cache.forget_pages(files)
    written, _ = update_in_place(
        config.output_dir, {p: t.encode("utf-8") for p, t in files.items()}, {}, set(), lock
    )
    # Parsed briefs are not saved: briefs.pickle is checked against file hashes when read, so the
    # edited files are simply parsed again by the next full build.
    cache.save_bodies(bodies, whole=False)
    manifest["fingerprint"] = fingerprint
    manifest["texts"] = texts_digest
    cache.save_manifest()
    return len(edits), written
