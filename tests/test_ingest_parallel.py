"""Ingest on several processes: the same briefs, byte for byte, as one process writes; a worker
that dies loses nothing but its own files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import brief.ingest.inputs as ingest_inputs
import brief.ingest.jobs as ingest_jobs
from brief.ingest.run import ingest
from tests.test_ingest import SCRAPE

STORIES = [
    "Ferries to the outer islands were cancelled after the storm damaged the pier at Haldon.",
    "The council approved a new budget for school meals in a late vote on Tuesday night.",
    "Dockworkers voted to accept a pay offer after two weeks of talks with the port authority.",
    "A new library opened in the old customs house with a reading room for children.",
    "The harbour board said repairs to the sea wall would take most of the summer.",
]


def inputs(folder: Path) -> Path:
    """A dozen inputs of every kind: same headlines, one story told twice in different files
    (the duplicate pair lands in different chunks), a file that fails."""
    folder.mkdir(parents=True)
    for n, story in enumerate(STORIES):
        (folder / f"a{n}.txt").write_text(
            f"Morning briefing\n\nPublished: 06:00 GMT, {n + 3} March 2025\n\n" + (story + " ") * 4 + "\n"
        )
    (folder / "z-retold.txt").write_text(
        "Storm hits Haldon\n\nPublished: 09:00 GMT, 4 March 2025\n\n" + (STORIES[0] + " ") * 4 + "\n"
    )
    (folder / "m-scrape.txt").write_text(SCRAPE)
    records = [
        {
            "title": "Morning briefing",
            "url": f"https://post.example/{n}",
            "date": f"2025-04-0{n + 1}T06:00:00Z",
            "source": "Harbour Post",
            "text": (STORIES[n] + " ") * 3,
        }
        for n in range(4)
    ]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "empty.txt").write_text("")
    for n in range(4):
        (folder / f"b{n}.txt").write_text(
            f"Evening note {n}\n\nPublished: 18:00 GMT, {n + 10} May 2025\n\n"
            + (STORIES[-1 - n] + " ") * 4
            + "\n"
        )
    return folder


def site(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "site.yml").write_text("ingest: {backend: rules}\n")
    return root


def tree(root: Path) -> dict[str, bytes]:
    briefs = root / "content" / "briefs"
    return {
        p.relative_to(briefs).as_posix(): p.read_bytes() for p in sorted(briefs.rglob("*")) if p.is_file()
    }


def summary(report) -> tuple:
    return (
        {k: [p.name for p in v] for k, v in report.outcomes.items()},
        [str(e) for e in report.failed],
    )


def test_several_processes_write_what_one_process_writes(tmp_path):
    folder = inputs(tmp_path / "in")
    one = ingest(site(tmp_path / "one"), [str(folder)], workers=1)
    two = ingest(site(tmp_path / "two"), [str(folder)], workers=2)
    assert tree(tmp_path / "one") and tree(tmp_path / "one") == tree(tmp_path / "two")
    assert summary(one) == summary(two)
    assert one.outcomes["duplicate"] and [e.path for e in one.failed] == [str(folder / "empty.txt")]
    # Again: everything already ingested, in either mode.
    again = ingest(tmp_path / "two", [str(folder)], workers=2)
    assert len(again.outcomes["unchanged"]) == len(one.outcomes["written"]) + len(one.outcomes["duplicate"])


@pytest.mark.parametrize("deaths", [1, 2])
def test_a_worker_that_dies_loses_only_its_files(tmp_path, monkeypatch, deaths):
    """The worker reading one file is killed: its chunk runs again once; dying twice, that
    chunk's files are reported and every other brief lands."""
    folder = inputs(tmp_path / "in")
    parent = os.getpid()
    counter = tmp_path / "deaths"
    counter.write_text("0")
    real = ingest_jobs.read_unit

    def dying(unit, config):
        if os.getpid() != parent and unit.item.endswith("a2.txt") and int(counter.read_text()) < deaths:
            counter.write_text(str(int(counter.read_text()) + 1))
            os._exit(1)  # as kill -9 or the OOM killer would end it
        return real(unit, config)

    monkeypatch.setattr(ingest_jobs, "read_unit", dying)
    monkeypatch.setattr(ingest_jobs, "CHUNK_ARTICLES", 1)  # a file to a chunk: one death costs one file
    report = ingest(site(tmp_path / "site"), [str(folder)], workers=2)
    assert int(counter.read_text()) == deaths
    lost = [e.path for e in report.failed if "process reading it died" in str(e)]
    if deaths == 1:
        assert not lost  # run again, and it went through
    else:
        assert lost == [str(folder / "a2.txt")]  # its chunk alone: none of the others
        monkeypatch.setattr(ingest_jobs, "read_unit", real)
        ingest(tmp_path / "site", [str(p) for p in lost], workers=1)  # "ingest it again"
    baseline = ingest(site(tmp_path / "one"), [str(folder)], workers=1)
    landed = baseline.outcomes["written"] + baseline.outcomes["duplicate"]
    assert len(tree(tmp_path / "site")) == len(landed)


