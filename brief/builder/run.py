"""`brief build`: config → briefs → site model → page plan → pages → the one writer.

Which pages a build renders is decided in one place, `_stale_pages`: a page is rendered when it
is new, its file is missing, or one of the keys it read last time (render.reads) has another
value now. The ways a build gets its model differ, never how pages reach the output:

- nothing changed since the last build: nothing is loaded (the inputs' fingerprint says so);
- only briefs' text changed, in a fresh process: the new bodies are spliced into the files
  that show them as they are (builder.splice), when the recorded reads allow it;
- only briefs' text changed, in a process that keeps its build (`brief serve`): the model is
  updated in memory and the pages that read those briefs are rendered again (WarmBuild);
- anything else: the model is built, the stored reads are checked against it, and the stale
  pages are rendered: in place when they are few, else into a staged folder that the other
  pages are carried into as they are (a first build renders every page there).
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from brief import __version__
from brief.builder.cache import (
    CACHE_DIR,
    BuildCache,
    Reads,
    TextRecord,
    clear_search_lag,
    file_digest,
    inputs_fingerprint,
    mark_search_lag,
    output_signature,
    search_lag,
)
from brief.builder.output import files_of_others, guard_output, remove_leftovers
from brief.builder.search import INDEX_DIR, index_site, pagefind_available
from brief.builder.writer import Writer
from brief.config import SiteConfig, load_config
from brief.content import ENTITIES_FILE, STORIES_FILE
from brief.content.load import brief_names, relative
from brief.errors import BriefError
from brief.ingest.inbox import inbox_files
from brief.lock import site_lock
from brief.progress import Progress
from brief.themes import theme_dir

if TYPE_CHECKING:
    from brief.ingest.run import IngestReport
    from brief.model import Brief
    from brief.render.plan import Page
    from brief.render.reads import ReadLog, Ref, Resolver
    from brief.render.renderer import Renderer
    from brief.site.model import BriefPage, Site

__all__ = ["BuildOptions", "BuildResult", "Builder", "build"]

MIN_FILES_FOR_POOL = 1_000  # files to hash before a pool pays for its start (a body edit hashes one)


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False  # build drafts too
    clean: bool = False  # forget the cache: render every page, into an output of brief's files only
    workers: int | None = None  # processes; None: every core
    ingest_inbox: bool = True  # ingest new raw articles first, when site.yml's ingest.on_build says so
    index_search: bool = True  # False: the caller refreshes the search index (brief serve, in the background)


@dataclass(repr=False)
class BuildResult:
    config: SiteConfig
    seconds: float
    counts: str  # "N pages (B briefs, T tags, E entities)"
    site: Site | None = None  # None when nothing was rendered from a model
    plan: list[Page] = field(default_factory=list)
    written: int = 0  # files whose bytes changed
    unchanged: int = 0  # files rendered again with the same bytes
    warnings: list[str] = field(default_factory=list)
    ingest: IngestReport | None = None
    text_edits: int = 0  # briefs whose new text was spliced into the last build's files
    up_to_date: bool = False  # the output was already up to date: nothing rendered
    search_indexed: bool = False  # Pagefind ran over the output folder (Builder._catch_up_search)
    # The output's search index is older than its pages, or missing, after this build: brief
    # serve builds without it (index_search=False) and indexes in the background.
    search_lags: bool = False
    # The input files added, removed or changed since the last build: brief serve swaps the
    # stylesheets of open pages when they are all it finds, whichever watcher batch ran it.
    inputs_changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.text_edits:
            return (
                f"updated the text of {_count(self.text_edits, 'brief')} in {_count(self.written, 'file')}"
                f" of {self.counts} in {self.seconds:.2f} s"
            )
        if self.up_to_date:
            search = "; the search index, out of date, was made again" if self.search_indexed else ""
            unchanged = f"nothing changed since the last build{search}"
            return f"up to date: {self.counts}, {unchanged} ({self.seconds:.2f} s)"
        written = f"{_count(self.written, 'file')} written"
        if self.unchanged:
            written += f", {self.unchanged} as they were"
        return f"built {self.counts} in {self.seconds:.2f} s: {written}"


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def build(
    root: Path, options: BuildOptions | None = None, progress: Progress | None = None, **settings: object
) -> BuildResult:
    """Build the site at `root` (`settings` are BuildOptions' fields, for short). On any error
    the previous output is left as it was."""
    options = options or BuildOptions(**settings)  # type: ignore[arg-type]
    return Builder(root, options, progress).build()


def _input_files(config: SiteConfig, briefs: list[str]) -> list[str]:
    """Every file a build reads."""
    files = [str(config.root / "site.yml"), *briefs]
    for listing in (ENTITIES_FILE, STORIES_FILE):
        if (config.root / listing).is_file():
            files.append(str(config.root / listing))
    for folder in (config.templates_dir, config.root / "static", theme_dir(config)):
        if folder.is_dir():
            files.extend(str(p) for p in folder.rglob("*") if p.is_file())
    return files


class Builder:
    """The builds of one site. `brief build` makes one build; `brief serve` keeps its Builder
    and calls `build(changed)` with the files that changed, so that edits to briefs' text are
    applied to the model it holds (MkDocs' LiveReloadServer takes a builder the same way)."""

    def __init__(
        self,
        root: Path,
        options: BuildOptions | None = None,
        progress: Progress | None = None,
        swap_lock: AbstractContextManager | None = None,
        keep_model: bool = False,
    ) -> None:
        self.root = root
        self.options = options or BuildOptions()
        self.progress = progress or Progress(quiet=True)
        self.swap_lock = swap_lock
        self.keep_model = keep_model  # hold the model even when nothing changed (brief serve)
        self.warm: WarmBuild | None = None

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        started = time.perf_counter()
        config = load_config(self.root)
        guard_output(config)
        warm, self.warm = self.warm, None  # a failed build leaves nothing to build on
        with site_lock(config.root):
            remove_leftovers(config)
            if warm is not None and not warm.is_current():
                warm = None
            result, self.warm = self._build(config, started, warm, changed)
            self._catch_up_search(result, started)
            result.search_lags = _search_lags(result.config)
        return result

    def _catch_up_search(self, result: BuildResult, started: float) -> None:
        """Run Pagefind over the output when its index is older than its pages (they were
        replaced without it: in place, a splice, brief serve; or an earlier build or brief serve
        stopped before it ran: mark_search_lag) or missing. The one place a build indexes the
        output folder; a build that renders the whole site indexes it before the swap."""
        config = result.config
        if not self.options.index_search or not _search_lags(config):
            return
        token = search_lag(config.root)
        self.progress.step("indexing for search")
        try:
            index_site(config.output_dir, self.swap_lock)
        finally:
            self.progress.done()
        if token is not None:
            clear_search_lag(config.root, token, self.swap_lock)
        result.search_indexed = True
        result.seconds = time.perf_counter() - started

    def _build(
        self, config: SiteConfig, started: float, warm: WarmBuild | None, changed: set[Path] | None
    ) -> tuple[BuildResult, WarmBuild | None]:
        options, progress = self.options, self.progress
        report = None
        if options.ingest_inbox and config.ingest.on_build and inbox_files(config):
            from brief.ingest.run import ingest  # only now: its readers and models take time to load

            report = ingest(config.root, progress=progress, config=config, workers=options.workers)
            config = load_config(config.root)  # as it is now, hashed next: ingest can take minutes
        elif warm is not None and changed is not None and not options.clean:
            written = warm.text_edits(changed, self.swap_lock)
            if written is not None:
                seconds = time.perf_counter() - started
                counts = warm.cache.manifest.counts
                inputs = [str(path) for path in changed]
                return BuildResult(
                    config, seconds, counts, warm.site, warm.plan, written=written, inputs_changed=inputs
                ), warm
        progress.step("checking inputs")
        cache = BuildCache.load(config.root, config.timezone)
        if options.clean:
            cache.clear()
        brief_paths = brief_names(config.briefs_dir)
        digests = cache.file_digests(_input_files(config, brief_paths), self._hash_many)
        known = cache.manifest.files
        inputs_changed = [
            path for path, digest in digests.items() if known.get(path, (None, None))[1] != digest
        ]
        inputs_changed += [path for path in known if path not in digests]
        extra = f"{options.drafts}|{config.output_dir}|{theme_dir(config)}"
        fingerprint = inputs_fingerprint(digests, extra)
        manifest = cache.manifest
        if (
            not options.clean
            and not (self.keep_model and warm is None)
            and manifest.fingerprint == fingerprint
            and cache.outputs_as_written(config.output_dir)
        ):
            if cache.hashed:  # files touched just before the last build: their stat is trusted from now on
                cache.save_manifest(reads_saved=False)
                if warm is not None:
                    warm.cache = cache  # the one that saved the manifest on disk now
            seconds = time.perf_counter() - started
            result = BuildResult(
                config,
                seconds,
                manifest.counts,
                ingest=report,
                up_to_date=True,
                inputs_changed=inputs_changed,
            )
            return result, warm
        if not options.clean and not self.keep_model and manifest.extra == extra:
            from brief.builder.splice import splice_text_edits

            spliced = splice_text_edits(config, cache, digests, self.swap_lock)
            if spliced is not None:
                edited, written = spliced
                manifest.fingerprint, manifest.texts_trusted = fingerprint, True
                cache.save_manifest(reads_saved=False)
                progress.done()
                seconds = time.perf_counter() - started
                result = BuildResult(
                    config,
                    seconds,
                    manifest.counts,
                    written=written,
                    ingest=report,
                    text_edits=edited,
                    inputs_changed=inputs_changed,
                )
                return result, None
        from brief.builder.parallel import collector_for_building

        with collector_for_building():
            result, warm = self._full(
                config, cache, digests, brief_paths, fingerprint, extra, started, report
            )
        result.inputs_changed = inputs_changed
        return result, warm

    def _hash_many(self, paths: list[str]) -> list[str | None]:
        if len(paths) < MIN_FILES_FOR_POOL:
            return [file_digest(path) for path in paths]
        from brief.builder.parallel import hash_files  # loads the renderer: not for a few files

        return hash_files(paths, self.progress, self.options.workers)

    def _full(
        self,
        config: SiteConfig,
        cache: BuildCache,
        digests: dict[str, str | None],
        brief_paths: list[str],
        fingerprint: str,
        extra: str,
        started: float,
        report: IngestReport | None,
    ) -> tuple[BuildResult, WarmBuild]:
        # Jinja, markdown-it and the site model are needed from here on only: 0.09 s less for
        # every build that stops above.
        from brief.builder.parallel import (
            MIN_PAGES_FOR_POOL,
            changed_keys,
            prime_keys,
            render_bodies,
            render_fragments,
            render_plan,
            run_jobs,
        )
        from brief.builder.site import load_site
        from brief.render.plan import plan_pages
        from brief.render.reads import ReadLog, Resolver
        from brief.render.renderer import Renderer

        options, progress, manifest = self.options, self.progress, cache.manifest
        edited = _edited_briefs(cache, digests, config.root)
        site = load_site(config, options.drafts, progress, cache, digests, brief_paths, options.workers)
        config = site.config  # without search when pagefind is missing
        warnings = list(site.warnings)
        for warning in warnings:
            progress.note(f"warning: {warning}")
        if config.search != load_config(config.root).search:
            hint = "pip install 'brief[search]'"
            progress.note(f"warning: search is on in site.yml but pagefind is not installed ({hint})")
        progress.step("planning pages")
        plan = plan_pages(site)
        build_key = _build_key(digests, config, options.drafts)
        output = config.output_dir
        trusted = (
            not options.clean
            and manifest.output == str(output)
            and manifest.build_key == build_key
            and output.is_dir()
        )
        reads = cache.load_reads() if trusted else Reads()
        stored_bodies = cache.load_bodies() if not options.clean else {}
        renderer = Renderer(site, plan, stored_bodies, ReadLog(reads.keys, reads.values))
        resolver = Resolver(site, plan, renderer)
        static = renderer.static_files()
        stale: list[Page] = plan
        seen_now, shown = _briefs_seen(cache, digests, brief_paths, config.root)
        unseen, behind = _changed_since_reads(reads.files, seen_now, shown)
        text_refs = None
        if reads.pages:
            log = renderer.log
            if behind:  # the output shows another text of these briefs than the reads saw
                shown = [_text_edit_refs(i.brief) for i in site.brief_pages if i.brief.source_path in behind]
                _forget_values(log, set().union(*shown))
            text_refs = _text_refs(site, edited, unseen)
            numbers = _keys_to_check(log.keys, text_refs, reads.files, unseen)
            progress.step("checking what pages read", len(numbers))
            changed = changed_keys(log, resolver, progress, options.workers, numbers)
            stale = _stale_pages(plan, reads.pages, changed, output, cache.load_outputs())
        in_place = stale is not plan and len(stale) <= max(MIN_PAGES_FOR_POOL, len(plan) // 4)
        if stale is not plan:  # the keys are numbered as last time: so are the fragments' keys
            renderer.prerendered = cache.load_fragments(reads)
            renderer.forget(changed)
        # The search index comes with the pages when a staged build makes it; else it lags them.
        lags = config.search and (in_place or not options.index_search)
        writer = Writer(output, not in_place, partial(mark_search_lag, config.root) if lags else None)
        try:
            if in_place:
                records = dict(reads.pages)
                progress.step("rendering changed pages", len(stale))
                records.update(render_plan(renderer, stale, writer, progress, 1))
                gone = (set(reads.pages) - {p.path for p in plan}) | (set(manifest.static) - set(static))
                for rel_path in gone:
                    writer.remove(rel_path)
                    records.pop(rel_path, None)
            else:
                records = {}
                if stale is plan:  # every page is rendered: start a fresh record
                    renderer.log = renderer.env.log = ReadLog()
                else:  # many pages: the rest are carried into the staged folder as they are
                    rendered = {page.path for page in stale}
                    for page in plan:
                        if page.path not in rendered:
                            writer.carry(page.path)
                            records[page.path] = reads.pages[page.path]
                render_bodies(renderer, progress, options.workers)
                progress.step("numbering what pages read")
                first = prime_keys(renderer, resolver, stale, writer, progress, options.workers)
                render_fragments(renderer, resolver, first.partial_calls, progress, options.workers)
                progress.step("rendering pages", len(stale))
                progress.advance(len(first.records))
                records |= first.records | render_plan(
                    renderer, first.rest, writer, progress, options.workers
                )
            for rel_path, source in static.items():
                writer.copy(rel_path, source)
            # Before Pagefind: it indexes them as it does in place.
            if not in_place and not options.clean:
                listed = cache.load_outputs()
                others = files_of_others(output, set(listed or ()) | {p.path for p in plan} | set(static))
                for rel_path in others:
                    writer.carry(rel_path)
                if listed is None and others:  # the cache is gone: these may be brief's, or a CNAME
                    warnings.append(_kept_warning(config, others))
                    progress.note(f"warning: {warnings[-1]}")
            replaced = writer.pending if in_place else None
            if replaced is not None:
                cache.forget_pages(replaced)
            elif config.search and options.index_search:
                progress.step("indexing for search")
                index_site(writer.staging, output=output)
            elif config.search:  # keep the last index until the caller makes a new one: stale beats none
                writer.link_tree(INDEX_DIR)
            writer.commit(self.swap_lock)
            if not in_place and config.search and options.index_search:
                clear_search_lag(config.root, None)  # the index came with the pages
        except BaseException:
            writer.discard()
            raise
        finally:
            progress.done()
        # A template or static file saved again after it was hashed: the output may show either
        # version. It is recorded as unknown, so that the next build looks at it whatever it
        # holds then (briefs are recorded as they were read: load_site).
        briefs = set(brief_paths)
        raced = cache.changed_since_hashed([path for path in digests if path not in briefs])
        if raced or cache.read_again:  # the briefs are recorded as read (load_site)
            digests.update(dict.fromkeys(raced))
            fingerprint = inputs_fingerprint(digests, extra)
            build_key = _build_key(digests, config, options.drafts)
            if any(path.startswith(_template_folders(config)) for path in raced):
                # A template is read twice (its digest, then Jinja compiles it), and by each
                # worker that loads it first: pages may show another version than recorded.
                log = renderer.log
                _forget_values(log, {ref for ref, _ in log.keys if ref[0] == "template"})
        log = renderer.log
        entities = sum(len(t.terms) for t in site.entities.values())
        manifest.fingerprint, manifest.extra, manifest.output = fingerprint, extra, str(output)
        manifest.build_key, manifest.static = build_key, sorted(static)
        manifest.counts = (
            f"{_count(len(plan), 'page')} ({_count(len(site.pages), 'brief')},"
            f" {_count(len(site.tags.terms), 'tag')}, {_count(entities, 'entity', 'entities')})"
        )
        progress.step("saving the build cache")
        try:
            cache.save_outputs(output, [page.path for page in plan] + manifest.static, replaced)
            # Only briefs' text changed, and the pages rendered again read what the saved reads
            # say: save what brief serve saves. Not when a brief edited before the last build
            # is still newer than the reads: its keys would be checked, and its pages rendered,
            # at every build until the reads are saved.
            # Nor when a file was saved again during the build: new reads record what each read.
            if (
                text_refs is not None
                and in_place
                and not raced
                and unseen.keys() <= (edited or {}).keys()
                and all(record is not None for record in reads.pages.values())
                and all(set(reads.pages.get(page.path) or ()) == set(records[page.path]) for page in stale)
            ):
                bodies = renderer.stored_bodies
                slugs = {ref[1] for ref in text_refs if ref[0] == "body" and ref[1] in bodies}
                cache.save_text_edits({slug: bodies[slug] for slug in slugs})
            else:
                slugs = {item.brief.slug for item in site.brief_pages}
                cache.save(
                    {s: b for s, b in renderer.stored_bodies.items() if s in slugs},
                    lambda: text_records(site, log.keys, records),
                    Reads(log.keys, log.values, records, renderer.prerendered, files=seen_now),
                    {relative(p, config.root) for p in brief_paths},
                    lambda jobs: run_jobs(
                        jobs, progress, options.workers if len(brief_paths) >= MIN_FILES_FOR_POOL else 1
                    ),
                )
        except OSError as error:
            progress.note(f"warning: cannot write the build cache ({error}); the next build starts afresh")
        finally:
            writer.close()
        progress.done()
        result = BuildResult(
            config,
            time.perf_counter() - started,
            manifest.counts,
            site,
            plan,
            written=writer.written,
            unchanged=writer.unchanged,
            warnings=warnings,
            ingest=report,
        )
        warm = WarmBuild(config, cache, dict(digests), extra, site, plan, renderer, resolver, records)
        return result, warm


def _kept_warning(config: SiteConfig, others: list[str]) -> str:
    """Said when a build kept files it cannot tell from its own: without the build cache's list
    of the files the last build wrote (deleted, or kept by an older brief), a page of a brief
    deleted since looks like a file put there by hand. Keeping both loses nothing."""
    shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
    return (
        f"kept {_count(len(others), 'file')} in {config.output} that this build did not write ({shown}):"
        f" without {CACHE_DIR}/ brief cannot tell its old pages from files put there by hand"
        " (`brief build --clean` removes them)"
    )


def _search_lags(config: SiteConfig) -> bool:
    """Whether the output's search index is older than its pages (mark_search_lag) or missing
    (deleted by hand, or never made), and Pagefind is there to make it."""
    lags = search_lag(config.root) is not None or not (config.output_dir / INDEX_DIR).is_dir()
    return config.search and lags and pagefind_available()


def _template_folders(config: SiteConfig) -> tuple[str, ...]:
    return tuple(f"{folder}/" for folder in (config.templates_dir, theme_dir(config) / "templates"))


def _build_key(digests: dict[str, str | None], config: SiteConfig, drafts: bool) -> str:
    """What every page depends on: the input files that are not briefs or templates (those
    are keys of the pages that read them), drafts, the output folder, brief's version."""
    own = (f"{config.briefs_dir}/", *_template_folders(config))
    shared = [(path, digest) for path, digest in sorted(digests.items()) if not path.startswith(own)]
    return inputs_fingerprint({}, repr((shared, drafts, str(config.output_dir), __version__)))


def _stale_pages(
    plan: list[Page],
    records: dict[str, array | None],
    changed: set[int],
    output: Path,
    written: dict[str, tuple[int, ...] | None] | None,
) -> list[Page]:
    """Pages that are new, read a key whose value changed, or whose file is not as the last
    build left it (`written`, BuildCache.save_outputs: deleted or changed by hand; when not
    known, missing)."""
    out = str(output)  # plain strings: this runs for every page of every build
    if written is None:
        return [
            page
            for page in plan
            if (record := records.get(page.path)) is None
            or (changed and not changed.isdisjoint(record))
            or not os.path.isfile(f"{out}/{page.path}")
        ]
    return [
        page
        for page in plan
        if (record := records.get(page.path)) is None
        or (changed and not changed.isdisjoint(record))
        or output_signature(f"{out}/{page.path}") != written.get(page.path)
    ]


def _edited_briefs(cache: BuildCache, digests: dict[str, str | None], root: Path) -> dict[str, Brief] | None:
    """The briefs whose file changed since the last build, as they were then, by path; None when
    anything else changed (a brief added or removed, a template, site.yml) or is not known."""
    changed = cache.changed_files(digests)
    if changed is None:
        return None
    before = {}
    for path in changed:
        stored = cache.briefs.get(relative(path, root))
        if stored is None or stored[0] != cache.manifest.files[path][1]:
            return None  # not a brief, or not the one the last build read
        before[relative(path, root)] = stored[1]
    return before


def _briefs_seen(
    cache: BuildCache, digests: dict[str, str | None], brief_paths: list[str], root: Path
) -> tuple[dict[str, tuple[str | None, str]], dict[str, str | None]]:
    """Each brief file's digest and front-matter hash (by path from the site root), as the
    reads this build saves will have seen them (Reads.files); and the digest of the file the
    output shows, as the last build's manifest says (None for a brief new since)."""
    seen, shown = {}, {}
    output = cache.manifest.files
    for path in brief_paths:
        rel = relative(path, root)
        stored = cache.briefs.get(rel)
        seen[rel] = (digests.get(path), stored[1].meta_hash if stored is not None else "")
        entry = output.get(path)
        shown[rel] = entry[1] if entry is not None else None
    return seen, shown


def _keys_to_check(
    keys: list, text_refs: set[Ref] | None, seen: dict[str, tuple[str | None, str]], unseen: dict[str, str]
) -> list[int]:
    """The numbers of the keys whose value may differ now: those of `text_refs` when only
    briefs' text changed (_text_refs); else every key but those of brief files whose digest is
    the one the reads saw (in `seen`, not in `unseen`; a brief is parsed from its file alone, and
    what else it is parsed with is in the build key): 80,000 of 420,000 keys at 10,000 briefs, a fifth of the
    time, most of it fingerprinting bodies."""
    if text_refs is not None:
        return [n for n, (ref, _) in enumerate(keys) if ref in text_refs]
    same = {path for path in seen if path not in unseen}
    return [n for n, (ref, _) in enumerate(keys) if ref[0] != "file" or ref[1] not in same]


def _text_refs(site: Site, before: dict[str, Brief] | None, unseen: dict[str, str]) -> set[Ref] | None:
    """When only briefs' text changed (their front-matter is as it was, and no story's timeline
    uses them), the refs whose keys can have changed (as WarmBuild.text_edits): checking those
    only spares looking up every key the site read (3 s at 10,000 briefs); else None.

    Changed since the last build (`before`, by the manifest) and since the saved reads saw them
    (`unseen`, with the front-matter hash they saw): brief serve and a splice save no reads,
    and the manifest saved after them (by a build with nothing new, say) no longer tells which
    briefs the reads' values are older than.
    """
    if before is None:
        return None
    items = {item.brief.source_path: item for item in site.brief_pages}
    refs: set[Ref] = set()
    for path in before.keys() | unseen.keys():
        item = items.get(path)
        if item is None or item.story is not None:
            return None
        meta = item.brief.meta_hash
        if (path in before and meta != before[path].meta_hash) or (path in unseen and meta != unseen[path]):
            return None
        refs |= _text_edit_refs(item.brief)
    return refs


def _changed_since_reads(
    seen: dict[str, tuple[str | None, str]],
    now: dict[str, tuple[str | None, str]],
    shown: dict[str, str | None],
) -> tuple[dict[str, str], set[str]]:
    """The brief files that are not as the saved reads saw them, now or in the output, with
    the front-matter hash the reads saw; and those of them the output shows otherwise than the
    reads saw (brief serve, a splice and a build that kept the reads wrote them since)."""
    behind = {path for path, (digest, _) in seen.items() if path in shown and shown[path] != digest}
    unseen = {
        path: meta
        for path, (digest, meta) in seen.items()
        if now.get(path, (None, ""))[0] != digest or path in behind
    }
    return unseen, behind


def _forget_values(log: ReadLog, refs: set[Ref]) -> None:
    """Make the values of the keys of `refs` unknown (UNREAD), so that every page reading one
    of them is rendered again: the output may show another version of those objects than the
    values say, and comparing the values a build looks up with them would miss an edit undone
    since (its values are the recorded ones again, its pages show the edit)."""
    if not refs:
        return
    from brief.render.reads import UNREAD

    values = log.values
    for number, (ref, _) in enumerate(log.keys):
        if ref in refs:
            values[number] = UNREAD


def _text_edit_refs(brief: Brief) -> set[tuple[str, ...]]:
    """What a page can read of a brief whose text alone changed (render.reads): the one rule
    for WarmBuild.text_edits and for a build after such an edit (_text_refs)."""
    return {("item", brief.slug), ("file", brief.source_path), ("body", brief.slug)}


def text_records(site: Site, keys: list, records: dict[str, array]) -> dict[str, TextRecord]:
    """Where each brief's text shows and how it was read, by source path (builder.splice)."""
    from brief.render.reads import SPLICEABLE_FORMS, TEXT_FIELDS

    items = {item.brief.slug: item for item in site.brief_pages}
    slug_of_file = {item.brief.source_path: item.brief.slug for item in site.brief_pages}
    reads: dict[int, tuple[str, str]] = {}  # key number → (slug, form)
    for number, (ref, attribute) in enumerate(keys):
        if ref[0] == "body":
            reads[number] = (ref[1], attribute)
        elif attribute in TEXT_FIELDS and ref[0] in ("item", "file"):
            slug = ref[1] if ref[0] == "item" else slug_of_file.get(ref[1])
            if slug is not None:
                reads[number] = (slug, "used")  # the markdown itself, read by a template
    shown: dict[str, list[tuple[str, str]]] = {}
    wanted = set(reads)
    for path, record in records.items():
        for number in wanted.intersection(record):
            slug, form = reads[number]
            shown.setdefault(slug, []).append((path, form))
    texts = {}
    for slug, item in items.items():
        forms = sorted(shown.get(slug, []))
        # A story's timeline is made of its briefs' sentences: a text edit there needs the model.
        spliceable = item.story is None and all(
            form in SPLICEABLE_FORMS or form.startswith("adds:") for _, form in forms
        )
        url = site.config.absolute_url(item.url)
        texts[item.brief.source_path] = TextRecord(slug, url, item.brief.meta_hash, tuple(forms), spliceable)
    return texts


@dataclass(eq=False)
class WarmBuild:
    """A build kept in memory by `brief serve`: its model, renderer and records of reads."""

    config: SiteConfig
    cache: BuildCache
    digests: dict[str, str | None]  # every input file of the last build → its SHA-256
    extra: str
    site: Site
    plan: list[Page]
    renderer: Renderer
    resolver: Resolver
    records: dict[str, array | None]  # output path → the keys the page read
    indexed_keys: int = 0  # keys the index (see _index) holds

    @cached_property
    def _items(self) -> dict[str, BriefPage]:
        return {page.brief.source_path: page for page in self.site.brief_pages}

    @cached_property
    def _resolved(self) -> dict[Path, str]:
        # Made on the first edit, not by every build: resolving 10,000 paths takes time.
        return {Path(path).resolve(): path for path in self.digests}

    def page_for(self, path: str) -> BriefPage | None:
        return self._items.get(relative(path, self.config.root))

    @cached_property
    def _index(self) -> tuple[dict[tuple[str, ...], list[int]], dict[int, list[str]]]:
        """Key numbers by ref, and the pages that read each key: made once (0.5 s at 10,000
        briefs; brief serve makes it right after its first build), so that an edit finds the
        pages it touches without looking at every page."""
        by_ref: dict[tuple[str, ...], list[int]] = {}
        for number, (ref, _) in enumerate(self.renderer.log.keys):
            by_ref.setdefault(ref, []).append(number)
        self.indexed_keys = len(self.renderer.log.keys)
        readers: dict[int, list[str]] = {}
        for path, record in self.records.items():
            for number in record or ():
                readers.setdefault(number, []).append(path)
        return by_ref, readers

    @cached_property
    def _plan_index(self) -> dict[str, int]:
        return {page.path: number for number, page in enumerate(self.plan)}

    def is_current(self) -> bool:
        """Whether the build cache and the output are as this build left them: not when
        another process built the site since (brief build in another terminal), which leaves
        this model out of date, nor when the output was deleted (a text edit would write a few
        pages into an empty folder)."""
        return self.cache.saved_last() and (self.config.output_dir / "sitemap.xml").is_file()

    def prepare(self) -> None:
        """Make what an edit needs now, not on the first edit."""
        self._index  # noqa: B018
        self._plan_index  # noqa: B018
        self._items  # noqa: B018
        self._resolved  # noqa: B018

    def _keys_of(self, refs: set[tuple[str, ...]]) -> list[int]:
        by_ref = self._index[0]
        return [number for ref in refs for number in by_ref.get(ref, ())]

    def text_edits(self, changed: Iterable[Path], lock: AbstractContextManager | None) -> int | None:
        """Apply edits to briefs' text and say how many files were written; None when `changed`
        holds anything else (a new or deleted file, front-matter, a template, site.yml)."""
        from brief.builder.parallel import changed_keys
        from brief.content.load import read_brief_file

        digests = dict(self.digests)
        edited = []
        for changed_path in changed:
            name = str(changed_path)
            path = name if name in digests else self._resolved.get(changed_path.resolve())
            if path is None or not os.path.isfile(path):
                return None
            if file_digest(path) == digests[path]:
                continue
            page = self.page_for(path)
            if page is None or page.story is not None:
                return None  # not a brief shown on the site, or one whose text a story's timeline uses
            try:  # the digest of what is parsed: the editor may have saved the file again
                new, digest = read_brief_file(Path(path), self.config.root, self.config.input_zone)
            except BriefError:
                return None  # the full build reports it, with the others
            if new.meta_hash != page.brief.meta_hash:
                return None  # front-matter changed: lists, tags, relations may have too
            digests[path] = digest
            edited.append((page, new, digest, path))
        refs = set()
        for page, new, digest, path in edited:
            old = page.brief
            page.brief = new
            self.renderer.forget_body(new.slug)
            self.cache.put(new.source_path, digest, new)
            self.cache.file_replaced(path, digest)
            self.resolver.forget(("file", old.source_path))
            refs |= _text_edit_refs(new)
        log = self.renderer.log
        log.forget_objects()
        changed_numbers = changed_keys(log, self.resolver, Progress(quiet=True), 1, self._keys_of(refs))
        self.renderer.forget(changed_numbers)
        by_ref, readers = self._index
        paths = {path for number in changed_numbers for path in readers.get(number, ())}
        index = self._plan_index
        stale = [self.plan[i] for i in sorted(index[path] for path in paths if path in index)]
        lags = partial(mark_search_lag, self.config.root) if self.config.search else None
        writer = Writer(self.config.output_dir, False, lags)
        from brief.builder.parallel import render_plan

        before = {page.path: self.records.get(page.path) for page in stale}
        fresh = render_plan(self.renderer, stale, writer, Progress(quiet=True), 1)
        self.records.update(fresh)
        for path, record in fresh.items():  # keep the index right for the next edit
            old = before.get(path)
            for number in set(record) - set(old or ()):
                readers.setdefault(number, []).append(path)
        keys = self.renderer.log.keys
        for number in range(self.indexed_keys, len(keys)):
            by_ref.setdefault(keys[number][0], []).append(number)
        self.indexed_keys = len(keys)
        cache, manifest = self.cache, self.cache.manifest
        replaced = writer.pending
        cache.forget_pages(replaced)
        writer.commit(lock)
        cache.outputs_replaced(self.config.output_dir, replaced)
        self.digests = digests
        # The new bodies, so that a later `brief build` can splice into these pages.
        bodies = self.renderer.stored_bodies
        cache.update_bodies({new.slug: bodies[new.slug] for _, new, _, _ in edited if new.slug in bodies})
        manifest.fingerprint = inputs_fingerprint(digests, self.extra)
        # Where texts show is what the last full build recorded, unless a page now reads otherwise.
        manifest.texts_trusted = all(self.records.get(path) == record for path, record in before.items())
        cache.save_manifest(reads_saved=False)
        return writer.written
