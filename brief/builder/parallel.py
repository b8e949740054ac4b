"""The build's work per brief, per key and per page, on every core: forked workers share the
site model (nothing of it is pickled), write files and report what each page read
(render.reads). `fork_map` is the one way work goes to them."""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from markupsafe import Markup

from brief.builder.cache import file_digest
from brief.builder.writer import Writer
from brief.content.load import read_brief_file
from brief.errors import BriefError
from brief.model import Brief
from brief.processes import exit_with_parent, workers_available
from brief.progress import Progress
from brief.render.plan import Page
from brief.render.reads import REF_OF, Key, ReadLog, Ref, Resolver, context_id
from brief.render.renderer import Renderer, StoredBody
from brief.site.model import BriefPage
from brief.site.stories import BriefText, brief_text

# What forked workers inherit, (function, shared data): set just before a pool starts, never pickled.
_JOB: tuple[Callable[[Any, list[int]], Any], Any] | None = None
CHUNKS = 128
MIN_PAGES_FOR_POOL = 400  # below this, starting processes costs more than it saves
MIN_KEYS_FOR_POOL = 20_000  # keys to look up again (about 6 µs each)


@dataclass
class ChunkResult:
    worker: int  # its pid: key numbers from the fork on are the worker's own
    first: int  # the worker's number for the first of `new_keys`
    written: int
    unchanged: int
    made: list[tuple[Any, array]]  # what each unit made (a page's path, a fragment), and its keys
    own: list[int]  # the indexes in `made` of those whose keys include some the worker numbered
    new_keys: list[tuple[Any, Any]]  # (key, value) numbered by the worker since it last reported


Make = Callable[[int], tuple[Any, frozenset[int]]]  # a unit of work's number → (what it made, keys read)


def _render_chunk(job: tuple[Make, ReadLog, Writer | None, int], indexes: list[int]) -> ChunkResult:
    make, log, writer, base = job  # base: the keys numbered before the fork
    written_before = writer.written if writer is not None else 0
    unchanged_before = writer.unchanged if writer is not None else 0
    made = []
    own = []
    for index in indexes:
        label, keys = make(index)
        if keys and max(keys) >= base:  # found here, on the worker's core, not in the parent
            own.append(len(made))
        made.append((label, array("I", keys)))
    first = log.sent
    new_keys = log.new_keys()
    return ChunkResult(
        os.getpid(),
        first,
        (writer.written - written_before) if writer is not None else 0,
        (writer.unchanged - unchanged_before) if writer is not None else 0,
        made,
        own,
        new_keys,
    )


def _bodies(job: tuple[Renderer, list[BriefPage]], indexes: list[int]) -> list[tuple[str, StoredBody]]:
    renderer, items = job
    found = []
    for index in indexes:
        stored, still_right = renderer.stored_body(items[index])
        found.append((items[index].brief.slug, stored if still_right else renderer.render_body(items[index])))
    return found


def _chunks(count: int) -> list[list[int]]:
    """Runs of neighbouring pages: neighbours in the plan share cards, strips and feed entries,
    which each worker renders once and reuses. Measured at 10k briefs against chunks that
    interleaved the plan: page rendering 7.3–7.6 s against 8.5–12.0 s. Many small chunks keep
    both workers busy to the end."""
    size = max(1, count // CHUNKS)
    return [list(range(start, min(count, start + size))) for start in range(0, count, size)]


# A build makes many small objects that live to its end (the site model, the keys pages read):
# with the default thresholds the collector scans them again and again (a tenth of the time of
# rendering at 10,000 briefs, a third of relating and planning).
BUILD_THRESHOLDS = (50_000, 20, 1_000)


def _start_worker() -> None:
    exit_with_parent()
    gc.set_threshold(*BUILD_THRESHOLDS)


@contextmanager
def collector_for_building() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _work(indexes: list[int]) -> Any:
    assert _JOB is not None
    function, shared = _JOB
    return function(shared, indexes)


def fork_map(
    function: Callable[[Any, list[int]], Any],
    shared: Any,
    count: int,
    on_result: Callable[[Any, int], None],
    workers: int | None = None,
    minimum: int | None = None,
    progress: Progress | None = None,
) -> None:
    """`function(shared, indexes)` over runs of range(count), in forked workers that inherit
    `shared` (up to `workers`, as many as the work pays for); `on_result(result, number of
    indexes)` in this process as each run ends. With one worker, or fewer than `minimum`
    items, one run in this process. The time it takes counts as `progress`'s work on every core."""
    started = time.perf_counter()
    _map(function, shared, count, on_result, workers, MIN_PAGES_FOR_POOL if minimum is None else minimum)
    if progress is not None:
        progress.spread(time.perf_counter() - started)


def _map(
    function: Callable[[Any, list[int]], Any],
    shared: Any,
    count: int,
    on_result: Callable[[Any, int], None],
    workers: int | None,
    minimum: int,
) -> None:
    workers = min(workers or workers_available(), _workers_worth_starting(count, minimum))
    if workers < 2 or count < minimum or "fork" not in multiprocessing.get_all_start_methods():
        if count:
            on_result(function(shared, list(range(count))), count)
        return
    global _JOB
    _JOB = (function, shared)
    # The site model is read-only from here on: keep the collector away from it, so that forked
    # workers do not copy every memory page it would touch, nor spend time scanning it.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
        ) as pool:
            futures = {pool.submit(_work, chunk): len(chunk) for chunk in _chunks(count)}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_EXCEPTION, timeout=0.2)
                    for future in done:
                        on_result(future.result(), futures[future])  # re-raises a worker's error here
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _JOB = None
        gc.unfreeze()


