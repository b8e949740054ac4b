"""`brief serve` over plain HTTP: what it serves, what it refuses, where it listens. No browser."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import pytest

from brief.builder.run import Builder, BuildOptions
from brief.serve.events import Broadcaster
from brief.serve.run import Rebuilder
from tests.conftest import REPO
from tests.serving import get


def test_paths_outside_the_output_are_never_served(server, tmp_path):
    site, port, _ = server
    secret = site / "secret.txt"
    secret.write_text("do not serve")
    (site / "public" / "escape").symlink_to(site)
    for path in (
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/static/../../secret.txt",
        "//etc/passwd",
        "/%5c..%5csecret.txt",
        "/escape/secret.txt",
        "/index.html%00.txt",
    ):
        status, _, body = get(port, path)
        assert status in (400, 404), (path, status)
        assert b"do not serve" not in body and b"root:" not in body


def test_content_types_index_and_404(server):
    _, port, _ = server
    expectations = {
        "/": "text/html",
        "/static/style.css": "text/css",
        "/feed.xml": "application/atom+xml",
        "/feed.json": "application/feed+json",
        "/sitemap.xml": "application/xml",
        "/robots.txt": "text/plain",
    }
    for path, kind in expectations.items():
        status, headers, _ = get(port, path)
        assert status == 200 and headers["Content-Type"].startswith(kind), (path, headers["Content-Type"])
    status, headers, _ = get(port, "/tags")
    assert status == 301 and headers["Location"] == "/tags/"
    status, _, body = get(port, "/no/such/page/")
    assert status == 404 and b"Page not found" in body


def test_ctrl_c_stops_cleanly(server):
    _, port, process = server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    out, err = process.communicate()
    assert "Traceback" not in err and "stopped" in out
    with pytest.raises(OSError):
        get(port, "/")


def _listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as the kernel writes them) of the sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_binds_to_loopback_by_default(server):
    _, port, _ = server
    # 0100007F is 127.0.0.1 in the kernel's byte order; 0.0.0.0 or :: would be every interface.
    assert _listening_addresses(port) == ["0100007F"]


def test_answers_only_host_names_of_this_machine(server):
    """A DNS-rebinding page reaches the server under the attacker's name: refuse it."""
    _, port, _ = server
    for host in ("127.0.0.1", f"127.0.0.1:{port}", f"localhost:{port}", "[::1]:8000", "LOCALHOST"):
        assert get(port, "/", host=host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example"):
        status, _, body = get(port, "/", host=host)
        assert status == 421 and b"Briefs" not in body, host


def test_many_connections_at_once_are_queued_not_dropped(server):
    """60 clients connecting at once: each is accepted and answered (the backlog was 5)."""
    _, port, _ = server
    sockets = []
    started = time.monotonic()
    try:
        for _ in range(60):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(sock)
        for sock in sockets:
            sock.sendall(b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        for sock in sockets:
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started < 5
    finally:
        for sock in sockets:
            sock.close()


def test_open_pages_swap_stylesheets_when_stylesheets_are_all_a_rebuild_found_changed(example_copy):
    """The watcher reported `mkdir static` alone, and the stylesheet written into it just after
    came in its next batch: the rebuild between them saw the stylesheet already, and the pages
    were told to reload (the batch held no stylesheet). It failed a browser test in CI. What
    the pages are told follows what the build found changed, whatever the batch held."""
    sent: list[str] = []

    class Recorder(Broadcaster):
        def send(self, event: str, data: dict | None = None) -> None:
            sent.append(event)
            super().send(event, data)

    builder = Builder(example_copy, BuildOptions(index_search=False), keep_model=True)
    rebuilder = Rebuilder(builder, Recorder(), lambda line, error=False: None)
    assert rebuilder.run()
    static = example_copy / "static"
    static.mkdir()
    theme_css = (REPO / "themes" / "default" / "static" / "style.css").read_text()
    (static / "style.css").write_text(theme_css + "\nbody { outline: 7px solid red; }\n")
    sent.clear()
    assert rebuilder.run({static})  # the folder's batch: the build sees the stylesheet
    assert rebuilder.run({static / "style.css"})  # the stylesheet's own batch: nothing new
    assert sent == ["css", "css"]
    brief = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    (static / "style.css").write_text(theme_css)
    brief.write_text(brief.read_text() + "\nA new paragraph.\n")
    assert rebuilder.run({static / "style.css"})  # a brief changed too: its pages reload
    assert sent[-1] == "reload"


def test_without_pagefind_brief_serve_is_never_asked_to_index(example_copy, monkeypatch):
    """search: true in site.yml and Pagefind not installed: the build warns once; a text edit in
    brief serve must not ask its background indexer for an index it cannot make (an error at
    every edit)."""
    import brief.builder.run as run_module
    import brief.builder.site as site_module

    for module in (run_module, site_module):
        monkeypatch.setattr(module, "pagefind_available", lambda: False)
    builder = Builder(example_copy, BuildOptions(index_search=False), keep_model=True)
    first = builder.build()
    assert not first.config.search and not first.search_lags
    brief = next((example_copy / "content" / "briefs").rglob("tromso-rescue-exercise.md"))
    brief.write_text(brief.read_text() + "\nA new paragraph.\n")
    result = builder.build({brief})
    assert result.written and not result.search_lags
