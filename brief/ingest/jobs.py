"""Ingest's work in chunks, run where the cores are: this process, a pool of local processes,
or a Dask cluster.

Workers read and annotate; they write nothing. The process that started the run gets each
chunk's results back in the inputs' order and saves every brief itself, so that slugs,
duplicates and outcomes are what one process gives, whoever did the reading.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from brief.config import SiteConfig
from brief.errors import BriefError, excerpt
from brief.ingest.annotate import Annotator
from brief.ingest.entities import Recognizer, available_backends, get_recognizer
from brief.ingest.entities.canonical import Catalogue
from brief.ingest.inputs import Unit, read_unit
from brief.ingest.model import RawArticle
from brief.ingest.tags import TagRule
from brief.ingest.write import Prepared, prepare

# A chunk holds at most this many articles: minutes of work on a cluster, as spaCy's
# maintainers advise for spreading a pipeline over machines.
CHUNK_ARTICLES = 500
# Locally, at least this many chunks per worker, so that one slow chunk leaves no core idle.
CHUNKS_PER_WORKER = 4
# Chunks in flight per worker: finished ones wait in memory until they can be saved in order.
WINDOW_PER_WORKER = 3

Result = Prepared | BriefError


@dataclass(frozen=True)
class Job:
    """What a worker needs to annotate, sent with every chunk (a few kilobytes)."""

    config: SiteConfig
    backend: str  # rules or spacy
    catalogue: Catalogue
    tag_rules: tuple[TagRule, ...] = ()
    fallback_date: datetime | None = None
    verbose: bool = False

    def annotator(self) -> Annotator:
        return Annotator(
            recognizer=recognizer(self.backend),
            catalogue=self.catalogue,
            boilerplate=self.config.ingest.boilerplate,
            tag_rules=list(self.tag_rules),
            fallback_date=self.fallback_date,
        )


def resolve_backend(name: str) -> str:
    """`auto` → spacy when it and its model are installed here, else rules."""
    if name == "auto":
        return "spacy" if "spacy" in available_backends() else "rules"
    return name


# One recogniser per backend and process: a worker loads spaCy's model once, for every
# chunk it is given; a forked worker inherits the one its parent loaded.
_RECOGNIZERS: dict[str, Recognizer] = {}


def recognizer(backend: str) -> Recognizer:
    if backend not in _RECOGNIZERS:
        _RECOGNIZERS[backend] = get_recognizer(backend)
    return _RECOGNIZERS[backend]


def process_chunk(job: Job, units: list[Unit]) -> list[list[Result]]:
    """Each unit's briefs, ready to save, or its errors. Runs in a worker; writes nothing."""
    read = [_read_safely(unit, job) for unit in units]
    raws = [r for results in read for r in results if isinstance(r, RawArticle)]
    annotated = iter(_annotate(job, raws))
    return [
        [r if isinstance(r, BriefError) else _prepare(next(annotated)) for r in results] for results in read
    ]


def _prepare(result: Any) -> Result:
    return result if isinstance(result, BriefError) else prepare(result)


def _read_safely(unit: Unit, job: Job) -> list[RawArticle | BriefError]:
    try:
        return read_unit(unit, job.config)
    except BriefError as error:
        if error.path is None:
            error.path = unit.item
        return [error]
    except Exception as error:  # a reader's own bug on hostile input: this input fails, not the run
        return [_bug(error, unit.item, job.verbose)]


def _annotate(job: Job, raws: list[RawArticle]) -> list[Any]:
    annotator = job.annotator()
    try:
        return annotator.annotate_many(raws)
    except Exception:  # one article trips a bug: annotate one by one, so that only it fails
        results: list[Any] = []
        for raw in raws:
            try:
                results.extend(annotator.annotate_many([raw]))
            except Exception as error:
                results.append(_bug(error, raw.origin, job.verbose))
        return results


def _bug(error: Exception, origin: str, verbose: bool) -> BriefError:
    if verbose:
        import traceback

        traceback.print_exception(error)
    return BriefError(
        f"cannot be read: {type(error).__name__}: {excerpt(str(error))}",
        path=origin,
        hint="run with -v for details, and report it if the file looks sound",
    )


def chunks(units: list[Unit], workers: int) -> Iterator[list[Unit]]:
    """Consecutive units, a few hundred articles at most to a chunk, several chunks a worker."""
    total = sum(unit.articles for unit in units)
    size = max(1, min(CHUNK_ARTICLES, math.ceil(total / (workers * CHUNKS_PER_WORKER))))
    chunk: list[Unit] = []
    held = 0
    for unit in units:
        chunk.append(unit)
        held += unit.articles
        if held >= size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


class Runner(Protocol):
    """Where chunks run."""

    workers: int

    def submit(self, job: Job, units: list[Unit]) -> Any: ...  # a future: .result()

    def rerun(self, job: Job, units: list[Unit]) -> list[list[Result]] | None: ...

    def close(self) -> None: ...