def _workers_worth_starting(count: int, minimum: int) -> int:
    """How many workers `count` items pay for. `minimum` items are where starting a pool pays
    for itself; each further worker costs one more fork of the whole build in this process
    (20 ms at 10,000 briefs: 16 workers for each of 9 pools took 2.9 s of this process's
    time) and saves less than the one before, so the number worth starting grows as the
    square root of the work: 2·√(count/minimum), which is 2 at the minimum."""
    return max(2, round(2 * math.sqrt(count / minimum))) if minimum > 0 else count


def gather(
    function: Callable[[Any, list[int]], list[Any]],
    shared: Any,
    count: int,
    progress: Progress,
    workers: int | None = None,
    minimum: int | None = None,
) -> list[Any]:
    """fork_map's results, each run's list joined into one, in the order runs end."""
    found: list[Any] = []

    def collect(result: list[Any], items: int) -> None:
        found.extend(result)
        progress.advance(items)

    fork_map(function, shared, count, collect, workers, minimum, progress)
    return found


def render_bodies(renderer: Renderer, progress: Progress, workers: int | None = None) -> None:
    """Give the renderer every brief's body before pages are rendered, on every core.

    Bodies stored by an earlier build are reused when their key (the markdown, the entity links)
    is the same. The rest are rendered here, once: left to the page workers, a body would be
    rendered again in each worker whose feeds show it."""
    items = renderer.site.brief_pages
    progress.step("rendering markdown", len(items))
    renderer.add_bodies(gather(_bodies, (renderer, items), len(items), progress, workers))


@dataclass
class FirstPages:
    """What prime_keys rendered before the page workers fork."""

    records: dict[str, array]  # the keys each of them read, by output path
    rest: list[Page]  # the pages left to render
    partial_calls: list[tuple[str, dict[str, object]]]  # the fragments they made (render_fragments)


def prime_keys(
    renderer: Renderer,
    resolver: Resolver,
    plan: list[Page],
    writer: Writer,
    progress: Progress,
    workers: int | None = None,
) -> FirstPages:
    """Before the page workers fork: render the first page of each kind here, then number the
    keys those pages read for every object of the same kinds (render.reads), and look up their
    values, on every core. Otherwise each worker finds and sends back the same keys (260,000
    per worker at 10,000 briefs), and this process numbers every worker's keys after them;
    and each worker fingerprints the value of each key it reads first, most of them read in
    every worker: the cost grows with the number of workers. Looked up once, each key costs
    one fingerprint, wherever a page reads it (a page reads what the Resolver looks up: the
    next build compares the two). Nothing is rendered when no pool will render the pages."""
    workers = workers or workers_available()
    if not writer.staged or workers < 2 or len(plan) < MIN_PAGES_FOR_POOL:
        return FirstPages({}, plan, [])
    firsts: dict[str, Page] = {}
    for page in plan:
        if page.template is not None:  # feeds and the sitemap read what list pages read
            firsts.setdefault(page.kind, page)
    records = {}
    renderer.partial_calls = calls = []
    try:
        for page in firsts.values():  # this also compiles, once, the templates the workers will use
            data, keys = renderer.render(page)
            writer.write(page.path, data)
            records[page.path] = array("I", keys)
    finally:
        renderer.partial_calls = None
    log = renderer.log
    read: defaultdict[str, set[str]] = defaultdict(set)  # the attributes read of each kind of object
    for ref, attribute in log.keys:
        if not attribute.startswith("adds:"):  # a form named by one brief's summary
            read[ref[0]].add(attribute)
    unread = [
        number
        for kind, attributes in read.items()
        for number in log.prime(resolver.objects(kind), attributes)
    ]
    changed_keys(log, resolver, progress, workers, unread)
    return FirstPages(records, [page for page in plan if page.path not in records], calls)


