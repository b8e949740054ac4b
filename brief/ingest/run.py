"""`brief ingest`: find the inputs, read, annotate and write each article; report every outcome."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from brief.config import SiteConfig, load_config
from brief.content.entities import read_entities_file
from brief.errors import BriefError, excerpt
from brief.ingest.annotate import Annotator
from brief.ingest.entities import get_recognizer
from brief.ingest.entities.canonical import Catalogue
from brief.ingest.inbox import PROCESSED, inbox_files, settled, stat_key
from brief.ingest.model import Annotated, RawArticle
from brief.ingest.readers import JSON_LINES_SUFFIXES, SUPPORTED, read_bytes, read_html, stream_json_lines
from brief.ingest.tags import TagRule
from brief.ingest.write import BriefStore
from brief.lock import site_lock
from brief.processes import exit_with_parent, workers_available
from brief.progress import Progress


@dataclass
class IngestReport:
    outcomes: dict[str, list[Path]] = field(
        default_factory=lambda: {k: [] for k in ("written", "duplicate", "updated", "unchanged", "incoming")}
    )
    failed: list[BriefError] = field(default_factory=list)
    # Inbox files still being written: left where they are, for the next run.
    waiting: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    backend: str = ""

    @property
    def articles(self) -> int:
        return sum(len(v) for v in self.outcomes.values()) + len(self.failed)

    def summary(self) -> str:
        o = self.outcomes
        text = (
            f"ingested {self.articles} article(s): {len(o['written'])} new, "
            f"{len(o['duplicate'])} also-reported, {len(o['updated'])} updated, "
            f"{len(o['unchanged'])} unchanged, {len(o['incoming'])} incoming, {len(self.failed)} failed "
            f"in {self.seconds:.2f} s"
        )
        if self.waiting:
            text += f"; {len(self.waiting)} still being written, left in the inbox"
        return text


def load_catalogue(config: SiteConfig) -> Catalogue:
    return Catalogue.from_data(read_entities_file(config.root))


def _sniff_suffix(data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if head.startswith((b"{", b"[")):
        return ".json"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return ".xml"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
        return ".html"
    return ".txt"


def _fetch_page(url: str, config: SiteConfig) -> RawArticle:
    """A page linked from a feed entry: a link found in content, never trusted with internal hosts."""
    from brief.ingest.fetch import fetch

    fetched = fetch(url, allow_internal=config.ingest.fetch_private)
    return read_html(fetched.data, url, config.input_zone, url=fetched.url)


def expand(items: list[str]) -> list[str]:
    """Folders become the supported files in them, recursively; everything else stays."""
    expanded: list[str] = []
    for item in items:
        path = Path(item)
        if not item.startswith(("http://", "https://")) and path.is_dir():
            expanded.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED
            )
        else:
            expanded.append(item)
    return expanded


def read_input(item: str, config: SiteConfig) -> Iterator[tuple[str, list[RawArticle | BriefError]]]:
    """(origin, articles or errors) for each file the input names."""
    if item == "-":
        data = sys.stdin.buffer.read()
        yield "-", _read(data, "<stdin>", _sniff_suffix(data), config)
        return
    if item.startswith(("http://", "https://")):
        from brief.ingest.fetch import fetch

        fetched = fetch(item, typed=True, allow_internal=config.ingest.fetch_private)
        if (
            fetched.content_type
            in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
            or _sniff_suffix(fetched.data) == ".xml"
        ):
            from brief.ingest.feeds import read_feed

            yield (
                item,
                read_feed(fetched.data, item, config.input_zone, fetch=lambda u: _fetch_page(u, config)),
            )
        else:
            yield item, [read_html(fetched.data, item, config.input_zone, url=fetched.url)]
        return
    path = Path(item)
    if not path.exists():
        raise BriefError("no such file or folder", path=item, hint="check the path, or pass an http(s) URL")
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        try:
            yield item, list(stream_json_lines(path, item, config.input_zone))
        except OSError as error:
            raise BriefError(f"cannot read: {error.strerror}", path=item) from None
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BriefError(f"cannot read: {error.strerror}", path=item) from None
    suffix = path.suffix.lower() if path.suffix.lower() in SUPPORTED else _sniff_suffix(data)
    yield item, _read(data, item, suffix, config)


def _read(data: bytes, origin: str, suffix: str, config: SiteConfig) -> list[RawArticle | BriefError]:
    if suffix in (".xml", ".rss", ".atom"):
        from brief.ingest.feeds import read_feed

        return read_feed(data, origin, config.input_zone, fetch=lambda u: _fetch_page(u, config))
    return read_bytes(data, origin, suffix, config.input_zone)


def ingest(
    root: Path,
    inputs: list[str] | None = None,
    date: datetime | None = None,
    backend: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    config: SiteConfig | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest `inputs` (files, folders, URLs, `-`), or the inbox when there are none, reading
    on `workers` processes (default: one per core; 1: this process alone)."""
    config = config or load_config(root)
    with site_lock(config.root):
        return _ingest(config, inputs, date, backend, dry_run, progress or Progress(quiet=True), workers)


