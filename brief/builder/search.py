"""The search index: Pagefind (extra `brief[search]`) run over the finished output.

Pagefind indexes the static files and ships a small client that loads only the index chunks a
query needs, so search works on any static host with no server.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from brief.builder.cache import clear_search_lag, search_lag
from brief.errors import BriefError
from brief.processes import dying_with_parent

INDEX_DIR = "pagefind"
# Free space below which the disk Pagefind wrote to counts as full (see _check_written).
FULL_DISK_BYTES = 1 << 20


def pagefind_available() -> bool:
    return importlib.util.find_spec("pagefind") is not None or shutil.which("pagefind") is not None


def index_site(folder: Path, lock: AbstractContextManager | None = None, output: Path | None = None) -> None:
    """(Re)build `folder/pagefind/` from the HTML in `folder`, the output folder or, staged,
    what will be (`output` names it in errors).

    The new index is written beside the old one and swapped in under `lock`, so that the site
    keeps a working index while Pagefind runs (half a minute at 10,000 briefs)."""
    building = folder / f".{INDEX_DIR}.building-{os.getpid()}-{threading.get_ident()}"
    if importlib.util.find_spec("pagefind") is not None:
        command = [sys.executable, "-m", "pagefind"]
    else:
        command = [shutil.which("pagefind") or "pagefind"]
    done = subprocess.run(
        dying_with_parent([*command, "--site", str(folder), "--output-path", str(building)]),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise BriefError(
            f"the search indexer failed: {reason[-1] if reason else done.returncode}",
            hint="run with search: false in site.yml to build without search",
        )
    _check_written(building, output or folder)
    target, old = folder / INDEX_DIR, folder / f".{INDEX_DIR}.old-{os.getpid()}-{threading.get_ident()}"
    with lock or nullcontext():
        with contextlib.suppress(FileNotFoundError):  # none yet, or another process's swap took it
            os.replace(target, old)
        os.replace(building, target)
    shutil.rmtree(old, ignore_errors=True)


def _check_written(building: Path, output: Path) -> None:
    """Pagefind (1.5.2) exits 0, and says nothing, when its writes fail: on a full disk its files
    are left empty or cut short, and a site swapped in with them has a search that fails. So,
    before the index goes live: its entry file must parse, and the disk it was written to must
    not be full (a failed write leaves it so: the files written before it fill the last
    blocks). Under 1 MiB free counts as full: a build there fails at its next write anyway."""
    problem = None
    try:
        entry = json.loads((building / "pagefind-entry.json").read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or "languages" not in entry:
            problem = "its entry file is not Pagefind's"
    except (OSError, ValueError):
        problem = "its entry file is missing or cut short"
    with contextlib.suppress(OSError):
        disk = os.statvfs(building)
        if disk.f_bavail * disk.f_frsize < FULL_DISK_BYTES:
            problem = f"the disk is full (under {FULL_DISK_BYTES >> 20} MiB free)"
    if problem is not None:
        shutil.rmtree(building, ignore_errors=True)
        raise BriefError(
            f"the search index was not written whole: {problem}",
            path=output,
            hint="free some space on that disk, or set search: false in site.yml",
        )


class BackgroundIndexer:
    """Keeps a site's search index up to date off the request path (`brief serve`).

    `request()` after each build that left the index older than the pages (search_lag); one
    thread runs Pagefind, and requests made while it runs are folded into one more run. A run
    clears the mark it saw, unless a build marked the pages again meanwhile. `on_error` hears
    a failed run."""

    def __init__(self, root: Path, folder: Path, lock: AbstractContextManager, on_error) -> None:
        self.root, self.folder, self.lock, self.on_error = root, folder, lock, on_error
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="brief-search-index", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            self._wanted.clear()
            try:
                token = search_lag(self.root)
                index_site(self.folder, self.lock)
                if token is not None:
                    clear_search_lag(self.root, token, self.lock)
            except (BriefError, OSError) as error:
                self.on_error(error)

    def stop(self) -> None:
        self._stopping.set()
        self._wanted.set()
        self._thread.join(timeout=1)  # a running Pagefind is not waited for: quitting stays quick
