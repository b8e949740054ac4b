"""Data safety under misuse: brief processes racing on one site, files still being written."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from brief.builder.run import build
from brief.builder.search import pagefind_available
from brief.cli import main
from brief.errors import BriefError
from brief.ingest.fetch import fetch, is_public
from brief.ingest.run import ingest
from brief.lock import site_lock
from tests.conftest import static_server
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


SECRET = "TOP-SECRET-TOKEN-4711"


def test_links_inside_feeds_never_reach_internal_addresses(tmp_path):
    """A feed entry (a file on disk, in the inbox) links to a page on 127.0.0.1: neither ingest
    nor build fetches it, so what it answers never reaches a brief, a page or a feed."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "secret.html").write_text(
        f"<html><head><title>Secret</title></head><body><article><h1>Secret</h1>"
        f"<p>Published 2025-02-10. {SECRET} {'internal words of a private page ' * 40}</p></article></body></html>"
    )
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    (site / "site.yml").write_text("ingest: {backend: rules}\n")
    with static_server(www) as base:
        feed = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Coast Times</title><link>https://coast.example/</link>
<item><title>A teaser</title><link>{base}/secret.html</link>
<pubDate>Mon, 10 Feb 2025 08:00:00 +0100</pubDate><description>Teaser only.</description></item>
</channel></rss>"""
        (tmp_path / "feed.xml").write_text(feed)
        report = ingest(site, [str(tmp_path / "feed.xml")])
        assert any("internal address" in str(e) for e in report.failed) or report.failed
        (site / "content" / "raw" / "feed.xml").write_text(feed)
        old = time.time() - 10
        os.utime(site / "content" / "raw" / "feed.xml", (old, old))
        build(site)
    written = [p.read_text(errors="replace") for p in site.rglob("*") if p.is_file()]
    assert not any(SECRET in text for text in written)


def test_a_typed_internal_address_is_fetched_but_not_its_redirect_elsewhere(tmp_path):
    """The user may fetch their own 127.0.0.1 server; a redirect from it to another internal
    host (here 127.0.0.2, a different loopback address) is refused."""
    import http.server

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/metadata")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(BriefError, match="internal address"):
            fetch(f"http://127.0.0.1:{server.server_address[1]}/start", typed=True)
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(BriefError, match="internal address"):
        fetch("http://127.0.0.1:9/", typed=False)
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
    ):
        assert not is_public(address), address
    assert is_public("93.184.216.34")


def test_fetch_has_one_deadline_not_one_per_read(tmp_path):
    """A server sending a few bytes a second never trips a per-read timeout: the whole fetch
    must still end at its deadline."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
            )
            for _ in range(100):  # at most 20 s, then it stops by itself
                if stop.is_set():
                    return
                try:
                    connection.sendall(b"<p>")
                except OSError:
                    return
                time.sleep(0.2)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(BriefError, match="no complete answer within 2 s"):
            fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/slow", timeout=2, typed=True)
        assert time.monotonic() - started < 4
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_teaser_whose_page_has_no_date_takes_the_feed_entrys(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "story.html").write_text(
        "<html><head><title>Pier repairs begin</title></head><body><article><h1>Pier repairs begin</h1>"
        + "".join(
            f"<p>Work on the old pier started with crews from the harbour board, part {n}.</p>"
            for n in range(12)
        )
        + "</article></body></html>"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yml").write_text("ingest: {backend: rules, fetch_private: true}\n")
    with static_server(www) as base:
        (tmp_path / "feed.xml").write_text(f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Coast Times</title><link>{base}/</link>
<item><title>Pier repairs begin</title><link>{base}/story.html</link>
<pubDate>Mon, 10 Feb 2025 08:00:00 +0100</pubDate><description>Teaser only.</description></item>
</channel></rss>""")
        report = ingest(site, [str(tmp_path / "feed.xml")])
    assert not report.failed, report.failed
    [brief] = brief_files(site)
    assert "date: '2025-02-10T08:00:00+01:00'" in brief.read_text()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux's /proc")
def test_a_killed_build_leaves_no_workers_and_the_next_build_cleans_up(tmp_path):
    """kill -9 on a build rendering with two workers: the workers exit with it, and the next
    build removes the staging folder it left and succeeds."""
    import signal

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from synthetic import generate

    site = generate(tmp_path / "site", 300)
    process = subprocess.Popen(
        [sys.executable, "-m", "brief", "build", "--site", str(site), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    staging = list(site.glob(".public.building-*"))
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        staging = list(site.glob(".public.building-*"))
        if len(workers) >= 2 and staging and any(staging[0].rglob("*.html")):
            break
        time.sleep(0.02)
    assert process.poll() is None and len(workers) >= 2 and staging, (
        "the build ended before it could be killed"
    )
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # leave no process behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "workers outlived their build"
    assert staging[0].exists()
    assert main(["build", "--site", str(site)]) == 0
    assert not list(site.glob(".public.building-*")) and not list(site.glob(".public.old-*"))
    assert (site / "public" / "index.html").is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_program_a_build_waits_for_dies_with_the_build():
    """A program started through dying_with_parent (Pagefind) ends when its parent is killed."""
    import signal

    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, time\n"
            "from brief.processes import dying_with_parent\n"
            "subprocess.Popen(dying_with_parent(['sleep', '30']))\n"
            "time.sleep(60)\n",
        ],
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        deadline = time.monotonic() + 10
        children: list[int] = []
        while time.monotonic() < deadline and not children:  # started, and become `sleep`
            children = [pid for pid in _children_of(parent.pid) if _command_name(pid) == "sleep"]
            time.sleep(0.02)
        assert children, "the program did not start"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(children[0]):
            time.sleep(0.02)
        survived = _alive(children[0])
        if survived:  # leave no process behind, even when the test fails
            os.kill(children[0], signal.SIGKILL)
        assert not survived, "the program outlived its parent"
    finally:
        parent.kill()
        parent.wait()


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _children_of(pid: int) -> list[int]:
    children = []
    for process in Path("/proc").iterdir():
        if process.name.isdigit():
            try:
                fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(process.name))
    return children


def _running_with(text: str) -> bool:
    """Whether a process's command line holds `text`."""
    for process in Path("/proc").iterdir():
        if process.name.isdigit():
            try:
                if text.encode() in (process / "cmdline").read_bytes():
                    return True
            except OSError:
                continue
    return False


@pytest.mark.skipif(not pagefind_available(), reason="pagefind is not installed (the test extra)")
def test_pagefind_folders_of_a_killed_build_go_and_those_of_a_live_process_stay(tmp_path):
    """kill -9 while Pagefind indexes the output in place: Pagefind dies with the build, and the
    next build removes the folder it was writing. Another live process's (brief serve's indexer,
    a build in another terminal) is left alone: removing every leftover-looking folder took one
    from under a running Pagefind."""
    import signal

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from synthetic import generate

    site = generate(tmp_path / "site", 300)
    config = site / "site.yml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    assert main(["build", "--site", str(site)]) == 0
    target = sorted((site / "content").rglob("*.md"))[5]
    target.write_text(target.read_text() + "\nA paragraph about quillwort.\n")
    live = site / "public" / f".pagefind.building-{os.getppid()}-1"  # pytest's parent runs
    live.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "brief", "build", "--site", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    indexing: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None and not indexing:
        indexing = list((site / "public").glob(f".pagefind.building-{process.pid}-*"))
        time.sleep(0.005)
    assert process.poll() is None and indexing, "the build ended before Pagefind could be caught"
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Pagefind dies with the build, as its workers do (it finished its run into a folder the
    # next build removes, half a minute at 10,000 briefs).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running_with(indexing[0].name):
        time.sleep(0.05)
    assert not _running_with(indexing[0].name), "Pagefind outlived its build"
    assert indexing[0].exists()
    assert main(["build", "--site", str(site)]) == 0
    assert not indexing[0].exists() and live.is_dir()
    assert (site / "public" / "pagefind" / "pagefind-entry.json").is_file()
