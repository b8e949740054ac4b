"""`brief ingest`: find the inputs, read and annotate them on every core, write each brief
here; report every outcome."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from brief.config import SiteConfig, load_config
from brief.content.entities import read_entities_file
from brief.errors import BriefError
from brief.ingest.entities.canonical import Catalogue
from brief.ingest.inbox import PROCESSED, inbox_files, settled, stat_key
from brief.ingest.inputs import expand, plan_units
from brief.ingest.jobs import Cluster, InProcess, Job, LocalPool, Runner, chunks, resolve_backend, run_chunks
from brief.ingest.tags import TagRule
from brief.ingest.write import BriefStore
from brief.lock import site_lock
from brief.processes import workers_available
from brief.progress import Progress


@dataclass(frozen=True)
class IngestOptions:
    date: datetime | None = None  # the publication time of articles that carry none
    backend: str | None = None  # entity recogniser: rules, spacy, auto (default: site.yml's)
    dry_run: bool = False
    workers: int | None = None  # local processes (default: one per core; 1: this process alone)
    cluster: str | None = None  # a Dask scheduler's address, or "local"
    shared_fs: bool = False  # the cluster's workers read the inputs from their paths


@dataclass
class IngestReport:
    outcomes: dict[str, list[Path]] = field(
        default_factory=lambda: {k: [] for k in ("written", "duplicate", "updated", "unchanged", "incoming")}
    )
    failed: list[BriefError] = field(default_factory=list)
    # Inbox files still being written: left where they are, for the next run.
    waiting: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    # Of those, the work only this process does, one thing after another: planning the units,
    # indexing the briefs on disk, deciding duplicates and slugs, writing. What more workers
    # cannot shorten (Amdahl's serial part).
    serial_seconds: float = 0.0
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


def ingest(
    root: Path,
    inputs: list[str] | None = None,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    config: SiteConfig | None = None,
    **settings: object,
) -> IngestReport:
    """Ingest `inputs` (files, folders, URLs, `-`), or the inbox when there are none
    (`settings` are IngestOptions' fields, for short)."""
    options = options or IngestOptions(**settings)  # type: ignore[arg-type]
    config = config or load_config(root)
    with site_lock(config.root):
        return _ingest(config, inputs, options, progress or Progress(quiet=True))


def _ingest(
    config: SiteConfig, inputs: list[str] | None, options: IngestOptions, progress: Progress
) -> IngestReport:
    started = time.perf_counter()
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
    settings = config.ingest
    job = Job(
        config=config,
        backend=resolve_backend(options.backend or settings.backend),
        catalogue=load_catalogue(config),
        tag_rules=tuple(
            TagRule(r.tag, re.compile(r.keyword, re.I) if r.keyword else None, r.entity)
            for r in settings.tag_rules
        ),
        fallback_date=options.date,
        verbose=progress.timings,
    )
    report.backend = job.backend
    before = {item: stat_key(Path(item)) for item in items} if from_inbox else {}
    serial_started = time.perf_counter()
    units = list(plan_units(items))
    store = BriefStore(config.briefs_dir, config.zone)
    report.serial_seconds = time.perf_counter() - serial_started
    runner = _runner(options, len(units), job)
    progress.step("ingesting", sum(unit.articles for unit in units))
    # Workers read and annotate; saving stays here, in the inputs' order, so that slugs,
    # duplicates and outcomes are what one process gives.
    failed_items: set[str] = set()
    try:
        # An inbox file is settled after its last unit (a JSON Lines file is several).
        last_unit = {unit.item: index for index, unit in enumerate(units)}
        results = run_chunks(job, chunks(units, runner.workers), runner)
        pairs = ((u, r) for chunk, rs in results for u, r in zip(chunk, rs, strict=True))
        for index, (unit, unit_results) in enumerate(pairs):
            for result in unit_results:
                if isinstance(result, BriefError):
                    report.failed.append(result)
                    failed_items.add(unit.item)
                    continue
                saving = time.perf_counter()
                try:
                    outcome, path = store.save(result, dry_run=options.dry_run)
                except BriefError as error:
                    report.failed.append(error)
                    failed_items.add(unit.item)
                    continue
                finally:
                    report.serial_seconds += time.perf_counter() - saving
                report.outcomes[outcome].append(path)
            if from_inbox and last_unit[unit.item] == index:
                _settle_inbox_file(Path(unit.item), before, failed_items, options.dry_run, report, config)
            progress.advance(unit.articles)
    finally:
        runner.close()
    progress.done()
    report.seconds = time.perf_counter() - started
    return report


def _runner(options: IngestOptions, units: int, job: Job) -> Runner:
    workers = options.workers or workers_available()
    if options.cluster:
        return Cluster(options.cluster, workers, options.shared_fs)
    if min(workers, units) <= 1:
        return InProcess()
    return LocalPool(min(workers, units), job)


def _settle_inbox_file(
    path: Path, before: dict, failed_items: set[str], dry_run: bool, report: IngestReport, config: SiteConfig
) -> None:
    if stat_key(path) != before[str(path)]:
        report.waiting.append(path)  # written to while it was read: read it again next time
    elif str(path) not in failed_items and not dry_run:
        _move_to_processed(path, config)


def _move_to_processed(path: Path, config: SiteConfig) -> None:
    inbox = config.inbox_dir
    target = inbox / PROCESSED / path.relative_to(inbox)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = target.with_name(f"{target.stem}-{int(time.time())}{target.suffix}")
    shutil.move(str(path), target)
