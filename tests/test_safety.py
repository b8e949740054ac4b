"""Data safety under misuse: brief processes racing on one site, files still being written."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from brief.cli import main
from brief.lock import site_lock
from tests.test_ingest import SCRAPE

PARAGRAPHS = [
    f"Paragraph {n} of the harbour report says the council met again on the question of the pier."
    for n in range(40)
]


def brief_files(root: Path) -> list[Path]:
    return sorted(
        p for p in (root / "content" / "briefs").rglob("*.md") if not p.name.endswith(".incoming.md")
    )


def records(outlet: str, count: int) -> str:
    """`count` JSON Lines records that all carry the headline "Morning briefing"."""
    lines = []
    for n in range(count):
        text = f"{outlet} reports item {n}: " + " ".join(
            f"The {outlet} desk filed note {n}.{k} about ferries, budgets and the port." for k in range(4)
        )
        lines.append(
            json.dumps(
                {
                    "title": "Morning briefing",
                    "url": f"https://{outlet}.example/briefing/{n}",
                    "date": f"2025-03-{1 + n % 28:02d}T06:00:00Z",
                    "source": outlet,
                    "text": text,
                }
            )
        )
    return "\n".join(lines) + "\n"


def test_two_ingests_at_once_lose_nothing(tmp_path):
    """Two processes ingesting same-titled records into one site: every record gets its brief
    (without the lock both picked the same free slugs and overwrote each other)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yml").write_text("ingest: {backend: rules}\n")
    for outlet in ("north", "south"):
        (tmp_path / f"{outlet}.jsonl").write_text(records(outlet, 30))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "brief", "ingest", "--site", str(site), str(tmp_path / f"{outlet}.jsonl")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for outlet in ("north", "south")
    ]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert len(brief_files(site)) == 60


def test_no_wait_fails_at_once_while_another_process_works(tmp_path, capsys):
    site = tmp_path / "site"
    (site / "content" / "briefs").mkdir(parents=True)
    (site / "site.yml").write_text("")
    held, release = threading.Event(), threading.Event()

    def other_process() -> None:
        # A subprocess holds the lock (a flock is per process: this one's own would re-enter).
        with subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from pathlib import Path; from brief.lock import site_lock\n"
                f"with site_lock(Path({str(site)!r})):\n"
                "    print('held', flush=True); sys.stdin.readline()",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None and child.stdin is not None
            assert child.stdout.readline().strip() == "held"
            held.set()
            release.wait(30)
            child.stdin.write("\n")
            child.stdin.flush()

    thread = threading.Thread(target=other_process)
    thread.start()
    try:
        assert held.wait(30)
        started = time.monotonic()
        assert main(["build", "--site", str(site), "--no-wait"]) == 1
        assert time.monotonic() - started < 5
        err = capsys.readouterr().err
        assert "is working on this site" in err and "pid" in err and "Traceback" not in err
        assert not (site / "public").exists()
    finally:
        release.set()
        thread.join(30)
    # Released: the same command goes through, and the lock is re-entrant within a process.
    with site_lock(site):
        assert main(["build", "--site", str(site), "--no-wait"]) == 0


def test_a_file_still_being_written_to_the_inbox_is_ingested_whole(tmp_path):
    """The writer pauses mid-file: ingest waits for the file to settle instead of taking the
    first half and moving it to processed/."""
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    (site / "site.yml").write_text("ingest: {backend: rules}\n")
    head = SCRAPE.split("Advertisement", 1)[0]
    article = head + "\n\n".join(PARAGRAPHS) + "\n"
    raw = site / "content" / "raw" / "harbour.txt"
    half = len(article) // 3
    raw.write_text(article[:half])

    def finish_writing() -> None:
        time.sleep(1.0)
        with raw.open("a") as stream:
            stream.write(article[half:])

    writer = threading.Thread(target=finish_writing)
    writer.start()
    assert main(["ingest", "--site", str(site)]) == 0
    writer.join()
    [brief] = brief_files(site)
    assert "Paragraph 39 of the harbour report" in brief.read_text()
    assert (site / "content" / "raw" / "processed" / "harbour.txt").read_text() == article
