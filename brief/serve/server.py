"""The HTTP side: files of the last complete build, the reload script, the event stream."""

from __future__ import annotations

import http.server
import ipaddress
import queue
import threading
from pathlib import Path

from brief.serve.events import Broadcaster
from brief.serve.files import Refused, content_type, resolve

RELOAD_SCRIPT = (Path(__file__).parent / "reload.js").read_bytes()
INJECTION = b'<script src="/__brief__/reload.js"></script>'
HEARTBEAT_SECONDS = 10.0


def _host_name(header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8000` → `::1`, `a.b:80` → `a.b`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_host(header: str | None, bound: str) -> bool:
    """A DNS-rebinding page reaches the preview under its own domain name, so only names that
    can only mean this machine are answered: the bound host, localhost, and IP literals (an
    attacker's page cannot make a browser send an IP as the Host of a page on its domain)."""
    if header is None:
        return True  # HTTP/1.0 clients send none; a browser always does
    name = _host_name(header)
    if name in ("localhost", bound.lower()) or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 made a burst of 60 connections wait 8-9 s.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], output: Path, events: Broadcaster, swap_lock: threading.RLock
    ) -> None:
        super().__init__(address, PreviewHandler)
        self.output = output
        self.events = events
        self.swap_lock = swap_lock
        self.stopping = threading.Event()


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows builds and errors, not every request

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if not allowed_host(self.headers.get("Host"), self.server.server_address[0]):
            self._send(421, b"unknown host name", "text/plain; charset=utf-8", head)
            return
        if self.path.startswith("/__brief__/"):
            self._internal(head)
            return
        try:
            with self.server.swap_lock:
                target, redirect = resolve(self.server.output, self.path)
                if redirect:
                    self._send(301, b"", "text/plain", head, {"Location": redirect})
                    return
                if target is None:
                    not_found = self.server.output / "404.html"
                    body = not_found.read_bytes() if not_found.is_file() else b"<h1>Not found</h1>"
                    self._send(404, self._inject(body), "text/html; charset=utf-8", head)
                    return
                body = target.read_bytes()
        except Refused:
            self._send(400, b"bad request path", "text/plain; charset=utf-8", head)
            return
        except OSError:
            self._send(404, b"not found", "text/plain; charset=utf-8", head)
            return
        kind = content_type(target)
        if kind.startswith("text/html"):
            body = self._inject(body)
        self._send(200, body, kind, head)

    @staticmethod
    def _inject(body: bytes) -> bytes:
        at = body.rfind(b"</body>")
        return body[:at] + INJECTION + body[at:] if at != -1 else body + INJECTION

    def _send(self, status: int, body: bytes, kind: str, head: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _internal(self, head: bool) -> None:
        if self.path.split("?")[0] == "/__brief__/reload.js":
            self._send(200, RELOAD_SCRIPT, "text/javascript; charset=utf-8", head)
        elif self.path.split("?")[0] == "/__brief__/events":
            self._stream()
        else:
            self._send(404, b"not found", "text/plain", head)

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        channel = self.server.events.subscribe()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not self.server.stopping.is_set():
                try:
                    message = channel.get(timeout=HEARTBEAT_SECONDS)
                except queue.Empty:
                    message = ": keep-alive\n\n"
                if message is None:
                    break
                self.wfile.write(message.encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.server.events.unsubscribe(channel)
