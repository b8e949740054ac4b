"""Fetching a page or feed by URL: one deadline for the whole fetch, a size cap, no internal
addresses unless the user asked for one, and one clear error on failure.

Raw articles are untrusted, and so are the links inside them: a feed entry pointing at
`http://127.0.0.1:8765/secret.html` or at a cloud metadata address would otherwise put what
that address answers into a brief and onto the published site. Every connection is checked at
the socket, after DNS resolution, so redirects and host names that resolve to internal
addresses are caught too. Only the host the user typed (on the command line) may be internal,
redirects to other hosts may not; `ingest: {fetch_private: true}` in site.yml allows them all.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from brief import __version__
from brief.errors import BriefError
from brief.ingest.decode import MAX_BYTES

TIMEOUT = 20.0  # seconds for the whole fetch: connecting, headers, body, redirects


@dataclass
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str


class InternalAddress(OSError):
    """A connection to a loopback, private, link-local or otherwise non-public address."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _Fetch:
    """One fetch: its policy for internal addresses, its deadline, the sockets it opened."""

    def __init__(self, timeout: float, trusted: set[tuple[str, int]], allow_internal: bool) -> None:
        self.deadline = time.monotonic() + timeout
        self.trusted = trusted  # (host, port) the user typed: may be internal
        self.allow_internal = allow_internal
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.lock = threading.Lock()

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def connect(self, address: tuple[str, int], timeout: object = None, source_address: object = None):
        """socket.create_connection, to a checked address only."""
        host, port = address
        internal_ok = self.allow_internal or (host.lower(), port) in self.trusted
        error: OSError | None = None
        for family, kind, proto, _, sockaddr in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
            if not internal_ok and not is_public(sockaddr[0]):
                error = InternalAddress(f"{host} is an internal address ({sockaddr[0]})")
                continue
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self.remaining())
                sock.connect(sockaddr)
            except OSError as failure:
                sock.close()
                error = failure
                continue
            with self.lock:
                self.sockets.append(sock)
            return sock
        raise error or OSError(f"cannot resolve {host}")

    def expire(self) -> None:
        """The deadline passed: cut every connection, wherever the fetch is blocked."""
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _handlers(fetch: _Fetch) -> list[urllib.request.BaseHandler]:
    class HTTPConnection(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = fetch.connect

    class HTTPSConnection(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = fetch.connect

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(HTTPConnection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(HTTPSConnection, req, context=self._context)

    return [HTTPHandler(), HTTPSHandler()]


def fetch(url: str, timeout: float = TIMEOUT, typed: bool = False, allow_internal: bool = False) -> Fetched:
    """Fetch `url`. `typed`: the user gave this address, so its host may be internal (hosts it
    redirects to may not); `allow_internal`: the site allows internal addresses everywhere."""
    trusted: set[tuple[str, int]] = set()
    if typed:
        try:
            parts = urllib.parse.urlsplit(url)
            trusted.add((parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)))
        except ValueError:
            pass  # reported below, when the address is opened
    job = _Fetch(timeout, trusted, allow_internal)
    opener = urllib.request.build_opener(*_handlers(job))
    opener.addheaders = [
        ("User-Agent", f"brief/{__version__} (news brief ingest)"),
        ("Accept", "text/html,application/xhtml+xml,application/xml,*/*"),
    ]
    watchdog = threading.Timer(timeout, job.expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        with opener.open(url, timeout=timeout) as response:
            chunks, size = [], 0
            while size <= MAX_BYTES:
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                job.remaining()
            if job.expired:
                raise TimeoutError
            if size > MAX_BYTES:
                raise BriefError("page is larger than 10 MB", path=url)
            return Fetched(response.geturl(), b"".join(chunks), response.headers.get_content_type())
    except urllib.error.HTTPError as error:
        raise BriefError(
            f"server answered {error.code} {error.reason}",
            path=url,
            hint="check the address, or save the page and ingest the file",
        ) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, InternalAddress):
            raise _internal(url, error.reason) from None
        if job.expired or isinstance(error.reason, TimeoutError):
            raise _timeout(url, timeout) from None
        raise BriefError(
            f"cannot fetch: {error.reason}", path=url, hint="check the address and your connection"
        ) from None
    except InternalAddress as error:
        raise _internal(url, error) from None
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        if job.expired or isinstance(error, TimeoutError):
            raise _timeout(url, timeout) from None
        raise BriefError(f"cannot fetch: {error}", path=url) from None
    except ValueError as error:  # a malformed address, such as http://[bad/
        raise BriefError(f"not a valid address: {error}", path=url) from None
    finally:
        watchdog.cancel()


def _internal(url: str, error: OSError) -> BriefError:
    return BriefError(
        f"refused to fetch: {error}",
        path=url,
        hint="links found in articles and feeds never reach internal addresses; "
        "set ingest: {fetch_private: true} in site.yml to allow them",
    )


def _timeout(url: str, timeout: float) -> BriefError:
    return BriefError(f"no complete answer within {timeout:.0f} s", path=url, hint="try again later")
