"""A real S3-compatible object store on 127.0.0.1 for tests: OpenStack Swift with s3api.

Follows ../shared/TESTING.md: rings for one device, the account, container, object and proxy
servers as child processes on free ports, memcached for the proxy, everything in one temporary
folder, all stopped at the end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVERS = ("account", "container", "object")
NEEDED = [
    "swift-ring-builder",
    "swift-proxy-server",
    "swift-account-server",
    "swift-container-server",
    "swift-object-server",
    "memcached",
]


def available() -> bool:
    return all(shutil.which(n) or Path(f"/usr/bin/{n}").exists() for n in NEEDED)


def _free_port() -> int:
    """A free port below the kernel's ephemeral range. Swift's servers bind it seconds later
    (after the rings are built): a port from the ephemeral range could be taken meanwhile by
    any socket bound to port 0 (the Dask clusters of other tests open dozens), and a proxy
    talking to someone else's memcached answers 400 and 503."""
    import random

    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for _ in range(200):
        port = random.randrange(10000, max(10001, low))
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


@contextmanager
def swift_s3() -> Iterator[str]:
    """Yields the S3 endpoint URL; keys `test:tester` / `testing`, region us-east-1."""
    folder = Path(tempfile.mkdtemp(prefix="brief-swift-"))
    processes: list[subprocess.Popen] = []
    try:
        (folder / "node" / "d1").mkdir(parents=True)
        (folder / "swift.conf").write_text(
            "[swift-hash]\nswift_hash_path_suffix = brieftest\nswift_hash_path_prefix = brieftest\n"
            "[storage-policy:0]\nname = Policy-0\ndefault = yes\n"
        )
        ports = {name: _free_port() for name in (*SERVERS, "proxy", "memcached")}
        for name in SERVERS:
            builder = str(folder / f"{name}.builder")
            for args in (
                ["create", "10", "1", "1"],
                ["add", f"r1z1-127.0.0.1:{ports[name]}/d1", "100"],
                ["rebalance"],
            ):
                subprocess.run(["swift-ring-builder", builder, *args], check=True, capture_output=True)
            (folder / f"{name}-server.conf").write_text(
                f"[DEFAULT]\ndevices = {folder}/node\nmount_check = false\nbind_ip = 127.0.0.1\n"
                f"bind_port = {ports[name]}\nworkers = 0\nswift_dir = {folder}\nlog_level = WARNING\n"
                f"[pipeline:main]\npipeline = {name}-server\n[app:{name}-server]\nuse = egg:swift#{name}\n"
            )
        filters = [
            "catch_errors",
            "gatekeeper",
            "healthcheck",
            "proxy-logging",
            "cache",
            "listing_formats",
            "s3api",
            "tempauth",
            "copy",
            "slo",
            "dlo",
        ]
        sections = "".join(
            f"[filter:{f}]\nuse = egg:swift#{f.replace('-', '_')}\n"
            for f in filters
            if f not in ("s3api", "tempauth", "cache")
        )
        (folder / "proxy-server.conf").write_text(
            f"[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = {ports['proxy']}\nworkers = 0\nswift_dir = {folder}\n"
            "log_level = WARNING\n"
            "[pipeline:main]\npipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats "
            "s3api tempauth copy slo dlo proxy-logging proxy-server\n"
            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
            "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\n"
            "[filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = testing .admin\n"
            f"[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:{ports['memcached']}\n"
            + sections
        )
        processes.append(
            subprocess.Popen(
                ["memcached", "-u", "root", "-l", "127.0.0.1", "-p", str(ports["memcached"])],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        for name in (*SERVERS, "proxy"):
            processes.append(
                subprocess.Popen(
                    [f"swift-{name}-server", str(folder / f"{name}-server.conf")],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        endpoint = f"http://127.0.0.1:{ports['proxy']}"
        deadline = time.monotonic() + 30
        # The proxy's health check passes before the storage servers listen: on a busy machine
        # a first request then gets 503 ("Please reduce your request rate"). Wait for all.
        while not (_listening(ports.values()) and _healthy(endpoint)):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError("Swift did not start")
            time.sleep(0.2)
        yield endpoint
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _listening(ports) -> bool:
    for port in ports:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
    return True


def _healthy(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint + "/healthcheck", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False