def run_chunks(
    job: Job, units: Iterable[list[Unit]], runner: Runner
) -> Iterator[tuple[list[Unit], list[list[Result]]]]:
    """(chunk, its results) in the chunks' order, with a few chunks per worker in flight."""
    pending: deque[tuple[list[Unit], Any]] = deque()
    window = max(1, runner.workers * WINDOW_PER_WORKER)
    for chunk in units:
        pending.append((chunk, runner.submit(job, chunk)))
        if len(pending) >= window:
            yield _collect(job, runner, *pending.popleft())
    while pending:
        yield _collect(job, runner, *pending.popleft())


def _collect(
    job: Job, runner: Runner, chunk: list[Unit], future: Any
) -> tuple[list[Unit], list[list[Result]]]:
    try:
        return chunk, future.result()
    except Exception as error:  # its worker died, or the cluster went away
        results = runner.rerun(job, chunk)
        if results is None:
            reason = "the process reading it died (killed or out of memory)"
            if type(error).__name__ != "BrokenProcessPool":
                reason = f"the worker reading it was lost ({type(error).__name__}: {excerpt(str(error))})"
            results = [
                [
                    BriefError(
                        reason if unit.end is None else f"{reason}, with lines up to {unit.last_line}",
                        path=unit.item,
                        line=unit.first_line if unit.end is not None else None,
                        hint="ingest it again",
                    )
                ]
                for unit in chunk
            ]
        return chunk, results


class InProcess:
    """`-j 1`: every chunk here, one after another."""

    workers = 1

    def submit(self, job: Job, units: list[Unit]) -> Future:
        future: Future = Future()
        future.set_result(process_chunk(job, units))
        return future

    def rerun(self, job: Job, units: list[Unit]) -> None:
        return None

    def close(self) -> None:
        pass


class LocalPool:
    """Forked processes on this machine: they inherit the loaded model and read the inputs
    from this machine's files. A worker that dies (killed, out of memory) breaks the pool:
    every chunk in it then runs once more, each alone, so only a chunk whose worker dies again
    is lost."""

    def __init__(self, workers: int, job: Job) -> None:
        recognizer(job.backend)  # loaded once, here, before the workers fork
        self.workers = workers
        self.pool = self._pool(workers)

    @staticmethod
    def _pool(workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from brief.processes import exit_with_parent

        return ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=exit_with_parent
        )

    def submit(self, job: Job, units: list[Unit]) -> Future:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(process_chunk, job, units)
        except BrokenProcessPool:  # a worker died: the chunks in flight will run again alone
            self.pool.shutdown(wait=False)
            self.pool = self._pool(self.workers)
            return self.pool.submit(process_chunk, job, units)

    def rerun(self, job: Job, units: list[Unit]) -> list[list[Result]] | None:
        from concurrent.futures.process import BrokenProcessPool

        alone = self._pool(1)
        try:
            return alone.submit(process_chunk, job, units).result()
        except BrokenProcessPool:
            return None
        finally:
            alone.shutdown(wait=False)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# `--cluster local`: a chunk whose worker dies runs once more; workers do not sample their own
# stacks every 10 ms (Dask's statistical profiler, for its dashboard, which is not started) nor
# hand memory back to the system after every free (glibc's trim threshold at 64 KiB): both
# cost spaCy's many small allocations CPU time that a local pool does not spend.
LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


class Cluster:
    """A Dask cluster: `local` starts one on this machine (127.0.0.1, one single-threaded
    process per worker), else the scheduler's address. Dask's scheduler runs a chunk whose
    worker died again on another (once, on the local cluster; as the cluster is configured
    on one of its own); a chunk lost after that is reported file by file. Without a shared
    filesystem the inputs are read here and shipped with their chunk."""

    def __init__(self, address: str, workers: int, shared_fs: bool, timeout: float = 10) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise BriefError(
                "--cluster needs Dask's distributed", hint="pip install 'brief[cluster]'"
            ) from None
        self.shared_fs = shared_fs or address == "local"
        self.cluster = None
        try:
            if address == "local":
                import logging
                import warnings

                # The scheduler runs in this process: its closing chatter (workers leaving,
                # streams closed) is no news to a user of `brief ingest`.
                logging.getLogger("distributed").setLevel(logging.ERROR)

                # The scheduler's own HTTP server takes port 8787 on 127.0.0.1, or another
                # when that is taken (it warns): no dashboard is asked for.
                with (
                    dask.config.set(LOCAL_CLUSTER_CONFIG),
                    warnings.catch_warnings(action="ignore", category=UserWarning),
                ):
                    self.cluster = LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster, timeout=timeout)
            else:
                self.client = Client(address, timeout=timeout)
        except OSError as error:
            self.close()
            raise BriefError(
                f"cannot reach the Dask scheduler at {address}: {excerpt(str(error))}",
                hint="check the address (tcp://HOST:8786) and that the scheduler is running",
            ) from None
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))

    def submit(self, job: Job, units: list[Unit]) -> Any:
        if not self.shared_fs:
            units = [unit.with_data() for unit in units]
        return self.client.submit(process_chunk, job, units, pure=False)

    def rerun(self, job: Job, units: list[Unit]) -> None:
        return None  # the scheduler has run it again already

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()
