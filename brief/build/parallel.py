"""Render the page plan on every core: forked workers share the site model and write files."""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

from brief.build.output import StagedOutput
from brief.progress import Progress
from brief.render.plan import Page
from brief.render.renderer import Renderer

# What forked workers inherit: set just before the pool starts, never pickled.
_JOB: tuple[Renderer, list[Page], StagedOutput] | None = None
CHUNK = 64
MIN_PAGES_FOR_POOL = 400  # below this, starting processes costs more than it saves


def _render_chunk(indexes: list[int]) -> tuple[int, int]:
    assert _JOB is not None
    renderer, plan, staged = _JOB
    written_before, unchanged_before = staged.written, staged.unchanged
    for index in indexes:
        page = plan[index]
        staged.write(page.path, renderer.render(page))
    return staged.written - written_before, staged.unchanged - unchanged_before


def workers_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_plan(
    renderer: Renderer, plan: list[Page], staged: StagedOutput, progress: Progress, workers: int | None = None
) -> None:
    """Render every page into `staged`; with several cores, in forked worker processes."""
    global _JOB
    workers = workers or workers_available()
    methods = multiprocessing.get_all_start_methods()
    if workers <= 1 or len(plan) < MIN_PAGES_FOR_POOL or "fork" not in methods:
        for page in plan:
            staged.write(page.path, renderer.render(page))
            progress.advance()
        return
    # Interleave so that every chunk mixes cheap and expensive pages.
    chunks = [
        list(range(start, len(plan), len(plan) // CHUNK + 1)) for start in range(len(plan) // CHUNK + 1)
    ]
    chunks = [c for c in chunks if c]
    _JOB = (renderer, plan, staged)
    # The site model is read-only from here on: keep the collector away from it, so that forked
    # workers do not copy every memory page it would touch, nor spend time scanning it.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_render_chunk, chunk): len(chunk) for chunk in chunks}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_EXCEPTION, timeout=0.2)
                    for future in done:
                        written, unchanged = future.result()  # re-raises a worker's error here
                        staged.written += written
                        staged.unchanged += unchanged
                        progress.advance(futures[future])
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _JOB = None
        gc.unfreeze()