def render_plan(
    renderer: Renderer, plan: list[Page], writer: Writer, progress: Progress, workers: int | None = None
) -> dict[str, array]:
    """Render `plan` into `writer`, with several cores in forked worker processes (staged
    writers only: the workers write the files); each page's keys, numbered in the parent's log."""

    def write(index: int) -> tuple[str, frozenset[int]]:
        page = plan[index]
        data, keys = renderer.render(page)
        writer.write(page.path, data)
        return page.path, keys

    workers = workers or workers_available()
    if not writer.staged or workers < 2 or len(plan) < MIN_PAGES_FOR_POOL:
        started = time.perf_counter()
        records: dict[str, array] = {}
        for index in range(len(plan)):
            path, keys = write(index)
            records[path] = array("I", keys)
            progress.advance()
        if writer.staged:  # the work fork_map would share out with more workers
            progress.spread(time.perf_counter() - started)
        return records
    return dict(_pooled(write, len(plan), renderer.log, writer, progress, workers))


def render_fragments(
    renderer: Renderer,
    resolver: Resolver,
    calls: list[tuple[str, dict[str, object]]],
    progress: Progress,
    workers: int | None = None,
) -> None:
    """Before the page workers fork: make, on every core, the fragments of the first pages'
    partial_cached `calls` for every brief or term those calls could show.

    A brief's card is on a dozen list pages of every kind, so each worker needed nearly every
    card, and rendered it again: at 10,000 briefs, 2 workers rendered 59,000 fragments for
    the 32,000 one process renders. Made here, each is rendered once and every worker
    inherits it. A call is taken as a pattern when its context holds one brief or term and
    plain values otherwise: the same call is made for every brief, or every term of the
    same taxonomy (a fragment of a page or a period shows on one page: nothing to share)."""
    patterns: dict[tuple, tuple[str, str, Ref, dict[str, object]]] = {}
    for name, context in calls:
        listed = [
            (field, REF_OF[type(value)](value)) for field, value in context.items() if type(value) in REF_OF
        ]
        if len(listed) != 1 or listed[0][1][0] not in ("item", "term") or context_id(context) is None:
            continue
        field, ref = listed[0]
        rest = context_id({other: value for other, value in context.items() if other != field})
        patterns.setdefault((name, field, ref[:-1], rest), (name, field, ref, context))
    todo: dict[tuple[str, tuple], tuple[str, dict[str, object]]] = {}
    for name, field, ref, context in patterns.values():
        for other, obj in resolver.objects(ref[0]):
            if other[:-1] == ref[:-1]:
                variant = {**context, field: obj}
                named = (name, context_id(variant))
                if named not in renderer.prerendered:  # kept from the last build: its keys did not change
                    todo.setdefault(named, (name, variant))
    workers = workers or workers_available()
    if workers < 2 or len(todo) < MIN_PAGES_FOR_POOL:
        return
    units = list(todo.values())
    progress.step("rendering what pages share", len(units))

    def make(index: int) -> tuple[tuple[int, Markup], frozenset[int]]:
        html, keys = renderer.render_partial(*units[index])
        return (index, html), keys

    names = list(todo)
    made = _pooled(make, len(units), renderer.log, None, progress, workers)
    renderer.prerendered.update((names[index], (html, frozenset(keys))) for (index, html), keys in made)