def test_a_json_lines_export_over_10_mb_is_read_as_a_stream(tmp_path):
    """Refused whole before ("too large (18 MB, the limit is 10 MB)"): now each record has the
    cap, and the one record over it is an error for its line alone."""
    export = tmp_path / "export.jsonl"
    padding = "x" * 400_000  # a field brief does not read, as exports carry (raw HTML, say)
    with export.open("w") as out:
        for n in range(30):
            record = {
                "title": f"Note {n}",
                "date": "2025-03-03T06:00:00Z",
                "url": f"https://post.example/{n}",
                "text": f"Item {n}: " + (STORIES[n % 5] + " ") * 3,
                "raw_html": padding,
            }
            out.write(json.dumps(record) + "\n")
            if n == 12:
                out.write(json.dumps({"title": "Huge", "text": "y " * 5_500_000}) + "\n")
    assert export.stat().st_size > 20_000_000
    report = ingest(site(tmp_path / "site"), [str(export)], workers=1)
    assert len(report.outcomes["written"]) + len(report.outcomes["duplicate"]) == 30
    assert [str(e) for e in report.failed] == [f"{export}:14: record too large (10 MB, the limit is 10 MB)"]


def export_with_bad_lines(path: Path, records: int) -> Path:
    """A JSON Lines export of `records` stories, with a broken line and a blank one inside."""
    lines = [
        json.dumps(
            {
                "title": f"Harbour note {n}",
                "date": f"2025-03-{n % 28 + 1:02d}T06:00:00Z",
                "url": f"https://post.example/notes/{n}",
                "text": f"Note {n}. " + (STORIES[n % 5] + " ") * 3,
            }
        )
        for n in range(records)
    ]
    lines[122] = '{"title": "cut off'
    lines[57] = ""
    path.write_text("\n".join(lines) + "\n")
    return path


