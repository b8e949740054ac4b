"""Ingest on several processes: the same briefs, byte for byte, as one process writes; a worker
that dies loses nothing but its own files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import brief.ingest.run as ingest_run
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
    real = ingest_run.read_and_annotate

    def dying(item, config, annotator, verbose=False):
        if os.getpid() != parent and item.endswith("a2.txt") and int(counter.read_text()) < deaths:
            counter.write_text(str(int(counter.read_text()) + 1))
            os._exit(1)  # as kill -9 or the OOM killer would end it
        return real(item, config, annotator, verbose)

    monkeypatch.setattr(ingest_run, "read_and_annotate", dying)
    monkeypatch.setattr(ingest_run, "CHUNKS_PER_WORKER", 8)  # small chunks: one death costs little
    report = ingest(site(tmp_path / "site"), [str(folder)], workers=2)
    assert int(counter.read_text()) == deaths
    lost = [e.path for e in report.failed if "process reading it died" in str(e)]
    if deaths == 1:
        assert not lost  # run again, and it went through
    else:
        assert lost == [str(folder / "a2.txt")]  # its chunk alone: none of the others
        monkeypatch.setattr(ingest_run, "read_and_annotate", real)
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
