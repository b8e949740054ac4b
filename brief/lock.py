"""One lock per site: ingest, build and serve's rebuilds never run at the same time on one site.

Two ingests at once both read the existing briefs, pick the same free slugs and overwrite each
other's files; an inbox ingest moves files another one is still reading. The lock is an
advisory `flock` on `.brief-cache/lock`, held by the process (not a thread) and re-entrant
within it, so a build that ingests its inbox takes it once. The kernel drops it when the
process ends, however it ends: a killed brief never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from brief.errors import BriefError

LOCK_NAME = "lock"
_held: dict[Path, int] = {}  # lock file → depth, for this process
_guard = threading.RLock()


def _holder(lock_file: Path) -> str:
    try:
        pid = lock_file.read_text(encoding="utf-8").strip()
    except OSError:
        return "another brief process"
    return f"brief (pid {pid})" if pid.isdigit() else "another brief process"


@contextmanager
def site_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Hold the site's lock for the block. Another process holding it: wait, saying so once on
    standard error, or with `wait=False` fail with one line."""
    cache = root.resolve() / ".brief-cache"
    lock_file = cache / LOCK_NAME
    with _guard:
        if lock_file in _held:
            _held[lock_file] += 1
            try:
                yield
            finally:
                _held[lock_file] -= 1
            return
        try:
            cache.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise BriefError(
                f"cannot create the site's lock: {error.strerror}",
                path=lock_file,
                hint="make .brief-cache/ writable",
            ) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(lock_file)
                if not wait:
                    raise BriefError(
                        f"{holder} is working on this site",
                        path=lock_file,
                        hint="wait for it to finish, or run without --no-wait",
                    ) from None
                print(f"waiting for {holder} to finish with this site…", file=sys.stderr, flush=True)
                fcntl.flock(fd, fcntl.LOCK_EX)
            # Who holds the lock is for the message of one that waits (_holder); on a full disk
            # the work goes on, to fail where it writes, naming that file, or to need no room
            # at all (a deploy).
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            _held[lock_file] = 1
            try:
                yield
            finally:
                del _held[lock_file]
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