def _ingest(
    config: SiteConfig,
    inputs: list[str] | None,
    date: datetime | None,
    backend: str | None,
    dry_run: bool,
    progress: Progress,
    workers: int | None = None,
) -> IngestReport:
    started = time.perf_counter()
    settings = config.ingest
    from_inbox = not inputs
    report = IngestReport()
    if from_inbox:
        ready, report.waiting = settled(inbox_files(config))
        items = [str(p) for p in ready]
    else:
        items = expand(list(inputs or []))
    if not items:
        report.seconds = time.perf_counter() - started
        return report
    recognizer = get_recognizer(backend or settings.backend)
    report.backend = recognizer.name
    import re

    annotator = Annotator(
        recognizer=recognizer,
        catalogue=load_catalogue(config),
        boilerplate=settings.boilerplate,
        tag_rules=[
            TagRule(r.tag, re.compile(r.keyword, re.I) if r.keyword else None, r.entity)
            for r in settings.tag_rules
        ],
        fallback_date=date,
    )
    store = BriefStore(config.briefs_dir, config.zone)
    progress.step("ingesting", len(items))
    before = {item: stat_key(Path(item)) for item in items} if from_inbox else {}
    verbose = progress.timings
    # Reading and annotating run on every core; saving stays here, one file after another in
    # the inputs' order, so that slugs, duplicates and outcomes are what one process gives.
    for item, results in _read_all(items, config, annotator, verbose, workers):
        file_failed = False
        for result in results:
            if isinstance(result, BriefError):
                report.failed.append(result)
                file_failed = True
                continue
            try:
                outcome, path = store.save(result, dry_run=dry_run)
            except BriefError as error:
                report.failed.append(error)
                file_failed = True
                continue
            report.outcomes[outcome].append(path)
        if from_inbox and stat_key(Path(item)) != before[item]:
            report.waiting.append(Path(item))  # written to while it was read: read it again next time
        elif from_inbox and not file_failed and not dry_run:
            _move_to_processed(Path(item), config)
        progress.advance()
    progress.done()
    report.seconds = time.perf_counter() - started
    return report


def read_and_annotate(
    item: str, config: SiteConfig, annotator: Annotator, verbose: bool = False
) -> list[Annotated | BriefError]:
    """One input's articles, annotated, or the errors that stopped them; writes nothing."""
    found: list[Annotated | BriefError] = []
    try:
        for _origin, results in read_input(item, config):
            for result in results:
                if isinstance(result, BriefError):
                    found.append(result)
                    continue
                try:
                    found.append(annotator(result))
                except BriefError as error:
                    found.append(error)
    except BriefError as error:
        if error.path is None:
            error.path = item
        found.append(error)
    except Exception as error:  # a reader's own bug on hostile input: this file fails, not the run
        found.append(
            BriefError(
                f"cannot be read: {type(error).__name__}: {excerpt(str(error))}",
                path=item,
                hint="run with -v for details, and report it if the file looks sound",
            )
        )
        if verbose:
            import traceback

            traceback.print_exc()
    return found


# What forked workers inherit: set just before a pool starts (the model is loaded once, in the
# parent, and shared), never pickled.
_JOB: tuple[SiteConfig, Annotator, bool] | None = None
CHUNKS_PER_WORKER = 4


def _read_chunk(items: list[str]) -> list[list[Annotated | BriefError]]:
    assert _JOB is not None
    config, annotator, verbose = _JOB
    return [read_and_annotate(item, config, annotator, verbose) for item in items]


def _read_all(
    items: list[str], config: SiteConfig, annotator: Annotator, verbose: bool, workers: int | None
) -> Iterator[tuple[str, list[Annotated | BriefError]]]:
    """(item, its results) in the items' order: in this process, or on `workers` processes."""
    workers = min(workers or workers_available(), len(items))
    # Standard input is this process's own; read it here.
    if workers <= 1 or "-" in items:
        for item in items:
            yield item, read_and_annotate(item, config, annotator, verbose)
        return
    size = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    results = _run_chunks(chunks, config, annotator, verbose, workers)
    for chunk, chunk_results in zip(chunks, results, strict=True):
        yield from zip(chunk, chunk_results, strict=True)


def _run_chunks(
    chunks: list[list[str]], config: SiteConfig, annotator: Annotator, verbose: bool, workers: int
) -> list[list[list[Annotated | BriefError]]]:
    """Every chunk's results. When a worker dies (killed, out of memory) the pool breaks and
    every chunk still in it fails with it; each of those runs once more in a pool of its own,
    so that only a chunk whose worker dies again is reported, file by file, and the rest stand."""
    done: dict[int, list[list[Annotated | BriefError]]] = {}
    failed = _in_pool(chunks, range(len(chunks)), config, annotator, verbose, workers, done)
    for index in failed:  # rare: one at a time, each alone
        if _in_pool(chunks, [index], config, annotator, verbose, 1, done):
            done[index] = [
                [
                    BriefError(
                        "the process reading it died (killed or out of memory)",
                        path=item,
                        hint="ingest it again",
                    )
                ]
                for item in chunks[index]
            ]
    return [done[index] for index in range(len(chunks))]


def _in_pool(
    chunks: list[list[str]],
    indexes: Iterable[int],
    config: SiteConfig,
    annotator: Annotator,
    verbose: bool,
    workers: int,
    done: dict[int, list[list[Annotated | BriefError]]],
) -> list[int]:
    """Run these chunks on a fresh pool of forked workers into `done`; the ones that failed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _JOB
    _JOB = (config, annotator, verbose)
    failed = []
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=exit_with_parent
        ) as pool:
            futures = {index: pool.submit(_read_chunk, chunks[index]) for index in indexes}
            for index, future in futures.items():
                try:
                    done[index] = future.result()
                except BrokenProcessPool:
                    failed.append(index)
    finally:
        _JOB = None
    return failed


def _move_to_processed(path: Path, config: SiteConfig) -> None:
    inbox = config.inbox_dir
    target = inbox / PROCESSED / path.relative_to(inbox)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = target.with_name(f"{target.stem}-{int(time.time())}{target.suffix}")
    shutil.move(str(path), target)