def test_one_large_export_is_shared_out_in_runs_of_lines(tmp_path, monkeypatch):
    """One export is many units (runs of lines), spread over the workers; line numbers in
    errors are the file's own, and the briefs are those one process writes."""
    export = export_with_bad_lines(tmp_path / "export.jsonl", 250)
    one = ingest(site(tmp_path / "one"), [str(export)], workers=1)
    monkeypatch.setattr(ingest_inputs, "LINES_PER_RUN", 40)
    assert len(list(ingest_inputs.plan_units([str(export)]))) == 7
    two = ingest(site(tmp_path / "two"), [str(export)], workers=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two") and len(tree(tmp_path / "one")) == 248
    assert summary(one) == summary(two)
    assert [(e.path, e.line) for e in two.failed] == [(str(export), 123)]


@pytest.fixture(scope="module")
def dask_cluster():
    """A Dask cluster of two worker processes on 127.0.0.1, as a user would start one, with a
    chunk run again once when its worker dies (the scheduler's allowed-failures)."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import logging

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = distributed.Client(cluster, timeout=30)
    yield cluster, client
    client.close()
    cluster.close(timeout=30)


def test_a_dask_cluster_writes_what_one_process_writes(tmp_path, dask_cluster, monkeypatch):
    """Through a scheduler's address, the inputs shipped from here (no shared filesystem);
    and through `--cluster local`, read from their paths."""
    cluster, _client = dask_cluster
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    folder = inputs(tmp_path / "in")
    export = export_with_bad_lines(folder / "export.jsonl", 150)
    monkeypatch.setattr(ingest_inputs, "LINES_PER_RUN", 40)
    one = ingest(site(tmp_path / "one"), [str(folder)], workers=1)
    shipped = ingest(site(tmp_path / "shipped"), [str(folder)], cluster=cluster.scheduler_address)
    local = ingest(site(tmp_path / "local"), [str(folder)], cluster="local", workers=2)
    assert len(tree(tmp_path / "one")) == 163
    assert tree(tmp_path / "one") == tree(tmp_path / "shipped") == tree(tmp_path / "local")
    assert summary(one) == summary(shipped) == summary(local)
    assert (str(export), 123) in [(e.path, e.line) for e in shipped.failed]


def _worker_reading(client, fifo: Path) -> int | None:
    """The pid of the Dask worker that has the named pipe open."""
    for pid in client.run(os.getpid).values():
        fds = Path(f"/proc/{pid}/fd")
        try:
            if any(os.path.realpath(fd) == str(fifo) for fd in fds.iterdir()):
                return pid
        except OSError:
            continue
    return None


def _feed(fifo: Path, text: bytes, kills: int, client, stop, killed: list[int]) -> None:
    """Each time a worker opens the pipe: kill it, `kills` times (as kill -9 or the OOM killer
    would), then write the text. Stops when told, or by itself after a minute."""
    import signal
    import time

    deadline = time.monotonic() + 60
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # fails until a reader has it open
        except OSError:
            time.sleep(0.05)
            continue
        pid = _worker_reading(client, fifo) if kills else None
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            kills -= 1
            os.close(fd)
            time.sleep(0.5)  # the dead reader's pipe is gone: wait for the next one
            continue
        os.set_blocking(fd, True)
        os.write(fd, text)
        os.close(fd)
        return


@pytest.mark.parametrize("kills", [1, 2])
def test_a_dask_worker_killed_mid_chunk_loses_at_most_its_chunk(tmp_path, dask_cluster, monkeypatch, kills):
    """A worker is killed while it reads one input (a named pipe, read from its path: the
    shared-filesystem mode). Killed once, its chunk runs again elsewhere and the output is
    one process's; killed twice, that input alone is reported and every other brief lands."""
    import threading

    cluster, client = dask_cluster
    folder = inputs(tmp_path / "in")
    text = (folder / "a2.txt").read_bytes()
    (folder / "a2.txt").unlink()
    fifo = tmp_path / "pipe" / "a2.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    monkeypatch.setattr(ingest_jobs, "CHUNK_ARTICLES", 1)
    killed: list[int] = []
    stop = threading.Event()
    feeder = threading.Thread(target=_feed, args=(fifo, text, kills, client, stop, killed))
    feeder.start()
    try:
        report = ingest(
            site(tmp_path / "site"),
            [str(folder), str(fifo)],
            cluster=cluster.scheduler_address,
            shared_fs=True,
        )
    finally:
        stop.set()
        feeder.join(timeout=70)
    plain = tmp_path / "plain" / "a2.txt"  # the same input as a plain file, for one process
    plain.parent.mkdir()
    plain.write_bytes(text)
    ingest(site(tmp_path / "one"), [str(folder), str(plain)], workers=1)
    lost = [e for e in report.failed if "worker reading it was lost" in str(e)]
    assert len(killed) == kills
    if kills == 1:
        assert not lost and tree(tmp_path / "site") == tree(tmp_path / "one")
    else:
        assert [e.path for e in lost] == [str(fifo)] and "KilledWorker" in str(lost[0])
        assert len(tree(tmp_path / "site")) == len(tree(tmp_path / "one")) - 1


def test_one_worker_is_this_process_alone(tmp_path, monkeypatch):
    """`-j 1` starts no pool: everything runs in this process, as before there were workers."""
    import brief.ingest.run as ingest_run

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(ingest_run, "LocalPool", no_pool)
    folder = inputs(tmp_path / "in")
    report = ingest(site(tmp_path / "one"), [str(folder)], workers=1)
    assert report.outcomes["written"]
    with pytest.raises(AssertionError, match="a pool was started"):
        ingest(site(tmp_path / "two"), [str(folder)], workers=2)
