"""Render the page plan on every core: forked workers share the site model and write files."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from brief.build.output import StagedOutput
from brief.processes import exit_with_parent, workers_available
from brief.progress import Progress
from brief.render.plan import Page
from brief.render.renderer import Renderer, StoredBody
from brief.site.model import BriefPage

# What forked workers inherit: set just before a pool starts, never pickled.
_JOB: tuple[Renderer, list[Any], StagedOutput | None] | None = None
CHUNKS = 128
MIN_PAGES_FOR_POOL = 400  # below this, starting processes costs more than it saves


def _render_chunk(indexes: list[int]) -> tuple[int, int]:
    assert _JOB is not None
    renderer, plan, staged = _JOB
    assert staged is not None
    written_before, unchanged_before = staged.written, staged.unchanged
    for index in indexes:
        page = plan[index]
        staged.write(page.path, renderer.render(page))
    return staged.written - written_before, staged.unchanged - unchanged_before


def _render_bodies(indexes: list[int]) -> list[tuple[str, StoredBody]]:
    assert _JOB is not None
    renderer, items, _ = _JOB
    return [(items[i].brief.slug, renderer.render_body(items[i])) for i in indexes]


def _chunks(count: int) -> list[list[int]]:
    """Runs of neighbouring pages: neighbours in the plan share cards, strips and feed entries,
    which each worker renders once and reuses. Measured at 10k briefs against chunks that
    interleaved the plan: page rendering 7.3–7.6 s against 8.5–12.0 s. Many small chunks keep
    both workers busy to the end."""
    size = max(1, count // CHUNKS)
    return [list(range(start, min(count, start + size))) for start in range(0, count, size)]


@contextmanager
def _forked_pool(job: tuple[Renderer, list[Any], StagedOutput | None], workers: int) -> Iterator[Any]:
    global _JOB
    _JOB = job
    # The site model is read-only from here on: keep the collector away from it, so that forked
    # workers do not copy every memory page it would touch, nor spend time scanning it.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=exit_with_parent
        ) as pool:
            yield pool
    finally:
        _JOB = None
        gc.unfreeze()


def _run(
    pool: Any, function: Callable[[list[int]], Any], count: int, on_result: Callable[[Any, int], None]
) -> None:
    futures = {pool.submit(function, chunk): len(chunk) for chunk in _chunks(count)}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION, timeout=0.2)
            for future in done:
                on_result(future.result(), futures[future])  # re-raises a worker's error here
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise


def _use_pool(workers: int, count: int) -> bool:
    return workers > 1 and count >= MIN_PAGES_FOR_POOL and "fork" in multiprocessing.get_all_start_methods()


def render_bodies(renderer: Renderer, progress: Progress, workers: int | None = None) -> None:
    """Give the renderer every brief's body before pages are rendered, on every core.

    Bodies stored by an earlier build are reused. The rest are rendered here, once: left to the
    page workers, a body would be rendered again in each worker whose feeds show it."""
    workers = workers or workers_available()
    todo: list[BriefPage] = []
    for item in renderer.site.brief_pages:
        stored, still_right = renderer.stored_body(item)
        if still_right:
            renderer.add_bodies([(item.brief.slug, stored)])
        else:
            todo.append(item)
    if not todo:
        return
    progress.step("rendering markdown", len(todo))
    if not _use_pool(workers, len(todo)):
        for item in todo:
            renderer.add_bodies([(item.brief.slug, renderer.render_body(item))])
            progress.advance()
        return
    with _forked_pool((renderer, todo, None), workers) as pool:
        _run(
            pool,
            _render_bodies,
            len(todo),
            lambda rendered, n: (renderer.add_bodies(rendered), progress.advance(n)),
        )


def render_plan(
    renderer: Renderer, plan: list[Page], staged: StagedOutput, progress: Progress, workers: int | None = None
) -> None:
    """Render every page into `staged`; with several cores, in forked worker processes."""
    workers = workers or workers_available()
    if not _use_pool(workers, len(plan)):
        for page in plan:
            staged.write(page.path, renderer.render(page))
            progress.advance()
        return

    def count(result: tuple[int, int], pages: int) -> None:
        staged.written += result[0]
        staged.unchanged += result[1]
        progress.advance(pages)

    with _forked_pool((renderer, plan, staged), workers) as pool:
        _run(pool, _render_chunk, len(plan), count)
