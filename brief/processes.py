"""Worker processes, shared by ingest and build: how many, and that they die with their parent."""

from __future__ import annotations

import os


def workers_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def exit_with_parent() -> None:
    """Pool initializer: a worker whose parent is killed (kill -9, OOM) is sent SIGTERM instead
    of working on for minutes and holding the site's lock through its inherited descriptor."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the executor's own checks remain
        return
    if os.getppid() == 1:  # the parent died before the signal was armed
        os._exit(1)
