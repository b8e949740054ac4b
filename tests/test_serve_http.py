"""`brief serve` over plain HTTP: what it serves, what it refuses, where it listens. No browser."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import pytest

from brief.serve.run import css_only
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


def test_a_new_static_folder_with_a_stylesheet_is_a_css_change(tmp_path):
    """The watcher can report `mkdir static` in the same batch as the stylesheet written into
    it (it did under load in CI): the open pages still swap the stylesheet, not reload."""
    (tmp_path / "static").mkdir()
    css, brief = tmp_path / "static" / "style.css", tmp_path / "a.md"
    css.write_text("body {}\n")
    brief.write_text("text\n")
    assert css_only([str(tmp_path / "static"), str(css)])
    assert not css_only([str(css), str(brief)])
    assert not css_only([str(tmp_path / "static")])  # nothing but a folder: no stylesheet to swap