def _pooled(
    make: Make, count: int, log: ReadLog, writer: Writer | None, progress: Progress, workers: int
) -> list[tuple[Any, array]]:
    """make(0 … count-1) in forked workers: what each made, with the keys it read numbered in
    this process's log."""
    log.sent = base = len(log.keys)
    results: list[ChunkResult] = []

    def collect(result: ChunkResult, units: int) -> None:
        if writer is not None:
            writer.written += result.written
            writer.unchanged += result.unchanged
        results.append(result)
        progress.advance(units)

    fork_map(_render_chunk, (make, log, writer, base), count, collect, workers, progress=progress)
    # A worker numbers the keys it meets in its own order: number them in the parent's log, in
    # the order each worker met them (chunks may arrive out of order).
    own: dict[int, list[int]] = {}  # worker → the parent's number for each of its own numbers
    for result in sorted(results, key=lambda r: (r.worker, r.first)):
        own.setdefault(result.worker, []).extend(log.key_ids(result.new_keys))
    log.sent = len(log.keys)
    # The first worker's keys were all new here, so its numbers are the parent's; the others'
    # are renumbered, here, in what they made with keys of their own (the worker says which):
    # most keys were primed before the fork (prime_keys) and have the same number everywhere.
    tables = {
        worker: list(range(base)) + numbers
        for worker, numbers in own.items()
        if numbers != list(range(base, base + len(numbers)))
    }
    found = []
    for result in results:
        table = tables.get(result.worker)
        made = result.made
        if table is not None:
            for index in result.own:
                label, keys = made[index]
                made[index] = label, array("I", map(table.__getitem__, keys))
        found.extend(made)
    return found


def _changed_chunk(
    job: tuple[Resolver, list[Key], list[Any], list[int] | range], indexes: list[int]
) -> list[tuple[int, Any]]:
    resolver, keys, values, numbers = job
    value = resolver.value
    found = []
    for index in indexes:
        number = numbers[index]
        if (now := value(keys[number])) != values[number]:
            found.append((number, now))
    return found


def changed_keys(
    log: ReadLog,
    resolver: Resolver,
    progress: Progress,
    workers: int | None = None,
    numbers: list[int] | None = None,
) -> set[int]:
    """The numbers of the log's keys (all, or `numbers`) whose value differs in the new model
    (render.reads), their new values put into the log; on every core, as each key is looked up
    and hashed on its own (at 10,000 briefs, 385,000 keys took 2.4 s on one core)."""
    todo = range(len(log.keys)) if numbers is None else numbers
    job = (resolver, log.keys, log.values, todo)
    found = gather(_changed_chunk, job, len(todo), progress, workers, MIN_KEYS_FOR_POOL)
    for number, now in found:
        log.values[number] = now
    return {number for number, _ in found}


def _run_chunk(jobs: list[Callable[[], None]], indexes: list[int]) -> None:
    for index in indexes:
        jobs[index]()


def run_jobs(jobs: list[Callable[[], None]], progress: Progress, workers: int | None = None) -> None:
    """Jobs that need nothing back (writing the build cache's files), on every core."""
    fork_map(_run_chunk, jobs, len(jobs), lambda *_: None, workers, 2, progress)


def _hash_chunk(paths: list[str], indexes: list[int]) -> list[tuple[int, str | None]]:
    return [(index, file_digest(paths[index])) for index in indexes]


def hash_files(paths: list[str], progress: Progress, workers: int | None = None) -> list[str | None]:
    """SHA-256 of each file, on every core (a first build hashes every brief)."""
    digests = dict(gather(_hash_chunk, paths, len(paths), progress, workers))
    return [digests[index] for index in range(len(paths))]


ParseJob = tuple[list[Path], Path, tzinfo, "tzinfo | None", bool]


@dataclass
class ParsedBrief:
    brief: Brief
    digest: str  # of the bytes parsed (read_brief_file)
    text: BriefText | None  # what stories need of its text


def _parse_chunk(job: ParseJob, indexes: list[int]) -> list[tuple[int, ParsedBrief | None]]:
    paths, root, zone, site_zone, stories = job
    parsed: list[tuple[int, ParsedBrief | None]] = []
    for index in indexes:
        try:
            brief, digest = read_brief_file(paths[index], root, zone)
        except BriefError:
            parsed.append((index, None))  # read again by load_briefs, which reports it
            continue
        parsed.append((index, ParsedBrief(brief, digest, brief_text(brief, site_zone) if stories else None)))
    return parsed


def parse_briefs(
    paths: list[Path],
    root: Path,
    zone: tzinfo,
    site_zone: tzinfo | None,
    stories: bool,
    progress: Progress,
    workers: int | None = None,
) -> dict[Path, ParsedBrief]:
    """Parse briefs, and read what stories need of their text, on every core (a cold build:
    10,000 take 2 s and 5 s on one). A brief with an error is left out: load_briefs reports it."""
    job = (paths, root, zone, site_zone, stories)
    found = gather(_parse_chunk, job, len(paths), progress, workers)
    return {paths[index]: parsed for index, parsed in found if parsed is not None}
