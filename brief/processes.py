"""Worker processes, shared by ingest and build: how many, and that they die with their parent."""

from __future__ import annotations

import os
import sys

# Run by dying_with_parent's Python before it becomes the command: arm the signal, make sure the
# parent (argv[1]) did not die before it was armed, then exec (the signal survives exec).
_ARM_THEN_EXEC = """import os, signal, sys
try:
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)
except (ImportError, OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
os.execvp(sys.argv[2], sys.argv[2:])
"""


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


def dying_with_parent(command: list[str]) -> list[str]:
    """`command`, to be started so that it is sent SIGTERM when this process dies (kill -9, OOM):
    a program the build waits for (Pagefind) would otherwise finish its run into a folder the
    next build removes. Armed by a small Python that then execs the command, since subprocess's
    preexec_fn is unsafe where threads run (brief serve's indexer is one). Linux only: elsewhere
    `command` as it is."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-c", _ARM_THEN_EXEC, str(os.getpid()), *command]
